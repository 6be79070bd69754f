# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""request_details against the emulator over HTTP: each write joined to the request whose method and URL match it,
forgotten requests null with one warning, each id fetched once (also under faults), no secret anywhere."""

from __future__ import annotations

import json
import re

import pytest

from ansible_collections.ionos.activitylog.plugins.module_utils.activity import fetch_activity
from ansible_collections.ionos.activitylog.plugins.module_utils.errors import ApiError
from ansible_collections.ionos.activitylog.plugins.module_utils.request_details import wanted

CONTRACT = 31909628
EMULATOR = ('--contracts', '1', '--entries', '600', '--days', '30', '--seed', '5', '--until', '2026-11-30T00:00:00Z')
WINDOW = {'start': '2026-10-30T00:00:00Z', 'end': '2026-11-30T00:00:00Z'}
SECRET = 'SECRET-'


@pytest.fixture(scope='module')
def emulator(start_emulator):
    return start_emulator(*EMULATOR)


@pytest.fixture(scope='module')
def faulty(start_emulator):
    return start_emulator(*EMULATOR, '--profile', 'faults')


def read(emulator, token='reseller-token', **options):
    options = dict(dict(WINDOW, api_url=emulator.url, token=token, request_details='writes'), **options)
    return fetch_activity(options)


def joined_ids(result) -> set:
    return {entry['request_id'] for entry in result['activities'] if wanted(entry, 'writes')}


def test_every_write_is_joined_to_its_request_and_forgotten_ones_are_null_with_one_warning(emulator):
    kept = {item['id']: item for item in emulator.cloud_requests(CONTRACT)}
    emulator.reset_stats()
    result = read(emulator)
    writes = [entry for entry in result['activities'] if wanted(entry, 'writes')]
    assert len(writes) > 50
    matched = gone = 0
    for entry in writes:
        request, known = entry['request'], kept.get(entry['request_id'])
        if known is not None and known['retained']:
            assert request['method'] == entry['action'] and request['url'].endswith(entry['uri']), entry
            assert request['status'] == known['status'] and request['created_by'] == entry['username']
            matched += 1
        else:
            assert request is None, entry
            gone += known is not None
    assert matched > 20 and gone > 5  # the data spans 30 days, the emulator keeps 14
    assert all(entry['request'] is None for entry in result['activities'] if not wanted(entry, 'writes'))
    forgotten = [text for text in result['warnings'] if 'has no request for' in text]
    assert len(forgotten) == 1 and '(404' in forgotten[0]
    ids = joined_ids(result)
    assert result['stats']['detail_requests'] == len(ids) == sum(emulator.stats()['cloud_requests']['by_id'].values())
    assert SECRET not in json.dumps(result)


def test_under_faults_the_same_requests_each_id_fetched_once_plus_retries(emulator, faulty):
    calm, faults = read(emulator), read(faulty)
    assert faults['activities'] == calm['activities']
    ids = joined_ids(faults)
    assert faults['stats']['detail_requests'] >= len(ids)
    faulty_counts = faulty.stats()['cloud_requests']['by_id']
    assert set(faulty_counts) == ids and sum(faulty_counts.values()) == faults['stats']['detail_requests']
    assert SECRET not in json.dumps(faults)


def test_filters_first_then_join_then_query(emulator):
    every = read(emulator)
    user = next(entry['username'] for entry in every['activities'] if wanted(entry, 'writes') and entry['request'])
    emulator.reset_stats()
    narrowed = read(emulator, filters={'username': user}, query="[?request != null].request.method")
    mine = {entry['request_id'] for entry in every['activities'] if entry['username'] == user and wanted(entry, 'writes')}
    assert narrowed['stats']['detail_requests'] == len(mine) < len(joined_ids(every))
    assert narrowed['activities'] and set(narrowed['activities']) <= {'POST', 'PUT', 'PATCH', 'DELETE'}


def test_all_joins_reads_too(emulator):
    result = read(emulator, request_details='all')
    reads = [entry for entry in result['activities'] if entry['action'] == 'GET' and entry['request']]
    assert reads and all(entry['request']['method'] == 'GET' for entry in reads)


def test_a_credential_that_may_not_read_requests_gives_nulls_and_says_why(emulator):
    result = read(emulator, token='no-requests-token')
    assert result['activities'] and all(entry['request'] is None for entry in result['activities'])
    refused = [text for text in result['warnings'] if '403' in text]
    assert len(refused) == 1 and 'may not read requests' in refused[0]


def test_a_cloud_api_that_keeps_failing_fails_the_read_and_names_the_request(start_emulator):
    # The Activity Log answers; only the Cloud API's requests fail, more often in a row than the retries allow.
    broken = start_emulator(*EMULATOR, '--error-rate', '1', '--error-codes', '503', '--fault-streak-max', '1000', '--fault-scope', 'requests')
    with pytest.raises(ApiError) as caught:
        read(broken, retries=1)
    message = str(caught.value)
    assert re.search(r'request_details: cannot read request \S+ of the Cloud API at http://127\.0\.0\.1:\d+/cloudapi/v6/requests/: .*503', message), message
    assert 'gave up after 1 retr' in message and 'reseller-token' not in message and SECRET not in message
    stats = broken.stats()
    assert sum(stats['faults'].values()) == 0 and stats['cloud_requests']['faults']['error'] >= 2


def test_redaction_can_be_turned_off_with_a_warning(emulator):
    result = read(emulator, redact_request_details=False)
    assert SECRET in json.dumps(result)
    assert any('redact_request_details is false' in text for text in result['warnings'])


def test_raw_entries_get_the_request_too(emulator):
    result = read(emulator, format='raw')
    joined = [entry for entry in result['activities'] if entry.get('request')]
    assert joined and all(entry['request']['method'] == entry['event']['param']['action'] for entry in joined)

# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The engine learns how the API pages (emulator paging variants over HTTP) and stays exact; stats say what it learned."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

import pytest

from ansible_collections.ionos.activitylog.plugins.module_utils.activity import fetch_activity
from ansible_collections.ionos.activitylog.plugins.module_utils.errors import ApiError

TOKEN = 'reseller-token'
CONTRACT = 31909628
UNTIL = '2026-11-01T00:00:00Z'
DATA = ('--contracts', '1', '--entries', '12000', '--days', '30', '--until', UNTIL, '--seed', '13')
WINDOW = {'start': '2026-10-02T00:00:00Z', 'end': UNTIL}


def read(url, **more):
    options = {'api_url': url, 'token': TOKEN, 'contract_numbers': [CONTRACT]}
    options.update(WINDOW)
    options.update(more)
    return fetch_activity(options, now=datetime(2026, 11, 2, tzinfo=timezone.utc))


def assert_exact(emulator, result):
    expected = emulator.entry_ids(CONTRACT, WINDOW['start'], WINDOW['end'])
    ids = [entry['id'] for entry in result['activities']]
    assert len(expected) == 12000
    assert len(ids) == len(set(ids)) == result['total'] == 12000
    assert sorted(ids) == sorted(expected)
    return result['stats']


@pytest.fixture(scope='module')
def default_requests(start_emulator):
    """What the default emulator costs for the same window: the variants below must not cost much more."""
    emulator = start_emulator(*DATA)
    stats = assert_exact(emulator, read(emulator.url))
    assert stats['paging'] == 'offset' and stats['page_size'] == 100 and stats['result_window'] == 10000
    return stats['requests']


def test_the_default_api_costs_no_probe(start_emulator):
    emulator = start_emulator('--contracts', '1', '--entries', '5000', '--days', '5', '--until', UNTIL)
    result = read(emulator.url, start='2026-10-27T00:00:00Z')
    assert result['returned'] == 5000
    assert result['stats']['requests'] == 50  # one request per page of 100, nothing else
    assert result['stats']['result_window'] is None  # no window was met
    assert (result['stats']['paging'], result['stats']['page_size']) == ('offset', 100)


def test_a_silently_capped_limit_becomes_the_page_size(start_emulator, default_requests):
    emulator = start_emulator(*DATA + ('--limit-cap', '40'))
    stats = assert_exact(emulator, read(emulator.url))
    assert stats['page_size'] == 40 and stats['paging'] == 'offset'
    assert stats['requests'] <= 12000 // 40 + 10


@pytest.mark.parametrize('message', ['elastic', 'plain'])
def test_a_smaller_result_window_is_learned(start_emulator, default_requests, message):
    emulator = start_emulator(*DATA + ('--result-window', '1500', '--result-window-message', message))
    stats = assert_exact(emulator, read(emulator.url))
    assert stats['result_window'] <= 1500
    if message == 'elastic':
        assert stats['result_window'] == 1500  # taken from the message
    assert stats['requests'] < 2 * default_requests


def test_no_result_window_costs_nothing(start_emulator, default_requests):
    emulator = start_emulator(*DATA + ('--result-window', '0'))
    stats = assert_exact(emulator, read(emulator.url))
    assert stats['requests'] == default_requests


@pytest.mark.parametrize('order', ['newest', 'oldest', 'unordered'])
def test_offset_as_a_page_index_is_detected(start_emulator, default_requests, order):
    emulator = start_emulator(*DATA + ('--offset-mode', 'page', '--order', order))
    stats = assert_exact(emulator, read(emulator.url))
    assert stats['paging'] == 'page'
    assert stats['requests'] < default_requests + 20


@pytest.mark.parametrize('mode', ['hits', 'page'])
def test_a_window_smaller_than_the_probe_does_not_pass_for_offset_as_page(start_emulator, mode):
    # Pages of 10 and a window of 500: the probe past the last page (offset 601 if offset counts hits) is refused by the
    # window as well, so two shallow pages tell the meaning of offset. Taken for pages, hits cost 9,308 requests.
    emulator = start_emulator(*DATA + ('--limit-cap', '10', '--result-window', '500', '--result-window-message', 'plain', '--offset-mode', mode))
    stats = assert_exact(emulator, read(emulator.url))
    assert (stats['paging'], stats['page_size']) == ('offset' if mode == 'hits' else 'page', 10)
    assert stats['result_window'] <= 500
    assert stats['requests'] < 1600  # 1,200 pages at least


def test_every_surprise_at_once_under_faults(start_emulator):
    emulator = start_emulator(*DATA + ('--limit-cap', '60', '--result-window', '2000', '--result-window-message', 'plain',
                                       '--offset-mode', 'page', '--profile', 'faults', '--order', 'unordered'))
    stats = assert_exact(emulator, read(emulator.url))
    assert (stats['paging'], stats['page_size']) == ('page', 60)
    assert stats['result_window'] <= 2000 and stats['retries'] > 0


def test_a_year_is_read_in_ranges_of_at_most_90_days(start_emulator):
    emulator = start_emulator('--contracts', '1', '--entries', '3000', '--days', '365', '--until', UNTIL, '--max-range-days', '90')
    result = read(emulator.url, start='2025-11-01T00:00:00Z')
    assert sorted(entry['id'] for entry in result['activities']) == sorted(emulator.entry_ids(CONTRACT, '2025-11-01', UNTIL))
    assert result['returned'] == 3000
    assert result['stats']['slices'] == 5  # ranges of 73 days, none refused
    assert list(emulator.stats()['by_status']) == ['200']


def test_a_shorter_range_cap_is_learned(start_emulator, default_requests):
    emulator = start_emulator(*DATA + ('--max-range-days', '7'))
    stats = assert_exact(emulator, read(emulator.url))
    assert stats['requests'] < default_requests + 20


def test_a_range_cap_without_a_number_is_learned_by_halving(start_emulator):
    emulator = start_emulator('--contracts', '1', '--entries', '2000', '--days', '30', '--until', UNTIL, '--max-range-days', '3.5')
    result = read(emulator.url)
    assert sorted(entry['id'] for entry in result['activities']) == sorted(emulator.entry_ids(CONTRACT, WINDOW['start'], WINDOW['end']))


def test_a_smaller_hard_limit_is_learned(start_emulator):
    emulator = start_emulator('--contracts', '1', '--entries', '3000', '--days', '30', '--until', UNTIL, '--max-limit', '30')
    result = read(emulator.url)
    assert sorted(entry['id'] for entry in result['activities']) == sorted(emulator.entry_ids(CONTRACT, WINDOW['start'], WINDOW['end']))
    assert result['stats']['page_size'] == 30


def stamp(moment):
    return moment.isoformat(timespec='milliseconds').replace('+00:00', 'Z')


def test_an_inclusive_date_end_returns_boundary_entries_once(start_emulator, tmp_path):
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    times = [start + timedelta(hours=hour, minutes=7) for hour in range(0, 180 * 24, 5)]
    times += [start + timedelta(days=90), start + timedelta(days=90), start + timedelta(days=180)]  # two on the range bound, one at the end
    entries = [{'@uuid': 'e-%05d' % number, 'meta': {'time': stamp(moment)}, 'principal': {'identity': {'contractNumber': 42}},
                'event': {'type': 'Provision'}} for number, moment in enumerate(times)]
    data = tmp_path / 'data.json'
    data.write_text(json.dumps({'42': entries}))
    emulator = start_emulator('--data', str(data), '--date-end', 'inclusive', '--max-range-days', '90')
    result = fetch_activity({'api_url': emulator.url, 'token': TOKEN, 'start': stamp(start), 'end': stamp(start + timedelta(days=180)),
                             'page_size': 500}, now=datetime(2026, 12, 1, tzinfo=timezone.utc))
    ids = [entry['id'] for entry in result['activities']]
    assert len(ids) == len(set(ids)) == len(entries) - 1 == result['total']
    assert entries[-1]['@uuid'] not in ids  # at the window's end: outside [start, end)
    assert {entries[-2]['@uuid'], entries[-3]['@uuid']} <= set(ids)


def test_a_reseller_sub_contract_is_read_with_the_contract_header(start_emulator):
    emulator = start_emulator('--contracts', '3', '--entries', '300', '--days', '5', '--until', UNTIL, '--contract-header-required')
    result = fetch_activity({'api_url': emulator.url, 'token': TOKEN, 'start': '2026-10-26T00:00:00Z', 'end': UNTIL},
                            now=datetime(2026, 11, 2, tzinfo=timezone.utc))
    assert result['returned'] == 900 and len(result['contracts']) == 3


def test_entries_without_uuid_reordered_between_pages_are_each_returned_once(start_emulator):
    """Offset paging repeats and skips entries the API reorders; without @uuid a repeat must not pass for another entry."""
    emulator = start_emulator('--contracts', '1', '--entries', '3000', '--days', '3', '--until', UNTIL, '--variant', 'no-uuid',
                              '--order', 'shuffled')
    result = read(emulator.url, start='2026-10-29T00:00:00Z', format='raw', page_size=200)
    sources = [json.dumps(source, sort_keys=True) for source in result['activities']]
    assert len(sources) == len(set(sources)) == result['total'] == 3000


def test_a_400_for_any_range_fails_after_one_probe_of_the_shortest(start_emulator):
    """Learning would halve a refused range down to an hour, two requests per part and level: one hour is asked first."""
    emulator = start_emulator('--contracts', '1', '--entries', '300', '--days', '30', '--until', UNTIL, '--max-range-days', '0.02')
    with pytest.raises(ApiError) as caught:
        read(emulator.url, start='2026-08-01T00:00:00Z')
    # the range of the first of its two parts that the probes answered
    assert re.search(r'and of one hour from 2026-(08-01|09-16)T00:00:00\.000Z\)$', str(caught.value)), str(caught.value)
    assert emulator.stats()['requests'] <= 3 * 2  # a first page, a limit of one, one hour, for each of the two ranges


def test_a_400_that_no_learning_explains_fails_clearly(start_emulator):
    emulator = start_emulator('--contracts', '1', '--entries', '300', '--days', '5', '--until', UNTIL, '--max-range-days', '0.01')
    with pytest.raises(ApiError) as caught:
        read(emulator.url)
    message = str(caught.value)
    assert message.startswith('The API rejected the request as invalid (400): ')
    assert 'with limit 1 and a range of' in message and TOKEN not in message

# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The client against the emulator over HTTP: reseller sub-contracts (X-Contract-Number), a contract not found, and an
api_url with the Cloud API's path."""

from __future__ import annotations

import pytest

from ansible_collections.ionos.activitylog.plugins.module_utils.activity import fetch_activity
from ansible_collections.ionos.activitylog.plugins.module_utils.errors import ApiError

CONTRACTS = [31909628, 31909629, 31909630]
ARGS = ('--contracts', '3', '--entries', '120', '--days', '2', '--seed', '5')


def options(url, **more):
    base = {'api_url': url, 'token': 'reseller-token', 'start': '-3d', 'retries': 0, 'concurrency': 1, 'page_size': 50}
    base.update(more)
    return base


@pytest.fixture(scope='module')
def plain(start_emulator):
    return start_emulator(*ARGS)


@pytest.fixture(scope='module')
def header_required(start_emulator):
    """Sub-contracts answer 403 unless X-Contract-Number names them (the credential's first contract does not need it)."""
    return start_emulator(*(ARGS + ('--contract-header-required',)))


def test_sub_contracts_are_read_with_the_contract_header_learnt_from_one_403(plain, header_required):
    expected = fetch_activity(options(plain.url))
    result = fetch_activity(options(header_required.url))
    assert result['contracts'] == expected['contracts'] == CONTRACTS
    assert [entry['id'] for entry in result['activities']] == [entry['id'] for entry in expected['activities']]
    assert len(result['activities']) == 360 and result['warnings'] == []
    # One request was refused and repeated with the header; from then on every contract request carried it.
    assert result['stats']['requests'] == expected['stats']['requests'] + 1
    assert result['stats']['retries'] == expected['stats']['retries'] + 1


def test_each_sub_contract_needs_its_own_number(header_required):
    result = fetch_activity(options(header_required.url, contract_numbers=[31909630, 31909629], concurrency=3))
    assert result['contracts'] == [31909630, 31909629] and result['returned'] == 240


def test_a_contract_refused_with_and_without_the_header_says_both_were_tried(header_required):
    with pytest.raises(ApiError) as caught:
        fetch_activity(options(header_required.url, token='single-token', contract_numbers=[31909629]))
    assert str(caught.value).startswith('cannot read contract 31909629: the token lacks access to it or the access-activity-log privilege '
                                        '(403), also refused with X-Contract-Number: 31909629. Remove it from contract_numbers')
    assert caught.value.status == 403


def test_the_first_contract_needs_no_header(header_required):
    result = fetch_activity(options(header_required.url, token='single-token'))
    assert result['contracts'] == [31909628] and result['returned'] == 120
    assert result['stats']['retries'] == 0


def test_a_contract_not_found_is_named(plain):
    with pytest.raises(ApiError) as caught:
        fetch_activity(options(plain.url + '/elsewhere/activitylog/v1', contract_numbers=[31909628]))
    assert str(caught.value).startswith('contract 31909628 was not found (404) at %s/elsewhere/activitylog/v1: ' % plain.url)
    assert caught.value.status == 404


def test_a_listing_not_found_still_points_at_api_url(plain):
    with pytest.raises(ApiError, match=r'^Not found \(404\) at .*/elsewhere/activitylog/v1: check api_url'):
        fetch_activity(options(plain.url + '/elsewhere/activitylog/v1'))


def test_the_cloud_api_url_reads_the_activity_log_and_warns_what_was_dropped(plain):
    result = fetch_activity(options(plain.url + '/cloudapi/v6', validate_certs=False))
    assert result['returned'] == 360
    assert result['warnings'][1:] == ['api_url %s/cloudapi/v6: the path /cloudapi/v6 was dropped; the Activity Log API is at '
                                      '%s/activitylog/v1' % (plain.url, plain.url)]
    assert result['warnings'][0].startswith('validate_certs is false')  # the run's own warnings follow

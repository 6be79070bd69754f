# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The engine against the emulator over HTTP: exactness, slicing, retries and each failure's message."""

from __future__ import annotations

import json
import time

import pytest

from ansible_collections.ionos.activitylog.plugins.module_utils.activity import fetch_activity
from ansible_collections.ionos.activitylog.plugins.module_utils.client import ActivityLogClient
from ansible_collections.ionos.activitylog.plugins.module_utils.engine import Engine
from ansible_collections.ionos.activitylog.plugins.module_utils.errors import ApiError
from ansible_collections.ionos.activitylog.plugins.module_utils.options import settings_from_options

TOKEN = 'reseller-token'


def options(url, **more):
    base = {'api_url': url, 'token': TOKEN, 'start': '-40d', 'end': 'now'}
    base.update(more)
    return base


def run_engine(url, result_window, **more):
    settings = settings_from_options(options(url, **more))
    client = ActivityLogClient(settings)
    try:
        run = Engine(client, settings, result_window=result_window).run()
    finally:
        client.close()
    return run, client


@pytest.mark.parametrize('order', ['newest', 'oldest', 'unordered'])
def test_slices_past_a_small_result_window_exactly_once(start_emulator, order):
    emulator = start_emulator('--contracts', '2', '--entries', '3000', '--days', '10', '--result-window', '500', '--order', order)
    run, client = run_engine(emulator.url, 500, page_size=90, concurrency=4)
    expected = emulator.entry_ids(run.contracts, *run.window)
    ids = [entry['id'] for _time, _ident, entry, _raw in run.entries]
    assert len(expected) == 6000
    assert len(ids) == len(set(ids)) == 6000
    assert sorted(ids) == sorted(expected)
    assert run.total == 6000
    assert run.slices >= 2 * 6000 // 500
    assert run.warnings == []
    assert client.stats.requests >= 6000 // 90
    times = [entry['time'] for _time, _ident, entry, _raw in run.entries]
    assert times == sorted(times)


def test_an_order_that_changes_between_pages_is_noticed_and_read_exactly(start_emulator):
    emulator = start_emulator('--contracts', '1', '--entries', '3000', '--days', '3', '--order', 'shuffled')
    run, client = run_engine(emulator.url, 10000, page_size=200)
    expected = emulator.entry_ids(31909628, *run.window)
    ids = [entry['id'] for _time, _ident, entry, _raw in run.entries]
    assert sorted(ids) == sorted(expected) and len(ids) == 3000
    assert run.slices > 3000 // 200
    assert client.stats.requests > 2 * 3000 // 200


def test_every_variant_is_normalized(start_emulator):
    emulator = start_emulator('--contracts', '1', '--entries', '800', '--days', '5', '--variant', 'all')
    result = fetch_activity(options(emulator.url))
    entries = result['activities']
    assert result['total'] == result['returned'] == 800
    assert len({entry['id'] for entry in entries}) == 800
    assert all(entry['id'].startswith('sha256:') for entry in entries)
    assert all(isinstance(entry['contract_number'], int) for entry in entries)
    errors = [entry['error'] for entry in entries if entry['error']]
    assert errors and all(error['http_status'] is None or isinstance(error['http_status'], int) for error in errors)
    assert any(isinstance(error['http_status'], int) for error in errors)


def test_fault_profile_gives_the_exact_window_with_retries(start_emulator):
    emulator = start_emulator('--contracts', '2', '--entries', '2000', '--days', '5', '--profile', 'faults')
    result = fetch_activity(options(emulator.url, page_size=50))
    expected = emulator.entry_ids(result['contracts'], result['window']['start'], result['window']['end'])
    assert sorted(entry['id'] for entry in result['activities']) == sorted(expected)
    assert result['stats']['retries'] > 0
    assert result['stats']['requests'] > len(expected) // 50


def test_raw_format_returns_the_sources_as_sent(start_emulator):
    emulator = start_emulator('--contracts', '1', '--entries', '300', '--days', '2', '--variant', 'string-contract-numbers')
    result = fetch_activity(options(emulator.url, format='raw'))
    assert len(result['activities']) == 300
    assert all(isinstance(entry['principal']['identity']['contractNumber'], str) for entry in result['activities'])


def expect_failure(url, pattern, **more):
    started = time.monotonic()
    with pytest.raises(ApiError) as caught:
        fetch_activity(options(url, **more))
    assert time.monotonic() - started < 60
    message = str(caught.value)
    assert pattern in message, message
    assert TOKEN not in message
    return message


@pytest.mark.parametrize('retries, said', [(1, 'gave up after 1 retry)'), (2, 'gave up after 2 retries)')])
def test_server_errors_fail_after_the_retries(start_emulator, retries, said):
    emulator = start_emulator('--entries', '100', '--error-rate', '1', '--error-codes', '503', '--fault-streak-max', '1000')
    message = expect_failure(emulator.url, 'The API failed (503)', retries=retries, contract_numbers=[31909628])
    assert said in message


def test_rate_limit_is_retried_then_reported(start_emulator):
    emulator = start_emulator('--contracts', '2', '--entries', '100', '--rate-limit', '0.01', '--rate-burst', '1')
    message = expect_failure(emulator.url, 'rate limiting the requests (429)', retries=0, contract_numbers=[31909628, 31909629])
    assert 'lower concurrency' in message


def test_a_steady_rate_limit_is_paced_not_fatal(start_emulator):
    emulator = start_emulator('--contracts', '1', '--entries', '1500', '--days', '5', '--rate-limit', '10', '--rate-burst', '1')
    result = fetch_activity(options(emulator.url, contract_numbers=[31909628]))
    assert sorted(entry['id'] for entry in result['activities']) == sorted(emulator.entry_ids(31909628, result['window']['start'], result['window']['end']))
    assert 0 < result['stats']['retries'] <= 8, result['stats']


def test_timeout_is_named(start_emulator):
    emulator = start_emulator('--entries', '100', '--slow-rate', '1', '--slow-seconds', '3', '--fault-streak-max', '1000')
    expect_failure(emulator.url, 'within 0.5 seconds', retries=1, timeout=0.5, contract_numbers=[31909628])


def test_body_that_is_not_json_is_named(start_emulator):
    emulator = start_emulator('--entries', '100', '--malformed-rate', '1', '--fault-streak-max', '1000')
    expect_failure(emulator.url, 'not valid JSON', retries=1, contract_numbers=[31909628])


def test_html_error_page_is_described_not_dumped(start_emulator):
    emulator = start_emulator('--entries', '100', '--html-error-rate', '1', '--fault-streak-max', '1000')
    message = expect_failure(emulator.url, 'not an IONOS error body (text/html', retries=0, contract_numbers=[31909628])
    assert '<html' not in message.lower()


def test_dropped_connections_are_named(start_emulator):
    emulator = start_emulator('--entries', '100', '--drop-rate', '1', '--fault-streak-max', '1000')
    expect_failure(emulator.url, 'failed or was dropped', retries=1, contract_numbers=[31909628])


def test_forbidden_contract_is_named(start_emulator):
    emulator = start_emulator('--contracts', '2', '--entries', '100')
    with pytest.raises(ApiError) as caught:
        fetch_activity(options(emulator.url, token='single-token', contract_numbers=[31909629]))
    assert str(caught.value).startswith('cannot read contract 31909629: the token lacks access to it or the access-activity-log privilege (403)')
    assert caught.value.status == 403


def test_late_entries_while_paging_void_the_read_of_their_slice(start_emulator):
    emulator = start_emulator('--contracts', '1', '--entries', '20000', '--days', '1', '--live-rate', '40', '--live-lag', '3000')
    before = emulator.entry_ids(31909628, '2000-01-01', '2100-01-01')
    run, client = run_engine(emulator.url, 10000, start='-2h', page_size=20, concurrency=2)
    after = set(emulator.entry_ids(31909628, *run.window))
    ids = [entry['id'] for _time, _ident, entry, _raw in run.entries]
    first = set(emulator.entry_ids(31909628, *run.window)) & set(before)
    assert len(ids) == len(set(ids)) == run.total
    assert first <= set(ids) <= after
    assert all(warning.startswith('Entries kept arriving inside the window') for warning in run.warnings), run.warnings
    assert client.stats.requests > run.total // 20


def test_entries_the_api_sends_twice_are_returned_once_with_a_warning(start_emulator, tmp_path):
    entry = {'@uuid': 'aaaaaaaa-0000-4000-8000-000000000001', 'meta': {'time': '2026-01-01T10:00:00.000Z'},
             'principal': {'identity': {'contractNumber': 42, 'username': 'a@example.com'}}, 'event': {'type': 'Provision'}}
    other = dict(entry, **{'@uuid': 'aaaaaaaa-0000-4000-8000-000000000002', 'meta': {'time': '2026-01-01T11:00:00.000Z'}})
    data = tmp_path / 'data.json'
    data.write_text(json.dumps({'42': [entry, other, entry]}))
    emulator = start_emulator('--data', str(data))
    result = fetch_activity(options(emulator.url, start='2026-01-01', end='2026-01-02'))
    assert [item['id'] for item in result['activities']] == ['aaaaaaaa-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000002']
    assert result['total'] == 3
    assert result['warnings'] == ['The API counted 3 entries in the window (hits.total) but 2 distinct entries were read: it sent 1 '
                                  'entries twice (the same @uuid in one page); each is returned once.']


def append_on_recount(emulator, client, rounds: int, contract: int = 31909628, count: int = 7):
    """Make ``count`` entries arrive late (stamped within the last day) inside ``contract`` when the run starts counting
    its read slices again (requests of one entry), in each of the first ``rounds`` recounts; their ids per round."""
    original = client.get_json
    state = {'appended': [], 'in_recount': False}

    def get_json(path, params=None, contract_number=None):
        recount = bool(params) and params.get('limit') == 1
        if recount and not state['in_recount'] and len(state['appended']) < rounds:
            state['appended'].append(emulator.append(contract, count, lag=86000))
        state['in_recount'] = recount
        return original(path, params, contract_number)
    client.get_json = get_json
    return state


def run_with_late_entries(emulator, rounds: int):
    """Two contracts read one request at a time: the first is read completely while the second still is."""
    settings = settings_from_options(options(emulator.url, start='-1d', end='now', page_size=50, concurrency=1,
                                             contract_numbers=[31909628, 31909629]))
    client = ActivityLogClient(settings)
    appended = append_on_recount(emulator, client, rounds)['appended']
    try:
        run = Engine(client, settings).run()
    finally:
        client.close()
    expected = sorted(emulator.entry_ids([31909628, 31909629], *run.window))
    return run, expected, appended


def test_entries_arriving_late_in_a_slice_already_read_are_read(start_emulator):
    emulator = start_emulator('--contracts', '2', '--entries', '300', '--days', '1')
    run, expected, appended = run_with_late_entries(emulator, rounds=1)
    assert len(appended) == 1 and set(appended[0]) <= set(expected)
    assert sorted(entry['id'] for _time, _ident, entry, _raw in run.entries) == expected
    assert len(expected) == 2 * 300 + 7 and run.total == len(expected)
    assert run.warnings == []


def test_entries_still_arriving_after_a_second_count_are_read_and_flagged(start_emulator):
    emulator = start_emulator('--contracts', '2', '--entries', '300', '--days', '1')
    run, expected, appended = run_with_late_entries(emulator, rounds=2)
    returned = set(entry['id'] for _time, _ident, entry, _raw in run.entries)
    assert len(appended) == 2 and len(expected) == 2 * 300 + 14
    # everything but the entries of the second late batch that fell into the slices read last (not counted again)
    assert set(expected) - set(appended[1]) <= returned <= set(expected)
    assert len(returned & set(appended[1])) > 0
    assert len(run.warnings) == 1 and run.warnings[0].startswith('Entries kept arriving inside the window while it was read (')
    assert run.warnings[0].endswith('after their part had been read, all of them read again): the window may still be receiving late '
                                    'entries. End it further back, or read it again later with some overlap.')


def test_a_window_read_in_one_round_is_not_counted_again(start_emulator):
    emulator = start_emulator('--contracts', '2', '--entries', '100', '--days', '1')
    result = fetch_activity(options(emulator.url, start='-1d', contract_numbers=[31909628, 31909629]))
    assert result['returned'] == 200 and result['stats']['requests'] == 2

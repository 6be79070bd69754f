# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""However the API pages (the engine learns it in every poll), every entry is put once: the history and live ones.

Each emulator holds 8 days of history up to now, more than 10,000 entries, and pages in one of the ways the real API
might (a silently capped ``limit``, a small result window refused with a plain 400, ``offset`` as a page index, a
7-day cap on the date range, an inclusive ``dateEnd``), or all of them under faults. The source starts 8 days back
minus a minute, so its first poll reads the whole history over more than 7 days; then entries are appended while
it polls. Every entry of the window must be put exactly once.

For the inclusive ``dateEnd`` every poll is made to end exactly at the newest entry (``read_window`` is wrapped to
pin the poll's ``now`` there, as a poll whose clock reads an entry's time would): the API then sends that entry,
and the source must leave it to a later poll, so the entries at the very last such end are never put.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest
import requests

from eda_harness import CONTRACTS, REQUEST_TIMEOUT, TOKEN, Run, append, run_scenario

HISTORY_DAYS = 8
LATER = '2100-01-01T00:00:00Z'
BURSTS = 4
ALL_FLAGS = ('--limit-cap', '40', '--result-window', '1500', '--result-window-message', 'plain', '--offset-mode', 'page',
             '--max-range-days', '7', '--date-end', 'inclusive', '--contract-header-required', '--profile', 'faults')


def _stamp(moment: datetime) -> str:
    return moment.strftime('%Y-%m-%dT%H:%M:%S.%fZ')


def _parse(text: str) -> datetime:
    return datetime.strptime(text.replace('Z', '+0000'), '%Y-%m-%dT%H:%M:%S.%f%z')


def _history(start_emulator, contracts: int, entries: int, *flags):
    """An emulator with ``entries`` per contract over the 8 days up to now, and the source's start (8 days minus a minute back)."""
    until = datetime.now(timezone.utc).replace(microsecond=0)
    emulator = start_emulator('--contracts', str(contracts), '--entries', str(entries), '--days', str(HISTORY_DAYS),
                              '--until', _stamp(until), '--seed', '17', *flags)
    return emulator, _stamp(until - timedelta(days=HISTORY_DAYS) + timedelta(minutes=1))


def _truth(emulator, contracts: int, start: str, end: str = LATER) -> list:
    return emulator.entry_ids(CONTRACTS[:contracts], start, end)


def _newest_time(emulator, start: datetime, now: datetime) -> datetime | None:
    """The time of the first contract's newest entry in [start, now] (one hit of the last day, through the API,
    retried past injected faults), None when there is none."""
    params = {'dateStart': _stamp(max(start, now - timedelta(days=1))), 'dateEnd': _stamp(now), 'limit': 1}
    for _attempt in range(10):
        try:
            response = requests.get('%s/activitylog/v1/contracts/%d' % (emulator.url, CONTRACTS[0]), params=params,
                                    headers={'Authorization': 'Bearer ' + TOKEN}, timeout=REQUEST_TIMEOUT)
            if response.status_code == 200:
                hits = response.json()['hits']['hits']
                return _parse(hits[0]['_source']['meta']['time']) if hits else None
        except (requests.RequestException, ValueError, KeyError, TypeError):
            pass
    raise AssertionError('the newest entry could not be read')


def _watch_polls(source, monkeypatch, emulator, end_at_newest: bool = False) -> list:
    """Wrap the source's read_window: record each poll's end and stats (what the engine learned); with
    ``end_at_newest`` make every poll end exactly at the first contract's newest entry."""
    namespace = source.main.__globals__  # what main() looks read_window up in (run_path gives the test a copy)
    real = namespace['read_window']
    polls = []

    def read_window(fetch_options, start, now):
        if end_at_newest:
            newest = _newest_time(emulator, start, now)
            if newest is not None and newest > start:
                now = newest
        result = real(fetch_options, start, now)
        polls.append((now, result['stats']))
        return result

    monkeypatch.setitem(namespace, 'read_window', read_window)
    return polls


def _expected(emulator, contracts: int, start: str, polls_end_at_the_newest: bool) -> list:
    """The ids the source must have put: the window from start, or, when every poll ends at the first contract's
    newest entry, the window up to that entry's time (exclusive)."""
    if not polls_end_at_the_newest:
        return _truth(emulator, contracts, start)
    newest = _newest_time(emulator, _parse(start), datetime.now(timezone.utc))
    return _truth(emulator, contracts, start, _stamp(newest - timedelta(microseconds=1)))  # dateEnd is inclusive here


async def _read_history_then_live(run: Run, emulator, contracts: int, start: str, ends_at_newest: bool, first_poll: float) -> tuple:
    """Wait for the first poll's events, append BURSTS bursts while the source polls, wait for every expected event."""
    history = len(await asyncio.to_thread(_expected, emulator, contracts, start, ends_at_newest))
    await run.until(lambda events: len(events) >= history, first_poll)
    for _burst in range(BURSTS):
        for contract in reversed(CONTRACTS[:contracts]):  # the first contract last: its entries are the newest
            await append(emulator, contract, 5)
        await asyncio.sleep(0.3)
    expected = await asyncio.to_thread(_expected, emulator, contracts, start, ends_at_newest)
    await run.until(lambda events: len(events) >= len(expected), 5)
    await run.settle(0.6)
    return history, expected


def _check_once(ids: list, expected: list) -> None:
    assert len(ids) == len(set(ids)), '%d entries put twice' % (len(ids) - len(set(ids)))
    missing, foreign = set(expected) - set(ids), set(ids) - set(expected)
    assert not missing and not foreign, '%d of %d entries missing, %d not expected' % (len(missing), len(expected), len(foreign))


def _scenario(source, emulator, contracts: int, start: str, ends_at_newest: bool = False, first_poll: float = 10, **args):
    async def scenario():
        run = Run(source, dict(emulator.source_args(start=start), **args))
        try:
            history, expected = await _read_history_then_live(run, emulator, contracts, start, ends_at_newest, first_poll)
        finally:
            await run.stop()
        return run, history, expected
    return scenario


@pytest.mark.parametrize('flags, learned', [
    (('--limit-cap', '40'), lambda stats: stats['page_size'] == 40),
    (('--result-window', '1500', '--result-window-message', 'plain'), lambda stats: stats['result_window'] <= 1500),
    (('--offset-mode', 'page'), lambda stats: stats['paging'] == 'page'),
    (('--max-range-days', '7'), lambda stats: stats['slices'] >= 2),  # and the 400s below
], ids=['capped-limit', 'small-window-plain', 'offset-as-page', 'range-cap-7-days'])
def test_every_entry_is_put_once_however_the_api_pages(source, start_emulator, monkeypatch, flags, learned):
    emulator, start = _history(start_emulator, 1, 12000, *flags)
    polls = _watch_polls(source, monkeypatch, emulator)
    run, history, expected = run_scenario(_scenario(source, emulator, 1, start), timeout=20)
    assert history > 10000 and len(expected) == history + BURSTS * 5
    _check_once(run.ids(), expected)
    assert learned(polls[0][1]), 'the first poll did not learn what the API does: %s' % polls[0][1]
    if '--max-range-days' in flags:
        refused = emulator.stats()['by_status'].get('400', 0)
        assert refused >= 1, 'the first poll (8 days) was not refused: the range cap was not met'


def test_an_inclusive_date_end_leaves_the_entry_at_a_poll_end_to_a_later_poll(source, start_emulator, monkeypatch):
    emulator, start = _history(start_emulator, 1, 12000, '--date-end', 'inclusive')
    polls = _watch_polls(source, monkeypatch, emulator, end_at_newest=True)
    run, history, expected = run_scenario(_scenario(source, emulator, 1, start, ends_at_newest=True), timeout=20)
    at_the_last_end = set(_truth(emulator, 1, start)) - set(expected)
    ends = [end for end, _stats in polls]
    assert history > 10000 and len(set(ends)) >= 1 + BURSTS, 'the polls did not end at the entries of each burst: %s' % ends
    assert at_the_last_end and not at_the_last_end & set(run.ids()), 'the entries at the end of the last poll must wait for a later poll'
    _check_once(run.ids(), expected)


def test_all_of_them_at_once_under_faults(source, start_emulator, monkeypatch):
    """Two contracts (the second needs X-Contract-Number), 6,000 entries each, concurrency 4: the injected 503s ask
    for a second's pause (Retry-After: 1), so this one takes some 15 s."""
    emulator, start = _history(start_emulator, 2, 6000, *ALL_FLAGS)
    polls = _watch_polls(source, monkeypatch, emulator, end_at_newest=True)
    run, history, expected = run_scenario(_scenario(source, emulator, 2, start, ends_at_newest=True, first_poll=40, concurrency=4), timeout=60)
    assert history > 10000
    first = polls[0][1]
    assert (first['page_size'], first['paging']) == (40, 'page') and first['result_window'] <= 1500 and first['retries'] > 0, first
    assert {event['contract_number'] for event in run.events} == set(CONTRACTS)
    _check_once(run.ids(), expected)

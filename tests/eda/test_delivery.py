# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every entry appended while the source runs is put on the queue once, in time order; late ones too."""

from __future__ import annotations

import asyncio

from eda_harness import CONTRACTS, Run, append, run_scenario


def test_every_appended_entry_arrives_once_in_time_order(source, start_emulator):
    emulator = start_emulator()

    async def scenario():
        run = Run(source, emulator.source_args())
        expected = []
        try:
            for burst in range(6):
                expected += await append(emulator, CONTRACTS[burst % 2], 4)
                await asyncio.sleep(0.15)
            await run.until(lambda events: len(events) >= len(expected), 10)
            await run.settle(1.0)
        finally:
            await run.stop()
        return run, expected

    run, expected = run_scenario(scenario)
    assert sorted(run.ids()) == sorted(expected), 'only the appended entries, each once'
    times = [event['time'] for event in run.events]
    assert times == sorted(times)
    assert {event['contract_number'] for event in run.events} == set(CONTRACTS)
    first = run.events[0]
    assert set(first) >= {'id', 'time', 'contract_number', 'username', 'event_type', 'status', 'action', 'resources', 'error'}


def test_late_entries_inside_the_overlap_arrive_once(source, start_emulator):
    emulator = start_emulator()

    async def scenario():
        run = Run(source, emulator.source_args(overlap=10, start='-1m'))
        try:
            fresh = await append(emulator, CONTRACTS[0], 5)
            await run.until(lambda events: len(events) >= 5, 10)
            await asyncio.sleep(0.5)
            # stamped up to 4 s ago, so mostly before the watermark the fresh entries set
            late = await append(emulator, CONTRACTS[0], 20, lag=4)
            more = await append(emulator, CONTRACTS[1], 3)
            await run.until(lambda events: len(events) >= 28, 10)
            await run.settle(1.0)
        finally:
            await run.stop()
        return run, fresh, late, more

    run, fresh, late, more = run_scenario(scenario)
    assert sorted(run.ids()) == sorted(fresh + late + more)
    assert set(run.ids()[:5]) == set(fresh)


def test_without_overlap_entries_older_than_the_watermark_are_missed(source, start_emulator):
    """The limit the overlap exists for: with overlap 0 the late entries are lost (the test above depends on it)."""
    emulator = start_emulator()

    async def scenario():
        run = Run(source, emulator.source_args(overlap=0, start='-1m'))
        try:
            await append(emulator, CONTRACTS[0], 3)
            await run.until(lambda events: len(events) >= 3, 10)
            await asyncio.sleep(0.5)
            late = await append(emulator, CONTRACTS[0], 20, lag=4)
            await run.settle(1.5)
        finally:
            await run.stop()
        return run, late

    run, late = run_scenario(scenario)
    assert len(set(run.ids())) == len(run.ids())
    assert set(late) - set(run.ids()), 'some late entries should have been missed without the overlap'


def test_filters_and_contract_numbers_select_the_events(source, start_emulator):
    emulator = start_emulator()

    async def scenario():
        run = Run(source, emulator.source_args(contract_number=CONTRACTS[1], filters={'event_type': ['RequestAccepted', 'Provision']}))
        try:
            await append(emulator, CONTRACTS[0], 30)
            ids = await append(emulator, CONTRACTS[1], 60)
            await asyncio.sleep(0.3)
            ids += await append(emulator, CONTRACTS[1], 60)
            await run.settle(2.0)
        finally:
            await run.stop()
        return run, ids

    run, ids = run_scenario(scenario)
    assert run.events, 'some of 120 generated entries are RequestAccepted or Provision'
    assert {event['event_type'] for event in run.events} <= {'RequestAccepted', 'Provision'}
    assert {event['contract_number'] for event in run.events} == {CONTRACTS[1]}
    assert set(run.ids()) <= set(ids) and len(set(run.ids())) == len(run.ids())

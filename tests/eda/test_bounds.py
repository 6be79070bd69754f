# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The set of ids already put stays bounded: by time (watermark minus overlap) and by max_seen."""

from __future__ import annotations

import asyncio
import json
import logging

from eda_harness import CONTRACTS, Run, append, run_scenario


def _seen(state) -> dict:
    return json.loads(state.read_text())['seen']


def test_ids_older_than_the_overlap_are_forgotten(source, start_emulator, tmp_path):
    emulator = start_emulator()
    state = tmp_path / 'state.json'

    async def scenario():
        run = Run(source, emulator.source_args(state_file=str(state), overlap=1))
        try:
            old = await append(emulator, CONTRACTS[0], 5)
            await run.until(lambda events: len(events) >= 5, 10)
            await run.settle(0.5)
            assert set(_seen(state)) == set(old)
            await asyncio.sleep(1.2)
            new = await append(emulator, CONTRACTS[1], 5)
            await run.until(lambda events: len(events) >= 10, 10)
            await run.settle(0.6)
            return run, old, new, _seen(state)
        finally:
            await run.stop()

    run, old, new, seen = run_scenario(scenario)
    assert sorted(run.ids()) == sorted(old + new)
    assert set(seen) == set(new), 'ids more than overlap before the watermark are dropped'


def test_max_seen_bounds_the_ids_and_nothing_arrives_twice(source, start_emulator, tmp_path, caplog):
    emulator = start_emulator()
    state = tmp_path / 'state.json'
    caplog.set_level(logging.WARNING)

    async def scenario():
        run = Run(source, emulator.source_args(state_file=str(state), overlap=60, max_seen=10))
        expected, sizes = [], []
        try:
            for burst in range(4):
                expected += await append(emulator, CONTRACTS[burst % 2], 8)
                await run.until(lambda events: len(events) >= len(expected), 10)
                await run.settle(0.5)
                sizes.append(len(_seen(state)))
        finally:
            await run.stop()
        return run, expected, sizes

    run, expected, sizes = run_scenario(scenario)
    assert sorted(run.ids()) == sorted(expected), 'each once, although most ids were dropped inside the overlap'
    assert max(sizes) <= 10, sizes
    assert any('max_seen=10 reached' in record.getMessage() for record in caplog.records)

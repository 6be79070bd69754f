# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""With a state_file, a restarted source puts what arrived while it was down, and nothing twice."""

from __future__ import annotations

import asyncio
import json

import pytest

from eda_harness import CONTRACTS, Run, append, run_scenario


def test_a_restart_puts_the_entries_that_arrived_while_down_once(source, start_emulator, tmp_path):
    emulator = start_emulator()
    state = tmp_path / 'state.json'

    async def first_run():
        run = Run(source, emulator.source_args(state_file=str(state), overlap=30, start='-1m'))
        try:
            ids = await append(emulator, CONTRACTS[0], 5) + await append(emulator, CONTRACTS[1], 5)
            await run.until(lambda events: len(events) >= 10, 10)
            await run.settle(0.5)
        finally:
            await run.stop()
        return run, ids

    async def while_down():
        fresh = await append(emulator, CONTRACTS[0], 6)
        late = await append(emulator, CONTRACTS[1], 6, lag=2)
        await asyncio.sleep(0.5)
        return fresh + late

    async def second_run(expected):
        # start=now would skip everything that arrived while down: with the state file it is ignored
        run = Run(source, emulator.source_args(state_file=str(state), overlap=30, start='now'))
        try:
            await run.until(lambda events: len(events) >= len(expected), 10)
            await run.settle(1.0)
        finally:
            await run.stop()
        return run

    first, first_ids = run_scenario(first_run)
    assert sorted(first.ids()) == sorted(first_ids)
    saved = json.loads(state.read_text())
    assert state.stat().st_mode & 0o777 == 0o600
    assert saved['watermark'] == max(event['time'] for event in first.events)
    assert set(saved['seen']) == set(first_ids)
    down_ids = run_scenario(while_down)
    second = run_scenario(lambda: second_run(down_ids))
    assert sorted(second.ids()) == sorted(down_ids), 'each entry of the downtime once, none of the first run again'


def test_a_stop_in_the_middle_of_a_poll_keeps_exactly_what_was_put(source, start_emulator, tmp_path):
    """A queue that takes one event at a time; cancelled after 7 of 30: the restart puts the other 23."""
    emulator = start_emulator()
    state = tmp_path / 'state.json'

    async def scenario():
        ids = await append(emulator, CONTRACTS[0], 30)
        run = Run(source, emulator.source_args(state_file=str(state), start='-1m'), maxsize=1)
        try:
            await run.until(lambda events: len(events) >= 7, 10)
        finally:
            await run.stop()
        again = Run(source, emulator.source_args(state_file=str(state), start='-1m'))
        try:
            await again.until(lambda events: len(run.events) + len(events) >= 30, 10)
            await again.settle(0.8)
        finally:
            await again.stop()
        return ids, run, again

    ids, run, again = run_scenario(scenario)
    assert 7 <= len(run.events) < 30
    assert sorted(run.ids() + again.ids()) == sorted(ids)


@pytest.mark.parametrize('content, problem', [
    ('{not json', 'not a JSON object'),
    ('{"version": 99, "watermark": "2024-01-01T00:00:00.000Z", "floor": "2024-01-01T00:00:00.000Z", "seen": {}}', 'version'),
    ('{"version": 1, "watermark": "yesterday", "floor": "2024-01-01T00:00:00.000Z", "seen": {}}', 'watermark'),
    ('{"version": 1, "watermark": "2024-01-01T00:00:00.000Z", "floor": "2024-01-01T00:00:00.000Z", "seen": []}', 'seen'),
])
def test_a_state_file_it_did_not_write_is_refused(source, tmp_path, content, problem):
    state = tmp_path / 'state.json'
    state.write_text(content)

    async def scenario():
        await source.main(asyncio.Queue(), {'api_url': 'http://127.0.0.1:9', 'token': 'x', 'state_file': str(state)})

    with pytest.raises(source.OptionError) as raised:
        run_scenario(scenario, timeout=10)
    assert str(state) in str(raised.value) and problem in str(raised.value)
    assert state.read_text() == content, 'a state file it cannot read is left alone'

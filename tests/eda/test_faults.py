# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Faults and rate limits: back off, keep polling, still put every entry once; refusals stop the source."""

from __future__ import annotations

import asyncio
import logging
import random
import time

import pytest

from eda_harness import CONTRACTS, TOKEN, Run, append, run_scenario

LOGGER = 'ionos.activitylog.eda.activity_log'


@pytest.mark.parametrize('flags, cause', [
    (('--error-rate', '0.3', '--drop-rate', '0.05', '--malformed-rate', '0.05'), 'The API failed'),
    (('--rate-limit', '5', '--rate-burst', '3'), '(429)'),
], ids=['errors-drops-malformed', 'rate-limit'])
def test_faults_are_retried_and_every_entry_still_arrives_once(source, start_emulator, caplog, flags, cause):
    emulator = start_emulator(*flags)
    caplog.set_level(logging.DEBUG)  # urllib3 and requests log every request at DEBUG: the token must not be in any of it

    async def scenario():
        # retries=0: every fault fails a whole poll, so the source's own backoff has to carry on
        run = Run(source, emulator.source_args(retries=0))
        expected = []
        try:
            for burst in range(8):
                expected += await append(emulator, CONTRACTS[burst % 2], 5)
                await asyncio.sleep(0.2)
            await run.until(lambda events: len(set(event['id'] for event in events)) >= len(expected), 15)
            await run.settle(1.0)
        finally:
            await run.stop()
        return run, expected

    run, expected = run_scenario(scenario)
    assert sorted(run.ids()) == sorted(expected)
    failures = [record.getMessage() for record in caplog.records if record.name == LOGGER and record.levelno == logging.WARNING]
    assert any('reading the activity log failed' in message and cause in message for message in failures), failures
    assert TOKEN not in caplog.text


@pytest.mark.parametrize('change, status, words', [
    ({'token': 'tok-wrong-9a7b-secret'}, 401, 'refused the credentials'),
    ({'token': 'one-contract-token', 'contract_numbers': [CONTRACTS[1]]}, 403, 'cannot read contract %d' % CONTRACTS[1]),
    ({'api_url_suffix': '/elsewhere/activitylog/v1'}, 404, 'check api_url'),  # a path of its own would be dropped
], ids=['401', '403', '404'])
def test_refusals_stop_the_source_with_a_clear_error(source, start_emulator, caplog, change, status, words):
    emulator = start_emulator()
    caplog.set_level(logging.DEBUG)
    args = emulator.source_args()
    args['api_url'] += change.pop('api_url_suffix', '')
    args.update(change)

    async def scenario():
        await source.main(asyncio.Queue(), args)

    with pytest.raises(source.ApiError) as raised:
        run_scenario(scenario, timeout=15)
    assert raised.value.status == status
    assert words in str(raised.value)
    assert args['token'] not in str(raised.value) and args['token'] not in caplog.text


def test_cancelling_main_returns_at_once_while_a_request_is_in_flight(source, start_emulator):
    """ansible-rulebook cancels sources on shutdown; a slow answer must not hold the shutdown up."""
    emulator = start_emulator('--latency-ms', '4000')

    async def scenario():
        task = asyncio.create_task(source.main(asyncio.Queue(), emulator.source_args()))
        await asyncio.sleep(0.5)
        task.cancel()
        cancelled_at = time.monotonic()
        with pytest.raises(asyncio.CancelledError):
            await task
        return cancelled_at

    cancelled_at = run_scenario(scenario)
    assert time.monotonic() - cancelled_at < 1.5, 'asyncio.run waited for the request in flight'


def test_the_backoff_doubles_from_one_interval_with_jitter_up_to_its_cap(source):
    backoff = source.poll_backoff(0.2, rng=random.Random(7))
    delays = [backoff.delay(failures) for failures in range(8)]  # after the 1st, 2nd, ... failed poll in a row
    ceilings = [0.2, 0.4, 0.8, 1.6, 3.2, 3.2, 3.2, 3.2]  # 16 intervals at most
    assert all(ceiling / 2 <= delay <= ceiling for delay, ceiling in zip(delays, ceilings)), delays
    assert len(set(delays)) == len(delays), 'jittered'
    assert backoff.delay(0) <= 0.2, 'after a success (main counts failures from 0 again) at most one interval'
    assert source.poll_backoff(60).cap == 300, 'five minutes at most for a one-minute interval'

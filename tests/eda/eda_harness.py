# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers of the event source tests: an emulator with admin calls, and a running ``main`` with its queue."""

from __future__ import annotations

import asyncio

from emulator.process import EmulatorProcess

REQUEST_TIMEOUT = 10.0
START_TIMEOUT = 30.0
CONTRACTS = (31909628, 31909629)
# Two small contracts of seeded history, long before the live appends of the tests.
EMULATOR_ARGS = ('--contracts', '2', '--entries', '200', '--days', '1', '--seed', '5', '--until', '2024-06-01T00:00:00Z')
TOKEN = 'tok-5f1e9c-eda-secret'
POLL = {'interval': 0.2, 'timeout': 5, 'concurrency': 2}


class Emulator(EmulatorProcess):
    """An emulator whose admin calls (emulator/process.py) time out after REQUEST_TIMEOUT, with the source's arguments for it."""

    admin_timeout = REQUEST_TIMEOUT

    def source_args(self, **extra) -> dict:
        """Source arguments for this emulator: the test token, short polls, plus ``extra``."""
        return dict(POLL, api_url=self.url, token=TOKEN, **extra)


class Run:
    """One running ``main`` with its queue; ``events`` holds what it put, in order."""

    def __init__(self, source, args: dict, maxsize: int = 0):
        self.queue = asyncio.Queue(maxsize)
        self.task = asyncio.create_task(source.main(self.queue, args))
        self.events = []

    async def until(self, predicate, timeout: float) -> None:
        """Take events until ``predicate(events)``; fails on timeout or when ``main`` ended."""
        deadline = asyncio.get_running_loop().time() + timeout
        while not predicate(self.events):
            if self.task.done():
                self.task.result()
                raise AssertionError('main returned without an error')
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise AssertionError('timed out after %gs with %d events' % (timeout, len(self.events)))
            try:
                self.events.append(await asyncio.wait_for(self.queue.get(), min(remaining, 0.5)))
            except asyncio.TimeoutError:
                pass

    async def settle(self, seconds: float) -> None:
        """Keep taking events for ``seconds`` (several polls): anything put again would show up here."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while loop.time() < deadline:
            try:
                self.events.append(await asyncio.wait_for(self.queue.get(), max(0.01, deadline - loop.time())))
            except asyncio.TimeoutError:
                pass

    async def stop(self) -> None:
        """Cancel ``main`` as ansible-rulebook does on shutdown; then take what it had put."""
        self.task.cancel()
        try:
            await asyncio.wait_for(self.task, 10)
        except asyncio.CancelledError:
            pass
        while not self.queue.empty():
            self.events.append(self.queue.get_nowait())

    def ids(self) -> list:
        return [event['id'] for event in self.events]


def run_scenario(scenario, timeout: float = 25.0):
    """Run ``scenario()`` (a coroutine function) on a fresh event loop, bounded by ``timeout`` seconds."""
    return asyncio.run(asyncio.wait_for(scenario(), timeout))


async def append(emulator: Emulator, contract: int, count: int, lag: float = 0) -> list:
    """The admin append, off the event loop."""
    return await asyncio.to_thread(emulator.append, contract, count, lag)

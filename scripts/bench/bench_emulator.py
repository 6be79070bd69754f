# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The bench's emulator: fixed seed and period, so every run and every runner reads the same entries.

Also what the bench asks of it: the ground truth of the window and the request counters, through the emulator's own
admin calls (emulator/process.py). Loopback only, a timeout on every call.
"""

from __future__ import annotations

import http.client

from emulator.process import EmulatorAdmin, EmulatorProcess

SEED = 7
UNTIL = '2024-06-01T00:00:00Z'
DAYS = 30
WINDOW = ('2024-05-02T00:00:00Z', UNTIL)  # the whole generated period: [UNTIL - DAYS, UNTIL)
FIRST_CONTRACT = 31909628
TOKEN = 'reseller-token'
ADMIN_TIMEOUT = 300


def start(contracts: int, entries: int, latency_ms: int) -> EmulatorProcess:
    """An emulator with ``contracts`` x ``entries`` over the fixed period; contracts built before it is used."""
    args = ['--seed', SEED, '--until', UNTIL, '--days', DAYS, '--contracts', contracts, '--first-contract', FIRST_CONTRACT,
            '--entries', entries, '--latency-ms', latency_ms, '--request-retention-days', 0]  # every request of request_details kept
    emulator = EmulatorProcess(args, start_timeout=120, admin_timeout=ADMIN_TIMEOUT)
    try:
        for contract in contract_numbers(contracts):
            emulator.request_json('GET', '/activitylog/v1/contracts/%d' % contract, {'limit': 1}, {'Authorization': 'Bearer ' + TOKEN})
    except BaseException:
        emulator.stop()
        raise
    return emulator


def contract_numbers(contracts: int) -> list:
    return [FIRST_CONTRACT + index for index in range(contracts)]


def admin(base: str) -> EmulatorAdmin:
    """The admin calls of the emulator at ``base``, with the bench's timeout (a window of 200,000 ids takes a while)."""
    return EmulatorAdmin(base, timeout=ADMIN_TIMEOUT)


def ground_truth(base: str, contracts: list) -> dict:
    """contract -> the ids of the window, from the emulator's own store (no paging, no API)."""
    return {contract: admin(base).entry_ids(contract, *WINDOW) for contract in contracts}


def reset_stats(base: str) -> None:
    admin(base).reset_stats()


def stats(base: str) -> dict:
    return admin(base).stats()


def connection(emulator: EmulatorProcess, timeout: float = 120) -> http.client.HTTPConnection:
    """One keep-alive connection to the emulator (the floor's minimal client)."""
    return http.client.HTTPConnection(emulator.host, emulator.port, timeout=timeout)

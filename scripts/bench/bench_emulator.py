# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The bench's emulator: fixed seed and period, so every run and every runner reads the same entries.

Also the admin calls the bench needs: the ground truth of a window (GET /_emulator/entries) and the request
counters (/_emulator/stats, /_emulator/stats/reset). Loopback only, a timeout on every call.
"""

from __future__ import annotations

import http.client
import json
import urllib.parse
import urllib.request

from emulator.process import EmulatorProcess

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
            '--entries', entries, '--latency-ms', latency_ms]
    emulator = EmulatorProcess(args, start_timeout=120)
    try:
        for contract in contract_numbers(contracts):
            api_get(emulator.url, '/activitylog/v1/contracts/%d' % contract, {'limit': 1})
    except BaseException:
        emulator.stop()
        raise
    return emulator


def contract_numbers(contracts: int) -> list:
    return [FIRST_CONTRACT + index for index in range(contracts)]


def _call(url: str, method: str = 'GET', headers=None):
    request = urllib.request.Request(url, method=method, headers=headers or {})
    with urllib.request.urlopen(request, timeout=ADMIN_TIMEOUT) as response:  # loopback URL of our own emulator
        return json.loads(response.read())


def api_get(base: str, path: str, params: dict):
    return _call('%s%s?%s' % (base, path, urllib.parse.urlencode(params)), headers={'Authorization': 'Bearer ' + TOKEN})


def ground_truth(base: str, contracts: list) -> dict:
    """contract -> the ids of the window, from the emulator's own store (no paging, no API)."""
    query = urllib.parse.urlencode({'dateStart': WINDOW[0], 'dateEnd': WINDOW[1]})
    return {contract: _call('%s/_emulator/entries/%d?%s' % (base, contract, query))['ids'] for contract in contracts}


def reset_stats(base: str) -> None:
    _call(base + '/_emulator/stats/reset', method='POST')


def stats(base: str) -> dict:
    return _call(base + '/_emulator/stats')


def connection(emulator: EmulatorProcess, timeout: float = 120) -> http.client.HTTPConnection:
    """One keep-alive connection to the emulator (the floor's minimal client)."""
    return http.client.HTTPConnection(emulator.host, emulator.port, timeout=timeout)

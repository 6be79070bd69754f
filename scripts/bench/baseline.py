# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The baseline of scripts/bench.py: the plain loop of the public sample scripts, run as its own process.

One requests.Session (one kept-alive connection), pages of 100 by offset/limit, one after the other, contract
after contract; it stops at hits.total, so it makes no empty last request. It only works on windows within the
API's result window (10,000 entries). Prints one JSON line: entries read and the loop's seconds (interpreter
start and imports excluded). The token comes from IONOS_TOKEN and is never printed.

    python scripts/bench/baseline.py --api-url URL --start T --end T [--contracts N,N]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

import requests

PAGE_SIZE = 100
TIMEOUT = 60


def read_contract(session: requests.Session, base: str, contract: int, window: dict) -> list:
    """Every ``_source`` of the window of one contract, page by page."""
    sources, offset, total = [], 0, None
    while total is None or offset < total:
        response = session.get('%s/contracts/%d' % (base, contract), params=dict(window, offset=offset, limit=PAGE_SIZE), timeout=TIMEOUT)
        response.raise_for_status()
        hits = response.json()['hits']
        total = hits['total']
        sources.extend(hit['_source'] for hit in hits['hits'])
        offset += PAGE_SIZE
    return sources


def runner_args(argv, description: str):
    """The arguments every script runner takes (this one and direct.py); IONOS_TOKEN must be set."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument('--api-url', required=True, help='e.g. http://127.0.0.1:8765')
    parser.add_argument('--start', required=True, help='dateStart, RFC 3339')
    parser.add_argument('--end', required=True, help='dateEnd, RFC 3339')
    parser.add_argument('--contracts', default='', help='comma-separated; empty: every contract /contracts lists')
    args = parser.parse_args(argv)
    if not os.environ.get('IONOS_TOKEN'):
        parser.error('set IONOS_TOKEN')
    args.contract_numbers = [int(number) for number in args.contracts.split(',')] if args.contracts else None
    return args


def report(entries: int, started: float, cpu: float, **more) -> None:
    """The runner's one JSON line: entries read, the loop's seconds and CPU seconds (and ``more``)."""
    print(json.dumps(dict({'entries': entries, 'loop_seconds': time.perf_counter() - started, 'loop_cpu_seconds': time.process_time() - cpu},
                          **more)), flush=True)


def main(argv=None) -> int:
    args = runner_args(argv, __doc__.splitlines()[0])
    token = os.environ['IONOS_TOKEN']
    started, cpu = time.perf_counter(), time.process_time()
    base = args.api_url.rstrip('/') + '/activitylog/v1'
    with requests.Session() as session:
        session.headers['Authorization'] = 'Bearer ' + token
        if args.contract_numbers:
            contracts = args.contract_numbers
        else:
            response = session.get(base + '/contracts', timeout=TIMEOUT)
            response.raise_for_status()
            contracts = [item['id'] for item in response.json()]
        entries = []
        for contract in contracts:
            entries.extend(read_contract(session, base, contract, {'dateStart': args.start, 'dateEnd': args.end}))
    report(len(entries), started, cpu)
    return 0


if __name__ == '__main__':
    sys.exit(main())

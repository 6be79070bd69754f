# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Measure the emulator: requests/s for 100-entry pages from a 200,000-entry contract.

Starts its own emulator on 127.0.0.1 (loopback only), times the first request (which builds the contract), then
runs a bounded number of page requests sequentially on one kept-alive connection and from 4 threads (one
connection each). Every phase stops after --requests requests or --seconds seconds, whichever comes first.

    .venv/bin/python scripts/emulator_throughput.py [--entries 200000] [--requests 2000] [--threads 4]
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import selectors
import subprocess
import sys
import threading
import time

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONTRACT = 31909628
UNTIL = "2024-06-01T00:00:00Z"
DAYS = 30
LISTEN_LINE = re.compile(r"emulator listening on http://127\.0\.0\.1:([0-9]+)")
AUTH = {"Authorization": "Bearer reseller-token"}


def start_emulator(python: str, entries: int, timeout: float = 60.0):
    """Start ``python -m emulator`` on a free loopback port; returns (process, port)."""
    process = subprocess.Popen(
        [python, "-m", "emulator", "--port", "0", "--host", "127.0.0.1", "--contracts", "1", "--first-contract", str(CONTRACT),
         "--entries", str(entries), "--until", UNTIL, "--days", str(DAYS)],
        cwd=REPO_ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if selector.select(timeout):
            match = LISTEN_LINE.fullmatch(process.stdout.readline().decode("utf-8").strip())
            if match:
                return process, int(match.group(1))
    process.kill()
    process.wait(10)
    raise SystemExit("the emulator did not start")


def page_paths(count: int, limit: int, seed: int) -> list:
    """Page requests: whole-contract pages at random offsets and pages of one-day windows (found by bisection)."""
    rng = random.Random(seed)
    paths = []
    for index in range(count):
        offset = rng.randrange(0, 10000 - limit)
        if index % 2:
            day = rng.randrange(1, DAYS - 1)
            query = f"dateStart=2024-05-{day:02d}&dateEnd=2024-05-{day + 1:02d}&offset={offset % 5000}&limit={limit}"
        else:
            query = f"offset={offset}&limit={limit}"
        paths.append(f"/activitylog/v1/contracts/{CONTRACT}?{query}")
    return paths


def run_requests(port: int, paths: list, deadline: float, counters: list) -> None:
    """Send requests on one kept-alive connection until done or past the deadline; counts [requests, bytes]."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        for path in paths:
            if time.monotonic() > deadline:
                break
            connection.request("GET", path, headers=AUTH)
            response = connection.getresponse()
            body = response.read()
            if response.status != 200:
                raise SystemExit(f"unexpected {response.status} for {path}: {body[:200]!r}")
            counters[0] += 1
            counters[1] += len(body)
    finally:
        connection.close()


def measure(port: int, paths: list, threads: int, seconds: float) -> tuple:
    """(requests, bytes, elapsed seconds) for ``paths`` split over ``threads`` connections."""
    shares = [paths[index::threads] for index in range(threads)]
    counters = [[0, 0] for _index in range(threads)]
    deadline = time.monotonic() + seconds
    workers = [threading.Thread(target=run_requests, args=(port, share, deadline, counter)) for share, counter in zip(shares, counters)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    return sum(counter[0] for counter in counters), sum(counter[1] for counter in counters), elapsed


def report(label: str, requests: int, size: int, elapsed: float) -> None:
    print(f"{label}: {requests} requests in {elapsed:.2f} s = {requests / elapsed:.0f} req/s "
          f"({size / elapsed / 1e6:.1f} MB/s, {size / max(requests, 1) / 1000:.1f} kB per page)", flush=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--entries", type=int, default=200000, help="entries of the one contract (default: %(default)s)")
    parser.add_argument("--limit", type=int, default=100, help="page size (default: %(default)s)")
    parser.add_argument("--requests", type=int, default=5000, help="requests per phase, at most (default: %(default)s)")
    parser.add_argument("--threads", type=int, default=4, help="client threads of the parallel phase (default: %(default)s)")
    parser.add_argument("--seconds", type=float, default=20.0, help="time limit per phase (default: %(default)s)")
    parser.add_argument("--python", default=sys.executable, help="interpreter that runs the emulator (default: this one)")
    args = parser.parse_args(argv)

    process, port = start_emulator(args.python, args.entries)
    try:
        print(f"emulator on 127.0.0.1:{port}: 1 contract x {args.entries} entries, pages of {args.limit}, newest first", flush=True)
        started = time.perf_counter()
        run_requests(port, [f"/activitylog/v1/contracts/{CONTRACT}?limit=1"], time.monotonic() + 120, [0, 0])
        print(f"first request (generates and serialises the contract): {time.perf_counter() - started:.2f} s", flush=True)
        run_requests(port, page_paths(50, args.limit, 1), time.monotonic() + args.seconds, [0, 0])  # warm-up
        report("sequential, 1 kept-alive connection", *measure(port, page_paths(args.requests, args.limit, 2), 1, args.seconds))
        report(f"{args.threads} threads, 1 connection each", *measure(port, page_paths(args.requests, args.limit, 3), args.threads, args.seconds))
    finally:
        process.terminate()
        process.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())

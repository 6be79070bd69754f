# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The floor of a case: the requests that must be made, at the time one request takes, over the allowed
concurrency, plus the time json.loads needs for the bodies of those pages.

* requests_min: per contract ceil(entries / page_size), page_size and concurrency being the collection's
  defaults (read from plugins/module_utils/options.py).
* per-request time: a minimal client (http.client, one kept-alive connection, sequential) on the case's
  emulator, full pages of page_size from the window, so it includes the added latency.
* json.loads: every entry of the window fetched once, in pages of page_size (windows past the result window cut
  into time slices), then json.loads timed over those bodies. The same bodies give the compact JSON size of the
  normalized entries (the collection's normalize_entry applied by the bench to the same ``_source`` objects)
  and a check that they hold exactly the ground truth's ids.
"""

from __future__ import annotations

import json
import math
import threading
import time
import urllib.parse
from datetime import datetime, timedelta, timezone

import bench_emulator

SAMPLE_REQUESTS = 300
SAMPLE_SECONDS = 2.0
FETCH_THREADS = 8


def page_path(contract: int, start: str, end: str, offset: int, limit: int) -> str:
    query = urllib.parse.urlencode({'dateStart': start, 'dateEnd': end, 'offset': offset, 'limit': limit})
    return '/activitylog/v1/contracts/%d?%s' % (contract, query)


def get(connection, path: str) -> bytes:
    connection.request('GET', path, headers={'Authorization': 'Bearer ' + bench_emulator.TOKEN})
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        raise RuntimeError('floor: %s answered %d: %s' % (path, response.status, body[:200]))
    return body


def per_request_seconds(emulator, totals: dict, page_size: int, result_window: int) -> tuple:
    """(mean seconds per request, requests timed): full pages, sequential, one kept-alive connection."""
    start, end = bench_emulator.WINDOW
    paths = [page_path(contract, start, end, offset, page_size) for contract, total in totals.items()
             for offset in range(0, min(total, result_window) - page_size + 1, page_size)]
    if not paths:
        raise RuntimeError('floor: no full page of %d entries in the window' % page_size)
    connection = bench_emulator.connection(emulator)
    try:
        get(connection, paths[0])  # the connection is open and warm before the clock starts
        count, started = 0, time.perf_counter()
        while count < SAMPLE_REQUESTS and (count < 20 or time.perf_counter() - started < SAMPLE_SECONDS):
            get(connection, paths[count % len(paths)])
            count += 1
        return (time.perf_counter() - started) / count, count
    finally:
        connection.close()


def _parse(text: str) -> datetime:
    return datetime.strptime(text, '%Y-%m-%dT%H:%M:%SZ').replace(tzinfo=timezone.utc)


def _format(moment: datetime) -> str:
    return moment.strftime('%Y-%m-%dT%H:%M:%S.') + '%03dZ' % (moment.microsecond // 1000)


def _slices(connection, contract: int, start: datetime, end: datetime, result_window: int) -> list:
    """(start, end, total) time slices of the window that each fit the result window."""
    body = json.loads(get(connection, page_path(contract, _format(start), _format(end), 0, 0)))
    total = body['hits']['total']
    if total <= result_window:
        return [(_format(start), _format(end), total)] if total else []
    middle = start + timedelta(milliseconds=(end - start) // timedelta(milliseconds=1) // 2)
    return _slices(connection, contract, start, middle, result_window) + _slices(connection, contract, middle, end, result_window)


def fetch_bodies(emulator, contracts: list, page_size: int, result_window: int) -> list:
    """(contract, body) of every page that covers the window once, fetched over FETCH_THREADS connections."""
    start, end = (_parse(text) for text in bench_emulator.WINDOW)
    connection = bench_emulator.connection(emulator)
    try:
        pages = [(contract, page_path(contract, first, last, offset, page_size)) for contract in contracts
                 for first, last, total in _slices(connection, contract, start, end, result_window)
                 for offset in range(0, total, page_size)]
    finally:
        connection.close()
    bodies = [None] * len(pages)
    errors = []

    def fetch(indexes):
        own = bench_emulator.connection(emulator)
        try:
            for index in indexes:
                bodies[index] = (pages[index][0], get(own, pages[index][1]))
        except Exception as error:  # pylint: disable=broad-exception-caught  # reported by the caller
            errors.append(error)
        finally:
            own.close()

    workers = [threading.Thread(target=fetch, args=(range(first, len(pages), FETCH_THREADS),)) for first in range(FETCH_THREADS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if errors:
        raise RuntimeError('floor: fetching the pages failed: %s' % errors[0])
    return bodies


def json_loads_seconds(bodies: list, repeats: int) -> float:
    """The best of ``repeats`` timings of json.loads over every body."""
    best = math.inf
    for _repeat in range(repeats):
        started = time.perf_counter()
        for _contract, body in bodies:
            json.loads(body)
        best = min(best, time.perf_counter() - started)
    return best


def compact_json_and_ids(bodies: list, normalize_entry) -> tuple:
    """(len of json.dumps(normalized entries, separators=(',', ':')), {contract: ids}) without holding the list."""
    size, count, ids = 2, 0, {}
    for contract, body in bodies:
        for hit in json.loads(body)['hits']['hits']:
            source = hit['_source']
            ids.setdefault(contract, []).append(source['@uuid'])
            size += len(json.dumps(normalize_entry(source, contract), separators=(',', ':')))
            count += 1
    return size + max(count - 1, 0), ids


def floor_parts(requests_min: int, per_request: float, concurrency: int, loads: float) -> dict:
    network = requests_min * per_request / concurrency
    return {'requests_min': requests_min, 'per_request_s': per_request, 'concurrency': concurrency,
            'network_s': network, 'json_loads_s': loads, 'floor_s': network + loads}

# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A read with a bucket: the hours the archive holds complete come from it, only the rest from the API.

A contract's manifest says which hours are complete (``[start, sealed_until)``). The part of the window inside them
is read from the objects, each checked against the manifest's count and sha256 (an altered or damaged object fails
the read); the rest of the window is read by the engine. The two parts never overlap in time, so every entry comes
once, also where the API no longer has it.
"""

from __future__ import annotations

import copy
import time
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.ionos.activitylog.plugins.module_utils.archive_layout import (
    Manifest, floor_hour, hour_start, manifest_key, object_key, read_part,
)
from ansible_collections.ionos.activitylog.plugins.module_utils.engine import RunResult, read_window, select_rows
from ansible_collections.ionos.activitylog.plugins.module_utils.errors import IncompleteResultError, OptionError
from ansible_collections.ionos.activitylog.plugins.module_utils.filters import EntryFilter
from ansible_collections.ionos.activitylog.plugins.module_utils.paging import Paging
from ansible_collections.ionos.activitylog.plugins.module_utils.s3_sink import S3Sink
from ansible_collections.ionos.activitylog.plugins.module_utils.timeparse import format_time


def read_with_archive(client, settings) -> RunResult:
    """The run of ``settings`` (with ``bucket``) as the engine would return it, its archived hours from the bucket."""
    if settings.format == 'raw':
        raise OptionError('format=raw cannot be read with bucket: the archive keeps normalized entries, not what the API sent; '
                          'use format=normalized, or leave bucket out')
    started = time.monotonic()
    sink = S3Sink(settings)
    try:
        result = RunResult()
        result.contracts = settings.contract_numbers or client.contracts()
        archived, pieces = _split(sink, settings, result.contracts)
        everything = copy.copy(settings)  # the filters and max_items apply once, to both parts together
        everything.entry_filter, everything.max_items = EntryFilter.from_option(None), None
        paging = Paging(settings.page_size)
        rows = []
        for (start, end), contracts in sorted(pieces.items()):
            run = read_window(client, everything, start, end, contracts, paging)
            rows.extend(run.entries)
            result.total += run.total
            result.slices += run.slices
            result.warnings.extend(run.warnings)
        stored = _read_archived(sink, settings, archived)
        result.total += len(stored)
        rows.extend(stored)
        result.entries, result.matched, result.truncated = select_rows(rows, settings, result.warnings)
        result.window = (format_time(settings.start), format_time(settings.end))
        result.paging = paging.stats()
        result.archive = {'entries': len(stored), 's3_requests': sink.requests}
    finally:
        sink.close()
    result.seconds = time.monotonic() - started
    return result


def _split(sink, settings, contracts: list) -> tuple[dict, dict]:
    """({contract: (manifest, start, end) read from the archive}, {(start, end): [contracts] read from the API})."""
    archived, pieces = {}, {}
    for contract in contracts:
        manifest = Manifest.load(sink, manifest_key(settings.prefix, contract), contract)
        low = high = settings.start
        if manifest.sealed_until is not None:
            low, high = max(settings.start, manifest.start), min(settings.end, manifest.sealed_until)
        if low < high:
            archived[contract] = (manifest, low, high)
            parts = [(settings.start, low), (high, settings.end)]
        else:
            parts = [(settings.start, settings.end)]
        for start, end in parts:
            if start < end:
                pieces.setdefault((start, end), []).append(contract)
    return archived, pieces


def _read_archived(sink, settings, archived: dict) -> list:
    """The rows (time, id, entry, None) of the archived ranges, the parts fetched concurrently."""
    tasks = []
    for contract, (manifest, low, high) in archived.items():
        bounds = (format_time(low), format_time(high))
        for key, parts in manifest.hours.items():
            if floor_hour(low) <= hour_start(key) < high:
                tasks.extend((contract, key, part, bounds) for part in parts)
    with ThreadPoolExecutor(max_workers=settings.concurrency, thread_name_prefix='activitylog-archive') as pool:
        chunks = list(pool.map(lambda task: _part_rows(sink, settings.prefix, *task), tasks))
    by_id = {}
    for chunk in chunks:
        for row in chunk:
            by_id.setdefault(row[1], row)
    return list(by_id.values())


def _part_rows(sink, prefix: str, contract: int, key: str, part: dict, bounds: tuple) -> list:
    name = object_key(prefix, contract, key, part['key'])
    found = sink.get(name)
    if found is None:
        raise IncompleteResultError('The archive lacks %s, which its manifest lists: no partial result is returned. Run '
                                    'activity_log_archive with start at that hour to write it again, or read without bucket.' % name)
    entries, digest = read_part(found[0])
    if digest != part.get('sha256') or len(entries) != part.get('count'):
        raise IncompleteResultError('The archive object %s does not match its manifest (%d entries, sha256 %s..., where the manifest says %s '
                                    'and %s...): it was changed or damaged, so no partial result is returned.'
                                    % (name, len(entries), digest[:12], part.get('count'), str(part.get('sha256'))[:12]))
    low, high = bounds
    return [(entry['time'], entry['id'], entry, None) for entry in entries if low <= entry['time'] < high]

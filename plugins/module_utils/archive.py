# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Copy the Activity Log into object storage: one object per contract-hour by event time, every entry once.

Progress lives in the bucket (``archive_layout.Manifest``), so a run needs no local state and any run continues
where another stopped. The log is read with the engine in windows of whole hours (a few thousand entries each, so
memory holds one window, not the log); each window is exact (its distinct entries equal the API's count) before its
hours are written, the writes of one window overlap the read of the next, and the manifest follows the objects, so a
crash between them leaves objects the next run writes again with the same bytes. A long run uses a process per CPU
(archive_processes). See docs/archive.md.
"""

from __future__ import annotations

import copy
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

from ansible_collections.ionos.activitylog.plugins.module_utils.archive_layout import (
    HOUR, Manifest, PreconditionFailed, decode_part, encode_hour, floor_hour, hour_start, manifest_key, object_key, part_key, read_part,
)
from ansible_collections.ionos.activitylog.plugins.module_utils.activity import TLS_OFF_WARNING
from ansible_collections.ionos.activitylog.plugins.module_utils.archive_processes import STOP_WAIT, SpanWorker, span_count, split
from ansible_collections.ionos.activitylog.plugins.module_utils.client import ActivityLogClient
from ansible_collections.ionos.activitylog.plugins.module_utils.engine import Slice, read_window
from ansible_collections.ionos.activitylog.plugins.module_utils.errors import ActivityLogError, ApiError, IncompleteResultError, OptionError, shown
from ansible_collections.ionos.activitylog.plugins.module_utils.options import (
    ARCHIVE_ARGUMENT_SPEC, ARGUMENT_SPEC, checked_options, settings_from_options,
)
from ansible_collections.ionos.activitylog.plugins.module_utils.paging import Paging
from ansible_collections.ionos.activitylog.plugins.module_utils.timeparse import format_time, is_canonical_time, parse_time

CHUNK_ENTRIES = 2000  # entries one window should hold: bounds memory, and keeps a window's pages concurrent
MAX_CHUNK_HOURS = 24 * 7
MANIFEST_INTERVAL = 5.0  # seconds between saves of the progress of a long run
OLDEST_SEARCH_FROM = datetime(2020, 1, 1, tzinfo=timezone.utc)  # before the Activity Log API existed
MAX_LATE_PARTS = 1000
FIRST_SPAN_HOURS = 24  # of each process in the first round of a run over several processes; then from the entries per hour
SPAN_ENTRIES = 10 * CHUNK_ENTRIES  # entries one process should archive per round: a run that stops loses at most a round
MAX_SPAN_HOURS = 24 * 30


class ArchiveSettings:
    """Validated options of one archive run: ``read`` is the engine's Settings (its window is set per read), which
    also holds the bucket."""

    def __init__(self, options: dict, now: datetime | None = None):
        given = checked_options(options, ARCHIVE_ARGUMENT_SPEC)
        now = now or datetime.now(timezone.utc).replace(microsecond=0)
        read = {name: value for name, value in given.items() if name in ARGUMENT_SPEC}
        read['start'] = given['start'] or OLDEST_SEARCH_FROM.strftime('%Y-%m-%d')
        self.read = settings_from_options(read, now)
        if not self.read.bucket:
            raise OptionError('bucket is required: give the name of the bucket to archive into')
        self.now = now
        self.start = self.read.start if given['start'] else None
        # A window cut by an end before now would leave a partial hour: the archive ends at the hour before it.
        self.end = self.read.end if self.read.end >= now else floor_hour(self.read.end)
        self.settle = duration(given['settle'], 'settle', now)
        self.object_lock = given['object_lock']

    @property
    def settled_before(self) -> datetime:
        """Hours that end at or before this are old enough to be final (``settle``)."""
        return floor_hour(self.now - self.settle)


def duration(text: str, name: str, now: datetime) -> timedelta:
    """``2h``, ``90m``, ``1d`` or ``0``: how far back from now, with the units of relative times."""
    text = str(text).strip().lstrip('-')
    if text == '0':
        return timedelta(0)
    return now - parse_time('-' + text, now, name)


class Totals:
    """What the run did, summed over contracts."""

    def __init__(self):
        self.hours_written = 0
        self.hours_unchanged = 0
        self.hours_pending = 0
        self.entries_written = 0
        self.sealed_until = {}
        self.oldest_entry = {}
        self.warnings = []
        self.requests = self.retries = self.s3_requests = 0  # of the worker processes (archive_processes)
        self.processes = 1

    def add(self, other: Totals) -> None:
        """Add what a worker process did for one span (its counts and warnings)."""
        for name in ('hours_written', 'hours_unchanged', 'hours_pending', 'entries_written', 'requests', 'retries', 's3_requests'):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.warnings.extend(other.warnings)


def archive_activity(options: dict, sink_factory, now: datetime | None = None, check_mode: bool = False) -> dict:
    """Archive every contract of ``options``; ``sink_factory(settings, object_lock)`` gives the bucket (s3_sink.S3Sink)."""
    settings = ArchiveSettings(options, now)
    started = time.monotonic()
    client = ActivityLogClient(settings.read)
    totals = Totals()
    try:
        sink = sink_factory(settings.read, settings.object_lock)
        try:
            contracts = settings.read.contract_numbers or client.contracts()
            paging = Paging(settings.read.page_size)
            with ThreadPoolExecutor(max_workers=settings.read.concurrency, thread_name_prefix='activitylog-archive') as writers:
                for contract in contracts:
                    ContractArchive(contract, settings, client, sink, paging, writers, totals, check_mode, sink_factory).run()
        finally:
            sink.close()
    finally:
        client.close()
    return {
        'changed': totals.hours_written > 0,
        'hours_written': totals.hours_written,
        'hours_unchanged': totals.hours_unchanged,
        'hours_pending': totals.hours_pending,
        'entries_written': totals.entries_written,
        'sealed_until': totals.sealed_until,
        'oldest_entry': totals.oldest_entry,
        'contracts': contracts,
        'stats': {'requests': client.stats.requests + totals.requests, 'retries': client.stats.retries + totals.retries,
                  's3_requests': sink.requests + totals.s3_requests, 'processes': totals.processes,
                  'seconds': round(time.monotonic() - started, 3), **paging.stats()},
        'warnings': ([] if settings.read.validate_certs else [TLS_OFF_WARNING]) + list(client.warnings) + totals.warnings,
    }


class ContractArchive:
    """One contract: read its windows in order, write their hours, advance its manifest."""

    def __init__(self, contract: int, settings: ArchiveSettings, client, sink, paging: Paging, writers, totals: Totals, check_mode: bool,
                 sink_factory):
        self.contract = contract
        self.settings = settings
        self.read_settings = settings.read
        self.client = client
        self.sink = sink
        self.sink_factory = sink_factory
        self.elsewhere = False  # True in a worker process: it leaves the manifest to the module's process
        self.paging = paging
        self.writers = writers
        self.totals = totals
        self.check_mode = check_mode
        self.manifest = Manifest.load(sink, manifest_key(settings.read.prefix, contract), contract)
        self.saved_at = time.monotonic()

    def run(self) -> None:
        manifest = self.manifest
        begin = self._begin()
        if begin is not None:
            sealed_before = manifest.sealed_until
            self._archive_spans(begin)
            if sealed_before is not None and begin > sealed_before:
                self.totals.warnings.append(
                    'contract %d: start %s is after the end of what the archive holds complete (%s), so the hours between were not read and '
                    'stay open; run once with an earlier start, or none, to close the gap' % (self.contract, format_time(begin), format_time(sealed_before)))
        self._save()
        self.totals.sealed_until[self.contract] = format_time(manifest.sealed_until) if manifest.sealed_until else None
        self.totals.oldest_entry[self.contract] = manifest.oldest_entry

    def _archive_spans(self, begin: datetime) -> None:
        """[begin, end), in rounds over several processes when it is long (archive_processes): the first span of a round
        here, the others in workers; a round's hours are recorded, and the seal advanced over them, once all are done."""
        settings = self.settings
        count = span_count(int((settings.end - begin) / HOUR), settings.read.concurrency)
        if count == 1:
            self._archive(begin, begin, settings.end)
            return
        self.totals.processes = max(self.totals.processes, count)
        # Each process reads with its share of the connections; the workers, forked next, take these settings along.
        self.read_settings = copy.copy(settings.read)
        self.read_settings.concurrency = settings.read.concurrency // count
        workers = [SpanWorker(self._serve, 'contract %d' % self.contract) for dummy in range(count - 1)]
        stop_wait = 0.0  # kill the workers unless the rounds all ended well
        try:
            cursor, span_hours = begin, FIRST_SPAN_HOURS
            while cursor < settings.end:
                spans = split(cursor, min(cursor + span_hours * count * HOUR, settings.end), count, HOUR)
                for worker, span in zip(workers, spans[1:]):
                    worker.send(span)
                entries = self._archive(begin, *spans[0])
                for worker, (dummy, end) in zip(workers, spans[1:]):
                    answer = worker.result()
                    if 'hours' in answer:  # it answered (not: it died); what it wrote is recorded even when it then failed
                        self._take(answer)
                    if answer['error']:
                        raise _ERRORS.get(answer['error'][0], ApiError)(answer['error'][1])
                    self.manifest.cover(begin, min(floor_hour(end), settings.settled_before))
                    entries += answer['entries']
                span_hours = max(1, min(MAX_SPAN_HOURS, int(SPAN_ENTRIES * (spans[-1][1] - cursor) / HOUR / count / max(entries, 1))))
                cursor = spans[-1][1]
                if time.monotonic() - self.saved_at > MANIFEST_INTERVAL:
                    self._save()
            stop_wait = STOP_WAIT
        finally:
            for worker in workers:
                worker.stop(stop_wait)

    def _archive(self, begin: datetime, start: datetime, end: datetime) -> int:
        """Read [start, end) in windows and write their hours; the seal follows from ``begin``. The entries read."""
        hours, pending, cursor, entries = 1, None, start, 0
        while cursor < end:
            window_end = min(cursor + hours * HOUR, end)
            rows = self._read(cursor, window_end)  # the previous window's hours are being written meanwhile
            self._complete(begin, pending)
            pending = (window_end, self._write(rows))
            entries += len(rows)
            hours = max(1, min(MAX_CHUNK_HOURS, CHUNK_ENTRIES * hours // max(len(rows), 1)))
            cursor = window_end
            if time.monotonic() - self.saved_at > MANIFEST_INTERVAL:
                self._save()
        self._complete(begin, pending)
        return entries

    def _serve(self, connection) -> None:
        """In a worker (forked: everything here is its own copy), with its own API client, S3 client and writers:
        archive each span it is sent, answer with what it recorded."""
        read = self.read_settings
        self.client, self.sink, self.elsewhere = ActivityLogClient(read), None, True
        try:
            self.sink = self.sink_factory(read, False)
            failure = None
        except ActivityLogError as caught:
            failure = (type(caught).__name__, str(caught))
        with ThreadPoolExecutor(max_workers=read.concurrency, thread_name_prefix='activitylog-archive') as self.writers:
            for start, end in iter(connection.recv, None):
                connection.send(self._answer(start, end, failure))

    def _answer(self, start: datetime, end: datetime, failure=None) -> dict:
        """A worker's span: what it recorded, its counts (Totals), and the error that stopped it, if one did."""
        self.totals, self.manifest.touched = Totals(), {}
        client, sink = self.client.stats, self.sink
        before = (client.requests, client.retries, sink.requests if sink else 0)
        entries = 0
        if failure is None:
            try:
                entries = self._archive(start, start, end)
            except ActivityLogError as caught:
                failure = (type(caught).__name__, str(caught))
            except Exception as caught:  # pylint: disable=broad-exception-caught  # the module's process reports it
                failure = ('ApiError', 'the archive process for contract %d from %s to %s failed: %s: %s'
                           % (self.contract, format_time(start), format_time(end), type(caught).__name__, caught))
        totals = self.totals
        totals.requests, totals.retries = client.requests - before[0], client.retries - before[1]
        totals.s3_requests = (sink.requests if sink else 0) - before[2]
        return {'hours': self.manifest.touched, 'oldest_entry': self.manifest.oldest_entry, 'error': failure, 'entries': entries, 'totals': totals}

    def _take(self, answer: dict) -> None:
        """Record what a worker wrote and add its counts."""
        for key, parts in answer['hours'].items():
            self.manifest.record(key, parts)
        if answer['oldest_entry'] is not None:
            self.manifest.saw_entry(answer['oldest_entry'])
        self.totals.add(answer['totals'])

    def _complete(self, begin: datetime, pending) -> None:
        """Wait for a window's writes; the hours from ``begin`` to its end are then complete, up to those old enough."""
        if pending is None:
            return
        window_end, futures = pending
        self._finish(futures)
        self.manifest.cover(begin, min(floor_hour(window_end), self.settings.settled_before))

    def _begin(self) -> datetime | None:
        """The first hour to read: ``start``; else the seal (less ``settle`` with object_lock, for late parts); else the
        oldest hour the API still has."""
        settings, manifest = self.settings, self.manifest
        if settings.start is not None:
            return floor_hour(settings.start)
        if manifest.sealed_until is not None:
            back = settings.settle if settings.object_lock else timedelta(0)
            return max(manifest.sealed_until - back, manifest.start or manifest.sealed_until)
        return self._oldest()

    def _oldest(self) -> datetime | None:
        """The start of the oldest stretch (of the longest date range the API takes) holding an entry: counted going back
        from the end until the API refuses or the stretch is before the API existed. None when it has nothing."""
        oldest, end = None, self.settings.end
        while end > OLDEST_SEARCH_FROM:
            start = max(end - self.paging.max_range, OLDEST_SEARCH_FROM)
            try:
                total = self.client.page(self.contract, Slice(self.contract, start, end).params(0, 1), need_hits=False).total
            except ApiError as error:
                if error.status != 400 or oldest is None:
                    raise
                break  # the API refuses dates this old: what it gave before is the oldest
            if total:
                oldest = start
            end = start
        return floor_hour(oldest) if oldest is not None else None

    def _read(self, start: datetime, end: datetime) -> list:
        """The rows (time, id, entry, None) of [start, end), exact, in time order."""
        run = read_window(self.client, self.read_settings, start, end, [self.contract], self.paging)
        self.totals.warnings.extend(run.warnings)
        return run.entries

    def _write(self, rows: list) -> list:
        """Submit each hour of ``rows`` to the writers; the futures."""
        by_hour = {}
        for row in rows:
            if not is_canonical_time(row[0]):
                raise IncompleteResultError('contract %d: entry %s has no time that can be read (%s), so it has no hour to be archived in; '
                                            'report it, with the entry, as an issue of the collection' % (self.contract, row[1], shown(row[0])))
            by_hour.setdefault(row[0][:13], []).append(row[2])
        if rows:
            self.manifest.saw_entry(rows[0][0])
        return [(key, self.writers.submit(self._write_hour, key, entries, self.manifest.parts(key))) for key, entries in by_hour.items()]

    def _finish(self, pending: list) -> None:
        """Wait for the writes; record each hour's parts in the manifest."""
        for key, future in pending:
            outcome, parts, written = future.result()
            totals = self.totals
            if outcome == 'pending':
                totals.hours_pending += 1
                continue
            self.manifest.record(key, parts)
            if outcome == 'written':
                totals.hours_written += 1
                totals.entries_written += written
            else:
                totals.hours_unchanged += 1

    def _write_hour(self, key: str, entries: list, parts: list) -> tuple:
        """(outcome, parts, entries written) of one hour: ``written``, ``unchanged`` or, with object_lock, ``pending``
        (younger than ``settle``)."""
        if self.settings.object_lock:
            if hour_start(key) + HOUR > self.settings.settled_before:
                return 'pending', parts, 0
            return self._write_locked(key, entries, parts)
        return self._write_open(key, entries, parts)

    def _write_open(self, key: str, entries: list, parts: list) -> tuple:
        """Without object_lock an hour has one object, rewritten when its entries change; entries the archive holds
        that the API no longer gives (retention) are kept."""
        body, digest = encode_hour(entries)
        if parts and len(parts) == 1 and parts[0]['sha256'] == digest:
            return 'unchanged', parts, 0
        if parts:
            stored = self._stored(key, parts)
            ids = {entry['id'] for entry in entries}
            kept = [entry for ident, entry in stored.items() if ident not in ids]
            if kept:
                entries = sorted(entries + kept, key=_order)
                body, digest = encode_hour(entries)
            if len(parts) == 1 and parts[0]['sha256'] == digest:
                return 'unchanged', parts, 0
        name = part_key(key, 0)
        self._put(key, name, body, digest, len(entries), exclusive=False)
        return 'written', [{'key': name, 'count': len(entries), 'sha256': digest}], len(entries)

    def _write_locked(self, key: str, entries: list, parts: list) -> tuple:
        """With object_lock an hour is written once; ids that turn up later go to late parts, each written once."""
        parts = list(parts)
        if parts:
            stored = self._stored(key, parts)
        else:
            body, digest = encode_hour(entries)
            name = part_key(key, 0)
            if self._put(key, name, body, digest, len(entries), exclusive=True):
                return 'written', [{'key': name, 'count': len(entries), 'sha256': digest}], len(entries)
            stored = _by_id(self._existing(key, name, parts))  # a crashed or racing run wrote it first
        written = 0
        for dummy in range(MAX_LATE_PARTS):
            missing = [entry for entry in entries if entry['id'] not in stored]
            if not missing:
                return ('written' if written else 'unchanged'), parts, written
            body, digest = encode_hour(missing)
            name = part_key(key, len(parts))
            if self._put(key, name, body, digest, len(missing), exclusive=True):
                parts.append({'key': name, 'count': len(missing), 'sha256': digest})
                written += len(missing)
                added = missing
            else:
                added = self._existing(key, name, parts)
            for entry in added:
                stored.setdefault(entry['id'], entry)
        raise IncompleteResultError('contract %d, hour %s: more than %d late parts; the archive needs a look' % (self.contract, key, MAX_LATE_PARTS))

    def _object(self, key: str, name: str) -> str:
        return object_key(self.settings.read.prefix, self.contract, key, name)

    def _put(self, key: str, name: str, body: bytes, digest: str, count: int, exclusive: bool) -> bool:
        """Write one part; False when ``exclusive`` and it already exists."""
        if self.check_mode:
            return True
        try:
            self.sink.put_part(self._object(key, name), body, digest, count, exclusive=exclusive)
        except PreconditionFailed:
            return False
        return True

    def _existing(self, key: str, name: str, parts: list) -> list:
        """The entries of part ``name``, which another run wrote; its record is added to ``parts``."""
        entries, digest = read_part(self.sink.get(self._object(key, name))[0])
        parts.append({'key': name, 'count': len(entries), 'sha256': digest})
        return entries

    def _stored(self, key: str, parts: list) -> dict:
        """id -> entry of the parts as stored (a part the manifest lists but the bucket lacks counts as empty)."""
        entries = []
        for part in parts:
            found = self.sink.get(self._object(key, part['key']))
            entries.extend(decode_part(found[0]) if found else ())
        return _by_id(entries)

    def _save(self) -> None:
        if not (self.check_mode or self.elsewhere):
            self.manifest.save(self.sink)
        self.saved_at = time.monotonic()


_ERRORS = {error.__name__: error for error in (OptionError, ApiError, IncompleteResultError)}


def _by_id(entries: list) -> dict:
    """id -> entry; of an id in several parts, the earliest part's entry."""
    by_id = {}
    for entry in entries:
        by_id.setdefault(entry['id'], entry)
    return by_id


def _order(entry: dict) -> tuple:
    return (entry['time'] or '', entry['id'])

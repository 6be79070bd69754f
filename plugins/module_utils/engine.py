# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read every entry of a window exactly once: contracts, slices that fit the result window, concurrent pages.

The first page of a slice gives its ``hits.total``; a slice larger than the result window is cut into smaller
time slices, the others get their remaining pages planned. All requests of a run share one thread pool bounded
by ``concurrency``; the worker that fetched a page also decodes and normalizes it, while other requests are in
flight, and only the main thread changes the run's state (it merges what the workers made).

Offset paging is only consistent while the slice does not change. A page whose total differs from the first
page's (an entry arrived late inside the window), or a read whose distinct entries do not add up to its total
(the API reordered hits between pages), makes the whole read of that slice void: its entries are dropped and
the slice is read again as time slices of about one page each. A one-page read is atomic (total and
entries come in one answer), so this converges, and the entries kept always come from complete, consistent
reads: their count equals the sum of the slices' ``hits.total``.

How the API pages is learned as the run goes (paging.py): a first page shorter than asked is a capped limit, a 400
for a deep page a smaller result window or ``offset`` counting pages (one probe tells which, or three when the window
refuses the probe too), a 400 at offset 0 a refused limit or date range (one probe with limit 1 tells which). Reads
planned under an assumption that has since changed are read again from their first page.

An entry can also arrive late inside a slice whose read has already completed. So once every slice is read, each
slice whose read completed before the last round of requests (more than ``concurrency`` requests started after it)
is counted again (one request of one entry); a slice whose count changed is read again in full. The slices read in
the last round are as fresh as a count would be, so a run of one round (a small window) costs no extra request. A
second count covers the slices read again; if entries were still arriving then, they are read too and a warning
says that the window may still be receiving entries.
"""

from __future__ import annotations

import copy
import queue
import time
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.ionos.activitylog.plugins.module_utils.errors import ApiError, IncompleteResultError
from ansible_collections.ionos.activitylog.plugins.module_utils.normalize import normalize_entry, source_of
from ansible_collections.ionos.activitylog.plugins.module_utils.outcomes import (
    Changed, FirstPage, FurtherPage, LimitProbe, Miscounted, ModeProbe, Outcome, RangeProbe, Recount, Refused, Skipped, Split,
)
from ansible_collections.ionos.activitylog.plugins.module_utils.paging import ASSUMED_RESULT_WINDOW, MIN_LEARNED_RANGE, Paging
from ansible_collections.ionos.activitylog.plugins.module_utils.planner import page_plan, range_chunks, split_window
from ansible_collections.ionos.activitylog.plugins.module_utils.timeparse import format_api_time, format_time

MAX_ATOMIC_ATTEMPTS = 3
RECOUNTS = 2


class Slice:
    """A contract's time range [start, end); ``total`` is what its first page said, set once. The bounds' texts are
    made once: every page of the slice sends them, and its entries are compared with its end."""

    def __init__(self, contract: int, start, end, attempt: int = 0):
        self.contract = contract
        self.start = start
        self.end = end
        self.attempt = attempt
        self.total = None
        self.range = {'dateStart': format_api_time(start), 'dateEnd': format_api_time(end)}
        self.end_time = format_time(end)  # as an entry's time

    def again(self, attempt: int | None = None) -> Slice:
        """The same range as a new slice: pages of an earlier read of it can never be mistaken for the new read's."""
        return Slice(self.contract, self.start, self.end, self.attempt if attempt is None else attempt)

    def params(self, offset: int, limit: int) -> dict:
        return dict(self.range, offset=offset, limit=limit)


class Kept:
    """A slice whose read was kept: what it added to the run, so that a recount that finds it changed can take it back."""

    __slots__ = ('piece', 'counted', 'repeated', 'added', 'read_by')

    def __init__(self, piece: Slice, counted: int, repeated: int, added: list, read_by: int):
        self.piece = piece
        self.counted = counted  # its hits.total less the entries on its end bound (they belong to the next slice)
        self.repeated = repeated
        self.added = added
        self.read_by = read_by  # requests started when its last page arrived


class Rows:
    """The entries of one page or read, converted by the worker that fetched them.

    ``by_id``: id -> row (time for sorting, id, normalized entry, raw source or None), the first of each id; ``hits``: how
    many hits there were (repeats included); ``at_end``: how many of them are stamped at the slice's end. Rows are
    tuples that sort by time, then id, with no key function; ids are unique in a run, so the entries are never compared.
    """

    __slots__ = ('by_id', 'hits', 'at_end')

    def __init__(self, by_id: dict, hits: int, at_end: int):
        self.by_id = by_id
        self.hits = hits
        self.at_end = at_end

    def add(self, page: Rows) -> None:
        """Another page of the same read (a read that adds up has no id in two pages, so no first is lost)."""
        self.by_id.update(page.by_id)
        self.hits += page.hits
        self.at_end += page.at_end


class Read:
    """The read of one slice in progress: its entries so far and the pages still to come."""

    def __init__(self, first: Rows, pages: int, requests: int, scheme):
        self.entries = first
        self.pages = pages
        self.requests = requests
        self.scheme = scheme


class RunResult:
    """What a run found; ``entries`` are rows (time, id, normalized entry, raw source or None) in time order."""

    def __init__(self):
        self.entries = []
        self.total = 0
        self.matched = 0
        self.truncated = False
        self.contracts = []
        self.slices = 0
        self.warnings = []
        self.window = None
        self.seconds = 0.0
        self.paging = {}
        self.archive = None  # with a bucket: {'entries', 's3_requests'} of the hours read from the archive


class Engine:
    """One run over ``settings`` (an options.Settings) with ``client`` (a client.ActivityLogClient)."""

    def __init__(self, client, settings, result_window: int = ASSUMED_RESULT_WINDOW, paging: Paging | None = None):
        """``paging``: what an earlier run with the same client learned (the archive reads a log as many windows)."""
        self.client = client
        self.settings = settings
        self.paging = paging or Paging(settings.page_size, result_window)
        self.result = RunResult()
        self._seen = {}
        self._total = 0
        self._repeated = 0
        self._reads = {}
        self._committed = []
        self._late = 0
        self._probing = False
        self._parked = []

    def run(self) -> RunResult:
        started = time.monotonic()
        contracts = self.settings.contract_numbers or self.client.contracts()
        self.result.contracts = contracts
        ranges = range_chunks(self.settings.start, self.settings.end, self.paging.max_range)
        with ThreadPoolExecutor(max_workers=self.settings.concurrency, thread_name_prefix='activitylog') as pool:
            self._drain(pool, [self._first(Slice(contract, start, end)) for contract in contracts for start, end in ranges])
            for dummy in range(RECOUNTS):
                kept, self._committed, late = self._committed, [], self._late
                requests = self.client.stats.requests
                self._drain(pool, [(self._recount, read) for read in kept if requests - read.read_by > self.settings.concurrency])
                if self._late == late:
                    break
            else:
                self.result.warnings.append(
                    'Entries kept arriving inside the window while it was read (%d after their part had been read, all of them '
                    'read again): the window may still be receiving late entries. End it further back, or read it again later '
                    'with some overlap.' % self._late)
        self._finish()
        self.result.seconds = time.monotonic() - started
        return self.result

    def _drain(self, pool, tasks: list) -> None:
        """Run ``tasks`` and every follow-up task they lead to until none is left."""
        # Finished futures arrive on a queue: waiting on the set of pending ones costs O(pending) per page.
        done = queue.SimpleQueue()
        pending = set()

        def submit(function, *args):
            future = pool.submit(function, *args)
            pending.add(future)
            future.add_done_callback(done.put)

        try:
            for task in tasks:
                submit(*task)
            while pending:
                future = done.get()
                pending.discard(future)
                for task in self._merge(future.result()):
                    submit(*task)
        except BaseException:
            self.client.stop()
            for future in pending:
                future.cancel()
            raise

    # Worker side: HTTP, JSON, normalization; each returns an Outcome and changes no state of the run.

    def _get(self, piece: Slice, offset: int, limit: int, need_hits: bool = True):
        return self.client.page(piece.contract, piece.params(offset, limit), need_hits)

    def _first_page(self, piece: Slice, limit: int, capacity: int) -> Outcome:
        try:
            page = self._get(piece, 0, limit)
        except ApiError as error:
            if error.status != 400:
                raise
            return Refused(piece, None, 0, limit, error)
        total = page.total
        if total is None:
            raise ApiError('The API answered without hits.total for contract %d, so the pages to read cannot be planned.' % piece.contract)
        if not page.exact or total >= capacity:
            # A total at the result window may be a capped count (Elasticsearch counts "at least" that many).
            estimate = total if total > capacity else capacity * 2
            return Split(piece, split_window(piece.start, piece.end, estimate, capacity))
        return FirstPage(piece, total, self._convert(page.hits, piece), self.client.stats.requests)

    def _page(self, piece: Slice, scheme, first_hit: int, limit: int) -> Outcome:
        if piece not in self._reads:
            return Skipped(piece)  # the read of this slice was dropped: the page would be stale
        try:
            page = self._get(piece, scheme.offset(first_hit), limit)
        except ApiError as error:
            if error.status != 400:
                raise
            return Refused(piece, scheme, first_hit, limit, error)
        if page.total != piece.total:
            return Changed(piece, page.total if page.total is not None else -1)
        if len(page.hits) != min(limit, piece.total - first_hit):
            return Miscounted(piece, scheme)
        return FurtherPage(piece, scheme, self._convert(page.hits, piece), first_hit + limit, self.client.stats.requests)

    def _recount(self, kept: Kept) -> Outcome:
        total = self._get(kept.piece, 0, 1, need_hits=False).total
        return Recount(kept.piece, kept, -1 if total is None else total)

    def _probe_mode(self, piece: Slice, scheme, cause: Refused | None) -> Outcome:
        """One page at an offset past the last page if offset counts hits, which reaches past every hit if it counts
        pages: hits, offset counts hits; none, pages. A 400 for it may also be a result window smaller than that
        offset: then two shallow pages tell (``_counts_pages``)."""
        pages = -(-piece.total // scheme.page_size)
        offset = pages + 1 if piece.total > pages + 1 else pages
        try:
            page = self._get(piece, offset, scheme.page_size)
        except ApiError as error:
            if error.status != 400:
                raise
            return ModeProbe(piece, piece.total, self._counts_pages(piece) is not False, cause)
        return ModeProbe(piece, page.total, not page.hits, cause)

    def _counts_pages(self, piece: Slice) -> bool | None:
        """Whether offset 1 with limit 2 starts at the second hit (offset counts hits: False) or at the third (it
        counts pages of 2: True) of offset 0 with limit 3; None when the API refuses these or its order is not stable
        enough to tell."""
        try:
            shifted = self._get(piece, 1, 2).hits
            first = self._get(piece, 0, 3).hits
        except ApiError as error:
            if error.status != 400:
                raise
            return None
        if not shifted or len(first) < 3:
            return None
        if shifted[0] == first[1]:
            return False
        return True if shifted[0] == first[2] else None

    def _probe_limit(self, piece: Slice, cause: Refused) -> Outcome:
        try:
            self._get(piece, 0, 1, need_hits=False)
        except ApiError as error:
            if error.status != 400:
                raise
            return LimitProbe(piece, False, cause)
        return LimitProbe(piece, True, cause)

    def _probe_range(self, piece: Slice, cause: Refused) -> Outcome:
        """One hit of the shortest range the run would learn: accepted, the API caps the range; refused, it refuses more."""
        hour = Slice(piece.contract, piece.start, min(piece.end, piece.start + MIN_LEARNED_RANGE))
        try:
            self._get(hour, 0, 1, need_hits=False)
        except ApiError as error:
            if error.status != 400:
                raise
            return RangeProbe(piece, False, cause)
        return RangeProbe(piece, True, cause)

    def _convert(self, items: list, piece: Slice) -> Rows:
        """The page's Rows, built here in the worker while other requests are in flight, so that the main thread only
        merges. The raw source is kept only for format=raw, since it doubles the memory.

        Entries without @uuid (hashed ids) that repeat within this page get ``#2``, ``#3``... appended to their id. Only
        within one answer: a repeat across pages may be offset paging's doing (hits reordered between requests), and
        numbered it would pass for another entry; left alone it makes the read's distinct entries fall short of its
        total, so the slice is read again in parts of one page, where identical entries are told apart.
        """
        keep_raw = self.settings.format == 'raw'
        contract = piece.contract
        boundary = piece.end_time
        by_id = {}
        at_end = 0
        hashed = None
        for hit in items:
            source = source_of(hit)
            if source is None:
                raise ApiError('The API answered contract %d with a hit that has no _source object.' % contract)
            entry = normalize_entry(source, contract)
            ident = entry['id']
            if ident.startswith('sha256:'):
                hashed = {} if hashed is None else hashed
                repeat = hashed[ident] = hashed.get(ident, 0) + 1
                if repeat > 1:
                    ident = entry['id'] = '%s#%d' % (ident, repeat)
            stamp = entry['time'] or ''
            if stamp == boundary:
                at_end += 1
            if ident not in by_id:
                by_id[ident] = (stamp, ident, entry, source if keep_raw else None)
        return Rows(by_id, len(items), at_end)

    # Main-thread side: the state of the run.

    def _first(self, piece: Slice) -> tuple:
        return (self._first_page, piece, self.paging.page_size, self.paging.capacity())

    def _merge(self, outcome: Outcome) -> list:
        """Follow-up tasks for an outcome; entries are kept only when the read of their slice completes."""
        return self._HANDLERS[type(outcome)](self, outcome)

    def _on_split(self, outcome: Split) -> list:
        self.paging.window_met = True
        return [self._first(Slice(outcome.piece.contract, start, end)) for start, end in outcome.parts]

    def _on_first_page(self, outcome: FirstPage) -> list:
        piece, total, got = outcome.piece, outcome.total, outcome.rows.hits
        piece.total = total
        page_size = self.paging.page_size
        if total >= self.paging.capacity():  # sent before a smaller result window was learned
            return self._on_split(Split(piece, split_window(piece.start, piece.end, total, self.paging.capacity())))
        if got > page_size:
            return self._restart(piece)  # sent before a smaller page size was learned
        if 0 < got < min(page_size, total):
            self.paging.cap_page_size(got)  # the API caps limit: continue with what it sends (checked by every later page)
            page_size = got
        if got != min(page_size, total):
            return self._reread(piece, total)
        scheme = self.paging.scheme
        read = Read(outcome.rows, 0, outcome.requests, scheme)
        tasks = [(self._page, piece, scheme, first_hit, limit) for first_hit, limit in self._pages(total, page_size)]
        if not tasks:
            return self._commit(piece, read, atomic=True)
        read.pages = len(tasks)
        self._reads[piece] = read
        return tasks

    def _pages(self, total: int, page_size: int) -> list:
        """(first hit, limit) of the pages after the first; pages counted by number all ask for the full page size."""
        if self.paging.scheme.mode == 'page':
            return [(first_hit, page_size) for first_hit in range(page_size, total, page_size)]
        return page_plan(total, page_size, self.paging.result_window, page_size)

    def _on_page(self, outcome: FurtherPage) -> list:
        piece = outcome.piece
        read = self._reads.get(piece)
        if read is None:
            return []  # a page of a dropped read
        if read.scheme is not self.paging.scheme:
            return self._restart(piece)
        self.paging.answered(outcome.reach)
        read.entries.add(outcome.rows)
        read.pages -= 1
        read.requests = max(read.requests, outcome.requests)
        if read.pages:
            return []
        tasks = self._commit(piece, read, atomic=False)
        if not tasks:
            self.paging.mode_known = True  # a read of several pages added up: offset means what the scheme says
        return tasks

    def _on_changed(self, outcome: Changed) -> list:
        if self._reads.pop(outcome.piece, None) is None:
            return []  # another page of this read noticed first
        return self._reread(outcome.piece, outcome.total)

    def _on_miscounted(self, outcome: Miscounted) -> list:
        return self._stumbled(outcome, None, lambda: self._reread(outcome.piece, outcome.piece.total))

    def _on_refused(self, outcome: Refused) -> list:
        piece = outcome.piece
        if outcome.first_hit == 0:
            if outcome.limit > self.paging.page_size:
                return self._restart(piece)  # sent before a smaller page size was learned
            if outcome.limit == 1:
                return self._range_or_fail(piece, outcome)
            return [(self._probe_limit, piece, outcome)]
        return self._stumbled(outcome, outcome, lambda: self._window_refused(piece, outcome))

    def _stumbled(self, outcome, cause: Refused | None, known) -> list:
        """A further page that did not fit its read: the read is dropped; planned under a scheme since changed, the
        slice is read again; while what offset means is unknown, a probe decides; else ``known()`` says what follows."""
        piece = outcome.piece
        if self._reads.pop(piece, None) is None:
            return []  # another page of this read noticed first
        if outcome.scheme is not self.paging.scheme:
            return self._restart(piece)
        if not self.paging.mode_known:
            return self._probe(piece, cause)
        return known()

    def _probe(self, piece: Slice, cause: Refused | None) -> list:
        """Find out once what offset means; slices that stumble meanwhile wait for the answer."""
        if self._probing:
            self._parked.append((piece, cause))
            return []
        self._probing = True
        return [(self._probe_mode, piece, self.paging.scheme, cause)]

    def _on_mode_probe(self, outcome: ModeProbe) -> list:
        self._probing = False
        waiting, self._parked = [(outcome.piece, outcome.cause)] + self._parked, []
        if outcome.total != outcome.piece.total:
            self._parked = waiting[1:]
            return self._reread(outcome.piece, outcome.total if outcome.total is not None else -1) + self._unpark()
        if outcome.counts_pages:
            self.paging.count_pages()
        else:
            self.paging.mode_known = True
        self._parked = waiting
        return self._unpark()

    def _unpark(self) -> list:
        """Go on with the slices that waited for the probe, each under what is now known."""
        if not self.paging.mode_known:
            if not self._parked:
                return []
            piece, cause = self._parked.pop(0)
            return self._probe(piece, cause)
        tasks = []
        for piece, cause in self._parked:
            if cause is not None and cause.scheme is self.paging.scheme:
                tasks.extend(self._window_refused(piece, cause))
            elif cause is None and self.paging.scheme.mode == 'offset':
                tasks.extend(self._reread(piece, piece.total))
            else:
                tasks.extend(self._restart(piece))
        self._parked = []
        return tasks

    def _window_refused(self, piece: Slice, cause: Refused) -> list:
        """A 400 for a deep page: the result window is smaller than assumed; read the slice as parts that fit."""
        self.paging.window_refused(cause.first_hit + cause.limit, cause.error.detail)
        capacity = self.paging.capacity()
        if piece.total < capacity:
            raise ApiError('%s (the API refused offset %d with limit %d although the slice holds only %d entries)'
                           % (cause.error, cause.scheme.offset(cause.first_hit), cause.limit, piece.total), 400, cause.error.detail)
        return [self._first(Slice(piece.contract, start, end)) for start, end in
                split_window(piece.start, piece.end, piece.total, capacity)]

    def _on_limit_probe(self, outcome: LimitProbe) -> list:
        piece, cause = outcome.piece, outcome.cause
        if not outcome.accepted:
            return self._range_or_fail(piece, cause)
        if cause.limit <= self.paging.page_size:
            self.paging.page_size_refused(cause.limit, cause.error.detail)
        return self._restart(piece)

    def _range_or_fail(self, piece: Slice, cause: Refused) -> list:
        """A 400 at offset 0 even for one hit: a range cap if the API takes the shortest range learning would try (asked
        once a run); otherwise no shorter range helps, and the run fails at once instead of halving its way there."""
        if self.paging.range_known or piece.end - piece.start <= MIN_LEARNED_RANGE:
            return self._range_refused(piece, cause)
        return [(self._probe_range, piece, cause)]

    def _on_range_probe(self, outcome: RangeProbe) -> list:
        piece, cause = outcome.piece, outcome.cause
        if not outcome.accepted:
            raise ApiError('%s (refused for contract %d with limit 1 and a range of %s to %s too, and of one hour from %s)' % (
                cause.error, piece.contract, format_time(piece.start), format_time(piece.end), format_time(piece.start)),
                400, cause.error.detail)
        self.paging.range_known = True
        return self._range_refused(piece, cause)

    def _range_refused(self, piece: Slice, cause: Refused) -> list:
        """A 400 at offset 0 even for one hit: the API caps the date range; read the slice as shorter ranges."""
        if not self.paging.range_refused(piece.end - piece.start, cause.error.detail):
            raise ApiError('%s (refused for contract %d with limit 1 and a range of %s to %s too)' % (
                cause.error, piece.contract, format_time(piece.start), format_time(piece.end)), 400, cause.error.detail)
        return [self._first(Slice(piece.contract, start, end)) for start, end in range_chunks(piece.start, piece.end, self.paging.max_range)]

    def _restart(self, piece: Slice) -> list:
        """Read a slice again from its first page, under what the run knows now."""
        self._reads.pop(piece, None)
        return [self._first(piece.again())]

    def _commit(self, piece: Slice, read: Read, atomic: bool) -> list:
        """Keep a complete read: as many distinct entries as its hits.total, else read the slice again.

        Offset paging can skip and repeat entries when the API reorders hits between requests (ties in time) or
        changes the window; one-page reads cannot. Entries without @uuid that are identical in every field are told
        apart by their occurrence within one page (``_numbered``), so real repeats are not merged away. Entries stamped exactly at
        the slice's end belong to the next slice (an API whose dateEnd is inclusive sends them in both).
        """
        self._reads.pop(piece, None)
        entries = read.entries
        if len(entries.by_id) != piece.total and not (atomic and entries.hits == piece.total):
            return self._reread(piece, piece.total)
        inside = entries.by_id
        if entries.at_end:
            inside = {ident: row for ident, row in inside.items() if row[0] != piece.end_time}
        counted = piece.total - entries.at_end
        repeated = entries.hits - entries.at_end - len(inside)
        self._total += counted
        self._repeated += repeated
        self.result.slices += 1
        seen = self._seen
        if seen.keys().isdisjoint(inside):  # nearly always: slices do not overlap
            seen.update(inside)
            added = list(inside)
        else:
            added = [ident for ident in inside if ident not in seen]
            seen.update((ident, inside[ident]) for ident in added)
        self._committed.append(Kept(piece, counted, repeated, added, read.requests))
        return []

    def _on_recount(self, outcome: Recount) -> list:
        """A kept slice counted again: unchanged, or its entries are taken back and it is read again."""
        kept, total = outcome.kept, outcome.total
        piece = kept.piece
        if total == piece.total:
            return []
        self._late += max(total - piece.total, 0)
        self._total -= kept.counted
        self._repeated -= kept.repeated
        self.result.slices -= 1
        for ident in kept.added:
            del self._seen[ident]
        return self._reread(piece, max(total, 0))

    def _reread(self, piece: Slice, total: int) -> list:
        """Read a slice whose read was voided again, in slices of about a page (one-page reads are consistent)."""
        estimate = max(total, piece.total or 0)
        if estimate <= self.paging.page_size:
            if piece.attempt >= MAX_ATOMIC_ATTEMPTS:
                window = '%s to %s' % (format_time(piece.start), format_time(piece.end))
                raise IncompleteResultError('contract %d: the API counts %s entries from %s but sent a different number in one page, %d times; '
                                            'the answer is inconsistent, run again later' % (piece.contract, total, window, piece.attempt + 1))
            return [self._first(piece.again(piece.attempt + 1))]
        try:
            parts = split_window(piece.start, piece.end, estimate, self.paging.page_size, fill=1.0)
        except IncompleteResultError:
            parts = []
        if len(parts) < 2:
            raise IncompleteResultError('contract %d kept changing while %s to %s was read (hits.total %d, then %d); run again, or set '
                                        'end further back' % (piece.contract, format_time(piece.start), format_time(piece.end), piece.total, total))
        return [self._first(Slice(piece.contract, start, end)) for start, end in parts]

    _HANDLERS = {
        Split: _on_split, FirstPage: _on_first_page, FurtherPage: _on_page, Changed: _on_changed, Miscounted: _on_miscounted,
        Refused: _on_refused, Skipped: lambda self, outcome: [], Recount: _on_recount, ModeProbe: _on_mode_probe,
        LimitProbe: _on_limit_probe, RangeProbe: _on_range_probe,
    }

    def _finish(self) -> None:
        result = self.result
        result.total = self._total
        result.paging = self.paging.stats()
        unique = len(self._seen)
        if unique + self._repeated != result.total:
            raise IncompleteResultError('The API counted %d entries in the window (hits.total) but %d distinct entries were read; the '
                                        'answers are inconsistent, so no partial result is returned. Run again.' % (result.total, unique))
        if self._repeated:
            result.warnings.append('The API counted %d entries in the window (hits.total) but %d distinct entries were read: it sent %d '
                                   'entries twice (the same @uuid in one page); each is returned once.' % (result.total, unique, self._repeated))
        rows = list(self._seen.values())
        self._seen = {}
        result.entries, result.matched, result.truncated = select_rows(rows, self.settings, result.warnings)
        result.window = (format_time(self.settings.start), format_time(self.settings.end))


def read_window(client, settings, start, end, contracts: list, paging: Paging) -> RunResult:
    """One exact read of [start, end) of ``contracts`` with ``settings``' other options. Runs that read many windows
    (the archive) share one ``paging``, so what the API's paging is like is learned once."""
    window = copy.copy(settings)
    window.start, window.end, window.contract_numbers = start, end, contracts
    return Engine(client, window, paging=paging).run()


def select_rows(rows: list, settings, warnings: list) -> tuple[list, int, bool]:
    """(rows, matched, truncated): the rows that pass the filters, in time order, at most ``max_items`` (the newest),
    with a warning when some were left out. ``rows`` are (time, id, entry, raw) with unique ids."""
    keep = settings.entry_filter.matches
    chosen = rows if settings.entry_filter.is_empty else [row for row in rows if keep(row[2])]
    chosen.sort()  # (time, id) first in every row, and ids are unique: one sort in C, no key function
    matched = len(chosen)
    limit = settings.max_items
    if limit is not None and matched > limit:
        warnings.append('max_items=%d: returning the newest %d of %d matching entries (truncated); raise max_items '
                        'or narrow the window or the filters to get them all.' % (limit, limit, matched))
        return chosen[-limit:], matched, True
    return chosen, matched, False

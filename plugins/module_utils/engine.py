# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read every entry of a window exactly once: contracts, slices that fit the result window, concurrent pages.

The first page of a slice gives its ``hits.total``; a slice larger than the result window is cut into smaller
time slices, the others get their remaining pages planned. All requests of a run share one thread pool bounded
by ``concurrency``; only the main thread changes the run's state.

Offset paging is only consistent while the slice does not change. A page whose total differs from the first
page's (an entry arrived late inside the window), or a read whose distinct entries do not add up to its total
(the API reordered hits between pages), makes the whole read of that slice void: its entries are dropped and
the slice is read again as time slices of about one page each. A one-page read is atomic (total and
entries come in one answer), so this converges, and the entries kept always come from complete, consistent
reads: their count equals the sum of the slices' ``hits.total``.

An entry can also arrive late inside a slice whose read has already completed. So once every slice is read, each
slice whose read completed before the last round of requests (more than ``concurrency`` requests started after it)
is counted again (one request of one entry); a slice whose count changed is read again in full. The slices read in
the last round are as fresh as a count would be, so a run of one round (a small window) costs no extra request. A
second count covers the slices read again; if entries were still arriving then, they are read too and a warning
says that the window may still be receiving entries.
"""

from __future__ import annotations

import queue
import time
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.ionos.activitylog.plugins.module_utils.errors import ApiError, IncompleteResultError
from ansible_collections.ionos.activitylog.plugins.module_utils.normalize import entry_id, normalize_entry, source_of
from ansible_collections.ionos.activitylog.plugins.module_utils.planner import page_plan, split_window
from ansible_collections.ionos.activitylog.plugins.module_utils.timeparse import format_api_time, format_time

RESULT_WINDOW = 10000
MAX_ATOMIC_ATTEMPTS = 3
RECOUNTS = 2


class Slice:
    """A contract's time range [start, end); ``total`` is what its first page said."""

    def __init__(self, contract: int, start, end, attempt: int = 0):
        self.contract = contract
        self.start = start
        self.end = end
        self.attempt = attempt
        self.total = None
        self.repeated = 0
        self.added = ()
        self.read_by = 0

    def params(self, offset: int, limit: int) -> dict:
        return {'dateStart': format_api_time(self.start), 'dateEnd': format_api_time(self.end), 'offset': offset, 'limit': limit}


class Outcome:
    """What one request gives the main thread."""

    def __init__(self, piece: Slice, hits=(), tasks=(), first=False, split=None, changed_total=None, recount=None, requests=0):
        self.piece = piece
        self.first = first
        self.hits = hits
        self.tasks = tasks
        self.split = split
        self.changed_total = changed_total
        self.recount = recount
        self.requests = requests  # requests started when this page arrived (taken in the worker, not when merged)


class Read:
    """The read of one slice in progress: its entries so far and the pages still to come."""

    def __init__(self, hits: list, pages: int, requests: int):
        self.hits = list(hits)
        self.pages = pages
        self.requests = requests


class RunResult:
    """What a run found; ``entries`` are (sort key, normalized, raw) tuples in time order."""

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


def read_total(body) -> tuple[int | None, bool]:
    """(count, exact) from ``hits.total``: an integer, a numeric string or ``{"value", "relation"}``."""
    hits = body.get('hits') if isinstance(body, dict) else None
    total = hits.get('total') if isinstance(hits, dict) else None
    exact = True
    if isinstance(total, dict):
        exact = str(total.get('relation', 'eq')).lower() == 'eq'
        total = total.get('value')
    if isinstance(total, bool):
        return None, False
    if isinstance(total, str) and total.strip().isdigit():
        total = int(total.strip())
    if isinstance(total, int) and total >= 0:
        return total, exact
    return None, False


def read_hits(body) -> list:
    """The hits of a page; an answer without a list of hits is unusable."""
    hits = body.get('hits') if isinstance(body, dict) else None
    items = hits.get('hits') if isinstance(hits, dict) else None
    if not isinstance(items, list):
        raise ApiError('The API answered 200 without a list of hits (hits.hits): the answer is not an activity log page.')
    return items


class Engine:
    """One run over ``settings`` (an options.Settings) with ``client`` (a client.ActivityLogClient)."""

    def __init__(self, client, settings, result_window: int = RESULT_WINDOW):
        self.client = client
        self.settings = settings
        self.result_window = result_window
        self.result = RunResult()
        self._seen = {}
        self._total = 0
        self._repeated = 0
        self._reads = {}
        self._committed = []
        self._late = 0

    def run(self) -> RunResult:
        started = time.monotonic()
        contracts = self.settings.contract_numbers or self.list_contracts()
        self.result.contracts = contracts
        with ThreadPoolExecutor(max_workers=self.settings.concurrency, thread_name_prefix='activitylog') as pool:
            self._drain(pool, [(self._first_page, Slice(contract, self.settings.start, self.settings.end)) for contract in contracts])
            for dummy in range(RECOUNTS):
                pieces, self._committed, late = self._committed, [], self._late
                requests = self.client.stats.requests
                self._drain(pool, [(self._recount, piece) for piece in pieces if requests - piece.read_by > self.settings.concurrency])
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

    def list_contracts(self) -> list[int]:
        body = self.client.get_json('/contracts')
        items = body if isinstance(body, list) else (body.get('items') if isinstance(body, dict) else None)
        if not isinstance(items, list):
            raise ApiError('The API answered /contracts with something that is not a list of contracts.')
        numbers = []
        for item in items:
            value = item.get('id') if isinstance(item, dict) else item
            if isinstance(value, str) and value.strip().isdigit():
                value = int(value)
            if isinstance(value, int) and not isinstance(value, bool) and value not in numbers:
                numbers.append(value)
        if not numbers:
            raise ApiError('The credential can read no contract (/contracts is empty): check that the token belongs to the right user.')
        return numbers

    # Worker side: HTTP, JSON, normalization; each returns an Outcome.

    def _first_page(self, piece: Slice) -> Outcome:
        body = self.client.get_json('/contracts/%d' % piece.contract, piece.params(0, self.settings.page_size), piece.contract)
        total, exact = read_total(body)
        if total is None:
            raise ApiError('The API answered without hits.total for contract %d, so the pages to read cannot be planned.' % piece.contract)
        if not exact or total >= self.result_window:
            # A total at the result window may be a capped count (Elasticsearch counts "at least" that many).
            estimate = total if total > self.result_window else self.result_window * 2
            return Outcome(piece, split=split_window(piece.start, piece.end, estimate, self.result_window))
        piece.total = total
        items = read_hits(body)
        if len(items) != min(self.settings.page_size, total):
            return Outcome(piece, changed_total=total, first=True)
        pages = page_plan(total, self.settings.page_size, self.result_window, self.settings.page_size)
        return Outcome(piece, self._convert(items, piece), [(self._page, piece, offset, limit) for offset, limit in pages], first=True,
                       requests=self.client.stats.requests)

    def _page(self, piece: Slice, offset: int, limit: int) -> Outcome:
        if piece not in self._reads:
            return Outcome(piece)  # the read of this slice was voided: the page would be stale
        body = self.client.get_json('/contracts/%d' % piece.contract, piece.params(offset, limit), piece.contract)
        total, _exact = read_total(body)
        items = read_hits(body)
        if total != piece.total or len(items) != min(limit, piece.total - offset):
            return Outcome(piece, changed_total=total if total is not None else -1)
        return Outcome(piece, self._convert(items, piece), requests=self.client.stats.requests)

    def _recount(self, piece: Slice) -> Outcome:
        body = self.client.get_json('/contracts/%d' % piece.contract, piece.params(0, 1), piece.contract)
        total, _exact = read_total(body)
        return Outcome(piece, recount=-1 if total is None else total)

    def _convert(self, items: list, piece: Slice) -> list:
        """(id, normalized entry, raw source) per hit; the raw source only for format=raw, since it doubles the memory."""
        keep_raw = self.settings.format == 'raw'
        converted = []
        for hit in items:
            source = source_of(hit)
            if source is None:
                raise ApiError('The API answered contract %d with a hit that has no _source object.' % piece.contract)
            converted.append((entry_id(source), normalize_entry(source, piece.contract), source if keep_raw else None))
        return converted

    # Main-thread side: the state of the run.

    def _merge(self, outcome: Outcome) -> list:
        """Follow-up tasks for an outcome; entries are kept only when the read of their slice completes."""
        piece = outcome.piece
        if outcome.recount is not None:
            return self._recounted(piece, outcome.recount)
        if outcome.split is not None:
            return [(self._first_page, Slice(piece.contract, start, end)) for start, end in outcome.split]
        if outcome.changed_total is not None:
            if not outcome.first and self._reads.pop(piece, None) is None:
                return []  # another page of this read noticed first
            return self._reread(piece, outcome.changed_total)
        if outcome.first:
            read = Read(outcome.hits, len(outcome.tasks), outcome.requests)
            if outcome.tasks:
                self._reads[piece] = read
        else:
            read = self._reads.get(piece)
            if read is None:
                return []  # a page of a voided read
            read.hits.extend(outcome.hits)
            read.pages -= 1
            read.requests = max(read.requests, outcome.requests)
        if read.pages == 0:
            return list(outcome.tasks) + self._commit(piece, read, atomic=outcome.first)
        return list(outcome.tasks)

    def _commit(self, piece: Slice, read: Read, atomic: bool) -> list:
        """Keep a complete read: as many distinct entries as its hits.total, else read the slice again.

        Offset paging can skip and repeat entries when the API reorders hits between requests (ties in time) or
        changes the window; one-page reads cannot. Entries without @uuid that are identical in every field are told
        apart by their occurrence within the read, so real repeats are not merged away.
        """
        self._reads.pop(piece, None)
        hits = _numbered(read.hits)
        distinct = len({ident for ident, _entry, _source in hits})
        if distinct != piece.total and not (atomic and len(hits) == piece.total):
            return self._reread(piece, piece.total)
        self._total += piece.total
        self.result.slices += 1
        piece.repeated = len(hits) - distinct
        self._repeated += piece.repeated
        added = []
        for ident, entry, source in hits:
            if ident not in self._seen:
                if ident != entry['id']:
                    entry['id'] = ident
                self._seen[ident] = (entry, source)
                added.append(ident)
        piece.added = added
        piece.read_by = read.requests
        self._committed.append(piece)
        return []

    def _recounted(self, piece: Slice, total: int) -> list:
        """A read slice counted again: unchanged, or its entries are dropped and it is read again."""
        if total == piece.total:
            return []
        self._late += max(total - piece.total, 0)
        self._total -= piece.total
        self._repeated -= piece.repeated
        self.result.slices -= 1
        for ident in piece.added:
            del self._seen[ident]
        return self._reread(piece, max(total, 0))

    def _reread(self, piece: Slice, total: int) -> list:
        """Read a slice whose read was voided again, in slices of about a page (one-page reads are consistent)."""
        estimate = max(total, piece.total or 0)
        if estimate <= self.settings.page_size:
            if piece.attempt >= MAX_ATOMIC_ATTEMPTS:
                window = '%s to %s' % (format_time(piece.start), format_time(piece.end))
                raise IncompleteResultError('contract %d: the API counts %s entries from %s but sent a different number in one page, %d times; '
                                            'the answer is inconsistent, run again later' % (piece.contract, total, window, piece.attempt + 1))
            return [(self._first_page, Slice(piece.contract, piece.start, piece.end, piece.attempt + 1))]
        try:
            parts = split_window(piece.start, piece.end, estimate, self.settings.page_size, fill=1.0)
        except IncompleteResultError:
            parts = []
        if len(parts) < 2:
            raise IncompleteResultError('contract %d kept changing while %s to %s was read (hits.total %d, then %d); run again, or set '
                                        'end further back' % (piece.contract, format_time(piece.start), format_time(piece.end), piece.total, total))
        return [(self._first_page, Slice(piece.contract, start, end)) for start, end in parts]

    def _finish(self) -> None:
        result = self.result
        result.total = self._total
        unique = len(self._seen)
        if unique + self._repeated != result.total:
            raise IncompleteResultError('The API counted %d entries in the window (hits.total) but %d distinct entries were read; the '
                                        'answers are inconsistent, so no partial result is returned. Run again.' % (result.total, unique))
        if self._repeated:
            result.warnings.append('The API counted %d entries in the window (hits.total) but %d distinct entries were read: it sent %d '
                                   'entries twice (the same @uuid in one page); each is returned once.' % (result.total, unique, self._repeated))
        keep_all, keep = self.settings.entry_filter.is_empty, self.settings.entry_filter.matches
        chosen = [(entry['time'] or '', ident, entry, source) for ident, (entry, source) in self._seen.items() if keep_all or keep(entry)]
        self._seen = {}
        chosen.sort(key=lambda item: (item[0], item[1]))
        result.matched = len(chosen)
        limit = self.settings.max_items
        if limit is not None and len(chosen) > limit:
            result.truncated = True
            result.warnings.append('max_items=%d: returning the newest %d of %d matching entries (truncated); raise max_items '
                                   'or narrow the window or the filters to get them all.' % (limit, limit, len(chosen)))
            chosen = chosen[-limit:]
        result.entries = [(key, entry, source) for key, _ident, entry, source in chosen]
        result.window = (format_time(self.settings.start), format_time(self.settings.end))


def _numbered(hits: list) -> list:
    """Hits whose hashed ids (entries without @uuid) repeat within one read get ``#2``, ``#3``... appended."""
    if not any(ident.startswith('sha256:') for ident, _entry, _source in hits):
        return hits
    counts = {}
    numbered = []
    for ident, entry, source in hits:
        if ident.startswith('sha256:'):
            counts[ident] = counts.get(ident, 0) + 1
            if counts[ident] > 1:
                ident = '%s#%d' % (ident, counts[ident])
        numbered.append((ident, entry, source))
    return numbered

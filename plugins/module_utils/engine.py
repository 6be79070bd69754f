# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read every entry of a window exactly once: contracts, slices that fit the result window, concurrent pages.

The first page of a slice gives its ``hits.total``; a slice larger than the result window is cut into smaller
time slices, the others get their remaining pages planned. All requests of a run share one thread pool bounded
by ``concurrency``; the main thread only merges results. A page whose total differs from its slice's first page
means the slice changed while it was read: the slice is read again (bounded), and ids deduplicate.
"""

from __future__ import annotations

import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

from ansible_collections.ionos.activitylog.plugins.module_utils.errors import ApiError, IncompleteResultError
from ansible_collections.ionos.activitylog.plugins.module_utils.normalize import entry_id, normalize_entry, source_of
from ansible_collections.ionos.activitylog.plugins.module_utils.planner import page_plan, split_window
from ansible_collections.ionos.activitylog.plugins.module_utils.timeparse import format_api_time, format_time

RESULT_WINDOW = 10000
MAX_SLICE_REREADS = 3


class Slice:
    """A contract's time range [start, end) and what its first page said."""

    def __init__(self, contract: int, start, end, reread: int = 0):
        self.contract = contract
        self.start = start
        self.end = end
        self.reread = reread
        self.total = None

    def params(self, offset: int, limit: int) -> dict:
        return {'dateStart': format_api_time(self.start), 'dateEnd': format_api_time(self.end), 'offset': offset, 'limit': limit}


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
    """The hits of a page; an answer without a list of hits is unusable (ApiError, retried)."""
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
        self._totals = {}

    def run(self) -> RunResult:
        started = time.monotonic()
        contracts = self.settings.contract_numbers or self.list_contracts()
        self.result.contracts = contracts
        with ThreadPoolExecutor(max_workers=self.settings.concurrency, thread_name_prefix='activitylog') as pool:
            pending = {pool.submit(self._first_page, Slice(c, self.settings.start, self.settings.end)) for c in contracts}
            try:
                while pending:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in done:
                        for task in self._merge(future.result()):
                            pending.add(pool.submit(*task))
            except BaseException:
                self.client.stopped.set()
                for future in pending:
                    future.cancel()
                raise
        self._finish()
        self.result.seconds = time.monotonic() - started
        return self.result

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

    # Worker side: HTTP, JSON, normalization. Each returns (hits of the slice, follow-up tasks, slice).

    def _first_page(self, piece: Slice):
        body = self.client.get_json('/contracts/%d' % piece.contract, piece.params(0, self.settings.page_size), piece.contract)
        total, exact = read_total(body)
        if total is None:
            raise ApiError('The API answered without hits.total for contract %d, so the pages to read cannot be planned.' % piece.contract)
        if not exact or total > self.result_window:
            estimate = total if exact else max(total, self.result_window) * 2
            parts = split_window(piece.start, piece.end, estimate, self.result_window)
            return [], [(self._first_page, Slice(piece.contract, s, e)) for s, e in parts], None
        piece.total = total
        hits = self._convert(read_hits(body), piece)
        tasks = [(self._page, piece, offset, limit) for offset, limit in page_plan(total, self.settings.page_size, self.result_window, self.settings.page_size)]
        return hits, tasks, piece

    def _page(self, piece: Slice, offset: int, limit: int):
        body = self.client.get_json('/contracts/%d' % piece.contract, piece.params(offset, limit), piece.contract)
        total, _exact = read_total(body)
        items = read_hits(body)
        expected = min(limit, piece.total - offset)
        if total != piece.total or len(items) != expected:
            return self._changed(piece, total, len(items), expected)
        return self._convert(items, piece), [], None

    def _changed(self, piece: Slice, total, got: int, expected: int):
        if piece.reread >= MAX_SLICE_REREADS:
            raise IncompleteResultError(
                'contract %d changed while it was read (hits.total %s then %s, %d entries on a page that should hold %d), %d times in a row; '
                'run again, or narrow the window with end' % (piece.contract, piece.total, total, got, expected, piece.reread + 1))
        return [], [(self._first_page, Slice(piece.contract, piece.start, piece.end, piece.reread + 1))], None

    def _convert(self, items: list, piece: Slice) -> list:
        converted = []
        for hit in items:
            source = source_of(hit)
            if source is None:
                raise ApiError('The API answered contract %d with a hit that has no _source object.' % piece.contract)
            converted.append((entry_id(source), normalize_entry(source, piece.contract), source))
        return converted

    # Main-thread side: merging, counting, ordering.

    def _merge(self, outcome) -> list:
        """Keep the first copy of each id; remember each fitting slice's total (a re-read replaces it)."""
        hits, tasks, piece = outcome
        for ident, entry, source in hits:
            if ident not in self._seen:
                self._seen[ident] = (entry, source)
        if piece is not None:
            self._totals[(piece.contract, piece.start, piece.end)] = piece.total
        return tasks

    def _finish(self) -> None:
        result = self.result
        result.total = sum(self._totals.values())
        result.slices = len(self._totals)
        unique = len(self._seen)
        if unique != result.total:
            result.warnings.append('The API counted %d entries in the window (hits.total) but %d distinct entries were read; '
                                   'entries may have been added or removed while the window was read.' % (result.total, unique))
        keep = self.settings.entry_filter.matches
        chosen = [(entry.get('time') or '', ident, entry, source) for ident, (entry, source) in self._seen.items() if keep(entry)]
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

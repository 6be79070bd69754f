# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Per-contract store: entries kept in ascending (time, arrival) order as parallel lists.

Windows are found by bisection over the time keys and pages are slices of ready hit bytes, so serving a page of
100 hits from 200,000 entries costs microseconds. A lock guards every read and insert: readers never see a
half-inserted entry.
"""

from __future__ import annotations

import bisect
import collections
import random
import threading

MASK64 = (1 << 64) - 1
ORDERS = ("newest", "oldest", "unordered", "shuffled")
_ORDER_CACHE_SIZE = 8


def mix64(value: int) -> int:
    """SplitMix64 finaliser: a cheap, well-spread 64-bit hash for ranks, ids and per-window shuffles."""
    value &= MASK64
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & MASK64
    return value ^ (value >> 31)


class ContractStore:
    """All entries of one contract; ``records`` are ``(time_us, hit_bytes, id, rank)`` sorted by time, ties by arrival."""

    def __init__(self, records: list):
        self._lock = threading.Lock()
        self._keys = [record[0] for record in records]
        self._hits = [record[1] for record in records]
        self._ids = [record[2] for record in records]
        self._ranks = [record[3] for record in records]
        self._version = 0
        self._orders = collections.OrderedDict()
        self._shuffles = random.Random(len(records))

    def __len__(self) -> int:
        return len(self._keys)

    def _bounds(self, start_us, end_us) -> tuple:
        """Index range [lo, hi) of the window; dateStart inclusive, dateEnd exclusive, None means open."""
        lo = 0 if start_us is None else bisect.bisect_left(self._keys, start_us)
        hi = len(self._keys) if end_us is None else bisect.bisect_left(self._keys, end_us)
        return lo, max(lo, hi)

    def page(self, start_us, end_us, offset: int, limit: int, order: str) -> tuple:
        """``(total, [hit bytes])`` for one page of the window in the requested order."""
        with self._lock:
            lo, hi = self._bounds(start_us, end_us)
            total = hi - lo
            if offset >= total or limit == 0:
                return total, []
            if order == "oldest":
                return total, self._hits[lo + offset:min(hi, lo + offset + limit)]
            if order == "newest":
                stop = hi - offset
                hits = self._hits[max(lo, stop - limit):stop]
                hits.reverse()
                return total, hits
            if order == "shuffled":  # a new order on every request: offset paging skips and repeats entries
                positions = list(range(lo, hi))
                self._shuffles.shuffle(positions)
                positions = positions[offset:offset + limit]
            else:
                positions = self._unordered(lo, hi, start_us, end_us)[offset:offset + limit]
            return total, [self._hits[position] for position in positions]

    def _unordered(self, lo: int, hi: int, start_us, end_us) -> list:
        """A pseudo-random order that is fixed per window and data version, so pages of one window never overlap."""
        key = (start_us, end_us, self._version)
        cached = self._orders.get(key)
        if cached is None:
            salt = mix64(mix64(start_us or 0) ^ (end_us or MASK64))
            ranks = self._ranks
            cached = sorted(range(lo, hi), key=lambda position: (mix64(ranks[position] ^ salt), position))
            self._orders[key] = cached
            while len(self._orders) > _ORDER_CACHE_SIZE:
                self._orders.popitem(last=False)
        return cached

    def ids(self, start_us, end_us) -> list:
        """Ground truth for tests: the ids of the window in ascending time order."""
        with self._lock:
            lo, hi = self._bounds(start_us, end_us)
            return self._ids[lo:hi]

    def insert(self, records: list) -> None:
        """Insert ``(time_us, hit_bytes, id, rank)`` records at their sorted place, after equal times."""
        with self._lock:
            for time_us, hit, entry_id, rank in records:
                position = bisect.bisect_right(self._keys, time_us)
                self._keys.insert(position, time_us)
                self._hits.insert(position, hit)
                self._ids.insert(position, entry_id)
                self._ranks.insert(position, rank)
            self._version += 1
            self._orders.clear()

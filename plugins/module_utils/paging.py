# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a run knows of the API's paging: page size, result window, what ``offset`` means, the longest date range.

IONOS documents none of these (docs/usage.md, "When the API surprises you"). A run starts from assumptions that
cost no request while they hold (``page_size`` as asked, an Elasticsearch-style window of 10,000 hits, ``offset``
counting hits, ranges of at most 90 days as the official IONOS MCP server sends) and the engine corrects them
from the answers: a short first page is a capped ``limit``, a 400 at a deep offset a smaller window (or ``offset``
as a page index, told apart by one probe), a 400 at offset 0 a ``limit`` or a range the API refuses.

Only the engine's main thread changes a Paging; the workers get a ``Scheme``, an immutable snapshot of how to
build requests, and the main thread drops what a scheme that has since changed produced.
"""

from __future__ import annotations

import re
from datetime import timedelta

ASSUMED_RESULT_WINDOW = 10000
MAX_RANGE = timedelta(days=90)
MIN_LEARNED_RANGE = timedelta(hours=1)
_NUMBER = re.compile(r'[0-9]+')
_DAYS = re.compile(r'([0-9]+(?:\.[0-9]+)?)\s*days?\b', re.IGNORECASE)


class Scheme:
    """How pages are requested: ``offset`` counting hits, or counting pages of ``page_size`` hits."""

    __slots__ = ('mode', 'page_size')

    def __init__(self, mode: str, page_size: int):
        self.mode = mode
        self.page_size = page_size

    def offset(self, first_hit: int) -> int:
        """The ``offset`` parameter of the page that begins at hit ``first_hit`` (a multiple of page_size in page mode)."""
        return first_hit if self.mode == 'offset' else first_hit // self.page_size


class Paging:
    """The assumptions of one run, corrected as the API answers; ``stats()`` says what they ended as."""

    def __init__(self, page_size: int, result_window: int = ASSUMED_RESULT_WINDOW, max_range: timedelta = MAX_RANGE):
        self.scheme = Scheme('offset', page_size)
        self.mode_known = page_size == 1  # with pages of one hit both meanings of offset are the same
        self.result_window = result_window
        self.window_learned = False
        self.window_met = False
        self.max_range = max_range
        self.range_known = False  # the API took one hit of the shortest range learning would try: it caps ranges
        self.reached = 0  # the deepest offset + limit the API has answered

    @property
    def page_size(self) -> int:
        return self.scheme.page_size

    def capacity(self) -> int:
        """The most hits one slice may hold and still be read by paging within the result window."""
        if self.scheme.mode == 'page':
            return max(self.result_window // self.page_size * self.page_size, 1)
        return self.result_window

    def cap_page_size(self, size: int) -> None:
        """The API sent ``size`` hits where more were asked and more remain: it caps ``limit`` there."""
        self.scheme = Scheme(self.scheme.mode, size)
        if size == 1:
            self.mode_known = True

    def page_size_refused(self, limit: int, detail: str) -> None:
        """A 400 for ``limit`` (a smaller limit was accepted): a number below it in the API's words, else half."""
        self.cap_page_size(_hint(detail, 1, limit - 1) or max(limit // 2, 1))

    def count_pages(self) -> None:
        """``offset`` is a page index: a page at offset N skips N pages."""
        self.scheme = Scheme('page', self.page_size)
        self.mode_known = True

    def window_refused(self, reach: int, detail: str) -> None:
        """A 400 for a page ending at hit ``reach``: the window is below it; a number in the API's words, else half
        of it, but never below what the API has already answered."""
        self.window_met = True
        if reach > self.result_window:
            return  # planned before the window was learned lower: nothing new
        floor = max(self.reached, self.page_size)
        guess = _hint(detail, floor, reach - 1) or max(floor, (reach - 1) // 2)
        self.result_window = min(guess, reach - 1, self.result_window)
        self.window_learned = True

    def range_refused(self, span: timedelta, detail: str) -> bool:
        """A 400 even for one hit of a range ``span`` long: the API caps the range; False when it is already short."""
        if span > self.max_range:
            return True  # planned before the cap was learned lower
        if span <= MIN_LEARNED_RANGE:
            return False
        days = [float(found) for found in _DAYS.findall(detail or '')]
        hinted = [timedelta(days=value) for value in days if MIN_LEARNED_RANGE <= timedelta(days=value) < span]
        self.max_range = max(hinted) if hinted else span / 2
        return True

    def answered(self, reach: int) -> None:
        self.reached = max(self.reached, reach)

    def stats(self) -> dict:
        return {'page_size': self.page_size, 'paging': self.scheme.mode,
                'result_window': self.result_window if self.window_met or self.window_learned else None}


def _hint(detail: str, low: int, high: int) -> int | None:
    """The largest number in ``detail`` from ``low`` to ``high``: an API that says its limit is believed, within reason."""
    numbers = [int(found) for found in _NUMBER.findall(detail or '') if len(found) < 10]
    numbers = [number for number in numbers if low <= number <= high]
    return max(numbers) if numbers else None

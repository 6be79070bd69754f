# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What one request of the engine gives its main thread: one small type per kind of answer.

The workers build these and change nothing else; the engine's main thread dispatches on the type.
"""

from __future__ import annotations


class Outcome:
    """Base: the slice the request was for."""

    def __init__(self, piece):
        self.piece = piece


class Split(Outcome):
    """The slice holds more than one read can page through: read these parts instead."""

    def __init__(self, piece, parts: list):
        super().__init__(piece)
        self.parts = parts


class FirstPage(Outcome):
    """The first page of a slice: its total and its first hits."""

    def __init__(self, piece, total: int, hits: list, requests: int):
        super().__init__(piece)
        self.total = total
        self.hits = hits
        self.requests = requests


class FurtherPage(Outcome):
    """A further page that fits the read it belongs to."""

    def __init__(self, piece, scheme, hits: list, reach: int, requests: int):
        super().__init__(piece)
        self.scheme = scheme
        self.hits = hits
        self.reach = reach
        self.requests = requests  # requests started when this page arrived (taken in the worker, not when merged)


class Changed(Outcome):
    """The slice's total changed since its first page: entries arrived (or left) while it was read."""

    def __init__(self, piece, total: int):
        super().__init__(piece)
        self.total = total


class Miscounted(Outcome):
    """A further page with the same total but not the number of hits its offset promised."""

    def __init__(self, piece, scheme):
        super().__init__(piece)
        self.scheme = scheme


class Refused(Outcome):
    """A 400 for a page of the slice starting at hit ``first_hit`` with ``limit``."""

    def __init__(self, piece, scheme, first_hit: int, limit: int, error):
        super().__init__(piece)
        self.scheme = scheme
        self.first_hit = first_hit
        self.limit = limit
        self.error = error


class Skipped(Outcome):
    """A page of a read that was dropped before the page was sent."""


class Recount(Outcome):
    """A kept slice counted again (-1 when the answer had no usable total)."""

    def __init__(self, kept, total: int):
        super().__init__(kept.piece)
        self.kept = kept
        self.total = total


class ModeProbe(Outcome):
    """The answer to one page far past the slice's end if ``offset`` counts hits, but not if it counts pages."""

    def __init__(self, piece, total, hits: int, refused: bool, cause):
        super().__init__(piece)
        self.total = total
        self.hits = hits
        self.refused = refused
        self.cause = cause


class LimitProbe(Outcome):
    """Whether the slice's range is accepted with a limit of one after ``cause`` (a 400 at offset 0)."""

    def __init__(self, piece, accepted: bool, cause):
        super().__init__(piece)
        self.accepted = accepted
        self.cause = cause

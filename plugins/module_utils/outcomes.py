# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What one request of the engine gives its main thread: one small type per kind of answer.

The workers build these and change nothing else; the engine's main thread dispatches on the type.
"""

from __future__ import annotations


class Outcome:
    """Base: the slice the request was for, then the values named by ``fields``, in that order."""

    fields = ()

    def __init__(self, piece, *values):
        self.piece = piece
        for name, value in zip(self.fields, values):
            setattr(self, name, value)


class Split(Outcome):
    """The slice holds more than one read can page through: read these ``parts`` instead."""

    fields = ('parts',)


class FirstPage(Outcome):
    """The first page of a slice: its total, its first entries (engine.Rows), and the requests started when it arrived."""

    fields = ('total', 'rows', 'requests')


class FurtherPage(Outcome):
    """A further page that fits the read it belongs to (``reach``: its offset + limit in hits)."""

    fields = ('scheme', 'rows', 'reach', 'requests')  # requests: taken in the worker when the page arrived, not when merged


class Changed(Outcome):
    """The slice's total changed since its first page: entries arrived (or left) while it was read."""

    fields = ('total',)


class Miscounted(Outcome):
    """A further page with the same total but not the number of hits its offset promised."""

    fields = ('scheme',)


class Refused(Outcome):
    """A 400 (``error``) for a page of the slice starting at hit ``first_hit`` with ``limit``."""

    fields = ('scheme', 'first_hit', 'limit', 'error')


class Skipped(Outcome):
    """A page of a read that was dropped before the page was sent."""


class Recount(Outcome):
    """A ``kept`` slice counted again (``total`` -1 when the answer had no usable total)."""

    fields = ('kept', 'total')


class ModeProbe(Outcome):
    """What the probe of ``offset`` found: the slice's ``total`` it saw, whether ``offset`` ``counts_pages`` (else
    hits), and the ``cause`` that made the engine ask."""

    fields = ('total', 'counts_pages', 'cause')


class LimitProbe(Outcome):
    """Whether the slice's range is ``accepted`` with a limit of one after ``cause`` (a 400 at offset 0)."""

    fields = ('accepted', 'cause')


class RangeProbe(Outcome):
    """Whether one hit of the shortest range the run would learn is ``accepted`` after ``cause`` (a 400 even for one hit)."""

    fields = ('accepted', 'cause')

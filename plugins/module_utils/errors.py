# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The errors of the Activity Log engine.

The module and the lookup turn each of these into one failure message; the message must name the cause and
the fix and must never contain a credential.
"""

from __future__ import annotations

SHOWN_LENGTH = 200


def shown(value) -> str:
    """How an offending value appears in a message: its repr, cut to a readable length.

    Integers too long to write as text (Python refuses beyond 4300 digits) are described instead of written.
    """
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 1000:
        return 'an integer of about %d digits' % int(value.bit_length() * 0.30103)
    try:
        text = repr(value)
    except ValueError:  # a container holding such an integer
        return 'a %s holding an integer too long to write' % type(value).__name__
    return text if len(text) <= SHOWN_LENGTH else text[:SHOWN_LENGTH - 3] + '...'


class ActivityLogError(Exception):
    """Base class: anything that stops a run. ``str(error)`` is the message shown to the user."""


class OptionError(ActivityLogError):
    """An option value is invalid; raised before any request is sent (but for a query that fails on the entries)."""


class ApiError(ActivityLogError):
    """The API answered with an error status, or its answer could not be used.

    ``status`` is the HTTP status (None for transport failures and unusable bodies); ``detail`` the API's own
    words from the error body, which the engine reads for hints (a result window, a range cap).
    """

    def __init__(self, message: str, status: int | None = None, detail: str = ''):
        super().__init__(message)
        self.status = status
        self.detail = detail


class IncompleteResultError(ActivityLogError):
    """The entries of the window cannot all be fetched; returning the rest would be partial data."""

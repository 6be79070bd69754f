# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The errors of the Activity Log engine.

The module and the lookup turn each of these into one failure message; the message must name the cause and
the fix and must never contain a credential.
"""

from __future__ import annotations


class ActivityLogError(Exception):
    """Base class: anything that stops a run. ``str(error)`` is the message shown to the user."""


class OptionError(ActivityLogError):
    """An option value is invalid; raised before any request is sent."""


class ApiError(ActivityLogError):
    """The API answered with an error status, or its answer could not be used.

    ``status`` is the HTTP status (None for transport failures and unusable bodies).
    """

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class IncompleteResultError(ActivityLogError):
    """The entries of the window cannot all be fetched; returning the rest would be partial data."""

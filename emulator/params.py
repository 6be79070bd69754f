# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Validation of the query parameters of /contracts/{contractNumber} and the paging rules; every problem is a 400.

The real API's paging is undocumented, so the rules are knobs (``PagingRules``, from the command line); their
defaults are the Elasticsearch-like behaviour the emulator has always had.
"""

from __future__ import annotations

import re

from emulator.timefmt import ACCEPTED_FORMATS, US_PER_SECOND, parse_us

_INTEGER = re.compile(r"[+-]?[0-9]{1,30}")
_MAX_ECHO = 64
US_PER_DAY = 86400 * US_PER_SECOND
OFFSET_MODES = ("hits", "page")
WINDOW_MESSAGES = ("elastic", "plain")
DATE_END_MODES = ("exclusive", "inclusive")


class ParamError(Exception):
    """A query parameter the API rejects with 400; the message is shown to the client."""


def _echo(value: str) -> str:
    """The rejected value as quoted in the message, shortened so a huge parameter cannot bloat the answer."""
    return repr(value if len(value) <= _MAX_ECHO else value[:_MAX_ECHO] + "...")


def first_values(query_pairs: list) -> dict:
    """Query parameters by name; a repeated parameter keeps its first value."""
    values = {}
    for name, value in query_pairs:
        values.setdefault(name, value)
    return values


def parse_date(values: dict, name: str):
    """Epoch microseconds of a date parameter, None when absent."""
    if name not in values:
        return None
    try:
        return parse_us(values[name])
    except ValueError:
        raise ParamError(f"Invalid value {_echo(values[name])} for query parameter '{name}': accepted formats are {ACCEPTED_FORMATS}")


def parse_integer(values: dict, name: str, default: int) -> int:
    """A non-negative integer parameter."""
    if name not in values:
        return default
    text = values[name]
    if not _INTEGER.fullmatch(text):
        raise ParamError(f"Invalid value {_echo(text)} for query parameter '{name}': must be an integer")
    number = int(text)
    if number < 0:
        raise ParamError(f"Invalid value {_echo(text)} for query parameter '{name}': must be greater than or equal to 0")
    return number


class PagingRules:
    """How the API pages; 0 switches a limit off. ``max_range_days`` is the flag's text, quoted as given in the 400."""

    def __init__(self, max_limit: int = 1000, result_window: int = 10000, limit_cap: int = 0, window_message: str = "elastic",
                 offset_mode: str = "hits", max_range_days: str = "0", date_end: str = "exclusive"):
        self.max_limit = max_limit
        self.result_window = result_window
        self.limit_cap = limit_cap
        self.window_message = window_message
        self.offset_mode = offset_mode
        self.max_range_days = max_range_days
        self.max_range_us = round(float(max_range_days) * US_PER_DAY)
        self.date_end = date_end

    def window_end(self, end_us):
        """The exclusive bound the store uses for a dateEnd: one microsecond later when dateEnd is inclusive."""
        return end_us + 1 if end_us is not None and self.date_end == "inclusive" else end_us


class PageRequest:
    """A validated request for one page: window bounds in epoch microseconds (None = open), hits to skip and limit."""

    __slots__ = ("start_us", "end_us", "offset", "limit")

    def __init__(self, start_us, end_us, offset: int, limit: int):
        self.start_us = start_us
        self.end_us = end_us
        self.offset = offset
        self.limit = limit


def parse_page_request(values: dict, rules: PagingRules) -> PageRequest:
    """Check dateStart, dateEnd, offset and limit, then the limits in this order: --max-limit, --max-range-days,
    --limit-cap (silent), --result-window on the hits the backend would read. Unknown parameters are ignored."""
    start_us = parse_date(values, "dateStart")
    end_us = parse_date(values, "dateEnd")
    offset = parse_integer(values, "offset", 0)
    limit = parse_integer(values, "limit", 20)
    if limit > rules.max_limit:
        raise ParamError(f"Invalid value {_echo(values['limit'])} for query parameter 'limit': must be less than or equal to {rules.max_limit}")
    if rules.max_range_us and (start_us is None or end_us is None or end_us - start_us > rules.max_range_us):
        raise ParamError(f"Maximum date range is {rules.max_range_days} days")
    if rules.limit_cap:
        limit = min(limit, rules.limit_cap)
    skip = offset * limit if rules.offset_mode == "page" else offset
    if rules.result_window and skip + limit > rules.result_window:
        if rules.window_message == "plain":
            raise ParamError("Invalid paging parameters")
        raise ParamError(f"Result window is too large, offset + limit must be less than or equal to: [{rules.result_window}] but was [{skip + limit}]")
    return PageRequest(start_us, rules.window_end(end_us), skip, limit)

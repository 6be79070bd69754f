# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Validation of the query parameters of /contracts/{contractNumber}; every problem is a 400 naming the parameter."""

from __future__ import annotations

import re

from emulator.timefmt import ACCEPTED_FORMATS, parse_us

_INTEGER = re.compile(r"[+-]?[0-9]{1,30}")
_MAX_ECHO = 64


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


class PageRequest:
    """A validated request for one page: window bounds in epoch microseconds (None = open), offset and limit."""

    __slots__ = ("start_us", "end_us", "offset", "limit")

    def __init__(self, start_us, end_us, offset: int, limit: int):
        self.start_us = start_us
        self.end_us = end_us
        self.offset = offset
        self.limit = limit


def parse_page_request(values: dict, max_limit: int, result_window: int) -> PageRequest:
    """Check dateStart, dateEnd, offset and limit in that order; unknown parameters are ignored."""
    start_us = parse_date(values, "dateStart")
    end_us = parse_date(values, "dateEnd")
    offset = parse_integer(values, "offset", 0)
    limit = parse_integer(values, "limit", 20)
    if limit > max_limit:
        raise ParamError(f"Invalid value {_echo(values['limit'])} for query parameter 'limit': must be less than or equal to {max_limit}")
    if offset + limit > result_window:
        raise ParamError(
            f"Result window is too large, offset + limit must be less than or equal to: [{result_window}] but was [{offset + limit}]")
    return PageRequest(start_us, end_us, offset, limit)

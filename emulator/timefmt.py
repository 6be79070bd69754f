# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""RFC 3339 parsing and formatting on integer epoch microseconds.

Integers keep window edges exact: an entry at exactly ``dateStart`` is in, one at exactly ``dateEnd`` is out,
whatever offset or fraction either side was written with.
"""

from __future__ import annotations

import calendar
import datetime
import re
import time

US_PER_MS = 1000
US_PER_SECOND = 1000000
MS_PER_DAY = 86400000

ACCEPTED_FORMATS = "YYYY-MM-DD (00:00:00 UTC) or an RFC 3339 date-time such as 2021-09-23T11:43:51Z or 2021-09-23T11:43:51.123+02:00"

_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_DATE_TIME = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]+))?"
    r"(?:([Zz])|([+-])([0-9]{2}):([0-9]{2}))"
)


def _epoch_seconds(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> int:
    """Validate the calendar fields (datetime raises on 2021-02-30) and convert them to UTC epoch seconds."""
    datetime.datetime(year, month, day, hour, minute, second)
    return calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0))


def _fraction_us(digits: str | None) -> int:
    """Round a fraction of a second (any number of digits) up to whole microseconds, so bounds stay exact."""
    if not digits:
        return 0
    return int(digits[:6].ljust(6, "0")) + (1 if digits[6:].strip("0") else 0)


def parse_us(text: str, allow_date: bool = True) -> int:
    """Parse ``YYYY-MM-DD`` or an RFC 3339 date-time into epoch microseconds; ValueError on anything else."""
    if allow_date:
        match = _DATE.fullmatch(text)
        if match:
            return _epoch_seconds(*(int(part) for part in match.groups())) * US_PER_SECOND
    match = _DATE_TIME.fullmatch(text)
    if not match:
        raise ValueError(f"not {ACCEPTED_FORMATS if allow_date else 'an RFC 3339 date-time'}")
    year, month, day, hour, minute, second, fraction, zulu, sign, off_hour, off_minute = match.groups()
    seconds = _epoch_seconds(int(year), int(month), int(day), int(hour), int(minute), int(second))
    if not zulu:
        if int(off_hour) > 23 or int(off_minute) > 59:
            raise ValueError("offset out of range")
        offset = int(off_hour) * 3600 + int(off_minute) * 60
        seconds -= offset if sign == "+" else -offset
    return seconds * US_PER_SECOND + _fraction_us(fraction)


def us_to_ms_ceil(value_us: int) -> int:
    """The first whole millisecond at or after an instant (entries carry millisecond times)."""
    return -(-value_us // US_PER_MS)


_DAY_PREFIXES = {}


def format_ms(epoch_ms: int) -> str:
    """Format epoch milliseconds the way the API does: ``2016-09-23T12:02:52.394Z``.

    The date part is cached per day: generation formats hundreds of thousands of times within a few dozen days.
    """
    day, in_day = divmod(epoch_ms, MS_PER_DAY)
    prefix = _DAY_PREFIXES.get(day)
    if prefix is None:
        prefix = time.strftime("%Y-%m-%dT", time.gmtime(day * 86400))
        if len(_DAY_PREFIXES) < 100000:
            _DAY_PREFIXES[day] = prefix
    seconds, millis = divmod(in_day, 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{prefix}{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}Z"


def now_ms() -> int:
    """Wall clock in epoch milliseconds; live entries are stamped with it."""
    return int(time.time() * 1000)

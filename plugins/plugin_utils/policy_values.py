# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parse and check the values inside compliance policies: globs, networks, days, times, zones and thresholds.

Every parser takes the dotted ``path`` of the value (``policies.change_windows.windows[0].start``) so that a
PolicyError names exactly what to fix. Nothing here guesses: a value that could be read two ways is an error.
"""

from __future__ import annotations

import difflib
import ipaddress
import re
from datetime import datetime, timedelta

from ansible_collections.ionos.activitylog.plugins.module_utils.filters import address_in, compile_values, parse_network
from ansible_collections.ionos.activitylog.plugins.module_utils.timeparse import parse_rfc3339

try:
    import zoneinfo
except ImportError:  # Python < 3.9 has no zoneinfo; the error says so when a zone is needed
    zoneinfo = None

DAYS = ('mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun')
DAY_NAMES = ('monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday')
SECONDS_PER_DAY = 86400
MINUTE_CACHE_LIMIT = 262144
ADDRESS_CACHE_LIMIT = 65536
CANONICAL_TIME = re.compile(r'[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z\Z')

_CLOCK = re.compile(r'([0-9]{1,2}):([0-9]{2})\Z')
# Control and line-breaking characters, invisible and bidirectional formatting characters (they can make text
# read differently than it is), surrogates and the non-characters XML cannot hold.
_ILLEGAL_TEXT = re.compile('[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff\ud800-\udfff\ufffe\uffff]')


class PolicyError(ValueError):
    """A policy that cannot be evaluated as written; the message names the value and the fix."""


def type_name(value) -> str:
    return 'null' if value is None else type(value).__name__


def reject_unknown_keys(path: str, mapping: dict, known: tuple) -> None:
    """PolicyError for the first key of ``mapping`` not in ``known``, with a suggestion when one is close."""
    for key in mapping:
        if key not in known:
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = " (did you mean '%s'?)" % close[0] if close else ''
            raise PolicyError('%s has the unknown key %r%s; the valid keys are: %s' % (path, key, hint, ', '.join(known)))


def mapping(path: str, value, example: str) -> dict:
    if not isinstance(value, dict):
        raise PolicyError('%s must be a dictionary such as %s, not %s' % (path, example, type_name(value)))
    return value


def strings(path: str, value, example: str, allow_empty: bool = False) -> list:
    """A string or a list of strings, stripped; empty strings are errors, an empty list only when allowed."""
    items = value if isinstance(value, (list, tuple)) else [value]
    if not items and not allow_empty:
        raise PolicyError('%s is an empty list: give at least one value such as %s' % (path, example))
    result = []
    for index, item in enumerate(items):
        where = '%s[%d]' % (path, index) if isinstance(value, (list, tuple)) else path
        if not isinstance(item, str):
            raise PolicyError('%s must be a string such as %s, not %s (%r)' % (where, example, type_name(item), item))
        if not item.strip():
            raise PolicyError('%s is an empty string: give a value such as %s' % (where, example))
        result.append(item.strip())
    return result


def globs(path: str, value, example: str, allow_empty: bool = False):
    """``(patterns, matcher)``: case-insensitive fnmatch on whole values, exactly as the module's filters."""
    patterns = strings(path, value, example, allow_empty)
    return patterns, compile_values(patterns)


def networks(path: str, value) -> list:
    """IPv4/IPv6 networks from addresses and CIDR ranges; host bits after the prefix are an error."""
    found = []
    for index, text in enumerate(strings(path, value, '10.0.0.0/8')):
        where = '%s[%d]' % (path, index) if isinstance(value, list) else path
        found.append(parse_network(text, where, PolicyError))
    return found


class AddressCheck:
    """Whether source addresses lie in the allowed networks; each distinct address is parsed once (bounded cache)."""

    def __init__(self, allowed: list):
        self.allowed = allowed
        self._seen = {}

    def inside(self, raw):
        """True or False for an address in or out of the networks; None when ``raw`` is not an address at all.

        IPv4-mapped IPv6 addresses (``::ffff:10.0.0.1``) are also tried as their IPv4 address.
        """
        if not isinstance(raw, str):
            return None
        if raw not in self._seen:
            if len(self._seen) >= ADDRESS_CACHE_LIMIT:
                self._seen.clear()
            self._seen[raw] = self._lookup(raw)
        return self._seen[raw]

    def _lookup(self, raw: str):
        try:
            ipaddress.ip_address(raw.strip())
        except ValueError:
            return None
        return address_in(raw, self.allowed)


def threshold(path: str, value) -> int:
    """A whole number of 0 or more; a numeric string is accepted because templated values can arrive as text."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise PolicyError('%s must be a whole number of 0 or more, such as 10, not %s (%r)' % (path, type_name(value), value))
    return value


def time_zone(path: str, value):
    """A ``zoneinfo.ZoneInfo`` of an IANA name such as Europe/Berlin (the names are case-sensitive)."""
    if not isinstance(value, str) or not value.strip():
        raise PolicyError('%s must be one IANA time zone name such as Europe/Berlin or UTC, not %s (%r)' % (path, type_name(value), value))
    name = value.strip()
    if zoneinfo is None:
        raise PolicyError('%s: change windows need Python 3.9 or later on the controller (zoneinfo)' % path)
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        pass
    raise PolicyError('%s: %r is not a known IANA time zone; %s' % (path, name, _zone_hint(name)))


def _zone_hint(name: str) -> str:
    try:
        known = zoneinfo.available_timezones()
    except (OSError, ValueError):
        known = set()
    if not known:
        return 'this controller has no time zone database: install the tzdata Python package (pip install tzdata)'
    exact = [zone for zone in known if zone.lower() == name.lower()]
    close = exact or difflib.get_close_matches(name, sorted(known), n=1)
    return "did you mean '%s'?" % close[0] if close else 'write a name such as Europe/Berlin, America/New_York or UTC'


def days(path: str, value) -> frozenset:
    """Weekday numbers (Monday 0) from names: mon..sun or monday..sunday, any case."""
    result = set()
    for index, text in enumerate(strings(path, value, '[mon, tue, wed, thu, fri]')):
        word = text.lower()
        if word in DAYS:
            result.add(DAYS.index(word))
        elif word in DAY_NAMES:
            result.add(DAY_NAMES.index(word))
        else:
            where = '%s[%d]' % (path, index) if isinstance(value, list) else path
            raise PolicyError('%s: %r is not a day; write mon, tue, wed, thu, fri, sat or sun' % (where, text))
    return frozenset(result)


def clock(path: str, value, is_end: bool) -> int:
    """Seconds after local midnight of ``HH:MM`` (24-hour clock); ``24:00`` only as an end."""
    if isinstance(value, int) and not isinstance(value, bool):
        raise PolicyError('%s is the number %d: YAML reads an unquoted time such as 18:00 as a number; quote it: "18:00"'
                          % (path, value))
    if not isinstance(value, str):
        raise PolicyError('%s must be a quoted time such as "08:00", not %s (%r)' % (path, type_name(value), value))
    found = _CLOCK.match(value.strip())
    hours, minutes = (int(found.group(1)), int(found.group(2))) if found else (-1, -1)
    if found and is_end and (hours, minutes) == (24, 0):
        return SECONDS_PER_DAY
    if not found or hours > 23 or minutes > 59:
        limit = '00:00 to 24:00' if is_end else '00:00 to 23:59'
        raise PolicyError('%s: %r is not a time of day; write HH:MM on the 24-hour clock, %s, such as "18:00"' % (path, value, limit))
    return hours * 3600 + minutes * 60


def entry_moment(value) -> datetime | None:
    """The UTC datetime of an entry's ``time``; None when it is missing, a bare date or not RFC 3339."""
    if not isinstance(value, str) or len(value.strip()) <= len('YYYY-MM-DD'):
        return None
    return parse_rfc3339(value)


def is_canonical_time(value) -> bool:
    """Whether ``value`` is a normalized entry time (fixed-width UTC, so such strings sort by time)."""
    return isinstance(value, str) and CANONICAL_TIME.match(value) is not None


class LocalClock:
    """Weekday and time of day of entry times on the wall clock of one zone, DST applied by zoneinfo.

    Entries cluster in time, so the local time of each UTC minute is computed once and the seconds within the
    minute are added; that is exact for any UTC offset. Times that are not canonical are parsed one by one.
    """

    def __init__(self, zone):
        self.zone = zone
        self._minutes = {}

    def day_and_second(self, value):
        """``(weekday with Monday 0, seconds after local midnight)``; None when the time cannot be read."""
        if not is_canonical_time(value):
            moment = entry_moment(value)
            return None if moment is None else self._local(moment)
        found = self._minutes.get(value[:16])
        if found is None:
            moment = parse_rfc3339(value[:16] + ':00Z')
            if moment is None:
                return None
            found = self._local(moment)
            if len(self._minutes) >= MINUTE_CACHE_LIMIT:
                self._minutes.clear()
            self._minutes[value[:16]] = found
        day, second = found
        second += float(value[17:23])
        if second >= SECONDS_PER_DAY:  # only with an offset that is not whole minutes
            day, second = (day + 1) % 7, second - SECONDS_PER_DAY
        return day, second

    def _local(self, moment: datetime) -> tuple:
        local = moment.astimezone(self.zone)
        since_midnight = timedelta(hours=local.hour, minutes=local.minute, seconds=local.second, microseconds=local.microsecond)
        return local.weekday(), since_midnight.total_seconds()


def safe_text(value) -> str:
    """Untrusted text for one line of a report: the characters of _ILLEGAL_TEXT written as ``\\uXXXX`` escapes."""
    text = value if isinstance(value, str) else str(value)
    return _ILLEGAL_TEXT.sub(lambda found: '\\u%04x' % ord(found.group(0)), text)

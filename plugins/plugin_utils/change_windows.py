# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Change windows: weekdays and times of day on the wall clock of one IANA time zone, daylight saving time applied.

The parsers take the dotted ``path`` of the value and the ``error`` class to raise, as those of option_values do.
"""

from __future__ import annotations

import difflib
import re
from datetime import datetime, timedelta

from ansible_collections.ionos.activitylog.plugins.module_utils.option_values import (
    dict_list, listed, mapping, reject_unknown_keys, strings, type_name,
)
from ansible_collections.ionos.activitylog.plugins.module_utils.timeparse import is_canonical_time, parse_rfc3339

try:
    import zoneinfo
except ImportError:  # Python < 3.9 has no zoneinfo; the error says so when a zone is needed
    zoneinfo = None

CHANGE_WINDOW_KEYS = ('timezone', 'windows')
WINDOW_KEYS = ('days', 'start', 'end')
DAYS = ('mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun')
DAY_NAMES = ('monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday')
EXAMPLE = '{timezone: Europe/Berlin, windows: [{days: [mon, tue, wed, thu, fri], start: "08:00", end: "18:00"}]}'
WINDOW_EXAMPLE = '{days: [mon, tue, wed, thu, fri], start: "08:00", end: "18:00"}'
SECONDS_PER_DAY = 86400
MINUTE_CACHE_LIMIT = 262144

_CLOCK = re.compile(r'([0-9]{1,2}):([0-9]{2})\Z')


class ChangeWindows:
    """The windows of one zone: ``contains(time)`` for the time of an entry, ``description`` in words."""

    def __init__(self, zone, windows: list):
        self.zone, self.windows = zone, windows
        self._clock = LocalClock(zone)
        texts = ['%s %s-%s' % (','.join(DAYS[day] for day in sorted(days)), start_text, end_text)
                 for days, _start, _end, start_text, end_text in windows]
        self.description = '%s (%s)' % ('; '.join(texts), zone.key)

    @classmethod
    def from_option(cls, path: str, value, error) -> ChangeWindows:
        """The windows of ``{timezone: ..., windows: [{days: ..., start: ..., end: ...}]}``; ``error`` naming the value."""
        mapping(path, value, EXAMPLE, error)
        reject_unknown_keys(path, value, CHANGE_WINDOW_KEYS, error)
        for key in CHANGE_WINDOW_KEYS:
            if value.get(key) is None:
                raise error('%s needs %s, such as %s' % (path, key, EXAMPLE))
        zone = time_zone(path + '.timezone', value['timezone'], error)
        windows = [_window(where, window, error) for where, window in dict_list(path + '.windows', value['windows'], WINDOW_EXAMPLE, error)]
        return cls(zone, windows)

    def contains(self, time):
        """True or False for a time inside or outside every window; None when ``time`` cannot be read."""
        local = self._clock.day_and_second(time)
        if local is None:
            return None
        day, second = local
        for days, start, end, _start_text, _end_text in self.windows:
            if day in days and start <= second < end:
                return True
        return False


def _window(path: str, window: dict, error) -> tuple:
    """``(weekdays, start second, end second, start text, end text)`` of one window."""
    reject_unknown_keys(path, window, WINDOW_KEYS, error)
    for key in WINDOW_KEYS:
        if window.get(key) is None:
            raise error('%s needs days, start and end, such as {days: [mon, tue], start: "08:00", end: "18:00"}; %s is missing'
                        % (path, key))
    weekdays = days(path + '.days', window['days'], error)
    start = clock(path + '.start', window['start'], error, is_end=False)
    end = clock(path + '.end', window['end'], error, is_end=True)
    if start >= end:
        raise error('%s: start %s is not before end %s; a window ends on the day it starts: for one across midnight write '
                    'two windows, such as 22:00-24:00 on mon and 00:00-06:00 on tue' % (path, window['start'], window['end']))
    return weekdays, start, end, window['start'].strip(), window['end'].strip()


def time_zone(path: str, value, error):
    """A ``zoneinfo.ZoneInfo`` of an IANA name such as Europe/Berlin (the names are case-sensitive)."""
    if not isinstance(value, str) or not value.strip():
        raise error('%s must be one IANA time zone name such as Europe/Berlin or UTC, not %s (%r)' % (path, type_name(value), value))
    name = value.strip()
    if zoneinfo is None:
        raise error('%s: change windows need Python 3.9 or later on the controller (zoneinfo)' % path)
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        pass
    raise error('%s: %r is not a known IANA time zone; %s' % (path, name, _zone_hint(name)))


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


def days(path: str, value, error) -> frozenset:
    """Weekday numbers (Monday 0) from names: mon..sun or monday..sunday, any case."""
    result = set()
    texts = strings(path, value, '[mon, tue, wed, thu, fri]', error)
    for text, (where, _item) in zip(texts, listed(path, value)):
        word = text.lower()
        if word in DAYS:
            result.add(DAYS.index(word))
        elif word in DAY_NAMES:
            result.add(DAY_NAMES.index(word))
        else:
            raise error('%s: %r is not a day; write mon, tue, wed, thu, fri, sat or sun' % (where, text))
    return frozenset(result)


def clock(path: str, value, error, is_end: bool) -> int:
    """Seconds after local midnight of ``HH:MM`` (24-hour clock); ``24:00`` only as an end."""
    if isinstance(value, int) and not isinstance(value, bool):
        raise error('%s is the number %d: YAML reads an unquoted time such as 18:00 as a number; quote it: "18:00"' % (path, value))
    if not isinstance(value, str):
        raise error('%s must be a quoted time such as "08:00", not %s (%r)' % (path, type_name(value), value))
    found = _CLOCK.match(value.strip())
    hours, minutes = (int(found.group(1)), int(found.group(2))) if found else (-1, -1)
    if found and is_end and (hours, minutes) == (24, 0):
        return SECONDS_PER_DAY
    if not found or hours > 23 or minutes > 59:
        limit = '00:00 to 24:00' if is_end else '00:00 to 23:59'
        raise error('%s: %r is not a time of day; write HH:MM on the 24-hour clock, %s, such as "18:00"' % (path, value, limit))
    return hours * 3600 + minutes * 60


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
            moment = _entry_moment(value)
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


def _entry_moment(value) -> datetime | None:
    """The UTC datetime of an entry's ``time``; None when it is missing, a bare date or not RFC 3339."""
    if not isinstance(value, str) or len(value.strip()) <= len('YYYY-MM-DD'):
        return None
    return parse_rfc3339(value)

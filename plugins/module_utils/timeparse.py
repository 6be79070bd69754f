# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Times of the options, of the API and of the results.

Accepted input (``parse_time``): RFC 3339 (``T``, ``t`` or a space between date and time, ``Z``/``z`` or a
``+HH:MM``/``-HH:MM`` offset, none meaning UTC, any number of fraction digits), a date ``YYYY-MM-DD``
(00:00 UTC), ``now``, a relative time ``-<n><unit>`` with the units s, m, h, d, w (counted back from the
``now`` the caller resolved once for the run), and datetime or date objects (naive means UTC).

Everything is resolved to an aware UTC datetime floored to the millisecond: the API and the entries have
millisecond resolution, so the window the run reports is exactly the window it sends.

Output: ``format_api_time`` gives ``2024-05-01T12:00:00Z`` or ``2024-05-01T12:00:00.250Z`` for the API;
``format_time`` always gives milliseconds, ``2024-05-01T12:00:00.000Z``, for results: one fixed-width UTC
format, so sorting the strings sorts by time, and the same format as ``meta.time`` of the entries.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from ansible_collections.ionos.activitylog.plugins.module_utils.errors import OptionError, shown

UTC = timezone.utc

RELATIVE_UNITS = {'s': 'seconds', 'm': 'minutes', 'h': 'hours', 'd': 'days', 'w': 'weeks'}

ACCEPTED_FORMS = ("use RFC 3339 (2024-05-01T12:00:00Z, 2024-05-01T14:00:00+02:00), a date (2024-05-01), "
                  "'now', or a relative time such as -15m, -24h, -7d, -2w")

_RFC3339 = re.compile(
    r'(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})[Tt ]'
    r'(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})(?:\.(?P<fraction>[0-9]+))?'
    r'(?P<zone>[Zz]|[+-][0-9]{2}:[0-9]{2})?\Z')
_DATE = re.compile(r'(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})\Z')
_RELATIVE = re.compile(r'(?P<sign>[+-]?)(?P<amount>[0-9]+)(?P<unit>[A-Za-z]+)\Z')
# What format_time writes: fixed-width UTC with milliseconds, so such strings sort by time.
CANONICAL_TIME = re.compile(r'[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z\Z')


def to_utc(value: datetime) -> datetime:
    """An aware UTC datetime floored to the millisecond; a naive datetime is taken as UTC."""
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        value = value.replace(tzinfo=UTC)
    else:
        value = value.astimezone(UTC)
    return value.replace(microsecond=value.microsecond - value.microsecond % 1000)


def parse_time(value, now: datetime, name: str = 'time') -> datetime:
    """``value`` as an aware UTC datetime (see the module docstring); OptionError naming ``name`` otherwise."""
    now = _checked_now(now)
    if isinstance(value, datetime):
        return _converted(lambda: to_utc(value), value, name)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if not isinstance(value, str):
        raise OptionError('%s must be a string, not %s (%s): %s' % (name, type(value).__name__, shown(value), ACCEPTED_FORMS))
    text = value.strip()
    if not text:
        raise OptionError('%s is empty: %s' % (name, ACCEPTED_FORMS))
    if text.lower() == 'now':
        return to_utc(now)
    relative = _RELATIVE.match(text)
    if relative:
        return _relative(relative, text, now, name)
    absolute = _RFC3339.match(text) or _DATE.match(text)
    if absolute:
        return _converted(lambda: _from_fields(absolute.groupdict()), text, name)
    raise OptionError('%s %r is not a time I understand: %s' % (name, value, ACCEPTED_FORMS))


def parse_rfc3339(text) -> datetime | None:
    """A tolerant parse of an RFC 3339 string or date (for the times of entries): None when it is not one."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    found = _RFC3339.match(text) or _DATE.match(text)
    if not found:
        return None
    try:
        return _from_fields(found.groupdict())
    except (ValueError, OverflowError):
        return None


def is_canonical_time(value) -> bool:
    """Whether ``value`` is a time as ``format_time`` writes it (a normalized entry's ``time``)."""
    return isinstance(value, str) and CANONICAL_TIME.match(value) is not None


def resolve_window(start, end, now: datetime) -> tuple[datetime, datetime]:
    """``(start, end)`` resolved against one ``now``; start must be before end (their defaults are the options')."""
    start_dt = parse_time(start, now, 'start')
    end_dt = parse_time(end, now, 'end')
    if start_dt >= end_dt:
        raise OptionError('start (%r, resolved to %s) must be before end (%r, resolved to %s): the window is empty; '
                          'swap them or move start back' % (start, format_time(start_dt), end, format_time(end_dt)))
    return start_dt, end_dt


def format_api_time(value: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ``, or ``...SS.mmmZ`` when there are milliseconds, for dateStart and dateEnd.

    Sub-millisecond parts are floored, for both bounds alike: the end is exclusive and pinned at the run's
    "now", so rounding it up could take in entries written after the run started (the window would silently
    grow), and flooring the starts the same way keeps a bound shared by two slices one identical string, so
    the slices keep no gap and no overlap.
    """
    value = to_utc(value)
    text = _seconds_text(value)
    if value.microsecond:
        return '%s.%03dZ' % (text, value.microsecond // 1000)
    return text + 'Z'


def format_time(value: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SS.mmmZ`` (UTC, milliseconds always) for results: fixed width, so it sorts by time."""
    value = to_utc(value)
    return '%s.%03dZ' % (_seconds_text(value), value.microsecond // 1000)


def _seconds_text(value: datetime) -> str:
    """strftime('%Y') does not pad years below 1000 on every platform; this does."""
    return '%04d-%02d-%02dT%02d:%02d:%02d' % (value.year, value.month, value.day, value.hour, value.minute, value.second)


def _checked_now(now) -> datetime:
    if not isinstance(now, datetime):
        raise TypeError('now must be a datetime, not %s' % type(now).__name__)
    return now


def _converted(convert, value, name: str) -> datetime:
    """Run ``convert``; a date the datetime type cannot hold becomes an OptionError that says so."""
    try:
        return convert()
    except (ValueError, OverflowError) as error:
        raise OptionError('%s %r is not a valid time (%s): %s' % (name, value, error, ACCEPTED_FORMS)) from None


def _from_fields(fields: dict) -> datetime:
    """The UTC datetime of the regex groups; ValueError or OverflowError for impossible values."""
    fraction = (fields.get('fraction') or '')[:3].ljust(3, '0')
    moment = datetime(int(fields['year']), int(fields['month']), int(fields['day']),
                      int(fields.get('hour') or 0), int(fields.get('minute') or 0), int(fields.get('second') or 0),
                      int(fraction) * 1000)
    zone = fields.get('zone')
    if zone and zone not in ('Z', 'z'):
        hours, minutes = int(zone[1:3]), int(zone[4:6])
        if hours > 23 or minutes > 59:
            raise ValueError('offset %s is out of range' % zone)
        offset = timedelta(hours=hours, minutes=minutes)
        moment = moment - offset if zone[0] == '+' else moment + offset
    return moment.replace(tzinfo=UTC)


def _relative(found, text: str, now: datetime, name: str) -> datetime:
    sign, digits, unit = found.group('sign'), found.group('amount'), found.group('unit')
    if len(digits) > 12:
        raise OptionError('%s %r reaches too far back: a time must be after the year 1' % (name, text))
    amount = int(digits)
    if unit not in RELATIVE_UNITS:
        raise OptionError('%s %r has the unknown unit %r: the units are s (seconds), m (minutes), h (hours), d (days) and w (weeks), '
                          'lowercase, as in -15m or -7d' % (name, text, unit))
    if sign == '+':
        raise OptionError('%s %r points into the future, where the activity log has no entries: use -%d%s for %d %s before now'
                          % (name, text, amount, unit, amount, RELATIVE_UNITS[unit]))
    if sign == '':
        raise OptionError('%s %r needs a minus sign: -%d%s means %d %s before now' % (name, text, amount, unit, amount, RELATIVE_UNITS[unit]))
    try:
        return to_utc(now) - timedelta(**{RELATIVE_UNITS[unit]: amount})
    except OverflowError:
        raise OptionError('%s %r reaches too far back: a time must be after the year 1' % (name, text)) from None

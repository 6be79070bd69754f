# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""change_windows: wall-clock time of the zone with daylight saving time, inclusive start, exclusive end, days."""

from __future__ import annotations

import random
import zoneinfo
from datetime import datetime, timedelta, timezone

import pytest

from ansible_collections.ionos.activitylog.plugins.plugin_utils.change_windows import LocalClock
from ansible_collections.ionos.activitylog.tests.unit.plugins.plugin_utils.compliance_helpers import judge, write

WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri']


def inside(time: str, windows: list, zone: str = 'Europe/Berlin') -> bool:
    return judge('change_windows', {'timezone': zone, 'windows': windows}, [write(time=time)])['passed']


OFFICE = [{'days': WEEKDAYS, 'start': '08:00', 'end': '18:00'}]


@pytest.mark.parametrize('time, expected', [
    ('2026-03-27T07:00:00.000Z', True),   # Friday 08:00 CET (UTC+1): the start is inclusive
    ('2026-03-27T06:59:59.999Z', False),  # Friday 07:59:59.999 CET
    ('2026-03-27T16:59:59.999Z', True),   # Friday 17:59:59.999 CET
    ('2026-03-27T17:00:00.000Z', False),  # Friday 18:00 CET: the end is exclusive
    ('2026-03-30T06:00:00.000Z', True),   # Monday 08:00 CEST (UTC+2), the day after the change to summer time
    ('2026-03-30T05:59:59.999Z', False),  # Monday 07:59:59.999 CEST, though 06:59 would be 08:59 in winter
    ('2026-03-30T15:59:59.999Z', True),   # Monday 17:59:59.999 CEST
    ('2026-03-30T16:00:00.000Z', False),  # Monday 18:00 CEST
    ('2026-10-26T07:00:00.000Z', True),   # Monday 08:00 CET again, the day after the change back
    ('2026-10-26T06:30:00.000Z', False),  # Monday 07:30 CET
    ('2026-03-28T10:00:00.000Z', False),  # Saturday
])
def test_office_hours_follow_daylight_saving_time(time, expected):
    assert inside(time, OFFICE) is expected


def test_the_weekday_is_the_local_one():
    night_shift = [{'days': ['mon'], 'start': '00:00', 'end': '06:00'}]
    assert inside('2026-06-14T22:30:00.000Z', night_shift)  # Sunday 22:30 UTC is Monday 00:30 in Berlin
    assert not inside('2026-06-15T22:30:00.000Z', night_shift)  # Tuesday 00:30 in Berlin


def test_an_end_of_24_00_takes_in_the_last_millisecond_of_the_day():
    evening = [{'days': ['sun'], 'start': '22:00', 'end': '24:00'}]
    assert inside('2026-11-29T22:59:59.999Z', evening)  # Sunday 23:59:59.999 CET
    assert not inside('2026-11-29T23:00:00.000Z', evening)  # Monday 00:00 CET


def test_the_repeated_hour_of_the_change_back_counts_twice_as_its_wall_clock_time():
    early = [{'days': ['sun'], 'start': '02:00', 'end': '03:00'}]
    assert inside('2026-10-25T00:30:00.000Z', early)  # 02:30 CEST
    assert inside('2026-10-25T01:30:00.000Z', early)  # 02:30 CET, the same wall-clock time an hour later
    assert not inside('2026-10-25T02:00:00.000Z', early)  # 03:00 CET


def test_the_skipped_hour_of_the_change_to_summer_time_never_happens():
    skipped = [{'days': ['sun'], 'start': '02:00', 'end': '03:00'}]
    assert not inside('2026-03-29T00:59:59.999Z', skipped)  # 01:59:59.999 CET
    assert not inside('2026-03-29T01:00:00.000Z', skipped)  # 03:00 CEST: 02:xx does not exist that night


def test_several_windows_and_another_zone():
    windows = [{'days': ['sat'], 'start': '10:00', 'end': '12:00'}, {'days': WEEKDAYS, 'start': '09:00', 'end': '17:00'}]
    assert inside('2026-07-04T14:30:00.000Z', windows, 'America/New_York')  # Saturday 10:30 EDT
    assert inside('2026-07-06T13:00:00.000Z', windows, 'America/New_York')  # Monday 09:00 EDT
    assert not inside('2026-07-06T12:59:00.000Z', windows, 'America/New_York')  # Monday 08:59 EDT


def test_a_time_with_an_offset_is_read_exactly():
    assert inside('2026-03-27T08:30:00+01:00', OFFICE)
    assert not inside('2026-03-27T07:30:00+01:00', OFFICE)


@pytest.mark.parametrize('zone, start', [
    ('Europe/Berlin', datetime(2026, 3, 28, tzinfo=timezone.utc)),
    ('Europe/Berlin', datetime(2026, 10, 24, tzinfo=timezone.utc)),
    ('Australia/Lord_Howe', datetime(2026, 4, 4, tzinfo=timezone.utc)),  # a 30-minute daylight saving shift
    ('Africa/Monrovia', datetime(1971, 12, 31, tzinfo=timezone.utc)),  # UTC-00:44:30 until 1972: not whole minutes
])
def test_the_minute_cache_gives_the_exact_wall_clock_time(zone, start):
    tz = zoneinfo.ZoneInfo(zone)
    clock = LocalClock(tz)
    rng = random.Random(zone)
    for _index in range(3000):
        moment = start + timedelta(milliseconds=rng.randrange(3 * 86400 * 1000))
        text = moment.strftime('%Y-%m-%dT%H:%M:%S.') + '%03dZ' % (moment.microsecond // 1000)
        local = moment.astimezone(tz)
        expected = (local.weekday(), local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1e6)
        day, second = clock.day_and_second(text)
        assert day == expected[0] and second == pytest.approx(expected[1], abs=1e-6), text

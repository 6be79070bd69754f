# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Properties of timeparse over hostile input: a UTC instant or a clear OptionError, round trips, monotonic relatives.

Examples are derandomized (the same every run, no database); ACTIVITYLOG_HYPOTHESIS=explore draws ten times as
many fresh ones and prints the seed of a failure.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from hypothesis import given, strategies as st

from ansible_collections.ionos.activitylog.plugins.module_utils.errors import OptionError
from ansible_collections.ionos.activitylog.plugins.module_utils.timeparse import (
    format_api_time, format_time, parse_rfc3339, parse_time, resolve_window, to_utc,
)
from ansible_collections.ionos.activitylog.tests.unit.plugins.hypothesis_profiles import examples


UTC = timezone.utc
RESULT_TIME = re.compile(r'[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z\Z')
UNIT_SECONDS = {'s': 1, 'm': 60, 'h': 3600, 'd': 86400, 'w': 7 * 86400}
API_TIME = re.compile(r'[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{3})?Z\Z')


# Offsets with whole minutes, as RFC 3339 writes them, up to +-23:59.
offsets = st.integers(-(23 * 60 + 59), 23 * 60 + 59).map(lambda minutes: timezone(timedelta(minutes=minutes)))
zones = st.one_of(st.none(), st.just(UTC), offsets)
# Instants whose UTC form stays inside what datetime can hold, in any offset or naive.
instants = st.builds(lambda moment, zone: moment.replace(tzinfo=zone),
                     st.datetimes(min_value=datetime(2, 1, 1), max_value=datetime(9998, 12, 31)), zones)
aware_instants = st.builds(lambda moment, zone: moment.replace(tzinfo=zone),
                           st.datetimes(min_value=datetime(2, 1, 1), max_value=datetime(9998, 12, 31)), st.one_of(st.just(UTC), offsets))
# A pinned "now" of a run; hostile values are for the options, the run's clock is always a datetime.
nows = instants

near_rfc3339 = st.from_regex(
    r'\A\s?[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{0,12})?([Zz]|[+-][0-9]{2}:?[0-9]{2})?)?\s?\Z')
near_relative = st.from_regex(r'\A\s?[+-]?[0-9]{0,16}\s?[A-Za-z]{0,4}\s?\Z')
time_texts = st.one_of(st.text(), near_rfc3339, near_relative, st.sampled_from(['now', 'NOW', ' now ', 'Now\n', '', ' ', '\x00']))
not_strings = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.binary(max_size=8),
                        st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))


def assert_clear(error: OptionError, name: str, value) -> None:
    """The message names the option and shows the value (or says it is empty)."""
    message = str(error)
    assert message.startswith(name + ' '), message
    if isinstance(value, str) and not value.strip():
        assert 'is empty' in message, message
    else:
        shown = (repr(value), repr(value.strip())) if isinstance(value, str) else (repr(value),)
        assert any(text in message for text in shown), message


def assert_instant(moment) -> None:
    """An aware UTC datetime with millisecond resolution, as every parse result must be."""
    assert isinstance(moment, datetime)
    assert moment.tzinfo is UTC
    assert moment.microsecond % 1000 == 0


@examples(120)
@given(time_texts, nows)
def test_any_text_is_a_utc_instant_or_an_option_error_naming_it(text, now):
    try:
        moment = parse_time(text, now, 'start')
    except OptionError as error:
        assert_clear(error, 'start', text)
    else:
        assert_instant(moment)


@examples(50)
@given(not_strings, nows)
def test_values_of_other_types_are_refused_by_type(value, now):
    try:
        parse_time(value, now, 'end')
    except OptionError as error:
        assert_clear(error, 'end', value)
        assert type(value).__name__ in str(error)
    else:
        raise AssertionError('%r was accepted as a time' % (value,))


@examples(50)
@given(st.datetimes(timezones=st.one_of(st.none(), offsets)), nows)
def test_datetime_objects_of_any_range_give_utc_or_say_they_cannot(value, now):
    try:
        moment = parse_time(value, now, 'start')
    except OptionError as error:
        assert 'not a valid time' in str(error)
    else:
        assert_instant(moment)
        assert moment == to_utc(value)


@examples(50)
@given(instants, nows)
def test_formatted_times_parse_back_to_the_same_instant(moment, now):
    expected = to_utc(moment)
    for text in (format_time(moment), format_api_time(moment)):
        assert parse_time(text, now) == expected
        assert parse_rfc3339(text) == expected
    assert RESULT_TIME.match(format_time(moment))
    assert API_TIME.match(format_api_time(moment))
    assert format_time(parse_time(format_time(moment), now)) == format_time(moment)


@examples(50)
@given(aware_instants, nows, st.sampled_from(['T', 't', ' ']), st.booleans())
def test_rfc3339_with_any_offset_is_the_same_instant_in_utc(moment, now, separator, lowercase_z):
    text = moment.isoformat(sep=separator)
    if text.endswith('+00:00') and lowercase_z:
        text = text[:-6] + 'z'
    assert parse_time(text, now) == to_utc(moment)
    assert parse_time(' %s\n' % text, now) == to_utc(moment)


@examples(80)
@given(instants, st.text(alphabet='0123456789', min_size=1, max_size=12), nows)
def test_any_number_of_fraction_digits_is_floored_to_the_millisecond(moment, digits, now):
    moment = to_utc(moment.replace(microsecond=0))
    text = '%04d-%02d-%02dT%02d:%02d:%02d.%sZ' % (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second, digits)
    milliseconds = int((digits + '00')[:3])
    assert parse_time(text, now) == moment + timedelta(milliseconds=milliseconds)
    assert parse_rfc3339(text) == moment + timedelta(milliseconds=milliseconds)


@examples(50)
@given(st.dates(min_value=date(1, 1, 1)), nows)
def test_dates_are_midnight_utc(day, now):
    midnight = datetime(day.year, day.month, day.day, tzinfo=UTC)
    assert parse_time(day.isoformat(), now) == midnight
    assert parse_time(day, now) == midnight
    assert format_time(midnight) == day.isoformat() + 'T00:00:00.000Z'


@examples(50)
@given(st.lists(instants, min_size=2, max_size=6))
def test_result_strings_sort_like_the_instants(moments):
    by_time = [format_time(moment) for moment in sorted(moments, key=to_utc)]
    assert sorted(by_time) == by_time


def relative(amount: int, unit: str, now: datetime):
    """The instant of -<amount><unit>, or None when it reaches before the year 1 (an OptionError saying so)."""
    try:
        return parse_time('-%d%s' % (amount, unit), now)
    except OptionError as error:
        assert 'too far back' in str(error), str(error)
        return None


@examples(80)
@given(st.integers(0, 10 ** 13), st.integers(0, 10 ** 13), st.sampled_from(sorted(UNIT_SECONDS)), nows)
def test_relative_times_go_back_monotonically_and_exactly(first, second, unit, now):
    near, far = sorted((first, second))
    near_time, far_time = relative(near, unit, now), relative(far, unit, now)
    if far_time is not None:
        assert near_time is not None and far_time <= near_time
    for amount, moment in ((near, near_time), (far, far_time)):
        if moment is not None:
            assert_instant(moment)
            assert moment == to_utc(now) - timedelta(seconds=amount * UNIT_SECONDS[unit])


@examples(50)
@given(st.integers(0, 10 ** 6), nows)
def test_longer_units_reach_at_least_as_far_back(amount, now):
    ordered = [relative(amount, unit, now) for unit in ('s', 'm', 'h', 'd', 'w')]
    reached = [moment for moment in ordered if moment is not None]
    assert reached == ordered[:len(reached)], 'a shorter unit reached too far back where a longer one did not'
    assert reached == sorted(reached, reverse=True)


@examples(50)
@given(nows)
def test_now_is_the_pinned_now_in_utc(now):
    assert parse_time('now', now) == to_utc(now)
    assert parse_time('-0s', now) == to_utc(now)


@examples(80)
@given(st.one_of(time_texts, not_strings, st.none()), st.one_of(time_texts, not_strings, st.none()), nows)
def test_a_window_is_ordered_or_refused_with_the_bound_named(start, end, now):
    try:
        start_time, end_time = resolve_window(start, end, now)
    except OptionError as error:
        message = str(error)
        assert message.startswith('start ') or message.startswith('end '), message
    else:
        assert_instant(start_time)
        assert_instant(end_time)
        assert start_time < end_time


@examples(80)
@given(st.one_of(time_texts, not_strings))
def test_entry_times_parse_tolerantly_without_raising(value):
    moment = parse_rfc3339(value)
    assert moment is None or (moment.tzinfo is UTC and moment.microsecond % 1000 == 0)

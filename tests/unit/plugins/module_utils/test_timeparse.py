# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of timeparse: every accepted form, every rejection and its message, and the two output formats."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone

import pytest

from ansible_collections.ionos.activitylog.plugins.module_utils.errors import OptionError
from ansible_collections.ionos.activitylog.plugins.module_utils.timeparse import (
    format_api_time, format_time, parse_rfc3339, parse_time, resolve_window, to_utc,
)

UTC = timezone.utc
NOW = datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=UTC)
NOW_MS = datetime(2024, 5, 1, 12, 0, 0, 123000, tzinfo=UTC)


def utc(*fields) -> datetime:
    return datetime(*fields, tzinfo=UTC)


@pytest.mark.parametrize('text, expected', [
    ('2024-05-01T12:00:00Z', utc(2024, 5, 1, 12)),
    ('2024-05-01t12:00:00z', utc(2024, 5, 1, 12)),
    ('2024-05-01 12:00:00Z', utc(2024, 5, 1, 12)),
    ('2024-05-01T12:00:00', utc(2024, 5, 1, 12)),
    ('2024-05-01T14:30:00+02:00', utc(2024, 5, 1, 12, 30)),
    ('2024-05-01T07:00:00-05:30', utc(2024, 5, 1, 12, 30)),
    ('2024-05-01T12:00:00-00:00', utc(2024, 5, 1, 12)),
    ('2024-05-01T00:30:00+01:00', utc(2024, 4, 30, 23, 30)),
    ('2024-05-01T12:00:00.5Z', utc(2024, 5, 1, 12, 0, 0, 500000)),
    ('2024-05-01T12:00:00.25Z', utc(2024, 5, 1, 12, 0, 0, 250000)),
    ('2024-05-01T12:00:00.394Z', utc(2024, 5, 1, 12, 0, 0, 394000)),
    ('2024-05-01T12:00:00.394999Z', utc(2024, 5, 1, 12, 0, 0, 394000)),
    ('2024-05-01T12:00:00.123456789+00:00', utc(2024, 5, 1, 12, 0, 0, 123000)),
    ('2024-02-29T23:59:59.999Z', utc(2024, 2, 29, 23, 59, 59, 999000)),
    ('2024-05-01', utc(2024, 5, 1)),
    ('  2024-05-01  ', utc(2024, 5, 1)),
    ('\t2024-05-01T12:00:00Z\n', utc(2024, 5, 1, 12)),
])
def test_absolute_forms(text, expected):
    parsed = parse_time(text, NOW)
    assert parsed == expected
    assert parsed.tzinfo == UTC


@pytest.mark.parametrize('text', ['now', 'NOW', ' Now ', '-0s', '-0m', '-0w'])
def test_now_and_zero_offsets_give_now_floored_to_the_millisecond(text):
    assert parse_time(text, NOW) == NOW_MS


@pytest.mark.parametrize('text, delta', [
    ('-30s', timedelta(seconds=30)),
    ('-15m', timedelta(minutes=15)),
    ('-24h', timedelta(hours=24)),
    ('-7d', timedelta(days=7)),
    ('-2w', timedelta(weeks=2)),
    (' -90m ', timedelta(minutes=90)),
    ('-0001d', timedelta(days=1)),
])
def test_relative_forms_count_back_from_the_given_now(text, delta):
    assert parse_time(text, NOW) == NOW_MS - delta


def test_now_in_another_zone_is_converted():
    berlin = timezone(timedelta(hours=2))
    assert parse_time('now', datetime(2024, 5, 1, 14, 0, tzinfo=berlin)) == utc(2024, 5, 1, 12)


def test_naive_now_counts_as_utc():
    assert parse_time('-1h', datetime(2024, 5, 1, 12, 0)) == utc(2024, 5, 1, 11)


def test_datetime_and_date_objects():
    assert parse_time(datetime(2024, 5, 1, 12, 0), NOW) == utc(2024, 5, 1, 12)
    assert parse_time(datetime(2024, 5, 1, 12, 0, 0, 999999), NOW) == utc(2024, 5, 1, 12, 0, 0, 999000)
    assert parse_time(datetime(2024, 5, 1, 14, 0, tzinfo=timezone(timedelta(hours=2))), NOW) == utc(2024, 5, 1, 12)
    assert parse_time(date(2024, 5, 1), NOW) == utc(2024, 5, 1)


@pytest.mark.parametrize('text, words', [
    ('+15m', ['future', '-15m']),
    ('+0m', ['future']),
    ('15m', ['minus sign', '-15m', '15 minutes before now']),
    ('7d', ['minus sign', '-7d', '7 days before now']),
    ('-15M', ['unknown unit', "'M'", 's (seconds)', 'w (weeks)']),
    ('-1y', ['unknown unit', "'y'"]),
    ('-2days', ['unknown unit', "'days'"]),
    ('-9999999999999w', ['too far back']),
    ('-99999999w', ['too far back']),
    ('-1000000d', ['too far back']),
])
def test_relative_rejections_name_the_problem(text, words):
    with pytest.raises(OptionError) as caught:
        parse_time(text, NOW, 'start')
    message = str(caught.value)
    assert message.startswith('start ')
    assert repr(text) in message
    for word in words:
        assert word in message


@pytest.mark.parametrize('text, reason', [
    ('2024-13-01', 'month must be in 1..12'),
    ('2024-02-30', 'day is out of range'),
    ('2023-02-29T00:00:00Z', 'day is out of range'),
    ('2024-05-01T24:00:00Z', 'hour must be in 0..23'),
    ('2024-05-01T12:60:00Z', 'minute must be in 0..59'),
    ('2024-05-01T12:00:60Z', 'second must be in 0..59'),
    ('2024-05-01T12:00:00+24:00', 'offset +24:00 is out of range'),
    ('2024-05-01T12:00:00+01:60', 'offset +01:60 is out of range'),
    ('0001-01-01T00:00:00+01:00', 'out of range'),
])
def test_impossible_dates_say_why(text, reason):
    with pytest.raises(OptionError) as caught:
        parse_time(text, NOW, 'end')
    message = str(caught.value)
    assert message.startswith('end %r is not a valid time' % text)
    assert reason in message
    assert 'RFC 3339' in message


@pytest.mark.parametrize('text', [
    'yesterday', '2024-05-01T12:00Z', '2024-05-01T12:00:00+0200', '2024-5-1', '24-05-01', '2024/05/01',
    '2024-05-01T12:00:00.Z', '2024-05-01T12:00:00ZZ', '1714564800', '- 15m', '-15 m', 'now-1h', '-1.5h',
    '2024-05-01T12:00:00 Z', '٢٠٢٤-05-01',
])
def test_unknown_forms_list_the_accepted_ones(text):
    with pytest.raises(OptionError) as caught:
        parse_time(text, NOW, 'start')
    message = str(caught.value)
    assert 'start %r is not a time I understand' % text in message
    for form in ('RFC 3339', '2024-05-01', "'now'", '-15m', '-7d'):
        assert form in message


@pytest.mark.parametrize('value, kind', [(5, 'int'), (1.5, 'float'), (True, 'bool'), (None, 'NoneType'), (['now'], 'list'), ({}, 'dict')])
def test_non_strings_are_rejected_with_their_type(value, kind):
    with pytest.raises(OptionError) as caught:
        parse_time(value, NOW, 'start')
    assert 'start must be a string, not %s' % kind in str(caught.value)


@pytest.mark.parametrize('text', ['', '   ', '\n'])
def test_empty_is_rejected(text):
    with pytest.raises(OptionError, match='start is empty'):
        parse_time(text, NOW, 'start')


def test_now_must_be_a_datetime():
    with pytest.raises(TypeError):
        parse_time('now', '2024-05-01')


def test_resolve_window_resolves_both_against_one_now():
    start, end = resolve_window('-1h', 'now', NOW)
    assert end - start == timedelta(hours=1)
    assert end == NOW_MS


@pytest.mark.parametrize('start, end', [('now', '-1h'), ('2024-05-01', '2024-05-01T00:00:00Z'), ('-1h', '-1h'),
                                        ('2024-05-01T12:00:00.1231Z', '2024-05-01T12:00:00.1239Z')])
def test_resolve_window_wants_start_before_end_and_names_both(start, end):
    with pytest.raises(OptionError) as caught:
        resolve_window(start, end, NOW)
    message = str(caught.value)
    assert 'must be before end' in message
    assert repr(start) in message and repr(end) in message
    resolved_start, resolved_end = parse_time(start, NOW), parse_time(end, NOW)
    assert format_time(resolved_start) in message and format_time(resolved_end) in message
    assert 'swap them' in message


def test_resolve_window_names_the_bad_option():
    with pytest.raises(OptionError, match="^end 'tomorrow'"):
        resolve_window('-1h', 'tomorrow', NOW)
    with pytest.raises(OptionError, match="^start '\\+1h'"):
        resolve_window('+1h', 'now', NOW)


@pytest.mark.parametrize('value, expected', [
    (utc(2024, 5, 1, 12), '2024-05-01T12:00:00Z'),
    (utc(2024, 5, 1, 12, 0, 0, 250000), '2024-05-01T12:00:00.250Z'),
    (utc(2024, 5, 1, 12, 0, 0, 1000), '2024-05-01T12:00:00.001Z'),
    (utc(2024, 5, 1, 12, 0, 0, 999999), '2024-05-01T12:00:00.999Z'),
    (utc(2024, 5, 1, 12, 0, 0, 999), '2024-05-01T12:00:00Z'),
    (datetime(2024, 5, 1, 12), '2024-05-01T12:00:00Z'),
    (datetime(2024, 5, 1, 14, tzinfo=timezone(timedelta(hours=2))), '2024-05-01T12:00:00Z'),
    (utc(999, 1, 2, 3, 4, 5), '0999-01-02T03:04:05Z'),
])
def test_format_api_time(value, expected):
    assert format_api_time(value) == expected


def test_format_api_time_floors_so_the_end_never_moves_past_now():
    end = utc(2024, 5, 1, 12, 0, 0, 123999)
    assert format_api_time(end) == '2024-05-01T12:00:00.123Z'
    assert parse_time(format_api_time(end), NOW) <= end


@pytest.mark.parametrize('value, expected', [
    (utc(2024, 5, 1, 12), '2024-05-01T12:00:00.000Z'),
    (utc(2024, 5, 1, 12, 0, 0, 394999), '2024-05-01T12:00:00.394Z'),
    (datetime(2024, 5, 1, 12, 0, 0, 5000), '2024-05-01T12:00:00.005Z'),
    (datetime(2024, 5, 1, 8, tzinfo=timezone(timedelta(hours=-4))), '2024-05-01T12:00:00.000Z'),
])
def test_format_time_always_has_milliseconds(value, expected):
    assert format_time(value) == expected


def test_format_time_sorts_like_time():
    rng = random.Random(11)
    moments = [utc(2000, 1, 1) + timedelta(microseconds=rng.randrange(10 ** 15)) for dummy in range(200)]
    texts = [format_time(moment) for moment in moments]
    assert len(set(len(text) for text in texts)) == 1
    assert sorted(texts) == [format_time(moment) for moment in sorted(moments)]


def test_round_trips_through_both_formats():
    rng = random.Random(5)
    for dummy in range(200):
        moment = to_utc(utc(1990, 1, 1) + timedelta(microseconds=rng.randrange(10 ** 15)))
        assert parse_time(format_time(moment), NOW) == moment
        assert parse_time(format_api_time(moment), NOW) == moment


@pytest.mark.parametrize('value, expected', [
    ('2016-09-23T12:02:52.394Z', utc(2016, 9, 23, 12, 2, 52, 394000)),
    ('2016-09-23T14:02:52+02:00', utc(2016, 9, 23, 12, 2, 52)),
    ('2016-09-23', utc(2016, 9, 23)),
    ('2016-13-23T12:02:52Z', None),
    ('garbage', None),
    ('', None),
    (None, None),
    (1474632172, None),
    ({'time': 'x'}, None),
])
def test_parse_rfc3339_never_raises(value, expected):
    assert parse_rfc3339(value) == expected

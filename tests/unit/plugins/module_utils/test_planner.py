# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the planner: pages never beyond the result window, slices contiguous and exact, the 1 ms limit."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest

from ansible_collections.ionos.activitylog.plugins.module_utils.errors import IncompleteResultError
from ansible_collections.ionos.activitylog.plugins.module_utils.planner import MAX_SLICES, fits, page_plan, range_chunks, split_window

UTC = timezone.utc
START = datetime(2024, 5, 1, tzinfo=UTC)
WINDOW = 10000
MS = timedelta(milliseconds=1)


def check_pages(pages, total, page_size, result_window, first_page_size):
    """The pages follow the first one without gap or overlap, up to min(total, window), all within the window."""
    offset = first_page_size
    for page_offset, limit in pages:
        assert page_offset == offset
        assert 1 <= limit <= page_size
        assert page_offset + limit <= result_window
        offset += limit
    assert offset == max(first_page_size, min(total, result_window))


def check_slices(slices, start, end):
    """Contiguous, exact, non-empty, ordered."""
    assert slices[0][0] == start
    assert slices[-1][1] == end
    for (_left_start, left_end), (right_start, _right_end) in zip(slices, slices[1:]):
        assert left_end == right_start
    for slice_start, slice_end in slices:
        assert slice_start < slice_end


def expected_share(slice_, start, end, total) -> float:
    return total * (slice_[1] - slice_[0]) / (end - start)


@pytest.mark.parametrize('total, expected', [(0, True), (1, True), (9999, True), (10000, True), (10001, False), (-1, False)])
def test_fits(total, expected):
    assert fits(total, WINDOW) is expected


@pytest.mark.parametrize('total, expected', [
    (0, []),
    (50, []),
    (100, []),
    (101, [(100, 1)]),
    (350, [(100, 100), (200, 100), (300, 50)]),
    (400, [(100, 100), (200, 100), (300, 100)]),
])
def test_page_plan_small(total, expected):
    assert page_plan(total, 100, WINDOW, 100) == expected


def test_page_plan_with_a_different_first_page():
    assert page_plan(2500, 1000, WINDOW, 20) == [(20, 1000), (1020, 1000), (2020, 480)]


def test_page_plan_full_window():
    pages = page_plan(10000, 1000, WINDOW, 1000)
    assert pages[-1] == (9000, 1000)
    assert len(pages) == 9


def test_page_plan_never_passes_the_window():
    pages = page_plan(25000, 1000, WINDOW, 100)
    assert pages[-1] == (9100, 900)
    assert max(offset + limit for offset, limit in pages) == WINDOW
    check_pages(pages, 25000, 1000, WINDOW, 100)


def test_page_plan_window_not_a_multiple_of_the_page():
    pages = page_plan(1000, 300, 777, 300)
    assert pages == [(300, 300), (600, 177)]


def test_page_plan_random():
    rng = random.Random(3)
    for dummy in range(200):
        window = rng.choice([100, 777, 10000])
        page_size = rng.randint(1, 1000)
        first = rng.randint(1, 1000)
        total = rng.randint(0, 30000)
        check_pages(page_plan(total, page_size, window, first), total, page_size, window, first)


@pytest.mark.parametrize('args', [(100, 0, WINDOW, 100), (100, 100, 0, 100), (100, 100, WINDOW, 0), (100, 1.5, WINDOW, 100), (100, True, WINDOW, 100)])
def test_page_plan_rejects_nonsense(args):
    with pytest.raises(ValueError):
        page_plan(*args)


def test_split_not_needed_gives_the_window_itself():
    end = START + timedelta(days=1)
    assert split_window(START, end, 8000, WINDOW) == [(START, end)]
    assert split_window(START, end, 0, WINDOW) == [(START, end)]


def test_split_a_day_into_whole_seconds():
    end = START + timedelta(days=1)
    slices = split_window(START, end, 50000, WINDOW)
    check_slices(slices, START, end)
    assert len(slices) == 7
    assert all(expected_share(piece, START, end, 50000) <= 8000 for piece in slices)
    assert all(bound.microsecond == 0 for piece in slices for bound in piece)


def test_split_honours_the_fill_factor():
    end = START + timedelta(days=1)
    slices = split_window(START, end, 50000, WINDOW, fill=0.5)
    assert len(slices) == 10
    assert all(expected_share(piece, START, end, 50000) <= 5000 for piece in slices)
    assert len(split_window(START, end, 50000, WINDOW, fill=1)) == 5


def test_split_a_short_window_into_milliseconds():
    end = START + timedelta(seconds=3)
    slices = split_window(START, end, 100000, WINDOW)
    check_slices(slices, START, end)
    assert len(slices) >= 13
    assert any(bound.microsecond != 0 for piece in slices for bound in piece)
    assert all(bound.microsecond % 1000 == 0 for piece in slices for bound in piece)
    assert all(expected_share(piece, START, end, 100000) <= 8000 for piece in slices)


def test_split_keeps_unaligned_ends_exactly():
    start = START + timedelta(microseconds=123456)
    end = START + timedelta(hours=1, microseconds=987654)
    slices = split_window(start, end, 30000, WINDOW)
    check_slices(slices, start, end)
    inner = [piece[1] for piece in slices[:-1]]
    assert all(bound.microsecond == 0 for bound in inner)


def test_re_split_scenario():
    """Hits are not uniform: the slice the plan thought small holds 30,000; splitting it again must cover it exactly."""
    end = START + timedelta(days=1)
    slices = split_window(START, end, 20000, WINDOW)
    crowded = slices[1]
    again = split_window(crowded[0], crowded[1], 30000, WINDOW)
    check_slices(again, crowded[0], crowded[1])
    assert len(again) >= 4
    rebuilt = slices[:1] + again + slices[2:]
    check_slices(rebuilt, START, end)
    deeper = split_window(again[0][0], again[0][1], 25000, WINDOW)
    check_slices(deeper, again[0][0], again[0][1])


def test_re_splitting_a_burst_down_to_milliseconds():
    """All hits in one second: cutting keeps going down to one millisecond, which then cannot be cut."""
    piece = (START, START + timedelta(seconds=1))
    rounds = 0
    while piece[1] - piece[0] > MS:
        parts = split_window(piece[0], piece[1], 20000, WINDOW)
        check_slices(parts, piece[0], piece[1])
        assert len(parts) >= 3
        piece = parts[0]
        rounds += 1
    assert rounds <= 10
    with pytest.raises(IncompleteResultError):
        split_window(piece[0], piece[1], 20000, WINDOW)


def test_one_millisecond_holding_more_than_the_window_is_an_error():
    with pytest.raises(IncompleteResultError) as caught:
        split_window(START, START + MS, 10001, WINDOW)
    message = str(caught.value)
    assert '10001 entries within one millisecond' in message
    assert '2024-05-01T00:00:00.000Z' in message
    assert 'result window of 10000' in message
    assert 'finer than a millisecond' in message


def test_one_millisecond_within_the_window_is_kept():
    assert split_window(START, START + MS, 10000, WINDOW) == [(START, START + MS)]
    assert split_window(START, START + MS, 9000, WINDOW) == [(START, START + MS)]


def test_less_than_a_millisecond_holding_too_many_is_an_error():
    with pytest.raises(IncompleteResultError):
        split_window(START, START + timedelta(microseconds=400), 20000, WINDOW)


def test_two_milliseconds_with_a_dense_burst_split_into_milliseconds():
    slices = split_window(START, START + 2 * MS, 10 ** 6, WINDOW)
    assert slices == [(START, START + MS), (START + MS, START + 2 * MS)]


def test_an_absurd_total_is_refused_instead_of_planning_millions_of_slices():
    with pytest.raises(IncompleteResultError, match='more than %d time slices' % MAX_SLICES):
        split_window(START, START + timedelta(days=30), 10 ** 12, WINDOW)


@pytest.mark.parametrize('start, end', [(START, START), (START + MS, START)])
def test_split_rejects_an_empty_window(start, end):
    with pytest.raises(ValueError):
        split_window(start, end, 50000, WINDOW)


@pytest.mark.parametrize('fill', [0, -0.5, 1.5])
def test_split_rejects_a_bad_fill(fill):
    with pytest.raises(ValueError):
        split_window(START, START + timedelta(days=1), 50000, WINDOW, fill=fill)


def test_split_random_windows():
    rng = random.Random(17)
    for dummy in range(150):
        start = START + timedelta(microseconds=rng.randrange(10 ** 11))
        end = start + timedelta(microseconds=rng.randrange(2000, 10 ** 12))
        total = rng.randint(8001, 2000000)
        slices = split_window(start, end, total, WINDOW)
        check_slices(slices, start, end)
        millisecond_slices = all(piece[1] - piece[0] <= MS * 2 for piece in slices)
        assert millisecond_slices or all(expected_share(piece, start, end, total) <= 8000 for piece in slices)


@pytest.mark.parametrize('days, count', [(1, 1), (90, 1), (91, 2), (180, 2), (181, 3), (365, 5), (0.5, 1)])
def test_range_chunks_never_exceed_the_longest_range(days, count):
    end = START + timedelta(days=days)
    chunks = range_chunks(START, end, timedelta(days=90))
    check_slices(chunks, START, end)
    assert len(chunks) == count
    assert all(right - left <= timedelta(days=90) for left, right in chunks)
    assert all(bound.microsecond == 0 for bound, _end in chunks[1:])


def test_range_chunks_keep_odd_bounds_of_the_window():
    start, end = START + 7 * MS, START + timedelta(days=200) + 3 * MS
    chunks = range_chunks(start, end, timedelta(days=90) - timedelta(seconds=1))
    check_slices(chunks, start, end)
    assert all(right - left <= timedelta(days=90) - timedelta(seconds=1) for left, right in chunks)

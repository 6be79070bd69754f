# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the run learns from the API's answers: numbers in a 400 are hints within reason, else halving."""

from __future__ import annotations

from datetime import timedelta

from ansible_collections.ionos.activitylog.plugins.module_utils.paging import MAX_RANGE, Paging

ELASTIC = 'Result window is too large, offset + limit must be less than or equal to: [1500] but was [1600]'


def test_assumptions_cost_nothing_and_report_no_window_until_one_is_met():
    paging = Paging(100)
    assert paging.stats() == {'page_size': 100, 'paging': 'offset', 'result_window': None}
    assert paging.capacity() == 10000 and paging.max_range == MAX_RANGE and not paging.mode_known
    paging.window_met = True
    assert paging.stats()['result_window'] == 10000


def test_the_window_is_taken_from_the_message_when_it_fits_what_was_seen():
    paging = Paging(100)
    paging.answered(1400)
    paging.window_refused(1600, ELASTIC)
    assert paging.result_window == 1500 and paging.window_learned


def test_a_number_that_cannot_be_the_window_is_ignored_and_the_window_halved():
    paging = Paging(100)
    paging.answered(900)
    paging.window_refused(8000, 'offset 99999 is not allowed (code 4)')  # 99999 above the refused reach, 4 below the answered one
    assert paging.result_window == 3999
    paging.window_refused(3000, 'no')
    assert paging.result_window == 1499
    paging.window_refused(1000, 'no')
    assert paging.result_window == 900  # never below what the API has answered


def test_a_refusal_planned_before_a_smaller_window_was_learned_changes_nothing():
    paging = Paging(100, result_window=2000)
    paging.window_refused(5000, ELASTIC)
    assert paging.result_window == 2000 and not paging.window_learned


def test_page_mode_capacity_is_whole_pages_within_the_window():
    paging = Paging(60, result_window=2000)
    paging.count_pages()
    assert paging.capacity() == 1980 and paging.scheme.offset(120) == 2
    assert paging.stats()['paging'] == 'page'


def test_a_refused_limit_is_taken_from_the_message_else_halved():
    paging = Paging(100)
    paging.page_size_refused(100, "Invalid value '100' for query parameter 'limit': must be less than or equal to 30")
    assert paging.page_size == 30
    paging.page_size_refused(30, 'Bad request')
    assert paging.page_size == 15


def test_a_range_cap_is_taken_from_the_message_else_halved_down_to_an_hour():
    paging = Paging(100)
    assert paging.range_refused(timedelta(days=30), 'Maximum date range is 7 days')
    assert paging.max_range == timedelta(days=7)
    assert paging.range_refused(timedelta(days=7), 'Bad request')
    assert paging.max_range == timedelta(days=3.5)
    assert paging.range_refused(timedelta(days=30), 'x')  # planned before: just cut it
    assert paging.max_range == timedelta(days=3.5)
    assert not paging.range_refused(timedelta(minutes=30), 'Bad request')


def test_pages_of_one_hit_need_no_probe():
    assert Paging(1).mode_known
    paging = Paging(100)
    paging.cap_page_size(1)
    assert paging.mode_known

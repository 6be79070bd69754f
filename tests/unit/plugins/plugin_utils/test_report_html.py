# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of report_html: the page parsed back, its charts, self-containment and hostile entry text.

The last test opens the page in headless Chromium (when one is installed) at 420 and 1400 px and measures what a
reader sees: chart text size, timestamps on one line, bars over the whole axis, no overlapping axis labels.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import select
import shutil
import subprocess
import time
from datetime import datetime, timedelta
from html.parser import HTMLParser

import pytest

from ansible_collections.ionos.activitylog.plugins.plugin_utils.report_html import (
    CELL_MAX, CHART_IDS, COLOURS, FILL_MAX_DAYS, HOURLY_MAX_BUCKETS, STYLE, activity_timeline, bar_chart, error_timeline,
    escape, latest_writes_table, render_html, time_ticks, value_ticks,
)
from ansible_collections.ionos.activitylog.plugins.plugin_utils.summary import summarize

HOSTILE = '"><script>alert(1)</script><img src=x onerror=alert(2)></svg>&amp;'
WEEK = {'start': '2026-11-26T07:05:24.000Z', 'end': '2026-12-03T07:05:24.000Z'}  # -7d, not on the hour
VERDICT = {
    'passed': False,
    'summary': '2 of 7 policies failed over 30000 entries: allowed_users, change_windows',
    'lines': ['FAIL allowed_users: 12 offending entries in 9 requests, of 30000 checked (writes only by *@example.com)',
              'PASS forbidden_actions: 0 offending entries in 0 requests, of 30000 checked',
              'FAIL change_windows: 3 offending entries in 2 requests, of 4211 checked (the last at 2026-12-03T07:05:24.000Z)',
              'PASS max_errors: 142 errors, at most 500 allowed'],
}


class Page(HTMLParser):
    """What a browser would see: elements with their attributes, each SVG's title, the text."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.elements, self.svg_titles, self.text = [], {}, []
        self._stack = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        self._stack.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        while self._stack and self._stack.pop()[0] != tag:
            pass

    def handle_data(self, data):
        self.text.append(data)
        if len(self._stack) >= 2 and self._stack[-1][0] == 'title' and self._stack[-2][0] == 'svg':
            self.svg_titles[self._stack[-2][1].get('id')] = data

    def tags(self, name: str) -> list:
        return [attrs for tag, attrs in self.elements if tag == name]

    def joined(self) -> str:
        return ''.join(self.text)


class Chart(HTMLParser):
    """The shapes of one chart SVG, its direct rects (the bars) apart, and its texts with their attributes."""

    def __init__(self, text: str, chart_id: str):
        super().__init__(convert_charrefs=True)
        self.chart_id, self.inside, self.depth = chart_id, False, 0
        self.bars, self.texts, self._text = [], [], None
        self.svg = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == 'svg' and attrs.get('id') == self.chart_id:
            self.inside, self.depth, self.svg = True, 0, attrs
            return
        if not self.inside:
            return
        self.depth += 1
        if tag == 'rect' and self.depth == 1:
            self.bars.append(attrs)
        if tag == 'text':
            self._text = attrs

    def handle_startendtag(self, tag, attrs):
        if self.inside and tag == 'rect' and self.depth == 0:
            self.bars.append(dict(attrs))

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag == 'svg' and self.depth == 0:
            self.inside = False
            return
        self.depth -= 1

    def handle_data(self, data):
        if self.inside and self._text is not None:
            self.texts.append((self._text, data))
            self._text = None

    def labels(self, anchor: str) -> list:
        return [(attrs, data) for attrs, data in self.texts if attrs.get('text-anchor') == anchor]


class Timestamps(HTMLParser):
    """Each timestamp in the page's HTML text (charts apart), and whether it sits in a nowrap (``ts``) element."""

    PATTERN = re.compile(r'[0-9]{4}-[0-9]{2}-[0-9]{2}(?:T[0-9:.]+Z?)?')

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.found, self._stack = [], []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self._stack.append((tag, 'ts' in (dict(attrs).get('class') or '').split()))

    def handle_endtag(self, tag):
        while self._stack and self._stack.pop()[0] != tag:
            pass

    def handle_data(self, data):
        tags = [tag for tag, _nowrap in self._stack]
        if 'svg' in tags or 'title' in tags or 'style' in tags:
            return
        nowrap = any(flag for _tag, flag in self._stack)
        self.found.extend((stamp, nowrap) for stamp in self.PATTERN.findall(data))


def entry(**fields) -> dict:
    base = {'time': '2026-11-25T09:14:03.512Z', 'username': 'anna@example.com', 'event_type': 'Provision',
            'action': 'POST', 'contract_number': 31909628, 'resources': [{'type': 'server', 'id': 's', 'actions': []}],
            'error': None, 'status': 'DONE'}
    base.update(fields)
    return base


def week_of_entries(count=1400) -> list:
    """``count`` entries spread over WEEK, a few users, every 25th one failed."""
    start = datetime(2026, 11, 26, 7, 5, 24)
    step = timedelta(days=7) / count
    return [entry(time=(start + step * (number + 0.5)).strftime('%Y-%m-%dT%H:%M:%S.000Z'), username='user%d@example.com' % (number % 5),
                  status='FAILED' if number % 25 == 0 else 'DONE') for number in range(count)]


def percent(value: str) -> float:
    assert value.endswith('%'), value
    return float(value[:-1])


def test_every_chart_once_with_a_title():
    page = Page(render_html(summarize([entry(), entry(status='FAILED')]), 'Report'))
    ids = [attrs.get('id') for attrs in page.tags('svg')]
    assert sorted(ids) == sorted(CHART_IDS)
    assert page.svg_titles == {
        'chart-activity-over-time': 'Activity over time (entries per hour, UTC)', 'chart-top-users': 'Top users',
        'chart-event-types': 'Event types', 'chart-errors': 'Errors per day (UTC)',
        'chart-writes-by-resource-type': 'Write actions by resource type'}
    for attrs in page.tags('svg'):
        assert attrs['role'] == 'img'
        assert attrs['aria-labelledby'] == '%s-title %s-desc' % (attrs['id'], attrs['id'])


def test_self_contained():
    text = render_html(summarize(week_of_entries(100)), 'Report', WEEK, VERDICT)
    page = Page(text)
    assert not page.tags('script') and not page.tags('link') and not page.tags('img') and not page.tags('iframe')
    for _tag, attrs in page.elements:
        assert not {'src', 'href', 'srcset', 'action'} & set(attrs)
        assert not any(name.startswith('on') for name in attrs)
    assert set(re.findall(r'[a-z]+://[^"\s]*', text)) == {'http://www.w3.org/2000/svg'}
    assert re.findall(r'url\(([^)]*)\)', text) and all(target.startswith('#') for target in re.findall(r'url\(([^)]*)\)', text))
    assert '@import' not in text
    csp = [attrs for attrs in page.tags('meta') if attrs.get('http-equiv') == 'Content-Security-Policy']
    assert "default-src 'none'" in csp[0]['content']
    assert '@media print' in text


def test_hostile_entry_text_stays_text():
    entries = [entry(username=HOSTILE, event_type=HOSTILE, action=HOSTILE, contract_number=HOSTILE,
                     resources=[{'type': HOSTILE, 'id': HOSTILE, 'actions': ['x.create']}])]
    verdict = {'passed': HOSTILE, 'summary': HOSTILE, 'lines': ['FAIL ' + HOSTILE, HOSTILE, 42]}
    text = render_html(summarize(entries), HOSTILE, {'start': HOSTILE, 'end': HOSTILE}, verdict)
    page = Page(text)
    assert not page.tags('script') and not page.tags('img')
    assert all(not any(name.startswith('on') for name in attrs) for _tag, attrs in page.elements)
    assert sorted(attrs.get('id') for attrs in page.tags('svg')) == sorted(CHART_IDS)
    assert HOSTILE in page.text and page.text.count(HOSTILE) >= 8
    assert '<script' not in text


def test_control_characters_are_replaced():
    assert escape('a\x00b\x1bc\x7fd\te\nf') == 'a\ufffdb\ufffdc\ufffdd\te\nf'
    assert escape(None) == '' and escape(5) == '5'


def test_tables_hold_the_counts():
    text = render_html(summarize([entry(username='u%d' % (n % 12)) for n in range(1200)], top=10), 'Report')
    page = Page(text)
    assert '1,200' in page.text
    assert '(others)' in page.text
    assert len(page.tags('table')) == 8  # the ranked counts, the latest write actions, the days


def test_empty_summary_still_has_every_chart():
    page = Page(render_html(summarize([]), 'Nothing'))
    assert sorted(attrs.get('id') for attrs in page.tags('svg')) == sorted(CHART_IDS)
    assert 'No data.' in page.text and 'No entries.' in page.text


def test_long_labels_are_cut_with_the_full_text_in_a_tooltip():
    label = 'a-very-long-service-account-name@an-even-longer-domain.example.com'
    chart = bar_chart('chart-top-users', 'Top users', [(label, 3)], 'bar')
    page = Page(chart)
    assert label[:31] + '\u2026' in page.text
    assert label + ': 3' in page.text


# The time buckets

def series(buckets) -> list:
    return [(bucket.key, bucket.count) for bucket in buckets]


def test_short_span_is_charted_per_hour_with_gaps_filled():
    summary = summarize([entry(time='2026-11-25T09:00:00.000Z'), entry(time='2026-11-25T12:30:00.000Z')])
    buckets, unit = activity_timeline(summary)
    assert unit == 'hour'
    assert series(buckets) == [('2026-11-25T09:00Z', 1), ('2026-11-25T10:00Z', 0), ('2026-11-25T11:00Z', 0),
                               ('2026-11-25T12:00Z', 1)]
    assert not any(bucket.partial for bucket in buckets)  # no window: nothing is known to be partial


def test_long_span_is_charted_per_day_with_gaps_filled():
    summary = summarize([entry(time='2026-11-01T09:00:00.000Z'), entry(time='2026-11-10T12:30:00.000Z')])
    buckets, unit = activity_timeline(summary)
    assert unit == 'day'
    assert len(buckets) == 10 and series(buckets)[0] == ('2026-11-01', 1) and series(buckets)[5] == ('2026-11-06', 0)


def test_seven_day_window_is_hourly_with_the_partial_hours_marked():
    """The issue: a -7d window touches 169 hours, which drew 8 daily bars whose first and last looked like collapses."""
    buckets, unit = activity_timeline(summarize(week_of_entries()), WEEK)
    assert unit == 'hour' and len(buckets) == 169
    assert (buckets[0].key, buckets[-1].key) == ('2026-11-26T07:00Z', '2026-12-03T07:00Z')
    assert [index for index, bucket in enumerate(buckets) if bucket.partial] == [0, 168]
    assert sum(bucket.count for bucket in buckets) == 1400
    aligned, unit = activity_timeline(summarize([entry(time='2026-11-20T10:00:00.000Z')]),
                                      {'start': '2026-11-18T00:00:00.000Z', 'end': '2026-11-25T00:00:00.000Z'})
    assert unit == 'hour' and len(aligned) == 168 and not any(bucket.partial for bucket in aligned)


def test_partial_buckets_are_hatched_with_a_legend():
    page = render_html(summarize(week_of_entries()), 'R', WEEK)
    bars = Chart(page, 'chart-activity-over-time').bars
    assert len(bars) == 169
    hatched = [index for index, drawn in enumerate(bars) if drawn['fill'].startswith('url(')]
    assert hatched == [0, 168]
    assert bars[0]['fill'] == 'url(#chart-activity-over-time-partial)'
    assert 'id="chart-activity-over-time-partial"' in page
    assert 'partial hour: only part of it is in the window' in Page(page).joined()
    text = Page(page).joined()
    assert 'Hatched: partial hours. The window covers only part of the first and the last hour' in text
    assert 'Hatched: partial days. The window covers only part of the first and the last day' in text  # errors per day
    aligned = render_html(summarize([entry()]), 'R', {'start': '2026-11-25T00:00:00.000Z', 'end': '2026-11-26T00:00:00.000Z'})
    assert 'Hatched' not in Page(aligned).joined() and 'url(' not in aligned
    nothing = Page(render_html(summarize([]), 'R', WEEK)).joined()  # partial but empty hours: no hatching to explain
    assert 'Hatched' not in nothing and '169 hours from 2026-11-26T07:00Z to 2026-12-03T07:00Z, largest 0; 2 partial' in nothing


@pytest.mark.parametrize('hours, unit', [(24, 'hour'), (169, 'hour'), (HOURLY_MAX_BUCKETS, 'hour'), (HOURLY_MAX_BUCKETS + 1, 'day')])
def test_hourly_up_to_eight_days_of_hours(hours, unit):
    start = datetime(2026, 11, 1, 0, 30)
    window = {'start': start.strftime('%Y-%m-%dT%H:%M:%S.000Z'),
              'end': (start + timedelta(hours=hours - 1)).strftime('%Y-%m-%dT%H:%M:%S.000Z')}
    buckets, found = activity_timeline(summarize([entry(time='2026-11-01T05:00:00.000Z')]), window)
    assert found == unit
    assert len(buckets) == (hours if unit == 'hour' else 9)
    assert buckets[0].partial and buckets[-1].partial and not any(bucket.partial for bucket in buckets[1:-1])


def test_the_axis_is_the_window_widened_to_entries_outside_it():
    window = {'start': '2026-11-01T00:00:00.000Z', 'end': '2026-11-03T00:00:00.000Z'}
    buckets, unit = activity_timeline(summarize([entry(time='2026-11-01T05:00:00.000Z')]), window)
    assert unit == 'hour' and len(buckets) == 48 and series(buckets)[5] == ('2026-11-01T05:00Z', 1)
    late, unit = activity_timeline(summarize([entry(time='2026-11-03T01:30:00.000Z')]), window)
    assert len(late) == 50 and late[-1].key == '2026-11-03T01:00Z' and late[-1].count == 1
    assert [bucket.partial for bucket in late[-3:]] == [False, True, True]  # outside the window: not wholly covered


def test_errors_are_charted_per_day_over_the_window():
    days = error_timeline(summarize(week_of_entries()), WEEK)
    assert [bucket.key for bucket in days] == ['2026-11-%02d' % day for day in range(26, 31)] + ['2026-12-0%d' % day for day in range(1, 4)]
    assert [bucket.partial for bucket in days] == [True] + [False] * 6 + [True]
    assert sum(bucket.count for bucket in days) == 56


def test_untimed_entries_are_not_charted():
    summary = summarize([entry(time=None)])
    assert activity_timeline(summary) == ([], 'day')
    page = Page(render_html(summarize([entry(time=None), entry(time='not a time'), entry()]), 'R')).joined()
    assert '2 entries without a usable time are counted in the totals, not in this chart.' in page


def test_a_bad_time_or_window_does_not_break_the_report():
    summary = summarize([entry(time='2026-13-45T99:00:00Z'), entry(time='9999-12-31T23:59:59Z'), entry()])
    render_html(summary, 'R', {'start': '0001-01-01', 'end': '9999-12-31'})
    render_html(summary, 'R', {'start': '2026-11-25T00:00:00Z', 'end': '2026-11-24T00:00:00Z'})
    buckets, unit = activity_timeline(summary, {'start': None, 'end': 'x'})
    assert unit == 'day' and [bucket.key for bucket in buckets] == ['2026-11-25', '2026-13-45', '9999-12-31']


def test_gaps_are_not_filled_across_centuries():
    buckets, unit = activity_timeline(summarize([entry(time='0001-01-01T00:00:00.000Z'), entry(time='2026-11-25T00:00:00.000Z')]))
    assert unit == 'day' and series(buckets) == [('0001-01-01', 1), ('2026-11-25', 1)]
    assert FILL_MAX_DAYS < 5000
    page = render_html(summarize([entry(time='0001-01-01T00:00:00.000Z'), entry()]), 'R')
    labels = [data for _attrs, data in Chart(page, 'chart-activity-over-time').labels('middle')]
    assert labels == ['0001-01-01', '2026-11-25']


def test_errors_chart_spans_the_activity_days():
    summary = summarize([entry(time='2026-11-01T00:00:00.000Z'), entry(time='2026-11-03T00:00:00.000Z', status='FAILED')])
    page = Page(render_html(summary, 'Report'))
    assert '2026-11-01: 0' in page.text and '2026-11-03: 1' in page.text


# The axes

def test_bars_spread_over_the_whole_axis():
    """The issue: 8 bars of at most 40 units filled 55 % of the axis, the rest looked like missing data."""
    week = summarize(week_of_entries())
    eight_days = summarize([entry(time='2026-11-20T00:00:00.000Z'), entry(time='2026-11-27T23:00:00.000Z', status='FAILED')])
    for page, chart_id, count in ((render_html(week, 'R', WEEK), 'chart-activity-over-time', 169),
                                  (render_html(week, 'R'), 'chart-activity-over-time', 169),
                                  (render_html(week, 'R', WEEK), 'chart-errors', 8),
                                  (render_html(eight_days, 'R'), 'chart-errors', 8)):
        bars = Chart(page, chart_id).bars
        assert len(bars) == count
        lefts = [percent(drawn['x']) for drawn in bars]
        slot = 100.0 / count  # the bars fill their slots but for a small gap, from the left end to the right end
        assert lefts[0] <= 0.1 * slot and percent(bars[-1]['x']) + percent(bars[-1]['width']) >= 100 - 0.1 * slot
        assert max(right - left for left, right in zip(lefts, lefts[1:])) - min(right - left for left, right in zip(lefts, lefts[1:])) < 0.01


def test_x_axis_has_evenly_spaced_round_times():
    chart = Chart(render_html(summarize(week_of_entries()), 'R', WEEK), 'chart-activity-over-time')
    labels = chart.labels('middle')
    assert [data for _attrs, data in labels] == ['Nov 27', 'Nov 28', 'Nov 29', 'Nov 30', 'Dec 1', 'Dec 2', 'Dec 3']
    places = [percent(attrs['x']) for attrs, _data in labels]
    gaps = [right - left for left, right in zip(places, places[1:])]
    assert max(gaps) - min(gaps) < 0.01
    assert [attrs.get('class') for attrs, _data in labels] == [None, 'minor'] * 3 + [None]  # every other one on a phone


@pytest.mark.parametrize('hours, labels', [
    (6, ['10:00', '11:00', '12:00', '13:00', '14:00', '15:00', '16:00']),
    (24, ['Nov 26', '06:00', '12:00', '18:00', 'Nov 27']),
    (24 * 30, ['Nov 30', 'Dec 7', 'Dec 14', 'Dec 21']),
    (24 * 365, ['Jan 2027', 'Mar 2027', 'May 2027', 'Jul 2027', 'Sep 2027', 'Nov 2027']),
])
def test_time_ticks(hours, labels):
    start = datetime(2026, 11, 26, 10) if hours == 6 else datetime(2026, 11, 26)
    ticks = time_ticks(start, start + timedelta(hours=hours))
    assert [label for _moment, label in ticks] == labels
    gaps = {later - earlier for (earlier, _l), (later, _m) in zip(ticks, ticks[1:])}
    assert len(gaps) == 1 or hours == 24 * 365  # months differ in length


@pytest.mark.parametrize('largest, ticks', [
    (0, [0, 1, 2]), (1, [0, 1, 2]), (3, [0, 1, 2, 3]), (7, [0, 2, 4, 6, 8]), (96, [0, 20, 40, 60, 80, 100]),
    (503, [0, 200, 400, 600]), (13680, [0, 5000, 10000, 15000]),
])
def test_y_axis_has_round_values(largest, ticks):
    assert value_ticks(largest) == ticks


def test_y_axis_values_for_any_count():
    for largest in list(range(200)) + [10 ** power + offset for power in range(3, 8) for offset in (-1, 0, 1)]:
        ticks = value_ticks(largest)
        step = ticks[1]
        assert len(ticks) >= 3 and ticks[0] == 0 and ticks[-1] >= largest and (ticks[-2] < largest or len(ticks) == 3)
        assert ticks == list(range(0, ticks[-1] + 1, step)) and int(str(step)[0]) in (1, 2, 5) and set(str(step)[1:]) <= {'0'}


def test_time_charts_show_several_y_values():
    page = render_html(summarize(week_of_entries()), 'R', WEEK)
    for chart_id in ('chart-activity-over-time', 'chart-errors'):
        values = [data for _attrs, data in Chart(page, chart_id).labels('end')]
        assert len(values) >= 3 and values[0] == '0'


# Narrow screens

def test_charts_are_not_scaled_down_as_images():
    """The issue: at 420 px the charts shrank as images (a viewBox) and their 11px text became 6px."""
    page = render_html(summarize(week_of_entries(100)), 'R', WEEK)
    for attrs in Page(page).tags('svg'):
        assert 'viewBox' not in attrs and 'viewbox' not in attrs and attrs['width'] == '100%'
        assert re.fullmatch(r'[0-9]+', attrs['height'])
    size = re.search(r'svg text\{font-size:([0-9]+)px', STYLE)
    assert size and int(size.group(1)) >= 12
    assert not re.search(r'svg[^{}]*text[^{}]*\{[^}]*font-size:(?![0-9]+px)', STYLE)  # no other rule resizes chart text
    assert 'transform="scale' not in page


def test_timestamps_never_break_inside():
    """The issue: titles and cards broke inside timestamps (2026-12- / 03T07:05:24.000Z)."""
    page = render_html(summarize(week_of_entries()), 'Week 2026-11-26T07:05:24.000Z', WEEK, VERDICT)
    found = Timestamps(page).found
    assert ('2026-11-26T07:05:24.000Z', True) in found and ('2026-12-03', True) in found
    assert all(nowrap for _stamp, nowrap in found), [stamp for stamp, nowrap in found if not nowrap]
    assert '.ts{white-space:nowrap}' in STYLE
    cards = list(Page(page).tags('time'))[:2]  # the latest write actions follow, each with its time
    assert [attrs['title'] for attrs in cards] == ['2026-11-26T07:09:00.000Z', '2026-12-03T07:01:48.000Z']
    assert 'First entry (UTC)2026-11-26 07:09:00' in Page(page).joined()


# The latest write actions

class LatestTable(HTMLParser):
    """The header and the cells (text and attributes) of the latest write actions table."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.header, self.rows, self.inside, self._cell = [], [], False, None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == 'table':
            self.inside = attrs.get('class') == 'latest'
        elif self.inside and tag == 'tr':
            self.rows.append([])
        elif self.inside and tag in ('th', 'td'):
            self._cell = [tag, attrs, '']

    def handle_endtag(self, tag):
        if tag == 'table':
            self.inside = False
        elif self.inside and tag in ('th', 'td') and self._cell:
            if self._cell[0] == 'th':
                self.header.append(self._cell[2])
            else:
                self.rows[-1].append((self._cell[2], self._cell[1]))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[2] += data

    def texts(self) -> list:
        return [[text for text, _attrs in row] for row in self.rows if row]


def joined_write(moment, url, **fields):
    return entry(**dict({'time': moment, 'uri': '/cloudapi/v6/datacenters/dc/servers', 'request': {'method': 'POST', 'url': url}},
                        **fields))


def test_latest_write_actions_newest_first_without_sent_column():
    entries = [entry(time='2026-11-25T09:%02d:00.000Z' % minute, username='u%d' % minute, uri='/cloudapi/v6/x/%d' % minute)
               for minute in (3, 30, 10)] + [entry(time='2026-11-25T10:00:00.000Z', action='GET', resources=[])]
    table = LatestTable(render_html(summarize(entries, top=2), 'R'))
    assert table.header == ['Time (UTC)', 'User', 'Method', 'URI']
    assert table.texts() == [['2026-11-25 09:30:00', 'u30', 'POST', '/cloudapi/v6/x/30'],
                             ['2026-11-25 09:10:00', 'u10', 'POST', '/cloudapi/v6/x/10']]
    assert table.rows[1][0][1] == {'class': 't'}
    times = list(Page(latest_writes_table(summarize(entries, top=2))).tags('time'))
    assert [attrs['datetime'] for attrs in times] == ['2026-11-25T09:30:00.000Z', '2026-11-25T09:10:00.000Z']


def test_latest_write_actions_show_what_was_sent_only_when_joined():
    entries = [joined_write('2026-11-25T09:00:00.000Z', 'https://api.ionos.com/cloudapi/v6/datacenters/dc/servers'),
               entry(time='2026-11-25T08:00:00.000Z')]
    table = LatestTable(render_html(summarize(entries), 'R'))
    assert table.header == ['Time (UTC)', 'User', 'Method', 'URI', 'Sent']
    assert [row[-1] for row in table.texts()] == ['POST https://api.ionos.com/cloudapi/v6/datacenters/dc/servers', '\u2013']
    assert [row[-1][1]['data-label'] for row in table.rows if row] == ['Sent', 'Sent']


def test_no_write_actions():
    table = LatestTable(render_html(summarize([entry(action='GET', resources=[])]), 'R'))
    assert table.texts() == [['No write actions.']]


def test_latest_write_actions_hostile_and_long_text():
    long_uri = '/cloudapi/v6/' + HOSTILE + 'x' * 300 + '/the-end'
    writing = [{'type': 'server', 'id': 's', 'actions': ['vr.server.create']}]
    entries = [joined_write('2026-11-25T09:00:00.000Z', HOSTILE, username=HOSTILE, action=HOSTILE, uri=long_uri, resources=writing),
               entry(time=HOSTILE, username='b', action='DELETE')]
    text = render_html(summarize(entries), 'R')
    page = Page(text)
    assert not page.tags('script') and not page.tags('img') and '<script' not in text
    assert all(not any(name.startswith('on') for name in attrs) for _tag, attrs in page.elements)
    table = LatestTable(text)
    first, second = table.rows[1], table.rows[2]
    assert [cell for cell, _attrs in first[1:3]] == [HOSTILE, HOSTILE]
    uri, attrs = first[3]
    assert attrs['title'] == long_uri  # the full text in a tooltip
    assert len(uri) == CELL_MAX and uri.startswith('/cloudapi/v6/"><script>') and uri.endswith('x/the-end') and '\u2026' in uri
    assert first[4] == ('POST ' + HOSTILE, {'class': 'l', 'data-label': 'Sent'})
    assert second[0][0] == HOSTILE  # an entry time that is not one stays text


def test_latest_write_actions_fit_a_narrow_page():
    """At 40rem and below, each row is a block (time, user and method on a line, URI and sent below, labelled)."""
    narrow = STYLE.split('@media (max-width:40rem){', 1)[1].split('\n@media', 1)[0]
    assert 'table.latest,table.latest tbody,table.latest tr,table.latest td{display:block}' in narrow
    assert 'table.latest thead{display:none}' in narrow and 'content:attr(data-label)' in narrow


# The verdict

def test_verdict_at_the_top_with_every_line():
    page = render_html(summarize(week_of_entries(100)), 'R', WEEK, VERDICT)
    parsed = Page(page)
    sections = [attrs for attrs in parsed.tags('section') if 'verdict' in attrs.get('class', '')]
    assert sections == [{'class': 'verdict fail', 'aria-label': 'Compliance verdict'}]
    assert page.index('class="verdict fail"') < page.index('class="totals"') < page.index('id="chart-')
    text = parsed.joined()
    assert 'Compliance: FAILED' in text and VERDICT['summary'] in text
    for line in VERDICT['lines']:
        assert line[5:] in text
    badges = re.findall(r'<b class="(\w+)">(\w+)</b>', page)
    assert badges == [('fail', 'FAIL'), ('pass', 'PASS'), ('fail', 'FAIL'), ('pass', 'PASS')]


def test_a_passed_verdict_is_green():
    verdict = {'passed': True, 'summary': 'all 2 policies passed over 1 entry', 'lines': ['PASS a: fine', 'PASS b: fine']}
    page = render_html(summarize([entry()]), 'R', None, verdict)
    assert 'class="verdict pass"' in page and 'Compliance: passed' in Page(page).joined()
    assert '.verdict.pass{border-color:#1e7b34' in STYLE and '.verdict.fail{border-color:#b3261e' in STYLE


@pytest.mark.parametrize('verdict', [{'passed': 'yes', 'summary': 's', 'lines': 'PASS a'}, {}, ['PASS a']])
def test_a_malformed_verdict_shows_as_failed(verdict):
    page = render_html(summarize([entry()]), 'R', None, verdict)
    assert 'class="verdict fail"' in page and 'Compliance: FAILED' in Page(page).joined()


def test_no_verdict_no_block():
    page = render_html(summarize([entry()]), 'R')
    assert 'verdict' not in page.replace('.verdict', '') and 'Compliance' not in Page(page).joined()
    assert page == render_html(summarize([entry()]), 'R', None, None)


# The page as a whole

def test_window_or_entry_times_in_the_header():
    summary = summarize([entry()])
    assert 'Window: 2026-11-01 to 2026-11-02 (UTC)' in Page(render_html(summary, 'R', {'start': '2026-11-01', 'end': '2026-11-02'})).joined()
    assert 'Entries from 2026-11-25T09:14:03.512Z to 2026-11-25T09:14:03.512Z (UTC)' in Page(render_html(summary, 'R')).joined()


@pytest.mark.parametrize('top', [1, 10])
def test_same_input_same_page(top):
    entries = [entry(username='u%d' % n) for n in range(30)]
    assert render_html(summarize(entries, top=top), 'R') == render_html(summarize(entries, top=top), 'R')


def test_bars_carry_their_colour_as_an_attribute():
    """Fill attributes, not CSS classes: an SVG copied out of the page keeps its colours."""
    entries = [entry(username='u%d' % n, status='FAILED' if n % 2 else 'DONE') for n in range(15)]
    page = Page(render_html(summarize(entries, top=10), 'Report'))
    fills = {}
    chart = None
    for tag, attrs in page.elements:
        if tag == 'svg':
            chart = attrs['id']
        elif tag == 'rect':
            fills.setdefault(chart, set()).add(attrs['fill'])
    track = COLOURS['track']
    assert fills == {
        'chart-activity-over-time': {COLOURS['bar']}, 'chart-top-users': {COLOURS['bar'], COLOURS['other'], track},
        'chart-event-types': {COLOURS['bar'], track}, 'chart-errors': {COLOURS['error']},
        'chart-writes-by-resource-type': {COLOURS['write'], track}}


# In a browser

class Chromium:
    """Headless Chromium driven over --remote-debugging-pipe (it reads fd 3, writes fd 4): no websocket library."""

    def __init__(self, executable: str, profile: str):
        to_browser, self._writer = os.pipe()
        self._reader, from_browser = os.pipe()
        high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (to_browser, from_browser)]

        def wire():
            os.dup2(high[0], 3)
            os.dup2(high[1], 4)

        self.process = subprocess.Popen(  # pylint: disable=subprocess-popen-preexec-fn
            [executable, '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--hide-scrollbars',
             '--disable-background-networking', '--disable-component-update', '--disable-sync',
             '--remote-debugging-pipe', '--user-data-dir=' + profile, 'about:blank'],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, pass_fds=(3, 4), preexec_fn=wire)
        for fd in high + [to_browser, from_browser]:
            os.close(fd)
        self._buffer, self._next = b'', 0

    def call(self, method: str, params=None, session=None, timeout=60):
        self._next += 1
        message = {'id': self._next, 'method': method, 'params': params or {}}
        if session:
            message['sessionId'] = session
        os.write(self._writer, json.dumps(message).encode() + b'\0')
        deadline = time.monotonic() + timeout
        while True:
            while b'\0' not in self._buffer:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([self._reader], [], [], left)[0]:
                    raise TimeoutError('Chromium did not answer %s' % method)
                chunk = os.read(self._reader, 1 << 16)
                if not chunk:
                    raise EOFError('Chromium closed the pipe during %s' % method)
                self._buffer += chunk
            raw, self._buffer = self._buffer.split(b'\0', 1)
            reply = json.loads(raw)
            if reply.get('id') == self._next:
                if 'error' in reply:
                    raise RuntimeError('%s: %s' % (method, reply['error']))
                return reply['result']

    def evaluate(self, url: str, width: int, expression: str):
        target = self.call('Target.createTarget', {'url': 'about:blank'})['targetId']
        session = self.call('Target.attachToTarget', {'targetId': target, 'flatten': True})['sessionId']
        self.call('Emulation.setDeviceMetricsOverride', {'width': width, 'height': 1200, 'deviceScaleFactor': 1, 'mobile': False},
                  session)
        self.call('Page.navigate', {'url': url}, session)
        for _attempt in range(400):
            ready = self.call('Runtime.evaluate', {'expression': 'document.readyState', 'returnByValue': True}, session)
            if ready['result'].get('value') == 'complete':
                break
            time.sleep(0.05)
        result = self.call('Runtime.evaluate', {'expression': expression, 'returnByValue': True}, session)
        self.call('Target.closeTarget', {'targetId': target})
        return result['result']['value']

    def close(self):
        try:
            self.call('Browser.close', timeout=10)
        except (OSError, TimeoutError, EOFError, RuntimeError):
            pass
        os.close(self._writer)
        os.close(self._reader)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


MEASURE = '''JSON.stringify((() => {
  const shown = e => getComputedStyle(e).display !== 'none' && e.getClientRects().length > 0;
  const chartTexts = [...document.querySelectorAll('svg text')].filter(shown);
  const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.right, r.top, r.bottom]; };
  const axes = {};
  for (const id of ['chart-activity-over-time', 'chart-errors']) {
    axes[id] = [...document.getElementById(id).querySelectorAll('text[text-anchor=middle]')].filter(shown).map(box);
  }
  const stamps = () => {  // every timestamp in the page's text: [text, lines it takes, right end]
    const found = [], walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      if (node.parentElement.closest('svg')) continue;
      for (const match of node.data.matchAll(/[0-9]{4}-[0-9]{2}-[0-9]{2}(?:T[0-9:.]+Z?)?/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const rects = [...range.getClientRects()].filter(r => r.width > 0);
        found.push([match[0], new Set(rects.map(r => Math.round(r.top))).size, Math.max(...rects.map(r => r.right))]);
      }
    }
    return found;
  };
  const activity = document.getElementById('chart-activity-over-time');
  const bars = [...activity.querySelectorAll(':scope > rect')].map(box);
  return {
    viewport: innerWidth, scroll: document.documentElement.scrollWidth,
    content_right: box(document.body)[1] - parseFloat(getComputedStyle(document.body).paddingRight),
    chart_text_px: chartTexts.map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a),
    stamps: stamps(),
    numbers_broken: [...document.querySelectorAll('td.n, th.n')].filter(cell => {
      const range = document.createRange();
      range.selectNodeContents(cell);
      return new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top))).size > 1;
    }).map(cell => cell.textContent),
    plot: box(activity), bars: [Math.min(...bars.map(b => b[0])), Math.max(...bars.map(b => b[1]))], axes,
    verdict: box(document.querySelector('.verdict'))[2], totals: box(document.querySelector('.totals'))[2],
    latest: [...document.querySelectorAll('table.latest td')].map(box).concat([box(document.querySelector('table.latest'))]),
  };
})())'''


@pytest.mark.skipif(not (shutil.which('chromium') or shutil.which('chromium-browser') or shutil.which('google-chrome')),
                    reason='no Chromium installed')
def test_in_chromium_at_420_and_1400_px(tmp_path):
    """What the issue saw in Chromium, measured: chart text size, timestamps on one line, bars over the whole
    axis, axis labels apart, nothing wider than the screen (the latest write actions with long URIs included), the
    verdict above the totals."""
    path = tmp_path / 'report.html'
    entries = week_of_entries()
    for number, item in enumerate(entries[-10:]):  # the latest writes: long URIs, some with the request sent
        item['uri'] = '/cloudapi/v6/datacenters/%s/servers/%s' % ('1d5a0e2c-7b3f-4c1e-9a2d-%012d' % number, 'x' * 40 * number)
        item['request'] = {'method': 'POST', 'url': 'https://api.ionos.com' + item['uri'] + '?depth=1'} if number % 2 else None
    path.write_text(render_html(summarize(entries, top=10), 'Activity 2026-11-26T07:05:24.000Z', WEEK, VERDICT),
                    encoding='utf-8')
    browser = Chromium(shutil.which('chromium') or shutil.which('chromium-browser') or shutil.which('google-chrome'),
                       str(tmp_path / 'profile'))
    try:
        seen = {width: json.loads(browser.evaluate(path.as_uri(), width, MEASURE)) for width in (420, 1400)}
    finally:
        browser.close()
    for width, page in seen.items():
        assert page['viewport'] == width and page['scroll'] <= width, width  # nothing to scroll sideways
        assert min(page['chart_text_px']) >= 12, width
        inside = page['content_right'] + 0.5
        assert len(page['stamps']) >= 14 and all(lines == 1 and right <= inside for _text, lines, right in page['stamps']), \
            (width, [stamp for stamp in page['stamps'] if stamp[1] != 1 or stamp[2] > inside])
        assert page['numbers_broken'] == [], width  # 4,15 / 1 in a table cell
        left, right = page['plot'][:2]
        assert page['bars'][0] - left < 0.01 * (right - left) and right - page['bars'][1] < 0.01 * (right - left), width
        for chart_id, labels in page['axes'].items():
            assert len(labels) >= 3, (width, chart_id)
            assert all(later[0] >= earlier[1] + 4 for earlier, later in zip(labels, labels[1:])), (width, chart_id, labels)
        assert page['verdict'] < page['totals']
        assert len(page['latest']) > 40 and all(cell[1] <= inside for cell in page['latest']), width  # long URIs wrap or are cut
    heights = {width: page['plot'][3] - page['plot'][2] for width, page in seen.items()}
    assert heights[420] == heights[1400]  # drawn for the screen, not scaled down as an image

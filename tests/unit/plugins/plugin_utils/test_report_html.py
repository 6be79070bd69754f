# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of report_html: the page parsed back, its charts, self-containment and hostile entry text."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from ansible_collections.ionos.activitylog.plugins.plugin_utils.report_html import (
    CHART_IDS, COLOURS, FILL_MAX_DAYS, axis_labels, activity_timeline, bar_chart, escape, fill_days, render_html,
)
from ansible_collections.ionos.activitylog.plugins.plugin_utils.summary import summarize

HOSTILE = '"><script>alert(1)</script><img src=x onerror=alert(2)></svg>&amp;'


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


def entry(**fields) -> dict:
    base = {'time': '2026-11-25T09:14:03.512Z', 'username': 'anna@example.com', 'event_type': 'Provision',
            'action': 'POST', 'contract_number': 31909628, 'resources': [{'type': 'server', 'id': 's', 'actions': []}],
            'error': None, 'status': 'DONE'}
    base.update(fields)
    return base


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
    text = render_html(summarize([entry()]), 'Report')
    page = Page(text)
    assert not page.tags('script') and not page.tags('link') and not page.tags('img') and not page.tags('iframe')
    for _tag, attrs in page.elements:
        assert not {'src', 'href', 'srcset', 'action'} & set(attrs)
        assert not any(name.startswith('on') for name in attrs)
    assert set(re.findall(r'[a-z]+://[^"\s]*', text)) == {'http://www.w3.org/2000/svg'}
    assert 'url(' not in text and '@import' not in text
    csp = [attrs for attrs in page.tags('meta') if attrs.get('http-equiv') == 'Content-Security-Policy']
    assert "default-src 'none'" in csp[0]['content']
    assert '@media print' in text


def test_hostile_entry_text_stays_text():
    entries = [entry(username=HOSTILE, event_type=HOSTILE, action=HOSTILE, contract_number=HOSTILE,
                     resources=[{'type': HOSTILE, 'id': HOSTILE, 'actions': ['x.create']}])]
    text = render_html(summarize(entries), HOSTILE, {'start': HOSTILE, 'end': HOSTILE})
    page = Page(text)
    assert not page.tags('script') and not page.tags('img')
    assert all(not any(name.startswith('on') for name in attrs) for _tag, attrs in page.elements)
    assert sorted(attrs.get('id') for attrs in page.tags('svg')) == sorted(CHART_IDS)
    assert HOSTILE in ''.join(page.text)
    assert '<script' not in text


def test_control_characters_are_replaced():
    assert escape('a\x00b\x1bc\x7fd\te\nf') == 'a\ufffdb\ufffdc\ufffdd\te\nf'
    assert escape(None) == '' and escape(5) == '5'


def test_tables_hold_the_counts():
    text = render_html(summarize([entry(username='u%d' % (n % 12)) for n in range(1200)], top=10), 'Report')
    page = Page(text)
    assert '1,200' in page.text
    assert '(others)' in page.text
    assert len(page.tags('table')) == 7


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


def test_short_span_is_charted_per_hour_with_gaps_filled():
    summary = summarize([entry(time='2026-11-25T09:00:00.000Z'), entry(time='2026-11-25T12:30:00.000Z')])
    series, unit = activity_timeline(summary)
    assert unit == 'hour'
    assert series == [('2026-11-25T09:00Z', 1), ('2026-11-25T10:00Z', 0), ('2026-11-25T11:00Z', 0),
                      ('2026-11-25T12:00Z', 1)]


def test_long_span_is_charted_per_day_with_gaps_filled():
    summary = summarize([entry(time='2026-11-01T09:00:00.000Z'), entry(time='2026-11-10T12:30:00.000Z')])
    series, unit = activity_timeline(summary)
    assert unit == 'day'
    assert len(series) == 10 and series[0] == ('2026-11-01', 1) and series[5] == ('2026-11-06', 0)


def test_untimed_entries_are_not_charted():
    series, unit = activity_timeline(summarize([entry(time=None)]))
    assert (series, unit) == ([], 'day')


def test_gaps_are_not_filled_across_centuries():
    counts = {'0001-01-01': 1, '2026-11-25': 2}
    assert fill_days(counts, counts) == [('0001-01-01', 1), ('2026-11-25', 2)]
    assert FILL_MAX_DAYS < 5000


def test_errors_chart_spans_the_activity_days():
    summary = summarize([entry(time='2026-11-01T00:00:00.000Z'), entry(time='2026-11-03T00:00:00.000Z', status='FAILED')])
    page = Page(render_html(summary, 'Report'))
    assert '2026-11-01: 0' in page.text and '2026-11-03: 1' in page.text


def test_window_or_entry_times_in_the_header():
    summary = summarize([entry()])
    assert 'Window: 2026-11-01 to 2026-11-02 (UTC)' in Page(render_html(summary, 'R', {'start': '2026-11-01', 'end': '2026-11-02'})).text
    assert 'Entries from 2026-11-25T09:14:03.512Z to 2026-11-25T09:14:03.512Z (UTC)' in Page(render_html(summary, 'R')).text


@pytest.mark.parametrize('top', [1, 10])
def test_same_input_same_page(top):
    entries = [entry(username='u%d' % n) for n in range(30)]
    assert render_html(summarize(entries, top=top), 'R') == render_html(summarize(entries, top=top), 'R')


def testaxis_labels_never_overlap():
    assert [key for _x, _anchor, key in axis_labels(['2026-11-25', '2026-11-26'], 50, 40)] == ['2026-11-25']
    wide = axis_labels(['2026-11-%02d' % day for day in range(1, 31)], 50, 580 / 30)
    assert [(anchor, key) for _x, anchor, key in wide] == [
        ('start', '2026-11-01'), ('middle', '2026-11-16'), ('end', '2026-11-30')]
    assert axis_labels(['2026-11-25'], 50, 40) == [(50, 'start', '2026-11-25')]


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
    assert fills == {
        'chart-activity-over-time': {COLOURS['bar']}, 'chart-top-users': {COLOURS['bar'], COLOURS['other']},
        'chart-event-types': {COLOURS['bar']}, 'chart-errors': {COLOURS['error']},
        'chart-writes-by-resource-type': {COLOURS['write']}}

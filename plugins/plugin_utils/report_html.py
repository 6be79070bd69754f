# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The HTML report: one self-contained file of summary tables and inline SVG charts.

No scripts, no network: the styles are inline, the charts are SVG drawn here, and a Content-Security-Policy
meta tag forbids any other source, so a hostile string that slipped through could still not load or run
anything. Every text that comes from entries is HTML-escaped (and stripped of control characters).
The page depends only on the summary (no "generated at" stamp), so reruns rewrite nothing.
"""

from __future__ import annotations

import html
from datetime import datetime, timedelta

from ansible_collections.ionos.activitylog.plugins.plugin_utils.report_formats import RANKED_TITLES, TOTALS
from ansible_collections.ionos.activitylog.plugins.plugin_utils.summary import NONE_KEY, RANKED

CHART_IDS = (
    'chart-activity-over-time', 'chart-top-users', 'chart-event-types', 'chart-errors', 'chart-writes-by-resource-type',
)
HOURLY_MAX_HOURS = 7 * 24
FILL_MAX_DAYS = 3 * 366
HOUR_FORMAT = '%Y-%m-%dT%H:00Z'
DAY_FORMAT = '%Y-%m-%d'
LABEL_MAX = 32
COLUMN_MAX_WIDTH = 40
CHARACTER_WIDTH = 6.5  # of the 11px axis text, generously
COLOURS = {'bar': '#2f6fbf', 'error': '#c0392b', 'write': '#8e44ad', 'other': '#9aa5b8', 'axis': '#8a93a5'}
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
_CONTROL = dict.fromkeys([code for code in range(32) if code not in (9, 10, 13)] + [127], '\ufffd')

STYLE = '''
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2330;margin:2rem auto;max-width:60rem;
padding:0 1rem;line-height:1.4}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #d5dae3}
.window{color:#556}.totals{display:grid;grid-template-columns:repeat(auto-fill,minmax(11rem,1fr));gap:.6rem;padding:0}
.totals div{border:1px solid #d5dae3;border-radius:4px;padding:.5rem .7rem}
.totals dt{font-size:.8rem;color:#556}.totals dd{margin:0;font-size:1.2rem;font-weight:600;overflow-wrap:anywhere}
.totals dd.time{font-size:.8rem;padding-top:.3rem}
table{border-collapse:collapse;margin:.6rem 0;min-width:20rem}
th,td{border:1px solid #d5dae3;padding:.25rem .6rem;text-align:left;overflow-wrap:anywhere}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:1rem 0}svg{width:100%;height:auto;max-width:48rem;display:block}
svg text{font-size:11px;fill:#1d2330}.empty{fill:#556}
@media print{body{margin:0;max-width:none;font-size:10pt}h2,h3{break-after:avoid}figure,table{break-inside:avoid}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
@page{margin:15mm}
'''


def render_html(summary: dict, title: str, window=None) -> str:
    """The whole page for ``summary`` (the dict of summary.summarize); ``window`` an optional {start, end}."""
    parts = [
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
        '<meta http-equiv="Content-Security-Policy" content="%s">\n' % escape(CSP),
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        '<title>%s</title>\n<style>%s</style>\n</head>\n<body>\n' % (escape(title), STYLE),
        '<header>\n<h1>%s</h1>\n%s</header>\n' % (escape(title), _window_line(summary, window)),
        '<main>\n', _totals(summary), _charts(summary), _tables(summary), '</main>\n',
        '<footer><p class="window">Made by the ionos.activitylog collection from normalized Activity Log entries.'
        '</p></footer>\n</body>\n</html>\n',
    ]
    return ''.join(parts)


def escape(value) -> str:
    """HTML text or attribute value: quotes and markup escaped, control characters replaced."""
    text = '' if value is None else value if isinstance(value, str) else str(value)
    return html.escape(text.translate(_CONTROL), quote=True)


def _number(value) -> str:
    """Counts with thousands separators; a missing value as a dash."""
    if value is None:
        return '\u2013'
    return format(value, ',') if isinstance(value, int) and not isinstance(value, bool) else escape(value)


def _window_line(summary: dict, window) -> str:
    if window:
        return '<p class="window">Window: %s to %s (UTC)</p>\n' % (escape(window.get('start')), escape(window.get('end')))
    if summary.get('first'):
        return '<p class="window">Entries from %s to %s (UTC)</p>\n' % (escape(summary['first']), escape(summary['last']))
    return '<p class="window">No entries.</p>\n'


def _totals(summary: dict) -> str:
    cells = ''.join('<div><dt>%s</dt><dd%s>%s</dd></div>' % (
        escape(label), ' class="time"' if key in ('first', 'last') else '', _number(summary.get(key)))
        for key, label in TOTALS)
    return '<section aria-label="Totals">\n<dl class="totals">%s</dl>\n</section>\n' % cells


def _charts(summary: dict) -> str:
    timeline, unit = activity_timeline(summary)
    error_days = fill_days(summary.get('errors_by_day') or {}, summary.get('per_day') or {})
    charts = (
        column_chart('chart-activity-over-time', 'Activity over time (entries per %s, UTC)' % unit, timeline, COLOURS['bar']),
        bar_chart('chart-top-users', 'Top users', _with_others(summary, 'by_user'), COLOURS['bar']),
        bar_chart('chart-event-types', 'Event types', _with_others(summary, 'by_event_type'), COLOURS['bar']),
        column_chart('chart-errors', 'Errors per day (UTC)', error_days, COLOURS['error']),
        bar_chart('chart-writes-by-resource-type', 'Write actions by resource type',
                  _with_others(summary, 'writes_by_resource_type'), COLOURS['write']),
    )
    return '<section aria-label="Charts">\n<h2>Charts</h2>\n%s</section>\n' % ''.join(
        '<figure>%s</figure>\n' % chart for chart in charts)


def _with_others(summary: dict, name: str) -> list:
    items = list((summary.get(name) or {}).items())
    left_out = (summary.get('others') or {}).get(name) or 0
    return items + [('(others)', left_out)] if left_out else items


def activity_timeline(summary: dict):
    """Hourly counts when the entries span at most a week, else daily; gaps filled with 0 so time reads evenly."""
    hours = {key: count for key, count in (summary.get('per_hour') or {}).items() if key != NONE_KEY}
    if hours:
        first = datetime.strptime(min(hours), HOUR_FORMAT)
        span = int((datetime.strptime(max(hours), HOUR_FORMAT) - first).total_seconds() // 3600) + 1
        if span <= HOURLY_MAX_HOURS:
            every = ((first + timedelta(hours=offset)).strftime(HOUR_FORMAT) for offset in range(span))
            return [(hour, hours.get(hour, 0)) for hour in every], 'hour'
    days = summary.get('per_day') or {}
    return fill_days(days, days), 'day'


def fill_days(counts: dict, span: dict) -> list:
    """``counts`` for every day from the first to the last day of ``span``, 0 where absent.

    Gaps are not filled past FILL_MAX_DAYS (a stray date in year 1 must not draw a million bars).
    """
    days = sorted(day for day in span if day != NONE_KEY)
    if not days:
        return []
    first = datetime.strptime(days[0], DAY_FORMAT)
    span_days = (datetime.strptime(days[-1], DAY_FORMAT) - first).days + 1
    if span_days > FILL_MAX_DAYS:
        return [(day, counts.get(day, 0)) for day in days]
    every = ((first + timedelta(days=offset)).strftime(DAY_FORMAT) for offset in range(span_days))
    return [(day, counts.get(day, 0)) for day in every]


def _svg_open(chart_id: str, title: str, width: int, height: int, description: str) -> str:
    return ('<svg id="{id}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" '
            'aria-labelledby="{id}-title {id}-desc"><title id="{id}-title">{t}</title>'
            '<desc id="{id}-desc">{d}</desc>').format(id=chart_id, w=width, h=height, t=escape(title), d=escape(description))


def _empty_chart(chart_id: str, title: str) -> str:
    return _svg_open(chart_id, title, 640, 60, 'No data.') + (
        '<text x="8" y="20" font-weight="600">%s</text><text class="empty" x="8" y="44">No data.</text></svg>'
        % escape(title))


def bar_chart(chart_id: str, title: str, items: list, colour: str) -> str:
    """Horizontal bars, one per (label, count), labels cut to LABEL_MAX characters (the full text in a tooltip)."""
    if not items:
        return _empty_chart(chart_id, title)
    row, label_width, bar_width = 22, 210, 330
    largest = max(count for _label, count in items) or 1
    height = 30 + row * len(items)
    description = '; '.join('%s: %s' % (label, count) for label, count in items)
    parts = [_svg_open(chart_id, title, 640, height, description),
             '<text x="0" y="16" font-weight="600">%s</text>' % escape(title)]
    for index, (label, count) in enumerate(items):
        top = 28 + index * row
        width = max(1, round(bar_width * count / largest)) if count else 0
        fill = COLOURS['other'] if label == '(others)' else colour
        parts.append(
            '<g><title>{full}: {n}</title><text x="{lx}" y="{ty}" text-anchor="end">{short}</text>'
            '<rect fill="{c}" x="{bx}" y="{y}" width="{w}" height="{bh}"/><text x="{vx}" y="{ty}">{n}</text></g>'.format(
                full=escape(label), short=escape(_cut(label)), n=format(count, ','), lx=label_width - 6, ty=top + 12,
                c=fill, bx=label_width, y=top, w=width, bh=row - 6, vx=label_width + width + 4))
    parts.append('</svg>')
    return ''.join(parts)


def column_chart(chart_id: str, title: str, series: list, colour: str) -> str:
    """Vertical bars over time, (key, count) in order; the axis names the first, middle and last key."""
    if not series:
        return _empty_chart(chart_id, title)
    left, plot_width, plot_height, top = 50, 580, 160, 28
    largest = max(count for _key, count in series) or 1
    step = min(plot_width / len(series), COLUMN_MAX_WIDTH)
    description = '%d points from %s to %s, largest %s' % (len(series), series[0][0], series[-1][0], largest)
    parts = [_svg_open(chart_id, title, 640, top + plot_height + 40, description),
             '<text x="0" y="16" font-weight="600">%s</text>' % escape(title),
             '<line stroke="{c}" x1="{l}" y1="{b}" x2="{r}" y2="{b}"/>'.format(
                 c=COLOURS['axis'], l=left, b=top + plot_height, r=left + plot_width),
             '<text x="{x}" y="{y}" text-anchor="end">{n}</text>'.format(x=left - 4, y=top + 10, n=format(largest, ',')),
             '<text x="{x}" y="{y}" text-anchor="end">0</text>'.format(x=left - 4, y=top + plot_height)]
    for index, (key, count) in enumerate(series):
        height = plot_height * count / largest
        parts.append('<rect fill="{c}" x="{x:.2f}" y="{y:.2f}" width="{w:.2f}" height="{h:.2f}"><title>{k}: {n}</title></rect>'.format(
            c=colour, x=left + index * step, y=top + plot_height - height, w=max(step * 0.8, 0.5), h=height,
            k=escape(key), n=format(count, ',')))
    for x, anchor, key in axis_labels([key for key, _count in series], left, step):
        parts.append('<text x="{x:.2f}" y="{y}" text-anchor="{a}">{k}</text>'.format(
            x=x, y=top + plot_height + 16, a=anchor, k=escape(key)))
    parts.append('</svg>')
    return ''.join(parts)


def axis_labels(keys: list, left: float, step: float) -> list:
    """(x, anchor, key) for the first, middle and last key, leaving out any that would overlap the one before."""
    labels, right_end = [], None
    for index in sorted({0, len(keys) // 2, len(keys) - 1}):
        anchor = 'start' if index == 0 else 'end' if index == len(keys) - 1 else 'middle'
        x = left + index * step + {'start': 0, 'middle': step / 2, 'end': step}[anchor]
        width = len(keys[index]) * CHARACTER_WIDTH
        start = {'start': x, 'middle': x - width / 2, 'end': x - width}[anchor]
        if right_end is None or start > right_end + CHARACTER_WIDTH:
            labels.append((x, anchor, keys[index]))
            right_end = start + width
    return labels


def _cut(label) -> str:
    text = label if isinstance(label, str) else str(label)
    return text if len(text) <= LABEL_MAX else text[:LABEL_MAX - 1] + '\u2026'


def _tables(summary: dict) -> str:
    parts = ['<section aria-label="Tables">\n<h2>Tables</h2>\n']
    for name in RANKED:
        heading, column = RANKED_TITLES[name]
        parts.append(_table(heading, (column, 'Entries'), _with_others(summary, name)))
    errors = summary.get('errors_by_day') or {}
    days = [(day, count, errors.get(day, 0)) for day, count in (summary.get('per_day') or {}).items()]
    parts.append(_table('Activity per day (UTC)', ('Day', 'Entries', 'Errors'), days))
    parts.append('</section>\n')
    return ''.join(parts)


def _table(caption: str, header: tuple, rows: list) -> str:
    head = '<tr><th scope="col">%s</th>%s</tr>' % (
        escape(header[0]), ''.join('<th scope="col" class="n">%s</th>' % escape(name) for name in header[1:]))
    if not rows:
        body = '<tr><td colspan="%d">No entries.</td></tr>' % len(header)
    else:
        body = ''.join('<tr><td>%s</td>%s</tr>' % (escape(row[0]), ''.join('<td class="n">%s</td>' % _number(cell) for cell in row[1:]))
                       for row in rows)
    return '<h3>%s</h3>\n<table><thead>%s</thead><tbody>%s</tbody></table>\n' % (escape(caption), head, body)

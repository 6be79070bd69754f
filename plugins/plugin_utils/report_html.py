# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The HTML report: one self-contained file of summary tables and inline SVG charts.

No scripts, no network: the styles are inline, the charts are SVG drawn here, and a Content-Security-Policy
meta tag forbids any other source, so a hostile string that slipped through could still not load or run
anything. Every text that comes from entries is HTML-escaped (and stripped of control characters).
The page depends only on the summary (no "generated at" stamp), so reruns rewrite nothing.

The charts are not images scaled to the page: each SVG is as wide as the page (positions in percent) and as
high as its content in CSS pixels, with no viewBox, so its text keeps its 12px on a phone and its bars spread
over the whole width. Timestamps sit in ``white-space: nowrap`` spans, so a narrow page wraps lines between
them, never inside one.
"""

from __future__ import annotations

import html
import re
from collections import namedtuple
from datetime import datetime, timedelta

from ansible_collections.ionos.activitylog.plugins.plugin_utils.report_formats import RANKED_TITLES, TOTALS, latest_write_rows
from ansible_collections.ionos.activitylog.plugins.plugin_utils.summary import NONE_KEY, RANKED

CHART_IDS = (
    'chart-activity-over-time', 'chart-top-users', 'chart-event-types', 'chart-errors', 'chart-writes-by-resource-type',
)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
# Hourly bars up to 8 days of hour buckets: a 7-day window that does not start on the hour touches 169 hours.
HOURLY_MAX_BUCKETS = 8 * 24
FILL_MAX_DAYS = 3 * 366
MAX_TIME_TICKS = 8
LABEL_MAX = 32
CELL_MAX = 120  # a longer URI or URL in the latest write actions is cut in the middle, the full text in a tooltip
PLOT_TOP, PLOT_HEIGHT = 8, 180
BAR_ROW, BAR_HEIGHT = 36, 10
COLOURS = {'bar': '#2f6fbf', 'error': '#c0392b', 'write': '#8e44ad', 'other': '#9aa5b8', 'axis': '#8a93a5',
           'grid': '#e3e7ee', 'track': '#eef1f5'}
MONTHS = ('Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec')
# The finest of these steps that gives at most MAX_TIME_TICKS labels is used; (kind, size).
TICK_STEPS = (('hour', 1), ('hour', 2), ('hour', 3), ('hour', 6), ('hour', 12), ('day', 1), ('day', 2), ('week', 1),
              ('week', 2), ('month', 1), ('month', 2), ('month', 3), ('month', 6), ('year', 1))
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
_CONTROL = dict.fromkeys([code for code in range(32) if code not in (9, 10, 13)] + [127], '\ufffd')
# A date or a date and time, as the entries, the window and the hour keys write them: kept on one line.
_TIMESTAMP = re.compile(r'\b[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?')
_MOMENT = re.compile(r'([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]+))?)?)?'
                     r'(Z|[+-][0-9]{2}:?[0-9]{2})?\Z')
_ENTRY_TIME = re.compile(r'[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?Z\Z')

Bucket = namedtuple('Bucket', ('key', 'count', 'partial', 'start'))
Bucket.__doc__ = """One bar of a time chart: its key (hour or day), count, whether the window covers only part of it, and
its start (a naive UTC datetime; None when the bars are only the days present, too far apart to fill)."""

STYLE = '''
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2330;margin:2rem auto;max-width:60rem;
padding:0 1rem;line-height:1.4}
h1{font-size:1.6rem;margin-bottom:.2rem;overflow-wrap:anywhere}
h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #d5dae3}
.ts{white-space:nowrap}
.window{color:#556;overflow-wrap:anywhere}
.verdict{border:1px solid;border-left-width:.45rem;border-radius:4px;padding:.7rem 1rem;margin:1.2rem 0}
.verdict.pass{border-color:#1e7b34;background:#eaf6ed}.verdict.fail{border-color:#b3261e;background:#fdeceb}
.verdict h2{margin:0;border:0;font-size:1.35rem}.verdict.pass h2{color:#1e7b34}.verdict.fail h2{color:#b3261e}
.verdict p{margin:.2rem 0 .6rem;overflow-wrap:anywhere}
.verdict ul{list-style:none;margin:0;padding:0}
.verdict li{display:flex;gap:.6rem;align-items:baseline;margin:.3rem 0}.verdict li span{overflow-wrap:anywhere;min-width:0}
.verdict li b{flex:none;width:3rem;text-align:center;font-size:.75rem;border-radius:3px;color:#fff;padding:.05rem 0}
.verdict li b.pass{background:#1e7b34}.verdict li b.fail{background:#b3261e}.verdict li b.other{background:#556}
.totals{display:grid;grid-template-columns:repeat(auto-fill,minmax(11rem,1fr));gap:.6rem;padding:0}
.totals div{border:1px solid #d5dae3;border-radius:4px;padding:.5rem .7rem}
.totals dt{font-size:.8rem;color:#556}.totals dd{margin:0;font-size:1.2rem;font-weight:600;overflow-wrap:anywhere}
.totals dd.time{font-size:.85rem;padding-top:.3rem}
table{border-collapse:collapse;margin:.6rem 0;min-width:20rem}
th,td{border:1px solid #d5dae3;padding:.25rem .6rem;text-align:left;overflow-wrap:anywhere}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap;overflow-wrap:normal}
table.latest{width:100%;min-width:0;font-size:.9rem}table.latest td.t{font-variant-numeric:tabular-nums;white-space:nowrap}
table.latest .m{white-space:nowrap;overflow-wrap:normal}table.latest td.u{min-width:11rem}table.latest td{vertical-align:top}
figure{margin:1.6rem 0}figcaption{font-weight:600;margin-bottom:.5rem}
svg.chart{display:block;width:100%;overflow:visible}
svg text{font-size:13px;fill:#1d2330;font-variant-numeric:tabular-nums}svg text.empty{fill:#556}
.time .plot{padding:0 1.6rem 0 3.6rem}.bars .plot{max-width:44rem}
.legend{font-size:.85rem;color:#556;margin:.5rem 0 0 3.6rem}
.swatch{display:inline-block;width:1.6em;height:.9em;vertical-align:-.1em;margin-right:.4em;border:1px solid}
@media (max-width:40rem){body{margin:1rem auto}h1{font-size:1.3rem}svg text.minor{display:none}.time .plot{padding-left:3.2rem}
.legend{margin-left:0}
table.latest,table.latest tbody,table.latest tr,table.latest td{display:block}table.latest thead{display:none}
table.latest tr{border:1px solid #d5dae3;border-radius:4px;margin:.5rem 0;padding:.35rem .6rem}
table.latest td{border:0;padding:.1rem 0;min-width:0}table.latest td.t,table.latest td.u,table.latest td.m{display:inline;padding-right:.7rem}
table.latest td.t{white-space:normal}table.latest td.m{font-weight:600}
table.latest td.l::before{content:attr(data-label) ": ";color:#556}}
@media print{body{margin:0;max-width:none;font-size:10pt}h2,h3{break-after:avoid}figure,table,.verdict{break-inside:avoid}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
@page{margin:15mm}
'''


def render_html(summary: dict, title: str, window=None, verdict=None) -> str:
    """The whole page for ``summary`` (the dict of summary.summarize).

    ``window`` is an optional {start, end} (the window read, end exclusive): the time charts then span it, and
    mark the hours or days it covers only in part. ``verdict`` is an optional compliance verdict
    ({passed, summary, lines}), shown at the top.
    """
    parts = [
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
        '<meta http-equiv="Content-Security-Policy" content="%s">\n' % escape(CSP),
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        '<title>%s</title>\n<style>%s</style>\n</head>\n<body>\n' % (escape(title), STYLE),
        '<header>\n<h1>%s</h1>\n%s</header>\n' % (text_html(title), _window_line(summary, window)),
        '<main>\n', verdict_html(verdict), _totals(summary), _charts(summary, window), _tables(summary), '</main>\n',
        '<footer><p class="window">Made by the ionos.activitylog collection from normalized Activity Log entries.'
        '</p></footer>\n</body>\n</html>\n',
    ]
    return ''.join(parts)


def escape(value) -> str:
    """HTML text or attribute value: quotes and markup escaped, control characters replaced."""
    text = '' if value is None else value if isinstance(value, str) else str(value)
    return html.escape(text.translate(_CONTROL), quote=True)


def text_html(value) -> str:
    """HTML text (never an attribute): escaped, each timestamp in it kept on one line by a nowrap span."""
    return _TIMESTAMP.sub(lambda match: '<span class="ts">%s</span>' % match.group(0), escape(value))


def _number(value) -> str:
    """Counts with thousands separators; a missing value as a dash."""
    if value is None:
        return '\u2013'
    return format(value, ',') if isinstance(value, int) and not isinstance(value, bool) else text_html(value)


def _window_line(summary: dict, window) -> str:
    if window:
        return '<p class="window">Window: %s to %s (UTC)</p>\n' % (text_html(window.get('start')), text_html(window.get('end')))
    if summary.get('first'):
        return '<p class="window">Entries from %s to %s (UTC)</p>\n' % (text_html(summary['first']), text_html(summary['last']))
    return '<p class="window">No entries.</p>\n'


def verdict_html(verdict) -> str:
    """The compliance verdict block: pass or fail, its summary, one line per policy; '' without a verdict.

    Anything but ``passed: true`` shows as failed (fail closed); every text is escaped.
    """
    if verdict is None:
        return ''
    verdict = verdict if isinstance(verdict, dict) else {}
    passed = verdict.get('passed') is True
    outcome = 'pass' if passed else 'fail'
    lines = verdict.get('lines')
    items = []
    for line in lines if isinstance(lines, (list, tuple)) else ():
        line = line if isinstance(line, str) else str(line)
        word, _space, rest = line.partition(' ')
        if word in ('PASS', 'FAIL'):
            items.append('<li><b class="%s">%s</b><span>%s</span></li>' % (word.lower(), word, text_html(rest)))
        else:
            items.append('<li><b class="other">\u2013</b><span>%s</span></li>' % text_html(line))
    return ('<section class="verdict {o}" aria-label="Compliance verdict">\n<h2>Compliance: {word}</h2>\n'
            '<p>{summary}</p>\n<ul>{items}</ul>\n</section>\n').format(
                o=outcome, word='passed' if passed else 'FAILED', summary=text_html(verdict.get('summary')),
                items=''.join(items))


def _totals(summary: dict) -> str:
    cells = ''.join('<div><dt>%s</dt>%s</div>' % (
        escape(label), _time_cell(summary.get(key)) if key in ('first', 'last') else '<dd>%s</dd>' % _number(summary.get(key)))
        for key, label in TOTALS)
    return '<section aria-label="Totals">\n<dl class="totals">%s</dl>\n</section>\n' % cells


def _time_cell(value) -> str:
    """A first or last entry time in a card: ``2026-12-03 07:05:24``, the exact value as its tooltip.

    The day and the time are each kept on one line; a narrow card puts the time under the day.
    """
    if isinstance(value, str) and _ENTRY_TIME.match(value):
        return '<dd class="time"><time datetime="{v}" title="{v}"><span class="ts">{day}</span> <span class="ts">{time}</span>' \
            '</time></dd>'.format(v=escape(value), day=escape(value[:10]), time=escape(value[11:19]))
    return '<dd class="time">%s</dd>' % _number(value)


def _charts(summary: dict, window) -> str:
    timeline, unit = activity_timeline(summary, window)
    charts = (
        _time_figure('chart-activity-over-time', 'Activity over time (entries per %s, UTC)' % unit, timeline, unit,
                     COLOURS['bar'], _uncharted_note(summary, timeline)),
        _figure(bar_chart('chart-top-users', 'Top users', _with_others(summary, 'by_user'), COLOURS['bar']), 'Top users'),
        _figure(bar_chart('chart-event-types', 'Event types', _with_others(summary, 'by_event_type'), COLOURS['bar']),
                'Event types'),
        _time_figure('chart-errors', 'Errors per day (UTC)', error_timeline(summary, window), 'day', COLOURS['error']),
        _figure(bar_chart('chart-writes-by-resource-type', 'Write actions by resource type',
                          _with_others(summary, 'writes_by_resource_type'), COLOURS['write']), 'Write actions by resource type'),
    )
    return '<section aria-label="Charts">\n<h2>Charts</h2>\n%s</section>\n' % ''.join(charts)


def _figure(svg: str, caption: str, kind: str = 'bars', notes: str = '') -> str:
    return '<figure class="%s"><figcaption>%s</figcaption><div class="plot">%s</div>%s</figure>\n' % (
        kind, escape(caption), svg, notes)


def _time_figure(chart_id: str, caption: str, buckets: list, unit: str, colour: str, note: str = '') -> str:
    """A time chart with room for its axes, the legend of its partial bars and ``note``."""
    return _figure(column_chart(chart_id, caption, buckets, unit, colour), caption, 'time',
                   partial_legend(buckets, unit, colour) + note)


def _uncharted_note(summary: dict, timeline: list) -> str:
    """Says how many entries the activity chart leaves out (those without a usable time); '' when none."""
    total = sum(count for count in (summary.get('per_hour') or {}).values() if isinstance(count, int))
    left_out = total - sum(bucket.count for bucket in timeline)
    if left_out <= 0:
        return ''
    return '<p class="legend">%s without a usable time %s counted in the totals, not in this chart.</p>' % (
        '1 entry' if left_out == 1 else '%s entries' % format(left_out, ','), 'is' if left_out == 1 else 'are')


def partial_legend(buckets: list, unit: str, colour: str) -> str:
    """The note under a time chart that has partial bars: what the hatching means; '' when no partial bar shows."""
    partial = [index for index, bucket in enumerate(buckets) if bucket.partial]
    if not any(buckets[index].count for index in partial):
        return ''
    last = len(buckets) - 1
    which = {(0, last): 'the first and the last %s' % unit, (0,): 'the first %s' % unit, (last,): 'the last %s' % unit}.get(tuple(partial))
    if which:
        meaning = 'partial {u}s. The window covers only part of {w}, so {them} count fewer entries than a whole {u} would'.format(
            u=unit, w=which, them='it may' if len(partial) == 1 else 'they may')
    else:
        meaning = '{u}s the window does not wholly cover, so they may count fewer entries than a whole {u} would'.format(u=unit)
    return ('<p class="legend"><span class="swatch" style="border-color:{c};background:repeating-linear-gradient('
            '45deg,{c} 0 2px,transparent 2px 5px)"></span>Hatched: {m}.</p>').format(c=colour, m=meaning)


def _with_others(summary: dict, name: str) -> list:
    items = list((summary.get(name) or {}).items())
    left_out = (summary.get('others') or {}).get(name) or 0
    return items + [('(others)', left_out)] if left_out else items


def activity_timeline(summary: dict, window=None):
    """``(buckets, unit)`` of the activity chart: a Bucket per hour (unit ``hour``) or per day (``day``).

    The chart spans the window when one is given (widened to any entry outside it), else the hours of the first
    and last entries. It is hourly while that takes at most HOURLY_MAX_BUCKETS hour buckets (8 days: a 7-day
    window not on the hour takes 169), else daily. Every bucket of the span is there, 0 where nothing happened,
    and one the window covers only in part (the first and last, unless the window starts and ends on the hour
    or day) is ``partial``. Days more than FILL_MAX_DAYS apart are not filled: only the days present are given,
    without starts (a stray date in year 1 must not draw a million bars).
    """
    return _timeline(summary, window, summary.get('per_day') or {}, summary.get('per_hour') or {})


def error_timeline(summary: dict, window=None) -> list:
    """The Buckets of the errors chart: errors per day, over the same span as the activity chart."""
    return _timeline(summary, window, summary.get('errors_by_day') or {})[0]


def _timeline(summary: dict, window, day_counts: dict, hour_counts=None):
    try:
        extent = _extent(summary.get('per_hour') or {}, window)
        if extent is None:
            return [], 'day'
        start, end, covered = extent
        if hour_counts is not None:
            first, last = _floor(start, HOUR), _ceil(end, HOUR)
            if (last - first) // HOUR <= HOURLY_MAX_BUCKETS:
                return _filled(hour_counts, _hour_key, HOUR, first, last, covered), 'hour'
        first, last = _floor(start, DAY), _ceil(end, DAY)
        if (last - first) // DAY <= FILL_MAX_DAYS:
            return _filled(day_counts, _day_key, DAY, first, last, covered), 'day'
    except OverflowError:  # a time at the end of year 9999
        pass
    days = sorted(day for day in summary.get('per_day') or {} if day != NONE_KEY)
    return [Bucket(day, day_counts.get(day, 0), False, None) for day in days], 'day'


def _extent(hours: dict, window):
    """``(start, end, covered)``: the span to chart (end exclusive) and the window's (start, end), or None without one."""
    starts = sorted(moment for moment in (parse_time(key) for key in hours if key != NONE_KEY) if moment is not None)
    covered = window_range(window)
    lows = starts[:1] + ([covered[0]] if covered else [])
    highs = ([starts[-1] + HOUR] if starts else []) + ([covered[1]] if covered else [])
    if not lows:
        return None
    return min(lows), max(highs), covered


def window_range(window):
    """The window's (start, end) as naive UTC datetimes; None unless both parse and start comes before end."""
    if not isinstance(window, dict):
        return None
    start, end = parse_time(window.get('start')), parse_time(window.get('end'))
    return (start, end) if start is not None and end is not None and start < end else None


def parse_time(value):
    """A naive UTC datetime of ``2026-11-25``, ``2026-11-25T09:00Z``, ``2026-11-25T09:14:03.512Z`` or with an offset; else None."""
    match = _MOMENT.match(value) if isinstance(value, str) else None
    if not match:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        moment = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0),
                          int((fraction or '0')[:6].ljust(6, '0')))
        if zone and zone != 'Z':
            sign = -1 if zone[0] == '+' else 1
            moment += sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[-2:]))
    except (ValueError, OverflowError):
        return None
    return moment


def _floor(moment: datetime, step: timedelta) -> datetime:
    moment = moment.replace(minute=0, second=0, microsecond=0)
    return moment.replace(hour=0) if step == DAY else moment


def _ceil(moment: datetime, step: timedelta) -> datetime:
    floor = _floor(moment, step)
    return floor if floor == moment else floor + step


def _hour_key(moment: datetime) -> str:
    return '%04d-%02d-%02dT%02d:00Z' % (moment.year, moment.month, moment.day, moment.hour)


def _day_key(moment: datetime) -> str:
    return '%04d-%02d-%02d' % (moment.year, moment.month, moment.day)


def _filled(counts: dict, key, step: timedelta, first: datetime, last: datetime, covered) -> list:
    buckets, moment = [], first
    while moment < last:
        following = moment + step
        partial = covered is not None and not (covered[0] <= moment and following <= covered[1])
        buckets.append(Bucket(key(moment), counts.get(key(moment), 0), partial, moment))
        moment = following
    return buckets


def time_ticks(start: datetime, end: datetime) -> list:
    """``(moment, label)`` of evenly spaced round times from ``start`` to ``end``, both included: the finest step
    of TICK_STEPS that gives at most MAX_TIME_TICKS (midnights, every 6 hours, Mondays, first days of months...)."""
    for kind, size in TICK_STEPS:
        moments = []
        for moment in _round_times(start, end, kind, size):
            moments.append(moment)
            if len(moments) > MAX_TIME_TICKS:
                break
        else:
            return [(moment, _tick_label(moment, kind)) for moment in moments]
    return []


def _round_times(start: datetime, end: datetime, kind: str, size: int):
    """The round times of one step from ``start`` to ``end``: hours divisible by ``size``, every ``size``-th day,
    Monday or first day of a month, or New Year's days of years divisible by ``size``."""
    if kind == 'hour':
        moment = _ceil(start, HOUR)
        while moment <= end:
            if moment.hour % size == 0:
                yield moment
            moment += HOUR
        return
    moment = _ceil(start, DAY)
    while moment <= end:
        if _is_round_day(moment, kind, size):
            yield moment
        moment += DAY


def _is_round_day(moment: datetime, kind: str, size: int) -> bool:
    if kind == 'day':
        return moment.toordinal() % size == 0
    if kind == 'week':
        return moment.weekday() == 0 and (moment.toordinal() // 7) % size == 0
    if kind == 'month':
        return moment.day == 1 and (moment.month - 1) % size == 0
    return moment.day == 1 and moment.month == 1 and moment.year % size == 0


def _tick_label(moment: datetime, kind: str) -> str:
    if kind == 'hour' and moment.hour:
        return '%02d:00' % moment.hour
    if kind in ('hour', 'day', 'week'):
        return '%s %d' % (MONTHS[moment.month - 1], moment.day)
    if kind == 'month':
        return '%s %d' % (MONTHS[moment.month - 1], moment.year)
    return str(moment.year)


def value_ticks(largest: int) -> list:
    """Round values from 0 up to ``largest`` or just past it: steps of 1, 2 or 5 times a power of ten, 3 to 6 values."""
    wanted, magnitude, step = largest / 5.0, 1, None
    while step is None:
        for factor in (1, 2, 5):
            if factor * magnitude >= wanted:
                step = factor * magnitude
                break
        magnitude *= 10
    top = max(-(-largest // step) * step, 2 * step)
    return list(range(0, top + 1, step))


def _svg_open(chart_id: str, title: str, height: int, description: str) -> str:
    return ('<svg id="{id}" class="chart" xmlns="http://www.w3.org/2000/svg" width="100%" height="{h}" role="img" '
            'aria-labelledby="{id}-title {id}-desc"><title id="{id}-title">{t}</title>'
            '<desc id="{id}-desc">{d}</desc>').format(id=chart_id, h=height, t=escape(title), d=escape(description))


def _empty_chart(chart_id: str, title: str) -> str:
    return _svg_open(chart_id, title, 24, 'No data.') + '<text class="empty" x="0" y="16">No data.</text></svg>'


def bar_chart(chart_id: str, title: str, items: list, colour: str) -> str:
    """One row per (label, count): the label and the count on a line, a bar under them; labels cut to LABEL_MAX
    characters (the full text in a tooltip). Stacked this way the rows fit a phone as well as a wide screen."""
    if not items:
        return _empty_chart(chart_id, title)
    largest = max(count for _label, count in items) or 1
    description = '; '.join('%s: %s' % (label, count) for label, count in items)
    parts = [_svg_open(chart_id, title, BAR_ROW * len(items), description)]
    for index, (label, count) in enumerate(items):
        top = index * BAR_ROW
        share = max(100.0 * count / largest, 0.4) if count else 0
        parts.append(
            '<g><title>{full}: {n}</title><text x="0" y="{ty}">{short}</text><text x="100%" y="{ty}" text-anchor="end">{n}</text>'
            '<rect fill="{track}" x="0" y="{by}" width="100%" height="{bh}"/>'
            '<rect fill="{c}" x="0" y="{by}" width="{w:.2f}%" height="{bh}"/></g>'.format(
                full=escape(label), short=escape(_cut(label)), n=format(count, ','), ty=top + 14, track=COLOURS['track'],
                c=COLOURS['other'] if label == '(others)' else colour, by=top + 19, w=share, bh=BAR_HEIGHT))
    parts.append('</svg>')
    return ''.join(parts)


def column_chart(chart_id: str, title: str, buckets: list, unit: str, colour: str) -> str:
    """Vertical bars over time, one per Bucket, side by side over the whole width; round values on the y axis,
    evenly spaced round times on the x axis; partial buckets hatched (see partial_legend)."""
    if not buckets:
        return _empty_chart(chart_id, title)
    count = len(buckets)
    largest = max(bucket.count for bucket in buckets)
    values = value_ticks(largest)
    bottom = PLOT_TOP + PLOT_HEIGHT
    partial = sum(1 for bucket in buckets if bucket.partial)
    description = '%d %ss from %s to %s, largest %s%s' % (
        count, unit, buckets[0].key, buckets[-1].key, format(largest, ','),
        '; %d partial (only part of the %s is in the window)' % (partial, unit) if partial else '')
    parts = [_svg_open(chart_id, title, bottom + 26, description)]
    if partial:
        parts.append('<defs><pattern id="{id}-partial" width="5" height="5" patternUnits="userSpaceOnUse" '
                     'patternTransform="rotate(45)"><rect fill="{c}" width="2" height="5"/></pattern></defs>'.format(id=chart_id, c=colour))
    for value in values:
        y = bottom - PLOT_HEIGHT * value / values[-1]
        parts.append('<line stroke="{g}" x1="0" y1="{y:.1f}" x2="100%" y2="{y:.1f}"/><text x="-6" y="{ty:.1f}" '
                     'text-anchor="end">{n}</text>'.format(g=COLOURS['grid'], y=y, ty=y + 4, n=format(value, ',')))
    ticks = _x_ticks(buckets, unit)
    for index, (position, label) in enumerate(ticks):
        minor = ' class="minor"' if len(ticks) > 4 and index % 2 else ''
        parts.append('<line stroke="{g}" x1="{x:.3f}%" y1="{t}" x2="{x:.3f}%" y2="{b}"/><text{m} x="{x:.3f}%" y="{ty}" '
                     'text-anchor="middle">{k}</text>'.format(
                         g=COLOURS['grid'] if unit == 'hour' else COLOURS['axis'], x=position,
                         t=PLOT_TOP if unit == 'hour' else bottom, b=bottom + 4, m=minor, ty=bottom + 18, k=escape(label)))
    slot = 100.0 / count
    gap = slot * (0.2 if count <= 48 else 0.12)
    for index, bucket in enumerate(buckets):
        height = PLOT_HEIGHT * bucket.count / values[-1]
        tooltip = '%s: %s' % (bucket.key, format(bucket.count, ','))
        if bucket.partial:
            tooltip += ' (partial %s: only part of it is in the window)' % unit
        parts.append('<rect fill="{c}" x="{x:.3f}%" y="{y:.2f}" width="{w:.3f}%" height="{h:.2f}"><title>{t}</title></rect>'.format(
            c='url(#%s-partial)' % chart_id if bucket.partial else colour, x=index * slot + gap / 2, y=bottom - height,
            w=slot - gap, h=height, t=escape(tooltip)))
    parts.append('<line stroke="{c}" x1="0" y1="{b}" x2="100%" y2="{b}"/></svg>'.format(c=COLOURS['axis'], b=bottom))
    return ''.join(parts)


def _x_ticks(buckets: list, unit: str) -> list:
    """``(percent of the width, label)`` of the x axis, evenly spaced: round times at their place on an hourly axis
    (with a grid line), days under the middle of their bar on a daily one; the first and last key when the days
    are only those present."""
    count = len(buckets)
    if buckets[0].start is None:
        return [(100.0 * (index + 0.5) / count, buckets[index].key) for index in sorted({0, count - 1})]
    start, step = buckets[0].start, HOUR if unit == 'hour' else DAY
    width, shift = step * count, (timedelta(0) if unit == 'hour' else DAY / 2)
    try:
        ticks = time_ticks(start, buckets[-1].start + (step if unit == 'hour' else timedelta(0)))
    except (OverflowError, ValueError):
        ticks = []
    return [(100.0 * ((moment + shift - start) / width), label) for moment, label in ticks]


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
    parts.append(latest_writes_table(summary))
    parts.append(_table('Activity per day (UTC)', ('Day', 'Entries', 'Errors'), days))
    parts.append('</section>\n')
    return ''.join(parts)


def _table(caption: str, header: tuple, rows: list) -> str:
    head = '<tr><th scope="col">%s</th>%s</tr>' % (
        escape(header[0]), ''.join('<th scope="col" class="n">%s</th>' % escape(name) for name in header[1:]))
    if not rows:
        body = '<tr><td colspan="%d">No entries.</td></tr>' % len(header)
    else:
        body = ''.join('<tr><td>%s</td>%s</tr>' % (text_html(row[0]), ''.join('<td class="n">%s</td>' % _number(cell) for cell in row[1:]))
                       for row in rows)
    return '<h3>%s</h3>\n<table><thead>%s</thead><tbody>%s</tbody></table>\n' % (escape(caption), head, body)


def latest_writes_table(summary: dict) -> str:
    """The latest write actions, newest first: time, user, method, URI, and the method and URL sent (only when a
    row has them). Times show as ``2026-12-03 07:05:24`` (the exact value as a tooltip), a date and a time that
    each stay on one line; a URI or URL longer than CELL_MAX characters is cut in the middle (its full text as a
    tooltip) and any long one wraps, so the table fits a phone."""
    header, rows = latest_write_rows(summary)
    head = ''.join('<th scope="col"%s>%s</th>' % (' class="m"' if name == 'Method' else '', escape(name)) for name in header)
    if not rows:
        body = '<tr><td colspan="%d">No write actions.</td></tr>' % len(header)
    else:
        body = ''.join('<tr>%s<td class="u">%s</td><td class="m">%s</td>%s</tr>' % (
            _time_td(row[0]), _text_cell(row[1]), _text_cell(row[2]),
            ''.join(_long_td(cell, label) for cell, label in zip(row[3:], header[3:]))) for row in rows)
    return '<h3>Latest write actions</h3>\n<table class="latest"><thead><tr>%s</tr></thead><tbody>%s</tbody></table>\n' % (head, body)


def _time_td(value) -> str:
    if isinstance(value, str) and _ENTRY_TIME.match(value):
        return '<td class="t"><time datetime="{v}" title="{v}"><span class="ts">{day}</span> <span class="ts">{time}</span>' \
            '</time></td>'.format(v=escape(value), day=escape(value[:10]), time=escape(value[11:19]))
    return '<td class="t">%s</td>' % _text_cell(value)


def _text_cell(value) -> str:
    return '\u2013' if value is None or value == '' else text_html(value)


def _long_td(value, label: str) -> str:
    """A cell of a URI or URL: cut in the middle past CELL_MAX characters, the full text then in a tooltip;
    ``label`` names it where a narrow page shows each row as a block."""
    cell = '<td class="l" data-label="%s"%%s>%%s</td>' % escape(label)
    if value is None or value == '':
        return cell % ('', '\u2013')
    text = value if isinstance(value, str) else str(value)
    if len(text) <= CELL_MAX:
        return cell % ('', text_html(text))
    tail = (CELL_MAX - 1) // 2
    return cell % (' title="%s"' % escape(text), text_html(text[:CELL_MAX - 1 - tail] + '\u2026' + text[-tail:]))

# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The text report formats: JSON Lines and CSV of the entries, Markdown of the summary.

JSON Lines and CSV are written entry by entry into a binary stream (``write_jsonl``, ``write_csv``), so a report of
200,000 entries never exists as one string; the Markdown comes from the summary's counters. ``render_*`` return
a whole document as text, for small inputs and the tests. The output depends only on the input (no "generated
at" stamp), which keeps reruns idempotent.

CSV flattening (one row per entry, the columns of CSV_COLUMNS):

* ``resources``: each resource as ``type:id:action1|action2`` (a missing type or id left empty), joined by ``; ``.
* ``error_http_status``, ``error_code``: the error's fields; ``error_messages``: each message as
  ``code: message`` (or just the message when it has no code), joined by ``; ``. All three are empty without error.
* ``request_method``, ``request_url``: what was sent, from the ``request`` that ``request_details`` joins; empty
  without it.
* A null value is an empty cell. A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
  gets a leading ``'`` so that spreadsheets show it as text instead of running it as a formula (entries are
  untrusted input); use the JSON Lines file for exact values.
"""

from __future__ import annotations

import csv
import io
import json

from ansible_collections.ionos.activitylog.plugins.module_utils.normalize import NORMALIZED_FIELDS as ENTRY_FIELDS
from ansible_collections.ionos.activitylog.plugins.plugin_utils.summary import RANKED

SCALAR_FIELDS = ENTRY_FIELDS[:-2]
CSV_COLUMNS = SCALAR_FIELDS + ('resources', 'error_http_status', 'error_code', 'error_messages', 'request_method', 'request_url')
FORMULA_STARTS = ('=', '+', '-', '@', '\t', '\r')
RANKED_TITLES = {
    'by_user': ('Top users', 'User'),
    'by_event_type': ('Event types', 'Event type'),
    'by_action': ('HTTP methods', 'Method'),
    'by_resource_type': ('Resource types', 'Resource type'),
    'by_contract': ('Contracts', 'Contract'),
    'writes_by_resource_type': ('Write actions by resource type', 'Resource type'),
}
TOTALS = (
    ('entries', 'Entries'), ('first', 'First entry (UTC)'), ('last', 'Last entry (UTC)'), ('contracts', 'Contracts'),
    ('users', 'Users'), ('requests', 'Requests'), ('errors', 'Errors'), ('writes', 'Write actions'),
)
_MARKDOWN_SPECIAL = '\\`*_[]<>|&~'
_MARKDOWN_ESCAPES = str.maketrans(
    dict({char: '\\' + char for char in _MARKDOWN_SPECIAL}, **{'\n': ' ', '\r': ' ', '\t': ' '}))


BATCH = 1000  # entries encoded per write: few system calls, little memory


def write_jsonl(entries, stream) -> None:
    """One entry per line into the binary ``stream``: compact JSON, keys in the entry's order, UTF-8."""
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(',', ':'), default=str).encode
    entries = list(entries) if not isinstance(entries, list) else entries
    for first in range(0, len(entries), BATCH):
        stream.write(''.join([dumps(entry) + '\n' for entry in entries[first:first + BATCH]]).encode('utf-8'))


def write_csv(entries, stream) -> None:
    """A header row of CSV_COLUMNS and one row per entry into the binary ``stream``, flattened as the module doc says
    (RFC 4180, CRLF, UTF-8)."""
    text = io.TextIOWrapper(stream, encoding='utf-8', newline='')
    try:
        writer = csv.writer(text, lineterminator='\r\n')
        writer.writerow(CSV_COLUMNS)
        writer.writerows(csv_row(entry) for entry in entries)
        text.flush()
    finally:
        text.detach()  # the caller owns ``stream``


def render_jsonl(entries) -> str:
    """``write_jsonl`` as one text."""
    return _rendered(write_jsonl, entries)


def render_csv(entries) -> str:
    """``write_csv`` as one text."""
    return _rendered(write_csv, entries)


def _rendered(write, entries) -> str:
    buffer = io.BytesIO()
    write(entries, buffer)
    return buffer.getvalue().decode('utf-8')


def csv_row(entry: dict) -> list:
    """The cells of one entry, in CSV_COLUMNS order."""
    error = entry.get('error')
    if not isinstance(error, dict):
        error = {}
    cells = [entry.get(field) for field in SCALAR_FIELDS]
    request = entry.get('request')
    if not isinstance(request, dict):
        request = {}
    cells += [flatten_resources(entry.get('resources')), error.get('http_status'), error.get('error_code'),
              flatten_messages(error.get('messages')), request.get('method'), request.get('url')]
    return [_cell(value) for value in cells]


def flatten_resources(resources) -> str:
    """``type:id:action1|action2`` per resource, joined by ``; ``."""
    def resource(item: dict) -> str:
        actions = item.get('actions') if isinstance(item.get('actions'), list) else []
        return '%s:%s:%s' % (_text(item.get('type')), _text(item.get('id')), '|'.join(_text(action) for action in actions))
    return _joined(resources, resource)


def flatten_messages(messages) -> str:
    """``code: message`` per error message (the message alone without a code), joined by ``; ``."""
    def message(item: dict) -> str:
        code, text = _text(item.get('error_code')), _text(item.get('message'))
        return '%s: %s' % (code, text) if code else text
    return _joined(messages, message)


def _joined(items, render) -> str:
    """``render`` of each dictionary in the list ``items``, joined by ``; ``; anything else gives an empty text."""
    if not isinstance(items, list):
        return ''
    return '; '.join(render(item) for item in items if isinstance(item, dict))


def render_markdown(summary: dict, title: str, window=None, verdict=None) -> str:
    """The summary as Markdown tables: totals, each ranked count, the latest write actions, and entries and errors
    per day; with a compliance ``verdict`` (``passed``, ``summary``, ``lines``), the verdict and each policy's line first."""
    lines = ['# ' + escape_markdown(title), '']
    if window:
        lines += ['Window: %s to %s (UTC)' % (escape_markdown(window.get('start')), escape_markdown(window.get('end'))), '']
    if verdict:
        lines += ['## Compliance: %s' % ('passed' if verdict.get('passed') else 'FAILED'), '', escape_markdown(verdict.get('summary')), '']
        lines += ['- ' + escape_markdown(line) for line in verdict.get('lines') or ()] + ['']
    lines += ['## Totals', '']
    lines += _table(('Total', 'Value'), [(label, summary.get(key)) for key, label in TOTALS])
    for name in RANKED:
        heading, column = RANKED_TITLES[name]
        lines += ['## ' + heading, '']
        lines += _table((column, 'Entries'), _ranked_rows(summary, name))
    lines += ['## Latest write actions', '']
    header, rows = latest_write_rows(summary)
    lines += _table(header, rows, numeric=False, empty='(no write actions)')
    lines += ['## Activity per day (UTC)', '']
    errors = summary.get('errors_by_day') or {}
    days = summary.get('per_day') or {}
    lines += _table(('Day', 'Entries', 'Errors'), [(day, count, errors.get(day, 0)) for day, count in days.items()])
    return '\n'.join(lines)


def escape_markdown(value) -> str:
    """Text that renders as itself in a Markdown table cell: markup, HTML and pipes escaped, one line."""
    return _text(value).translate(_MARKDOWN_ESCAPES)


def latest_write_rows(summary: dict):
    """``(header, rows)`` of the latest write actions table: time, user, method, URI, and what was sent (the joined
    request's method and URL) only when some row has it. Cells are the raw values (None when missing)."""
    latest = [row for row in summary.get('latest_writes') or () if isinstance(row, dict)]
    sent = any(row.get('request_method') or row.get('request_url') for row in latest)
    header = ('Time (UTC)', 'User', 'Method', 'URI') + (('Sent',) if sent else ())
    rows = []
    for row in latest:
        cells = (row.get('time'), row.get('username'), row.get('action'), row.get('uri'))
        if sent:
            cells += (' '.join(_text(row.get(key)) for key in ('request_method', 'request_url') if row.get(key)) or None,)
        rows.append(cells)
    return header, rows


def _ranked_rows(summary: dict, name: str) -> list:
    rows = list((summary.get(name) or {}).items())
    left_out = (summary.get('others') or {}).get(name) or 0
    if left_out:
        rows.append(('(others)', left_out))
    return rows


def _table(header, rows, numeric=True, empty='(no entries)') -> list:
    """A GitHub-flavoured Markdown table (numbers right-aligned: every column after the first unless not
    ``numeric``), with a blank line after it."""
    lines = ['| %s |' % ' | '.join(header), '|' + '|'.join([' --- '] + [' ---: ' if numeric else ' --- '] * (len(header) - 1)) + '|']
    if not rows:
        rows = [(empty,) + ('',) * (len(header) - 1)]
    for row in rows:
        lines.append('| %s |' % ' | '.join(escape_markdown(cell) for cell in row))
    return lines + ['']


def _text(value) -> str:
    return '' if value is None else value if isinstance(value, str) else str(value)


def _cell(value):
    """A CSV cell: None empty, numbers as they are, strings guarded against formula injection."""
    if value is None:
        return ''
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value

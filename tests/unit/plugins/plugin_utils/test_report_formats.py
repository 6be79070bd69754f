# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of report_formats: each format parsed back, the CSV flattening, escaping of hostile text."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt

from ansible_collections.ionos.activitylog.plugins.plugin_utils.report_formats import (
    CSV_COLUMNS, escape_markdown, flatten_messages, flatten_resources, render_csv, render_jsonl, render_markdown,
)
from ansible_collections.ionos.activitylog.plugins.plugin_utils.summary import summarize

FULL = {
    'id': 'e-1', 'time': '2026-11-25T09:14:03.512Z', 'contract_number': 31909628, 'username': 'anna@example.com',
    'source_ip': '192.0.2.10', 'source_service': 'PUBLIC_REST_V6', 'event_type': 'RequestStatusUpdate',
    'status': 'FAILED', 'action': 'POST', 'uri': '/cloudapi/v6/datacenters/dc-1/servers',
    'message': 'Löschen, "quoted"\nsecond line', 'request_id': 'req-1',
    'resources': [{'type': 'server', 'id': 'srv-1', 'actions': ['vr.server.create', 'vr.server.update']},
                  {'type': 'datacenter', 'id': 'dc-1', 'actions': []}],
    'error': {'http_status': 422, 'error_code': '200',
              'messages': [{'error_code': '200', 'message': 'IP in use'}, {'error_code': None, 'message': 'retry later'}]},
}
SPARSE = dict.fromkeys(FULL)
SPARSE.update(id='e-2', resources=[])


def parse_csv(text: str) -> list:
    return list(csv.reader(io.StringIO(text, newline='')))


def test_jsonl_has_one_entry_per_line_exactly():
    text = render_jsonl([FULL, SPARSE])
    lines = text.splitlines()
    assert len(lines) == 2 and text.endswith('\n')
    assert [json.loads(line) for line in lines] == [FULL, SPARSE]
    assert 'Löschen' in text


def test_jsonl_of_nothing_is_empty():
    assert render_jsonl([]) == ''


def test_csv_header_and_full_row():
    rows = parse_csv(render_csv([FULL]))
    assert rows[0] == list(CSV_COLUMNS)
    row = dict(zip(rows[0], rows[1]))
    assert row['id'] == 'e-1' and row['contract_number'] == '31909628'
    assert row['message'] == FULL['message']
    assert row['resources'] == 'server:srv-1:vr.server.create|vr.server.update; datacenter:dc-1:'
    assert row['error_http_status'] == '422'
    assert row['error_code'] == '200'
    assert row['error_messages'] == '200: IP in use; retry later'
    assert len(rows) == 2


def test_csv_null_fields_are_empty_cells():
    row = parse_csv(render_csv([SPARSE]))[1]
    assert row == ['e-2'] + [''] * (len(CSV_COLUMNS) - 1)


def test_csv_rows_end_with_crlf():
    assert render_csv([SPARSE]).count('\r\n') == 2


@pytest.mark.parametrize('hostile', ['=HYPERLINK("http://evil.example","x")', '+1+1', '-2+3', '@SUM(A1)', '\tx', '\rx'])
def test_csv_cells_that_look_like_formulas_are_guarded(hostile):
    entry = dict(SPARSE, username=hostile, message=hostile)
    row = dict(zip(CSV_COLUMNS, parse_csv(render_csv([entry]))[1]))
    assert row['username'] == "'" + hostile
    assert row['message'] == "'" + hostile


def test_csv_guard_leaves_ordinary_text_alone():
    entry = dict(SPARSE, username='a-b@example.com', message='x = y')
    row = dict(zip(CSV_COLUMNS, parse_csv(render_csv([entry]))[1]))
    assert (row['username'], row['message']) == ('a-b@example.com', 'x = y')


def test_flatten_resources_with_missing_parts():
    resources = [{'type': None, 'id': 'x', 'actions': ['a.b']}, {'type': 'lan', 'id': None, 'actions': None}, 'junk']
    assert flatten_resources(resources) == ':x:a.b; lan::'
    assert flatten_resources(None) == ''
    assert flatten_resources([]) == ''


def test_flatten_messages():
    assert flatten_messages([{'error_code': '1', 'message': 'a'}, {'error_code': None, 'message': 'b'}, 7]) == '1: a; b'
    assert flatten_messages(None) == ''


def test_markdown_tables():
    entries = [FULL, SPARSE, dict(SPARSE, id='e-3', username='ben@example.com')]
    window = {'start': '2026-11-18T00:00:00.000Z', 'end': '2026-11-25T00:00:00.000Z'}
    text = render_markdown(summarize(entries, top=1), 'Weekly report', window)
    assert text.startswith('# Weekly report\n')
    assert 'Window: 2026-11-18T00:00:00.000Z to 2026-11-25T00:00:00.000Z (UTC)' in text
    assert '| Entries | 3 |' in text
    assert '| (none) | 1 |\n| (others) | 2 |' in text
    for heading in ('## Totals', '## Top users', '## Event types', '## HTTP methods', '## Resource types', '## Contracts',
                    '## Write actions by resource type', '## Activity per day (UTC)'):
        assert heading in text
    assert '| 2026-11-25 | 1 | 1 |' in text


def test_markdown_of_nothing():
    text = render_markdown(summarize([]), 'Empty')
    assert '| (no entries) |  |' in text
    assert 'Window' not in text


def table_cells(line: str) -> list:
    """Cells of a Markdown table row, split on the pipes that are not escaped."""
    return re.split(r'(?<!\\)\|', line.strip())[1:-1]


def test_markdown_escapes_hostile_text():
    hostile = '<img src=x onerror=alert(1)> | *bold* _x_ [link](http://evil.example) `code` &amp; ~~s~~\nnext'
    text = render_markdown(summarize([dict(SPARSE, username=hostile)]), 'Title <b>|</b>')
    row = next(line for line in text.splitlines() if 'onerror' in line)
    assert len(table_cells(row)) == 2
    assert re.search(r'(?<!\\)[<>]', text) is None
    assert '\\<img src=x onerror=alert(1)\\> \\| \\*bold\\* \\_x\\_ \\[link\\](http://evil.example)' in row
    assert '\\&amp;' in row and '\\~\\~s\\~\\~' in row and '\\`code\\`' in row
    assert text.startswith('# Title \\<b\\>\\|\\</b\\>\n')


def test_escape_markdown_keeps_one_line():
    assert escape_markdown('a\nb\r\nc\td') == 'a b  c d'
    assert escape_markdown(None) == ''
    assert escape_markdown(42) == '42'


class TextCollector(HTMLParser):
    """The tags and the text of the table cells of rendered HTML."""

    def __init__(self):
        super().__init__()
        self.tags, self.cells, self._cell = [], [], None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == 'td':
            self._cell = ''

    def handle_endtag(self, tag):
        if tag == 'td':
            self.cells.append(self._cell)
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


def test_markdown_renders_hostile_text_as_text():
    """Through a CommonMark renderer with raw HTML allowed, hostile text comes out as the same text, no markup."""
    hostile = '<script>alert(1)</script> | *b* _i_ [l](http://evil.example) ![i](http://evil.example/x.png) `c` &amp; ~~s~~'
    text = render_markdown(summarize([dict(SPARSE, username=hostile, event_type='<b>x</b>')]), '<i>Title</i>')
    collector = TextCollector()
    collector.feed(MarkdownIt('commonmark', {'html': True}).enable(['table', 'strikethrough']).render(text))
    assert set(collector.tags) <= {'h1', 'h2', 'p', 'table', 'thead', 'tbody', 'tr', 'th', 'td'}
    assert hostile in collector.cells
    assert '<b>x</b>' in collector.cells


def test_the_request_joined_by_request_details_gives_method_and_url_columns():
    joined = dict(FULL, request={'method': 'POST', 'url': 'https://api.ionos.com/cloudapi/v6/datacenters', 'body': None})
    row = dict(zip(CSV_COLUMNS, parse_csv(render_csv([joined, FULL]))[1]))
    assert (row['request_method'], row['request_url']) == ('POST', 'https://api.ionos.com/cloudapi/v6/datacenters')
    plain = dict(zip(CSV_COLUMNS, parse_csv(render_csv([FULL]))[1]))
    assert (plain['request_method'], plain['request_url']) == ('', '')


# The latest write actions

def markdown_section(text: str, heading: str) -> list:
    """The table lines under ``## heading``."""
    lines = text.split('## ' + heading + '\n', 1)[1].split('\n## ', 1)[0].strip().splitlines()
    assert all(line.startswith('|') for line in lines), lines
    return lines


def test_markdown_latest_write_actions_newest_first():
    writes = [dict(FULL, time='2026-11-25T09:%02d:00.000Z' % minute, username='u%d@example.com' % minute) for minute in (5, 40, 12)]
    text = render_markdown(summarize(writes + [dict(SPARSE, time='2026-11-25T10:00:00.000Z', action='GET')], top=2), 'R')
    lines = markdown_section(text, 'Latest write actions')
    assert lines[:2] == ['| Time (UTC) | User | Method | URI |', '| --- | --- | --- | --- |']
    assert lines[2:] == ['| 2026-11-25T09:40:00.000Z | u40@example.com | POST | /cloudapi/v6/datacenters/dc-1/servers |',
                         '| 2026-11-25T09:12:00.000Z | u12@example.com | POST | /cloudapi/v6/datacenters/dc-1/servers |']
    assert text.index('## Write actions by resource type') < text.index('## Latest write actions') < text.index('## Activity per day')


def test_markdown_latest_write_actions_show_what_was_sent_when_joined():
    joined = dict(FULL, time='2026-11-25T10:00:00.000Z', request={'method': 'POST', 'url': 'https://api.ionos.com/cloudapi/v6/datacenters/dc-1/servers'})
    lines = markdown_section(render_markdown(summarize([FULL, joined]), 'R'), 'Latest write actions')
    assert lines[0] == '| Time (UTC) | User | Method | URI | Sent |'
    assert table_cells(lines[2])[-1] == ' POST https://api.ionos.com/cloudapi/v6/datacenters/dc-1/servers '
    assert table_cells(lines[3])[-1] == '  '  # this one was not joined


def test_markdown_of_no_writes():
    lines = markdown_section(render_markdown(summarize([SPARSE]), 'R'), 'Latest write actions')
    assert lines[2] == '| (no write actions) |  |  |  |'


def test_markdown_latest_write_actions_escape_hostile_text():
    hostile = '/x/<script>alert(1)</script>|*b*[l](http://evil.example)\nnext'
    entry = dict(FULL, uri=hostile, username='<img src=x>', request={'method': '<b>', 'url': hostile})
    text = render_markdown(summarize([entry]), 'R')
    row = markdown_section(text, 'Latest write actions')[2]
    assert len(table_cells(row)) == 5
    assert re.search(r'(?<!\\)[<>]', text) is None
    collector = TextCollector()
    collector.feed(MarkdownIt('commonmark', {'html': True}).enable(['table', 'strikethrough']).render(text))
    assert set(collector.tags) <= {'h1', 'h2', 'p', 'table', 'thead', 'tbody', 'tr', 'th', 'td'}
    assert hostile.replace('\n', ' ') in collector.cells and '<img src=x>' in collector.cells
    assert '<b> ' + hostile.replace('\n', ' ') in collector.cells

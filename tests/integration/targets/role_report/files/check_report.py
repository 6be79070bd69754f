# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parse a report directory back and print what it holds as JSON, for the role_report target to assert on.

Every format is read with an independent parser (json, csv, html.parser); the HTML report is also opened in
headless Chromium when one is installed, and the screenshot must show the colours the charts are drawn with.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from html.parser import HTMLParser


class ReportPage(HTMLParser):
    """Collects the charts (svg ids and their drawn shapes), scripts, external references and fill colours."""

    SHAPES = ('rect', 'path', 'circle', 'polyline', 'line', 'polygon')

    def __init__(self):
        super().__init__()
        self.charts = {}
        self.scripts = 0
        self.external = []
        self.fills = set()
        self._chart = None
        self.tables = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name in ('src', 'href'):
            value = attributes.get(name) or ''
            if value.startswith(('http:', 'https:', '//')):
                self.external.append(value)
        if tag == 'script':
            self.scripts += 1
        if tag == 'table':
            self.tables += 1
        if tag == 'svg' and attributes.get('id', '').startswith('chart-'):
            self._chart = attributes['id']
            self.charts[self._chart] = 0
        elif self._chart and tag in self.SHAPES:
            self.charts[self._chart] += 1
            fill = attributes.get('fill')
            if fill and fill.startswith('#') and len(fill) == 7:
                self.fills.add(fill.lower())

    def handle_endtag(self, tag):
        if tag == 'svg':
            self._chart = None


def png_pixels(path):
    """RGB(A) rows of an 8-bit truecolour PNG (what Chromium writes), decoded with zlib only."""
    with open(path, 'rb') as handle:
        data = handle.read()
    position, chunks, header = 8, [], None
    while position < len(data):
        length, kind = struct.unpack('>I4s', data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        if kind == b'IHDR':
            header = struct.unpack('>IIBBBBB', body)
        elif kind == b'IDAT':
            chunks.append(body)
        position += 12 + length
    width, height, depth, colour = header[0], header[1], header[2], header[3]
    if depth != 8 or colour not in (2, 6):
        raise ValueError('unexpected PNG format %r' % (header,))
    size = 3 if colour == 2 else 4
    raw = zlib.decompress(b''.join(chunks))
    stride = width * size
    rows, previous = [], bytearray(stride)
    for row in range(height):
        kind = raw[row * (stride + 1)]
        line = bytearray(raw[row * (stride + 1) + 1:(row + 1) * (stride + 1)])
        for index in range(stride):
            left = line[index - size] if index >= size else 0
            up = previous[index]
            corner = previous[index - size] if index >= size else 0
            if kind == 1:
                line[index] = (line[index] + left) & 255
            elif kind == 2:
                line[index] = (line[index] + up) & 255
            elif kind == 3:
                line[index] = (line[index] + (left + up) // 2) & 255
            elif kind == 4:
                estimate = left + up - corner
                best = min((abs(estimate - left), 0, left), (abs(estimate - up), 1, up), (abs(estimate - corner), 2, corner))[2]
                line[index] = (line[index] + best) & 255
        rows.append(line)
        previous = line
    return width, size, rows


def chromium_colours(html_path, fills):
    """Which chart fill colours appear in a headless Chromium screenshot; None when no Chromium is installed."""
    browser = shutil.which('chromium') or shutil.which('chromium-browser') or shutil.which('google-chrome')
    if not browser:
        return None
    wanted = {tuple(int(fill[i:i + 2], 16) for i in (1, 3, 5)): fill for fill in fills}
    seen = set()
    for _attempt in range(2):  # a first start of Chromium on a new machine may screenshot before the first paint
        with tempfile.TemporaryDirectory() as folder:
            shot = os.path.join(folder, 'report.png')
            subprocess.run([browser, '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
                            '--disable-component-update', '--disable-sync', '--no-first-run', '--user-data-dir=' + folder,
                            '--virtual-time-budget=5000', '--window-size=1280,3000', '--screenshot=' + shot,
                            'file://' + os.path.abspath(html_path)], check=True, capture_output=True, timeout=120)
            width, size, rows = png_pixels(shot)
        for line in rows:
            for x in range(width):
                colour = tuple(line[x * size:x * size + 3])
                if colour in wanted:
                    seen.add(wanted[colour])
        if seen:
            break
    return sorted(seen)


def main(folder, basename):
    found = {}
    path = os.path.join(folder, basename)
    with open(path + '.jsonl', encoding='utf-8') as handle:
        found['jsonl_ids'] = [json.loads(line)['id'] for line in handle if line.strip()]
    with open(path + '.csv', encoding='utf-8', newline='') as handle:
        rows = list(csv.DictReader(handle))
    found['csv_ids'] = [row['id'] for row in rows]
    found['csv_columns'] = list(rows[0].keys()) if rows else []
    found['csv_first'] = rows[0] if rows else {}
    with open(path + '.md', encoding='utf-8') as handle:
        markdown = handle.read()
    found['markdown_table_rows'] = sum(1 for line in markdown.splitlines() if line.startswith('|'))
    found['markdown_headings'] = [line.lstrip('#').strip() for line in markdown.splitlines() if line.startswith('#')]
    page = ReportPage()
    with open(path + '.html', encoding='utf-8') as handle:
        page.feed(handle.read())
    found['html_charts'] = page.charts
    found['html_scripts'] = page.scripts
    found['html_external'] = page.external
    found['html_tables'] = page.tables
    found['html_fills'] = sorted(page.fills)
    found['chromium_fills'] = chromium_colours(path + '.html', page.fills)
    print(json.dumps(found))


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])

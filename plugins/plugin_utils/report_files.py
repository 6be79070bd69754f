# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The report files of one run, written by the report and the compliance actions alike.

JSON Lines and CSV stream from the entries straight into their files; Markdown and HTML come from the summary,
one pass of counters. Each file is replaced atomically and only when its content changes (files.py), so a rerun
over the same entries reports no change.
"""

from __future__ import annotations

import os

from ansible_collections.ionos.activitylog.plugins.plugin_utils.files import write_if_changed, write_stream_if_changed
from ansible_collections.ionos.activitylog.plugins.plugin_utils.report_formats import render_markdown, write_csv, write_jsonl
from ansible_collections.ionos.activitylog.plugins.plugin_utils.report_html import render_html
from ansible_collections.ionos.activitylog.plugins.plugin_utils.summary import summarize

FORMATS = ('jsonl', 'csv', 'markdown', 'html')
EXTENSIONS = {'jsonl': 'jsonl', 'csv': 'csv', 'markdown': 'md', 'html': 'html'}
DEFAULT_TITLE = 'IONOS Cloud Activity Log report'
STREAMED = {'jsonl': write_jsonl, 'csv': write_csv}
# The options of the reports, for activity_report and for the ``report`` option of activity_compliance alike.
REPORT_SPEC = dict(
    dest=dict(type='path', required=True),
    formats=dict(type='list', elements='str', choices=list(FORMATS), default=list(FORMATS)),
    title=dict(type='str', default=DEFAULT_TITLE),
    top=dict(type='int', default=10),
    basename=dict(type='str', default='activity'),
)


def write_reports(entries: list, dest: str, options: dict, window=None, verdict=None, check_mode=False) -> tuple:
    """Write the formats of ``options`` (``formats``, ``title``, ``top``, ``basename``) into ``dest``.

    Returns ``(summary, {format: path}, changed)``; ``verdict`` (a compliance verdict) is shown at the top of the
    Markdown and HTML reports. The directory is created when missing; in check mode nothing is written and
    ``changed`` says whether a run would have changed anything.
    """
    summary = summarize(entries, top=options['top'])
    dest = os.path.abspath(os.path.expanduser(dest))
    if os.path.exists(dest) and not os.path.isdir(dest):
        raise ValueError('dest %s exists and is not a directory' % dest)
    changed = not os.path.isdir(dest)
    if changed and not check_mode:
        os.makedirs(dest, exist_ok=True)
    files = {}
    for name in FORMATS:
        if name not in options['formats']:
            continue
        path = files[name] = os.path.join(dest, '%s.%s' % (options['basename'], EXTENSIONS[name]))
        if name in STREAMED:
            written = write_stream_if_changed(path, lambda stream, write=STREAMED[name]: write(entries, stream), check_mode)
        else:
            render = render_markdown if name == 'markdown' else render_html
            written = write_if_changed(path, render(summary, options['title'], window, verdict).encode('utf-8'), check_mode)
        changed = written or changed
    return summary, files, changed


def checked_report_options(options: dict) -> dict:
    """``options`` after the argument spec: ValueError for a destination, base name or ``top`` that cannot work."""
    if not options.get('dest'):
        raise ValueError('dest is required: the directory to write the reports into')
    if not is_plain_file_name(options['basename']):
        raise ValueError('basename must be a plain file name without a directory, got %r' % (options['basename'],))
    if options['top'] < 1:
        raise ValueError('top must be at least 1, got %d' % options['top'])
    return options


def is_plain_file_name(name: str) -> bool:
    return bool(name) and name not in ('.', '..') and '/' not in name and os.sep not in name and '\0' not in name

# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of ``activity_report``: render the report formats and write them on the controller.

``run()`` only validates and resolves the destination; ``validated_args``, ``build_report`` and ``write_report``
do the work and are plain functions the unit tests call directly. Files are replaced atomically (a temporary file in the same
directory, then a rename), and a file whose content would not change is not touched.
"""

from __future__ import annotations

import os

from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.plugins.action import ActionBase

from ansible_collections.ionos.activitylog.plugins.plugin_utils.files import write_if_changed
from ansible_collections.ionos.activitylog.plugins.plugin_utils.report_formats import (
    ENTRY_FIELDS, render_csv, render_jsonl, render_markdown,
)
from ansible_collections.ionos.activitylog.plugins.plugin_utils.report_html import render_html
from ansible_collections.ionos.activitylog.plugins.plugin_utils.summary import summarize

FORMATS = ('jsonl', 'csv', 'markdown', 'html')
EXTENSIONS = {'jsonl': 'jsonl', 'csv': 'csv', 'markdown': 'md', 'html': 'html'}
DEFAULT_TITLE = 'IONOS Cloud Activity Log report'

OPTIONS_SPEC = dict(
    dest=dict(type='path', required=True),
    formats=dict(type='list', elements='str', choices=list(FORMATS), default=list(FORMATS)),
    title=dict(type='str', default=DEFAULT_TITLE),
    top=dict(type='int', default=10),
    basename=dict(type='str', default='activity'),
    window=dict(type='dict', options=dict(start=dict(type='str'), end=dict(type='str'))),
)
ARGUMENT_SPEC = dict(activities=dict(type='list', elements='dict', required=True), **OPTIONS_SPEC)


class ActionModule(ActionBase):
    """Runs on the controller only; no connection to the target is opened."""

    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        try:
            args = validated_args(self._task.args)
            summary, contents = build_report(args['activities'], args['formats'], args['title'], args['top'], args['window'])
            dest = self._loader.path_dwim(args['dest'])
            files, changed = write_report(dest, args['basename'], contents, check_mode=bool(self._task.check_mode))
        except (ValueError, OSError) as error:
            raise AnsibleActionFail('activity_report: %s' % error) from None
        result.update(changed=changed, files=files, summary=summary)
        return result


def validated_args(task_args: dict) -> dict:
    """The arguments, checked and with defaults; a ValueError names every problem found.

    ``activities`` is checked apart: the generic validator deep-copies what it validates, which costs seconds
    for 100,000 entries, and it cannot say what this check says anyway.
    """
    unknown = sorted(set(task_args) - set(ARGUMENT_SPEC))
    if unknown:
        raise ValueError('unsupported parameters: %s; supported: %s' % (', '.join(unknown), ', '.join(sorted(ARGUMENT_SPEC))))
    options = {name: value for name, value in task_args.items() if value is not None}  # null takes the default
    activities = options.pop('activities', None)
    result = ArgumentSpecValidator(OPTIONS_SPEC).validate(options)
    if result.error_messages:
        raise ValueError('; '.join(result.error_messages))
    args = result.validated_parameters
    args['activities'] = checked_activities(activities)
    if not args['dest']:
        raise ValueError('dest is required: the directory to write the reports into')
    if not is_plain_file_name(args['basename']):
        raise ValueError('basename must be a plain file name without a directory, got %r' % (args['basename'],))
    if args['top'] < 1:
        raise ValueError('top must be at least 1, got %d' % args['top'])
    return args


def is_plain_file_name(name: str) -> bool:
    return bool(name) and name not in ('.', '..') and '/' not in name and os.sep not in name and '\0' not in name


def checked_activities(activities) -> list:
    """``activities`` must be a list of normalized entries (dicts with at least one of their keys, or empty)."""
    if not isinstance(activities, list):
        got = 'nothing' if activities is None else 'a %s' % type(activities).__name__
        raise ValueError('activities is required: a list of normalized entries, got %s' % got)
    for number, entry in enumerate(activities, 1):
        if not isinstance(entry, dict):
            raise ValueError('activities: entry %d is a %s, not a normalized entry (a dict)' % (number, type(entry).__name__))
        if entry and not any(field in entry for field in ENTRY_FIELDS):
            raise ValueError('activities must be normalized entries (activity_log_info with format: normalized); '
                             'entry %d has none of their keys' % number)
    return activities


def build_report(activities: list, formats: list, title: str, top: int, window=None):
    """The summary and ``{format: document text}`` of each requested format, in FORMATS order."""
    summary = summarize(activities, top=top)
    renderers = {
        'jsonl': lambda: render_jsonl(activities),
        'csv': lambda: render_csv(activities),
        'markdown': lambda: render_markdown(summary, title, window),
        'html': lambda: render_html(summary, title, window),
    }
    return summary, {name: renderers[name]() for name in FORMATS if name in formats}


def write_report(dest: str, basename: str, contents: dict, check_mode: bool = False):
    """Write ``dest/<basename>.<extension>`` per format; return ``({format: path}, changed)``.

    The directory is created when missing. In check mode nothing is written, and ``changed`` says whether
    a run would have changed anything.
    """
    dest = os.path.abspath(os.path.expanduser(dest))
    if os.path.exists(dest) and not os.path.isdir(dest):
        raise ValueError('dest %s exists and is not a directory' % dest)
    changed = not os.path.isdir(dest)
    if changed and not check_mode:
        os.makedirs(dest, exist_ok=True)
    files = {}
    for name, text in contents.items():
        path = files[name] = os.path.join(dest, '%s.%s' % (basename, EXTENSIONS[name]))
        changed = write_if_changed(path, text.encode('utf-8'), check_mode) or changed
    return files, changed

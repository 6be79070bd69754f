# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Record every task and loop item of a reliability playbook, with its wall time, into a JSON file.

The suite judges each run (exact, clear failure or wrong) from these records: the ids returned, the failure
message, whether a traceback was attached, the warnings, and how long the run took. Items of a loop run one
after another, so an item's time is the time since the previous item (or the task's start) ended.
"""

from __future__ import annotations

import json
import os
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = r'''
name: reliability_record
type: aggregate
short_description: write each task and loop item of a playbook, with its wall time, to RELIABILITY_RECORD_FILE
description:
  - Test helper of the ionos.activitylog reliability suite; not part of the collection's content.
  - With E(RELIABILITY_PROGRESS_FILE) set, it also writes the number of records so far of each task there (JSON)
    after each record, so a test can act while the playbook runs.
options: {}
'''


class CallbackModule(CallbackBase):
    """Aggregate callback: enabled with ANSIBLE_CALLBACKS_ENABLED=reliability_record."""

    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'reliability_record'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        self._records = []
        self._task = ''
        self._since = time.monotonic()

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._task = task.get_name()
        self._since = time.monotonic()

    def _record(self, result, status):
        now = time.monotonic()
        data = result._result  # pylint: disable=protected-access
        facts = data.get('ansible_facts') or {}
        entries = data.get('activities', facts.get('rel_entries'))
        self._records.append({
            'task': self._task,
            'status': status,
            'seconds': round(now - self._since, 3),
            'case': (data.get('item') or {}).get('name') if isinstance(data.get('item'), dict) else None,
            'msg': str(data.get('msg', '')) if status == 'failed' else '',
            'exception': str(data.get('exception', '')),
            'warnings': [str(item) for item in data.get('warnings') or []],
            'ids': [entry.get('id') for entry in entries] if isinstance(entries, list) else None,
            'window': data.get('window'),
            'stats': data.get('stats'),
        })
        self._since = now
        progress = os.environ.get('RELIABILITY_PROGRESS_FILE')
        if progress:
            counts = {}
            for record in self._records:
                counts[record['task']] = counts.get(record['task'], 0) + 1
            with open(progress + '.new', 'w', encoding='utf-8') as handle:
                json.dump(counts, handle)
            os.replace(progress + '.new', progress)

    def v2_runner_on_ok(self, result):
        if not result._result.get('results'):  # pylint: disable=protected-access
            self._record(result, 'ok')

    def v2_runner_on_failed(self, result, ignore_errors=False):
        if not result._result.get('results'):  # pylint: disable=protected-access
            self._record(result, 'failed')

    def v2_runner_item_on_ok(self, result):
        self._record(result, 'ok')

    def v2_runner_item_on_failed(self, result):
        self._record(result, 'failed')

    def v2_playbook_on_stats(self, stats):
        path = os.environ.get('RELIABILITY_RECORD_FILE')
        if path:
            with open(path, 'w', encoding='utf-8') as handle:
                json.dump(self._records, handle)

# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Callback of scripts/bench.py: how long each task took, seen from the controller, written as JSON.

The bench times the fetch task alone (not the interpreter start, inventory and playbook parsing around it):
from the moment the strategy starts the task to the moment its result is back in the controller process, so
the time includes what a user waits for (the worker, the module's JSON, the transfer of the result).
"""

from __future__ import annotations

import json
import os
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = r'''
name: bench_timing
type: aggregate
short_description: Write the duration of each task to $BENCH_TIMING_FILE (scripts/bench.py only)
description:
  - Development helper of scripts/bench.py; not part of the collection.
requirements:
  - enabled in ANSIBLE_CALLBACKS_ENABLED, BENCH_TIMING_FILE set
'''


class CallbackModule(CallbackBase):
    """Records name, seconds, status and (for debug tasks) the message of every task."""

    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'bench_timing'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        self._started = {}
        self._tasks = []

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._started[task._uuid] = time.perf_counter()  # pylint: disable=protected-access

    def _record(self, result, status):
        task = result._task  # pylint: disable=protected-access
        started = self._started.get(task._uuid)  # pylint: disable=protected-access
        ended = time.perf_counter()
        record = {'name': task.get_name(), 'status': status, 'started': started, 'ended': ended,
                  'seconds': None if started is None else ended - started}
        if status != 'ok' or task.action in ('debug', 'ansible.builtin.debug'):
            record['msg'] = str(result._result.get('msg', ''))[:2000]  # pylint: disable=protected-access
        self._tasks.append(record)

    def v2_runner_on_ok(self, result):
        self._record(result, 'ok')

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, 'failed')

    def v2_runner_on_unreachable(self, result):
        self._record(result, 'unreachable')

    def v2_playbook_on_stats(self, stats):
        path = os.environ.get('BENCH_TIMING_FILE')
        if path:
            with open(path, 'w', encoding='utf-8') as handle:
                json.dump({'tasks': self._tasks}, handle)

# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter of scripts/bench.py: the CPU seconds of the process that templates, so a playbook can take the CPU time of a
lookup it calls (lookup.yml: before and after the call, in one template, in the task's worker process)."""

from __future__ import annotations

import time

DOCUMENTATION = r'''
name: process_cpu
short_description: CPU seconds (user + system, all threads) of the process templating (scripts/bench.py only)
description:
  - Development helper of scripts/bench.py; not part of the collection. The input is ignored.
positional: _input
options:
  _input:
    description: Ignored; the filter is evaluated where it stands in the template.
    type: raw
    required: true
'''


def process_cpu(_ignored=None) -> float:
    return time.process_time()


class FilterModule:
    def filters(self):
        return {'process_cpu': process_cpu}

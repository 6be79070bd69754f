# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The direct runner of scripts/bench.py: the collection's engine without ansible-core, run as its own process.

Calls fetch_activity (what the module and the lookup share) with the default settings on the window, from the
laid-out collection in .build, the way the lookup does once ansible-core has loaded it. Prints one JSON line like the
baseline's: entries read, the call's seconds and its CPU seconds (all threads; interpreter start and imports excluded),
and the CPU seconds of the main thread alone: the workers decode and normalize, so the main thread should be idle most
of a run with latency.
The token comes from IONOS_TOKEN and is never printed.

    python scripts/bench/direct.py --api-url URL --start T --end T [--contracts N,N]
"""

from __future__ import annotations

import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), '.build'))

from ansible_collections.ionos.activitylog.plugins.module_utils.activity import fetch_activity  # noqa: E402  pylint: disable=wrong-import-position
from baseline import report, runner_args  # noqa: E402  pylint: disable=wrong-import-position  # this folder is on sys.path


def main(argv=None) -> int:
    args = runner_args(argv, __doc__.splitlines()[0])
    options = {'api_url': args.api_url, 'start': args.start, 'end': args.end, 'contract_numbers': args.contract_numbers}
    started, cpu, main_cpu = time.perf_counter(), time.process_time(), time.thread_time()
    result = fetch_activity(options)
    report(len(result['activities']), started, cpu, main_thread_cpu_seconds=time.thread_time() - main_cpu)
    return 0


if __name__ == '__main__':
    sys.exit(main())

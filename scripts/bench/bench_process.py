# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run one runner as a child process the way a user would, and measure it with os.wait4 (in launch.py).

wait4 gives the child's CPU time (user + system) and its peak RSS; both include the descendants it waited for
(ansible-playbook's workers and the module's interpreter). A timer kills the child's whole process group when
it runs past its timeout, so one stuck run cannot hold the bench.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

LAUNCH = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'launch.py')


class ChildResult:
    """What one child did: ``status`` is ok, failed (exit status not 0) or timeout."""

    def __init__(self, status: str, returncode, wall: float, cpu: float, maxrss_kb: int, stdout: str, stderr: str):
        self.status = status
        self.returncode = returncode
        self.wall = wall
        self.cpu = cpu
        self.maxrss_kb = maxrss_kb
        self.stdout = stdout
        self.stderr = stderr

    def tail(self, lines: int = 15) -> str:
        """The end of the child's output, for a failure report."""
        text = (self.stdout + '\n' + self.stderr).strip()
        return '\n'.join(text.splitlines()[-lines:])


def run_child(argv: list, env: dict, timeout: float, cwd: str) -> ChildResult:
    """Start ``argv`` through launch.py (CPU and peak RSS by os.wait4), kill its process group after ``timeout`` seconds."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile(suffix='.json') as usage_file:
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, '-S', LAUNCH, usage_file.name, '--'] + list(argv),  # pylint: disable=consider-using-with
                                   env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=err, start_new_session=True)
        expired = threading.Event()

        def kill_group():
            expired.set()
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill_group)
        timer.start()
        try:
            process.wait()
        finally:
            timer.cancel()
        wall = time.perf_counter() - started
        try:
            with open(usage_file.name, encoding='utf-8') as handle:
                usage = json.load(handle)
        except ValueError:  # killed before it wrote anything
            usage = {'cpu': 0.0, 'maxrss_kb': 0}
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode('utf-8', 'replace'), err.read().decode('utf-8', 'replace')
    status = 'timeout' if expired.is_set() else ('ok' if process.returncode == 0 else 'failed')
    return ChildResult(status, process.returncode, wall, usage['cpu'], usage['maxrss_kb'], stdout, stderr)

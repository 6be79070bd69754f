# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run one runner as a child process the way a user would, and measure it with os.wait4.

wait4 gives the child's CPU time (user + system) and its peak RSS; both include the descendants it waited for
(ansible-playbook's workers and the module's interpreter). A timer kills the child's whole process group when
it runs past its timeout, so one stuck run cannot hold the bench.
"""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import threading
import time


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
    """Start ``argv``, wait for it with os.wait4, kill its process group after ``timeout`` seconds."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=err,  # pylint: disable=consider-using-with
                                   start_new_session=True)
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
            _pid, wait_status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(wait_status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode('utf-8', 'replace'), err.read().decode('utf-8', 'replace')
    status = 'timeout' if expired.is_set() else ('ok' if process.returncode == 0 else 'failed')
    return ChildResult(status, process.returncode, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, stdout, stderr)

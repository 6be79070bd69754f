# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Start ``python -m emulator --port 0`` as a subprocess, learn its URL, stop it: the one way every user does it.

``make test``/``make demo`` (scripts/with_emulator.py), the emulator's tests and the collection's unit tests all
start emulators through this class, so a start that hangs or fails reports the emulator's own stderr.
"""

from __future__ import annotations

import os
import re
import selectors
import signal
import subprocess
import sys
import tempfile
import time

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LISTEN_LINE = re.compile(r"emulator listening on (https?)://(\S+):(\d+)")
STOP_TIMEOUT = 15.0


class EmulatorProcess:
    """One running emulator with ``url``, ``scheme``, ``host``, ``port``; a context manager that stops it."""

    def __init__(self, args=(), python: str = sys.executable, env=None, start_timeout: float = 120.0):
        self.args = tuple(str(arg) for arg in args)
        self._stderr = tempfile.TemporaryFile()  # pylint: disable=consider-using-with
        self.process = subprocess.Popen(  # pylint: disable=consider-using-with
            [python, "-m", "emulator", "--port", "0", "--stop-on-stdin-eof", *self.args], cwd=REPO_ROOT, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr)
        self.line = self._read_listen_line(start_timeout)
        match = LISTEN_LINE.fullmatch(self.line)
        self.scheme, self.host, self.port = match.group(1), match.group(2), int(match.group(3))
        self.url = "%s://%s:%d" % (self.scheme, self.host, self.port)

    def _read_listen_line(self, start_timeout: float) -> str:
        """The single line printed on start; fails with the emulator's stderr if it never comes."""
        deadline = time.monotonic() + start_timeout
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            while time.monotonic() < deadline:
                if selector.select(timeout=0.2):
                    line = self.process.stdout.readline().decode("utf-8").rstrip("\n")
                    if LISTEN_LINE.fullmatch(line):
                        return line
                    break
                if self.process.poll() is not None:
                    break
        self.process.kill()
        self.process.wait(STOP_TIMEOUT)
        raise RuntimeError("emulator %s did not start: %s" % (" ".join(self.args), self.stderr_text()))

    def stderr_text(self) -> str:
        self._stderr.seek(0)
        return self._stderr.read().decode("utf-8", "replace")

    def send_signal(self, sig=signal.SIGTERM) -> None:
        if self.process.poll() is None:
            self.process.send_signal(sig)

    def stop(self, sig=signal.SIGTERM):
        """Signal the emulator and wait for it; the exit status, or None when it had to be killed."""
        status = None
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                status = self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(STOP_TIMEOUT)
        else:
            status = self.process.returncode
        self.process.stdout.close()
        self.process.stdin.close()
        return status

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()

# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Start ``python -m emulator --port 0`` as a subprocess, learn its URL, stop it: the one way every user does it.

``make test``/``make demo`` (scripts/with_emulator.py), the emulator's tests and the collection's unit tests all
start emulators through this class, so a start that hangs or fails reports the emulator's own stderr.
The emulator's admin calls (``/_emulator/...``: ground truth, appends, request counters) live here as well, in
``EmulatorAdmin``, which ``EmulatorProcess`` is; standard library only, a timeout on every call.
"""

from __future__ import annotations

import json
import os
import re
import selectors
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LISTEN_LINE = re.compile(r"emulator listening on (https?)://(\S+):(\d+)")
STOP_TIMEOUT = 15.0
ADMIN_TIMEOUT = 60.0


class EmulatorAdmin:
    """The admin calls of the emulator at ``url`` (docs/emulator.md), for tests and benchmarks that check what was served.

    ``cafile``: the CA that signed an emulator's TLS certificate; ``timeout``: seconds for each call.
    """

    admin_timeout = ADMIN_TIMEOUT

    def __init__(self, url: str, cafile=None, timeout=None):
        self.url = url.rstrip("/")
        if timeout is not None:
            self.admin_timeout = timeout
        # Straight to the emulator on loopback, never through a proxy from the environment.
        handlers = [urllib.request.ProxyHandler({})]
        if self.url.startswith("https:"):
            handlers.append(urllib.request.HTTPSHandler(context=ssl.create_default_context(cafile=cafile)))
        self._opener = urllib.request.build_opener(*handlers)

    def request_json(self, method: str, path: str, params=None, headers=None):
        """``method`` on ``path`` (with the query ``params``) of this emulator: the JSON it answers; HTTPError on a status >= 400."""
        url = self.url + path + ("?" + urllib.parse.urlencode(params) if params else "")
        request = urllib.request.Request(url, method=method, headers=headers or {})
        with self._opener.open(request, timeout=self.admin_timeout) as response:
            return json.loads(response.read())

    def entry_ids(self, contracts, start=None, end=None) -> list:
        """Ground truth: the ids in [start, end) of one contract, or of several one after the other, in ascending time order.

        Read from the emulator's store (``GET /_emulator/entries``): no paging, no faults, ``dateEnd`` as the API reads it.
        """
        window = {name: value for name, value in (("dateStart", start), ("dateEnd", end)) if value is not None}
        ids = []
        for contract in [contracts] if isinstance(contracts, int) else contracts:
            ids.extend(self.request_json("GET", "/_emulator/entries/%d" % contract, window)["ids"])
        return ids

    def append(self, contract: int, count: int, lag: float = 0) -> list:
        """Append ``count`` entries to ``contract`` now, dated ``lag`` seconds back (``POST /_emulator/append``); their ids."""
        return self.request_json("POST", "/_emulator/append/%d" % contract, {"count": count, "lag": lag})["ids"]

    def cloud_requests(self, contracts) -> list:
        """The Cloud API requests of one contract or of several (``GET /_emulator/requests``), oldest first: each
        ``{"id", "createdDate", "status", "retained", "secrets"}``; ``retained`` false: the API answers 404 (too old)."""
        listing = []
        for contract in [contracts] if isinstance(contracts, int) else contracts:
            listing.extend(self.request_json("GET", "/_emulator/requests/%d" % contract)["requests"])
        return listing

    def stats(self) -> dict:
        """The request counters (``GET /_emulator/stats``): ``requests``, ``by_status`` and the rest; those of
        ``/cloudapi/v6/requests/{id}`` apart in ``cloud_requests`` (with ``by_id``: requests per request id)."""
        return self.request_json("GET", "/_emulator/stats")

    def reset_stats(self) -> None:
        """Set the request counters back to zero (``POST /_emulator/stats/reset``)."""
        self.request_json("POST", "/_emulator/stats/reset")


class EmulatorProcess(EmulatorAdmin):
    """One running emulator with ``url``, ``scheme``, ``host``, ``port`` and the admin calls; a context manager that stops it."""

    def __init__(self, args=(), python: str = sys.executable, env=None, start_timeout: float = 120.0, cafile=None, admin_timeout=None):
        self.args = tuple(str(arg) for arg in args)
        self._stderr = tempfile.TemporaryFile()  # pylint: disable=consider-using-with
        self.process = subprocess.Popen(  # pylint: disable=consider-using-with
            [python, "-m", "emulator", "--port", "0", "--stop-on-stdin-eof", *self.args], cwd=REPO_ROOT, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr)
        self.line = self._read_listen_line(start_timeout)
        match = LISTEN_LINE.fullmatch(self.line)
        self.scheme, self.host, self.port = match.group(1), match.group(2), int(match.group(3))
        super().__init__("%s://%s:%d" % (self.scheme, self.host, self.port), cafile=cafile, timeout=admin_timeout)

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

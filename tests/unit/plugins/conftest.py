# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Emulators for the engine's tests: real HTTP on loopback, started from the collection's emulator package.

emulator/ is shipped in the artifact with these tests, so they run from an installed copy too (tests/packaging).
"""

from __future__ import annotations

import threading
from http.server import ThreadingHTTPServer

import pytest

from ansible_collections.ionos.activitylog.emulator.process import EmulatorProcess


@pytest.fixture(scope='module')
def start_emulator():
    """Factory: start_emulator('--entries', '500') gives an EmulatorProcess stopped after the module's tests."""
    started = []

    def start(*args):
        emulator = EmulatorProcess(args)
        started.append(emulator)
        return emulator

    yield start
    for emulator in started:
        emulator.stop()


@pytest.fixture()
def serve_on_loopback():
    """Factory: serve_on_loopback(HandlerClass) runs an HTTP server on 127.0.0.1 for the test and gives its URL. One per
    test: ansible-test runs each test in a forked process, which a module-scoped server would not outlive."""
    servers = []

    def serve(handler) -> str:
        server = ThreadingHTTPServer(('127.0.0.1', 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return 'http://127.0.0.1:%d' % server.server_address[1]

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()

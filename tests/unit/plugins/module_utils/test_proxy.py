# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The proxy option: every request goes through a forwarding HTTP proxy on loopback."""

from __future__ import annotations

import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ansible_collections.ionos.activitylog.plugins.module_utils.activity import fetch_activity


class ForwardingProxy(BaseHTTPRequestHandler):
    """A plain HTTP proxy: GET with an absolute URI, forwarded with the same headers; counts what it forwards."""

    protocol_version = 'HTTP/1.1'
    seen = []

    def do_GET(self):  # pylint: disable=invalid-name
        headers = {name: value for name, value in self.headers.items() if name.lower() not in ('proxy-connection', 'connection', 'host')}
        with urllib.request.urlopen(urllib.request.Request(self.path, headers=headers), timeout=30) as answer:  # nosec - loopback only
            body = answer.read()
            status = answer.status
        self.seen.append(self.path)
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # pylint: disable=arguments-differ
        pass


@pytest.fixture(scope='module')
def proxy():
    server = ThreadingHTTPServer(('127.0.0.1', 0), ForwardingProxy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield 'http://127.0.0.1:%d' % server.server_address[1]
    server.shutdown()
    server.server_close()


def test_requests_go_through_the_proxy(start_emulator, proxy):
    emulator = start_emulator('--contracts', '2', '--entries', '400', '--days', '3')
    ForwardingProxy.seen.clear()
    result = fetch_activity({'api_url': emulator.url, 'token': 'reseller-token', 'start': '-4d', 'proxy': proxy, 'page_size': 100})
    assert result['returned'] == 800
    assert len(ForwardingProxy.seen) == result['stats']['requests'] >= 9
    assert all(path.startswith(emulator.url + '/activitylog/v1/contracts') for path in ForwardingProxy.seen)

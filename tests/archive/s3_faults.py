# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A fault-injecting reverse proxy to put in front of the test S3 server: the archive's retries and its idempotence
are tested against real S3 answers, with scripted errors, slow answers and dropped connections in between.

Clients sign for the proxy's address; the proxy forwards the Host header as sent, so SigV4 signatures still hold.
Standard library only, loopback only, a timeout on every upstream call.
"""

from __future__ import annotations

import collections
import dataclasses
import http.client
import http.server
import sys
import threading
import urllib.parse

HOP_BY_HOP = {'connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'expect'}
ERROR_CODES = {403: 'AccessDenied', 404: 'NoSuchKey', 412: 'PreconditionFailed', 500: 'InternalError', 503: 'ServiceUnavailable'}


@dataclasses.dataclass
class Fault:
    """One scripted fault, applied to at most ``times`` matching requests.

    Matches ``method`` (None: any) and ``path_contains`` in the percent-decoded path and query (botocore encodes
    ``=`` in keys as %3D). Then: sleep ``delay`` seconds; answer ``status`` with an S3 error body (``code``), or
    ``drop`` the connection without answering, else forward. ``after``: forward first, so the write is applied
    upstream and only its answer is lost. ``applied`` counts its uses.
    """

    method: str = None
    path_contains: str = ''
    status: int = None
    delay: float = 0.0
    drop: bool = False
    times: int = 1
    after: bool = False
    code: str = None
    applied: int = 0

    def matches(self, method: str, target: str) -> bool:
        return self.applied < self.times and self.method in (None, method) and self.path_contains in target


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server: '_Server'

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass

    def _any(self):
        proxy = self.server.proxy
        fault = proxy.take(self.command, urllib.parse.unquote(self.path))
        body = self._read_body()
        if fault and fault.delay and proxy.stopping.wait(fault.delay):
            return self._drop()
        if fault and (fault.status or fault.drop) and not fault.after:
            return self._drop() if fault.drop else self._send_error(fault)
        status, reason, headers, answer = self._forward(body)
        if fault and (fault.status or fault.drop):
            return self._drop() if fault.drop else self._send_error(fault)
        self.send_response(status, reason)
        for name, value in headers:
            if name.lower() not in HOP_BY_HOP and not (name.lower() == 'content-length' and self.command != 'HEAD'):
                self.send_header(name, value)
        if self.command != 'HEAD':
            self.send_header('Content-Length', str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)
        return None

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = do_OPTIONS = do_PATCH = _any

    def _read_body(self) -> bytes:
        if 'chunked' in self.headers.get('Transfer-Encoding', '').lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b';')[0], 16)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
                if not size:
                    return b''.join(chunks)
        return self.rfile.read(int(self.headers.get('Content-Length') or 0))

    def _forward(self, body: bytes):
        """The request to the upstream with the client's headers (Host as sent): status, reason, headers, body."""
        proxy = self.server.proxy
        connection = http.client.HTTPConnection(proxy.upstream.hostname, proxy.upstream.port, timeout=proxy.timeout)
        try:
            connection.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
            for name, value in self.headers.items():
                if name.lower() not in HOP_BY_HOP and name.lower() != 'content-length':
                    connection.putheader(name, value)
            if body or self.command in ('PUT', 'POST'):
                connection.putheader('Content-Length', str(len(body)))
            connection.endheaders(body)
            response = connection.getresponse()
            return response.status, response.reason, response.getheaders(), response.read()
        finally:
            connection.close()

    def _send_error(self, fault: Fault) -> None:
        code = fault.code or ERROR_CODES.get(fault.status, 'InjectedFault')
        answer = ('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>%s</Code><Message>injected by s3_faults</Message>'
                  '<Resource>%s</Resource></Error>' % (code, self.path.split('?')[0])).encode()
        self.send_response(fault.status)
        self.send_header('Content-Type', 'application/xml')
        self.send_header('Content-Length', '0' if self.command == 'HEAD' else str(len(answer)))
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(answer)

    def _drop(self) -> None:
        self.close_connection = True


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    proxy: 'FaultProxy'

    def handle_error(self, request, client_address):
        """A client that gave up (its timeout) is what some tests provoke: no traceback for that."""
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


class FaultProxy:
    """The proxy on 127.0.0.1 (a free port) in front of ``upstream_url``: ``url``, ``faults``, ``add()``, ``counts``
    (requests seen per method), ``requests`` ((method, decoded path) in order), ``reset()``, ``stop()``; a context manager."""

    def __init__(self, upstream_url: str, faults=(), timeout: float = 30.0):
        self.upstream = urllib.parse.urlsplit(upstream_url)
        self.timeout = timeout
        self.faults = list(faults)
        self.counts = collections.Counter()
        self.requests = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._server = _Server(('127.0.0.1', 0), _Handler)
        self._server.proxy = self
        self.url = 'http://127.0.0.1:%d' % self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={'poll_interval': 0.1}, daemon=True)
        self._thread.start()

    def add(self, *faults: Fault) -> None:
        with self._lock:
            self.faults.extend(faults)

    def take(self, method: str, target: str):
        """Count the request; the first fault that matches it (used up once more), or None."""
        with self._lock:
            self.counts[method] += 1
            self.requests.append((method, target))
            for fault in self.faults:
                if fault.matches(method, target):
                    fault.applied += 1
                    return fault
        return None

    def reset(self) -> None:
        """No faults, no counts."""
        with self._lock:
            self.faults.clear()
            self.counts.clear()
            self.requests.clear()

    def stop(self) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()

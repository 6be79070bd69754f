# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP plumbing: a threaded HTTP/1.1 keep-alive server with optional TLS.

TCP_NODELAY plus a 64 KiB write buffer keep headers and body in one write, which avoids the 40 ms Nagle /
delayed-ACK stall of http.server on kept-alive connections (see the latency note in shared/notes).
"""

from __future__ import annotations

import socket
import socketserver
import ssl
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from emulator import __version__
from emulator.api import DROP, Request
from emulator.responses import error_response

MAX_REQUEST_BODY = 1 << 20


class Handler(BaseHTTPRequestHandler):
    """Reads a request, asks the application, writes its answer (or drops the connection)."""

    protocol_version = "HTTP/1.1"
    server_version = f"ionos-activitylog-emulator/{__version__}"
    sys_version = ""
    disable_nagle_algorithm = True
    wbufsize = 65536
    timeout = 60

    def version_string(self) -> str:
        return self.server_version

    def setup(self):
        super().setup()
        if isinstance(self.connection, ssl.SSLSocket):
            self.connection.do_handshake()

    def _discard_body(self) -> None:
        """Read and drop a request body so the next request on the connection starts at the right byte."""
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = MAX_REQUEST_BODY + 1
        if length > MAX_REQUEST_BODY or length < 0:
            self.close_connection = True
        elif length:
            self.rfile.read(length)

    def _serve(self) -> None:
        self._discard_body()
        server = self.server
        request = Request(self.command, self.path, self.headers.get("Authorization"), self.headers.get("Host") or server.default_host, server.scheme,
                          self.headers.get("X-Contract-Number"))
        try:
            response = server.app.respond(request)
        except Exception as error:  # an emulator bug must still answer in the documented shape
            self.log_message("internal error: %r", error)
            response = error_response(500, "Internal emulator error")
        if response is DROP:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        self._send(response)

    def __getattr__(self, name: str):
        """Every method (GET, POST, TRACE, anything) reaches the application, which answers 405 where it must."""
        if name.startswith("do_"):
            return self._serve
        raise AttributeError(name)

    def _send(self, response) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def send_error(self, code, message=None, explain=None):
        """Protocol-level errors (bad request line, unknown method) in the IONOS error shape too."""
        self.close_connection = True
        reason = message or self.responses.get(code, ("Error",))[0]
        self._send(error_response(code, reason, [("Connection", "close")]))

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        """Per-request log lines only with --verbose; the request line never holds credentials."""
        if self.server.verbose:
            sys.stderr.write(f"{self.address_string()} - {format % args}\n")


class EmulatorServer(ThreadingHTTPServer):
    """Threaded server; TLS handshakes run in the connection's thread, never in the accept loop."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple, app, ssl_context=None, verbose: bool = False):
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.app = app
        self.ssl_context = ssl_context
        self.verbose = verbose
        self.scheme = "https" if ssl_context else "http"
        super().__init__(address, Handler)
        host = address[0]
        self.default_host = f"[{host}]:{self.port}" if ":" in host else f"{host}:{self.port}"

    @property
    def port(self) -> int:
        return self.server_address[1]

    def server_bind(self):
        """Bind without http.server's getfqdn() name lookup, which can stall on a machine without DNS."""
        socketserver.TCPServer.server_bind(self)
        self.server_name = self.server_address[0]
        self.server_port = self.server_address[1]

    def get_request(self):
        connection, address = super().get_request()
        if self.ssl_context is not None:
            connection = self.ssl_context.wrap_socket(connection, server_side=True, do_handshake_on_connect=False)
        return connection, address

    def handle_error(self, request, client_address):
        """Failed handshakes and reset connections are normal under fault tests: report them only with --verbose."""
        if self.verbose:
            super().handle_error(request, client_address)


def tls_context(cert_file: str, key_file: str) -> ssl.SSLContext:
    """A server context with the given certificate chain and key."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return context

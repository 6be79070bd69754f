# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Proxies (the option, then the proxy variables) and ~/.netrc, which the client reads once per session."""

from __future__ import annotations

import urllib.request
from http.server import BaseHTTPRequestHandler

import pytest

from ansible_collections.ionos.activitylog.plugins.module_utils.activity import fetch_activity
from ansible_collections.ionos.activitylog.plugins.module_utils.errors import ActivityLogError


# The proxy itself forwards directly, whatever proxy variables a test sets.
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class ForwardingProxy(BaseHTTPRequestHandler):
    """A plain HTTP proxy: GET with an absolute URI, forwarded with the same headers; counts what it forwards."""

    protocol_version = 'HTTP/1.1'
    seen = []

    def do_GET(self):  # pylint: disable=invalid-name
        headers = {name: value for name, value in self.headers.items() if name.lower() not in ('proxy-connection', 'connection', 'host')}
        with DIRECT.open(urllib.request.Request(self.path, headers=headers), timeout=30) as answer:  # nosec - loopback only
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


@pytest.fixture()
def proxy(serve_on_loopback):
    return serve_on_loopback(ForwardingProxy)


def test_requests_go_through_the_proxy(start_emulator, proxy):
    emulator = start_emulator('--contracts', '2', '--entries', '400', '--days', '3')
    ForwardingProxy.seen.clear()
    result = fetch_activity({'api_url': emulator.url, 'token': 'reseller-token', 'start': '-4d', 'proxy': proxy, 'page_size': 100})
    assert result['returned'] == 800
    assert len(ForwardingProxy.seen) == result['stats']['requests'] >= 9
    assert all(path.startswith(emulator.url + '/activitylog/v1/contracts') for path in ForwardingProxy.seen)


@pytest.fixture()
def clean_proxy_env(monkeypatch):
    for name in ('HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'all_proxy', 'no_proxy'):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_the_proxy_option_wins_over_the_proxy_variables(start_emulator, proxy, clean_proxy_env):
    emulator = start_emulator('--contracts', '1', '--entries', '300', '--days', '3')
    clean_proxy_env.setenv('HTTP_PROXY', 'http://127.0.0.1:9')  # nothing listens there
    ForwardingProxy.seen.clear()
    result = fetch_activity({'api_url': emulator.url, 'token': 'reseller-token', 'start': '-4d', 'proxy': proxy, 'retries': 0})
    assert result['returned'] == 300
    assert len(ForwardingProxy.seen) == result['stats']['requests']


def test_without_the_option_the_proxy_variables_apply(start_emulator, proxy, clean_proxy_env):
    emulator = start_emulator('--contracts', '1', '--entries', '300', '--days', '3')
    clean_proxy_env.setenv('HTTP_PROXY', proxy)
    ForwardingProxy.seen.clear()
    result = fetch_activity({'api_url': emulator.url, 'token': 'reseller-token', 'start': '-4d'})
    assert result['returned'] == 300
    assert len(ForwardingProxy.seen) == result['stats']['requests'] >= 2
    clean_proxy_env.setenv('NO_PROXY', '127.0.0.1')
    ForwardingProxy.seen.clear()
    assert fetch_activity({'api_url': emulator.url, 'token': 'reseller-token', 'start': '-4d'})['returned'] == 300
    assert not ForwardingProxy.seen


def test_netrc_credentials_apply_when_no_credential_is_given(start_emulator, tmp_path, monkeypatch):
    emulator = start_emulator('--contracts', '1', '--entries', '300', '--days', '3')
    netrc = tmp_path / 'netrc'
    netrc.write_text('machine 127.0.0.1 login reseller@example.com password reseller-password\n', encoding='utf-8')
    netrc.chmod(0o600)
    monkeypatch.setenv('NETRC', str(netrc))
    for name in ('IONOS_TOKEN', 'IONOS_USERNAME', 'IONOS_PASSWORD'):
        monkeypatch.delenv(name, raising=False)
    assert fetch_activity({'api_url': emulator.url, 'start': '-4d'})['returned'] == 300


def test_a_user_and_password_in_api_url_are_sent_as_basic_auth_and_never_shown(start_emulator, monkeypatch):
    emulator = start_emulator('--contracts', '1', '--entries', '300', '--days', '3')
    for name in ('IONOS_TOKEN', 'IONOS_USERNAME', 'IONOS_PASSWORD', 'NETRC'):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv('HOME', '/nonexistent')  # no ~/.netrc
    with_user = emulator.url.replace('http://', 'http://reseller%40example.com:reseller-password@')
    assert fetch_activity({'api_url': with_user, 'start': '-4d'})['returned'] == 300
    with pytest.raises(ActivityLogError) as refused:
        fetch_activity({'api_url': with_user.replace('reseller-password', 'wrong-password'), 'start': '-4d', 'retries': 0})
    assert '(401)' in str(refused.value) and 'wrong-password' not in str(refused.value) and 'reseller%40' not in str(refused.value)


def test_a_socks_proxy_without_pysocks_says_what_to_install(start_emulator):
    pytest.importorskip('urllib3')
    try:
        import socks  # noqa: F401  pylint: disable=import-outside-toplevel,unused-import
        pytest.skip('PySocks is installed here')
    except ImportError:
        pass
    emulator = start_emulator('--contracts', '1', '--entries', '10', '--days', '3')
    with pytest.raises(ActivityLogError) as caught:
        fetch_activity({'api_url': emulator.url, 'token': 'reseller-token', 'start': '-4d', 'proxy': 'socks5://user:secret@127.0.0.1:1080'})
    assert str(caught.value) == ('the proxy socks5://127.0.0.1:1080 is a SOCKS proxy, which needs the PySocks library on the host that runs '
                                 'this: pip install pysocks')


@pytest.mark.parametrize('proxy, kind', [('ftp://user:secret@127.0.0.1:3128', 'ProxySchemeUnknown'), ('127.0.0.1:3128', 'ProxySchemeUnknown')])
def test_a_proxy_url_that_cannot_be_used_is_named_without_its_password(proxy, kind):
    with pytest.raises(ActivityLogError) as caught:
        fetch_activity({'api_url': 'http://127.0.0.1:9', 'token': 'reseller-token', 'start': '-1d', 'proxy': proxy, 'retries': 0})
    assert str(caught.value).startswith('the proxy %s is not a usable proxy URL (%s): give it as http://host:port' % (proxy.replace('user:secret@', ''), kind))
    assert 'secret' not in str(caught.value)

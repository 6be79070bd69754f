# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How a GET reaches the API: one urllib3 pool manager per run, set up the way requests sets up a session, once.

requests decides what the environment asks for (the proxy option, else the proxy variables and NO_PROXY; the CA
bundle from ca_path, REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE, else certifi's; ~/.netrc when no credential is given; the
user and password of api_url), and urllib3, on which requests is built, sends. A run's requests all go to one host
with the same headers, so requests' work per request (preparing it, merging the session's settings, cookies, hooks,
building its Response) is left out: it cost about 1 ms of CPU per request, as much as decoding a page of 100 entries.
"""

from __future__ import annotations

import base64
import os
import re
from urllib.parse import urlencode

from ansible_collections.ionos.activitylog.plugins.module_utils.errors import ApiError

try:
    import requests
    import urllib3
    from requests.utils import DEFAULT_CA_BUNDLE_PATH, get_auth_from_url, get_netrc_auth, select_proxy
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
    TLS_ERRORS = (urllib3.exceptions.SSLError,)
    # urllib3 raises its own exceptions for what goes wrong on the way (it wraps socket and http.client errors).
    TRANSPORT_ERRORS = (urllib3.exceptions.HTTPError,)
except ImportError as import_error:  # pragma: no cover - reported by the module and the lookup
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = import_error
    TLS_ERRORS = TRANSPORT_ERRORS = ()


class Answer:
    """What a GET gave: ``status``, ``headers`` (case-insensitive ``get``) and the whole ``body`` as bytes."""

    __slots__ = ('status', 'headers', 'body')

    def __init__(self, status: int, headers, body: bytes):
        self.status = status
        self.headers = headers
        self.body = body


class Transport:
    """GETs to ``base``'s host over pooled keep-alive connections (at most ``concurrency`` kept), shared by threads.

    ``verify``: True, False or a CA bundle path; ``fingerprint``: a SHA-256 the certificate must have instead (no CA
    check); ``proxy``: the proxy option (None: the environment decides); ``authorization``: the Authorization header,
    None to take user and password from ``base`` or ~/.netrc as requests would.
    """

    def __init__(self, base: str, *, verify, fingerprint: str | None, proxy: str | None, concurrency: int, timeout: float,
                 headers: dict, authorization: str | None):
        session = requests.Session()
        try:
            proxies = {'http': proxy, 'https': proxy} if proxy else {}
            settings = session.merge_environment_settings(base, proxies, None, verify, None)
        finally:
            session.close()
        if authorization is None:
            user, password = get_auth_from_url(base)
            if user or password:
                authorization = basic_authorization(user, password)
            else:
                netrc = get_netrc_auth(base)
                authorization = basic_authorization(*netrc) if netrc else None
        self.headers = dict(headers, **{'Accept-Encoding': 'gzip, deflate', 'Connection': 'keep-alive'})
        if authorization is not None:
            self.headers['Authorization'] = authorization
        self.timeout = urllib3.Timeout(connect=timeout, read=timeout)
        self.manager = pool_manager(select_proxy(base, settings['proxies']), settings['verify'], fingerprint, concurrency)

    def get(self, url: str, params: dict | None = None, headers: dict | None = None) -> Answer:
        """GET ``url`` (without user:password@) and the query of ``params``; urllib3's exceptions (TLS_ERRORS,
        TRANSPORT_ERRORS) pass."""
        if params:
            url += '?' + urlencode(params)
        response = self.manager.request('GET', url, headers=dict(self.headers, **headers) if headers else self.headers, retries=False,
                                        redirect=False, timeout=self.timeout, preload_content=True, decode_content=True)
        return Answer(response.status, response.headers, response.data)

    def close(self) -> None:
        """Close every pooled connection."""
        self.manager.clear()


def pool_manager(proxy: str | None, verify, fingerprint: str | None, concurrency: int):
    """urllib3's manager for these TLS settings, through ``proxy`` (http(s)://, or socks with PySocks) when there is one;
    ApiError for a proxy URL urllib3 cannot use (its own message may show the proxy's password, so only its kind)."""
    try:
        return _pool_manager(proxy, verify, fingerprint, concurrency)
    except ValueError as error:  # urllib3's LocationParseError and ProxySchemeUnknown are ValueErrors, as is urlparse's
        raise ApiError('the proxy %s is not a usable proxy URL (%s): give it as http://host:port, from the proxy option or the '
                       'HTTPS_PROXY / HTTP_PROXY variables' % (without_userinfo(proxy or ''), type(error).__name__)) from None


def _pool_manager(proxy: str | None, verify, fingerprint: str | None, concurrency: int):
    tls = {'cert_reqs': 'CERT_NONE', 'assert_fingerprint': fingerprint} if fingerprint else (
        {'cert_reqs': 'CERT_NONE'} if verify is False else
        {'cert_reqs': 'CERT_REQUIRED', 'ca_certs': DEFAULT_CA_BUNDLE_PATH if verify is True else verify})
    if isinstance(tls.get('ca_certs'), str) and os.path.isdir(tls['ca_certs']):
        tls['ca_cert_dir'] = tls.pop('ca_certs')  # c_rehash'd directory, as requests allows
    pool = {'num_pools': 2, 'maxsize': concurrency, 'block': False}
    if not proxy:
        return urllib3.PoolManager(**pool, **tls)
    if proxy.lower().startswith('socks'):
        try:
            from urllib3.contrib.socks import SOCKSProxyManager  # pylint: disable=import-outside-toplevel
        except ImportError:
            raise ApiError('the proxy %s is a SOCKS proxy, which needs the PySocks library on the host that runs this: pip install pysocks'
                           % without_userinfo(proxy)) from None
        user, password = get_auth_from_url(proxy)
        return SOCKSProxyManager(proxy, username=user or None, password=password or None, **pool, **tls)
    user, password = get_auth_from_url(proxy)
    proxy_headers = {'Proxy-Authorization': basic_authorization(user, password)} if user else None
    return urllib3.ProxyManager(proxy, proxy_headers=proxy_headers, **pool, **tls)


def without_userinfo(url: str) -> str:
    """The URL without ``user:password@`` so that messages never show credentials written into it (any text)."""
    return re.sub(r'^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@', r'\1', url)


def basic_authorization(user: str, password: str) -> str:
    """The Authorization header of HTTP basic auth (latin-1 as requests encodes it, UTF-8 beyond)."""
    def encoded(text):
        try:
            return text.encode('latin1')
        except UnicodeEncodeError:
            return text.encode('utf-8')
    return 'Basic ' + base64.b64encode(encoded(user) + b':' + encoded(password)).decode('ascii')


def transport_message(base: str, error, timeout: float) -> str:
    """The message of one of urllib3's TRANSPORT_ERRORS (NewConnectionError is a ConnectTimeoutError in urllib3's tree)."""
    exceptions = urllib3.exceptions
    if isinstance(error, exceptions.TimeoutError) and not isinstance(error, exceptions.NewConnectionError):
        return 'No answer from %s within %g seconds: raise timeout or check the network.' % (base, timeout)
    if isinstance(error, (exceptions.NewConnectionError, exceptions.ProtocolError, exceptions.ProxyError)):
        return 'The connection to %s failed or was dropped (%s): check api_url, proxy and the network.' % (base, type(error).__name__)
    return 'The request to %s failed (%s).' % (base, type(error).__name__)

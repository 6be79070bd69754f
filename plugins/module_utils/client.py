# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP client of the Activity Log API: auth, TLS, proxies, pooled keep-alive connections, retries, errors.

One requests.Session per thread (a Session is not thread-safe), each with its own pool. Every failure becomes an
ApiError whose message names the cause and the fix; credentials never enter a message.
"""

from __future__ import annotations

import json
import re
import threading
from urllib.parse import urlsplit

from ansible_collections.ionos.activitylog.plugins.module_utils.errors import ApiError
from ansible_collections.ionos.activitylog.plugins.module_utils.retry import ConcurrencyGate, RetryBudget, RetryPolicy, is_retryable_status
from ansible_collections.ionos.activitylog.plugins.module_utils.version import COLLECTION_VERSION

try:
    import requests
    from requests.adapters import HTTPAdapter
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError as import_error:  # pragma: no cover - reported by the module and the lookup
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = import_error

API_PATH = '/activitylog/v1'
RETRY_BUDGET_PER_RETRY = 20
RETRIES_EARNED_PER_SUCCESS = 0.5


def base_url(api_url: str) -> str:
    """``api.ionos.com``, ``https://api.ionos.com/`` and ``.../activitylog/v1`` all give ``https://api.ionos.com/activitylog/v1``."""
    url = (api_url or '').strip()
    if not url.rstrip('/'):
        raise ApiError('api_url is empty: set it to https://api.ionos.com or leave it out')
    if not re.match(r'^[a-zA-Z][a-zA-Z0-9+.-]*://', url):
        url = 'https://' + url
    url = url.rstrip('/')
    try:
        parts = urlsplit(url)
        usable = parts.scheme.lower() in ('http', 'https') and bool(parts.hostname) and (parts.port is None or parts.port > 0)
    except ValueError:
        usable = False
    if not usable:
        raise ApiError('api_url %s is not a usable URL: give it as https://host[:port], for example https://api.ionos.com' % without_userinfo(url))
    if url.endswith(API_PATH):
        url = url[:-len(API_PATH)]
    return url + API_PATH


def without_userinfo(url: str) -> str:
    """The URL without ``user:password@`` so that messages never show credentials written into api_url."""
    return re.sub(r'^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@', r'\1', url)


def user_agent() -> str:
    try:
        from ansible.module_utils.ansible_release import __version__ as ansible_version  # pylint: disable=import-outside-toplevel
    except ImportError:  # pragma: no cover
        ansible_version = 'unknown'
    return 'ionos.activitylog/%s ansible-core/%s' % (COLLECTION_VERSION, ansible_version)


class Stats:
    """Counters of one run, shared by the worker threads."""

    def __init__(self):
        self._lock = threading.Lock()
        self.requests = 0
        self.retries = 0

    def count(self, retry: bool = False) -> None:
        with self._lock:
            self.requests += 1
            if retry:
                self.retries += 1


class ActivityLogClient:
    """GET JSON from the API with retries. ``settings`` is an options.Settings."""

    def __init__(self, settings):
        if not HAS_REQUESTS:
            raise ApiError('this needs the requests Python library on the host that runs it: pip install requests (%s)' % REQUESTS_IMPORT_ERROR)
        self.base = base_url(settings.api_url)
        self.shown = without_userinfo(self.base)
        self.timeout = settings.timeout
        self.budget = RetryBudget(max(settings.retries, 1) * RETRY_BUDGET_PER_RETRY, RETRIES_EARNED_PER_SUCCESS)
        self.policy = RetryPolicy(retries=settings.retries, budget=self.budget)
        self.gate = ConcurrencyGate(settings.concurrency)
        self.stats = Stats()
        self.stopped = threading.Event()
        self._local = threading.local()
        self._sessions = []
        self._sessions_lock = threading.Lock()
        self._pool_size = settings.concurrency
        self._verify = settings.ca_path or settings.validate_certs
        self._proxies = {'http': settings.proxy, 'https': settings.proxy} if settings.proxy else None
        self._headers = {'Accept': 'application/json', 'User-Agent': user_agent()}
        if settings.token:
            self._headers['Authorization'] = 'Bearer ' + settings.token
            self._auth = None
        elif settings.username:
            self._auth = (settings.username, settings.password or '')
        else:
            self._auth = None

    def close(self) -> None:
        """Close every pooled connection of every thread's session."""
        with self._sessions_lock:
            for session in self._sessions:
                session.close()
            self._sessions = []

    def _session(self):
        session = getattr(self._local, 'session', None)
        if session is None:
            session = requests.Session()
            adapter = HTTPAdapter(pool_connections=1, pool_maxsize=self._pool_size, max_retries=0)
            session.mount('https://', adapter)
            session.mount('http://', adapter)
            session.headers.update(self._headers)
            session.auth = self._auth
            if self._proxies:
                session.proxies.update(self._proxies)
            # Read the environment (proxy variables, NO_PROXY, REQUESTS_CA_BUNDLE, ~/.netrc) once for the session, not
            # on every request as requests does: those look-ups cost more than parsing a page.
            settings = session.merge_environment_settings(self.base, dict(self._proxies or {}), None, self._verify, None)
            session.proxies, session.verify = settings['proxies'], settings['verify']
            if session.auth is None and 'Authorization' not in session.headers:
                session.auth = requests.utils.get_netrc_auth(self.base)
            session.trust_env = False
            self._local.session = session
            with self._sessions_lock:
                self._sessions.append(session)
        return session

    def get_json(self, path: str, params: dict | None = None, contract: int | None = None):
        """The decoded JSON of GET base+path, retried as the policy says; ApiError when it cannot be had."""
        url = self.base + path
        attempt = 0
        while True:
            if self.stopped.is_set():
                raise ApiError('stopped because another request of this run failed')
            retry_after = None
            with self.gate:
                self.stats.count(retry=attempt > 0)
                try:
                    response = self._session().get(url, params=params, timeout=self.timeout)
                except requests.exceptions.SSLError as error:
                    raise ApiError(tls_message(self.shown, error)) from None
                except (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema, requests.exceptions.InvalidSchema) as error:
                    raise ApiError('api_url %s is not a usable URL (%s): give it as https://host[:port]' % (self.shown, type(error).__name__)) from None
                except requests.exceptions.InvalidHeader:
                    raise ApiError('the token or the user name cannot be sent in an HTTP header: check it for stray characters') from None
                except requests.exceptions.RequestException as error:
                    failure = ApiError(transport_message(self.shown, error, self.timeout))
                else:
                    failure, result = self._judge(response, contract)
                    if failure is None:
                        self.gate.on_success()
                        self.budget.earn()
                        return result
                    if response.status_code == 429:
                        retry_after = response.headers.get('Retry-After')
                        self.gate.on_throttled(self.policy.pause(retry_after))
            if not self._may_retry(failure, attempt):
                raise failure
            self.stopped.wait(self.policy.delay(attempt, retry_after))  # a sleep that ends at once when the run stops
            attempt += 1

    def stop(self) -> None:
        """Stop the run: sleeping retries wake and give up, requests waiting at the gate are let through to give up."""
        self.stopped.set()
        self.gate.close()

    def _may_retry(self, failure: ApiError, attempt: int) -> bool:
        """The policy's answer; when it is no for a retryable failure, the failure says why."""
        if self.policy.should_retry(attempt, failure.status):
            return True
        if failure.status is None or is_retryable_status(failure.status):
            reason = ('gave up after %d retries' % attempt if attempt >= self.policy.retries else
                      'gave up: the run used up its retry budget; the service fails too often to read it completely')
            failure.args = ('%s (%s)' % (failure.args[0], reason),)
        return False

    def _judge(self, response, contract):
        """(None, decoded JSON) for a usable 200; (ApiError, None) otherwise."""
        status = response.status_code
        if status == 200:
            try:
                return None, json.loads(response.content)
            except ValueError:
                return ApiError(unusable_body_message(response)), None
        detail = api_messages(response)
        return ApiError(status_message(status, detail, contract, self.shown), status, detail), None


def api_messages(response) -> str:
    """The messages of an IONOS error body, or a short safe description of a body that is not one."""
    try:
        body = json.loads(response.content)
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get('messages'), list):
        texts = []
        for item in body['messages']:
            if isinstance(item, dict):
                text = ' '.join(str(item[key]) for key in ('errorCode', 'message') if item.get(key) not in (None, ''))
                if text:
                    texts.append(text)
        if texts:
            return '; '.join(texts)
    kind = response.headers.get('Content-Type', 'no content type').split(';')[0]
    return 'the answer was not an IONOS error body (%s, %d bytes)' % (kind, len(response.content or b''))


def status_message(status: int, detail: str, contract: int | None, base: str) -> str:
    """One message per status that names the cause and the fix."""
    if status == 400:
        return 'The API rejected the request as invalid (400): %s. Check start, end and page_size.' % detail
    if status == 401:
        return ('The API refused the credentials (401): the token is missing, expired or wrong. Set token '
                '(or IONOS_TOKEN) to a valid token, or username and password. API says: %s' % detail)
    if status == 403:
        if contract is None:
            return 'The API refused to list the contracts (403): the credential lacks the access-activity-log privilege. API says: %s' % detail
        return ('cannot read contract %d: the token lacks access to it or the access-activity-log privilege (403). '
                'Remove it from contract_numbers or grant the privilege. API says: %s' % (contract, detail))
    if status == 404:
        return 'Not found (404) at %s: check api_url. API says: %s' % (base, detail)
    if status == 429:
        return 'The API kept rate limiting the requests (429): lower concurrency or run later. API says: %s' % detail
    if status >= 500:
        return 'The API failed (%d): %s. Run again later; if it persists, report it to IONOS.' % (status, detail)
    return 'The API answered with the unexpected status %d: %s' % (status, detail)


def unusable_body_message(response) -> str:
    kind = response.headers.get('Content-Type', 'no content type').split(';')[0]
    return ('The API answered 200 with a body that is not valid JSON (%s, %d bytes): the answer was cut off or '
            'mangled on the way, for example by a proxy.' % (kind, len(response.content or b'')))


def tls_message(base: str, error) -> str:
    text = str(error)
    marker = text.find('certificate verify failed')
    reason = re.split(r"[')]", text[marker:], maxsplit=1)[0] if marker >= 0 else 'TLS handshake failed'
    return ('TLS verification of %s failed (%s). Set ca_path (or REQUESTS_CA_BUNDLE) to the CA bundle that '
            'signed the server certificate; validate_certs=false only for tests.' % (base, reason))


def transport_message(base: str, error, timeout: float) -> str:
    if isinstance(error, requests.exceptions.Timeout):
        return 'No answer from %s within %g seconds: raise timeout or check the network.' % (base, timeout)
    if isinstance(error, requests.exceptions.ConnectionError):
        return 'The connection to %s failed or was dropped (%s): check api_url, proxy and the network.' % (base, type(error).__name__)
    return 'The request to %s failed (%s).' % (base, type(error).__name__)

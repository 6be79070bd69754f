# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP client of the Activity Log API: credentials, retries, the concurrency gate, errors (transport.py sends).

Every failure becomes an ApiError whose message names the cause and the fix; credentials never enter a message.
"""

from __future__ import annotations

import json
import re
import threading
from urllib.parse import quote, urlsplit

from ansible_collections.ionos.activitylog.plugins.module_utils.api import read_contracts, read_page
from ansible_collections.ionos.activitylog.plugins.module_utils.errors import ApiError, OptionError
from ansible_collections.ionos.activitylog.plugins.module_utils.retry import ConcurrencyGate, RetryBudget, RetryPolicy, is_retryable_status
from ansible_collections.ionos.activitylog.plugins.module_utils.version import COLLECTION_VERSION

from ansible_collections.ionos.activitylog.plugins.module_utils.transport import (
    HAS_REQUESTS, REQUESTS_IMPORT_ERROR, TLS_ERRORS, TRANSPORT_ERRORS, Transport, basic_authorization, transport_message, without_userinfo,
)

API_PATH = '/activitylog/v1'
CLOUD_REQUESTS_PATH = '/cloudapi/v6/requests/'
CONTRACT_HEADER = 'X-Contract-Number'
RETRY_BUDGET_PER_RETRY = 20
RETRIES_EARNED_PER_SUCCESS = 0.5


def base_url(api_url: str) -> str:
    """``api.ionos.com``, ``https://api.ionos.com/`` and ``.../activitylog/v1`` all give ``https://api.ionos.com/activitylog/v1``."""
    return resolve_base_url(api_url)[0]


def resolve_base_url(api_url: str) -> tuple[str, list[str]]:
    """The Activity Log API's base URL from ``api_url``, and warnings about what was dropped from it.

    The scheme (``https://`` when none), host and port are kept. A path ending in ``/activitylog/v1`` keeps its
    prefix (a reverse proxy); any other path, such as the ``/cloudapi/v6`` of the Cloud API's ``IONOS_API_URL``,
    is dropped with a warning, as are a query and a fragment.
    """
    url = (api_url or '').strip()
    if not url.rstrip('/'):
        raise ApiError('api_url is empty: set it to https://api.ionos.com or leave it out')
    if not re.match(r'^[a-zA-Z][a-zA-Z0-9+.-]*://', url):
        url = 'https://' + url
    try:
        parts = urlsplit(url)
        usable = parts.scheme.lower() in ('http', 'https') and bool(parts.hostname) and (parts.port is None or parts.port > 0)
    except ValueError:
        usable = False
    if not usable:
        raise ApiError('api_url %s is not a usable URL: give it as https://host[:port], for example https://api.ionos.com'
                       % without_userinfo(url.rstrip('/')))
    origin = '%s://%s' % (parts.scheme.lower(), parts.netloc)
    path = parts.path.rstrip('/')
    dropped = []
    if path.endswith(API_PATH):
        prefix = path[:-len(API_PATH)]
    else:
        prefix = ''
        if path:
            dropped.append('the path %s' % path)
    if parts.query:
        dropped.append('its query')  # not shown: a query is no place for a secret, but one may be there
    if parts.fragment:
        dropped.append('its fragment')
    base = origin + prefix + API_PATH
    warnings = []
    if dropped:
        warnings.append('api_url %s: %s %s dropped; the Activity Log API is at %s'
                        % (without_userinfo(origin + parts.path), ' and '.join(dropped), 'were' if len(dropped) > 1 else 'was',
                           without_userinfo(base)))
    return base, warnings


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
        self.detail_requests = 0  # Cloud API requests of request_details, counted apart (retries included)

    def count(self, retry: bool = False, detail: bool = False) -> None:
        with self._lock:
            if detail:
                self.detail_requests += 1
                return
            self.requests += 1
            if retry:
                self.retries += 1


class ActivityLogClient:
    """GET JSON from the API with retries. ``settings`` is an options.Settings."""

    def __init__(self, settings):
        if not HAS_REQUESTS:
            raise ApiError('this needs the requests Python library on the host that runs it: pip install requests (%s)' % REQUESTS_IMPORT_ERROR)
        base, self.warnings = resolve_base_url(settings.api_url)  # warnings: for the run's result
        self.base = self.shown = without_userinfo(base)  # a user and password in api_url are sent as basic auth instead
        self.origin = self.base[:-len(API_PATH)]  # the Cloud API's requests live beside the Activity Log, under the same prefix
        self.timeout = settings.timeout
        self.budget = RetryBudget(max(settings.retries, 1) * RETRY_BUDGET_PER_RETRY, RETRIES_EARNED_PER_SUCCESS)
        self.policy = RetryPolicy(retries=settings.retries, budget=self.budget)
        self.gate = ConcurrencyGate(settings.concurrency)
        self.stats = Stats()
        self.stopped = threading.Event()
        self._fingerprint = getattr(settings, 'certificate_fingerprint', None)
        if self._fingerprint and not self.base.lower().startswith('https://'):
            raise OptionError('certificate_fingerprint is set but api_url %s is not https://: a plain HTTP connection has no '
                              'certificate to check; use https://, or leave certificate_fingerprint out' % self.shown)
        self._credential_source = getattr(settings, 'credential_source', None)
        self._has_credential = bool(settings.token or settings.username or '@' in urlsplit(base).netloc)
        # Reseller sub-contracts: contract -> whether its requests carry X-Contract-Number (learnt from a 403), and the
        # choice for contracts not tried yet, once one needed the header.
        self._contract_header = {}
        self._contract_header_default = threading.Event()
        if settings.token:
            authorization = 'Bearer ' + settings.token
        elif settings.username:
            authorization = basic_authorization(settings.username, settings.password or '')
        else:
            authorization = None  # the user and password of api_url, else ~/.netrc
        # A pinned certificate replaces the CA check, as in the IONOS SDKs (IONOS_PINNED_CERT): its fingerprint is checked.
        self._transport = Transport(base, verify=settings.ca_path or settings.validate_certs, fingerprint=self._fingerprint,
                                    proxy=settings.proxy, concurrency=settings.concurrency, timeout=settings.timeout,
                                    headers={'Accept': 'application/json', 'User-Agent': user_agent()}, authorization=authorization)

    def close(self) -> None:
        """Close every pooled connection."""
        self._transport.close()

    def get_json(self, path: str, params: dict | None = None, contract: int | None = None, detail: bool = False):
        """The decoded JSON of GET base+path, retried as the policy says; ApiError when it cannot be had.

        A 403 on a contract's request is tried once more the other way as to X-Contract-Number (a reseller's
        sub-contract may need it); when that works, the contract keeps that way for the rest of the run, and once the
        header was needed, every contract's requests carry it (each its own number) unless one is refused with it.

        ``detail``: ``path`` is a Cloud API path under the origin, sent with the contract's X-Contract-Number (the Cloud
        API needs it for users of several contracts); a 403 or 404 is returned as that number instead of failing.
        """
        url = (self.origin if detail else self.base) + path
        attempt = 0
        with_header = False
        refused = set()  # the ways (with the header or not) this request was refused with 403
        while True:
            if self.stopped.is_set():
                raise ApiError('stopped because another request of this run failed')
            retry_after = None
            switched = False
            with self.gate:  # a slot only for the exchange itself: the answer is decoded after another request has started
                self.stats.count(retry=attempt > 0 or bool(refused), detail=detail)
                if detail:
                    with_header = contract is not None
                elif not refused:  # the run's choice as it is now, after the wait at the gate
                    with_header = contract is not None and self._contract_header.get(contract, self._contract_header_default.is_set())
                headers = {CONTRACT_HEADER: str(contract)} if with_header else None
                try:
                    response = self._transport.get(url, params, headers)
                except TLS_ERRORS as error:
                    raise ApiError(tls_message(self.shown, error, self._fingerprint)) from None
                except TRANSPORT_ERRORS as error:
                    response, failure = None, ApiError(transport_message(self.shown, error, self.timeout))
            if response is None:
                pass  # failure says why
            elif detail and response.status in (403, 404):
                self.gate.on_success()
                return response.status
            elif response.status == 403 and contract is not None and not detail and (not with_header) not in refused:
                refused.add(with_header)
                with_header, switched = not with_header, True
            else:
                failure, result = self._judge(response, contract, header_tried=bool(refused))
                if failure is None:
                    self.gate.on_success()
                    self.budget.earn()
                    if refused:
                        self._contract_header[contract] = with_header
                        if with_header:
                            self._contract_header_default.set()
                    return result
                if response.status == 429:
                    retry_after = response.headers.get('Retry-After')
                    self.gate.on_throttled(self.policy.pause(retry_after))
            if switched:
                continue  # the other way at once: not a failure, no delay, no retry of the policy spent
            if not self._may_retry(failure, attempt):
                raise failure
            self.stopped.wait(self.policy.delay(attempt, retry_after))  # a sleep that ends at once when the run stops
            attempt += 1

    def contracts(self) -> list[int]:
        """The contracts the credential may read, as /contracts lists them."""
        return read_contracts(self.get_json('/contracts'))

    def cloud_request(self, request_id: str, contract: int | None):
        """The Cloud API's resource of a request (``depth=1``), or 404 / 403 when the Cloud API does not give it."""
        try:
            return self.get_json(CLOUD_REQUESTS_PATH + quote(request_id, safe=''), {'depth': 1}, contract, detail=True)
        except ApiError as error:
            error.args = ('request_details: cannot read request %s of the Cloud API at %s: %s'
                          % (request_id, without_userinfo(self.origin + CLOUD_REQUESTS_PATH), error.args[0]),) + error.args[1:]
            raise

    def page(self, contract: int, params: dict, need_hits: bool = True):
        """One page of a contract's log (an api.Page); ``need_hits=False`` for a count, which needs only the total."""
        return read_page(self.get_json('/contracts/%d' % contract, params, contract), need_hits)

    def stop(self) -> None:
        """Stop the run: sleeping retries wake and give up, requests waiting at the gate are let through to give up."""
        self.stopped.set()
        self.gate.close()

    def _may_retry(self, failure: ApiError, attempt: int) -> bool:
        """The policy's answer; when it is no for a retryable failure, the failure says why."""
        if self.policy.should_retry(attempt, failure.status):
            return True
        if failure.status is None or is_retryable_status(failure.status):
            retried = '%d %s' % (attempt, 'retry' if attempt == 1 else 'retries')
            reason = ('gave up after %s' % retried if attempt >= self.policy.retries else
                      'gave up: the run used up its retry budget; the service fails too often to read it completely')
            failure.args = ('%s (%s)' % (failure.args[0], reason),)
        return False

    def _judge(self, response, contract, header_tried: bool = False):
        """(None, decoded JSON) for a usable 200; (ApiError, None) otherwise."""
        status = response.status
        if status == 200:
            try:
                return None, json.loads(response.body)
            except ValueError:
                return ApiError(unusable_body_message(response)), None
        detail = api_messages(response)
        message = status_message(status, detail, contract, self.shown, header_tried=header_tried,
                                 credential_source=self._credential_source, has_credential=self._has_credential)
        return ApiError(message, status, detail), None


def api_messages(response) -> str:
    """The messages of an IONOS error body, or a short safe description of a body that is not one."""
    try:
        body = json.loads(response.body)
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
    return 'the answer was not an IONOS error body (%s, %d bytes)' % (kind, len(response.body or b''))


def status_message(status: int, detail: str, contract: int | None, base: str, header_tried: bool = False,
                   credential_source: str | None = None, has_credential: bool = True) -> str:
    """One message per status that names the cause and the fix.

    ``header_tried``: a contract's 403 came both with and without X-Contract-Number; ``credential_source``: where
    the credential came from when not from the options or the environment (the IONOS config file).
    """
    if status == 400:
        return 'The API rejected the request as invalid (400): %s. Check start, end and page_size.' % detail
    if status == 401:
        if not has_credential:
            return ('The API refused the credentials (401): the token is missing, expired or wrong (none was given: no token, '
                    'username or password in the options, the environment or a current profile of the IONOS config file). '
                    'Set token (or IONOS_TOKEN) to a valid token, or username and password. API says: %s' % detail)
        if credential_source:
            return ('The API refused the credentials (401): the token is missing, expired or wrong (they came from %s). '
                    'Renew them there (ionosctl login), or set token (or IONOS_TOKEN). API says: %s' % (credential_source, detail))
        return ('The API refused the credentials (401): the token is missing, expired or wrong. Set token '
                '(or IONOS_TOKEN) to a valid token, or username and password. API says: %s' % detail)
    if status == 403:
        if contract is None:
            return 'The API refused to list the contracts (403): the credential lacks the access-activity-log privilege. API says: %s' % detail
        also = ', also refused with %s: %d' % (CONTRACT_HEADER, contract) if header_tried else ''
        return ('cannot read contract %d: the token lacks access to it or the access-activity-log privilege (403)%s. '
                'Remove it from contract_numbers or grant the privilege. API says: %s' % (contract, also, detail))
    if status == 404:
        if contract is not None:
            return ('contract %d was not found (404) at %s: check contract_numbers (the contracts the credential can read are '
                    'listed when contract_numbers is left out). API says: %s' % (contract, base, detail))
        return 'Not found (404) at %s: check api_url. API says: %s' % (base, detail)
    if status == 429:
        return 'The API kept rate limiting the requests (429): lower concurrency or run later. API says: %s' % detail
    if status >= 500:
        return 'The API failed (%d): %s. Run again later; if it persists, report it to IONOS.' % (status, detail)
    return 'The API answered with the unexpected status %d: %s' % (status, detail)


def unusable_body_message(response) -> str:
    kind = response.headers.get('Content-Type', 'no content type').split(';')[0]
    return ('The API answered 200 with a body that is not valid JSON (%s, %d bytes): the answer was cut off or '
            'mangled on the way, for example by a proxy.' % (kind, len(response.body or b'')))


def tls_message(base: str, error, fingerprint: str | None = None) -> str:
    text = str(error)
    if fingerprint:
        seen = re.search(r'Fingerprints did not match\. Expected "[0-9a-fA-F]+", got "(?:b\')?([0-9a-fA-F]+)', text)  # urllib3 1.26: b'...'
        if seen:
            return ('The TLS certificate of %s does not match certificate_fingerprint: expected SHA-256 %s, the server sent %s. '
                    'If the API renewed its certificate, check the new one and pin it; otherwise something between you and the '
                    'API answers in its place.' % (base, colon_hex(fingerprint), colon_hex(seen.group(1))))
        return ('The TLS connection to %s failed before its certificate could be compared with certificate_fingerprint %s (%s).'
                % (base, colon_hex(fingerprint), _tls_reason(text)))
    return ('TLS verification of %s failed (%s). Set ca_path (or REQUESTS_CA_BUNDLE) to the CA bundle that '
            'signed the server certificate; validate_certs=false only for tests.' % (base, _tls_reason(text)))


def _tls_reason(text: str) -> str:
    marker = text.find('certificate verify failed')
    return re.split(r"[')]", text[marker:], maxsplit=1)[0] if marker >= 0 else 'TLS handshake failed'


def colon_hex(digits: str) -> str:
    """``ab12...`` as ``AB:12:...``, the way openssl and browsers show a fingerprint."""
    return ':'.join(digits[index:index + 2] for index in range(0, len(digits), 2)).upper()

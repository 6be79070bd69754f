# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Join entries to the Cloud API requests behind them: what exactly was sent (method, URL, headers, body, status).

An entry of the public REST API names its request (``request_id``, the API's ``meta.requestId``); the Cloud API
keeps the request as ``GET /cloudapi/v6/requests/{id}?depth=1`` for a while. Each id is fetched once per run, through
the run's client: the same concurrency gate, retries, Retry-After handling and retry budget as the Activity Log's
pages. A request the Cloud API no longer keeps (404) or may not show (403) gives ``request: null`` and one warning
per cause; any other failure fails the run as a page would.

Request bodies can hold passwords and keys, so by default headers keep only SAFE_HEADERS and every JSON value under a
key that looks secret (SECRET_KEY, at any depth) becomes MASK; a body that is not JSON is replaced by its length.
"""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor

MODES = ('none', 'writes', 'all')
READING_METHODS = frozenset(('GET', 'HEAD', 'OPTIONS'))
SAFE_HEADERS = frozenset(('accept', 'accept-encoding', 'accept-language', 'content-encoding', 'content-length', 'content-type',
                          'user-agent', 'x-contract-number'))
SECRET_KEY = re.compile(r'pass|secret|token|key|credential|auth|cookie|session|signature|private|certificate|otp', re.IGNORECASE)
MASK = '********'
REDACTION_OFF_WARNING = ('redact_request_details is false: request headers and bodies are returned as the Cloud API keeps them, '
                         'passwords and keys included; keep the result out of logs and reports')


def wanted(entry: dict, mode: str) -> bool:
    """Whether ``entry`` (normalized) is joined in ``mode``: it has a request id, and for ``writes`` its method is not a reading one."""
    request_id = entry.get('request_id')
    if not isinstance(request_id, str) or not request_id or mode == 'none':
        return False
    action = entry.get('action')
    return mode == 'all' or not (isinstance(action, str) and action.strip().upper() in READING_METHODS)


def join_requests(client, entries: list, joined: list, mode: str, redact: bool, concurrency: int) -> list:
    """Give each of ``joined`` (the dicts to extend, parallel to the normalized ``entries``) a ``request``; the warnings.

    Every dict gets the key: the request's details, or None when the entry is not joined in ``mode`` or the Cloud
    API no longer keeps (404) or does not show (403) its request.
    """
    ids = {}
    for entry in entries:
        if wanted(entry, mode):
            ids.setdefault(entry['request_id'], entry.get('contract_number'))
    found = {}
    if ids:
        pool = ThreadPoolExecutor(max_workers=max(1, min(concurrency, len(ids))))
        try:
            for request_id, details in zip(ids, pool.map(lambda item: client.cloud_request(*item), ids.items())):
                found[request_id] = details
        except BaseException:
            client.stop()  # the requests still waiting give up at once instead of being sent for a run that failed
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        pool.shutdown(wait=True)
    missing = {404: 0, 403: 0}
    for entry, target in zip(entries, joined):
        details = found.get(entry.get('request_id')) if wanted(entry, mode) else None
        if isinstance(details, int):
            missing[details] += 1
            details = None
        elif details is not None:
            details = request_details(details, redact)
        target['request'] = details
    warnings = [] if redact or not ids else [REDACTION_OFF_WARNING]
    gone = sum(1 for value in found.values() if value == 404)
    if gone:
        warnings.append('request_details: the Cloud API has no request for %d of the %d request ids asked for (404: it forgets old '
                        'requests, and keeps none for activity that did not come through it): their %d entries have request: null'
                        % (gone, len(ids), missing[404]))
    hidden = sum(1 for value in found.values() if value == 403)
    if hidden:
        warnings.append('request_details: the Cloud API refused to show %d of the %d requests (403): the credential may not read '
                        'requests of the Cloud API; their %d entries have request: null' % (hidden, len(ids), missing[403]))
    return warnings


def request_details(resource, redact: bool = True) -> dict | None:
    """The ``request`` of an entry from the Cloud API's request resource (``depth=1``); None when it is not one."""
    if not isinstance(resource, dict):
        return None
    properties = _mapping(resource.get('properties'))
    metadata = _mapping(resource.get('metadata'))
    status = _mapping(_mapping(metadata.get('requestStatus')).get('metadata'))
    headers = _mapping(properties.get('headers'))
    return {
        'method': _text(properties.get('method')),
        'url': _text(properties.get('url')),
        'status': _text(status.get('status')),
        'message': _text(status.get('message')),
        'created_date': _text(metadata.get('createdDate')),
        'created_by': _text(metadata.get('createdBy')),
        'targets': [_target(item) for item in status.get('targets') or () if isinstance(item, dict)],
        'headers': {str(name): _text(value) for name, value in headers.items() if not redact or str(name).lower() in SAFE_HEADERS},
        'body': _body(properties.get('body'), redact),
    }


def redacted(value):
    """``value`` (decoded JSON) with the value of every secret-looking key, at any depth, replaced by MASK."""
    if isinstance(value, dict):
        return {key: MASK if isinstance(key, str) and SECRET_KEY.search(key) and value[key] not in (None, '')
                else redacted(value[key]) for key in value}
    if isinstance(value, list):
        return [redacted(item) for item in value]
    return value


def _body(body, redact: bool):
    """The body as JSON (redacted), None when empty, else a note of its length: a text that is not JSON cannot be searched
    for secrets, so it is not shown."""
    if body is None or body == '':
        return None
    if isinstance(body, (dict, list)):
        decoded = body
    else:
        text = body if isinstance(body, str) else str(body)
        try:
            decoded = json.loads(text)
        except ValueError:
            return text if not redact else '(%d characters, not JSON: not shown)' % len(text)
    return redacted(decoded) if redact else decoded


def _target(item: dict) -> dict:
    target = _mapping(item.get('target'))
    return {'type': _text(target.get('type')), 'id': _text(target.get('id')), 'status': _text(item.get('status'))}


def _mapping(value) -> dict:
    return value if isinstance(value, dict) else {}


def _text(value):
    return value if value is None or isinstance(value, str) else str(value)

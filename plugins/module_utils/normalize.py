# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Turn one ``_source`` of the API, whatever its shape, into a lean flat entry.

The API makes no field required and mixes integer and string spellings, and a run may hold 200,000 entries,
so normalization never raises (anything unusable becomes None, an empty list or is skipped), builds plain
dicts, and keeps one copy of each short string that repeats from entry to entry (usernames, types, statuses, ...).
Nearly every entry has the documented shape with plain values: those take a fast path (_plain_entry), the others
the general one (_any_entry), and both give the same entry.
"""

from __future__ import annotations

import hashlib
import json

from ansible_collections.ionos.activitylog.plugins.module_utils.timeparse import CANONICAL_TIME, format_time, parse_rfc3339

# ``resources`` and ``error`` stay the last two: the CSV report flattens them into columns of their own.
NORMALIZED_FIELDS = (
    'id', 'time', 'contract_number', 'username', 'source_ip', 'source_service', 'event_service', 'initiator', 'event_type',
    'status', 'action', 'uri', 'message', 'request_id', 'queue_ref_id', 'resources', 'error',
)

SHORT_TEXT_MAX_LENGTH = 128
MAX_SHORT_TEXTS = 65536
_is_canonical = CANONICAL_TIME.match


def source_of(hit):
    """The ``_source`` dict of a hit (other keys beside it are ignored); None when there is none."""
    if not isinstance(hit, dict):
        return None
    source = hit.get('_source')
    return source if isinstance(source, dict) else None


def entry_id(source) -> str:
    """``@uuid`` when it is a non-empty string, else ``sha256:`` + the hex digest of the entry's canonical JSON.

    Canonical JSON (sorted keys, compact separators, ASCII) makes the hash stable across pages, runs and
    key orders, so an entry read twice while paging deduplicates.
    """
    if isinstance(source, dict):
        uuid = source.get('@uuid')
        if isinstance(uuid, str) and uuid.strip():
            return uuid.strip()
    return 'sha256:' + hashlib.sha256(_canonical_json(source).encode('ascii')).hexdigest()


def normalize_entry(source, contract_hint=None) -> dict:
    """The flat entry of ``source`` with the keys of NORMALIZED_FIELDS, in that order.

    * ``time``: ``meta.time`` as UTC RFC 3339 with milliseconds (``2016-09-23T12:02:52.394Z``); the raw string
      when it cannot be parsed; None when absent or not a string.
    * ``contract_number``: ``principal.identity.contractNumber`` (an integer or a numeric string), else
      ``contract_hint``, the contract that was queried.
    * ``source_service``: ``principal.sourceService``, the service through which the call came in (no fallback:
      ``event_service`` is another thing).
    * ``event_service``: ``event.param.sourceService``, the service in which the activity took place.
    * ``initiator``: ``event.param.initiator``, the component that initiated the activity (a service name).
    * ``queue_ref_id``: ``meta.queueRefId`` (an integer in the API) as text, like ``request_id``; it groups the
      events of one provisioning request.
    * ``resources``: a list of ``{"type", "id", "actions"}`` (``actions`` always a list of strings; a resource with
      none of the three is dropped).
    * ``error``: None when there is no http status, no message and no error code; else
      ``{"http_status": int or None, "error_code": str or None, "messages": [{"error_code", "message"}, ...]}``,
      where ``error_code`` is ``event.param.errorCode``, else the first message's code.
    * Every other field is a string or None; empty strings become None, numbers become their text.
    """
    entry = _plain_entry(source, contract_hint)
    return entry if entry is not None else _any_entry(source, contract_hint)


def _any_entry(source, contract_hint) -> dict:
    """normalize_entry for any shape: every value checked and converted on its own."""
    ident = entry_id(source)
    source = _mapping(source)
    principal = _mapping(source.get('principal'))
    identity = _mapping(principal.get('identity'))
    meta = _mapping(source.get('meta'))
    event = _mapping(source.get('event'))
    param = _mapping(event.get('param'))
    return {
        'id': ident,
        'time': _time(meta.get('time')),
        'contract_number': _contract(identity.get('contractNumber'), contract_hint),
        'username': _short(identity.get('username')),
        'source_ip': _short(principal.get('sourceIP')),
        'source_service': _short(principal.get('sourceService')),
        'event_service': _short(param.get('sourceService')),
        'initiator': _short(param.get('initiator')),
        'event_type': _short(event.get('type')),
        'status': _short(event.get('status')),
        'action': _short(param.get('action')),
        'uri': _text(param.get('uri')),
        'message': _short(event.get('message')),
        'request_id': _text(meta.get('requestId')),
        'queue_ref_id': _text(meta.get('queueRefId')),
        'resources': _resources(event.get('resources')),
        'error': _error(param),
    }


class _Unusual(Exception):
    """A value the plain path does not take: the entry goes the general way."""


class _ShortTexts(dict):
    """One copy of each short text (user names, types, statuses... repeat from entry to entry): ``SHORT_TEXTS[value]``
    is _short's answer for a string or None, found in one lookup in C once the text was seen; any other value raises
    _Unusual (unhashable ones TypeError). Bounded, since a process may read for days: past MAX_SHORT_TEXTS texts, new
    ones are returned as they are. Threads share it: two of them adding the same text at once keep one of the two."""

    def __missing__(self, value):
        if value.__class__ is not str:
            raise _Unusual
        if not value:
            return None
        if len(value) <= SHORT_TEXT_MAX_LENGTH and len(self) < MAX_SHORT_TEXTS:
            self[value] = value
        return value


SHORT_TEXTS = _ShortTexts({None: None})
_ABSENT = object()


def _plain_entry(source, contract_hint):
    """The entry of a source with the documented shape and plain values (strings, a positive contract number, an integer
    queueRefId, a canonical time), as _any_entry would give it, at half the cost; None for any other
    source, which _any_entry then takes. A run normalizes every entry, so this path is written for speed: no call per
    field where a local does. The unit tests hold both paths to the same result.
    """
    texts = SHORT_TEXTS
    try:
        principal = source['principal']
        identity = principal['identity']
        meta = source['meta']
        event = source['event']
        param = event['param']
        if not (principal.__class__ is identity.__class__ is meta.__class__ is event.__class__ is param.__class__ is dict):
            return None
        ident = source['@uuid'].strip()
        stamp = meta['time']
        contract = identity['contractNumber']
        if not ident or stamp.__class__ is not str or not _is_canonical(stamp) or contract.__class__ is not int or contract <= 0:
            return None
        request_id, queue, uri = meta.get('requestId'), meta.get('queueRefId'), param.get('uri')
        if queue.__class__ is int:
            queue = str(queue)
        elif queue is not None:
            return None
        if (request_id.__class__ is not str and request_id is not None) or (uri.__class__ is not str and uri is not None):
            return None
        resources = event.get('resources')
        if resources is None:
            resources = []
        elif resources.__class__ is list:
            resources = _plain_resources(resources)
        else:
            return None
        return {
            'id': ident,
            'time': stamp,
            'contract_number': contract,
            'username': texts[identity.get('username')],
            'source_ip': texts[principal.get('sourceIP')],
            'source_service': texts[principal.get('sourceService')],
            'event_service': texts[param.get('sourceService')],
            'initiator': texts[param.get('initiator')],
            'event_type': texts[event.get('type')],
            'status': texts[event.get('status')],
            'action': texts[param.get('action')],
            'uri': uri or None,
            'message': texts[event.get('message')],
            'request_id': request_id or None,
            'queue_ref_id': queue,
            'resources': resources,
            'error': _error(param) if 'error' in param or 'errorCode' in param else None,
        }
    except (KeyError, TypeError, AttributeError, ValueError, _Unusual):  # ValueError: a queueRefId past str()'s digit limit
        return None


def _plain_resources(items: list) -> list:
    """_resources for a list of resources whose values are strings and lists of strings; _Unusual otherwise."""
    texts = SHORT_TEXTS
    resources = []
    for item in items:
        if item.__class__ is not dict:
            raise _Unusual
        ident = item.get('id')
        if ident.__class__ is not str and ident is not None:
            raise _Unusual
        actions = item.get('action', _ABSENT)
        if actions is _ABSENT:
            actions = item.get('actions')
        if actions.__class__ is list:
            actions = list(map(texts.__getitem__, actions))
            if None in actions:
                actions = [text for text in actions if text is not None]
        elif actions is None:
            actions = []
        else:
            raise _Unusual
        kind = texts[item.get('type')]
        if kind is not None or ident or actions:
            resources.append({'type': kind, 'id': ident or None, 'actions': actions})
    return resources


def _canonical_json(value) -> str:
    """Sorted, compact, ASCII JSON; values JSON cannot hold are written as their repr."""
    try:
        return json.dumps(value, sort_keys=True, separators=(',', ':'), ensure_ascii=True, default=repr)
    except (TypeError, ValueError, RecursionError):
        pass
    try:
        return json.dumps(repr(value), ensure_ascii=True)
    except (ValueError, RecursionError):
        return '"unserializable %s"' % type(value).__name__


def _mapping(value) -> dict:
    """A dict where one is expected; anything else counts as missing."""
    return value if isinstance(value, dict) else {}


def _text(value) -> str | None:
    """A non-empty string, or the text of a number; None for anything else."""
    if isinstance(value, str):
        return value or None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return str(value)
        except ValueError:  # an integer past the interpreter's digit limit
            return None
    return None


def _short(value) -> str | None:
    """``_text`` for values that repeat across entries: one copy in SHORT_TEXTS, so 200,000 entries share it."""
    text = value if value.__class__ is str else _text(value)
    return None if text is None else SHORT_TEXTS[text]


def _integer(value) -> int | None:
    """An int from an int, an integral float or a numeric string; None for anything else (bools included)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str):
        text = value.strip()
        if text.isdigit() and text.isascii() and len(text) <= 20:
            return int(text)
    return None


def _contract(value, hint) -> int | None:
    number = _integer(value)
    if number is not None and number > 0:
        return number
    hinted = _integer(hint)
    return hinted if hinted is not None and hinted > 0 else None


def _time(value) -> str | None:
    """The canonical form; a value already shaped like it is kept as is (valid or not, it would be kept anyway)."""
    if not isinstance(value, str) or not value:
        return None
    if CANONICAL_TIME.match(value):
        return value
    moment = parse_rfc3339(value)
    return format_time(moment) if moment is not None else value


def _resources(value) -> list:
    if not isinstance(value, list):
        return []
    resources = []
    for item in value:
        if not isinstance(item, dict):
            continue
        kind, ident = _short(item.get('type')), _text(item.get('id'))
        actions = _actions(item['action'] if 'action' in item else item.get('actions'))
        if kind is not None or ident is not None or actions:
            resources.append({'type': kind, 'id': ident, 'actions': actions})
    return resources


def _actions(value) -> list:
    """``action`` is a list of dotted codes; a lone string is taken as a list of one."""
    actions = []
    for item in value if isinstance(value, list) else (value,):
        text = _short(item)
        if text is not None:
            actions.append(text)
    return actions


def _error(param: dict) -> dict | None:
    raw = param.get('error')
    if raw is None and param.get('errorCode') is None:  # most entries: no error, and the fast way to say so
        return None
    if isinstance(raw, str):
        raw = {'messages': [raw]}
    raw = _mapping(raw)
    messages = _messages(raw.get('messages'))
    http_status = _integer(raw.get('httpStatus'))
    error_code = _short(param.get('errorCode'))
    if error_code is None:
        error_code = next((message['error_code'] for message in messages if message['error_code'] is not None), None)
    if http_status is None and not messages and error_code is None:
        return None
    return {'http_status': http_status, 'error_code': error_code, 'messages': messages}


def _messages(value) -> list:
    """A list of ``{"error_code", "message"}``; a lone message or a plain string is taken as a list of one."""
    items = value if isinstance(value, list) else [value]
    messages = []
    for item in items:
        if isinstance(item, dict):
            message = {'error_code': _short(item.get('errorCode')), 'message': _text(item.get('message'))}
        else:
            message = {'error_code': None, 'message': _text(item)}
        if message['error_code'] is not None or message['message'] is not None:
            messages.append(message)
    return messages

# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Count normalized Activity Log entries: who, what, where, when; the one summary every report format shows.

One pass over the entries with plain dict counters, so 100,000 entries take a fraction of a second.
Shared rules, used by the reports and the compliance policies alike:

* ``is_write``: the entry's HTTP method is POST, PUT, PATCH or DELETE (any case), OR one of its resource actions
  is a write: any code whose last dotted part does NOT begin with a reading verb of READ_VERBS (get, list, view,
  ...; case-insensitive, followed by nothing or by a character that is not a lowercase letter). Fail closed:
  ``vr.server.create``, ``vr.server.restart``, an unknown ``vr.nic.address`` and an empty or blank code are writes; ``vr.server.get``,
  ``vr.datacenter.view`` and ``vr.server.listNics`` are not.
* ``latest_writes``: the ``top`` most recent write entries (10 when ``top`` is None), newest first, kept in a heap
  of that size while the entries pass, so memory does not grow with them; each reduced to LATEST_FIELDS.
* ``is_error`` (defined once, in module_utils/filters.py, for the module's ``errors_only`` filter): the entry has an
  ``error``, OR its ``status`` is FAILED, OR its ``event_type`` is Error (both case-insensitive).
"""

from __future__ import annotations

import heapq
import re

from ansible_collections.ionos.activitylog.plugins.module_utils.filters import is_error

WRITE_METHODS = frozenset(('POST', 'PUT', 'PATCH', 'DELETE'))
READ_VERBS = (
    'get', 'list', 'read', 'view', 'show', 'describe', 'search', 'query', 'find', 'fetch', 'export', 'download',
    'login', 'logout', 'check', 'validate', 'verify', 'ping', 'status',
)
NONE_KEY = '(none)'
LATEST_WRITES = 10  # rows of ``latest_writes`` when ``top`` is None (no limit): a list of entries must stay short
LATEST_FIELDS = ('time', 'username', 'action', 'uri', 'request_method', 'request_url', 'status')
RANKED = ('by_user', 'by_event_type', 'by_action', 'by_resource_type', 'by_contract', 'writes_by_resource_type')

_READ_ACTION = re.compile(r'(?i:%s)(?![a-z])' % '|'.join(sorted(READ_VERBS, key=len, reverse=True)))
_HOUR_PREFIX = re.compile(r'[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}\Z')


def is_write_action(code) -> bool:
    """Whether one dotted resource action code (``vr.server.delete``) may change something (see the module doc).

    Fail closed: a code counts as a write unless its verb is a known reading one, so an action code this
    collection has never seen (``vr.server.restart``, ``k8s.cluster.resize``), an empty or blank one (``""``,
    ``" "``) and one that is not text are judged, not waved through.
    """
    if not isinstance(code, str) or not code.strip():
        return True  # an empty, blank or non-text code names no reading verb: fail closed
    return _READ_ACTION.match(code.strip().rpartition('.')[2]) is None


def is_write(entry) -> bool:
    """Whether the entry is a write action: a writing HTTP method, or a writing resource action."""
    if not isinstance(entry, dict):
        return False
    method = entry.get('action')
    if isinstance(method, str) and method.strip().upper() in WRITE_METHODS:
        return True
    for resource in _resources(entry):
        for code in resource.get('actions') or ():
            if is_write_action(code):
                return True
    return False


def summarize(entries, top=None) -> dict:
    """The summary dict of ``entries`` (see docs/reports.md); ``top`` keeps the N largest keys of each ``by_*``,
    and the N newest writes in ``latest_writes`` (LATEST_WRITES when ``top`` is None).

    Keys of the ranked dicts are strings ("(none)" for a missing value), ordered by count descending then key;
    ``others[name]`` counts what ``top`` left out of ``name`` (0 when nothing), so no count is dropped silently.
    Raises ValueError for a bad ``top`` or an entry that is not a dict.
    """
    top = _checked_top(top)
    tally = _Tally(LATEST_WRITES if top is None else top)
    for number, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            raise ValueError('entry %d is a %s, not a normalized entry (a dict)' % (number, type(entry).__name__))
        tally.add(entry)
    return tally.summary(top)


class _Tally:
    """The counters of one summary, filled entry by entry."""

    def __init__(self, latest=LATEST_WRITES):
        self.counters = {name: {} for name in RANKED}
        self.latest, self.latest_size = [], latest  # a min-heap of ((has a time, time), arrival, reduced entry)
        self.hours, self.error_days = {}, {}
        self.users, self.contracts, self.requests = set(), set(), set()
        self.first = self.last = None
        self.entries = self.errors = self.writes = 0

    def add(self, entry: dict) -> None:
        self.entries += 1
        counters = self.counters
        user, contract = entry.get('username'), entry.get('contract_number')
        self.users.add(user)
        self.contracts.add(contract)
        self.requests.add(entry.get('request_id'))
        _bump(counters['by_user'], _key(user))
        _bump(counters['by_event_type'], _key(entry.get('event_type')))
        _bump(counters['by_action'], _key(entry.get('action')))
        _bump(counters['by_contract'], _key(contract))
        types = _resource_types(entry)
        for kind in types:
            _bump(counters['by_resource_type'], kind)
        hour = self._add_time(entry.get('time'))
        if is_error(entry):
            self.errors += 1
            _bump(self.error_days, _day_of(hour))
        if is_write(entry):
            self.writes += 1
            for kind in types:
                _bump(counters['writes_by_resource_type'], kind)
            self._add_latest(entry, hour != NONE_KEY)

    def _add_latest(self, entry: dict, timed: bool) -> None:
        """Keep the write if it is among the ``latest_size`` newest so far: by time, then by arrival (the later
        of two at the same time is the newer); a write without a usable time is older than any with one."""
        key = ((timed, entry.get('time') if timed else ''), self.writes)
        if len(self.latest) < self.latest_size:
            heapq.heappush(self.latest, key + (_latest_row(entry),))
        elif key > self.latest[0][:2]:
            heapq.heapreplace(self.latest, key + (_latest_row(entry),))

    def _add_time(self, moment) -> str:
        """Count the entry's hour, move first/last; return the hour key."""
        hour = _hour_of(moment)
        _bump(self.hours, hour)
        if hour != NONE_KEY:
            if self.first is None or moment < self.first:
                self.first = moment
            if self.last is None or moment > self.last:
                self.last = moment
        return hour

    def summary(self, top) -> dict:
        ranked = {name: _ranked(self.counters[name], top) for name in RANKED}
        per_day = {}
        for hour, number in self.hours.items():
            _bump(per_day, _day_of(hour), number)
        summary = {
            'entries': self.entries, 'first': self.first, 'last': self.last,
            'contracts': len(self.contracts - {None}), 'users': len(self.users - {None}),
            'requests': len(self.requests - {None}), 'errors': self.errors, 'writes': self.writes,
        }
        summary.update((name, ranked[name][0]) for name in RANKED[:5])
        summary.update(
            per_day=_chronological(per_day), per_hour=_chronological(self.hours, suffix=':00Z'),
            errors_by_day=_chronological(self.error_days), writes_by_resource_type=ranked['writes_by_resource_type'][0],
            others={name: ranked[name][1] for name in RANKED},
            latest_writes=[row for _key, _arrival, row in sorted(self.latest, key=lambda item: item[:2], reverse=True)],
        )
        return summary


def _latest_row(entry: dict) -> dict:
    """A write as ``latest_writes`` lists it: LATEST_FIELDS, ``request_*`` from the joined ``request`` (None without)."""
    request = entry.get('request')
    if not isinstance(request, dict):
        request = {}
    return {'time': entry.get('time'), 'username': entry.get('username'), 'action': entry.get('action'),
            'uri': entry.get('uri'), 'request_method': request.get('method'), 'request_url': request.get('url'),
            'status': entry.get('status')}


def _checked_top(top):
    """``top`` must be None or a positive integer; a bool or a string is a caller's mistake, said plainly."""
    if top is None:
        return None
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise ValueError('top must be a positive integer or None, got %r' % (top,))
    return top


def _bump(counter: dict, key, number=1) -> None:
    counter[key] = counter.get(key, 0) + number


def _key(value) -> str:
    """The counter key of a field: its text, or "(none)" for a missing value."""
    if value is None or value == '':
        return NONE_KEY
    return value if isinstance(value, str) else str(value)


def _resources(entry) -> list:
    resources = entry.get('resources')
    return [item for item in resources if isinstance(item, dict)] if isinstance(resources, list) else []


def _resource_types(entry) -> list:
    """The distinct resource types of an entry, in order ("(none)" when it names no type), each counted once."""
    types = []
    for resource in _resources(entry):
        kind = _key(resource.get('type'))
        if kind not in types:
            types.append(kind)
    return types or [NONE_KEY]


def _hour_of(moment) -> str:
    """``YYYY-MM-DDTHH`` of a normalized time; "(none)" for a missing or unparsable time."""
    if isinstance(moment, str):
        hour = moment[:13]
        if _HOUR_PREFIX.match(hour):
            return hour
    return NONE_KEY


def _day_of(hour: str) -> str:
    return hour[:10] if hour != NONE_KEY else NONE_KEY


def _chronological(counter: dict, suffix='') -> dict:
    """Time keys in order, "(none)" (entries without a usable time) last."""
    ordered = {key + suffix: counter[key] for key in sorted(counter) if key != NONE_KEY}
    if NONE_KEY in counter:
        ordered[NONE_KEY] = counter[NONE_KEY]
    return ordered


def _ranked(counter: dict, top):
    """The counter ordered by count descending then key, cut to ``top``; and the sum of what was cut."""
    ordered = sorted(counter.items(), key=lambda item: (-item[1], item[0]))
    kept = ordered if top is None else ordered[:top]
    left_out = sum(number for _key_, number in ordered[len(kept):])
    return dict(kept), left_out

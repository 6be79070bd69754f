# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``filters`` option: validated once, then matched against normalized entries.

Semantics, all of them pinned by the unit tests:

* Each key takes one value or a list of values; the values of one key are OR'ed, the keys are AND'ed.
  An empty filter matches every entry.
* Values are fnmatch globs (``*``, ``?``, ``[seq]``) matched against the whole field, case-insensitively for
  every string key: the API mixes ``Error``/``ERROR``-style spellings, and HTTP methods are case-insensitive.
  A value may be a string or an integer (YAML reads ``resource_id: 12345`` as one); it is stripped of
  surrounding whitespace, and an empty value or an empty list is an error rather than a silent no-op.
* ``username``, ``event_type``, ``action``, ``source_service``, ``event_service``, ``initiator``, ``status``,
  ``request_id``, ``queue_ref_id`` and ``uri`` (SCALAR_KEYS) match the entry's field of the same name.
* ``resource_type``, ``resource_id`` and ``resource_action`` look at the entry's resources: the entry matches
  when ONE resource satisfies all the given resource keys at once (``resource_action`` then matching any action
  of that resource), so ``resource_type: server`` with ``resource_action: '*.delete'`` means a server deletion.
* ``source_ip`` takes IPv4/IPv6 addresses and CIDR ranges (no globs); an entry whose ``source_ip`` is missing
  or not an address never matches. IPv4-mapped IPv6 addresses (``::ffff:10.0.0.1``) match IPv4 ranges.
* Every key but ``errors_only`` has an ``exclude_`` twin (EXCLUDABLE_KEYS: ``exclude_username``,
  ``exclude_event_type``, ...) that takes the same values, parsed the same way, and drops exactly the entries that
  the key alone would keep; so an entry without the field (or, for ``exclude_source_ip``, without an address) is
  kept. A key and its twin may be given together: an entry must match the key and not its twin
  (``event_type: 'Request*'`` with ``exclude_event_type: RequestStatusUpdate``).
* The ``exclude_resource_*`` keys are one check, as the resource keys are: they drop the entry when ONE of its
  resources satisfies all of them at once, so ``exclude_resource_type: server`` alone drops every entry with a
  server among its resources, and with ``exclude_resource_action: '*.delete'`` only the server deletions. They
  are independent of the resource keys: ``resource_type: server`` with ``exclude_resource_action: '*.delete'``
  keeps the entries with a server resource and no deleted resource at all.
* ``errors_only: true`` keeps the entries with a non-null ``error``, OR ``status`` FAILED, OR ``event_type``
  Error (both case-insensitive); ``false`` does not filter.
* A field that is missing (None) never matches a pattern.

The compliance policies select entries with this same matcher (``EntryFilter.from_values``, ``AddressCheck``), and
parse their values with the same parsers (option_values).
"""

from __future__ import annotations

import fnmatch
import ipaddress
import re

from ansible_collections.ionos.activitylog.plugins.module_utils.errors import OptionError
from ansible_collections.ionos.activitylog.plugins.module_utils.option_values import (
    boolean, is_glob, mapping, networks, reject_unknown_keys, strings,
)

FILTER_KEYS = (
    'username', 'exclude_username', 'event_type', 'exclude_event_type', 'action', 'exclude_action',
    'resource_type', 'exclude_resource_type', 'resource_id', 'exclude_resource_id', 'resource_action', 'exclude_resource_action',
    'source_ip', 'exclude_source_ip', 'source_service', 'exclude_source_service', 'event_service', 'exclude_event_service',
    'initiator', 'exclude_initiator', 'status', 'exclude_status', 'request_id', 'exclude_request_id', 'queue_ref_id',
    'exclude_queue_ref_id', 'uri', 'exclude_uri', 'errors_only',
)
# The keys matched against one field of the same name, as whole-value globs.
SCALAR_KEYS = ('username', 'event_type', 'action', 'source_service', 'event_service', 'initiator', 'status', 'request_id', 'queue_ref_id',
               'uri')
# The compliance policies select with these three keys only; the exclude_resource_* keys are not among them.
RESOURCE_KEYS = ('resource_type', 'resource_id', 'resource_action')
RESOURCE_FIELDS = (('resource_type', 'type'), ('resource_id', 'id'))
EXCLUDE = 'exclude_'
# The keys with an exclude_ twin: all but errors_only.
EXCLUDABLE_KEYS = ('username', 'event_type', 'action', 'resource_type', 'resource_id', 'resource_action', 'source_ip',
                   'source_service', 'event_service', 'initiator', 'status', 'request_id', 'queue_ref_id', 'uri')
EXAMPLES = {'username': 'alice@example.com', 'exclude_username': "'ci-*@example.com'",
            'event_type': 'GenerateToken', 'exclude_event_type': "'Request*'", 'action': 'DELETE', 'exclude_action': 'GET',
            'resource_type': 'server', 'exclude_resource_type': 'user', 'resource_id': "'15f67991-*'", 'exclude_resource_id': "'15f67991-*'",
            'resource_action': "'*.delete'", 'exclude_resource_action': "'*.update'", 'source_ip': '10.0.0.0/8',
            'exclude_source_ip': '10.0.0.0/8', 'source_service': 'DCD', 'exclude_source_service': 'DCD',
            'event_service': 'PUBLIC_REST', 'exclude_event_service': 'AUTH', 'initiator': "'PUBLIC_REST*'", 'exclude_initiator': 'DCD',
            'status': 'FAILED', 'exclude_status': 'DONE', 'request_id': '6bcd4c34-e0f6-4b9b-a2ee-2a2d4d0f8d8e',
            'exclude_request_id': '6bcd4c34-e0f6-4b9b-a2ee-2a2d4d0f8d8e', 'queue_ref_id': '4711', 'exclude_queue_ref_id': '4711',
            'uri': "'/cloudapi/v6/datacenters/*/servers*'", 'exclude_uri': "'/auth/*'"}
FILTERS_EXAMPLE = '{username: alice@example.com, errors_only: true}'
IP_CACHE_LIMIT = 65536
_UNSEEN = object()


def compile_values(values: list[str]):
    """The values of one key as one predicate: a set for plain values, one regex for all the globs, both lowercase.

    The predicate takes a field value; anything but a string (None included) never matches.
    """
    literals = frozenset(value.lower() for value in values if not is_glob(value))
    globs = [fnmatch.translate(value.lower()) for value in values if is_glob(value)]
    if not globs:
        def matches_literal(value) -> bool:
            return isinstance(value, str) and value.lower() in literals
        return matches_literal
    regex_match = re.compile('(?:%s)' % '|'.join(globs)).match

    def matches(value) -> bool:
        if not isinstance(value, str):
            return False
        value = value.lower()
        return value in literals or regex_match(value) is not None
    return matches


class EntryFilter:
    """The compiled filter; ``matches(entry)`` on normalized entries. Build it with ``from_option`` or ``from_values``."""

    def __init__(self, checks: list, description: dict):
        self._checks = tuple(checks)
        self.description = description

    @property
    def is_empty(self) -> bool:
        return not self._checks

    @classmethod
    def from_option(cls, filters) -> EntryFilter:
        """Validate the option value (None or a dict) and compile it; OptionError naming the key and the fix."""
        if filters is None:
            return cls([], {})
        reject_unknown_keys('filters', mapping('filters', filters, FILTERS_EXAMPLE, OptionError), FILTER_KEYS, OptionError)
        return cls.from_values(filters, 'filters', OptionError, integers=True, optional=True)

    @classmethod
    def from_values(cls, given: dict, path: str, error, integers: bool, optional: bool) -> EntryFilter:
        """The filter of ``given``, a dict of FILTER_KEYS (a null value leaves its key out), as the module's filters.

        A bad value raises ``error`` naming ``<path>.<key>``; ``integers`` takes whole numbers as text, ``optional``
        says that each key may be left out. The compliance policies build their selectors with it.
        """
        values = {key: strings('%s.%s' % (path, key), value, EXAMPLES[key], error, integers=integers, optional=optional)
                  for key, value in given.items() if key != 'errors_only' and value is not None}
        checks = _scalar_checks(values) + _resource_checks(values)
        for key, keep in (('source_ip', True), (EXCLUDE + 'source_ip', False)):
            if key in values:
                checks.append(_source_ip_check(networks('%s.%s' % (path, key), given[key], error, integers=integers), keep))
        if boolean(path + '.errors_only', given.get('errors_only'), error):
            checks.append(is_error)
            values['errors_only'] = True
        return cls(checks, values)

    def matches(self, entry) -> bool:
        """True when the normalized ``entry`` passes every key; a non-dict entry only passes an empty filter."""
        if not isinstance(entry, dict):
            return not self._checks
        for check in self._checks:
            if not check(entry):
                return False
        return True


def _scalar_checks(values: dict) -> list:
    checks = []
    for key in SCALAR_KEYS:
        if key in values:
            checks.append(_field_check(key, compile_values(values[key])))
        if EXCLUDE + key in values:
            checks.append(_exclude_check(key, compile_values(values[EXCLUDE + key])))
    return checks


def _field_check(field: str, pattern):
    def check(entry: dict) -> bool:
        return pattern(entry.get(field))
    return check


def _exclude_check(field: str, pattern):
    def check(entry: dict) -> bool:
        return not pattern(entry.get(field))
    return check


def _resource_checks(values: dict) -> list:
    """One check that wants a single resource to satisfy every given resource key, one that drops the entries with a
    single resource that satisfies every given exclude_resource_* key."""
    checks = []
    for prefix, keep in (('', True), (EXCLUDE, False)):
        resource_matches = _resource_predicate(values, prefix)
        if resource_matches is not None:
            checks.append(_resources_check(resource_matches, keep))
    return checks


def _resource_predicate(values: dict, prefix: str):
    """Whether a resource satisfies every resource key given with ``prefix``; None when none is given."""
    wanted = [(field, compile_values(values[prefix + key])) for key, field in RESOURCE_FIELDS if prefix + key in values]
    action = compile_values(values[prefix + 'resource_action']) if prefix + 'resource_action' in values else None
    if not wanted and action is None:
        return None

    def resource_matches(resource) -> bool:
        if not isinstance(resource, dict):
            return False
        for field, pattern in wanted:
            if not pattern(resource.get(field)):
                return False
        return action is None or _any_item(resource.get('actions'), action)
    return resource_matches


def _resources_check(resource_matches, keep: bool):
    if keep:
        def check(entry: dict) -> bool:
            return _any_item(entry.get('resources'), resource_matches)
    else:
        def check(entry: dict) -> bool:
            return not _any_item(entry.get('resources'), resource_matches)
    return check


def _any_item(items, predicate) -> bool:
    """Whether ``items`` is a list with an item that satisfies ``predicate`` (anything else has none)."""
    if isinstance(items, list):
        for item in items:
            if predicate(item):
                return True
    return False


def _source_ip_check(ranges: tuple, keep: bool):
    """Keep the entries whose address is in ``ranges`` or, for exclude_source_ip, all the others (no address included)."""
    inside = AddressCheck(ranges).inside
    if keep:
        def check(entry: dict) -> bool:
            return inside(entry.get('source_ip')) is True
    else:
        def check(entry: dict) -> bool:
            return inside(entry.get('source_ip')) is not True
    return check


class AddressCheck:
    """Whether source addresses lie in ``networks``; addresses repeat a lot in a log, so each is parsed once (bounded cache)."""

    def __init__(self, allowed):
        self.networks = tuple(allowed)
        self._seen = {}

    def inside(self, raw):
        """True or False for an address in or out of the networks; None when ``raw`` is not an address at all.

        IPv4-mapped IPv6 addresses (``::ffff:10.0.0.1``) are also tried as their IPv4 address.
        """
        if not isinstance(raw, str):
            return None
        found = self._seen.get(raw, _UNSEEN)
        if found is _UNSEEN:
            if len(self._seen) >= IP_CACHE_LIMIT:
                self._seen.clear()
            found = self._seen[raw] = self._lookup(raw)
        return found

    def _lookup(self, raw: str):
        try:
            address = ipaddress.ip_address(raw.strip())
        except ValueError:
            return None
        candidates = [address]
        mapped = getattr(address, 'ipv4_mapped', None)
        if mapped is not None:
            candidates.append(mapped)
        return any(candidate in network for candidate in candidates for network in self.networks)


def is_error(entry) -> bool:
    """Whether the entry reports a failure: an error object, status FAILED or event type Error (errors_only).

    The reports and the compliance policies count errors with this same rule.
    """
    if not isinstance(entry, dict):
        return False
    if entry.get('error'):
        return True
    status, event_type = entry.get('status'), entry.get('event_type')
    return (isinstance(status, str) and status.upper() == 'FAILED') or (isinstance(event_type, str) and event_type.lower() == 'error')

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
* ``exclude_event_type`` drops the entries whose ``event_type`` matches (an entry without one is kept).
* ``resource_type``, ``resource_id`` and ``resource_action`` look at the entry's resources: the entry matches
  when ONE resource satisfies all the given resource keys at once (``resource_action`` then matching any action
  of that resource), so ``resource_type: server`` with ``resource_action: '*.delete'`` means a server deletion.
* ``source_ip`` takes IPv4/IPv6 addresses and CIDR ranges (no globs); an entry whose ``source_ip`` is missing
  or not an address never matches. IPv4-mapped IPv6 addresses (``::ffff:10.0.0.1``) match IPv4 ranges.
* ``errors_only: true`` keeps the entries with a non-null ``error``, OR ``status`` FAILED, OR ``event_type``
  Error (both case-insensitive); ``false`` does not filter.
* A field that is missing (None) never matches a pattern.
"""

from __future__ import annotations

import difflib
import fnmatch
import ipaddress
import re

from ansible_collections.ionos.activitylog.plugins.module_utils.errors import OptionError, shown

FILTER_KEYS = (
    'username', 'event_type', 'exclude_event_type', 'action', 'resource_type', 'resource_id', 'resource_action',
    'source_ip', 'source_service', 'status', 'errors_only',
)

SCALAR_KEYS = ('username', 'event_type', 'action', 'source_service', 'status')
RESOURCE_KEYS = (('resource_type', 'type'), ('resource_id', 'id'))

GLOB_CHARACTERS = ('*', '?', '[')
TRUE_WORDS = ('true', 'yes', 'on', '1')
FALSE_WORDS = ('false', 'no', 'off', '0')
IP_CACHE_LIMIT = 65536


def compile_values(values: list[str]):
    """The values of one key as one predicate: a set for plain values, one regex for all the globs, both lowercase.

    The predicate takes a field value; anything but a string (None included) never matches.
    """
    literals = frozenset(value.lower() for value in values if not _is_glob(value))
    globs = [fnmatch.translate(value.lower()) for value in values if _is_glob(value)]
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
    """The compiled filter; ``matches(entry)`` on normalized entries. Build it with ``from_option``."""

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
        if not isinstance(filters, dict):
            raise OptionError('filters must be a dictionary such as {username: alice@example.com, errors_only: true}, not %s'
                              % type(filters).__name__)
        _reject_unknown_keys(filters)
        values = {key: _patterns_of(key, value) for key, value in filters.items() if key != 'errors_only' and value is not None}
        checks = _scalar_checks(values) + _resource_checks(values)
        if 'source_ip' in values:
            checks.append(_source_ip_check(_networks_of(values['source_ip'])))
        errors_only = _boolean('errors_only', filters.get('errors_only'))
        if errors_only:
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


def _is_glob(value: str) -> bool:
    return any(character in value for character in GLOB_CHARACTERS)


def _reject_unknown_keys(filters: dict) -> None:
    unknown = [key for key in filters if key not in FILTER_KEYS]
    if not unknown:
        return
    key = unknown[0]
    close = difflib.get_close_matches(key, FILTER_KEYS, n=1) if isinstance(key, str) else []
    hint = " (did you mean '%s'?)" % close[0] if close else ''
    raise OptionError('filters has the unknown key %s%s; the valid keys are: %s' % (shown(key), hint, ', '.join(FILTER_KEYS)))


def _patterns_of(key: str, value) -> list[str]:
    """The values of one key as a list of non-empty stripped strings."""
    items = list(value) if isinstance(value, (list, tuple)) else [value]
    if not items:
        raise OptionError('filters.%s is an empty list: give at least one value, or leave the key out' % key)
    patterns = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, (str, int)) or (isinstance(item, int) and item.bit_length() > 64):
            raise OptionError('filters.%s takes a string or a list of strings; %s is a %s' % (key, shown(item), type(item).__name__))
        text = str(item).strip()
        if not text:
            raise OptionError('filters.%s has an empty value: give a value such as %s, or leave the key out' % (key, _example(key)))
        patterns.append(text)
    return patterns


def _example(key: str) -> str:
    examples = {'username': 'alice@example.com', 'action': 'DELETE', 'resource_action': "'*.delete'", 'source_ip': '10.0.0.0/8',
                'status': 'FAILED', 'resource_type': 'server', 'source_service': 'DCD'}
    return examples.get(key, "'Request*'")


def _boolean(key: str, value) -> bool:
    """A bool; the usual Ansible words are accepted too, since a templated value arrives as a string."""
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in TRUE_WORDS + FALSE_WORDS:
        return value.strip().lower() in TRUE_WORDS
    raise OptionError('filters.%s must be true or false, not %s' % (key, shown(value)))


def _scalar_checks(values: dict) -> list:
    checks = []
    for key in SCALAR_KEYS:
        if key in values:
            checks.append(_field_check(key, compile_values(values[key])))
    if 'exclude_event_type' in values:
        checks.append(_exclude_check(compile_values(values['exclude_event_type'])))
    return checks


def _field_check(field: str, pattern):
    def check(entry: dict) -> bool:
        return pattern(entry.get(field))
    return check


def _exclude_check(pattern):
    def check(entry: dict) -> bool:
        return not pattern(entry.get('event_type'))
    return check


def _resource_checks(values: dict) -> list:
    """One check that wants a single resource to satisfy every given resource key."""
    wanted = [(field, compile_values(values[key])) for key, field in RESOURCE_KEYS if key in values]
    action = compile_values(values['resource_action']) if 'resource_action' in values else None
    if not wanted and action is None:
        return []

    def resource_matches(resource) -> bool:
        if not isinstance(resource, dict):
            return False
        for field, pattern in wanted:
            if not pattern(resource.get(field)):
                return False
        if action is None:
            return True
        actions = resource.get('actions')
        if isinstance(actions, list):
            for item in actions:
                if action(item):
                    return True
        return False

    def check(entry: dict) -> bool:
        resources = entry.get('resources')
        if isinstance(resources, list):
            for resource in resources:
                if resource_matches(resource):
                    return True
        return False
    return [check]


def _networks_of(patterns: list[str]) -> tuple:
    return tuple(_network(pattern) for pattern in patterns)


def _network(pattern: str):
    if _is_glob(pattern):
        raise OptionError('filters.source_ip takes addresses or CIDR ranges, not globs: %r; write a range such as 10.0.0.0/8 or 2001:db8::/32'
                          % pattern)
    return parse_network(pattern, 'filters.source_ip')


def parse_network(text: str, where: str, error=OptionError):
    """An address or CIDR range; ``error`` (named by ``where``) for anything else, with the likely fix."""
    try:
        return ipaddress.ip_network(text, strict=True)
    except ValueError:
        pass
    try:
        loose = ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise error('%s: %r is not an IP address or CIDR range; write 192.0.2.10, 192.0.2.0/24 or 2001:db8::/32' % (where, text)) from None
    raise error('%s: %r has host bits set after the prefix; did you mean %s?' % (where, text, loose))


def _source_ip_check(networks: tuple):
    """Addresses repeat a lot in a log, so each distinct one is parsed once (bounded cache)."""
    cache = {}

    def check(entry: dict) -> bool:
        raw = entry.get('source_ip')
        if not isinstance(raw, str):
            return False
        found = cache.get(raw)
        if found is None:
            found = address_in(raw, networks)
            if len(cache) >= IP_CACHE_LIMIT:
                cache.clear()
            cache[raw] = found
        return found
    return check


def address_in(raw: str, networks) -> bool:
    """Whether the address text ``raw`` lies in one of ``networks`` (an IPv4-mapped IPv6 address counts as IPv4)."""
    try:
        address = ipaddress.ip_address(raw.strip())
    except ValueError:
        return False
    candidates = [address]
    mapped = getattr(address, 'ipv4_mapped', None)
    if mapped is not None:
        candidates.append(mapped)
    return any(candidate in network for candidate in candidates for network in networks)


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

# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Properties of the filters option: any value compiles or fails with a clear OptionError, and a compiled filter
judges any entry without raising, exactly as the documented semantics (an independent oracle below) say.

Examples are derandomized (the same every run, no database); ACTIVITYLOG_HYPOTHESIS=explore draws ten times as
many fresh ones and prints the seed of a failure.
"""

from __future__ import annotations

import fnmatch
import ipaddress
import sys

import pytest
from hypothesis import given, strategies as st

from ansible_collections.ionos.activitylog.plugins.module_utils.errors import OptionError
from ansible_collections.ionos.activitylog.plugins.module_utils.filters import FILTER_KEYS, EntryFilter, is_error
from ansible_collections.ionos.activitylog.tests.unit.plugins.hypothesis_profiles import examples


INCLUDE_PATTERN_KEYS = ('username', 'event_type', 'action', 'resource_type', 'resource_id', 'resource_action', 'source_service',
                        'event_service', 'initiator', 'status', 'request_id', 'queue_ref_id', 'uri')
PATTERN_KEYS = INCLUDE_PATTERN_KEYS + tuple('exclude_' + key for key in INCLUDE_PATTERN_KEYS)
ADDRESS_KEYS = ('source_ip', 'exclude_source_ip')
RESOURCE_KEYS = ('resource_type', 'resource_id', 'resource_action')
SCALAR_FIELDS = ('username', 'event_type', 'action', 'source_service', 'event_service', 'initiator', 'status', 'request_id', 'queue_ref_id',
                 'uri')
ENTRY_FIELDS = ('id', 'time', 'contract_number', 'username', 'source_ip', 'source_service', 'event_service', 'initiator', 'event_type',
                'status', 'action', 'uri', 'message', 'request_id', 'queue_ref_id', 'resources', 'error')
TRUE_WORDS = ('true', 'yes', 'on', '1')
FALSE_WORDS = ('false', 'no', 'off', '0')

# A shared vocabulary, so that patterns and entries meet often enough for matches to be exercised, not only misses.
VOCABULARY = ('alice@example.com', 'Bob@EXAMPLE.com', 'DELETE', 'delete', 'Error', 'ERROR', 'FAILED', 'failed', 'DONE',
              'server', 'Server', 'datacenter', 'vr.server.delete', 'vr.datacenter.update', 'dc-1', '12345', 'PUBLIC_REST_V6',
              'DCD', 'PUBLIC_REST', '4711', '/cloudapi/v6/datacenters/dc-1/servers', '/auth/v1/tokens/generate',
              '6bcd4c34-e0f6-4b9b-a2ee-2a2d4d0f8d8e', 'a*b', 'x[1]', 'Ünïcødé', 'line\nbreak', 'tab\tin')
GLOBS = ('*', '*@example.com', '?ob*', '[ab]*', 'vr.*.delete', '*SERVER*', '[!d]*', '*[', 'dc-?', '*\n*', 'x[[]1]', 'a[*]b',
         '/cloudapi/v6/*/servers*', '47?1', '6bcd4c34-*')
ADDRESSES = ('10.0.0.1', '10.1.2.3', '192.0.2.10', '::ffff:10.0.0.1', '2001:db8::1', ' 10.0.0.1 ', 'garbage', '', '10.0.0.256')
NETWORKS = ('10.0.0.0/8', '10.0.0.1', '192.0.2.0/24', '2001:db8::/32', '::/0', '0.0.0.0/0', '::ffff:0:0/96')


json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8))
json_values = st.recursive(json_scalars, lambda children: st.one_of(st.lists(children, max_size=3),
                                                                    st.dictionaries(st.text(max_size=6), children, max_size=3)),
                           max_leaves=8)
# Text that is not blank once stripped, as a filter value must be.
words = st.one_of(st.sampled_from(VOCABULARY), st.text(min_size=1, max_size=10)).filter(lambda text: text.strip() != '')
patterns = st.one_of(words, st.sampled_from(GLOBS), st.integers(0, 10 ** 6))


def networks_text(draw_address, prefix: int) -> str:
    address = ipaddress.ip_address(draw_address)
    return str(ipaddress.ip_network('%s/%d' % (address, min(prefix, address.max_prefixlen)), strict=False))


networks = st.one_of(st.sampled_from(NETWORKS), st.builds(networks_text, st.ip_addresses().map(str), st.integers(0, 128)))


def one_or_list(values):
    return st.one_of(values, st.lists(values, min_size=1, max_size=3))


def booleans_as_written():
    words_of = st.sampled_from(TRUE_WORDS + FALSE_WORDS).flatmap(
        lambda word: st.sampled_from([word, word.upper(), ' %s ' % word.capitalize()]))
    return st.one_of(st.booleans(), words_of, st.none())


valid_filters = st.fixed_dictionaries({}, optional=dict(
    [(key, st.one_of(st.none(), one_or_list(patterns))) for key in PATTERN_KEYS]
    + [(key, one_or_list(networks)) for key in ADDRESS_KEYS] + [('errors_only', booleans_as_written())]))

# Keys that are AND'ed as separate checks (the resource keys are not: one resource must satisfy them all).
anded_filters = st.fixed_dictionaries({}, optional=dict(
    [(key, one_or_list(patterns)) for field in SCALAR_FIELDS for key in (field, 'exclude_' + field)]
    + [(key, one_or_list(networks)) for key in ADDRESS_KEYS] + [('errors_only', booleans_as_written())]))

hostile_values = st.one_of(json_values, st.just([]), st.sampled_from(['', '   ', '\n']), st.floats(), st.integers(-2 ** 70, 2 ** 70))
hostile_filters = st.one_of(
    json_values,
    st.dictionaries(st.one_of(st.sampled_from(FILTER_KEYS), st.text(max_size=12), st.integers()), hostile_values, max_size=3),
    st.dictionaries(st.sampled_from(FILTER_KEYS), st.one_of(hostile_values, one_or_list(patterns)), min_size=1, max_size=3),
)

field_values = st.one_of(st.none(), st.sampled_from(VOCABULARY), st.text(max_size=10), json_values)
resource_dicts = st.fixed_dictionaries({}, optional={
    'type': field_values, 'id': st.one_of(field_values, st.integers()), 'actions': st.one_of(st.lists(field_values, max_size=3), field_values),
})
entries = st.fixed_dictionaries({}, optional=dict(
    [(field, field_values) for field in SCALAR_FIELDS + ('id', 'time', 'message', 'contract_number')]
    + [('source_ip', st.one_of(st.sampled_from(ADDRESSES), st.ip_addresses().map(str), json_values)),
       ('resources', st.one_of(st.lists(st.one_of(resource_dicts, json_values), max_size=3), json_values)),
       ('error', json_values)]))
any_entries = st.one_of(entries, json_values)
# Entries shaped as normalize_entry makes them, fields mostly text from the vocabulary.
texts = st.one_of(st.sampled_from(VOCABULARY), st.text(min_size=1, max_size=8))
textual_entries = st.fixed_dictionaries(dict(
    [(field, texts) for field in SCALAR_FIELDS]
    + [('source_ip', st.one_of(st.sampled_from(ADDRESSES), st.ip_addresses().map(str))),
       ('resources', st.lists(st.fixed_dictionaries({'type': texts, 'id': texts, 'actions': st.lists(texts, min_size=1, max_size=2)}),
                              min_size=1, max_size=3)),
       ('error', st.one_of(st.none(), st.just({'http_status': 500, 'error_code': None, 'messages': []})))]))


def spellings(text: str):
    """Patterns that a field value should match (its text, another case, a glob of it) or, now and then, not."""
    return st.sampled_from([text, text.upper(), text.lower(), text[:2] + '*', '*' + text[-2:], '?' + text[1:], 'x' + text])


@st.composite
def filters_from_entries(draw):
    """An entry and a filter built from its own fields, so that non-empty filters match as often as they miss."""
    item = draw(st.one_of(textual_entries, entries))
    resources = item.get('resources') if isinstance(item.get('resources'), list) else []
    resource = draw(st.sampled_from(resources)) if resources else {}
    resource = resource if isinstance(resource, dict) else {}
    actions = resource.get('actions') if isinstance(resource.get('actions'), list) and resource.get('actions') else [None]
    fields = dict((field, item.get(field)) for field in SCALAR_FIELDS)
    fields.update(resource_type=resource.get('type'), resource_id=resource.get('id'), resource_action=draw(st.sampled_from(actions)))
    fields.update([('exclude_' + key, value) for key, value in fields.items()])
    filters = {}
    for key in draw(st.sets(st.sampled_from(PATTERN_KEYS + ADDRESS_KEYS + ('errors_only',)), min_size=1, max_size=4)):
        value = fields.get(key)
        if key == 'errors_only':
            filters[key] = draw(booleans_as_written())
        elif key in ADDRESS_KEYS:
            filters[key] = draw(networks) if not in_networks(item.get('source_ip'), ['::/0', '0.0.0.0/0']) else networks_text(
                item['source_ip'].strip(), draw(st.integers(0, 128)))
        elif isinstance(value, str) and value.strip():
            filters[key] = draw(spellings(value.strip()))
        else:
            filters[key] = draw(patterns)
    return filters, item


def test_the_strategies_cover_every_filter_key():
    assert set(PATTERN_KEYS + ADDRESS_KEYS + ('errors_only',)) == set(FILTER_KEYS)
    assert set(SCALAR_FIELDS) == set(INCLUDE_PATTERN_KEYS) - set(RESOURCE_KEYS) and set(SCALAR_FIELDS) < set(ENTRY_FIELDS)


# The oracle: the semantics of the module docstring of filters.py, written independently of its code.

def values_of(value) -> list:
    items = value if isinstance(value, (list, tuple)) else [value]
    return [str(item).strip() for item in items]


def any_matches(values: list, field) -> bool:
    return isinstance(field, str) and any(fnmatch.fnmatchcase(field.lower(), value.lower()) for value in values)


def in_networks(raw, rules: list) -> bool:
    if not isinstance(raw, str):
        return False
    try:
        address = ipaddress.ip_address(raw.strip())
    except ValueError:
        return False
    candidates = [address] + ([address.ipv4_mapped] if getattr(address, 'ipv4_mapped', None) else [])
    return any(candidate in ipaddress.ip_network(rule) for candidate in candidates for rule in rules)


def reported_error(entry: dict) -> bool:
    status, event_type = entry.get('status'), entry.get('event_type')
    return bool(entry.get('error')) or (isinstance(status, str) and status.upper() == 'FAILED') or (
        isinstance(event_type, str) and event_type.lower() == 'error')


def resource_passes(resource, given: dict, prefix: str = '') -> bool:
    """Whether the resource satisfies every resource key given with ``prefix`` (``''`` or ``'exclude_'``)."""
    if not isinstance(resource, dict):
        return False
    for key, field in (('resource_type', 'type'), ('resource_id', 'id')):
        if prefix + key in given and not any_matches(given[prefix + key], resource.get(field)):
            return False
    if prefix + 'resource_action' not in given:
        return True
    actions = resource.get('actions')
    return isinstance(actions, list) and any(any_matches(given[prefix + 'resource_action'], action) for action in actions)


def oracle(filters: dict, entry) -> bool:
    given = {key: values_of(value) for key, value in filters.items() if key != 'errors_only' and value is not None}
    flag = filters.get('errors_only')
    errors_only = flag is True or (isinstance(flag, str) and flag.strip().lower() in TRUE_WORDS)
    if not isinstance(entry, dict):
        return not given and not errors_only
    checks = [any_matches(given[field], entry.get(field)) for field in SCALAR_FIELDS if field in given]
    checks += [not any_matches(given['exclude_' + field], entry.get(field)) for field in SCALAR_FIELDS if 'exclude_' + field in given]
    resources = entry.get('resources')
    if given.keys() & set(RESOURCE_KEYS):
        checks.append(isinstance(resources, list) and any(resource_passes(resource, given) for resource in resources))
    if given.keys() & {'exclude_' + key for key in RESOURCE_KEYS}:
        checks.append(not (isinstance(resources, list) and any(resource_passes(resource, given, 'exclude_') for resource in resources)))
    if 'source_ip' in given:
        checks.append(in_networks(entry.get('source_ip'), given['source_ip']))
    if 'exclude_source_ip' in given:
        checks.append(not in_networks(entry.get('source_ip'), given['exclude_source_ip']))
    if errors_only:
        checks.append(reported_error(entry))
    return all(checks)


@examples(80)
@given(st.one_of(valid_filters, hostile_filters))
def test_any_filters_value_compiles_or_is_refused_naming_the_key(filters):
    try:
        compiled = EntryFilter.from_option(filters)
    except OptionError as error:
        message = str(error)
        assert message.startswith('filters'), message
        if isinstance(filters, dict):
            unknown = [key for key in filters if key not in FILTER_KEYS]
            if unknown:
                assert repr(unknown[0]) in message, message
            else:
                assert any('filters.%s' % key in message for key in filters), message
        else:
            assert 'must be a dictionary' in message and type(filters).__name__ in message, message
    else:
        assert isinstance(compiled, EntryFilter)
        assert filters is None or isinstance(filters, dict)


@examples(60)
@given(valid_filters, st.lists(any_entries, max_size=4))
def test_a_compiled_filter_judges_any_entry_like_the_documented_semantics(filters, items):
    compiled = EntryFilter.from_option(filters)
    for item in items:
        verdict = compiled.matches(item)
        assert verdict is True or verdict is False
        assert verdict == oracle(filters, item), (filters, item)


@examples(80)
@given(filters_from_entries())
def test_filters_built_from_an_entry_judge_it_like_the_documented_semantics(case):
    filters, item = case
    assert EntryFilter.from_option(filters).matches(item) == oracle(filters, item), (filters, item)


@examples(60)
@given(hostile_filters, st.lists(any_entries, max_size=4))
def test_a_hostile_filter_either_fails_clearly_or_judges_without_raising(filters, items):
    try:
        compiled = EntryFilter.from_option(filters)
    except OptionError:
        return
    for item in items:
        assert compiled.matches(item) in (True, False)


@examples(40)
@given(st.sampled_from(SCALAR_FIELDS), st.lists(patterns, min_size=2, max_size=4), entries)
def test_values_of_one_key_are_ored(field, values, item):
    alone = [EntryFilter.from_option({field: value}).matches(item) for value in values]
    assert EntryFilter.from_option({field: values}).matches(item) == any(alone)


@examples(40)
@given(anded_filters, entries)
def test_different_keys_are_anded(filters, item):
    alone = [EntryFilter.from_option({key: value}).matches(item) for key, value in filters.items()]
    assert EntryFilter.from_option(filters).matches(item) == all(alone)


@examples(40)
@given(st.sampled_from(SCALAR_FIELDS), words.filter(lambda text: not any(char in text for char in '*?[')), entries)
def test_a_literal_matches_its_own_field_in_any_case(field, text, item):
    stripped = text.strip()
    item = dict(item, **{field: stripped})
    for spelling in (stripped, stripped.lower(), stripped.upper(), ' %s ' % stripped):
        if spelling.lower() == stripped.lower() and spelling.strip():
            assert EntryFilter.from_option({field: spelling}).matches(item), spelling


@examples(40)
@given(one_or_list(patterns), entries)
def test_exclude_event_type_is_the_complement_for_entries_with_an_event_type(values, item):
    included = EntryFilter.from_option({'event_type': values}).matches(item)
    excluded = EntryFilter.from_option({'exclude_event_type': values}).matches(item)
    if isinstance(item.get('event_type'), str):
        assert excluded == (not included)
    else:
        assert excluded and not included


include_filters = st.one_of(
    st.fixed_dictionaries({}, optional=dict((key, one_or_list(patterns)) for key in RESOURCE_KEYS)).filter(bool),
    st.sampled_from(SCALAR_FIELDS).flatmap(lambda key: st.fixed_dictionaries({key: one_or_list(patterns)})),
    st.fixed_dictionaries({'source_ip': one_or_list(networks)}),
)


@examples(60)
@given(include_filters, st.one_of(entries, textual_entries))
def test_exclude_twins_keep_exactly_the_entries_their_keys_drop(filters, item):
    """The exclude_ twins of a key (or of several resource keys, one check) keep any entry exactly when the key drops it."""
    twins = dict(('exclude_' + key, value) for key, value in filters.items())
    assert EntryFilter.from_option(twins).matches(item) is not EntryFilter.from_option(filters).matches(item), (filters, item)


@examples(40)
@given(include_filters, st.one_of(entries, textual_entries))
def test_a_key_with_its_own_values_as_exclude_keeps_nothing(filters, item):
    both = dict(filters, **dict(('exclude_' + key, value) for key, value in filters.items()))
    assert not EntryFilter.from_option(both).matches(item)


@examples(40)
@given(any_entries)
def test_errors_only_keeps_exactly_the_entries_reported_as_errors(item):
    kept = EntryFilter.from_option({'errors_only': True}).matches(item)
    assert kept == is_error(item) == (isinstance(item, dict) and reported_error(item))
    assert EntryFilter.from_option({'errors_only': False}).matches(item)
    assert EntryFilter.from_option({}).matches(item) and EntryFilter.from_option(None).matches(item)


@examples(40)
@given(st.ip_addresses(), st.integers(0, 128))
def test_an_address_matches_exactly_the_ranges_that_hold_it(address, prefix):
    rule = networks_text(str(address), prefix)
    kept = EntryFilter.from_option({'source_ip': rule}).matches({'source_ip': str(address)})
    assert kept == (address in ipaddress.ip_network(rule))
    if address.version == 4:
        mapped = ipaddress.ip_address('::ffff:%s' % address)
        assert EntryFilter.from_option({'source_ip': rule}).matches({'source_ip': str(mapped)}) == kept


# Hypothesis cannot show integers past Python's int-to-text limit (its own repr fails), so these are examples.
TOO_LONG = 10 ** (getattr(sys, 'get_int_max_str_digits', lambda: 4300)() or 4300)


@pytest.mark.parametrize('filters', [
    {'username': TOO_LONG}, {'resource_id': [1, -TOO_LONG]}, {'source_ip': TOO_LONG}, {'errors_only': TOO_LONG}, {TOO_LONG: 'x'},
])
def test_integers_too_long_to_write_as_text_are_refused_clearly(filters):
    """YAML and Jinja2 (``10 ** 5000``) can make them; str() of one raises ValueError on Python 3.11+ (and patched 3.9/3.10)."""
    with pytest.raises(OptionError) as caught:
        EntryFilter.from_option(filters)
    assert str(caught.value).startswith('filters')

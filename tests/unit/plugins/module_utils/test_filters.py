# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the filters option: validation messages, every key, globs, lists, CIDR, AND/OR, speed."""

from __future__ import annotations

import fnmatch
import re

import pytest
import yaml

from ansible_collections.ionos.activitylog.plugins.doc_fragments.activity_log import ModuleDocFragment
from ansible_collections.ionos.activitylog.plugins.module_utils import filters as filters_module
from ansible_collections.ionos.activitylog.plugins.module_utils.errors import OptionError
from ansible_collections.ionos.activitylog.plugins.module_utils.filters import EXCLUDABLE_KEYS, FILTER_KEYS, EntryFilter
from ansible_collections.ionos.activitylog.plugins.module_utils.normalize import NORMALIZED_FIELDS, normalize_entry


def entry(**fields) -> dict:
    """A normalized entry with every field present (None unless given)."""
    base = {'id': 'x', 'time': '2024-05-01T12:00:00.000Z', 'contract_number': 1, 'username': None, 'source_ip': None,
            'source_service': None, 'event_service': None, 'initiator': None, 'event_type': None, 'status': None, 'action': None,
            'uri': None, 'message': None, 'request_id': None, 'queue_ref_id': None, 'resources': [], 'error': None}
    base.update(fields)
    return base


def resource(kind=None, ident=None, actions=()) -> dict:
    return {'type': kind, 'id': ident, 'actions': list(actions)}


def keeps(filters: dict, item: dict) -> bool:
    return EntryFilter.from_option(filters).matches(item)


SERVER_DELETE = entry(resources=[resource('datacenter', 'dc-1', ['vr.datacenter.update']), resource('server', 'srv-1', ['vr.server.delete'])])


def test_filter_keys_are_the_documented_ones():
    assert FILTER_KEYS == ('username', 'exclude_username', 'event_type', 'exclude_event_type', 'action', 'exclude_action',
                           'resource_type', 'exclude_resource_type', 'resource_id', 'exclude_resource_id', 'resource_action',
                           'exclude_resource_action', 'source_ip', 'exclude_source_ip', 'source_service', 'exclude_source_service',
                           'event_service', 'exclude_event_service', 'initiator', 'exclude_initiator', 'status', 'exclude_status',
                           'request_id', 'exclude_request_id', 'queue_ref_id', 'exclude_queue_ref_id', 'uri', 'exclude_uri', 'errors_only')


def test_every_scalar_key_names_a_normalized_field():
    assert set(filters_module.SCALAR_KEYS) <= set(NORMALIZED_FIELDS)
    assert set(filters_module.SCALAR_KEYS) == set(EXCLUDABLE_KEYS) - {'resource_type', 'resource_id', 'resource_action', 'source_ip'}


def test_every_key_but_errors_only_has_an_exclude_twin_right_after_it():
    assert EXCLUDABLE_KEYS == tuple(key for key in FILTER_KEYS if key != 'errors_only' and not key.startswith('exclude_'))
    for key in EXCLUDABLE_KEYS:
        assert FILTER_KEYS[FILTER_KEYS.index(key) + 1] == 'exclude_' + key
    assert set(FILTER_KEYS) == set(EXCLUDABLE_KEYS) | {'exclude_' + key for key in EXCLUDABLE_KEYS} | {'errors_only'}
    assert set(filters_module.EXAMPLES) == set(FILTER_KEYS) - {'errors_only'}


def test_the_option_documentation_names_every_key_and_no_other():
    text = ' '.join(yaml.safe_load(ModuleDocFragment.READ)['options']['filters']['description'])
    assert set(re.findall(r'V\(([a-z_]+)(?:=[^)]*)?\)', text)) == set(FILTER_KEYS)


def test_the_resource_keys_of_the_policies_stay_the_three_include_keys():
    assert filters_module.RESOURCE_KEYS == ('resource_type', 'resource_id', 'resource_action')


@pytest.mark.parametrize('filters', [None, {}])
def test_an_empty_filter_matches_everything(filters):
    compiled = EntryFilter.from_option(filters)
    assert compiled.is_empty
    for item in (entry(), entry(username='a'), {}, {'garbage': object()}, None, 'text', 42):
        assert compiled.matches(item)


def test_keys_set_to_none_are_left_out():
    assert EntryFilter.from_option({'username': None, 'errors_only': None}).is_empty
    assert EntryFilter.from_option({'errors_only': False}).is_empty


# Validation


def test_a_filter_must_be_a_dict():
    with pytest.raises(OptionError, match='filters must be a dictionary.*not list'):
        EntryFilter.from_option(['username'])


def test_an_unknown_key_lists_the_valid_keys_and_suggests_one():
    with pytest.raises(OptionError) as caught:
        EntryFilter.from_option({'usernme': 'alice'})
    message = str(caught.value)
    assert "unknown key 'usernme'" in message
    assert "did you mean 'username'?" in message
    for key in FILTER_KEYS:
        assert key in message


def test_an_unknown_key_without_a_close_one():
    with pytest.raises(OptionError) as caught:
        EntryFilter.from_option({'colour': 'blue'})
    assert "unknown key 'colour'; the valid keys are: username, exclude_username, event_type" in str(caught.value)


def test_a_non_string_key_is_unknown():
    with pytest.raises(OptionError, match='unknown key 3'):
        EntryFilter.from_option({3: 'x'})


@pytest.mark.parametrize('value, kind', [({'a': 1}, 'dict'), (['ok', {'a': 1}], 'dict'), (1.5, 'float'), (True, 'bool'), ([None], 'null'),
                                         ([['nested']], 'list')])
def test_wrong_value_types_name_the_key_and_the_type(value, kind):
    with pytest.raises(OptionError) as caught:
        EntryFilter.from_option({'username': value})
    message = str(caught.value)
    assert 'filters.username takes a string or a list of strings' in message
    assert kind in message


def test_an_empty_list_is_an_error_not_a_silent_match_all():
    with pytest.raises(OptionError, match=r'filters\.status is an empty list: give at least one value such as FAILED, or leave the key out'):
        EntryFilter.from_option({'status': []})


@pytest.mark.parametrize('value', ['', '  ', ['DONE', '']])
def test_an_empty_value_is_an_error(value):
    with pytest.raises(OptionError, match=r'filters\.status(\[1\])? is an empty string: give a value such as FAILED, or leave the key out'):
        EntryFilter.from_option({'status': value})


@pytest.mark.parametrize('value', ['maybe', 2, 1, [True], {'x': 1}, 'truee'])
def test_errors_only_must_be_a_boolean(value):
    with pytest.raises(OptionError, match=r'filters\.errors_only must be true or false, not'):
        EntryFilter.from_option({'errors_only': value})


@pytest.mark.parametrize('value, expected', [(True, False), ('true', False), ('Yes', False), ('on', False), ('1', False),
                                             (False, True), ('false', True), ('NO', True), ('off', True), ('0', True)])
def test_errors_only_takes_booleans_and_their_templated_spellings(value, expected):
    assert EntryFilter.from_option({'errors_only': value}).is_empty is expected


@pytest.mark.parametrize('value, words', [
    ('10.0.0.300', ['not an IP address or CIDR range', "'10.0.0.300'"]),
    ('10.0.0.0/33', ['not an IP address or CIDR range', "'10.0.0.0/33'"]),
    ('2001:db8::/129', ['not an IP address or CIDR range']),
    ('example.com', ['not an IP address or CIDR range']),
    ('10.0.0.1/24', ['host bits set', 'did you mean 10.0.0.0/24?']),
    ('2001:db8::1/32', ['host bits set', 'did you mean 2001:db8::/32?']),
    ('10.0.*', ['not globs', "'10.0.*'", '10.0.0.0/8']),
    (['10.0.0.0/8', 'bogus'], ["'bogus'"]),
])
def test_source_ip_validation_names_the_value(value, words):
    with pytest.raises(OptionError) as caught:
        EntryFilter.from_option({'source_ip': value})
    message = str(caught.value)
    assert message.startswith('filters.source_ip')
    for word in words:
        assert word in message


# Matching, key by key


@pytest.mark.parametrize('key, field', [('username', 'username'), ('event_type', 'event_type'), ('source_service', 'source_service'),
                                        ('event_service', 'event_service'), ('initiator', 'initiator'), ('status', 'status'),
                                        ('action', 'action'), ('request_id', 'request_id'), ('queue_ref_id', 'queue_ref_id'), ('uri', 'uri')])
def test_scalar_keys_exact_glob_list_and_case(key, field):
    assert keeps({key: 'Alpha'}, entry(**{field: 'Alpha'}))
    assert keeps({key: 'alpha'}, entry(**{field: 'ALPHA'}))
    assert keeps({key: 'ALPHA'}, entry(**{field: 'alpha'}))
    assert not keeps({key: 'Alpha'}, entry(**{field: 'AlphaBeta'}))
    assert not keeps({key: 'Alpha'}, entry(**{field: 'xAlpha'}))
    assert keeps({key: 'Al*'}, entry(**{field: 'alphabet'}))
    assert keeps({key: '*BET'}, entry(**{field: 'alphabet'}))
    assert keeps({key: 'a?pha'}, entry(**{field: 'ALPHA'}))
    assert not keeps({key: 'a?pha'}, entry(**{field: 'aLLpha'}))
    assert keeps({key: '[ab]lpha'}, entry(**{field: 'Blpha'}))
    assert keeps({key: ['none', 'Alpha']}, entry(**{field: 'alpha'}))
    assert keeps({key: ['no*', 'alpha']}, entry(**{field: 'NOTE'}))
    assert not keeps({key: ['one', 'two*']}, entry(**{field: 'three'}))
    assert not keeps({key: '*'}, entry(**{field: None}))
    assert not keeps({key: '*'}, {field: 5})
    assert not keeps({key: 'x'}, {})


def test_request_id_picks_the_entries_of_one_request():
    request = '6bcd4c34-e0f6-4b9b-a2ee-2a2d4d0f8d8e'
    rule = EntryFilter.from_option({'request_id': request.upper()})
    assert rule.matches(entry(request_id=request))
    assert not rule.matches(entry(request_id=request + '0'))
    assert not rule.matches(entry(request_id=None))
    assert keeps({'request_id': '6bcd4c34-*'}, entry(request_id=request))
    assert keeps({'exclude_request_id': [request, 'other']}, entry(request_id='third'))
    assert not keeps({'exclude_request_id': [request, 'other']}, entry(request_id=request))


def test_queue_ref_id_takes_the_integer_yaml_reads_and_matches_the_normalized_text():
    grouped = normalize_entry({'meta': {'queueRefId': 4711}})
    assert grouped['queue_ref_id'] == '4711'
    assert keeps({'queue_ref_id': 4711}, grouped)
    assert keeps({'queue_ref_id': [1, 4711]}, grouped)
    assert keeps({'queue_ref_id': '47*'}, grouped)
    assert not keeps({'queue_ref_id': 471}, grouped)
    assert not keeps({'exclude_queue_ref_id': 4711}, grouped)
    assert keeps({'exclude_queue_ref_id': 4712}, grouped)
    assert not keeps({'queue_ref_id': 4711}, normalize_entry({'meta': {}}))


def test_uri_globs_match_the_whole_path_case_insensitively():
    servers = entry(uri='/cloudapi/v6/datacenters/DC-1/servers/srv-1')
    assert keeps({'uri': '/cloudapi/v6/datacenters/*/servers*'}, servers)
    assert keeps({'uri': '/CLOUDAPI/V6/*'}, servers)
    assert not keeps({'uri': '/cloudapi/v6/datacenters'}, servers)
    assert not keeps({'uri': '*/volumes*'}, servers)
    assert keeps({'uri': '/cloudapi/v6/datacenters/dc-1/servers/srv-1'}, servers)
    assert keeps({'exclude_uri': '/auth/*'}, servers)
    assert not keeps({'exclude_uri': '*/servers/*'}, servers)
    assert keeps({'exclude_uri': '*'}, entry(uri=None))


def test_source_service_and_event_service_are_separate_keys():
    item = normalize_entry({'principal': {'sourceService': 'DCD'}, 'event': {'param': {'sourceService': 'PUBLIC_REST', 'initiator': 'DCD'}}})
    assert keeps({'source_service': 'DCD', 'event_service': 'public_rest', 'initiator': 'dcd'}, item)
    assert not keeps({'source_service': 'PUBLIC_REST'}, item)
    assert not keeps({'event_service': 'DCD'}, item)
    assert not keeps({'source_service': '*'}, normalize_entry({'event': {'param': {'sourceService': 'PUBLIC_REST'}}}))


def test_username_glob_on_a_domain():
    rule = EntryFilter.from_option({'username': '*@example.com'})
    assert rule.matches(entry(username='Alice@Example.COM'))
    assert not rule.matches(entry(username='alice@example.com.evil'))
    assert not rule.matches(entry(username=None))


def test_values_are_stripped_and_integers_become_text():
    assert keeps({'username': '  alice  '}, entry(username='alice'))
    assert keeps({'resource_id': 12345}, entry(resources=[resource('server', '12345')]))
    assert keeps({'resource_id': [12345, 'x']}, entry(resources=[resource('server', '12345')]))


@pytest.mark.parametrize('method', ['GET', 'get', 'Get'])
def test_action_compares_http_methods_case_insensitively(method):
    rule = EntryFilter.from_option({'action': [method]})
    assert rule.matches(entry(action='get'))
    assert rule.matches(entry(action='GET'))
    assert not rule.matches(entry(action='POST'))
    assert EntryFilter.from_option({'action': ['post', 'PUT', 'patch', 'Delete']}).matches(entry(action='DELETE'))


def test_regex_characters_in_values_are_literal():
    assert keeps({'username': 'a.b+c(d)$'}, entry(username='A.B+C(D)$'))
    assert not keeps({'username': 'a.b'}, entry(username='axb'))
    assert keeps({'username': 'a.*'}, entry(username='a.anything'))
    assert not keeps({'username': 'a.*'}, entry(username='ab'))


def test_globs_cover_newlines_and_the_whole_value():
    assert keeps({'event_type': 'a*'}, entry(event_type='a\nb'))
    assert not keeps({'event_type': 'a'}, entry(event_type='a\n'))


def test_exclude_event_type_removes_matches():
    rule = EntryFilter.from_option({'exclude_event_type': ['RequestStatusUpdate', 'provision*']})
    assert not rule.matches(entry(event_type='RequestStatusUpdate'))
    assert not rule.matches(entry(event_type='requeststatusupdate'))
    assert not rule.matches(entry(event_type='ProvisionDone'))
    assert rule.matches(entry(event_type='RequestAccepted'))
    assert rule.matches(entry(event_type=None))
    assert rule.matches({})


def test_event_type_and_exclude_together():
    rule = EntryFilter.from_option({'event_type': 'Request*', 'exclude_event_type': 'RequestStatusUpdate'})
    assert rule.matches(entry(event_type='RequestAccepted'))
    assert not rule.matches(entry(event_type='RequestStatusUpdate'))
    assert not rule.matches(entry(event_type='Provision'))


@pytest.mark.parametrize('key', ['username', 'event_type', 'action', 'source_service', 'event_service', 'initiator', 'status', 'request_id',
                                 'queue_ref_id', 'uri'])
def test_each_scalar_exclude_key_drops_matches_and_keeps_entries_without_the_field(key):
    rule = EntryFilter.from_option({'exclude_' + key: ['Alpha', 'be*']})
    assert not rule.matches(entry(**{key: 'Alpha'}))
    assert not rule.matches(entry(**{key: 'ALPHA'}))
    assert not rule.matches(entry(**{key: 'Beta'}))
    assert rule.matches(entry(**{key: 'AlphaBeta'}))
    assert rule.matches(entry(**{key: 'gamma'}))
    assert rule.matches(entry(**{key: None}))
    assert rule.matches({key: 5})
    assert rule.matches({})


def test_exclude_username_drops_the_users_given():
    rule = EntryFilter.from_option({'exclude_username': ['ci-*@example.com', 'monitoring@example.com']})
    assert not rule.matches(entry(username='CI-deploy@example.com'))
    assert not rule.matches(entry(username='monitoring@example.com'))
    assert rule.matches(entry(username='alice@example.com'))
    assert rule.matches(entry(username='ci-deploy@example.com.evil'))
    assert rule.matches(entry(username=None))


def test_username_and_exclude_username_together_keep_the_allowed_list_but_the_excluded():
    rule = EntryFilter.from_option({'username': '*@example.com', 'exclude_username': 'ci-*'})
    assert rule.matches(entry(username='alice@example.com'))
    assert not rule.matches(entry(username='ci-bot@example.com'))
    assert not rule.matches(entry(username='alice@other.com'))
    assert not rule.matches(entry(username=None))


@pytest.mark.parametrize('key, value', [('exclude_username', []), ('exclude_status', ''), ('exclude_action', [' ']),
                                        ('exclude_resource_type', {'a': 1}), ('exclude_source_ip', '10.0.*')])
def test_exclude_values_are_validated_like_their_keys(key, value):
    with pytest.raises(OptionError, match=r'^filters\.%s' % key):
        EntryFilter.from_option({key: value})


def test_an_unknown_exclude_key_is_refused_with_a_suggestion():
    with pytest.raises(OptionError, match="unknown key 'exclude_errors_only'"):
        EntryFilter.from_option({'exclude_errors_only': True})
    with pytest.raises(OptionError, match="did you mean 'exclude_username'"):
        EntryFilter.from_option({'exclude_usernme': 'alice'})


def test_exclude_resource_type_drops_an_entry_when_any_resource_matches():
    assert not keeps({'exclude_resource_type': 'server'}, SERVER_DELETE)
    assert not keeps({'exclude_resource_type': 'DATACENTER'}, SERVER_DELETE)
    assert keeps({'exclude_resource_type': ['volume', 'nic*']}, SERVER_DELETE)
    assert keeps({'exclude_resource_type': '*'}, entry(resources=[]))
    assert keeps({'exclude_resource_type': '*'}, entry(resources=None))


def test_exclude_resource_id_and_action_look_at_every_resource():
    assert not keeps({'exclude_resource_id': 'srv-*'}, SERVER_DELETE)
    assert keeps({'exclude_resource_id': 'srv-2'}, SERVER_DELETE)
    assert not keeps({'exclude_resource_action': '*.delete'}, SERVER_DELETE)
    assert not keeps({'exclude_resource_action': 'vr.datacenter.*'}, SERVER_DELETE)
    assert keeps({'exclude_resource_action': '*.create'}, SERVER_DELETE)


def test_exclude_resource_keys_drop_only_when_one_and_the_same_resource_matches_them_all():
    assert not keeps({'exclude_resource_type': 'server', 'exclude_resource_action': '*.delete'}, SERVER_DELETE)
    assert keeps({'exclude_resource_type': 'datacenter', 'exclude_resource_action': '*.delete'}, SERVER_DELETE)
    assert keeps({'exclude_resource_type': 'datacenter', 'exclude_resource_id': 'srv-1'}, SERVER_DELETE)
    assert not keeps({'exclude_resource_type': 'datacenter', 'exclude_resource_id': 'dc-1'}, SERVER_DELETE)


def test_resource_keys_and_their_exclude_twins_are_separate_checks():
    assert not keeps({'resource_type': 'datacenter', 'exclude_resource_action': '*.delete'}, SERVER_DELETE)
    assert keeps({'resource_type': 'datacenter', 'exclude_resource_action': '*.create'}, SERVER_DELETE)
    assert not keeps({'resource_type': 'server', 'exclude_resource_type': 'datacenter'}, SERVER_DELETE)
    assert keeps({'resource_type': 'server', 'exclude_resource_type': 'volume'}, SERVER_DELETE)


@pytest.mark.parametrize('address, expected', [('10.1.2.3', False), ('::ffff:10.0.0.1', False), ('192.0.2.1', True), ('2001:db8::1', True),
                                               ('unknown', True), ('', True), (None, True)])
def test_exclude_source_ip_drops_the_addresses_in_the_ranges(address, expected):
    assert keeps({'exclude_source_ip': ['10.0.0.0/8']}, entry(source_ip=address)) is expected


def test_source_ip_and_exclude_source_ip_together():
    rule = EntryFilter.from_option({'source_ip': '10.0.0.0/8', 'exclude_source_ip': ['10.9.0.0/16', '10.0.0.1']})
    assert rule.matches(entry(source_ip='10.1.2.3'))
    assert not rule.matches(entry(source_ip='10.9.8.7'))
    assert not rule.matches(entry(source_ip='10.0.0.1'))
    assert not rule.matches(entry(source_ip='192.0.2.1'))
    assert not rule.matches(entry(source_ip=None))


@pytest.mark.parametrize('key, value, item', [
    ('username', 'alice', entry(username='ALICE')), ('status', 'fail*', entry(status='FAILED')), ('resource_type', 'server', SERVER_DELETE),
    ('uri', '*/servers', entry(uri='/cloudapi/v6/datacenters/d/servers')), ('queue_ref_id', 4711, entry(queue_ref_id='4711')),
    ('request_id', 'r-*', entry(request_id='r-1')), ('event_service', 'x', entry()), ('initiator', 'DCD', entry(initiator='dcd')),
    ('resource_action', '*.delete', SERVER_DELETE), ('source_ip', '10.0.0.0/8', entry(source_ip='10.0.0.1')),
    ('username', 'alice', entry(username='bob')), ('status', 'x', entry()), ('resource_id', 'nope', SERVER_DELETE),
    ('source_ip', '10.0.0.0/8', entry(source_ip='garbage')),
])
def test_an_exclude_key_is_the_negation_of_its_key(key, value, item):
    assert keeps({'exclude_' + key: value}, item) is not keeps({key: value}, item)


def test_resource_type_matches_any_resource():
    assert keeps({'resource_type': 'server'}, SERVER_DELETE)
    assert keeps({'resource_type': 'DATACENTER'}, SERVER_DELETE)
    assert keeps({'resource_type': ['nic', 'serv*']}, SERVER_DELETE)
    assert not keeps({'resource_type': 'volume'}, SERVER_DELETE)
    assert not keeps({'resource_type': '*'}, entry(resources=[]))


def test_resource_id_matches_any_resource():
    assert keeps({'resource_id': 'srv-1'}, SERVER_DELETE)
    assert keeps({'resource_id': 'DC-*'}, SERVER_DELETE)
    assert not keeps({'resource_id': 'srv-2'}, SERVER_DELETE)


def test_resource_action_matches_any_action_of_any_resource():
    assert keeps({'resource_action': '*.delete'}, SERVER_DELETE)
    assert keeps({'resource_action': '*.DATACENTER.*'}, SERVER_DELETE)
    assert keeps({'resource_action': ['sec.user.create', 'vr.server.delete']}, SERVER_DELETE)
    assert not keeps({'resource_action': '*.create'}, SERVER_DELETE)
    many = entry(resources=[resource('user', 'u', ['sec.user.create', 'sec.group.update', 'sec.user.delete'])])
    assert keeps({'resource_action': 'sec.user.delete'}, many)


def test_resource_keys_must_hold_for_one_and_the_same_resource():
    assert keeps({'resource_type': 'server', 'resource_action': '*.delete'}, SERVER_DELETE)
    assert not keeps({'resource_type': 'datacenter', 'resource_action': '*.delete'}, SERVER_DELETE)
    assert keeps({'resource_type': 'datacenter', 'resource_id': 'dc-1'}, SERVER_DELETE)
    assert not keeps({'resource_type': 'datacenter', 'resource_id': 'srv-1'}, SERVER_DELETE)
    assert keeps({'resource_type': 'server', 'resource_id': 'srv-*', 'resource_action': 'vr.server.*'}, SERVER_DELETE)


@pytest.mark.parametrize('resources', [None, 'server', {'type': 'server'}, [None, 'server', 5], [{'type': 5, 'id': None, 'actions': 'vr.server.delete'}]])
def test_resource_keys_tolerate_garbage_resources(resources):
    for key in ('resource_type', 'resource_id', 'resource_action'):
        assert not keeps({key: '*'}, entry(resources=resources))


@pytest.mark.parametrize('rule, address, expected', [
    ('10.0.0.0/8', '10.1.2.3', True),
    ('10.0.0.0/8', '11.0.0.1', False),
    ('192.0.2.10', '192.0.2.10', True),
    ('192.0.2.10', '192.0.2.11', False),
    ('192.0.2.10/32', '192.0.2.10', True),
    ('0.0.0.0/0', '203.0.113.9', True),
    ('2001:db8::/32', '2001:db8:1::5', True),
    ('2001:db8::/32', '2001:db9::1', False),
    ('2001:DB8::1', '2001:db8:0:0:0:0:0:1', True),
    ('::/0', '10.0.0.1', False),
    ('0.0.0.0/0', '2001:db8::1', False),
    ('10.0.0.0/8', '::ffff:10.0.0.1', True),
    ('10.0.0.0/8', ' 10.0.0.1 ', True),
    ('10.0.0.0/8', '10.0.0.1:443', False),
    ('10.0.0.0/8', 'unknown', False),
    ('10.0.0.0/8', '', False),
    ('10.0.0.0/8', None, False),
    ('10.0.0.0/8', 167772161, False),
])
def test_source_ip_addresses_and_ranges(rule, address, expected):
    assert keeps({'source_ip': rule}, entry(source_ip=address)) is expected


def test_source_ip_list_is_ored_over_both_families():
    rule = EntryFilter.from_option({'source_ip': ['198.51.100.0/24', '2001:db8::/32']})
    assert rule.matches(entry(source_ip='198.51.100.7'))
    assert rule.matches(entry(source_ip='2001:db8::7'))
    assert not rule.matches(entry(source_ip='203.0.113.7'))
    assert not rule.matches({})


def test_source_ip_cache_stays_bounded(monkeypatch):
    monkeypatch.setattr(filters_module, 'IP_CACHE_LIMIT', 10)
    rule = EntryFilter.from_option({'source_ip': '10.0.0.0/8'})
    for index in range(100):
        assert rule.matches(entry(source_ip='10.0.0.%d' % index))
        assert not rule.matches(entry(source_ip='11.0.0.%d' % index))


@pytest.mark.parametrize('item, expected', [
    (entry(error={'http_status': 422, 'error_code': None, 'messages': []}), True),
    (entry(status='FAILED'), True),
    (entry(status='failed'), True),
    (entry(event_type='Error'), True),
    (entry(event_type='ERROR'), True),
    (entry(status='DONE', event_type='RequestStatusUpdate'), False),
    (entry(event_type='ErrorReported'), False),
    (entry(status='FAILED_PARTLY'), False),
    (entry(), False),
    ({}, False),
    ({'status': 5, 'event_type': ['Error']}, False),
])
def test_errors_only_keeps_error_or_failed_or_error_events(item, expected):
    assert keeps({'errors_only': True}, item) is expected
    assert keeps({'errors_only': False}, item) is True


def test_keys_are_anded_and_values_ored():
    rule = EntryFilter.from_option({'username': ['alice', 'bob'], 'action': 'DELETE', 'status': ['DONE', 'FAILED']})
    assert rule.matches(entry(username='alice', action='DELETE', status='DONE'))
    assert rule.matches(entry(username='bob', action='delete', status='failed'))
    assert not rule.matches(entry(username='carol', action='DELETE', status='DONE'))
    assert not rule.matches(entry(username='alice', action='GET', status='DONE'))
    assert not rule.matches(entry(username='alice', action='DELETE', status='RUNNING'))
    assert not rule.matches(entry(username='alice', action='DELETE'))


def test_every_key_at_once():
    rule = EntryFilter.from_option({
        'username': '*@example.com', 'exclude_username': 'ci-*', 'event_type': ['Request*', 'Error'], 'exclude_event_type': 'RequestAccepted',
        'action': 'delete', 'exclude_action': 'get', 'resource_type': 'server', 'exclude_resource_type': 'volume', 'resource_id': 'srv-*',
        'exclude_resource_id': 'srv-9', 'resource_action': '*.delete', 'exclude_resource_action': '*.create',
        'source_ip': ['10.0.0.0/8', '2001:db8::/32'], 'exclude_source_ip': '10.0.0.0/16', 'source_service': 'public_rest*',
        'exclude_source_service': 'public_rest_v5', 'event_service': 'PUBLIC_REST', 'exclude_event_service': 'public_rest_v5',
        'initiator': 'public_rest*', 'exclude_initiator': 'dcd', 'status': 'failed', 'exclude_status': 'done', 'request_id': 'req-*',
        'exclude_request_id': 'req-9', 'queue_ref_id': [4711, 4712], 'exclude_queue_ref_id': 4712, 'uri': '/cloudapi/v6/*',
        'exclude_uri': '*/volumes/*', 'errors_only': True,
    })
    hit = entry(username='ops@example.com', event_type='RequestStatusUpdate', action='DELETE', source_ip='10.9.8.7',
                source_service='PUBLIC_REST_V6', event_service='PUBLIC_REST', initiator='PUBLIC_REST_V6', status='FAILED',
                request_id='req-1', queue_ref_id='4711', uri='/cloudapi/v6/datacenters/d/servers/s', resources=SERVER_DELETE['resources'])
    assert rule.matches(hit)
    for field, value in (('username', 'ops@other.com'), ('username', 'ci-bot@example.com'), ('event_type', 'RequestAccepted'),
                         ('event_type', 'Provision'), ('action', 'GET'), ('source_ip', '192.0.2.1'), ('source_ip', '10.0.1.1'),
                         ('source_service', 'DCD'), ('source_service', 'PUBLIC_REST_V5'), ('event_service', 'AUTH'),
                         ('event_service', None), ('initiator', 'DCD'), ('initiator', None), ('status', 'DONE'), ('request_id', 'req-9'),
                         ('request_id', None), ('queue_ref_id', '4712'), ('queue_ref_id', '47110'), ('queue_ref_id', None),
                         ('uri', '/auth/v1/tokens'), ('uri', '/cloudapi/v6/datacenters/d/volumes/v'), ('uri', None),
                         ('resources', [resource('server', 'x-1')]),
                         ('resources', SERVER_DELETE['resources'] + [resource('volume', 'srv-9', ['vr.volume.create'])])):
        assert not rule.matches(dict(hit, **{field: value})), (field, value)
    # The exclude_resource_* keys drop an entry only when one resource matches them all.
    for extra in (resource('volume', 'v'), resource('nic', 'srv-9', ['vr.nic.create']), resource('volume', 'srv-9', ['vr.volume.delete'])):
        assert rule.matches(dict(hit, resources=SERVER_DELETE['resources'] + [extra])), extra
    assert not rule.matches('not an entry')


def test_patterns_are_compiled_once_not_per_entry(monkeypatch):
    rule = EntryFilter.from_option({'username': ['a*', 'b?', 'carol'], 'resource_action': '*.delete', 'source_ip': '10.0.0.0/8'})

    def refuse(*_args, **_kwargs):
        raise AssertionError('a pattern was compiled while matching')
    monkeypatch.setattr(fnmatch, 'translate', refuse)
    monkeypatch.setattr(re, 'compile', refuse)
    monkeypatch.setattr(filters_module.ipaddress, 'ip_network', refuse)
    item = entry(username='ANNE', source_ip='10.0.0.1', resources=[resource('server', 's', ['vr.server.delete'])])
    assert all(rule.matches(item) for dummy in range(10))

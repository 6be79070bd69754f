# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of normalize: the published entry, every tolerated variant of the facts file, sparse and hostile input."""

from __future__ import annotations

import copy
import hashlib
import json
import random

import pytest
import yaml

from ansible_collections.ionos.activitylog.plugins.module_utils.normalize import NORMALIZED_FIELDS, entry_id, normalize_entry, source_of
from ansible_collections.ionos.activitylog.plugins.modules import activity_log_info

EXAMPLE = {
    '@uuid': '1ad2cb25-4a6e-4f23-bd34-a9d1b0e8c11f',
    'principal': {
        'sourceIP': '192.0.2.10',
        'identity': {'contractNumber': 31909628, 'username': 'ops@example.com'},
        'sourceService': 'PUBLIC_REST_V6',
        'serviceHost': 'api.ionos.com',
    },
    'meta': {'auditVersion': 0.1, 'requestId': '6bcd4c34-e0f6-4b9b-a2ee-2a2d4d0f8d8e', 'queueRefId': 4711, 'time': '2016-09-23T12:02:52.394Z'},
    'event': {
        'type': 'RequestAccepted',
        'status': 'DONE',
        'message': 'Request accepted',
        'param': {'action': 'POST', 'uri': '/cloudapi/v6/datacenters/dc-1/servers', 'initiator': 'PUBLIC_REST_V6', 'sourceService': 'PUBLIC_REST'},
        'resources': [{'type': 'server', 'id': 'srv-1', 'action': ['vr.server.create']},
                      {'type': 'datacenter', 'id': 'dc-1', 'action': ['vr.datacenter.update', 'vr.datacenter.touch']}],
    },
}

EXPECTED = {
    'id': '1ad2cb25-4a6e-4f23-bd34-a9d1b0e8c11f',
    'time': '2016-09-23T12:02:52.394Z',
    'contract_number': 31909628,
    'username': 'ops@example.com',
    'source_ip': '192.0.2.10',
    'source_service': 'PUBLIC_REST_V6',
    'event_service': 'PUBLIC_REST',
    'initiator': 'PUBLIC_REST_V6',
    'event_type': 'RequestAccepted',
    'status': 'DONE',
    'action': 'POST',
    'uri': '/cloudapi/v6/datacenters/dc-1/servers',
    'message': 'Request accepted',
    'request_id': '6bcd4c34-e0f6-4b9b-a2ee-2a2d4d0f8d8e',
    'queue_ref_id': '4711',
    'resources': [{'type': 'server', 'id': 'srv-1', 'actions': ['vr.server.create']},
                  {'type': 'datacenter', 'id': 'dc-1', 'actions': ['vr.datacenter.update', 'vr.datacenter.touch']}],
    'error': None,
}

EMPTY = {'time': None, 'contract_number': None, 'username': None, 'source_ip': None, 'source_service': None, 'event_service': None,
         'initiator': None, 'event_type': None, 'status': None, 'action': None, 'uri': None, 'message': None, 'request_id': None,
         'queue_ref_id': None, 'resources': [], 'error': None}


def variant(path: str, value):
    """EXAMPLE with the dotted ``path`` set to ``value`` (or removed when value is ...)."""
    source = copy.deepcopy(EXAMPLE)
    *parents, last = path.split('.')
    node = source
    for key in parents:
        node = node[key]
    if value is Ellipsis:
        del node[last]
    else:
        node[last] = value
    return source


def canonical_digest(source) -> str:
    return 'sha256:' + hashlib.sha256(json.dumps(source, sort_keys=True, separators=(',', ':')).encode('ascii')).hexdigest()


def test_fields_are_the_documented_ones_in_order():
    assert NORMALIZED_FIELDS == ('id', 'time', 'contract_number', 'username', 'source_ip', 'source_service', 'event_service', 'initiator',
                                 'event_type', 'status', 'action', 'uri', 'message', 'request_id', 'queue_ref_id', 'resources', 'error')


def test_the_module_documents_every_field_in_order():
    contains = yaml.safe_load(activity_log_info.RETURN)['activities']['contains']
    assert tuple(field for field in contains if field in NORMALIZED_FIELDS) == NORMALIZED_FIELDS


def test_resources_and_error_stay_the_last_two_fields_for_the_csv_columns():
    assert NORMALIZED_FIELDS[-2:] == ('resources', 'error')


def test_the_published_entry():
    normalized = normalize_entry(EXAMPLE)
    assert normalized == EXPECTED
    assert tuple(normalized) == NORMALIZED_FIELDS


def test_normalization_does_not_change_the_source():
    source = copy.deepcopy(EXAMPLE)
    normalize_entry(source, 5)
    assert source == EXAMPLE


def test_the_result_is_plain_json():
    assert json.loads(json.dumps(normalize_entry(EXAMPLE))) == EXPECTED


# contract numbers


@pytest.mark.parametrize('value, hint, expected', [
    (31909628, None, 31909628),
    ('31909628', None, 31909628),
    (' 31909628 ', None, 31909628),
    (31909628.0, None, 31909628),
    ('31909628', 1, 31909628),
    (Ellipsis, 42, 42),
    (None, 42, 42),
    ('', 42, 42),
    ('abc', 42, 42),
    ('3190-9628', 42, 42),
    ('-5', 42, 42),
    (-5, 42, 42),
    (0, 42, 42),
    (True, 42, 42),
    (31909628.5, 42, 42),
    ({'id': 1}, 42, 42),
    ([31909628], 42, 42),
    ('٣١٩', 42, 42),
    (Ellipsis, '42', 42),
    (Ellipsis, None, None),
    (Ellipsis, 'x', None),
    (Ellipsis, True, None),
])
def test_contract_number_variants(value, hint, expected):
    normalized = normalize_entry(variant('principal.identity.contractNumber', value), hint)
    assert normalized['contract_number'] == expected
    assert normalized['contract_number'] is None or (isinstance(normalized['contract_number'], int) and not isinstance(normalized['contract_number'], bool))


def test_contract_hint_applies_when_identity_is_missing_or_not_a_dict():
    assert normalize_entry(variant('principal.identity', ...), 7)['contract_number'] == 7
    assert normalize_entry(variant('principal.identity', 'ops@example.com'), 7)['contract_number'] == 7
    assert normalize_entry(variant('principal', None), 7)['contract_number'] == 7
    assert normalize_entry({}, 7)['contract_number'] == 7


# errors


@pytest.mark.parametrize('param, expected', [
    ({}, None),
    ({'error': None}, None),
    ({'error': {}}, None),
    ({'error': {'messages': []}}, None),
    ({'error': {'unknown': 1}}, None),
    ({'error': []}, None),
    ({'errorCode': ''}, None),
    ({'errorCode': None, 'error': None}, None),
    ({'error': None, 'errorCode': 'QUOTA'}, {'http_status': None, 'error_code': 'QUOTA', 'messages': []}),
    ({'errorCode': None, 'error': {'httpStatus': 500}}, {'http_status': 500, 'error_code': None, 'messages': []}),
    ({'error': {'httpStatus': 422, 'messages': [{'errorCode': '100', 'message': 'Attribute is invalid'}]}},
     {'http_status': 422, 'error_code': '100', 'messages': [{'error_code': '100', 'message': 'Attribute is invalid'}]}),
    ({'error': {'httpStatus': '422', 'messages': [{'errorCode': '100', 'message': 'x'}, {'errorCode': '101', 'message': 'y'}]}},
     {'http_status': 422, 'error_code': '100', 'messages': [{'error_code': '100', 'message': 'x'}, {'error_code': '101', 'message': 'y'}]}),
    ({'error': {'httpStatus': ' 503 '}}, {'http_status': 503, 'error_code': None, 'messages': []}),
    ({'error': {'httpStatus': 'Unprocessable', 'messages': [{'message': 'x'}]}},
     {'http_status': None, 'error_code': None, 'messages': [{'error_code': None, 'message': 'x'}]}),
    ({'error': {'httpStatus': True, 'messages': 'plain text'}},
     {'http_status': None, 'error_code': None, 'messages': [{'error_code': None, 'message': 'plain text'}]}),
    ({'error': {'httpStatus': 400.0, 'messages': {'errorCode': 7, 'message': 'one'}}},
     {'http_status': 400, 'error_code': '7', 'messages': [{'error_code': '7', 'message': 'one'}]}),
    ({'error': {'messages': [None, 5, {}, {'errorCode': None, 'message': ''}, ['x'], {'errorCode': 'E1'}]}},
     {'http_status': None, 'error_code': 'E1', 'messages': [{'error_code': None, 'message': '5'}, {'error_code': 'E1', 'message': None}]}),
    ({'errorCode': 'QUOTA'}, {'http_status': None, 'error_code': 'QUOTA', 'messages': []}),
    ({'errorCode': 'QUOTA', 'error': {'messages': [{'errorCode': '100', 'message': 'x'}]}},
     {'http_status': None, 'error_code': 'QUOTA', 'messages': [{'error_code': '100', 'message': 'x'}]}),
    ({'error': 'Quota exceeded'}, {'http_status': None, 'error_code': None, 'messages': [{'error_code': None, 'message': 'Quota exceeded'}]}),
])
def test_error_variants(param, expected):
    assert normalize_entry(variant('event.param', param))['error'] == expected


def test_error_when_param_is_not_a_dict():
    assert normalize_entry(variant('event.param', 'error'))['error'] is None
    assert normalize_entry(variant('event.param', ['error']))['action'] is None


# times


@pytest.mark.parametrize('value, expected', [
    ('2016-09-23T12:02:52.394Z', '2016-09-23T12:02:52.394Z'),
    ('2016-09-23T12:02:52Z', '2016-09-23T12:02:52.000Z'),
    ('2016-09-23T12:02:52.3Z', '2016-09-23T12:02:52.300Z'),
    ('2016-09-23T12:02:52.394567Z', '2016-09-23T12:02:52.394Z'),
    ('2016-09-23T14:02:52.394+02:00', '2016-09-23T12:02:52.394Z'),
    ('2016-09-23 12:02:52.394z', '2016-09-23T12:02:52.394Z'),
    ('2016-09-23T12:02:52.394', '2016-09-23T12:02:52.394Z'),
    ('2016-09-23', '2016-09-23T00:00:00.000Z'),
    ('23.09.2016 12:02', '23.09.2016 12:02'),
    ('2016-13-23T12:02:52Z', '2016-13-23T12:02:52Z'),
    ('', None),
    (1474632172394, None),
    (None, None),
    ({'time': 1}, None),
])
def test_time_variants(value, expected):
    assert normalize_entry(variant('meta.time', value))['time'] == expected


# other string fields and audit versions


@pytest.mark.parametrize('version', [0.1, '0.1', 1, '1.0', None, {'v': 1}])
def test_audit_version_variants_are_tolerated(version):
    normalized = normalize_entry(variant('meta.auditVersion', version))
    assert {key: value for key, value in normalized.items() if key != 'id'} == {key: value for key, value in EXPECTED.items() if key != 'id'}


def test_numbers_become_text_and_other_types_none():
    source = variant('principal.identity.username', 12345)
    source['principal']['sourceIP'] = ['192.0.2.1']
    source['event']['type'] = {'name': 'x'}
    source['event']['status'] = True
    source['event']['message'] = ''
    source['meta']['requestId'] = 987
    normalized = normalize_entry(source)
    assert normalized['username'] == '12345'
    assert normalized['source_ip'] is None
    assert normalized['event_type'] is None
    assert normalized['status'] is None
    assert normalized['message'] is None
    assert normalized['request_id'] == '987'


def test_source_service_is_the_principals_only_and_event_service_the_params():
    # Where the call came in and the service in which the activity took place are different things: no fallback.
    for value in (Ellipsis, '', None, ['DCD']):
        normalized = normalize_entry(variant('principal.sourceService', value))
        assert normalized['source_service'] is None
        assert normalized['event_service'] == 'PUBLIC_REST'
    normalized = normalize_entry(variant('principal.sourceService', 'DCD'))
    assert (normalized['source_service'], normalized['event_service']) == ('DCD', 'PUBLIC_REST')
    for value in (Ellipsis, '', None, {'name': 'x'}):
        normalized = normalize_entry(variant('event.param.sourceService', value))
        assert (normalized['source_service'], normalized['event_service']) == ('PUBLIC_REST_V6', None)


@pytest.mark.parametrize('value, expected', [
    (4711, '4711'), ('4711', '4711'), (' 4711 ', ' 4711 '), (10 ** 15, '1000000000000000'), ('', None), (None, None), (Ellipsis, None),
    (True, None), ([4711], None), ({'id': 4711}, None),
])
def test_queue_ref_id_is_the_text_of_meta_queue_ref_id(value, expected):
    assert normalize_entry(variant('meta.queueRefId', value))['queue_ref_id'] == expected


@pytest.mark.parametrize('value, expected', [
    ('PUBLIC_REST', 'PUBLIC_REST'), ('DCD', 'DCD'), (5, '5'), ('', None), (None, None), (Ellipsis, None), (False, None), (['DCD'], None),
])
def test_initiator_and_event_service_come_from_the_param(value, expected):
    assert normalize_entry(variant('event.param.initiator', value))['initiator'] == expected
    assert normalize_entry(variant('event.param.sourceService', value))['event_service'] == expected


@pytest.mark.parametrize('param', [{}, None, 'text'])
def test_the_new_fields_are_none_without_a_param_or_meta(param):
    normalized = normalize_entry(variant('event.param', param))
    assert normalized['event_service'] is None and normalized['initiator'] is None
    assert normalize_entry(variant('meta', None))['queue_ref_id'] is None


# resources


@pytest.mark.parametrize('resources, expected', [
    (Ellipsis, []),
    (None, []),
    ('server', []),
    ({'type': 'server', 'id': 'srv-1'}, []),
    ([], []),
    ([None, 'server', 5, []], []),
    ([{}], []),
    ([{'type': 'server', 'id': 'srv-1', 'action': 'vr.server.delete'}], [{'type': 'server', 'id': 'srv-1', 'actions': ['vr.server.delete']}]),
    ([{'type': 'server', 'id': 'srv-1', 'action': None}], [{'type': 'server', 'id': 'srv-1', 'actions': []}]),
    ([{'type': 'server', 'action': ['a', None, 5, {}, '', 'b']}], [{'type': 'server', 'id': None, 'actions': ['a', '5', 'b']}]),
    ([{'type': 'ipblock', 'id': 4711, 'actions': ['ip.ipblock.reserve']}], [{'type': 'ipblock', 'id': '4711', 'actions': ['ip.ipblock.reserve']}]),
    ([{'id': 'only-id'}], [{'type': None, 'id': 'only-id', 'actions': []}]),
    ([{'action': 'x.y'}], [{'type': None, 'id': None, 'actions': ['x.y']}]),
    ([{'type': {'t': 1}, 'id': [1], 'action': {'a': 1}}], []),
])
def test_resource_variants(resources, expected):
    assert normalize_entry(variant('event.resources', resources))['resources'] == expected


# ids


def test_id_is_the_uuid_when_there_is_one():
    assert entry_id(EXAMPLE) == EXAMPLE['@uuid']
    assert entry_id({'@uuid': ' abc '}) == 'abc'


@pytest.mark.parametrize('uuid', [Ellipsis, '', '   ', None, 5, ['x']])
def test_id_without_a_usable_uuid_is_the_hash_of_canonical_json(uuid):
    source = variant('@uuid', uuid)
    assert entry_id(source) == canonical_digest(source)
    assert normalize_entry(source)['id'] == entry_id(source)


def test_hash_is_stable_across_key_order_and_copies():
    source = variant('@uuid', ...)
    reordered = json.loads(json.dumps(source, sort_keys=True))
    reordered = dict(reversed(list(reordered.items())))
    assert entry_id(source) == entry_id(copy.deepcopy(source)) == entry_id(reordered)


def test_hash_differs_for_different_entries():
    first = variant('@uuid', ...)
    ids = {entry_id(first)}
    for path, value in (('meta.time', '2016-09-23T12:02:52.395Z'), ('meta.auditVersion', '0.1'), ('principal.identity.contractNumber', '31909628'),
                        ('event.resources', []), ('event.param', {})):
        other = variant(path, value)
        del other['@uuid']
        ids.add(entry_id(other))
    assert len(ids) == 6
    assert all(ident.startswith('sha256:') and len(ident) == 7 + 64 for ident in ids)


@pytest.mark.parametrize('source', [None, 'text', 42, 1.5, True, [1, 2], [], {}, {'@uuid': {}}])
def test_non_entries_normalize_to_empty_fields(source):
    normalized = normalize_entry(source)
    assert tuple(normalized) == NORMALIZED_FIELDS
    assert {key: value for key, value in normalized.items() if key != 'id'} == EMPTY
    assert normalized['id'].startswith('sha256:')


def test_non_entries_get_distinct_ids():
    ids = {entry_id(source) for source in (None, 'text', 42, [1, 2], {}, {'a': 1})}
    assert len(ids) == 6


def test_ids_of_values_json_cannot_hold_are_still_stable():
    with_set = {'meta': {'set': {1}, 'bytes': b'x'}}
    assert entry_id(with_set) == entry_id(copy.deepcopy(with_set))
    mixed_keys = {2: 'int key', 'b': 'str key'}
    assert entry_id(mixed_keys) == entry_id(dict(mixed_keys))
    assert entry_id(mixed_keys) != entry_id({2: 'int key', 'b': 'other'})


def test_deep_nesting_does_not_raise():
    deep = {}
    node = deep
    for dummy in range(5000):
        node['x'] = {}
        node = node['x']
    assert entry_id(deep).startswith('sha256:')
    assert normalize_entry({'event': deep})['resources'] == []


@pytest.mark.parametrize('section, value', [('principal', 'x'), ('principal', []), ('meta', 5), ('event', None), ('event', ['x'])])
def test_sections_of_the_wrong_type_count_as_missing(section, value):
    normalized = normalize_entry(variant(section, value))
    assert normalized['id'] == EXAMPLE['@uuid']
    fields = {'principal': ('username', 'source_ip', 'source_service'), 'meta': ('time', 'request_id', 'queue_ref_id'),
              'event': ('event_type', 'status', 'message', 'action', 'uri', 'event_service', 'initiator')}[section]
    for field in fields:
        assert normalized[field] is None


def test_sparse_entry():
    normalized = normalize_entry({'meta': {'time': '2024-01-01T00:00:00Z'}, 'event': {'type': 'Provision'}}, 9)
    assert normalized['time'] == '2024-01-01T00:00:00.000Z'
    assert normalized['event_type'] == 'Provision'
    assert normalized['contract_number'] == 9
    assert normalized['resources'] == [] and normalized['error'] is None


def random_json(rng: random.Random, depth: int = 0):
    kinds = ['none', 'bool', 'int', 'float', 'str'] + (['list', 'dict'] * 2 if depth < 4 else [])
    kind = rng.choice(kinds)
    if kind == 'none':
        return None
    if kind == 'bool':
        return rng.random() < 0.5
    if kind == 'int':
        return rng.choice([0, -1, 1, 31909628, 10 ** 30])
    if kind == 'float':
        return rng.choice([0.1, -2.5, float('nan'), float('inf'), 1e300])
    if kind == 'str':
        return rng.choice(['', ' ', 'DONE', '422', '2016-09-23T12:02:52.394Z', '\ud800', 'x' * 500, 'ä'])
    if kind == 'list':
        return [random_json(rng, depth + 1) for dummy in range(rng.randrange(4))]
    keys = ['@uuid', 'principal', 'identity', 'contractNumber', 'username', 'sourceIP', 'meta', 'time', 'event', 'param', 'error',
            'httpStatus', 'messages', 'errorCode', 'message', 'resources', 'action', 'type', 'id', 'status', 'queueRefId', 'initiator',
            'sourceService', 'requestId', 'uri']
    return {rng.choice(keys): random_json(rng, depth + 1) for dummy in range(rng.randrange(6))}


def test_random_hostile_shapes_never_raise():
    rng = random.Random(2024)
    for dummy in range(300):
        source = random_json(rng)
        normalized = normalize_entry(source, rng.choice([None, 5, '6', 'x']))
        assert tuple(normalized) == NORMALIZED_FIELDS
        assert normalized['id'] == entry_id(source)
        assert isinstance(normalized['resources'], list)
        assert normalized['error'] is None or set(normalized['error']) == {'http_status', 'error_code', 'messages'}
        json.dumps(normalized)


def test_repeated_short_strings_are_shared():
    first = normalize_entry(json.loads(json.dumps(EXAMPLE)))
    second = normalize_entry(json.loads(json.dumps(EXAMPLE)))
    for field in ('username', 'source_ip', 'source_service', 'event_service', 'initiator', 'event_type', 'status', 'action', 'message'):
        assert first[field] is second[field], field
    assert first['resources'][0]['type'] is second['resources'][0]['type']
    assert first['resources'][0]['actions'][0] is second['resources'][0]['actions'][0]


def test_long_strings_are_not_interned_but_kept():
    long_message = 'm' * 1000
    assert normalize_entry(variant('event.message', long_message))['message'] == long_message


@pytest.mark.parametrize('hit, expected', [
    ({'_source': {'a': 1}}, {'a': 1}),
    ({'_id': 'x', '_index': 'i', '_score': None, 'sort': [1], '_source': {'a': 1}}, {'a': 1}),
    ({'_source': None}, None),
    ({'_source': [1]}, None),
    ({'_source': 'text'}, None),
    ({}, None),
    ({'source': {'a': 1}}, None),
    (None, None),
    ([{'_source': {}}], None),
    ('hit', None),
])
def test_source_of(hit, expected):
    assert source_of(hit) == expected


def test_source_of_returns_the_same_object():
    hit = {'_source': {'a': 1}}
    assert source_of(hit) is hit['_source']

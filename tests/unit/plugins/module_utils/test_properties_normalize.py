# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Properties of normalization over hostile input: any JSON as ``_source`` gives the documented flat entry, any
schema-valid entry (docs/openapi.yaml's Entry) gives the values the documentation promises, and any page body the
API could send, served over loopback HTTP, gives a result or a clear ActivityLogError, never another exception.

Examples are derandomized (the same every run, no database); ACTIVITYLOG_HYPOTHESIS=explore draws ten times as
many fresh ones and prints the seed of a failure.
"""

from __future__ import annotations

import copy
import hashlib
import json
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from hypothesis import event, given, strategies as st

from ansible_collections.ionos.activitylog.emulator.generator import generate_entries
from ansible_collections.ionos.activitylog.plugins.module_utils import normalize
from ansible_collections.ionos.activitylog.plugins.module_utils.activity import fetch_activity
from ansible_collections.ionos.activitylog.plugins.module_utils.errors import ActivityLogError, ApiError
from ansible_collections.ionos.activitylog.plugins.module_utils.normalize import NORMALIZED_FIELDS, entry_id, normalize_entry, source_of
from ansible_collections.ionos.activitylog.tests.unit.plugins.hypothesis_profiles import examples


UTC = timezone.utc
TEXT_FIELDS = ('username', 'source_ip', 'source_service', 'event_service', 'initiator', 'event_type', 'status', 'action', 'uri', 'message',
               'request_id', 'queue_ref_id')
SOURCE_KEYS = ('@uuid', 'principal', 'identity', 'contractNumber', 'username', 'sourceIP', 'sourceService', 'meta', 'time',
               'requestId', 'queueRefId', 'event', 'type', 'status', 'message', 'param', 'action', 'actions', 'uri', 'initiator',
               'errorCode', 'error', 'httpStatus', 'messages', 'resources', 'id')


# Any JSON Python's json module decodes (NaN and Infinity included), keys biased to the Entry's names so that the
# hostile values land where normalization looks.
json_scalars = st.one_of(st.none(), st.booleans(), st.integers(-2 ** 70, 2 ** 70), st.floats(), st.text(max_size=12))
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.one_of(st.sampled_from(SOURCE_KEYS), st.text(max_size=6)), children, max_size=5)),
    max_leaves=15)


def shaped(leaf):
    """The Entry's structure with ``leaf`` (or anything) at every level: hostile types exactly where fields are read."""
    def node(**fields):
        return st.one_of(st.fixed_dictionaries({}, optional=fields), leaf)
    resource = node(type=leaf, id=leaf, action=st.one_of(st.lists(leaf, max_size=3), leaf), actions=leaf)
    message = node(errorCode=leaf, message=leaf)
    return node(**{
        '@uuid': leaf,
        'principal': node(sourceIP=leaf, sourceService=leaf, identity=node(contractNumber=leaf, username=leaf)),
        'meta': node(time=leaf, requestId=leaf, queueRefId=leaf),
        'event': node(type=leaf, status=leaf, message=leaf, resources=st.one_of(st.lists(resource, max_size=3), leaf),
                      param=node(action=leaf, uri=leaf, initiator=leaf, sourceService=leaf, errorCode=leaf,
                                 error=node(httpStatus=leaf, messages=st.one_of(st.lists(message, max_size=3), message)))),
    })


small_values = st.one_of(json_scalars, st.lists(json_scalars, max_size=2), st.dictionaries(st.sampled_from(SOURCE_KEYS), json_scalars, max_size=2))
hostile_sources = st.one_of(json_values, shaped(small_values))
hints = st.one_of(st.none(), st.integers(-5, 2 ** 40), st.text(max_size=4), st.floats())


def assert_documented_shape(entry) -> None:
    """The keys of NORMALIZED_FIELDS in order, with the documented types; no empty strings anywhere."""
    assert isinstance(entry, dict) and tuple(entry) == NORMALIZED_FIELDS
    assert isinstance(entry['id'], str) and entry['id']
    assert entry['time'] is None or (isinstance(entry['time'], str) and entry['time'])
    number = entry['contract_number']
    assert number is None or (type(number) is int and number > 0)  # pylint: disable=unidiomatic-typecheck  # bool is no contract
    for field in TEXT_FIELDS:
        assert entry[field] is None or (isinstance(entry[field], str) and entry[field]), field
    assert isinstance(entry['resources'], list)
    for resource in entry['resources']:
        assert isinstance(resource, dict) and tuple(sorted(resource)) == ('actions', 'id', 'type')
        assert resource['type'] is None or (isinstance(resource['type'], str) and resource['type'])
        assert resource['id'] is None or (isinstance(resource['id'], str) and resource['id'])
        assert isinstance(resource['actions'], list) and all(isinstance(action, str) and action for action in resource['actions'])
        assert resource['type'] is not None or resource['id'] is not None or resource['actions']
    error = entry['error']
    if error is not None:
        assert isinstance(error, dict) and tuple(sorted(error)) == ('error_code', 'http_status', 'messages')
        assert error['http_status'] is None or type(error['http_status']) is int  # pylint: disable=unidiomatic-typecheck
        assert error['error_code'] is None or (isinstance(error['error_code'], str) and error['error_code'])
        assert isinstance(error['messages'], list)
        for message in error['messages']:
            assert tuple(sorted(message)) == ('error_code', 'message')
            assert message['error_code'] is not None or message['message'] is not None
        assert error['http_status'] is not None or error['error_code'] is not None or error['messages']
    json.dumps(entry, allow_nan=False)  # plain JSON: what a module can return


@examples(70)
@given(hostile_sources, hints)
def test_any_json_source_gives_the_documented_entry_and_is_left_untouched(source, hint):
    before = repr(source)
    entry = normalize_entry(source, hint)
    assert_documented_shape(entry)
    assert entry['id'] == entry_id(source)
    assert repr(source) == before


@examples(40)
@given(hostile_sources)
def test_the_hashed_id_does_not_depend_on_key_order(source):
    def reordered(value):
        if isinstance(value, dict):
            return dict(reversed([(key, reordered(item)) for key, item in value.items()]))
        if isinstance(value, list):
            return [reordered(item) for item in value]
        return value
    ident = entry_id(source)
    assert ident == entry_id(reordered(source)) == entry_id(copy.deepcopy(source))
    uuid = source.get('@uuid') if isinstance(source, dict) else None
    if isinstance(uuid, str) and uuid.strip():
        assert ident == uuid.strip()
    else:
        assert ident.startswith('sha256:') and len(ident) == len('sha256:') + 64


@examples(40)
@given(st.one_of(json_values, st.fixed_dictionaries({'_source': hostile_sources}, optional={'_id': json_values, 'sort': json_values})))
def test_the_source_of_a_hit_is_its_source_object_or_none(hit):
    source = source_of(hit)
    if isinstance(hit, dict) and isinstance(hit.get('_source'), dict):
        assert source is hit['_source']
    else:
        assert source is None


# Schema-valid entries: every field optional, contract numbers and http statuses integers or digit strings,
# times RFC 3339 date-times (any offset, T/t/space, Z/z, 0-9 fraction digits).

texts = st.text(max_size=12)
# Up to 20 digits: normalize reads longer digit strings as no number (a guard against huge ints; see the report).
digit_strings = st.from_regex(r'\A[0-9]{1,20}\Z')


@st.composite
def rfc3339_times(draw):
    """(text, expected result time) for a date-time in any offset; the expectation is computed independently."""
    local = draw(st.datetimes(min_value=datetime(2, 1, 1), max_value=datetime(9998, 12, 31)))
    minutes = draw(st.integers(-(23 * 60 + 59), 23 * 60 + 59))
    digits = draw(st.integers(0, 9))
    fraction = ('%06d' % local.microsecond + draw(st.from_regex(r'\A[0-9]{3}\Z')))[:digits]
    if minutes == 0 and draw(st.booleans()):
        zone = draw(st.sampled_from(['Z', 'z']))
    else:
        zone = '%s%02d:%02d' % ('-' if minutes < 0 else '+', abs(minutes) // 60, abs(minutes) % 60)
    separator = draw(st.sampled_from('Tt '))
    text = '%04d-%02d-%02d%s%02d:%02d:%02d%s%s' % (local.year, local.month, local.day, separator, local.hour, local.minute, local.second,
                                                   '.' + fraction if digits else '', zone)
    millis = int(fraction[:3].ljust(3, '0'))
    moment = local.replace(microsecond=millis * 1000) - timedelta(minutes=minutes)
    expected = '%04d-%02d-%02dT%02d:%02d:%02d.%03dZ' % (moment.year, moment.month, moment.day, moment.hour, moment.minute,
                                                        moment.second, millis)
    return text, expected


def optional(**fields):
    return st.fixed_dictionaries({}, optional=fields)


schema_resources = optional(type=texts, id=texts, action=st.lists(texts, max_size=3))
schema_errors = optional(httpStatus=st.one_of(st.integers(), digit_strings),
                         messages=st.lists(optional(errorCode=texts, message=texts), max_size=3))
schema_entries = st.tuples(
    optional(**{
        '@uuid': texts,
        'principal': optional(sourceIP=st.one_of(st.ip_addresses().map(str), texts), sourceService=texts, serviceHost=texts,
                              identity=optional(contractNumber=st.one_of(st.integers(), digit_strings), username=texts)),
        'meta': optional(auditVersion=st.one_of(st.floats(allow_nan=False), texts), requestId=texts, queueRefId=st.integers(),
                         transactionId=texts),
        'event': optional(type=texts, status=texts, message=texts, resources=st.lists(schema_resources, max_size=3),
                          param=optional(action=texts, uri=texts, initiator=texts, sourceService=texts, errorCode=texts,
                                         error=schema_errors)),
    }),
    st.one_of(st.none(), rfc3339_times()))


def with_time(source: dict, time) -> dict:
    if time is not None:
        source = copy.deepcopy(source)
        source.setdefault('meta', {})['time'] = time[0]
    return source


def path(source: dict, *keys):
    for key in keys:
        source = source.get(key, {}) if isinstance(source, dict) else {}
    return source if source != {} else None


def text_or_none(value):
    return value if isinstance(value, str) and value else None


def integer_text_or_none(value):
    """queueRefId is an integer in the schema; the entry holds its text."""
    return str(value) if isinstance(value, int) else None


def number_or_none(value):
    if isinstance(value, str):
        return int(value)
    return value


def expected_error(source: dict):
    param = path(source, 'event', 'param') or {}
    raw = param.get('error') or {}
    messages = [{'error_code': text_or_none(item.get('errorCode')), 'message': text_or_none(item.get('message'))}
                for item in raw.get('messages', [])]
    messages = [message for message in messages if message['error_code'] is not None or message['message'] is not None]
    code = text_or_none(param.get('errorCode')) or next((message['error_code'] for message in messages if message['error_code']), None)
    status = number_or_none(raw.get('httpStatus'))
    if status is None and code is None and not messages:
        return None
    return {'http_status': status, 'error_code': code, 'messages': messages}


def expected_entry(source: dict, time, hint: int) -> dict:
    """What the documentation of normalize_entry promises for a schema-valid entry, computed from the entry alone."""
    uuid = source.get('@uuid')
    number = number_or_none(path(source, 'principal', 'identity', 'contractNumber'))
    resources = []
    for item in path(source, 'event', 'resources') or []:
        resource = {'type': text_or_none(item.get('type')), 'id': text_or_none(item.get('id')),
                    'actions': [action for action in item.get('action', []) if action]}
        if resource['type'] or resource['id'] or resource['actions']:
            resources.append(resource)
    return {
        'id': uuid.strip() if isinstance(uuid, str) and uuid.strip() else None,
        'time': time[1] if time is not None else None,
        'contract_number': number if number is not None and number > 0 else hint,
        'username': text_or_none(path(source, 'principal', 'identity', 'username')),
        'source_ip': text_or_none(path(source, 'principal', 'sourceIP')),
        'source_service': text_or_none(path(source, 'principal', 'sourceService')),
        'event_service': text_or_none(path(source, 'event', 'param', 'sourceService')),
        'initiator': text_or_none(path(source, 'event', 'param', 'initiator')),
        'event_type': text_or_none(path(source, 'event', 'type')),
        'status': text_or_none(path(source, 'event', 'status')),
        'action': text_or_none(path(source, 'event', 'param', 'action')),
        'uri': text_or_none(path(source, 'event', 'param', 'uri')),
        'message': text_or_none(path(source, 'event', 'message')),
        'request_id': text_or_none(path(source, 'meta', 'requestId')),
        'queue_ref_id': integer_text_or_none(path(source, 'meta', 'queueRefId')),
        'resources': resources,
        'error': expected_error(source),
    }


@examples(80)
@given(schema_entries, st.integers(1, 2 ** 40))
def test_schema_valid_entries_normalize_to_the_documented_values(case, hint):
    source, time = case
    source = with_time(source, time)
    entry = normalize_entry(json.loads(json.dumps(source)), hint)
    assert_documented_shape(entry)
    expected = expected_entry(source, time, hint)
    if expected['id'] is None:
        expected['id'] = 'sha256:' + hashlib.sha256(json.dumps(source, sort_keys=True, separators=(',', ':')).encode('ascii')).hexdigest()
    assert entry == expected


# Page bodies over loopback HTTP, through the real client and engine: a result, or an ActivityLogError.

CONTRACT = 31909628
RESULT_WINDOW = 10000
# Five milliseconds: whatever totals the body claims, slicing ends within a few requests (a window is never cut
# below a millisecond), so every example is bounded.
WINDOW = {'start': '2024-05-01T12:00:00.000Z', 'end': '2024-05-01T12:00:00.005Z'}


class PageServer:
    """A loopback HTTP server that answers every GET with the body of the current example."""

    def __init__(self):
        self.body = b'{}'
        self.requests = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'

            def do_GET(self):  # noqa: N802  # pylint: disable=invalid-name  # the name http.server calls
                owner.requests += 1
                body = owner.body
                self.send_response(200)
                self.send_header('Content-Type', 'application/json')
                self.send_header('Content-Length', str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):  # pylint: disable=arguments-differ
                pass

        self.server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={'poll_interval': 0.05}, daemon=True)
        self.thread.start()
        self.url = 'http://127.0.0.1:%d' % self.server.server_address[1]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(10)


@pytest.fixture(scope='module')
def page_server():
    server = PageServer()
    try:
        yield server
    finally:
        server.stop()


sources = st.one_of(schema_entries.map(lambda case: with_time(*case)), hostile_sources)
hits_with_sources = st.fixed_dictionaries({'_source': sources}, optional={'_id': texts, '_score': st.floats(), 'sort': json_values})


def totals_of(count: int):
    return st.sampled_from([count, str(count), {'value': count, 'relation': 'eq'}, {'value': str(count)}])


@st.composite
def consistent_pages(draw):
    """A page the API could send: every hit has a _source, and the total says how many there are."""
    hits = draw(st.lists(hits_with_sources, max_size=6))
    return {'hits': {'total': draw(totals_of(len(hits))), 'hits': hits}}


@st.composite
def odd_pages(draw):
    """A page with a wrong, missing or odd total, hits without a _source, or no page shape at all."""
    hits = draw(st.lists(st.one_of(hits_with_sources, json_values), max_size=6))
    total = draw(st.one_of(totals_of(len(hits)), st.integers(-3, RESULT_WINDOW + 3), json_values,
                           st.just({'value': len(hits), 'relation': 'gte'})))
    page = {'hits': {'total': total, 'hits': hits}}
    return draw(st.one_of(st.just(page), st.just({'hits': {'hits': hits}}), st.builds(dict, hits=json_values), json_values))


def consistent(page) -> bool:
    """A page every hit of which has a _source object and whose total says exactly how many there are."""
    hits = page.get('hits', {}).get('hits') if isinstance(page, dict) and isinstance(page.get('hits'), dict) else None
    if not isinstance(hits, list) or not all(source_of(hit) is not None for hit in hits):
        return False
    total = page['hits'].get('total')
    total = total.get('value') if isinstance(total, dict) and total.get('relation', 'eq') == 'eq' else total
    total = int(total) if isinstance(total, str) and total.isdigit() else total
    return type(total) is int and total == len(hits)  # pylint: disable=unidiomatic-typecheck


def expected_activities(page) -> list:
    """The normalized entries of a consistent page: one per @uuid, all of those without one; without ids."""
    seen, entries = set(), []
    for hit in page['hits']['hits']:
        entry = normalize_entry(hit['_source'], CONTRACT)
        if not entry['id'].startswith('sha256:'):
            if entry['id'] in seen:
                continue
            seen.add(entry['id'])
        entries.append(entry)
    return entries


def without_ids(entries) -> list:
    return sorted(json.dumps(dict(entry, id=None), sort_keys=True) for entry in entries)


@examples(50)
@given(st.one_of(consistent_pages(), odd_pages(), st.binary(max_size=40)))
def test_any_page_body_gives_a_result_or_a_clear_error(page_server, page):
    page_server.body = page if isinstance(page, bytes) else json.dumps(page).encode('utf-8')
    page_server.requests = 0
    options = dict(WINDOW, api_url=page_server.url, token='page-token', contract_numbers=[CONTRACT], retries=0, timeout=10)
    try:
        result = fetch_activity(options, now=datetime(2024, 5, 2, tzinfo=UTC))
    except ActivityLogError as error:
        message = str(error)
        assert message and 'page-token' not in message
        assert 'Traceback' not in message
        if not isinstance(page, bytes) and consistent(page):
            raise AssertionError('a consistent page was refused: %s' % message) from None
        if not isinstance(page, dict):
            assert isinstance(error, ApiError), message
    else:
        for entry in result['activities']:
            assert_documented_shape(entry)
        assert result['returned'] == result['matched'] == len(result['activities'])
        assert result['contracts'] == [CONTRACT]
        if consistent(page):
            assert without_ids(result['activities']) == without_ids(expected_activities(page))
            times = [entry['time'] or '' for entry in result['activities']]
            assert times == sorted(times)
    assert page_server.requests <= 50


# The plain path (normalize._plain_entry) is the general one (normalize._any_entry) made fast for the shape of nearly
# every entry: the two must agree wherever the plain path answers, and it must answer for the entries the API sends.

plain_texts = st.one_of(st.none(), st.just(''), st.text(max_size=8), st.text(min_size=127, max_size=130))
plain_numbers = st.one_of(st.none(), st.integers(-5, 2 ** 70), st.just(10 ** 5000), st.floats(), st.booleans(), st.just('12'))


def plain_shaped(value):
    """The documented shape with plain values, and now and then one that is not (most examples take the plain path)."""
    def mostly(usual, other):
        return st.integers(0, 9).flatmap(lambda draw: usual if draw < 8 else other)
    resource = st.fixed_dictionaries({}, optional={'type': value, 'id': value, 'action': st.one_of(st.lists(value, max_size=3), value),
                                                   'actions': st.lists(value, max_size=2)})
    canonical = st.datetimes(datetime(2000, 1, 1), datetime(2100, 1, 1)).map(lambda moment: moment.strftime('%Y-%m-%dT%H:%M:%S.%f')[:-3] + 'Z')
    return st.fixed_dictionaries({
        '@uuid': mostly(st.uuids().map(str).map(lambda text: ' ' + text if text[0] < '4' else text), st.one_of(st.text(max_size=3), value)),
        'principal': st.fixed_dictionaries({'identity': st.fixed_dictionaries({'contractNumber': mostly(st.integers(1, 2 ** 40), plain_numbers)},
                                                                              optional={'username': value})},
                                           optional={'sourceIP': value, 'sourceService': value}),
        'meta': st.fixed_dictionaries({'time': mostly(canonical, st.one_of(st.just('2026-11-25T09:00:00Z'), value))},
                                      optional={'requestId': value, 'queueRefId': mostly(st.integers(-5, 2 ** 70), plain_numbers)}),
        'event': st.fixed_dictionaries({'param': mostly(
            st.fixed_dictionaries({}, optional={'action': value, 'uri': value, 'initiator': value, 'sourceService': value}),
            st.fixed_dictionaries({'errorCode': value}, optional={'error': value}))},
            optional={'type': value, 'status': value, 'message': value, 'resources': mostly(st.lists(resource, max_size=3), value)}),
    })


@examples(200)
@given(st.one_of(plain_shaped(plain_texts), plain_shaped(plain_texts), plain_shaped(st.one_of(plain_texts, small_values)), hostile_sources),
       hints)
def test_the_plain_path_gives_what_the_general_path_gives(source, hint):
    plain = normalize._plain_entry(source, hint)  # pylint: disable=protected-access
    assert plain is None or plain == normalize._any_entry(source, hint)  # pylint: disable=protected-access
    event('the plain path answers' if plain is not None else 'the general path answers')


def test_the_plain_path_takes_every_entry_the_emulator_sends_failed_ones_included():
    sources = [raw for _time, raw in generate_entries(7, 31909628, 2000, 1764000000000, 1764600000000)]
    failed = [source for source in sources if 'error' in source['event'].get('param', {})]
    assert all(normalize._plain_entry(source, None) is not None for source in sources) and len(failed) > 50  # pylint: disable=protected-access


EDGES = {'@uuid': ' u-1 ', 'principal': {'identity': {'contractNumber': 5, 'username': ''}, 'sourceIP': 'x' * 200, 'sourceService': 'DCD'},
         'meta': {'time': '2026-11-25T09:00:00.000Z', 'requestId': '', 'queueRefId': -3},
         'event': {'param': {'uri': '', 'action': 'POST', 'initiator': None}, 'type': 'a', 'message': 'y' * 128,
                   'resources': [{'type': 'server', 'id': '', 'action': ['', 'a.b', None]}, {'id': ''}, {'actions': []}, {'id': 'r', 'action': []}]}}


def test_the_plain_path_keeps_each_rule_of_the_general_path_at_its_edges():
    plain = normalize._plain_entry(EDGES, 9)  # pylint: disable=protected-access
    assert plain == normalize._any_entry(EDGES, 9)  # pylint: disable=protected-access
    assert plain['id'] == 'u-1' and plain['username'] is None and plain['uri'] is None and plain['request_id'] is None
    assert plain['queue_ref_id'] == '-3'
    assert plain['resources'] == [{'type': 'server', 'id': None, 'actions': ['a.b']}, {'type': None, 'id': 'r', 'actions': []}]

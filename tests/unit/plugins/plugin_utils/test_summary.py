# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of summary: every count, the write and error rules, ordering, top and others, odd input."""

from __future__ import annotations

import pytest

from ansible_collections.ionos.activitylog.emulator.generator import generate_entries
from ansible_collections.ionos.activitylog.plugins.module_utils.normalize import normalize_entry
from ansible_collections.ionos.activitylog.plugins.plugin_utils.summary import (
    LATEST_FIELDS, LATEST_WRITES, RANKED, is_error, is_write, is_write_action, summarize,
)


def entry(**fields) -> dict:
    """A normalized entry with every field missing except ``fields``."""
    base = dict.fromkeys(('id', 'time', 'contract_number', 'username', 'source_ip', 'source_service', 'event_type',
                          'status', 'action', 'uri', 'message', 'request_id', 'error'))
    base['resources'] = []
    base.update(fields)
    return base


def resource(kind, *actions, ident='r-1') -> dict:
    return {'type': kind, 'id': ident, 'actions': list(actions)}


ENTRIES = [
    entry(time='2026-11-25T09:14:03.512Z', username='anna@example.com', event_type='RequestAccepted', action='POST',
          contract_number=31909628, request_id='req-1', resources=[resource('server', 'vr.server.create')]),
    entry(time='2026-11-25T09:15:00.000Z', username='anna@example.com', event_type='RequestStatusUpdate', status='FAILED',
          action='POST', contract_number=31909628, request_id='req-1', resources=[resource('server', 'vr.server.create')]),
    entry(time='2026-11-24T23:59:59.999Z', username='ben@example.com', event_type='Error', action='GET',
          contract_number=31909629, request_id='req-2'),
    entry(time='2026-11-25T10:00:00.000Z', username=None, event_type='DCDUserEvent', contract_number=31909628,
          error={'http_status': 403, 'error_code': '317', 'messages': []}),
]


def test_totals_and_distinct_counts():
    summary = summarize(ENTRIES)
    assert summary['entries'] == 4
    assert summary['first'] == '2026-11-24T23:59:59.999Z'
    assert summary['last'] == '2026-11-25T10:00:00.000Z'
    assert (summary['contracts'], summary['users'], summary['requests']) == (2, 2, 2)
    assert summary['errors'] == 3
    assert summary['writes'] == 2


def test_ranked_counts_with_none_key():
    summary = summarize(ENTRIES)
    assert summary['by_user'] == {'anna@example.com': 2, '(none)': 1, 'ben@example.com': 1}
    assert summary['by_event_type'] == {'DCDUserEvent': 1, 'Error': 1, 'RequestAccepted': 1, 'RequestStatusUpdate': 1}
    assert summary['by_action'] == {'POST': 2, '(none)': 1, 'GET': 1}
    assert summary['by_contract'] == {'31909628': 3, '31909629': 1}
    assert summary['by_resource_type'] == {'(none)': 2, 'server': 2}
    assert summary['writes_by_resource_type'] == {'server': 2}


def test_ranked_counts_are_ordered_by_count_then_key():
    entries = [entry(username=name) for name in ('c', 'b', 'a', 'c', 'b', 'c', 'd')]
    assert list(summarize(entries)['by_user'].items()) == [('c', 3), ('b', 2), ('a', 1), ('d', 1)]


def test_time_counts_are_chronological_with_none_last():
    entries = [entry(time='2026-11-25T10:00:00.000Z'), entry(time='not a time'), entry(time=None),
               entry(time='2026-11-24T08:30:00.000Z'), entry(time='2026-11-25T10:59:59.999Z')]
    summary = summarize(entries)
    assert list(summary['per_day'].items()) == [('2026-11-24', 1), ('2026-11-25', 2), ('(none)', 2)]
    assert list(summary['per_hour'].items()) == [('2026-11-24T08:00Z', 1), ('2026-11-25T10:00Z', 2), ('(none)', 2)]
    assert (summary['first'], summary['last']) == ('2026-11-24T08:30:00.000Z', '2026-11-25T10:59:59.999Z')


def test_errors_by_day():
    summary = summarize(ENTRIES + [entry(status='failed')])
    assert summary['errors_by_day'] == {'2026-11-24': 1, '2026-11-25': 2, '(none)': 1}


def test_resource_type_counts_once_per_entry_and_type():
    many = entry(action='DELETE', resources=[resource('server', 'vr.server.delete', ident='a'),
                                             resource('server', 'vr.server.delete', ident='b'), resource('volume')])
    summary = summarize([many])
    assert summary['by_resource_type'] == {'server': 1, 'volume': 1}
    assert summary['writes_by_resource_type'] == {'server': 1, 'volume': 1}


def test_top_keeps_the_largest_and_counts_the_rest():
    entries = [entry(username=name) for name in 'aaaabbbccd']
    summary = summarize(entries, top=2)
    assert summary['by_user'] == {'a': 4, 'b': 3}
    assert summary['others']['by_user'] == 3
    assert summary['others']['by_event_type'] == 0
    assert set(summary['others']) == set(RANKED)


def test_top_leaves_time_counts_whole():
    entries = [entry(time='2026-11-%02dT00:00:00.000Z' % day) for day in range(1, 21)]
    assert len(summarize(entries, top=1)['per_day']) == 20


def test_without_top_nothing_is_left_out():
    summary = summarize([entry(username=str(number)) for number in range(50)])
    assert len(summary['by_user']) == 50
    assert summary['others'] == dict.fromkeys(RANKED, 0)


@pytest.mark.parametrize('top', [0, -1, True, '5', 2.5])
def test_top_must_be_a_positive_integer(top):
    with pytest.raises(ValueError, match='top must be a positive integer'):
        summarize([], top=top)


def test_entry_that_is_not_a_dict_is_an_error():
    with pytest.raises(ValueError, match='entry 2 is a str, not a normalized entry'):
        summarize([entry(), 'oops'])


def test_empty_input():
    summary = summarize([])
    assert summary['entries'] == 0
    assert summary['first'] is None and summary['last'] is None
    assert summary['by_user'] == {} and summary['per_day'] == {} and summary['errors_by_day'] == {}
    assert summary['latest_writes'] == []


def test_any_iterable_is_accepted():
    assert summarize(iter(ENTRIES))['entries'] == 4


def test_summary_keys():
    assert list(summarize(ENTRIES)) == [
        'entries', 'first', 'last', 'contracts', 'users', 'requests', 'errors', 'writes', 'by_user', 'by_event_type',
        'by_action', 'by_resource_type', 'by_contract', 'per_day', 'per_hour', 'errors_by_day',
        'writes_by_resource_type', 'others', 'latest_writes']


@pytest.mark.parametrize('method', ['POST', 'put', 'Patch', 'DELETE', ' delete '])
def test_write_methods(method):
    assert is_write(entry(action=method))


@pytest.mark.parametrize('method', ['GET', 'HEAD', 'OPTIONS', 'http', None, ''])
def test_reading_methods(method):
    assert not is_write(entry(action=method))


@pytest.mark.parametrize('code', [
    'vr.server.create', 'vr.server.update', 'vr.server.delete', 'sec.group.member.add', 'ip.ipblock.reserve',
    'ip.ipblock.release', 'vr.firewall.activate', 'vr.volume.createSnapshot', 'vr.nic.remove_ip', 'vr.server.start',
    'vr.server.stop', 'vr.server.reboot', 'sec.user.SET', 'delete',
    # fail closed: codes that are not known reading ones count as writes
    'vr.server.restart', 'k8s.cluster.resize', 'vr.server.clone', 'sec.token.generate', 'vr.nic.address', 'vr.server.settings',
    'vr.server.getaway', 'vr.server', 'vr.server.',
    # fail closed: a code that names no verb at all is no reading one either
    '', '   ', None, 42,
])
def test_write_actions(code):
    assert is_write_action(code)


@pytest.mark.parametrize('code', [
    'vr.server.get', 'vr.server.list', 'vr.server.listNics', 'vr.datacenter.view', 'vr.server.GET', 'sec.user.describe',
    'dcd.activitylog.export',
])
def test_reading_actions(code):
    assert not is_write_action(code)


def test_write_by_resource_action_without_method():
    assert is_write(entry(resources=[resource('server', 'vr.server.get'), resource('nic', 'vr.nic.delete')]))
    assert not is_write(entry(resources=[resource('server', 'vr.server.get')]))
    assert not is_write(entry(resources=['junk', {'actions': None}]))
    assert not is_write('not an entry')


@pytest.mark.parametrize('fields, expected', [
    ({'error': {'http_status': 500, 'error_code': None, 'messages': []}}, True),
    ({'status': 'FAILED'}, True),
    ({'status': 'failed'}, True),
    ({'event_type': 'Error'}, True),
    ({'event_type': 'ERROR'}, True),
    ({'status': 'DONE', 'event_type': 'Provision'}, False),
    ({}, False),
])
def test_is_error(fields, expected):
    assert is_error(entry(**fields)) is expected


def test_generated_log_adds_up():
    """On emulator data the counts are consistent with each other, whatever the draws."""
    entries = [normalize_entry(raw) for _time, raw in generate_entries(7, 31909628, 3000, 1764000000000, 1764600000000)]
    summary = summarize(entries, top=3)
    assert summary['entries'] == 3000
    for name in ('by_user', 'by_event_type', 'by_action', 'by_contract'):
        assert sum(summary[name].values()) + summary['others'][name] == 3000
    assert sum(summary['per_day'].values()) == sum(summary['per_hour'].values()) == 3000
    assert sum(summary['errors_by_day'].values()) == summary['errors'] == sum(map(is_error, entries))
    assert summary['writes'] == sum(map(is_write, entries))
    assert 0 < summary['errors'] < summary['writes'] < 3000
    writes = sorted((item['time'] for item in entries if is_write(item)), reverse=True)
    assert [row['time'] for row in summary['latest_writes']] == writes[:3]


# The latest writes

def write_at(moment, **fields) -> dict:
    return entry(**dict({'time': moment, 'username': 'anna@example.com', 'action': 'POST',
                         'uri': '/cloudapi/v6/datacenters/dc/servers', 'status': 'DONE'}, **fields))


def test_latest_writes_newest_first_reads_excluded():
    summary = summarize(ENTRIES + [entry(time='2026-11-26T00:00:00.000Z', action='GET', username='reader')])
    assert summary['latest_writes'] == [
        {'time': '2026-11-25T09:15:00.000Z', 'username': 'anna@example.com', 'action': 'POST', 'uri': None,
         'request_method': None, 'request_url': None, 'status': 'FAILED'},
        {'time': '2026-11-25T09:14:03.512Z', 'username': 'anna@example.com', 'action': 'POST', 'uri': None,
         'request_method': None, 'request_url': None, 'status': None},
    ]
    assert all(list(row) == list(LATEST_FIELDS) for row in summary['latest_writes'])


def test_latest_writes_do_not_rely_on_the_order_of_the_entries():
    moments = ['2026-11-25T09:%02d:00.000Z' % minute for minute in (7, 3, 59, 0, 31, 12, 44, 58, 1)]
    entries = [write_at(moment) for moment in moments] + [entry(time='2026-11-25T10:00:00.000Z', action='GET')]
    latest = summarize(entries, top=3)['latest_writes']
    assert [row['time'] for row in latest] == ['2026-11-25T09:59:00.000Z', '2026-11-25T09:58:00.000Z', '2026-11-25T09:44:00.000Z']
    assert [row['time'] for row in summarize(reversed(entries), top=3)['latest_writes']] == [row['time'] for row in latest]


def test_latest_writes_are_bounded_by_top_or_by_default():
    entries = [write_at('2026-11-25T%02d:%02d:00.000Z' % divmod(minute, 60)) for minute in range(200)]
    assert len(summarize(entries, top=5)['latest_writes']) == 5
    latest = summarize(entries)['latest_writes']
    assert len(latest) == LATEST_WRITES == 10
    assert latest[0]['time'] == '2026-11-25T03:19:00.000Z' and latest[-1]['time'] == '2026-11-25T03:10:00.000Z'
    assert len(summarize(entries[:3], top=5)['latest_writes']) == 3


def test_latest_writes_same_time_later_arrival_first_untimed_last():
    entries = [write_at(None, username='untimed'), write_at('garbage', username='garbage'),
               write_at('2026-11-25T09:00:00.000Z', username='first'), write_at('2026-11-25T09:00:00.000Z', username='second')]
    assert [row['username'] for row in summarize(entries)['latest_writes']] == ['second', 'first', 'garbage', 'untimed']
    assert [row['username'] for row in summarize(entries, top=2)['latest_writes']] == ['second', 'first']


def test_latest_writes_carry_the_joined_request():
    joined = {'method': 'DELETE', 'url': 'https://api.ionos.com/cloudapi/v6/datacenters/dc', 'status': 'DONE', 'body': None,
              'headers': {}, 'targets': [], 'message': None, 'created_date': None, 'created_by': None}
    entries = [write_at('2026-11-25T09:00:00.000Z', request=joined), write_at('2026-11-25T08:00:00.000Z', request=None),
               write_at('2026-11-25T07:00:00.000Z', request='not a dict')]
    latest = summarize(entries)['latest_writes']
    assert (latest[0]['request_method'], latest[0]['request_url']) == ('DELETE', 'https://api.ionos.com/cloudapi/v6/datacenters/dc')
    assert [(row['request_method'], row['request_url']) for row in latest[1:]] == [(None, None), (None, None)]
    assert 'body' not in latest[0] and 'headers' not in latest[0]


def test_latest_writes_by_resource_action():
    entries = [entry(time='2026-11-25T09:00:00.000Z', action=None, resources=[resource('server', 'vr.server.restart')]),
               entry(time='2026-11-25T10:00:00.000Z', action=None, resources=[resource('server', 'vr.server.get')])]
    assert [row['time'] for row in summarize(entries)['latest_writes']] == ['2026-11-25T09:00:00.000Z']

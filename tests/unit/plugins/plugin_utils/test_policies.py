# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Each policy: a violating log fails it, a clean log passes it; fail-closed cases; the verdict's shape."""

from __future__ import annotations

import pytest

from ansible_collections.ionos.activitylog.plugins.plugin_utils.policies import POLICY_NAMES, evaluate

from ansible_collections.ionos.activitylog.tests.unit.plugins.plugin_utils.compliance_helpers import entry, failed, judge, resource, write

# allowed_users


def test_allowed_users_fails_a_write_by_another_user():
    outsider = write(username='mallory@evil.test', request_id='r1')
    result = judge('allowed_users', ['*@example.com'], [write(), outsider, entry(username='mallory@evil.test')])
    assert not result['passed']
    assert result['offending'] == [outsider]
    assert (result['checked'], result['violations'], result['requests'], result['unverifiable']) == (2, 1, 1, 0)


def test_allowed_users_passes_writes_by_matching_users_case_insensitively():
    entries = [write(username='Alice@EXAMPLE.com'), write(username='ci-bot@example.com', action='delete')]
    result = judge('allowed_users', ['*@example.com'], entries)
    assert result['passed'] and result['offending'] == [] and result['checked'] == 2


def test_allowed_users_ignores_reads():
    result = judge('allowed_users', ['*@example.com'], [entry(username='mallory@evil.test', action='GET')])
    assert result['passed'] and result['checked'] == 0


@pytest.mark.parametrize('method', ['POST', 'PUT', 'PATCH', 'DELETE', 'delete'])
def test_every_writing_method_is_a_write(method):
    assert not judge('allowed_users', ['nobody'], [entry(action=method)])['passed']


def test_a_writing_resource_action_is_a_write_without_a_method():
    deletion = entry(action=None, resources=[resource('server', actions=['vr.server.delete'])])
    assert judge('allowed_users', ['nobody'], [deletion])['offending'] == [deletion]


@pytest.mark.parametrize('code', ['', ' ', 'vr.server.'])
def test_a_resource_action_without_a_verb_is_a_write(code):
    unnamed = entry(action=None, resources=[resource('server', actions=[code])])
    assert judge('allowed_users', ['nobody'], [unnamed])['offending'] == [unnamed]


def test_a_failed_write_attempt_still_counts():
    attempt = failed(action='DELETE', username='mallory@evil.test', event_type='Error')
    assert judge('allowed_users', ['*@example.com'], [attempt])['offending'] == [attempt]


@pytest.mark.parametrize('username', [None, '', '   '])
def test_allowed_users_fails_closed_on_a_write_without_username(username):
    anonymous = write(username=username)
    result = judge('allowed_users', ['*'], [anonymous])
    assert result['offending'] == [anonymous] and result['unverifiable'] == 1


def test_an_empty_allowed_users_list_forbids_every_write():
    assert not judge('allowed_users', [], [write()])['passed']
    assert judge('allowed_users', [], [entry()])['passed']


def test_allowed_users_takes_a_single_string():
    assert judge('allowed_users', 'alice@example.com', [write()])['passed']


def test_offending_entries_of_one_request_count_as_one_request():
    cluster = [write(username='eve@evil.test', request_id='same', event_type=kind)
               for kind in ('RequestAccepted', 'RequestStatusUpdate', 'Provision')]
    loose = [write(username='eve@evil.test', request_id=None, id='x1'), write(username='eve@evil.test', request_id=None, id='x2')]
    result = judge('allowed_users', ['*@example.com'], cluster + loose)
    assert (result['violations'], result['requests']) == (5, 3)

# forbidden_resource_actions


DC_DELETE_RULE = [{'resource_type': 'datacenter', 'resource_action': '*.delete', 'allowed_users': ['admin@example.com']}]


def dc_delete(**fields) -> dict:
    return write(action='DELETE', resources=[resource('datacenter', 'dc-1', ['vr.datacenter.delete'])], **fields)


def test_forbidden_resource_action_fails_for_a_user_not_allowed():
    deletion = dc_delete(username='bob@example.com')
    result = judge('forbidden_resource_actions', DC_DELETE_RULE, [dc_delete(username='admin@example.com'), deletion])
    assert not result['passed'] and result['offending'] == [deletion] and result['checked'] == 2


def test_forbidden_resource_action_passes_for_the_allowed_user_and_other_actions():
    entries = [dc_delete(username='ADMIN@example.com'),
               write(username='bob@example.com', resources=[resource('server', actions=['vr.server.delete'])]),
               write(username='bob@example.com', resources=[resource('datacenter', actions=['vr.datacenter.update'])])]
    assert judge('forbidden_resource_actions', DC_DELETE_RULE, entries)['passed']


def test_one_resource_must_match_every_key_of_a_rule():
    mixed = write(username='bob@example.com', resources=[resource('datacenter', actions=['vr.datacenter.update']),
                                                         resource('server', actions=['vr.server.delete'])])
    assert judge('forbidden_resource_actions', DC_DELETE_RULE, [mixed])['passed']


def test_a_rule_without_allowed_users_exempts_nobody():
    rule = [{'resource_action': 'sec.user.*'}]
    assert not judge('forbidden_resource_actions', rule, [write(resources=[resource('user', actions=['sec.user.create'])])])['passed']


def test_a_rule_can_protect_one_resource_id():
    rule = [{'resource_id': ['dc-prod', 'dc-dr']}]
    touched = write(resources=[resource('datacenter', 'DC-PROD', ['vr.datacenter.update'])])
    assert judge('forbidden_resource_actions', rule, [touched])['offending'] == [touched]
    assert judge('forbidden_resource_actions', rule, [write(resources=[resource('datacenter', 'dc-test')])])['passed']


def test_forbidden_resource_action_fails_closed_without_username():
    result = judge('forbidden_resource_actions', DC_DELETE_RULE, [dc_delete(username=None)])
    assert result['violations'] == 1 and result['unverifiable'] == 1


def test_every_rule_is_applied():
    rules = DC_DELETE_RULE + [{'resource_type': 'k8s'}]
    k8s = write(resources=[resource('k8s', actions=['k8s.cluster.update'])])
    assert judge('forbidden_resource_actions', rules, [k8s])['offending'] == [k8s]

# change_windows (daylight saving time and bounds: test_change_windows.py)


def office_hours() -> dict:
    return {'timezone': 'Europe/Berlin', 'windows': [{'days': ['mon', 'tue', 'wed', 'thu', 'fri'], 'start': '08:00', 'end': '18:00'}]}


def test_change_windows_fails_a_write_outside_every_window():
    night = write(time='2026-11-25T22:00:00.000Z')  # Wednesday 23:00 in Berlin
    result = judge('change_windows', office_hours(), [write(time='2026-11-25T09:00:00.000Z'), night, entry(time=night['time'])])
    assert not result['passed'] and result['offending'] == [night] and result['checked'] == 2


def test_change_windows_passes_writes_inside_a_window():
    assert judge('change_windows', office_hours(), [write(time='2026-11-25T16:59:59.999Z')])['passed']


@pytest.mark.parametrize('time', [None, 'yesterday', '2026-11-25', ''])
def test_change_windows_fails_closed_without_a_readable_time(time):
    result = judge('change_windows', office_hours(), [write(time=time)])
    assert result['violations'] == 1 and result['unverifiable'] == 1

# allowed_source_networks


NETWORKS = ['10.0.0.0/8', '2001:db8::/32']


def test_allowed_source_networks_fails_an_address_outside():
    outside = entry(source_ip='203.0.113.7')
    result = judge('allowed_source_networks', NETWORKS, [entry(source_ip='10.9.9.9'), outside])
    assert not result['passed'] and result['offending'] == [outside] and result['checked'] == 2


@pytest.mark.parametrize('address', ['10.0.0.1', '10.255.255.255', '2001:db8:1::7', '::ffff:10.1.1.1', ' 10.2.3.4 '])
def test_allowed_source_networks_passes_addresses_inside(address):
    assert judge('allowed_source_networks', NETWORKS, [entry(source_ip=address)])['passed']


@pytest.mark.parametrize('address', [None, '', 'unknown', '10.0.0.0/8', '300.1.1.1'])
def test_allowed_source_networks_fails_closed_without_an_address(address):
    result = judge('allowed_source_networks', NETWORKS, [entry(source_ip=address)])
    assert result['violations'] == 1 and result['unverifiable'] == 1


def test_a_single_address_is_a_network_of_one():
    assert judge('allowed_source_networks', '192.0.2.10', [entry(source_ip='192.0.2.10')])['passed']
    assert not judge('allowed_source_networks', '192.0.2.10', [entry(source_ip='192.0.2.11')])['passed']

# max_errors and max_failed_requests


def test_max_errors_passes_at_the_threshold_and_lists_nothing():
    entries = [failed(), entry(event_type='Error', status=None, error=None), entry()]
    result = judge('max_errors', 2, entries)
    assert result['passed'] and result['offending'] == []
    assert (result['count'], result['threshold'], result['checked']) == (2, 2, 3)


def test_max_errors_fails_above_the_threshold_with_every_error_entry():
    errors = [failed(), entry(error={'http_status': 500, 'error_code': None, 'messages': []}, status='DONE'), failed(status='failed')]
    result = judge('max_errors', 2, errors + [entry()])
    assert not result['passed'] and result['offending'] == errors and result['count'] == 3 and result['violations'] == 3


def test_max_errors_zero_fails_on_one_error():
    assert not judge('max_errors', 0, [failed()])['passed']
    assert judge('max_errors', 0, [entry()])['passed']


def test_max_failed_requests_counts_distinct_requests():
    entries = [failed(request_id='a'), failed(request_id='a', event_type='Error'), failed(request_id='b'), entry(request_id='c')]
    passing = judge('max_failed_requests', 2, entries)
    assert passing['passed'] and passing['count'] == 2 and passing['checked'] == 3
    failing = judge('max_failed_requests', 1, entries)
    assert not failing['passed'] and failing['offending'] == entries[:3] and failing['requests'] == 2


def test_error_entries_without_request_id_are_requests_of_their_own():
    assert judge('max_failed_requests', 1, [failed(request_id=None), failed(request_id=None)])['count'] == 2

# forbidden_event_types


TOKEN_RULE = [{'event_type': 'GenerateToken', 'allowed_users': ['ci-bot@example.com']}]


def test_forbidden_event_type_fails_for_a_user_not_allowed():
    token = entry(event_type='GenerateToken', username='mara@example.com')
    result = judge('forbidden_event_types', TOKEN_RULE, [token, entry(event_type='generatetoken', username='ci-bot@example.com')])
    assert not result['passed'] and result['offending'] == [token]


def test_forbidden_event_type_passes_other_events_and_allowed_users():
    entries = [entry(event_type='GenerateToken', username='CI-BOT@example.com'), entry(event_type='Provision', username='mara@example.com')]
    assert judge('forbidden_event_types', TOKEN_RULE, entries)['passed']


def test_forbidden_event_type_takes_globs_and_fails_closed_without_username():
    result = judge('forbidden_event_types', [{'event_type': ['*token*', 'DCDUserEvent']}],
                   [entry(event_type='GenerateToken', username=None), entry(event_type='DCDUserEvent')])
    assert result['violations'] == 2 and result['unverifiable'] == 1

# the verdict


def test_the_verdict_lists_policies_in_documented_order_and_summarizes():
    policies = {'max_errors': 0, 'allowed_users': ['*@example.com'], 'allowed_source_networks': ['10.0.0.0/8']}
    entries = [failed(time='2026-11-25T10:00:00.000Z'), write(time='2026-11-25T08:00:00.000Z', source_ip='203.0.113.1')]
    verdict = evaluate(entries, policies, {'start': '2026-11-25T00:00:00.000Z', 'end': '2026-11-26T00:00:00.000Z'})
    assert list(verdict['policies']) == ['allowed_users', 'allowed_source_networks', 'max_errors']
    assert verdict['passed'] is False
    assert verdict['failed_policies'] == ['allowed_source_networks', 'max_errors']
    assert verdict['summary'] == '2 of 3 policies failed over 2 entries: allowed_source_networks, max_errors'
    assert verdict['lines'] == [
        'PASS allowed_users: 0 offending entries in 0 requests, of 1 checked (write actions only by *@example.com)',
        'FAIL allowed_source_networks: 1 offending entries in 1 requests, of 2 checked (requests only from 10.0.0.0/8)',
        'FAIL max_errors: 1 error entries, at most 0 allowed',
    ]
    assert (verdict['entries'], verdict['first'], verdict['last']) == (2, '2026-11-25T08:00:00.000Z', '2026-11-25T10:00:00.000Z')
    assert verdict['window'] == {'start': '2026-11-25T00:00:00.000Z', 'end': '2026-11-26T00:00:00.000Z'}


def test_a_clean_log_passes_every_policy():
    policies = {
        'allowed_users': ['*@example.com'],
        'forbidden_resource_actions': DC_DELETE_RULE,
        'change_windows': office_hours(),
        'allowed_source_networks': NETWORKS,
        'max_errors': 0,
        'max_failed_requests': 0,
        'forbidden_event_types': TOKEN_RULE,
    }
    verdict = evaluate([write(), entry(), dc_delete(username='admin@example.com')], policies)
    assert verdict['passed'] and verdict['failed_policies'] == []
    assert list(verdict['policies']) == list(POLICY_NAMES)
    assert verdict['summary'] == 'all 7 policies passed over 3 entries'
    assert verdict['window'] is None


def test_descriptions_say_what_each_policy_requires():
    policies = {'forbidden_resource_actions': DC_DELETE_RULE, 'change_windows': office_hours(), 'forbidden_event_types': TOKEN_RULE,
                'max_failed_requests': 3, 'allowed_users': []}
    described = {name: result['description'] for name, result in evaluate([], policies)['policies'].items()}
    assert described == {
        'allowed_users': 'no write actions at all',
        'forbidden_resource_actions': 'no resource action matching type datacenter, action *.delete except by admin@example.com',
        'change_windows': 'write actions only mon,tue,wed,thu,fri 08:00-18:00 (Europe/Berlin)',
        'max_failed_requests': 'at most 3 failed requests',
        'forbidden_event_types': 'no event of type GenerateToken except by ci-bot@example.com',
    }


def test_an_empty_log_passes_and_says_how_little_was_judged():
    verdict = evaluate([], {'max_errors': 0})
    assert verdict['passed'] and verdict['summary'] == '1 policy passed over 0 entries'
    assert verdict['first'] is None and verdict['last'] is None

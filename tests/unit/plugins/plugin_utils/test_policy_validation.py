# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every validation error of the policies and of the entries: it names the value and says how to fix it."""

from __future__ import annotations

import re

import pytest

from ansible_collections.ionos.activitylog.plugins.module_utils.normalize import NORMALIZED_FIELDS, normalize_entry
from ansible_collections.ionos.activitylog.plugins.plugin_utils.policies import POLICY_FIELDS, EntriesError, PolicyError, evaluate, validate_policies
from ansible_collections.ionos.activitylog.tests.unit.plugins.plugin_utils.compliance_helpers import entry


def window(**fields) -> dict:
    spec = {'days': ['mon'], 'start': '08:00', 'end': '18:00'}
    spec.update(fields)
    return spec


def rejects(policies, *fragments):
    with pytest.raises(PolicyError) as caught:
        validate_policies(policies)
    for fragment in fragments:
        assert fragment in str(caught.value), str(caught.value)


# The policy set


@pytest.mark.parametrize('policies', [None, ['allowed_users'], 'max_errors: 1'])
def test_policies_must_be_a_dictionary(policies):
    rejects(policies, 'policies must be a dictionary such as')


def test_an_empty_policy_set_is_refused():
    rejects({}, 'policies is empty: give at least one policy', 'an empty set would pass any log')


def test_an_unknown_policy_is_named_with_a_suggestion():
    rejects({'allowed_user': ['*']}, "policies has the unknown key 'allowed_user' (did you mean 'allowed_users'?)",
            'the valid keys are: allowed_users, forbidden_resource_actions, change_windows')


def test_a_null_policy_is_refused():
    rejects({'max_errors': None}, 'policies.max_errors is null: give it a value, or leave the policy out')

# Globs


@pytest.mark.parametrize('value, fragment', [
    ([1], 'policies.allowed_users[0] must be a string such as "*@example.com", not int (1)'),
    (['ok', ''], 'policies.allowed_users[1] is an empty string'),
    ({'user': 'x'}, 'policies.allowed_users must be a string such as "*@example.com", not dict'),
    (True, 'policies.allowed_users must be a string'),
])
def test_allowed_users_must_be_strings(value, fragment):
    rejects({'allowed_users': value}, fragment)

# forbidden_resource_actions and forbidden_event_types


@pytest.mark.parametrize('value, fragment', [
    ([], 'policies.forbidden_resource_actions must be a non-empty list such as [{resource_type: datacenter'),
    ({'resource_type': 'x'}, 'policies.forbidden_resource_actions must be a non-empty list'),
    (['datacenter'], 'policies.forbidden_resource_actions[0] must be a dictionary such as'),
    ([{'resource_typ': 'x'}], "policies.forbidden_resource_actions[0] has the unknown key 'resource_typ' (did you mean 'resource_type'?)"),
    ([{'allowed_users': ['a']}], 'policies.forbidden_resource_actions[0] needs at least one of resource_type, resource_id, resource_action'),
    ([{'resource_type': 'x'}, {'resource_action': []}], 'policies.forbidden_resource_actions[1].resource_action is an empty list'),
    ([{'resource_type': 'x', 'allowed_users': [None]}], 'policies.forbidden_resource_actions[0].allowed_users[0] must be a string'),
])
def test_forbidden_resource_action_rules_are_checked(value, fragment):
    rejects({'forbidden_resource_actions': value}, fragment)


@pytest.mark.parametrize('value, fragment', [
    ([], 'policies.forbidden_event_types must be a non-empty list such as [{event_type: GenerateToken'),
    ([{'allowed_users': ['a']}], 'policies.forbidden_event_types[0] needs event_type, such as'),
    ([{'event_type': 'X', 'users': ['a']}], "policies.forbidden_event_types[0] has the unknown key 'users'"),
    ([{'event_type': ''}], 'policies.forbidden_event_types[0].event_type is an empty string'),
])
def test_forbidden_event_type_rules_are_checked(value, fragment):
    rejects({'forbidden_event_types': value}, fragment)

# change_windows


@pytest.mark.parametrize('value, fragment', [
    ([window()], 'policies.change_windows must be a dictionary such as {timezone: Europe/Berlin'),
    ({'timezone': 'UTC', 'windows': [window()], 'zone': 'x'}, "policies.change_windows has the unknown key 'zone'"),
    ({'windows': [window()]}, 'policies.change_windows needs timezone, such as'),
    ({'timezone': 'UTC'}, 'policies.change_windows needs windows, such as'),
    ({'timezone': 'UTC', 'windows': []}, 'policies.change_windows.windows must be a non-empty list such as [{days: [mon'),
    ({'timezone': 'UTC', 'windows': ['08:00-18:00']}, 'policies.change_windows.windows[0] must be a dictionary'),
    ({'timezone': 'UTC', 'windows': [window(hours=1)]}, "policies.change_windows.windows[0] has the unknown key 'hours'"),
    ({'timezone': 'UTC', 'windows': [{'days': ['mon'], 'start': '08:00'}]}, 'policies.change_windows.windows[0] needs days, start and end'),
])
def test_change_windows_structure_is_checked(value, fragment):
    rejects({'change_windows': value}, fragment)


@pytest.mark.parametrize('zone, fragment', [
    ('Europe/Berln', "'Europe/Berln' is not a known IANA time zone; did you mean 'Europe/Berlin'?"),
    ('europe/berlin', "did you mean 'Europe/Berlin'?"),
    ('Mars/Olympus_Mons', 'is not a known IANA time zone'),
    ('../../etc/passwd', 'is not a known IANA time zone'),
    ('', 'policies.change_windows.timezone must be one IANA time zone name such as Europe/Berlin or UTC'),
    (1, 'policies.change_windows.timezone must be one IANA time zone name'),
])
def test_an_unknown_time_zone_is_refused(zone, fragment):
    rejects({'change_windows': {'timezone': zone, 'windows': [window()]}}, 'policies.change_windows.timezone', fragment)


@pytest.mark.parametrize('fields, fragment', [
    ({'days': []}, 'policies.change_windows.windows[0].days is an empty list'),
    ({'days': ['mon', 'funday']}, "policies.change_windows.windows[0].days[1]: 'funday' is not a day; write mon, tue"),
    ({'start': 1080}, 'policies.change_windows.windows[0].start is the number 1080: YAML reads an unquoted time such as 18:00 as a number'),
    ({'end': '25:00'}, "policies.change_windows.windows[0].end: '25:00' is not a time of day; write HH:MM on the 24-hour clock, 00:00 to 24:00"),
    ({'start': '24:00'}, "policies.change_windows.windows[0].start: '24:00' is not a time of day; write HH:MM on the 24-hour clock, 00:00 to 23:59"),
    ({'start': '8am'}, "'8am' is not a time of day"),
    ({'start': '08:60'}, "'08:60' is not a time of day"),
    ({'end': None}, 'needs days, start and end'),
    ({'end': 18.5}, 'policies.change_windows.windows[0].end must be a quoted time such as "08:00", not float'),
    ({'start': '18:00', 'end': '08:00'}, 'start 18:00 is not before end 08:00; a window ends on the day it starts'),
    ({'start': '08:00', 'end': '08:00'}, 'start 08:00 is not before end 08:00'),
])
def test_bad_time_ranges_are_refused(fields, fragment):
    rejects({'change_windows': {'timezone': 'UTC', 'windows': [window(**fields)]}}, fragment)


def test_full_day_names_and_24_00_are_accepted():
    validate_policies({'change_windows': {'timezone': 'UTC', 'windows': [window(days=['Monday', 'SUN'], start='0:00', end='24:00')]}})

# allowed_source_networks


@pytest.mark.parametrize('value, fragments', [
    (['10.0.0.0/33'], ["policies.allowed_source_networks[0]: '10.0.0.0/33' is not an IP address or CIDR range; write 192.0.2.10"]),
    (['10.0.0.*'], ["'10.0.0.*' is not an IP address or CIDR range"]),
    (['10.0.0.1/8'], ["policies.allowed_source_networks[0]: '10.0.0.1/8' has host bits set after the prefix; did you mean 10.0.0.0/8?"]),
    (['10.0.0.0/8', '2001:db8::1/32'], ["policies.allowed_source_networks[1]: '2001:db8::1/32' has host bits", 'did you mean 2001:db8::/32?']),
    ([], ['policies.allowed_source_networks is an empty list']),
    ([167772160], ['policies.allowed_source_networks[0] must be a string']),
])
def test_bad_networks_are_refused(value, fragments):
    rejects({'allowed_source_networks': value}, *fragments)


# Thresholds


@pytest.mark.parametrize('name', ['max_errors', 'max_failed_requests'])
@pytest.mark.parametrize('value', [-1, True, 2.5, 'ten', '-3', [1]])
def test_thresholds_must_be_whole_numbers_of_zero_or_more(name, value):
    rejects({name: value}, 'policies.%s must be a whole number of 0 or more, such as 10' % name)


def test_a_threshold_may_arrive_as_text():
    assert validate_policies({'max_errors': ' 12 '})[0].threshold == 12

# The entries and the window


@pytest.mark.parametrize('entries, pattern', [
    ({'id': 'x'}, r'^activities must be a list of normalized entries, not dict$'),
    ([entry(), 'text'], r'^activities\[1\] is a str, not a normalized entry'),
    ([{'_source': {}}], r'^activities\[0\] lacks id, time, contract_number, .*, error: give the entries of activity_log_info as they are'),
    ([{k: v for k, v in entry().items() if k != 'action'}], r'^activities\[0\] lacks action: .*a missing field could hide a violation$'),
])
def test_entries_that_could_hide_a_violation_are_refused(entries, pattern):
    with pytest.raises(EntriesError) as caught:
        evaluate(entries, {'max_errors': 1})
    assert re.search(pattern, str(caught.value)), str(caught.value)


def test_the_policies_require_the_fields_they_read_not_every_normalized_field():
    assert POLICY_FIELDS == ('id', 'time', 'contract_number', 'username', 'source_ip', 'source_service', 'event_type', 'status', 'action',
                             'uri', 'message', 'request_id', 'resources', 'error')
    assert set(POLICY_FIELDS) < set(NORMALIZED_FIELDS)
    with pytest.raises(EntriesError) as caught:
        evaluate([{}], {'max_errors': 1})
    assert str(caught.value).startswith('activities[0] lacks %s: ' % ', '.join(POLICY_FIELDS))


def test_entries_stored_by_an_earlier_version_still_judge():
    # JSON Lines written before event_service, initiator and queue_ref_id existed have the 14 fields only.
    earlier = [entry(action='POST', username='mallory@example.com'), entry(status='FAILED')]
    assert not any(field in item for item in earlier for field in ('event_service', 'initiator', 'queue_ref_id'))
    verdict = evaluate(earlier, {'allowed_users': ['alice@example.com'], 'max_errors': 0})
    assert verdict['policies']['allowed_users']['violations'] == 1 and verdict['policies']['max_errors']['violations'] == 1
    current = normalize_entry({'principal': {'identity': {'username': 'alice@example.com'}}, 'meta': {'time': '2026-11-25T09:00:00Z'},
                               'event': {'param': {'action': 'GET'}}})
    assert tuple(current) == NORMALIZED_FIELDS
    assert evaluate([current], {'max_errors': 0})['passed'] is True


@pytest.mark.parametrize('value, fragment', [
    ('2026-11-01', 'window must be a dictionary such as {start:'),
    ({'start': 'a', 'stop': 'b'}, "window has the unknown key 'stop'"),
])
def test_a_bad_window_is_refused(value, fragment):
    with pytest.raises(PolicyError, match=re.escape(fragment)):
        evaluate([], {'max_errors': 1}, value)

# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The documentation of activity_compliance says what the code declares: the options, the policies and their keys."""

from __future__ import annotations

import yaml

from ansible_collections.ionos.activitylog.plugins.action import activity_compliance as action
from ansible_collections.ionos.activitylog.plugins.module_utils.filters import FILTER_KEYS
from ansible_collections.ionos.activitylog.plugins.modules import activity_compliance as docs
from ansible_collections.ionos.activitylog.plugins.plugin_utils import policies
from ansible_collections.ionos.activitylog.plugins.plugin_utils.change_windows import CHANGE_WINDOW_KEYS, WINDOW_KEYS

OPTIONS = yaml.safe_load(docs.DOCUMENTATION)['options']
POLICIES = OPTIONS['policies']['suboptions']


def required(suboptions: dict) -> tuple:
    return tuple(name for name, option in suboptions.items() if option.get('required'))


def test_module_documentation_matches_the_argument_spec():
    assert set(OPTIONS) == set(action.ARGUMENT_SPEC)
    for name, spec in action.ARGUMENT_SPEC.items():
        for key in ('type', 'elements', 'default'):
            assert OPTIONS[name].get(key) == spec.get(key), (name, key)
        assert OPTIONS[name].get('required', False) == spec.get('required', False), name


def test_the_documented_policies_are_the_policies_evaluated_in_their_order():
    assert tuple(POLICIES) == policies.POLICY_NAMES
    assert set(policies.BUILDERS) == set(policies.POLICY_NAMES)


def test_the_documented_rule_keys_are_the_keys_accepted():
    resource_rule = POLICIES['forbidden_resource_actions']['suboptions']
    assert tuple(resource_rule) == policies.RESOURCE_RULE_KEYS and required(resource_rule) == ()
    event_rule = POLICIES['forbidden_event_types']['suboptions']
    assert tuple(event_rule) == policies.EVENT_RULE_KEYS and required(event_rule) == policies.EVENT_RULE_REQUIRED


def test_the_documented_change_window_keys_are_the_keys_required():
    change_windows = POLICIES['change_windows']['suboptions']
    assert tuple(change_windows) == CHANGE_WINDOW_KEYS == required(change_windows)
    window = change_windows['windows']['suboptions']
    assert tuple(window) == WINDOW_KEYS == required(window)


def test_rules_select_entries_with_keys_of_the_module_filters():
    selectors = [key for key in policies.RESOURCE_RULE_KEYS + policies.EVENT_RULE_KEYS if key != 'allowed_users']
    assert set(selectors) <= set(FILTER_KEYS)


def test_the_documented_example_uses_every_policy_and_is_valid():
    tasks = yaml.safe_load(docs.EXAMPLES)
    given = [task['ionos.activitylog.activity_compliance']['policies'] for task in tasks if 'ionos.activitylog.activity_compliance' in task]
    assert given and set(given[0]) == set(policies.POLICY_NAMES)
    assert [policy.name for policy in policies.validate_policies(given[0])] == list(policies.POLICY_NAMES)

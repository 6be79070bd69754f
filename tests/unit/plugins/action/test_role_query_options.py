# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The roles' compliance_query and report_query are the module's options as the one argument spec declares them, and
reach the action that reads with them whole."""

from __future__ import annotations

import os

import pytest
import yaml

from ansible_collections.ionos.activitylog.plugins.action import activity_compliance as compliance_action
from ansible_collections.ionos.activitylog.plugins.action import activity_report as report_action
from ansible_collections.ionos.activitylog.plugins.module_utils.options import ARGUMENT_SPEC

COLLECTION_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..'))
# role, its option, the module options a role cannot take (a verdict and a report need every entry, normalized)
ROLES = [('compliance', 'compliance_query', {'max_items', 'query', 'format'}), ('report', 'report_query', {'query', 'format'})]


def load(role: str, *path: str):
    with open(os.path.join(COLLECTION_ROOT, 'roles', role, *path), encoding='utf-8') as handle:
        return yaml.safe_load(handle)


@pytest.mark.parametrize('role, option, refused', ROLES)
def test_the_role_documents_the_options_of_the_argument_spec(role, option, refused):
    documented = load(role, 'meta', 'argument_specs.yml')['argument_specs']['main']['options'][option]['options']
    assert set(documented) == set(ARGUMENT_SPEC) - refused
    for name, item in documented.items():
        spec = ARGUMENT_SPEC[name]
        assert (item.get('type'), item.get('elements')) == (spec.get('type'), spec.get('elements')), name
        assert bool(item.get('no_log')) == bool(spec.get('no_log')), name


@pytest.mark.parametrize('role, option, refused', ROLES)
def test_the_role_hands_its_query_to_an_action_that_refuses_the_same_options(role, option, refused):
    action = {'compliance': compliance_action, 'report': report_action}[role]
    reads = [task[key] for task in load(role, 'tasks', 'main.yml') for key in task if key.startswith('ionos.activitylog.activity_')]
    assert len(reads) == 1 and option in reads[0]['query']
    assert set(action.REFUSED) == refused
    assert not [task for task in load(role, 'tasks', 'main.yml') if 'ionos.activitylog.activity_log_info' in task]

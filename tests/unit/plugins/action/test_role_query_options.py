# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The roles' compliance_query and report_query are the module's options as the one argument spec declares them."""

from __future__ import annotations

import os
import re

import pytest
import yaml

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
def test_the_role_passes_each_of_them_to_the_module(role, option, refused):
    read = [task for task in load(role, 'tasks', 'main.yml') if 'ionos.activitylog.activity_log_info' in task]
    assert len(read) == 1
    arguments = read[0]['ionos.activitylog.activity_log_info']
    assert set(arguments) == set(ARGUMENT_SPEC) - refused
    for name, value in arguments.items():
        assert re.fullmatch(r'\{\{ %s\.%s \| default\(omit\) \}\}' % (option, name), value), (name, value)

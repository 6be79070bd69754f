# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the activity_summary filter: registration, arguments, errors as AnsibleFilterError, its docs."""

from __future__ import annotations

import pytest
import yaml

from ansible.errors import AnsibleFilterError

from ansible_collections.ionos.activitylog.plugins.filter import activity_summary as plugin
from ansible_collections.ionos.activitylog.plugins.plugin_utils.summary import summarize

ENTRIES = [
    {'time': '2026-11-25T09:14:03.512Z', 'username': name, 'event_type': 'Provision', 'action': 'DELETE',
     'contract_number': 31909628, 'resources': [{'type': 'datacenter', 'id': 'dc', 'actions': ['vr.datacenter.delete']}],
     'error': None, 'status': 'DONE', 'request_id': name}
    for name in ('a@example.com', 'a@example.com', 'b@example.com')
]


def test_registered_under_its_name():
    assert plugin.FilterModule().filters() == {'activity_summary': plugin.activity_summary}


def test_returns_the_summary():
    assert plugin.activity_summary(ENTRIES) == summarize(ENTRIES)
    assert plugin.activity_summary(ENTRIES)['writes_by_resource_type'] == {'datacenter': 3}


@pytest.mark.parametrize('code', ['', ' ', 'vr.server.'])
def test_a_resource_action_without_a_verb_counts_as_a_write(code):
    entry = dict(ENTRIES[0], action=None, resources=[{'type': 'server', 'id': 's', 'actions': [code]}])
    assert plugin.activity_summary([entry])['writes_by_resource_type'] == {'server': 1}


def test_top():
    summary = plugin.activity_summary(ENTRIES, top=1)
    assert summary['by_user'] == {'a@example.com': 2}
    assert summary['others']['by_user'] == 1


@pytest.mark.parametrize('value, message', [
    ('text', 'expects a list of entries, got str'),
    ({'a': 1}, 'expects a list of entries, got dict'),
    ([1], 'entry 1 is a int, not a normalized entry'),
])
def test_bad_input(value, message):
    with pytest.raises(AnsibleFilterError, match='activity_summary: ' + message):
        plugin.activity_summary(value)


def test_bad_top():
    with pytest.raises(AnsibleFilterError, match='activity_summary: top must be a positive integer'):
        plugin.activity_summary(ENTRIES, top=0)


def test_documentation_names_every_returned_key():
    documented = yaml.safe_load(plugin.RETURN)['_value']['contains']
    assert set(documented) == set(summarize(ENTRIES))
    assert yaml.safe_load(plugin.DOCUMENTATION)['name'] == 'activity_summary'

# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The activity_compliance action: verdict, JUnit file written only when it changes, check mode, errors."""

from __future__ import annotations

import os
import stat
from unittest.mock import MagicMock

import pytest

from ansible.errors import AnsibleActionFail
from ansible.playbook.play_context import PlayContext

from ansible_collections.ionos.activitylog.plugins.action.activity_compliance import ActionModule, check_compliance
from ansible_collections.ionos.activitylog.tests.unit.plugins.plugin_utils.compliance_helpers import entry, write

CLEAN = [write(), entry()]
DIRTY = [write(username='eve@evil.test')]
POLICIES = {'allowed_users': ['*@example.com']}


def args(**values) -> dict:
    values.setdefault('activities', CLEAN)
    values.setdefault('policies', POLICIES)
    return values


def test_without_junit_path_nothing_is_written_and_nothing_changes(tmp_path):
    result = check_compliance(args(), check_mode=False)
    assert result['passed'] and result['changed'] is False and result['junit_path'] is None
    assert list(tmp_path.iterdir()) == []


def test_the_junit_file_is_written_once_and_rewritten_when_the_verdict_changes(tmp_path):
    path = str(tmp_path / 'reports' / 'nested' / 'compliance.xml')
    first = check_compliance(args(junit_path=path), check_mode=False)
    assert first['changed'] is True and first['junit_path'] == path
    with open(path, encoding='utf-8') as handle:
        assert '<testcase name="allowed_users"' in handle.read()
    assert check_compliance(args(junit_path=path), check_mode=False)['changed'] is False
    dirty = check_compliance(args(junit_path=path, activities=DIRTY), check_mode=False)
    assert dirty['changed'] is True and dirty['passed'] is False
    with open(path, encoding='utf-8') as handle:
        assert '<failure' in handle.read()
    assert sorted(os.listdir(os.path.dirname(path))) == ['compliance.offending.jsonl', 'compliance.xml']


def test_check_mode_writes_nothing_but_says_what_would_change(tmp_path):
    path = str(tmp_path / 'compliance.xml')
    assert check_compliance(args(junit_path=path), check_mode=True)['changed'] is True
    assert not os.path.exists(path)
    check_compliance(args(junit_path=path), check_mode=False)
    assert check_compliance(args(junit_path=path), check_mode=True)['changed'] is False
    assert check_compliance(args(junit_path=path, activities=DIRTY), check_mode=True)['changed'] is True
    with open(path, encoding='utf-8') as handle:
        assert '<failure' not in handle.read()


def test_a_replaced_file_keeps_its_mode(tmp_path):
    path = tmp_path / 'compliance.xml'
    path.write_text('old', encoding='utf-8')
    os.chmod(str(path), 0o640)
    check_compliance(args(junit_path=str(path)), check_mode=False)
    assert stat.S_IMODE(os.stat(str(path)).st_mode) == 0o640


def test_a_path_that_cannot_be_written_is_an_error_that_names_it(tmp_path):
    with pytest.raises(OSError, match='cannot write the JUnit file %s: Is a directory' % tmp_path):
        check_compliance(args(junit_path=str(tmp_path)), check_mode=False)


def test_the_suite_name_and_window_reach_the_file(tmp_path):
    path = str(tmp_path / 'c.xml')
    window = {'start': '2026-11-24T00:00:00.000Z', 'end': '2026-11-25T00:00:00.000Z'}
    result = check_compliance(args(junit_path=path, suite_name='nightly audit', window=window), check_mode=False)
    assert result['window'] == window
    with open(path, encoding='utf-8') as handle:
        text = handle.read()
    assert '<testsuite name="nightly audit" timestamp="2026-11-25T00:00:00"' in text


# run(): the thin wrapper around check_compliance


def action(task_args: dict, check_mode: bool = False, basedir: str = '/playbooks') -> ActionModule:
    task = MagicMock()
    task.args = task_args
    task.async_val = 0
    task.check_mode = check_mode
    loader = MagicMock()
    loader.path_dwim.side_effect = lambda given: given if os.path.isabs(given) else os.path.join(basedir, given)
    return ActionModule(task, MagicMock(), PlayContext(), loader, None, None)


def test_run_returns_the_verdict_and_never_fails_on_a_violation():
    result = action(args(activities=DIRTY)).run(task_vars={})
    assert result['passed'] is False and not result.get('failed')
    assert result['failed_policies'] == ['allowed_users'] and result['changed'] is False
    assert result['policies']['allowed_users']['offending'] == DIRTY


def test_run_resolves_a_relative_junit_path_against_the_playbook_directory(tmp_path):
    result = action(args(junit_path='out/compliance.xml'), basedir=str(tmp_path)).run(task_vars={})
    assert result['junit_path'] == str(tmp_path / 'out' / 'compliance.xml') and result['changed'] is True
    assert (tmp_path / 'out' / 'compliance.xml').exists()


def test_run_honours_check_mode(tmp_path):
    result = action(args(junit_path=str(tmp_path / 'c.xml')), check_mode=True).run(task_vars={})
    assert result['changed'] is True and not (tmp_path / 'c.xml').exists()


@pytest.mark.parametrize('task_args, message', [
    ({'policies': POLICIES}, 'give either activities (the entries to judge) or query'),
    (args(query={}), 'give either activities (the entries to judge) or query'),
    (args(policies={'allowed_user': ['x']}), "policies has the unknown key 'allowed_user'"),
    (args(activities=[{'id': 'x'}]), 'activities[0] lacks time'),
    (args(colour='blue'), 'unsupported parameters: colour; the parameters are: activities, junit_path'),
])
def test_run_fails_on_unusable_arguments(task_args, message):
    with pytest.raises(AnsibleActionFail) as caught:
        action(task_args).run(task_vars={})
    assert message in str(caught.value)

# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The compliance and report actions reading the log themselves (``query``), against the emulator over HTTP: the
same verdict and the same bytes as given the entries, module_defaults applied, bounded lists with exact counts."""

from __future__ import annotations

import json
import os
from unittest.mock import MagicMock

import pytest

from ansible.errors import AnsibleActionFail
from ansible.parsing.dataloader import DataLoader
from ansible.playbook.play_context import PlayContext
from ansible.template import Templar

from ansible_collections.ionos.activitylog.plugins.action import activity_compliance, activity_report
from ansible_collections.ionos.activitylog.plugins.module_utils.activity import fetch_activity

TOKEN = 'reseller-token'
GROUP = 'group/ionos.activitylog.activitylog'
POLICIES = {
    'allowed_users': ['*@example.com'],
    'change_windows': {'timezone': 'Europe/Berlin', 'windows': [{'days': ['mon', 'tue', 'wed', 'thu', 'fri'], 'start': '08:00', 'end': '18:00'}]},
    'allowed_source_networks': ['192.0.2.0/24'],
    'max_errors': 1,
}
FILES = ('junit.xml', 'junit.offending.jsonl', 'activity.jsonl', 'activity.csv', 'activity.md', 'activity.html')


@pytest.fixture(scope='module')
def emulator(start_emulator):
    return start_emulator('--contracts', '2', '--entries', '400', '--days', '5')


def run(plugin, task_args: dict, tmp_path, module_defaults=None, check_mode=False) -> dict:
    """run() of the action through the real ActionBase, with module_defaults and the collection's action group."""
    task = MagicMock(args=task_args, check_mode=check_mode, async_val=0, module_defaults=module_defaults or [])
    task._parent._play._action_groups = {'ionos.activitylog.activity_log_info': ['ionos.activitylog.activitylog']}
    loader = DataLoader()
    loader.set_basedir(str(tmp_path))
    connection = MagicMock()
    connection._shell.tmpdir = None
    return plugin.ActionModule(task, connection, PlayContext(), loader, Templar(loader=loader), None).run(task_vars={})


def judge(tmp_path, directory: str, **task_args) -> dict:
    task_args.setdefault('policies', POLICIES)
    task_args.update(junit_path='%s/junit.xml' % directory, report={'dest': directory})
    return run(activity_compliance, task_args, tmp_path, module_defaults=task_args.pop('module_defaults', None))


def contents(tmp_path, directory: str) -> dict:
    """The bytes of each file, the directory's own path (named by the JUnit file) written as DIR."""
    where = str(tmp_path / directory).encode()
    return {name: (tmp_path / directory / name).read_bytes().replace(where, b'DIR') for name in FILES}


def test_reading_itself_gives_the_verdict_and_the_bytes_of_the_given_entries(emulator, tmp_path):
    one_pass = judge(tmp_path, 'one-pass', query={'api_url': emulator.url, 'token': TOKEN, 'start': '-40d'}, max_offending=3)
    read = fetch_activity({'api_url': emulator.url, 'token': TOKEN, **one_pass['window']})
    given = judge(tmp_path, 'given', activities=read['activities'], window=read['window'], max_offending=3)
    assert one_pass['entries'] == given['entries'] == 800
    for key in ('passed', 'summary', 'failed_policies', 'lines', 'first', 'last', 'window', 'policies'):
        assert one_pass[key] == given[key], key
    assert contents(tmp_path, 'one-pass') == contents(tmp_path, 'given')
    assert one_pass['read']['total'] == 800 and one_pass['read']['stats']['requests'] >= 2 and 'read' not in given
    assert set(one_pass['report_files']) == {'jsonl', 'csv', 'markdown', 'html'}
    assert one_pass['report_summary']['entries'] == 800


def test_offending_entries_are_listed_up_to_the_limit_with_exact_counts_and_all_in_a_file(emulator, tmp_path):
    result = judge(tmp_path, 'bounded', query={'api_url': emulator.url, 'token': TOKEN, 'start': '-40d'}, max_offending=2)
    networks = result['policies']['allowed_source_networks']
    assert networks['violations'] > 2 and len(networks['offending']) == 2
    assert networks['offending_omitted'] == networks['violations'] - 2
    junit = (tmp_path / 'bounded' / 'junit.xml').read_text(encoding='utf-8')
    assert ('... and %d more offending entries, not listed here; every offending entry is in %s'
            % (networks['offending_omitted'], result['offending_path'])) in junit
    with open(result['offending_path'], encoding='utf-8') as handle:
        lines = [json.loads(line) for line in handle]
    for name, policy in result['policies'].items():
        listed = [line['entry'] for line in lines if line['policy'] == name]
        assert len(listed) == policy['violations'] and listed[:2] == policy['offending'], name
    assert 'activities' not in result and len(json.dumps(result)) < 60000


def test_module_defaults_of_the_action_group_give_the_connection(emulator, tmp_path):
    defaults = [{GROUP: {'api_url': emulator.url, 'token': TOKEN, 'max_items': 5}}]
    result = judge(tmp_path, 'defaults', query={'start': '-40d', 'contract_numbers': [31909629]}, module_defaults=defaults)
    assert result['entries'] == 400  # max_items of the defaults is not for a verdict: left out
    report = run(activity_report, {'query': {'start': '-40d'}, 'dest': 'r', 'formats': ['jsonl']}, tmp_path, module_defaults=defaults)
    assert report['summary']['entries'] == 5 and report['read']['truncated'] is True
    assert report['window'] == report['read']['window'] and report['warnings']
    assert len((tmp_path / 'r' / 'activity.jsonl').read_text(encoding='utf-8').splitlines()) == 5


@pytest.mark.parametrize('plugin, option', [(activity_compliance, 'max_items'), (activity_compliance, 'format'), (activity_report, 'query')])
def test_options_a_caller_cannot_take_are_refused_by_name(tmp_path, plugin, option):
    args = {'query': {option: 5 if option == 'max_items' else 'raw' if option == 'format' else 'id'}, 'policies': POLICIES, 'dest': 'x'}
    args = {key: value for key, value in args.items() if key in plugin.ARGUMENT_SPEC}
    with pytest.raises(AnsibleActionFail, match=r'query\.%s is not accepted' % option):
        run(plugin, args, tmp_path)


def test_a_failed_read_names_the_problem_and_never_the_token(emulator, tmp_path):
    secret = 'tok-' + 's3cr3t' * 4
    with pytest.raises(AnsibleActionFail) as caught:
        judge(tmp_path, 'denied', query={'api_url': emulator.url, 'token': secret, 'start': '-1d'})
    assert 'activity_compliance' in str(caught.value) and '401' in str(caught.value)
    assert secret not in str(caught.value)
    assert not os.path.exists(str(tmp_path / 'denied'))


def test_check_mode_reads_and_judges_but_writes_nothing(emulator, tmp_path):
    args = {'query': {'api_url': emulator.url, 'token': TOKEN, 'start': '-40d'}, 'policies': POLICIES,
            'junit_path': 'c/junit.xml', 'report': {'dest': 'c'}}
    result = run(activity_compliance, args, tmp_path, check_mode=True)
    assert result['entries'] == 800 and result['changed'] is True
    assert not (tmp_path / 'c').exists()


@pytest.mark.parametrize('extra, message', [
    ({'policies': {'allowed_user': ['x']}}, "policies has the unknown key 'allowed_user'"),
    ({'report': {'dest': 'r', 'basename': '../x'}}, 'basename must be a plain file name'),
    ({'max_offending': -1}, 'max_offending must be 0 or more'),
])
def test_unusable_arguments_fail_before_anything_is_read(tmp_path, extra, message):
    args = dict({'query': {'api_url': 'http://127.0.0.1:9', 'token': TOKEN}, 'policies': POLICIES}, **extra)
    with pytest.raises(AnsibleActionFail, match=message):
        run(activity_compliance, args, tmp_path)

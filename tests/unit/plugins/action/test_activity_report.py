# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the activity_report action: files parsed back, idempotence, check mode, atomic writes, run()."""

from __future__ import annotations

import csv
import json
import os
from html.parser import HTMLParser
from unittest.mock import MagicMock

import pytest
import yaml

from ansible.errors import AnsibleActionFail
from ansible.parsing.dataloader import DataLoader

from ansible_collections.ionos.activitylog.plugins.action import activity_report as action
from ansible_collections.ionos.activitylog.plugins.modules import activity_report as docs
from ansible_collections.ionos.activitylog.plugins.plugin_utils import report_files
from ansible_collections.ionos.activitylog.plugins.plugin_utils.report_formats import CSV_COLUMNS
from ansible_collections.ionos.activitylog.plugins.plugin_utils.report_html import CHART_IDS

ENTRIES = [
    {'id': 'e-%d' % number, 'time': '2026-11-25T%02d:00:00.000Z' % number, 'contract_number': 31909628,
     'username': 'user%d@example.com' % (number % 3), 'source_ip': '192.0.2.1', 'source_service': 'PUBLIC_REST_V6',
     'event_type': 'RequestAccepted', 'status': 'DONE', 'action': 'POST', 'uri': '/cloudapi/v6/datacenters',
     'message': 'm', 'request_id': 'r-%d' % number,
     'resources': [{'type': 'datacenter', 'id': 'dc', 'actions': ['vr.datacenter.create']}], 'error': None}
    for number in range(12)
]


class SvgIds(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids = []

    def handle_starttag(self, tag, attrs):
        if tag == 'svg':
            self.ids.append(dict(attrs).get('id'))


def report(tmp_path, entries=None, formats=report_files.FORMATS, check_mode=False, title='Report'):
    options = {'formats': list(formats), 'title': title, 'top': 10, 'basename': 'activity'}
    _summary, files, changed = action.write_reports(ENTRIES if entries is None else entries, str(tmp_path / 'out'), options,
                                                    check_mode=check_mode)
    return files, changed


def test_every_format_is_written_and_parses_back(tmp_path):
    files, changed = report(tmp_path)
    assert changed
    directory = str(tmp_path / 'out')
    assert files == {name: os.path.join(directory, 'activity.' + ext) for name, ext in report_files.EXTENSIONS.items()}
    with open(files['jsonl'], encoding='utf-8') as stream:
        assert [json.loads(line) for line in stream] == ENTRIES
    with open(files['csv'], encoding='utf-8', newline='') as stream:
        rows = list(csv.reader(stream))
    assert rows[0] == list(CSV_COLUMNS) and len(rows) == 13
    assert rows[1][CSV_COLUMNS.index('resources')] == 'datacenter:dc:vr.datacenter.create'
    with open(files['markdown'], encoding='utf-8') as stream:
        assert stream.read().startswith('# Report\n')
    parser = SvgIds()
    with open(files['html'], encoding='utf-8') as stream:
        parser.feed(stream.read())
    assert sorted(parser.ids) == sorted(CHART_IDS)
    assert sorted(os.listdir(directory)) == ['activity.csv', 'activity.html', 'activity.jsonl', 'activity.md']


def test_only_the_formats_asked_for(tmp_path):
    files, _changed = report(tmp_path, formats=['html', 'jsonl'])
    assert list(files) == ['jsonl', 'html']
    assert sorted(os.listdir(str(tmp_path / 'out'))) == ['activity.html', 'activity.jsonl']


def test_rerun_changes_nothing_and_keeps_the_files(tmp_path):
    files, _changed = report(tmp_path)
    before = {path: os.stat(path).st_ino for path in files.values()}
    _files, changed = report(tmp_path)
    assert not changed
    assert {path: os.stat(path).st_ino for path in files.values()} == before


def test_new_content_is_a_change(tmp_path):
    report(tmp_path)
    files, changed = report(tmp_path, entries=ENTRIES[:5])
    assert changed
    with open(files['jsonl'], encoding='utf-8') as stream:
        assert len(stream.readlines()) == 5


def test_check_mode_writes_nothing_but_says_what_would_change(tmp_path):
    files, changed = report(tmp_path, check_mode=True)
    assert changed and not os.path.exists(str(tmp_path / 'out'))
    assert files['html'].endswith('activity.html')
    report(tmp_path)
    assert report(tmp_path, check_mode=True)[1] is False
    assert report(tmp_path, entries=ENTRIES[:1], check_mode=True)[1] is True
    with open(files['jsonl'], encoding='utf-8') as stream:
        assert len(stream.readlines()) == 12


def test_replacing_keeps_the_mode_and_leaves_no_temporary_file(tmp_path):
    files, _changed = report(tmp_path)
    os.chmod(files['csv'], 0o600)
    report(tmp_path, entries=ENTRIES[:2])
    assert os.stat(files['csv']).st_mode & 0o777 == 0o600
    assert not [name for name in os.listdir(str(tmp_path / 'out')) if name.endswith('.tmp')]


def test_new_files_get_the_umask_mode(tmp_path):
    old = os.umask(0o027)
    try:
        files, _changed = report(tmp_path, formats=['csv'])
    finally:
        os.umask(old)
    assert os.stat(files['csv']).st_mode & 0o777 == 0o640


def test_failed_write_keeps_the_old_file_and_removes_the_temporary_one(tmp_path, monkeypatch):
    files, _changed = report(tmp_path, formats=['jsonl'])

    def refuse(_source, _target):
        raise OSError('disk full')
    monkeypatch.setattr(os, 'replace', refuse)
    with pytest.raises(OSError, match='disk full'):
        report(tmp_path, entries=ENTRIES[:1], formats=['jsonl'])
    with open(files['jsonl'], encoding='utf-8') as stream:
        assert len(stream.readlines()) == 12
    assert os.listdir(str(tmp_path / 'out')) == ['activity.jsonl']


def test_dest_that_is_a_file(tmp_path):
    (tmp_path / 'out').write_text('x')
    with pytest.raises(ValueError, match='exists and is not a directory'):
        report(tmp_path)


def test_empty_activities_give_empty_reports(tmp_path):
    files, _changed = report(tmp_path, entries=[])
    with open(files['jsonl'], encoding='utf-8') as stream:
        assert stream.read() == ''
    with open(files['csv'], encoding='utf-8', newline='') as stream:
        assert list(csv.reader(stream)) == [list(CSV_COLUMNS)]


def args(**overrides) -> dict:
    values = {'activities': ENTRIES, 'dest': 'out'}
    values.update(overrides)
    return values


def test_validated_args_fills_the_defaults():
    assert action.validated_args(args()) == {
        'activities': ENTRIES, 'dest': 'out', 'formats': list(report_files.FORMATS), 'title': report_files.DEFAULT_TITLE,
        'top': 10, 'basename': 'activity', 'window': None, 'query': None}


@pytest.mark.parametrize('overrides, message', [
    ({'basename': ''}, 'basename must be a plain file name'),
    ({'basename': '..'}, 'basename must be a plain file name'),
    ({'basename': 'a/b'}, 'basename must be a plain file name'),
    ({'top': 0}, 'top must be at least 1'),
    ({'top': 'many'}, "argument 'top' is of type str"),
    ({'formats': ['pdf']}, 'value of formats must be one or more of'),
    ({'dest': None}, 'missing required arguments: dest'),
    ({'dest': ''}, 'dest is required'),
    ({'bogus': 1, 'other': 2}, 'unsupported parameters: bogus, other; supported: activities, basename, dest'),
    ({'window': {'begin': 'x'}}, 'begin'),
    ({'activities': None}, 'activities is required: a list of normalized entries, got nothing'),
    ({'activities': 'text'}, 'activities is required: a list of normalized entries, got a str'),
    ({'activities': [{'id': 'x'}, 3]}, 'activities: entry 2 is a int, not a normalized entry'),
    ({'activities': [{'@uuid': 'x', 'meta': {}, 'event': {}}]}, 'must be normalized entries .* entry 1 has none'),
])
def test_bad_arguments(overrides, message):
    with pytest.raises(ValueError, match=message):
        action.validated_args(args(**overrides))


def test_missing_dest_and_activities():
    with pytest.raises(ValueError, match='missing required arguments: dest'):
        action.validated_args({'activities': []})
    with pytest.raises(ValueError, match='activities is required'):
        action.validated_args({'dest': 'x'})


def test_null_takes_the_default():
    validated = action.validated_args(args(top=None, title=None, formats=None, basename=None))
    assert (validated['top'], validated['title'], validated['basename']) == (10, report_files.DEFAULT_TITLE, 'activity')
    assert validated['formats'] == list(report_files.FORMATS)


def test_sparse_normalized_entries_are_accepted():
    assert action.validated_args(args(activities=[{'id': 'x'}, {}]))['activities'] == [{'id': 'x'}, {}]


def run_action(tmp_path, check_mode=False, **task_args):
    """Drive run() through the real ActionBase, with a DataLoader rooted at tmp_path as the playbook directory."""
    loader = DataLoader()
    loader.set_basedir(str(tmp_path))
    task = MagicMock(args=task_args, check_mode=check_mode, async_val=0, action='ionos.activitylog.activity_report')
    connection = MagicMock()
    connection._shell.tmpdir = None
    plugin = action.ActionModule(task, connection, MagicMock(), loader, MagicMock(), MagicMock())
    return plugin.run(task_vars={})


def test_run_writes_relative_to_the_playbook_directory(tmp_path):
    result = run_action(tmp_path, activities=ENTRIES, dest='reports', formats=['markdown'], window={
        'start': '2026-11-25T00:00:00.000Z', 'end': '2026-11-26T00:00:00.000Z'})
    assert result['changed'] is True
    assert result['files'] == {'markdown': str(tmp_path / 'reports' / 'activity.md')}
    assert result['summary']['entries'] == 12
    assert 'Window: 2026-11-25T00:00:00.000Z to 2026-11-26T00:00:00.000Z' in (tmp_path / 'reports' / 'activity.md').read_text()
    assert run_action(tmp_path, activities=ENTRIES, dest='reports', formats=['markdown'], window={
        'start': '2026-11-25T00:00:00.000Z', 'end': '2026-11-26T00:00:00.000Z'})['changed'] is False


def test_run_in_check_mode(tmp_path):
    result = run_action(tmp_path, check_mode=True, activities=ENTRIES, dest=str(tmp_path / 'x'))
    assert result['changed'] is True and not (tmp_path / 'x').exists()


def test_run_reports_bad_arguments(tmp_path):
    with pytest.raises(AnsibleActionFail, match='activity_report: value of formats must be one or more of'):
        run_action(tmp_path, activities=ENTRIES, dest='x', formats=['pdf'])
    with pytest.raises(AnsibleActionFail, match='activity_report: basename must be a plain file name'):
        run_action(tmp_path, activities=ENTRIES, dest='x', basename='../up')
    with pytest.raises(AnsibleActionFail, match='activity_report: missing required arguments: dest'):
        run_action(tmp_path, activities=ENTRIES)


def test_summary_is_cut_to_top(tmp_path):
    result = run_action(tmp_path, activities=ENTRIES, dest='x', formats=['jsonl'], top=1)
    assert len(result['summary']['by_user']) == 1
    assert result['summary']['others']['by_user'] == 8


def test_module_documentation_matches_the_argument_spec():
    options = yaml.safe_load(docs.DOCUMENTATION)['options']
    assert set(options) == set(action.ARGUMENT_SPEC)
    for name, spec in action.ARGUMENT_SPEC.items():
        assert options[name]['type'] == spec['type']
        assert options[name].get('default') == spec.get('default')

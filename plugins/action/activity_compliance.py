# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of ``ionos.activitylog.activity_compliance``: judge entries on the controller, write JUnit and the
reports there.

With ``query`` the action reads the log itself (controller_read.py), so the entries go from the engine to the
policies, the JUnit file and the reports in one pass and never become an Ansible variable; only counts, the policy
lines and the first ``max_offending`` offending entries per policy come back. The work is in the pure function
``check_compliance``; ``run`` only validates the arguments and turns errors into a failed task. Violations never
fail the task: the caller (the compliance role) decides what a violation means.
"""

from __future__ import annotations

import os

from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.plugins.action import ActionBase

from ansible_collections.ionos.activitylog.plugins.module_utils.errors import ActivityLogError
from ansible_collections.ionos.activitylog.plugins.plugin_utils.controller_read import MODULE, read_activity
from ansible_collections.ionos.activitylog.plugins.plugin_utils.files import write_if_changed, write_stream_if_changed
from ansible_collections.ionos.activitylog.plugins.plugin_utils.junit import junit_xml
from ansible_collections.ionos.activitylog.plugins.plugin_utils.policies import evaluate, validate_policies
from ansible_collections.ionos.activitylog.plugins.plugin_utils import report_files
from ansible_collections.ionos.activitylog.plugins.plugin_utils.report_files import checked_report_options, write_reports
from ansible_collections.ionos.activitylog.plugins.plugin_utils.report_formats import write_jsonl

# The options, declared here only; the module's DOCUMENTATION describes the same (a unit test ties them), and the
# structure inside ``policies`` is policies.py's (tied to the documentation's suboptions by the same tests).
REPORT_SPEC = dict(report_files.REPORT_SPEC, title=dict(type='str', default='IONOS Cloud Activity Log compliance'))
ARGUMENT_SPEC = dict(
    activities=dict(type='list', elements='raw'),
    query=dict(type='dict'),
    policies=dict(type='dict', required=True),
    junit_path=dict(type='path'),
    suite_name=dict(type='str', default='ionos.activitylog compliance'),
    window=dict(type='dict'),
    max_offending=dict(type='int', default=100),
    report=dict(type='dict', options=REPORT_SPEC),
)
# The options of activity_log_info that ``query`` cannot take, and why.
REFUSED = {
    'max_items': 'a verdict needs every entry of the window',
    'query': 'the policies need the entries themselves; narrow them with filters',
    'format': 'the policies need the normalized entries',
}


def check_compliance(args: dict, check_mode: bool) -> dict:
    """The verdict of ``args['activities']``, with ``junit_path``, ``offending_path``, ``report_files`` and
    ``changed``; ValueError when the policies, the entries or the options are unusable, OSError when a file cannot
    be written. Each policy lists its first ``max_offending`` offending entries; ``violations`` counts them all."""
    listed = args.get('max_offending', 100)
    entries = args['activities']
    verdict = evaluate(entries, args['policies'], args.get('window'))
    result = dict(bounded(verdict, listed), changed=False, junit_path=None, offending_path=None, report_files={}, report_summary=None)
    path = args.get('junit_path')
    if path:
        path = os.path.abspath(path)
        offending = os.path.splitext(path)[0] + '.offending.jsonl'
        document = junit_xml(verdict, args.get('suite_name') or ARGUMENT_SPEC['suite_name']['default'], listed, offending)
        result.update(junit_path=path, offending_path=offending)
        changed = _written('the JUnit file', path, lambda: write_if_changed(path, document.encode('utf-8'), check_mode))
        changed = _written('the offending entries', offending, lambda: write_stream_if_changed(
            offending, lambda stream: write_jsonl(offending_lines(verdict), stream), check_mode)) or changed
        result['changed'] = changed
    report = args.get('report')
    if report:
        shown = {key: verdict[key] for key in ('passed', 'summary', 'lines')}
        summary, files, changed = write_reports(entries, report['dest'], report, verdict['window'], shown, check_mode)
        result.update(report_files=files, report_summary=summary, changed=result['changed'] or changed)
    return result


def bounded(verdict: dict, listed: int) -> dict:
    """``verdict`` with at most ``listed`` offending entries per policy, and ``offending_omitted`` saying how many more."""
    policies = {}
    for name, result in verdict['policies'].items():
        offending = result['offending']
        policies[name] = dict(result, offending=offending[:listed], offending_omitted=max(0, len(offending) - listed))
    return dict(verdict, policies=policies)


def offending_lines(verdict: dict):
    """``{policy, entry}`` per offending entry of each failed policy, in policy order, for the JSON Lines file."""
    for name, result in verdict['policies'].items():
        for entry in result['offending']:
            yield {'policy': name, 'entry': entry}


def _written(what: str, path: str, write) -> bool:
    try:
        return write()
    except OSError as error:
        raise OSError('cannot write %s %s: %s' % (what, path, error.strerror or error)) from None


class ActionModule(ActionBase):
    """Evaluate compliance policies over Activity Log entries on the controller."""

    TRANSFERS_FILES = False
    _supports_check_mode = True
    _supports_async = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        try:
            args = validated_args(self._task.args)
            if args.get('junit_path'):
                args['junit_path'] = self._loader.path_dwim(args['junit_path'])
            if args.get('report'):
                args['report']['dest'] = self._loader.path_dwim(args['report']['dest'])
            if args['activities'] is None:
                args['activities'], read, warnings = read_activity(args['query'], self._task, self._templar, REFUSED)
                args['window'] = read['window']
                result.update(read=read, warnings=warnings)
            result.update(check_compliance(args, bool(self._task.check_mode)))
        except (ValueError, OSError, ActivityLogError) as error:
            raise AnsibleActionFail('activity_compliance: %s' % error) from None
        return result


def validated_args(task_args: dict) -> dict:
    """The arguments, checked and with defaults; ValueError naming the problem.

    ``activities`` is checked by the policies, once, and not by the generic validator, which would deep-copy
    every entry (seconds for 100,000 entries).
    """
    options = dict(task_args)
    activities = options.pop('activities', None)
    result = ArgumentSpecValidator({name: spec for name, spec in ARGUMENT_SPEC.items() if name != 'activities'}).validate(options)
    if result.unsupported_parameters:
        raise ValueError('unsupported parameters: %s; the parameters are: %s' % (
            ', '.join(sorted(map(str, result.unsupported_parameters))), ', '.join(sorted(ARGUMENT_SPEC))))
    if result.error_messages:
        raise ValueError('; '.join(result.error_messages))
    args = result.validated_parameters
    if (activities is None) == (args.get('query') is None):
        raise ValueError('give either activities (the entries to judge) or query (the options of %s to read them with)' % MODULE)
    if args['max_offending'] < 0:
        raise ValueError('max_offending must be 0 or more, got %d' % args['max_offending'])
    validate_policies(args['policies'])  # before a read that may take minutes
    if args.get('report'):
        checked_report_options(args['report'])
    args['activities'] = activities
    return args

# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of ``activity_report``: render the report formats and write them on the controller.

With ``query`` the action reads the log itself (controller_read.py), so the entries go from the engine into the
files in one pass and never become an Ansible variable. ``run()`` only validates and resolves the destination;
``validated_args`` and report_files.write_reports do the work and are plain functions the unit tests call directly.
Files are replaced atomically (a temporary file in the same directory, then a rename), and a file whose content
would not change is not touched.
"""

from __future__ import annotations

from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.plugins.action import ActionBase

from ansible_collections.ionos.activitylog.plugins.module_utils.errors import ActivityLogError
from ansible_collections.ionos.activitylog.plugins.plugin_utils.controller_read import MODULE, read_activity
from ansible_collections.ionos.activitylog.plugins.plugin_utils.report_files import REPORT_SPEC, checked_report_options, write_reports
from ansible_collections.ionos.activitylog.plugins.plugin_utils.report_formats import ENTRY_FIELDS

OPTIONS_SPEC = dict(
    REPORT_SPEC,
    window=dict(type='dict', options=dict(start=dict(type='str'), end=dict(type='str'))),
    query=dict(type='dict'),
)
ARGUMENT_SPEC = dict(activities=dict(type='list', elements='dict'), **OPTIONS_SPEC)
# The options of activity_log_info that ``query`` cannot take, and why.
REFUSED = {'query': 'the reports need the entries themselves; narrow them with filters',
           'format': 'the reports need the normalized entries'}


class ActionModule(ActionBase):
    """Runs on the controller only; no connection to the target is opened."""

    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        try:
            args = validated_args(self._task.args)
            if args['activities'] is None:
                args['activities'], read, warnings = read_activity(args['query'], self._task, self._templar, REFUSED)
                args['window'] = read['window']
                result.update(read=read, warnings=warnings)
            dest = self._loader.path_dwim(args['dest'])
            summary, files, changed = write_reports(args['activities'], dest, args, args['window'], None, bool(self._task.check_mode))
        except (ValueError, OSError, ActivityLogError) as error:
            raise AnsibleActionFail('activity_report: %s' % error) from None
        result.update(changed=changed, files=files, summary=summary, window=args['window'])
        return result


def validated_args(task_args: dict) -> dict:
    """The arguments, checked and with defaults; a ValueError names every problem found.

    ``activities`` is checked apart: the generic validator deep-copies what it validates, which costs seconds
    for 100,000 entries, and it cannot say what this check says anyway.
    """
    unknown = sorted(set(task_args) - set(ARGUMENT_SPEC))
    if unknown:
        raise ValueError('unsupported parameters: %s; supported: %s' % (', '.join(unknown), ', '.join(sorted(ARGUMENT_SPEC))))
    options = {name: value for name, value in task_args.items() if value is not None}  # null takes the default
    activities = options.pop('activities', None)
    result = ArgumentSpecValidator(OPTIONS_SPEC).validate(options)
    if result.error_messages:
        raise ValueError('; '.join(result.error_messages))
    args = checked_report_options(result.validated_parameters)
    if args.get('query') is not None:
        if activities is not None:
            raise ValueError('give either activities (the entries) or query (the options of %s to read them with), not both' % MODULE)
        args['activities'] = None
    else:
        args['activities'] = checked_activities(activities)
    return args


def checked_activities(activities) -> list:
    """``activities`` must be a list of normalized entries (dicts with at least one of their keys, or empty)."""
    if not isinstance(activities, list):
        got = 'nothing' if activities is None else 'a %s' % type(activities).__name__
        raise ValueError('activities is required: a list of normalized entries, got %s' % got)
    for number, entry in enumerate(activities, 1):
        if not isinstance(entry, dict):
            raise ValueError('activities: entry %d is a %s, not a normalized entry (a dict)' % (number, type(entry).__name__))
        if entry and not any(field in entry for field in ENTRY_FIELDS):
            raise ValueError('activities must be normalized entries (activity_log_info with format: normalized); '
                             'entry %d has none of their keys' % number)
    return activities

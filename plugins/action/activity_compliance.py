# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of ``ionos.activitylog.activity_compliance``: judge entries on the controller, write JUnit there.

The work is in the pure function ``check_compliance``; ``run`` only validates the arguments and turns errors into
a failed task. Violations never fail the task: the caller (the compliance role) decides what a violation means.
"""

from __future__ import annotations

import os

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.ionos.activitylog.plugins.plugin_utils.files import write_if_changed
from ansible_collections.ionos.activitylog.plugins.plugin_utils.junit import junit_xml
from ansible_collections.ionos.activitylog.plugins.plugin_utils.policies import evaluate

# The options, declared here only; the module's DOCUMENTATION describes the same (a unit test ties them), and the
# structure inside ``policies`` is policies.py's (tied to the documentation's suboptions by the same tests).
ARGUMENT_SPEC = dict(
    activities=dict(type='list', elements='raw', required=True),
    policies=dict(type='dict', required=True),
    junit_path=dict(type='path'),
    suite_name=dict(type='str', default='ionos.activitylog compliance'),
    window=dict(type='dict'),
)


def check_compliance(args: dict, check_mode: bool) -> dict:
    """The verdict, plus ``junit_path`` and ``changed``; ValueError when the policies or the entries are unusable."""
    verdict = evaluate(args['activities'], args['policies'], args.get('window'))
    result = dict(verdict, changed=False, junit_path=None)
    path = args.get('junit_path')
    if path:
        path = os.path.abspath(path)
        document = junit_xml(verdict, args.get('suite_name') or ARGUMENT_SPEC['suite_name']['default'])
        try:
            changed = write_if_changed(path, document.encode('utf-8'), check_mode)
        except OSError as error:
            raise OSError('cannot write the JUnit file %s: %s' % (path, error.strerror or error)) from None
        result.update(junit_path=path, changed=changed)
    return result


class ActionModule(ActionBase):
    """Evaluate compliance policies over Activity Log entries on the controller."""

    TRANSFERS_FILES = False
    _supports_check_mode = True
    _supports_async = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        _validation, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        if args.get('junit_path'):
            args['junit_path'] = self._loader.path_dwim(args['junit_path'])
        try:
            result.update(check_compliance(args, bool(self._task.check_mode)))
        except (ValueError, OSError) as error:
            raise AnsibleActionFail(str(error)) from None
        return result

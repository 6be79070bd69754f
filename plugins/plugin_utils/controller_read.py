# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read the Activity Log inside an action plugin, so the entries go from the engine to the policies and the report
writers in one process and never become an Ansible variable.

The roles used to read with ``activity_log_info`` and ``register``: every entry then crossed a module's JSON
output, ansible-core's result handling and templating three times, which cost five times the read itself. The
read here is the module's own (``fetch_activity``, the same options and checks), with the ``module_defaults`` of
the module and of its action group applied, as they would have been to the module.
"""

from __future__ import annotations

from ansible.module_utils.common.collections import is_string

from ansible_collections.ionos.activitylog.plugins.module_utils.activity import fetch_activity
from ansible_collections.ionos.activitylog.plugins.module_utils.errors import OptionError
from ansible_collections.ionos.activitylog.plugins.module_utils.options import ALIASES

MODULE = 'ionos.activitylog.activity_log_info'
READ_KEYS = ('window', 'total', 'returned', 'matched', 'truncated', 'contracts', 'stats')


def module_defaults(task, templar) -> dict:
    """The ``module_defaults`` that would apply to activity_log_info in ``task`` (its own and its action group's).

    ansible-core offers this to action plugins under two names (gather_facts uses them): 2.19 and later
    ``_apply_action_arg_defaults``, before that ``get_action_args_with_defaults``.
    """
    try:
        from ansible.executor.module_common import _apply_action_arg_defaults
    except ImportError:
        from ansible.executor.module_common import get_action_args_with_defaults
        return get_action_args_with_defaults(MODULE, {}, task.module_defaults, templar, action_groups=task._parent._play._action_groups)
    return _apply_action_arg_defaults(MODULE, task, {}, templar)


def read_activity(query, task, templar, refused: dict) -> tuple:
    """``(entries, read, warnings)`` of the window that ``query`` (the action's option: options of activity_log_info)
    names, with the module_defaults of ``task`` for activity_log_info under it.

    ``refused`` maps the options this caller cannot take to the reason. ``read`` holds what the module returns besides
    the entries (``window``, ``total``, ``stats`` ...). ActivityLogError names a bad option or a failed read.
    """
    if not isinstance(query, dict) or any(not is_string(key) for key in query):
        raise OptionError('query must be a dictionary of the options of %s, not %s' % (MODULE, type(query).__name__))
    for name, value in query.items():
        name = ALIASES.get(name, name)
        if name in refused and value not in (None, ''):
            raise OptionError('query.%s is not accepted: %s' % (name, refused[name]))
    # module_defaults that this caller cannot take (a max_items meant for other tasks) are left out, not refused
    options = {name: value for name, value in module_defaults(task, templar).items() if ALIASES.get(name, name) not in refused}
    options.update(query)
    result = fetch_activity(options)
    read = {key: result.get(key) for key in READ_KEYS}
    return result['activities'], read, list(result['warnings'])

# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
name: activity_log
short_description: Read the IONOS Cloud Activity Log in templates, assert and set_fact
version_added: 0.1.0
description:
  - Returns the entries of the IONOS Cloud Activity Log in a window of time, as one flat list, exactly like the
    RV(ionos.activitylog.activity_log_info#module:activities); the module and the lookup take the same options.
  - Returns only the entries. The window that was read (C(window.start) and C(window.end), which the next
    incremental run takes as its O(start)), C(total), C(matched), C(returned), C(truncated), C(contracts) and
    C(stats) are results of M(ionos.activitylog.activity_log_info) only; use the module when you need them.
  - Each call reads the log again. A lookup in C(vars) is called each time the variable is used, so a list used
    more than once is read more than once; keep it with C(ansible.builtin.set_fact) and use the fact, as the
    examples do.
  - Follows every page and slices windows larger than the API's result window; retries and timeouts work inside
    the lookup, since a lookup cannot use C(until)/C(retries).
  - Runs on the controller, so a task's C(environment) does not reach it; it reads E(IONOS_TOKEN) and the other
    variables from the controller's environment, and the C(ionos_*) variables.
author:
  - ionos.activitylog contributors (@ionos-activitylog)
extends_documentation_fragment:
  - ionos.activitylog.activity_log
  - ionos.activitylog.activity_log.read
  - ionos.activitylog.activity_log.archive
  - ionos.activitylog.activity_log.plugins
options:
  _terms:
    description:
      - Contract numbers to read; the same as O(contract_numbers), which must then be left out.
    type: list
    elements: int
    required: false
seealso:
  - module: ionos.activitylog.activity_log_info
'''

EXAMPLES = r'''
# Read once with set_fact, then use the fact: a lookup in vars would read the log again for every use.
- name: Read the datacenter deletions of the last day
  ansible.builtin.set_fact:
    deletions: "{{ query('ionos.activitylog.activity_log', filters={'resource_action': 'vr.datacenter.delete'}) }}"

- name: Fail when a datacenter was deleted in the last day
  ansible.builtin.assert:
    that: deletions | length == 0
    fail_msg: "{{ deletions | map(attribute='username') | unique | join(', ') }} deleted datacenters"

- name: Keep the failed requests of one contract in the last hour
  ansible.builtin.set_fact:
    failures: "{{ lookup('ionos.activitylog.activity_log', 31909628, start='-1h', filters={'errors_only': true}, wantlist=true) }}"
'''

RETURN = r'''
_list:
  description:
    - The entries of the window that match O(filters), oldest first, each once, as in
      RV(ionos.activitylog.activity_log_info#module:activities); with O(query) its value (a list, or a list of one value).
    - Nothing else; C(window), C(total) and the other results of the module come only from
      M(ionos.activitylog.activity_log_info).
  type: list
  elements: dict
'''

from ansible import constants as C
from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase
from ansible.utils.display import Display

from ansible_collections.ionos.activitylog.plugins.module_utils.activity import fetch_activity
from ansible_collections.ionos.activitylog.plugins.module_utils.errors import ActivityLogError
from ansible_collections.ionos.activitylog.plugins.module_utils.options import ALIASES, ARGUMENT_SPEC

display = Display()
KNOWN_OPTIONS = frozenset(ARGUMENT_SPEC) | frozenset(ALIASES)


class LookupModule(LookupBase):
    """Thin: options through set_options()/get_option(), the work in module_utils.activity."""

    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=self._templated_sources(variables), direct=kwargs)
        options = {name: self.get_option(name) for name in ARGUMENT_SPEC}
        # set_options() passes unknown keywords by without a word (a misspelt filter would read everything): the
        # argument spec names them.
        options.update((name, value) for name, value in kwargs.items() if name not in KNOWN_OPTIONS)
        if terms:
            if options.get('contract_numbers'):
                raise AnsibleLookupError('activity_log: give the contract numbers either as terms or as contract_numbers, not both')
            options['contract_numbers'] = [number for term in terms for number in (term if isinstance(term, list) else [term])]
        try:
            result = fetch_activity(options)
        except ActivityLogError as error:
            raise AnsibleLookupError('activity_log: %s' % error) from None
        for warning in result['warnings']:
            display.warning('activity_log: %s' % warning)
        activities = result['activities']
        return activities if isinstance(activities, list) else [activities]

    def _templated_sources(self, variables):
        """Only the ``ionos_*`` variables this lookup reads, templated before set_options() converts their type.

        Plugins get variables untemplated: ``ionos_validate_certs: "{{ verify }}"`` would otherwise be converted
        as the text of the template (to false), and ``ionos_ca_path: "{{ ca }}"`` made a relative path.
        """
        if not variables or self._templar is None:
            return variables
        names = {source['name'] for definition in C.config.get_configuration_definitions('lookup', self._load_name).values()
                 for source in definition.get('vars') or []}
        return {name: self._templar.template(variables[name]) for name in names if name in variables}

# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``activity_summary`` filter: counts of normalized Activity Log entries, computed in Python, not in Jinja."""

from __future__ import annotations

DOCUMENTATION = r'''
name: activity_summary
short_description: Count Activity Log entries by user, event type, action, resource type, contract, day and hour
version_added: 0.1.0
description:
  - Summarizes a list of normalized entries, as returned in
    RV(ionos.activitylog.activity_log_info#module:activities) by M(ionos.activitylog.activity_log_info) and by the
    lookup P(ionos.activitylog.activity_log#lookup), in one pass.
  - Counts entries by user, event type, HTTP method, resource type and contract; per day and per hour (UTC);
    errors per day and write actions per resource type; the distinct contracts, users and requests; and lists the
    latest write actions.
  - A missing value (null) is counted under the key C((none)).
  - An entry is a write when its HTTP method is POST, PUT, PATCH or DELETE, or when one of its resource actions may
    change something - the last dotted part of the code does not start with a reading verb such as C(get), C(list),
    C(view) or C(describe) (fail closed; the full list is in docs/reports.md).
  - An entry is an error when it has an C(error), or its status is C(FAILED), or its event type is C(Error)
    (case-insensitive), as the C(errors_only) filter of the module.
  - The same summary is the RV(ionos.activitylog.activity_report#module:summary) of
    M(ionos.activitylog.activity_report) and of the C(ionos.activitylog.report) role.
author:
  - ionos.activitylog contributors (@ionos-activitylog)
positional: _input
options:
  _input:
    description: Normalized Activity Log entries (not O(ionos.activitylog.activity_log_info#module:format=raw)).
    type: list
    elements: dict
    required: true
  top:
    description:
      - Keep only the N largest keys of each ranked count (C(by_user), C(by_event_type), C(by_action),
        C(by_resource_type), C(by_contract), C(writes_by_resource_type)); RV(_value.others) says how many were left out.
      - Also the number of entries in RV(_value.latest_writes).
      - Left out, every key is kept, and RV(_value.latest_writes) holds the 10 latest write actions.
    type: int
seealso:
  - module: ionos.activitylog.activity_log_info
  - module: ionos.activitylog.activity_report
'''

EXAMPLES = r'''
- name: Read a week of activity
  ionos.activitylog.activity_log_info:
    start: -7d
  register: week

- name: Show the five most active users and the errors per day
  ansible.builtin.debug:
    msg:
      users: "{{ summary.by_user }}"
      other_users: "{{ summary.others.by_user }}"
      errors_per_day: "{{ summary.errors_by_day }}"
  vars:
    summary: "{{ week.activities | ionos.activitylog.activity_summary(top=5) }}"

- name: Fail when the week saw any DELETE request
  ansible.builtin.assert:
    that: (week.activities | ionos.activitylog.activity_summary).by_action.DELETE | default(0) == 0
'''

RETURN = r'''
_value:
  description:
    - The summary. Ranked counts (C(by_*), C(writes_by_resource_type)) are ordered by count, largest first, then by
      key; time counts are in time order, with C((none)) (entries without a usable time) last.
  type: dict
  contains:
    entries:
      description: Number of entries.
      type: int
    first:
      description: Time of the oldest entry (UTC, RFC 3339 with milliseconds); null when there is none.
      type: str
    last:
      description: Time of the newest entry; null when there is none.
      type: str
    contracts:
      description: Number of distinct contracts.
      type: int
    users:
      description: Number of distinct users.
      type: int
    requests:
      description: Number of distinct request ids (the events of one request share its id).
      type: int
    errors:
      description: Number of error entries.
      type: int
    writes:
      description: Number of write entries.
      type: int
    by_user:
      description: Entries per user name.
      type: dict
      sample: {"ci-bot@example.com": 512, "anna.schmidt@example.com": 40}
    by_event_type:
      description: Entries per event type.
      type: dict
      sample: {"RequestStatusUpdate": 320, "RequestAccepted": 110, "Provision": 90}
    by_action:
      description: Entries per HTTP method.
      type: dict
      sample: {"POST": 200, "DELETE": 80, "(none)": 12}
    by_resource_type:
      description:
        - Entries per resource type; an entry counts once for each distinct type it names, and under C((none)) when
          it names none, so the counts may add up to more than RV(_value.entries).
      type: dict
      sample: {"server": 150, "volume": 90, "(none)": 40}
    by_contract:
      description: Entries per contract number (keys are strings).
      type: dict
      sample: {"31909628": 552}
    per_day:
      description: Entries per UTC day, C(YYYY-MM-DD).
      type: dict
      sample: {"2026-11-24": 300, "2026-11-25": 252}
    per_hour:
      description: Entries per UTC hour, C(YYYY-MM-DDTHH:00Z).
      type: dict
      sample: {"2026-11-25T08:00Z": 40, "2026-11-25T09:00Z": 61}
    errors_by_day:
      description: Error entries per UTC day; days without errors are absent.
      type: dict
      sample: {"2026-11-25": 7}
    writes_by_resource_type:
      description: Write entries per resource type, counted as in RV(_value.by_resource_type).
      type: dict
      sample: {"server": 120, "datacenter": 3}
    others:
      description:
        - For each ranked count, the sum of the counts O(top) left out (0 when nothing was left out).
      type: dict
      sample: {"by_user": 17, "by_event_type": 0, "by_action": 0, "by_resource_type": 4, "by_contract": 0,
               "writes_by_resource_type": 2}
    latest_writes:
      description:
        - The most recent write entries, newest first (by C(time); of two at the same time the later in the list
          first; entries without a usable time last); O(top) of them, 10 when O(top) is left out.
        - Each is reduced to C(time), C(username), C(action) (the HTTP method), C(uri) and C(status) of the entry,
          and C(request_method) and C(request_url), the method and URL of the C(request) that
          O(ionos.activitylog.activity_log_info#module:request_details) joined (null without it).
      type: list
      elements: dict
      sample:
        - {"time": "2026-11-25T23:58:40.008Z", "username": "anna.schmidt@example.com", "action": "DELETE",
           "uri": "/cloudapi/v6/datacenters/1d5a.../servers/7c2e...", "request_method": "DELETE",
           "request_url": "https://api.ionos.com/cloudapi/v6/datacenters/1d5a.../servers/7c2e...", "status": "DONE"}
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.ionos.activitylog.plugins.plugin_utils.summary import summarize


def activity_summary(entries, top=None):
    """Fail with the filter's name and the cause instead of a Python traceback."""
    if not isinstance(entries, (list, tuple)):
        raise AnsibleFilterError('activity_summary: expects a list of entries, got %s' % type(entries).__name__)
    try:
        return summarize(entries, top=top)
    except ValueError as error:
        raise AnsibleFilterError('activity_summary: %s' % error) from None


class FilterModule:
    """ionos.activitylog filters."""

    def filters(self):
        return {'activity_summary': activity_summary}

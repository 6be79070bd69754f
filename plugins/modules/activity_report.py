#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: activity_report
short_description: Write Activity Log reports as JSON Lines, CSV, Markdown and self-contained HTML
version_added: 0.1.0
description:
  - Summarizes normalized Activity Log entries (as the P(ionos.activitylog.activity_summary#filter) filter does)
    and writes report files into a directory on the controller, one per format, named C(<basename>.<extension>).
  - C(jsonl) holds one entry per line, exactly as given, for a SIEM; C(csv) the same entries as flat columns;
    C(markdown) and C(html) the summary tables, and the HTML page also charts drawn as inline SVG.
  - The HTML file is self-contained (no scripts, no network access, a Content-Security-Policy that forbids both)
    and escapes every text taken from the entries, which are untrusted input; it is readable in a browser and printable.
  - Each file is replaced atomically (a temporary file in the same directory, then a rename) and only when its
    content changes; the output depends only on the input, so a rerun over the same entries changes nothing.
  - Takes the entries in O(activities), or reads them itself with O(query), the options of
    M(ionos.activitylog.activity_log_info). Reading itself is the fast way for large logs; the entries go from the
    API into the files in one pass on the controller and never become an Ansible variable.
  - This is an action plugin that runs on the controller; the files are written there, whatever the task's host.
author:
  - ionos.activitylog contributors (@ionos-activitylog)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
attributes:
  action:
    support: full
    details: All the work is done by the action plugin, on the controller.
  async:
    support: none
  bypass_host_loop:
    support: none
  check_mode:
    support: full
    details: Renders everything and reports whether a file would change, without writing.
  diff_mode:
    support: none
  platform:
    platforms: all
options:
  activities:
    description:
      - Normalized entries, as in RV(ionos.activitylog.activity_log_info#module:activities) of
        M(ionos.activitylog.activity_log_info) (not O(ionos.activitylog.activity_log_info#module:format=raw)).
      - An empty list gives empty reports.
      - Give either O(activities) or O(query).
    type: list
    elements: dict
  query:
    description:
      - Read the entries with these options of M(ionos.activitylog.activity_log_info) (C(token), C(api_url),
        C(contract_numbers), C(start), C(end), C(filters), C(max_items) ...; its documentation describes each), on
        the controller, instead of taking O(activities). An empty dictionary reads with the module's defaults,
        the last 24 hours of every contract the credential can read.
      - The C(module_defaults) of M(ionos.activitylog.activity_log_info) and of the action group
        C(group/ionos.activitylog.activitylog) apply, as they would to the module. Credentials given by
        environment variables (E(IONOS_TOKEN) ...) are read from the controller's environment.
      - C(query) and C(format) are not accepted, since the reports need the normalized entries. A read cut short
        by C(max_items) is reported with a warning and RV(read.truncated).
      - The window read becomes RV(window) and is shown in the reports; O(window) is ignored.
    type: dict
  dest:
    description:
      - Directory to write the files into, on the controller; created when missing.
      - A relative path is relative to the playbook's directory, as for M(ansible.builtin.fetch).
    type: path
    required: true
  formats:
    description:
      - The files to write, C(<basename>.jsonl), C(<basename>.csv), C(<basename>.md) and C(<basename>.html).
      - C(jsonl) one entry per line, compact JSON, UTF-8.
      - C(csv) one row per entry, with columns C(id), C(time), C(contract_number), C(username), C(source_ip),
        C(source_service), C(event_service), C(initiator), C(event_type), C(status), C(action), C(uri), C(message),
        C(request_id), C(queue_ref_id), C(resources), C(error_http_status), C(error_code), C(error_messages),
        C(request_method) and C(request_url) (the last two from the C(request) that
        O(ionos.activitylog.activity_log_info#module:request_details) joins, empty without it). C(resources) holds each resource as
        C(type:id:action1|action2), joined by C(; ); C(error_messages) each message as C(code) and C(message) separated by a colon, joined by C(; ).
        A cell that starts with C(=), C(+), C(-), C(@), a tab or a carriage return is prefixed with C(') so
        spreadsheets do not run it as a formula.
      - C(markdown) totals, summary tables and the latest write actions (GitHub-flavoured Markdown), all text escaped.
      - C(html) totals, charts (activity over time, top users, event types, errors per day, write actions by
        resource type), tables and the latest write actions (with what was sent when
        O(ionos.activitylog.activity_log_info#module:request_details) joined it).
    type: list
    elements: str
    choices: [jsonl, csv, markdown, html]
    default: [jsonl, csv, markdown, html]
  title:
    description: Title of the Markdown and HTML reports.
    type: str
    default: IONOS Cloud Activity Log report
  top:
    description:
      - Rows of each ranked table (users, event types, methods, resource types, contracts, write actions);
        the rest are summed in an C((others)) row.
    type: int
    default: 10
  basename:
    description: File name of the reports, without directory or extension.
    type: str
    default: activity
  window:
    description:
      - The window O(activities) were read from, shown in the Markdown and HTML reports; typically
        RV(ionos.activitylog.activity_log_info#module:window). Left out, the reports show the times of the first
        and last entries.
    type: dict
    suboptions:
      start:
        description: Start of the window, UTC.
        type: str
      end:
        description: End of the window, UTC.
        type: str
notes:
  - Run it on C(localhost) (C(hosts) or C(delegate_to)); the files are written on the controller in any case.
  - The role C(ionos.activitylog.report) reads the entries and calls this action.
seealso:
  - module: ionos.activitylog.activity_log_info
  - plugin: ionos.activitylog.activity_summary
    plugin_type: filter
'''

EXAMPLES = r'''
- name: Read a week of activity
  ionos.activitylog.activity_log_info:
    start: -7d
  register: week

- name: Write all four reports into reports/
  ionos.activitylog.activity_report:
    activities: "{{ week.activities }}"
    window: "{{ week.window }}"
    dest: reports
    title: Activity of the last week
  register: report

- name: Write only a JSON Lines file for the SIEM, named after the window's end
  ionos.activitylog.activity_report:
    activities: "{{ week.activities }}"
    dest: /var/spool/siem
    formats: [jsonl]
    basename: "activity-{{ week.window.end[:10] }}"

- name: Read yesterday and write the reports in one pass, without registering the entries
  ionos.activitylog.activity_report:
    query:
      start: -1d
    dest: reports/daily
'''

RETURN = r'''
window:
  description: The window of the entries, O(window) as given, or the window read with O(query); null without either.
  returned: always
  type: dict
  sample: {"start": "2026-11-24T00:00:00.000Z", "end": "2026-11-26T00:00:00.000Z"}
read:
  description: With O(query), what M(ionos.activitylog.activity_log_info) returns besides the entries, for the same read.
  returned: when O(query) was given
  type: dict
  contains:
    window:
      description: The window read, as RV(ionos.activitylog.activity_log_info#module:window).
      type: dict
    total:
      description: As RV(ionos.activitylog.activity_log_info#module:total).
      type: int
    returned:
      description: As RV(ionos.activitylog.activity_log_info#module:returned).
      type: int
    matched:
      description: As RV(ionos.activitylog.activity_log_info#module:matched).
      type: int
    truncated:
      description: As RV(ionos.activitylog.activity_log_info#module:truncated).
      type: bool
    contracts:
      description: As RV(ionos.activitylog.activity_log_info#module:contracts).
      type: list
      elements: int
    stats:
      description: As RV(ionos.activitylog.activity_log_info#module:stats).
      type: dict
files:
  description: Path of each file, by format; in check mode the paths the files would have.
  returned: always
  type: dict
  sample:
    jsonl: /srv/reports/activity.jsonl
    csv: /srv/reports/activity.csv
    markdown: /srv/reports/activity.md
    html: /srv/reports/activity.html
summary:
  description:
    - The summary of the entries, ranked counts cut to O(top); the same dict as the
      P(ionos.activitylog.activity_summary#filter) filter returns, where each key is described.
  returned: always
  type: dict
  sample:
    entries: 552
    first: "2026-11-24T00:03:11.120Z"
    last: "2026-11-25T23:58:40.008Z"
    contracts: 1
    users: 7
    requests: 190
    errors: 12
    writes: 401
    by_user: {"ci-bot@example.com": 312, "anna.schmidt@example.com": 40}
    by_event_type: {"RequestStatusUpdate": 280, "RequestAccepted": 95, "Provision": 90}
    by_action: {"POST": 200, "DELETE": 80, "(none)": 12}
    by_resource_type: {"server": 150, "volume": 90}
    by_contract: {"31909628": 552}
    per_day: {"2026-11-24": 300, "2026-11-25": 252}
    per_hour: {"2026-11-24T00:00Z": 12}
    errors_by_day: {"2026-11-25": 12}
    writes_by_resource_type: {"server": 120, "datacenter": 3}
    others: {"by_user": 17, "by_event_type": 0, "by_action": 0, "by_resource_type": 4, "by_contract": 0,
             "writes_by_resource_type": 2}
    latest_writes:
      - {"time": "2026-11-25T23:58:40.008Z", "username": "anna.schmidt@example.com", "action": "DELETE",
         "uri": "/cloudapi/v6/datacenters/1d5a.../servers/7c2e...", "request_method": null, "request_url": null,
         "status": "DONE"}
'''

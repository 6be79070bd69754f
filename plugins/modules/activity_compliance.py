#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: activity_compliance
short_description: Check Activity Log entries against declarative compliance policies
version_added: 0.1.0
description:
  - Judges normalized Activity Log entries, as M(ionos.activitylog.activity_log_info) returns them, against
    policies, and returns a verdict per policy, pass or fail, with the first offending entries.
  - Takes the entries in O(activities), or reads them itself with O(query), the options of
    M(ionos.activitylog.activity_log_info). Reading itself is the fast way for large logs; the entries go from the
    API to the policies, the JUnit file and the reports in one pass on the controller and never become an Ansible
    variable, which for 100,000 entries saves most of the time of a registered read.
  - Optionally writes the verdict as a JUnit XML file, one test case per policy, for CI servers, and the reports
    of M(ionos.activitylog.activity_report) (JSON Lines, CSV, Markdown, HTML) of the judged entries, with the
    verdict at the top of the Markdown and HTML ones.
  - Runs on the controller (an action plugin); the files are written on the controller.
  - Never fails because of a violation; the task fails only when the policies or the entries are unusable.
    Branch on RV(passed), or use the role P(ionos.activitylog.compliance#role), which fails on violations.
  - "Write actions are entries with the HTTP method POST, PUT, PATCH or DELETE, or with a resource action that may
    change something: any code whose last dotted part does not begin with a reading verb such as get, list, view or
    describe (fail closed: C(vr.server.create), C(vr.server.restart) and unknown codes are writes;
    C(vr.datacenter.view) is not). Failed attempts count as write actions too."
  - "Fail closed: an entry that a policy cannot check, because the username, the source address or the time it needs
    is missing or unreadable, offends that policy and is counted in RV(policies) as C(unverifiable)."
  - "Every entry of a request is judged on its own: C(offending) lists all offending entries, C(requests) counts
    the distinct C(request_id) values among them; an entry without a C(request_id) counts as a request of its own."
  - All patterns are globs (C(*), C(?), C([...])) matched against whole values, case-insensitively, as the
    O(ionos.activitylog.activity_log_info#module:filters) of the module.
author:
  - ionos.activitylog contributors (@ionos-activitylog)
options:
  activities:
    description:
      - The entries to judge, as RV(ionos.activitylog.activity_log_info#module:activities) returns them with the
        default O(ionos.activitylog.activity_log_info#module:format=normalized) and no
        O(ionos.activitylog.activity_log_info#module:query).
      - Every entry must have the normalized fields the policies read, all but C(event_service), C(initiator) and
        C(queue_ref_id) (a missing field could hide a violation); an incomplete entry fails the task.
      - Give either O(activities) or O(query).
    type: list
    elements: raw
  query:
    description:
      - Read the entries to judge with these options of M(ionos.activitylog.activity_log_info) (C(token),
        C(api_url), C(contract_numbers), C(start), C(end), C(filters) ...; its documentation describes each), on
        the controller, instead of taking O(activities). An empty dictionary reads with the module's defaults,
        the last 24 hours of every contract the credential can read.
      - The C(module_defaults) of M(ionos.activitylog.activity_log_info) and of the action group
        C(group/ionos.activitylog.activitylog) apply, as they would to the module. Credentials given by
        environment variables (E(IONOS_TOKEN) ...) are read from the controller's environment.
      - C(max_items), C(query) and C(format) are not accepted (a verdict needs every entry of the window,
        normalized); C(filters) in O(query) narrows what is judged, and a policy cannot see the entries filtered out.
      - The window read becomes RV(window); what else the module would return (C(total), C(stats) ...) is in
        RV(read).
    type: dict
  max_offending:
    description:
      - How many offending entries each policy lists, in RV(policies) and in a JUnit failure; the number of all of
        them (C(violations)) is always exact.
      - A JUnit failure with more says how many more there are and names the JSON Lines file RV(offending_path),
        which holds every offending entry of every policy.
    type: int
    default: 100
  report:
    description:
      - Also write reports of the judged entries, as M(ionos.activitylog.activity_report) does, with the verdict
        and each policy's line at the top of the Markdown and HTML reports.
      - JSON Lines and CSV are streamed from the entries into their files.
    type: dict
    suboptions:
      dest:
        description: The directory of the reports on the controller; a relative path is relative to the playbook's directory.
        type: path
        required: true
      formats:
        description: The formats to write.
        type: list
        elements: str
        choices: [jsonl, csv, markdown, html]
        default: [jsonl, csv, markdown, html]
      title:
        description: The title of the Markdown and HTML reports.
        type: str
        default: IONOS Cloud Activity Log compliance
      top:
        description: How many of the largest counts each ranked table and chart shows.
        type: int
        default: 10
      basename:
        description: The file name of the reports, without the extension.
        type: str
        default: activity
  policies:
    description:
      - The policies, a dictionary with at least one of the keys below; each key left out is not checked.
      - An unknown key, a null value, a wrong type, an invalid CIDR range, an unknown time zone or an invalid time range
        fails the task with a message naming the value and the fix.
      - Wherever a list of globs is expected, a single string is taken as a list of one.
      - See docs/compliance.md in the collection for examples.
    type: dict
    required: true
    suboptions:
      allowed_users:
        description:
          - Write actions only by users whose username matches one of these globs.
          - An empty list allows no write action at all. A write action without a username offends.
          - Checks the write actions only; reads are not concerned.
        type: list
        elements: str
      forbidden_resource_actions:
        description:
          - Rules of resource actions nobody may perform except the users of the rule.
          - An entry offends a rule when ONE of its resources matches every key given of O(policies.forbidden_resource_actions[].resource_type),
            O(policies.forbidden_resource_actions[].resource_id) and O(policies.forbidden_resource_actions[].resource_action),
            and its username matches none of O(policies.forbidden_resource_actions[].allowed_users). An entry without a
            username offends every rule it matches.
          - Every entry is checked, whatever its event type or outcome, so a failed attempt offends too.
        type: list
        elements: dict
        suboptions:
          resource_type:
            description: Globs of the resource type, such as C(datacenter).
            type: list
            elements: str
          resource_id:
            description: Globs of the resource id.
            type: list
            elements: str
          resource_action:
            description: Globs of a dotted action code of the resource, such as C(*.delete) (C(vr.datacenter.delete)).
            type: list
            elements: str
          allowed_users:
            description: Globs of the users the rule does not apply to; none when left out or empty.
            type: list
            elements: str
      change_windows:
        description:
          - Write actions only inside one of the windows, on the wall clock of one time zone.
          - Each entry's UTC time is converted to the zone's local time with the IANA time zone database, daylight
            saving time applied, so C(08:00) means 08:00 local time in winter and in summer. In the hour repeated when
            clocks go back, both occurrences of a local time count as that local time; the hour skipped when clocks go
            forward never occurs.
          - A write action without a readable time offends.
        type: dict
        suboptions:
          timezone:
            description:
              - An IANA time zone name such as C(Europe/Berlin), C(America/New_York) or C(UTC) (case-sensitive).
              - The controller needs the time zone database (the system's, or the Python package C(tzdata)).
            type: str
            required: true
          windows:
            description: The windows; a write action must fall in at least one.
            type: list
            elements: dict
            required: true
            suboptions:
              days:
                description: The local weekdays, C(mon) to C(sun) (full names such as C(monday) work too, in any case).
                type: list
                elements: str
                required: true
              start:
                description:
                  - Local start time, C(HH:MM) on the 24-hour clock, inclusive.
                  - Quote it, C("08:00"), since YAML reads some unquoted times, such as C(18:00), as numbers, which are refused.
                type: str
                required: true
              end:
                description:
                  - Local end time, C(HH:MM), exclusive; C(24:00) is the end of the day. It must be after O(policies.change_windows.windows[].start).
                  - A window cannot cross midnight; write two windows, such as C(22:00)-C(24:00) on C(mon) and C(00:00)-C(06:00) on C(tue).
                type: str
                required: true
      allowed_source_networks:
        description:
          - IPv4 and IPv6 addresses and CIDR ranges every entry must come from (C(source_ip)); a range with host bits
            set after the prefix is refused.
          - IPv4-mapped IPv6 addresses (C(::ffff:10.0.0.1)) match IPv4 ranges. An entry without a readable source
            address offends.
        type: list
        elements: str
      max_errors:
        description:
          - At most this many error entries (an entry with an error, status C(FAILED) or event type C(Error)).
          - The limit itself passes; one more fails, and then every error entry is offending.
        type: int
      max_failed_requests:
        description:
          - At most this many failed requests, the distinct C(request_id) values among the error entries (an error
            entry without one counts as a request of its own).
          - The limit itself passes; one more fails, and then every error entry is offending.
        type: int
      forbidden_event_types:
        description:
          - Rules of event types nobody may cause except the users of the rule, such as C(GenerateToken) by anyone but
            service accounts.
          - An entry offends when its event type matches O(policies.forbidden_event_types[].event_type) and its username
            matches none of O(policies.forbidden_event_types[].allowed_users); an entry without a username offends.
        type: list
        elements: dict
        suboptions:
          event_type:
            description: Globs of the event type, such as C(GenerateToken).
            type: list
            elements: str
            required: true
          allowed_users:
            description: Globs of the users the rule does not apply to; none when left out or empty.
            type: list
            elements: str
  junit_path:
    description:
      - Write the verdict as JUnit XML to this file on the controller (parent directories are created). The file is
        replaced atomically and only when its content changes.
      - Next to it, the JSON Lines file RV(offending_path) (the same name with C(.offending.jsonl) instead of the
        extension) holds every offending entry of every failed policy, one JSON object per line with the keys
        C(policy) (its name) and C(entry). It is empty when every policy passed.
      - A relative path is relative to the playbook's directory.
      - Left out, no file is written.
    type: path
  suite_name:
    description: The name of the JUnit test suite, and the C(classname) of its test cases.
    type: str
    default: ionos.activitylog compliance
  window:
    description:
      - The window O(activities) were read from, RV(ionos.activitylog.activity_log_info#module:window) of the module,
        copied into the verdict, the JUnit properties and the reports. The entries are not filtered by it.
      - Ignored with O(query), which uses the window it read.
    type: dict
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
attributes:
  action:
    support: full
  async:
    support: none
  bypass_host_loop:
    support: none
  check_mode:
    support: full
    details: >-
      The log is read and the verdict computed in full; no file is written, and C(changed) says whether one would be.
  diff_mode:
    support: none
  platform:
    platforms: all
notes:
  - Policies judge the entries they are given. Filters or O(ionos.activitylog.activity_log_info#module:max_items)
    on the read narrow what is judged; the role P(ionos.activitylog.compliance#role) refuses a truncated read.
seealso:
  - module: ionos.activitylog.activity_log_info
  - name: Compliance policies, verdict, JUnit and AWX
    description: The policies, how they are applied, and the role P(ionos.activitylog.compliance#role).
    link: https://github.com/ionos-activitylog/ionos.activitylog/blob/main/docs/compliance.md
'''

EXAMPLES = r'''
- name: Read a week of activity
  ionos.activitylog.activity_log_info:
    start: -7d
  register: week

- name: Check it against the change policies
  ionos.activitylog.activity_compliance:
    activities: "{{ week.activities }}"
    window: "{{ week.window }}"
    junit_path: reports/compliance.xml
    policies:
      allowed_users: ["*@example.com", ci-bot@example.com]
      forbidden_resource_actions:
        - resource_type: datacenter
          resource_action: "*.delete"
          allowed_users: [admin@example.com]
      change_windows:
        timezone: Europe/Berlin
        windows:
          - days: [mon, tue, wed, thu, fri]
            start: "08:00"
            end: "18:00"
      allowed_source_networks: [10.0.0.0/8, 2001:db8::/32]
      max_errors: 10
      max_failed_requests: 5
      forbidden_event_types:
        - event_type: GenerateToken
          allowed_users: [ci-bot@example.com]
  register: compliance

- name: Show the verdict, one line per policy
  ansible.builtin.debug:
    msg: "{{ compliance.lines }}"

- name: Read the last day and judge it in one pass, with the reports
  ionos.activitylog.activity_compliance:
    query:
      start: -1d
      contract_numbers: [31909628]
    policies:
      allowed_users: ["*@example.com"]
      max_errors: 10
    junit_path: reports/daily.xml
    report:
      dest: reports
      formats: [html, jsonl]
  register: daily

- name: Stop when a policy failed
  ansible.builtin.fail:
    msg: "{{ compliance.summary }}"
  when: not compliance.passed
'''

RETURN = r'''
passed:
  description: Whether every policy passed.
  returned: success
  type: bool
  sample: false
summary:
  description: One sentence for the play output.
  returned: success
  type: str
  sample: "2 of 7 policies failed over 1532 entries: change_windows, forbidden_event_types"
failed_policies:
  description: The names of the failed policies, in the order of RV(policies).
  returned: success
  type: list
  elements: str
  sample: [change_windows, forbidden_event_types]
lines:
  description: One line per policy, C(PASS) or C(FAIL), the counts and what the policy requires.
  returned: success
  type: list
  elements: str
  sample:
    - "PASS allowed_users: 0 offending entries in 0 requests, of 812 checked (write actions only by *@example.com)"
    - "FAIL max_errors: 12 error entries, at most 10 allowed"
entries:
  description: The number of entries judged.
  returned: success
  type: int
  sample: 1532
first:
  description: The time of the earliest entry, UTC, or null when no entry has a time.
  returned: success
  type: str
  sample: "2026-11-18T09:00:03.512Z"
last:
  description: The time of the latest entry, UTC, or null when no entry has a time.
  returned: success
  type: str
  sample: "2026-11-25T08:59:41.007Z"
window:
  description: O(window) as given (C(start) and C(end)), or null.
  returned: success
  type: dict
  sample: {"start": "2026-11-18T09:00:00.000Z", "end": "2026-11-25T09:00:00.000Z"}
policies:
  description:
    - One result per policy given, keyed by the policy name, in the order of the O(policies) keys documented above.
    - "Each result has C(passed) (bool), C(description) (what the policy requires, in words), C(checked) (the
      entries the policy looked at: write actions for O(policies.allowed_users) and O(policies.change_windows), all
      entries otherwise; for O(policies.max_failed_requests) the distinct requests), C(violations) (the number of
      offending entries), C(unverifiable) (how many of them offend only because a field the policy needs is
      missing), C(requests) (distinct request ids among the offending entries), C(offending) (the first
      O(max_offending) offending entries, complete, in the order given) and C(offending_omitted) (how many more
      there are)."
    - "O(policies.max_errors) and O(policies.max_failed_requests) add C(count) (what was counted) and C(threshold)
      (the limit); their C(offending) lists the error entries when the limit is exceeded, none otherwise."
  returned: success
  type: dict
  sample:
    forbidden_event_types:
      passed: false
      description: no event of type GenerateToken except by ci-bot@example.com
      checked: 1532
      violations: 1
      unverifiable: 0
      requests: 1
      offending_omitted: 0
      offending:
        - id: 5d0c5b1e-7a53-4a43-9d2c-0f4b7e0a1c11
          time: "2026-11-24T22:13:09.004Z"
          contract_number: 31909628
          username: mara.klein@example.com
          source_ip: 203.0.113.9
          source_service: AUTH
          event_type: GenerateToken
          status: DONE
          action: GET
          uri: /auth/v1/tokens/generate
          message: Token generated
          request_id: 0b8e6f0e-2c1d-4d33-8f0a-5b3f8d9e7a21
          resources: [{type: user, id: 8d2f7c3a-1b4e-4f5a-9c6d-7e8f9a0b1c2d, actions: [sec.token.generate]}]
          error: null
    max_errors:
      passed: true
      description: at most 10 error entries
      checked: 1532
      violations: 0
      unverifiable: 0
      requests: 0
      count: 4
      threshold: 10
      offending: []
      offending_omitted: 0
junit_path:
  description: The absolute path of the JUnit file, or null when O(junit_path) was not given.
  returned: success
  type: str
  sample: /home/auditor/reports/compliance.xml
offending_path:
  description: The absolute path of the JSON Lines file of every offending entry (see O(junit_path)), or null
    when O(junit_path) was not given.
  returned: success
  type: str
  sample: /home/auditor/reports/compliance.offending.jsonl
report_files:
  description: The path of each report written, by format; empty without O(report).
  returned: success
  type: dict
  sample: {"html": "/home/auditor/reports/activity.html", "jsonl": "/home/auditor/reports/activity.jsonl"}
report_summary:
  description: The summary of the reports, as RV(ionos.activitylog.activity_report#module:summary); null without O(report).
  returned: success
  type: dict
read:
  description:
    - With O(query), what M(ionos.activitylog.activity_log_info) returns besides the entries, for the same read.
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
      description: As RV(ionos.activitylog.activity_log_info#module:truncated); always false here.
      type: bool
    contracts:
      description: As RV(ionos.activitylog.activity_log_info#module:contracts).
      type: list
      elements: int
    stats:
      description: As RV(ionos.activitylog.activity_log_info#module:stats).
      type: dict
changed:
  description: Whether a file was written (or would be, in check mode) because its content changed.
  returned: always
  type: bool
'''

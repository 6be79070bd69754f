#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: activity_log_info
short_description: Read the IONOS Cloud Activity Log of one, several or all contracts
version_added: 0.1.0
description:
  - Reads who did what to which resource, and when, from the IONOS Cloud Activity Log API, over a window of time.
  - Follows every page, and cuts windows larger than the API's result window of 10,000 entries into time slices,
    so every entry of the window is returned exactly once; the end of the window is pinned once per run.
  - Retries rate limits and transient failures; when a request cannot be completed the task fails, it never
    returns partial data as complete.
  - Read-only; the task never reports a change.
author:
  - ionos.activitylog contributors (@ionos-activitylog)
extends_documentation_fragment:
  - ionos.activitylog.activity_log
  - ionos.activitylog.activity_log.read
  - ionos.activitylog.activity_log.archive
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
attributes:
  check_mode:
    support: full
    details: The module only reads, so it runs the same in check mode.
  diff_mode:
    support: none
  platform:
    platforms: all
  action_group:
    support: full
    membership:
      - ionos.activitylog.activitylog
notes:
  - The lookup P(ionos.activitylog.activity_log#lookup) takes the same options and returns the same entries.
seealso:
  - plugin: ionos.activitylog.activity_log
    plugin_type: lookup
'''

EXAMPLES = r'''
- name: Read the last 24 hours of every contract the token can read
  ionos.activitylog.activity_log_info:
    token: "{{ ionos_token }}"
  register: activity

- name: Read a week of one contract, only deletions, from a user group
  ionos.activitylog.activity_log_info:
    contract_numbers: [31909628]
    start: -7d
    filters:
      resource_action: "*.delete"
      username: "*@example.com"
  register: deletions

- name: Read an absolute window and keep only who did what
  ionos.activitylog.activity_log_info:
    start: "2026-11-01T00:00:00+01:00"
    end: "2026-11-02"
    query: "[].{who: username, what: action, uri: uri}"
  register: who_did_what

- name: Read last year's deletions, from the archive where the API no longer has them
  ionos.activitylog.activity_log_info:
    start: "2025-01-01"
    end: "2026-01-01"
    filters:
      resource_action: "*.delete"
    bucket: activity-archive
    s3_endpoint_url: https://s3.eu-central-1.ionoscloud.com
  register: last_year

- name: Continue from where the previous run ended
  ionos.activitylog.activity_log_info:
    start: "{{ previous_window_end }}"
    end: now
  register: increment
'''

RETURN = r'''
activities:
  description:
    - The entries of the window that match O(filters), oldest first (ties in id order), each once.
    - With O(format=raw) the C(_source) objects as the API sent them; with O(query) the value of the query instead.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: The entry's C(@uuid), or C(sha256:) and a hash of the entry when the API sent no C(@uuid).
      type: str
      sample: 3f1b2c4d-8e9a-4b7c-9d0e-1a2b3c4d5e6f
    time:
      description: When it happened, UTC, RFC 3339 with milliseconds.
      type: str
      sample: "2026-11-25T09:14:03.512Z"
    contract_number:
      description: The contract the entry belongs to.
      type: int
      sample: 31909628
    username:
      description: Who did it.
      type: str
      sample: admin@example.com
    source_ip:
      description: The address the request came from.
      type: str
      sample: 203.0.113.7
    source_service:
      description:
        - The service the request came through (C(principal.sourceService)), such as C(PUBLIC_REST_V6) or C(DCD); null
          when the API did not say (no longer filled in from C(event_service)).
      type: str
      sample: PUBLIC_REST_V6
    event_service:
      description: The IONOS service in which the activity took place (C(event.param.sourceService)), such as C(PUBLIC_REST) or C(AUTH).
      type: str
      sample: PUBLIC_REST
    initiator:
      description:
        - The component that initiated the activity (C(event.param.initiator)), a service name such as C(PUBLIC_REST_V6),
          usually the same as C(source_service); not a user.
      type: str
      sample: PUBLIC_REST_V6
    event_type:
      description: The event, such as C(RequestAccepted), C(RequestStatusUpdate), C(Provision), C(Error), C(GenerateToken).
      type: str
    status:
      description: The request's status, such as C(DONE), C(RUNNING), C(QUEUED), C(FAILED).
      type: str
    action:
      description: The HTTP method of the request.
      type: str
      sample: DELETE
    uri:
      description: The Cloud API path of the request.
      type: str
    message:
      description: The event's message.
      type: str
    request_id:
      description: The Cloud API request id.
      type: str
      sample: 6bcd4c34-e0f6-4b9b-a2ee-2a2d4d0f8d8e
    queue_ref_id:
      description:
        - The provisioning queue reference (C(meta.queueRefId)), as text; the events that were part of the same
          provisioning request share it.
      type: str
      sample: "104511287"
    resources:
      description: The resources concerned.
      type: list
      elements: dict
      contains:
        type:
          description: The resource type, such as C(datacenter) or C(server).
          type: str
        id:
          description: The resource id.
          type: str
        actions:
          description: Dotted action codes, such as C(vr.datacenter.delete).
          type: list
          elements: str
    error:
      description: The error of a failed request, or null.
      type: dict
    request:
      description:
        - With O(request_details), the Cloud API request behind the entry, what exactly was sent; null when the entry
          is not joined or the Cloud API does not give its request (see O(request_details)).
        - C(headers) keep only safe headers and C(body) (the decoded JSON body) has secret-looking values replaced by
          C(********) unless O(redact_request_details=false).
      returned: when O(request_details) is not V(none)
      type: dict
      contains:
        method:
          description: The HTTP method sent.
          type: str
          sample: POST
        url:
          description: The URL called.
          type: str
          sample: https://api.ionos.com/cloudapi/v6/datacenters/7b6f.../servers
        status:
          description: The request's status (QUEUED, RUNNING, DONE, FAILED).
          type: str
        message:
          description: The request status's message.
          type: str
        created_date:
          description: When the Cloud API received the request.
          type: str
        created_by:
          description: Who sent it.
          type: str
        targets:
          description: The resources the request acted on, each with C(type), C(id) and C(status).
          type: list
          elements: dict
        headers:
          description: The request's headers (only safe ones unless O(redact_request_details=false)).
          type: dict
        body:
          description: The decoded JSON body, redacted; a note of its length when it is not JSON; null when empty.
          type: raw
total:
  description: The entries in the window as the API counts them (C(hits.total)), summed over the contracts, before O(filters).
  returned: success
  type: int
  sample: 5321
matched:
  description: The entries that matched O(filters), before O(max_items).
  returned: success
  type: int
returned:
  description: The number of entries returned (before O(query)).
  returned: success
  type: int
truncated:
  description: True when O(max_items) left out matching entries; a warning says how many.
  returned: success
  type: bool
contracts:
  description: The contracts that were read.
  returned: success
  type: list
  elements: int
  sample: [31909628]
window:
  description: The window that was read, UTC; C(end) is exclusive and is the O(start) of the next incremental run.
  returned: success
  type: dict
  contains:
    start:
      description: Start of the window, inclusive.
      type: str
      sample: "2026-11-25T09:00:00.000Z"
    end:
      description: End of the window, exclusive.
      type: str
      sample: "2026-11-26T09:00:00.000Z"
stats:
  description: What the run cost.
  returned: success
  type: dict
  contains:
    requests:
      description: HTTP requests made to the Activity Log API, retries included.
      type: int
    retries:
      description: Requests to the Activity Log API that were retries.
      type: int
    detail_requests:
      description:
        - Requests made to the Cloud API for O(request_details), retries included; 0 without it.
        - At least one per distinct C(request_id) joined; each id is fetched once.
      type: int
    archive_entries:
      description: With O(bucket), the entries of the window read from the archive (before O(filters)) rather than the API.
      type: int
      returned: when O(bucket) is set
    s3_requests:
      description: With O(bucket), the requests made to the object storage (manifests and parts).
      type: int
      returned: when O(bucket) is set
    slices:
      description: Time slices read (one per contract and 90 days unless a window exceeded the result window).
      type: int
    seconds:
      description: Wall time of the run.
      type: float
    page_size:
      description:
        - The page size the run ended with. Smaller than O(page_size) when the API sent fewer hits than asked while more
          remained (a capped C(limit)), or refused the C(limit) with a 400.
      type: int
    result_window:
      description:
        - The deepest C(offset + limit) the run assumed (10000) or learned (from a 400 at a deep page) the API answers.
        - V(null) when no window was met (no time slice held that many entries and no deep page was refused).
      type: int
    paging:
      description:
        - What C(offset) meant to the API in this run, V(offset) (hits to skip, the assumption) or V(page) (a page
          index, learned when pages did not continue each other).
      type: str
      choices: [offset, page]
      sample: offset
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.ionos.activitylog.plugins.module_utils.activity import fetch_activity
from ansible_collections.ionos.activitylog.plugins.module_utils.errors import ActivityLogError
from ansible_collections.ionos.activitylog.plugins.module_utils.options import ARGUMENT_SPEC


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    try:
        # Only the option names: module.params also holds each alias given, with the value as written.
        result, failure = fetch_activity({name: module.params[name] for name in ARGUMENT_SPEC}), None
    except ActivityLogError as error:
        result, failure = None, str(error)
    if failure:  # outside the handler: a handled error is a message, not a traceback (-vvv) of our frames
        module.fail_json(msg=failure)
    for warning in result.pop('warnings'):
        module.warn(warning)
    module.exit_json(changed=False, **result)


if __name__ == '__main__':
    main()

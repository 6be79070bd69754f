#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: activity_log_archive
short_description: Archive the IONOS Cloud Activity Log to S3-compatible object storage, every entry once
version_added: 0.3.0
description:
  - Copies the Activity Log of one, several or all contracts into a bucket, one object per contract and hour of event
    time, C({prefix}/contract={N}/date={YYYY-MM-DD}/hour={HH}.jsonl.gz), so that query engines read the contract and
    the date as partitions. Each object holds the hour's normalized entries (as M(ionos.activitylog.activity_log_info)
    returns them), one canonical JSON line each, sorted by time and id, gzipped without a timestamp.
  - Exactly once without local state, so it suits throw-away AWX job containers. The progress is kept in the bucket, in
    C({prefix}/contract={N}/_manifest.json), replaced only by conditional writes. An hour is written only from a read
    whose distinct entries equal the API's count; the hours are complete up to C(sealed_until), which advances only past
    hours fully written and older than O(settle). A rerun, a run after a crash or two runs at once write the same bytes
    and leave no gap.
  - The first run without O(start) archives everything the API still gives, in time order; a run that stops (timeout,
    kill) is continued by the next one.
  - Entries never pass through Ansible, the task returns counts only.
  - Needs boto3 on the host the module runs on.
author:
  - ionos.activitylog contributors (@ionos-activitylog)
extends_documentation_fragment:
  - ionos.activitylog.activity_log
  - ionos.activitylog.activity_log.archive
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
options:
  start:
    description:
      - Archive from the hour of this time on, the same forms as O(ionos.activitylog.activity_log_info#module:start).
        Hours already complete in the archive are read again and only written when the API gives entries the
        archive lacks (entries the archive holds are never removed).
      - Left out, a run continues where the manifest says; the first run archives everything the API still gives
        (found by counting, going back in steps of the longest date range the API takes).
    type: str
  end:
    description:
      - Archive up to this time, exclusive; an end before now is taken back to the start of its hour, so that no hour
        is written incomplete.
    type: str
    default: now
  settle:
    description:
      - How old an hour must be before it is final (sealed). Younger hours are read again and, when their entries
        changed, written again on every run, since entries can arrive late. V(2h), V(90m), V(1d), or V(0).
    type: str
    default: 2h
  object_lock:
    description:
      - Write each hour once, for a bucket created with Object Lock (whose default retention keeps every version).
      - An hour is written once it is O(settle) old, and read again for one more O(settle) period; entries that
        arrive in it go to C(hour={HH}.late-{k}.jsonl.gz), holding only ids absent from the earlier parts.
    type: bool
    default: false
attributes:
  check_mode:
    support: full
    details: Reads the log and the archive and reports what would be written, without writing.
  diff_mode:
    support: none
  platform:
    platforms: all
  action_group:
    support: full
    membership:
      - ionos.activitylog.activitylog
requirements:
  - boto3
notes:
  - Run one archive job per bucket and prefix at a time (AWX C(allow_simultaneous=false)); two at once stay correct
    (the manifest is a compare-and-swap) but do the work twice.
  - The manifest records, per hour, the count and the sha256 of the uncompressed JSON lines of each part, so a reader
    can check an object without trusting the store; an hour without an entry in it had no entries.
seealso:
  - module: ionos.activitylog.activity_log_info
  - name: The archive's layout, exactly-once rules and queries
    description: docs/archive.md in the collection.
    link: https://github.com/ionos-activitylog/ionos.activitylog/blob/main/docs/archive.md
'''

EXAMPLES = r'''
- name: Archive every contract of the token to IONOS Object Storage (keys from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)
  ionos.activitylog.activity_log_archive:
    bucket: activity-archive
    s3_endpoint_url: https://s3.eu-central-1.ionoscloud.com
  register: archived

- name: Archive one contract into an Object Lock bucket, under its own prefix
  ionos.activitylog.activity_log_archive:
    contract_numbers: [31909628]
    bucket: activity-archive-locked
    prefix: audit/activitylog
    s3_endpoint_url: https://s3.eu-central-3.ionoscloud.com
    s3_access_key: "{{ s3_access_key }}"
    s3_secret_key: "{{ s3_secret_key }}"
    object_lock: true
    settle: 6h

- name: Show what a run would write, without writing
  ionos.activitylog.activity_log_archive:
    bucket: activity-archive
    s3_endpoint_url: https://s3.eu-central-1.ionoscloud.com
  check_mode: true
'''

RETURN = r'''
hours_written:
  description: The contract-hours whose objects (or late parts) this run wrote.
  returned: success
  type: int
hours_unchanged:
  description: The contract-hours read again whose archived objects already held every entry.
  returned: success
  type: int
hours_pending:
  description: With O(object_lock=true), the contract-hours with entries that are younger than O(settle), left for a later run.
  returned: success
  type: int
entries_written:
  description: The entries in the objects this run wrote (an hour written again counts all its entries).
  returned: success
  type: int
sealed_until:
  description: Per contract, the hour up to which (exclusive) the archive is complete; null when no hour is complete yet.
  returned: success
  type: dict
  sample: {"31909628": "2026-12-03T17:00:00.000Z"}
oldest_entry:
  description: Per contract, the time of the oldest entry the archive holds (the oldest the API gave); null when none.
  returned: success
  type: dict
  sample: {"31909628": "2026-09-04T08:12:44.120Z"}
contracts:
  description: The contract numbers archived.
  returned: success
  type: list
  elements: int
stats:
  description: What the run cost.
  returned: success
  type: dict
  contains:
    requests:
      description: HTTP requests to the Activity Log API, retries included.
      type: int
    retries:
      description: Requests that were retries.
      type: int
    s3_requests:
      description: Requests to the object storage (reads of the manifest and of stored parts, writes).
      type: int
    processes:
      description:
        - The most processes a contract was archived with. A run over four days or more uses one per CPU (on Linux,
          at most one per connection of O(concurrency), which they share); a scheduled run over a few open hours uses 1.
      type: int
    seconds:
      description: Wall time of the run.
      type: float
    page_size:
      description: The entries per request the API allowed.
      type: int
    paging:
      description: What C(offset) meant to the API, V(offset) (hits) or V(page).
      type: str
    result_window:
      description: The result window learned from the API, or null when it was never met.
      type: int
'''

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.ionos.activitylog.plugins.module_utils.archive import archive_activity
from ansible_collections.ionos.activitylog.plugins.module_utils.errors import ActivityLogError
from ansible_collections.ionos.activitylog.plugins.module_utils.options import ARCHIVE_ARGUMENT_SPEC
from ansible_collections.ionos.activitylog.plugins.module_utils.s3_sink import BOTO3_IMPORT_ERROR, HAS_BOTO3, S3Sink


def main():
    module = AnsibleModule(argument_spec=ARCHIVE_ARGUMENT_SPEC, supports_check_mode=True)
    if not HAS_BOTO3:
        module.fail_json(msg=missing_required_lib('boto3'), exception=str(BOTO3_IMPORT_ERROR))
    try:
        result, failure = archive_activity({name: module.params[name] for name in ARCHIVE_ARGUMENT_SPEC}, S3Sink,
                                           check_mode=module.check_mode), None
    except ActivityLogError as error:
        result, failure = None, str(error)
    if failure:  # outside the handler: a handled error is a message, not a traceback (-vvv) of our frames
        module.fail_json(msg=failure)
    for warning in result.pop('warnings'):
        module.warn(warning)
    module.exit_json(**result)


if __name__ == '__main__':
    main()

# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading with a bucket: the archived hours from the bucket, the rest from the API, every entry once."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from datetime import datetime, timezone

import pytest

import archive_harness as harness
from emulator.process import EmulatorProcess

from ansible_collections.ionos.activitylog.plugins.module_utils.activity import fetch_activity  # pylint: disable=wrong-import-order
from ansible_collections.ionos.activitylog.plugins.module_utils.errors import IncompleteResultError, OptionError  # pylint: disable=wrong-import-order

CONTRACT = 31909628


@pytest.fixture(scope='module')
def reseller():
    with EmulatorProcess(('--contracts', '3', '--entries', '2000', '--days', '20', '--seed', '21')) as emulator:
        yield emulator


@pytest.fixture(scope='module')
def archived(reseller, seaweedfs, s3_client):
    """A bucket holding the reseller's archive."""
    bucket = 'read-%d' % os.getpid()
    s3_client.create_bucket(Bucket=bucket)
    harness.run(reseller, seaweedfs, bucket)
    return bucket


def bucket_options(seaweedfs, bucket):
    return dict(bucket=bucket, s3_endpoint_url=seaweedfs.endpoint_url, s3_access_key=seaweedfs.access_key, s3_secret_key=seaweedfs.secret_key)


@pytest.mark.parametrize('read', [
    dict(start='-21d'),
    dict(start='-15d', end='-3d', filters={'event_type': 'RequestAccepted'}),
    dict(start='-21d', max_items=50, contract_numbers=[CONTRACT + 1]),
])
def test_a_read_with_the_bucket_returns_what_the_api_returns(reseller, seaweedfs, archived, read):
    now = datetime.now(timezone.utc).replace(microsecond=0)  # one window for both reads
    from_api = fetch_activity(dict(read, api_url=reseller.url, token=harness.TOKEN), now=now)
    from_both = fetch_activity(dict(read, api_url=reseller.url, token=harness.TOKEN, **bucket_options(seaweedfs, archived)), now=now)
    assert from_both['activities'] == from_api['activities']
    for key in ('total', 'matched', 'returned', 'truncated', 'window', 'contracts'):
        assert from_both[key] == from_api[key], key
    assert from_both['stats']['archive_entries'] > 0.5 * from_api['total']
    assert from_both['stats']['requests'] < from_api['stats']['requests']


def test_hours_the_api_no_longer_gives_come_from_the_archive(seaweedfs, make_bucket, s3_client):
    bucket = make_bucket()
    with EmulatorProcess(('--contracts', '1', '--entries', '600', '--days', '3', '--seed', '8')) as old:
        harness.run(old, seaweedfs, bucket)
        sealed = harness.manifest(s3_client, bucket, CONTRACT)['sealed_until']
        kept = old.entry_ids([CONTRACT], end=sealed)
    # The same contract, whose API now keeps only the last few minutes.
    with EmulatorProcess(('--contracts', '1', '--entries', '20', '--days', '0.002', '--seed', '9')) as now:
        result = fetch_activity(dict(api_url=now.url, token=harness.TOKEN, start='-4d', **bucket_options(seaweedfs, bucket)))
        recent = now.entry_ids([CONTRACT])
    ids = [entry['id'] for entry in result['activities']]
    assert len(ids) == len(set(ids))
    assert set(ids) == set(kept) | set(recent)
    assert result['stats']['archive_entries'] == len(kept) > 500


def test_an_altered_or_missing_object_fails_the_read(reseller, seaweedfs, make_bucket, s3_client):
    bucket = make_bucket()
    harness.run(reseller, seaweedfs, bucket, contract_numbers=[CONTRACT])
    options = dict(api_url=reseller.url, token=harness.TOKEN, start='-21d', contract_numbers=[CONTRACT], **bucket_options(seaweedfs, bucket))
    key = sorted(key for key in harness.keys(s3_client, bucket) if key.endswith('.jsonl.gz'))[3]
    body = s3_client.get_object(Bucket=bucket, Key=key)['Body'].read()
    lines = gzip.decompress(body).decode('utf-8').splitlines()
    entry = json.loads(lines[0])
    entry['username'] = 'someone-else@example.com'
    lines[0] = json.dumps(entry, sort_keys=True, separators=(',', ':'))
    s3_client.put_object(Bucket=bucket, Key=key, Body=gzip.compress(('\n'.join(lines) + '\n').encode('utf-8'), mtime=0))
    with pytest.raises(IncompleteResultError, match='does not match its manifest'):
        fetch_activity(options)
    s3_client.delete_object(Bucket=bucket, Key=key)
    with pytest.raises(IncompleteResultError, match='The archive lacks .*%s' % key.rsplit('/', 1)[1].replace('.', r'\.')):
        fetch_activity(options)


def test_format_raw_with_a_bucket_is_refused(reseller, seaweedfs, archived):
    with pytest.raises(OptionError, match='format=raw cannot be read with bucket'):
        fetch_activity(dict(api_url=reseller.url, token=harness.TOKEN, format='raw', **bucket_options(seaweedfs, archived)))


LOOKUP_PLAYBOOK = '''
- hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: The lookup with and without the bucket
      ansible.builtin.assert:
        that:
          - with_bucket | length == without_bucket | length
          - with_bucket | map(attribute='id') | list == without_bucket | map(attribute='id') | list
          - with_bucket | length > 1000
      vars:
        window: {start: '-21d', end: '-1h', contract_numbers: [%(contract)d]}
        with_bucket: "{{ lookup('ionos.activitylog.activity_log', bucket='%(bucket)s', s3_endpoint_url='%(endpoint)s', **window) }}"
        without_bucket: "{{ lookup('ionos.activitylog.activity_log', **window) }}"
'''


def test_the_lookup_reads_the_archive_with_the_keys_from_the_environment(reseller, seaweedfs, archived, tmp_path):
    playbook = tmp_path / 'lookup.yml'
    playbook.write_text(LOOKUP_PLAYBOOK % {'contract': CONTRACT, 'bucket': archived, 'endpoint': seaweedfs.endpoint_url})
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=harness.COLLECTIONS_ROOT, IONOS_API_URL=reseller.url, IONOS_TOKEN=harness.TOKEN,
               AWS_ACCESS_KEY_ID=seaweedfs.access_key, AWS_SECRET_ACCESS_KEY=seaweedfs.secret_key, ANSIBLE_NOCOLOR='1')
    done = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', 'localhost,', str(playbook)],
                          env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]

# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run the archive against an emulator and SeaweedFS, and read back what it wrote, as a reader of the layout would.

The collection is imported from this checkout through a throw-away ``ansible_collections/ionos/activitylog`` symlink,
so the tests run the code of the working tree; a run in a child process (to be killed) imports it the same way.
"""

from __future__ import annotations

import glob
import gzip
import hashlib
import json
import os
import subprocess
import sys
import tempfile

from emulator.process import REPO_ROOT

COLLECTIONS_ROOT = tempfile.mkdtemp(prefix='archive-collections-')
os.makedirs(os.path.join(COLLECTIONS_ROOT, 'ansible_collections', 'ionos'))
os.symlink(REPO_ROOT, os.path.join(COLLECTIONS_ROOT, 'ansible_collections', 'ionos', 'activitylog'), target_is_directory=True)
sys.path.insert(0, COLLECTIONS_ROOT)

# pylint: disable=wrong-import-position
from ansible_collections.ionos.activitylog.plugins.module_utils.archive import archive_activity  # noqa: E402
from ansible_collections.ionos.activitylog.plugins.module_utils.s3_sink import S3Sink  # noqa: E402

TOKEN = 'reseller-token'
CHILD = r'''
import json, sys
sys.path.insert(0, sys.argv[1])
from ansible_collections.ionos.activitylog.plugins.module_utils.archive import archive_activity
from ansible_collections.ionos.activitylog.plugins.module_utils.s3_sink import S3Sink
print(json.dumps(archive_activity(json.loads(sys.argv[2]), S3Sink)))
'''


def options(emulator, seaweedfs, bucket: str, **more) -> dict:
    """The options of a run of ``emulator`` into ``bucket`` of ``seaweedfs``."""
    values = dict(api_url=emulator.url, token=TOKEN, bucket=bucket, s3_endpoint_url=seaweedfs.endpoint_url,
                  s3_access_key=seaweedfs.access_key, s3_secret_key=seaweedfs.secret_key)
    values.update(more)
    return values


def run(emulator, seaweedfs, bucket: str, check_mode: bool = False, **more) -> dict:
    return archive_activity(options(emulator, seaweedfs, bucket, **more), S3Sink, check_mode=check_mode)


def start_child(emulator, seaweedfs, bucket: str, **more) -> subprocess.Popen:
    """A run in its own process, to be killed."""
    return subprocess.Popen([sys.executable, '-c', CHILD, COLLECTIONS_ROOT, json.dumps(options(emulator, seaweedfs, bucket, **more))],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def children(pid: int) -> list:
    """The pids of the processes ``pid`` started that still run (Linux's /proc)."""
    found = []
    for task in glob.glob('/proc/%d/task/*/children' % pid):
        try:
            with open(task, encoding='ascii') as handle:
                found.extend(int(child) for child in handle.read().split())
        except OSError:  # the task ended meanwhile
            pass
    return found


def is_gone(pid: int) -> bool:
    """True when ``pid`` has ended (no such process, or a zombie nobody reaped yet)."""
    try:
        with open('/proc/%d/stat' % pid, encoding='ascii') as handle:
            return handle.read().rsplit(')', 1)[1].split()[0] in ('Z', 'X')
    except OSError:
        return True


def keys(s3_client, bucket: str) -> list:
    found = []
    for page in s3_client.get_paginator('list_objects_v2').paginate(Bucket=bucket):
        found += [item['Key'] for item in page.get('Contents', [])]
    return found


def read_archive(s3_client, bucket: str) -> dict:
    """key -> entries of every part in the bucket, each checked against the layout (sorted, its hour, canonical)."""
    parts = {}
    for key in keys(s3_client, bucket):
        if not key.endswith('.jsonl.gz'):
            continue
        body = s3_client.get_object(Bucket=bucket, Key=key)['Body'].read()
        lines = gzip.decompress(body).decode('utf-8').splitlines()
        entries = [json.loads(line) for line in lines]
        assert [json.dumps(entry, sort_keys=True, separators=(',', ':'), ensure_ascii=False) for entry in entries] == lines, key
        assert entries == sorted(entries, key=lambda entry: (entry['time'], entry['id'])), key
        date, hour = key.split('/date=')[1].split('/hour=')
        assert {entry['time'][:13] for entry in entries} == {'%sT%s' % (date, hour[:2])}, key
        assert body[4:8] == b'\0\0\0\0', 'gzip mtime is not 0 in %s' % key
        parts[key] = entries
    return parts


def archived_ids(s3_client, bucket: str) -> list:
    """Every id in every part (a list: an id in two parts shows twice)."""
    return [entry['id'] for entries in read_archive(s3_client, bucket).values() for entry in entries]


def manifest(s3_client, bucket: str, contract: int, prefix: str = 'activitylog') -> dict:
    key = '%s/contract=%d/_manifest.json' % (prefix, contract)
    return json.loads(s3_client.get_object(Bucket=bucket, Key=key)['Body'].read())


def check_manifest(s3_client, bucket: str, contract: int, prefix: str = 'activitylog') -> dict:
    """The manifest agrees with the objects: every part it lists exists with its count and sha256, and every object of
    the contract is listed."""
    document = manifest(s3_client, bucket, contract, prefix)
    listed = set()
    for hour, parts in document['hours'].items():
        for part in parts:
            key = '%s/contract=%d/date=%s/%s' % (prefix, contract, hour[:10], part['key'])
            lines = gzip.decompress(s3_client.get_object(Bucket=bucket, Key=key)['Body'].read())
            assert hashlib.sha256(lines).hexdigest() == part['sha256'], key
            assert len(lines.splitlines()) == part['count'], key
            listed.add(key)
    stored = {key for key in keys(s3_client, bucket) if key.startswith('%s/contract=%d/' % (prefix, contract)) and key.endswith('.jsonl.gz')}
    assert stored == listed
    return document

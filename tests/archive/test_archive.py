# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""activity_log_archive end to end: the emulator over HTTP, SeaweedFS as the bucket, every entry exactly once.

Each test takes a fresh bucket; the truth is the emulator's store (``entry_ids``), read after the runs.
"""

from __future__ import annotations

import collections
import os
import signal
import sys
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest

import archive_harness as harness
from emulator.process import EmulatorProcess
from s3_faults import Fault

from ansible_collections.ionos.activitylog.plugins.module_utils.errors import ApiError  # pylint: disable=wrong-import-order

RESELLER = ('--contracts', '3', '--entries', '3000', '--days', '30', '--seed', '18')
KILL_WAIT = 120.0


@pytest.fixture(scope='module')
def reseller():
    """Three contracts, 30 days, 9,000 entries ending now; never changed by a test."""
    with EmulatorProcess(RESELLER) as emulator:
        yield emulator


@pytest.fixture
def small():
    """One contract of two days, for the tests that append entries."""
    with EmulatorProcess(('--contracts', '1', '--entries', '400', '--days', '2', '--seed', '4')) as emulator:
        yield emulator


def exactly_once(s3_client, bucket, emulator, contracts):
    ids = harness.archived_ids(s3_client, bucket)
    duplicates = [ident for ident, count in collections.Counter(ids).items() if count > 1]
    assert not duplicates, duplicates[:5]
    truth = emulator.entry_ids(contracts)
    assert sorted(ids) == sorted(truth)
    for contract in contracts:
        harness.check_manifest(s3_client, bucket, contract)
    return ids


def test_thirty_days_of_a_reseller_exactly_once_and_a_rerun_reads_only_the_open_hours(reseller, seaweedfs, make_bucket, s3_client):
    bucket = make_bucket()
    first = harness.run(reseller, seaweedfs, bucket)
    ids = exactly_once(s3_client, bucket, reseller, first['contracts'])
    assert len(first['contracts']) == 3 and len(ids) == 9000 == first['entries_written']
    # 30 days: a process per CPU (at most one per connection of concurrency 4); the manifest is still every hour's.
    assert first['stats']['processes'] == (min(len(os.sched_getaffinity(0)), 4) if sys.platform.startswith('linux') else 1)
    assert first['hours_written'] == len([key for key in harness.keys(s3_client, bucket) if key.endswith('.gz')])
    settled = (datetime.now(timezone.utc) - timedelta(hours=2)).replace(minute=0, second=0, microsecond=0)
    for contract in first['contracts']:
        sealed = datetime.strptime(first['sealed_until'][contract], '%Y-%m-%dT%H:%M:%S.%fZ').replace(tzinfo=timezone.utc)
        assert settled - timedelta(hours=1) <= sealed <= settled
        assert first['oldest_entry'][contract] == min(entry for entry in ids_times(s3_client, bucket, contract))

    again = harness.run(reseller, seaweedfs, bucket)
    assert again['hours_written'] == again['entries_written'] == 0 and not again['changed']
    assert again['stats']['processes'] == 1  # a few open hours are not worth a process
    # /contracts, then one read of the open hours per contract; the manifests are read, not written.
    assert again['stats']['requests'] <= 1 + 3 * 2
    assert again['stats']['s3_requests'] == 3
    assert sorted(harness.archived_ids(s3_client, bucket)) == sorted(ids)


def ids_times(s3_client, bucket, contract):
    return [entry['time'] for key, entries in harness.read_archive(s3_client, bucket).items() if 'contract=%d/' % contract in key for entry in entries]


def test_check_mode_writes_nothing(reseller, seaweedfs, make_bucket, s3_client):
    bucket = make_bucket()
    result = harness.run(reseller, seaweedfs, bucket, check_mode=True, contract_numbers=[31909628])
    assert result['changed'] and result['hours_written'] > 0 and result['entries_written'] == 3000
    assert harness.keys(s3_client, bucket) == []


def test_a_killed_run_is_continued_exactly(seaweedfs, make_bucket, s3_client):
    bucket = make_bucket()
    with EmulatorProcess(('--contracts', '1', '--entries', '20000', '--days', '30', '--seed', '9', '--latency-ms', '60')) as emulator:
        child = harness.start_child(emulator, seaweedfs, bucket)
        manifest_key = 'activitylog/contract=31909628/_manifest.json'
        deadline = time.monotonic() + KILL_WAIT
        try:
            while manifest_key not in harness.keys(s3_client, bucket):  # killed after its first save of progress
                assert child.poll() is None, child.communicate()
                assert time.monotonic() < deadline, 'no manifest after %gs' % KILL_WAIT
                time.sleep(0.2)
            workers = harness.children(child.pid)
        finally:
            child.send_signal(signal.SIGKILL)
            child.communicate(timeout=30)
        # Its worker processes (30 days: one more per CPU) die with it instead of writing on.
        assert workers or not sys.platform.startswith('linux') or len(os.sched_getaffinity(0)) < 2
        ended = time.monotonic() + 30
        while not all(harness.is_gone(pid) for pid in workers) and time.monotonic() < ended:
            time.sleep(0.1)
        assert all(harness.is_gone(pid) for pid in workers), workers
        saved = harness.manifest(s3_client, bucket, 31909628)
        assert saved['sealed_until'] is not None
        rerun = harness.run(emulator, seaweedfs, bucket)
        ids = exactly_once(s3_client, bucket, emulator, [31909628])
        assert len(ids) == 20000
        # It continued from the seal: the hours before it were not written again.
        assert rerun['hours_written'] < len(harness.manifest(s3_client, bucket, 31909628)['hours'])
        assert all(hour >= saved['sealed_until'][:13] for hour in written_hours(rerun, saved, s3_client, bucket))


@pytest.mark.skipif(not sys.platform.startswith('linux') or len(os.sched_getaffinity(0)) < 2, reason='worker processes need Linux and 2 CPUs')
def test_a_worker_process_that_dies_fails_the_run_clearly_and_the_next_run_is_exact(seaweedfs, make_bucket, s3_client):
    bucket = make_bucket()
    with EmulatorProcess(('--contracts', '1', '--entries', '6000', '--days', '30', '--seed', '11', '--latency-ms', '40')) as emulator:
        child = harness.start_child(emulator, seaweedfs, bucket)
        deadline = time.monotonic() + KILL_WAIT
        try:
            workers = []
            while not workers:  # the worker is forked once the run knows the oldest hour
                assert child.poll() is None, child.communicate()
                assert time.monotonic() < deadline, 'no worker process after %gs' % KILL_WAIT
                time.sleep(0.05)
                workers = harness.children(child.pid)
            os.kill(workers[0], signal.SIGKILL)
            out, err = child.communicate(timeout=KILL_WAIT)
        finally:
            if child.poll() is None:
                child.kill()
                child.communicate()
        assert child.returncode != 0 and not out
        message = err.decode().strip().splitlines()[-1]
        assert message.startswith('ansible_collections.ionos.activitylog.plugins.module_utils.errors.ApiError: the archive process for contract '
                                  '31909628 ended without an answer (exit code -9'), message
        assert seaweedfs.secret_key not in err.decode() and harness.TOKEN not in err.decode()
        saved = harness.manifest(s3_client, bucket, 31909628) if 'activitylog/contract=31909628/_manifest.json' in harness.keys(s3_client, bucket) else None
        rerun = harness.run(emulator, seaweedfs, bucket)
        assert len(exactly_once(s3_client, bucket, emulator, [31909628])) == 6000
        assert rerun['sealed_until'][31909628] is not None and (saved is None or saved['sealed_until'] is None
                                                                or saved['sealed_until'] <= rerun['sealed_until'][31909628])


def written_hours(rerun, saved, s3_client, bucket):
    """The hours whose parts differ between the saved manifest and the one after the rerun (what the rerun wrote anew)."""
    after = harness.manifest(s3_client, bucket, 31909628)['hours']
    return [hour for hour, parts in after.items() if saved['hours'].get(hour) != parts]


def test_two_runs_at_once_are_exact(reseller, seaweedfs, make_bucket, s3_client):
    bucket = make_bucket()
    results, errors = [], []

    def one():
        try:
            results.append(harness.run(reseller, seaweedfs, bucket))
        except Exception as error:  # pylint: disable=broad-except
            errors.append(error)

    threads = [threading.Thread(target=one) for dummy in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    assert not errors and len(results) == 2
    exactly_once(s3_client, bucket, reseller, results[0]['contracts'])
    assert results[0]['sealed_until'] == results[1]['sealed_until'] or all(results[0]['sealed_until'].values())


def test_late_entries_land_in_their_hour_on_the_next_run(small, seaweedfs, make_bucket, s3_client):
    bucket = make_bucket()
    harness.run(small, seaweedfs, bucket)
    late = small.append(31909628, 5, lag=90)
    time.sleep(1.1)  # a run reads up to its start, to the second: one stamped in that very second would be the next run's
    rerun = harness.run(small, seaweedfs, bucket)
    assert rerun['hours_written'] >= 1 and rerun['entries_written'] >= 5
    ids = exactly_once(s3_client, bucket, small, [31909628])
    assert set(late) <= set(ids)


def test_object_lock_writes_hours_once_and_late_entries_to_late_parts(small, seaweedfs, make_bucket, s3_client):
    bucket = make_bucket(object_lock=True)
    # The data thins out at night, so the last hour the first run writes could be empty, and an entry arriving late in an
    # empty hour is its first part, not a late one: entries from the middle of that hour to now make sure it has a part.
    now = datetime.now(timezone.utc)
    settled = (now - timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    small.append(31909628, 40, lag=(now - (settled - timedelta(minutes=30))).total_seconds())
    first = harness.run(small, seaweedfs, bucket, object_lock=True, settle='1h')
    assert first['hours_pending'] >= 1  # the last hour is not an hour old: left for later
    sealed = datetime.strptime(first['sealed_until'][31909628], '%Y-%m-%dT%H:%M:%S.%fZ').replace(tzinfo=timezone.utc)
    before = {key: s3_client.head_object(Bucket=bucket, Key=key)['ETag'] for key in harness.keys(s3_client, bucket) if key.endswith('.gz')}
    last_hour = (sealed - timedelta(hours=1)).strftime('date=%Y-%m-%d/hour=%H.jsonl.gz')
    assert any(key.endswith(last_hour) for key in before), (last_hour, sorted(before)[-3:])
    # Entries dated inside the last hour already written, which a run with object_lock reads again for one more settle.
    lag = (datetime.now(timezone.utc) - (sealed - timedelta(minutes=30))).total_seconds()
    appended = set(small.append(31909628, 40, lag=lag))  # stamped at random from then to now: some in hours written, some not
    stamp = '%Y-%m-%dT%H:%M:%SZ'
    late = appended & set(small.entry_ids([31909628], start=(sealed - timedelta(hours=1)).strftime(stamp), end=sealed.strftime(stamp)))
    assert late  # 40 draws, each in the hour at least 1 in 5: this fails for one seed in 7,000
    stored = sorted(harness.keys(s3_client, bucket))
    checked = harness.run(small, seaweedfs, bucket, check_mode=True, object_lock=True, settle='1h')
    assert checked['entries_written'] == len(late)  # what the run below writes, each late id once
    assert sorted(harness.keys(s3_client, bucket)) == stored
    second = harness.run(small, seaweedfs, bucket, object_lock=True, settle='1h')
    parts = harness.read_archive(s3_client, bucket)
    late_parts = {key: entries for key, entries in parts.items() if '.late-' in key}
    assert {entry['id'] for entries in late_parts.values() for entry in entries} == late
    assert second['entries_written'] == len(late)
    assert all(key.endswith('.late-1.jsonl.gz') for key in late_parts)
    for key, etag in before.items():  # written once: never replaced
        assert s3_client.head_object(Bucket=bucket, Key=key)['ETag'] == etag
    third = harness.run(small, seaweedfs, bucket, object_lock=True, settle='1h')
    assert third['entries_written'] == 0 or not any('.late-2' in key for key in harness.keys(s3_client, bucket))
    truth = small.entry_ids([31909628], end=third['sealed_until'][31909628])
    ids = harness.archived_ids(s3_client, bucket)
    assert sorted(ids) == sorted(truth)
    harness.check_manifest(s3_client, bucket, 31909628)


def test_object_lock_needs_a_bucket_with_object_lock(small, seaweedfs, make_bucket):
    with pytest.raises(ApiError, match='has no Object Lock: create the bucket with Object Lock'):
        harness.run(small, seaweedfs, make_bucket(), object_lock=True)


def test_part_writes_that_fail_twice_are_retried(small, seaweedfs, make_bucket, s3_client, fault_proxy):
    bucket = make_bucket()
    fault_proxy.add(Fault(method='PUT', path_contains='hour=', status=503, times=2))
    result = harness.run(small, seaweedfs, bucket, s3_endpoint_url=fault_proxy.url)
    assert result['stats']['s3_requests'] >= 1 and all(fault.applied == 2 for fault in fault_proxy.faults)
    exactly_once(s3_client, bucket, small, [31909628])


@pytest.mark.parametrize('fault, message, timeout', [
    (Fault(method='PUT', path_contains='hour=', status=503, times=1000), 'answered 503 for put_object', 30),
    (Fault(method='PUT', path_contains='hour=', delay=3.0, times=1000), 'could not be reached', 1),
    (Fault(method='PUT', path_contains='hour=', drop=True, times=1000), 'could not be reached', 30),
    (Fault(method='PUT', path_contains='_manifest', status=500, times=1000), 'answered 500 for put_object', 30),
])
def test_a_failing_store_fails_the_run_and_the_next_run_is_exact(small, seaweedfs, make_bucket, s3_client, fault_proxy, fault, message, timeout):
    bucket = make_bucket()
    fault_proxy.add(fault)
    with pytest.raises(ApiError, match=message) as failure:
        harness.run(small, seaweedfs, bucket, s3_endpoint_url=fault_proxy.url, retries=0, timeout=timeout)
    assert seaweedfs.secret_key not in str(failure.value) and seaweedfs.access_key not in str(failure.value)
    fault_proxy.reset()
    harness.run(small, seaweedfs, bucket)
    exactly_once(s3_client, bucket, small, [31909628])


def test_a_missing_bucket_and_wrong_keys_get_one_clear_message_each(small, seaweedfs):
    with pytest.raises(ApiError, match='bucket no-such-bucket at .* does not exist: create it first'):
        harness.run(small, seaweedfs, 'no-such-bucket')
    wrong = harness.options(small, seaweedfs, 'no-such-bucket', s3_secret_key='wrong-' + seaweedfs.secret_key[6:])
    with pytest.raises(ApiError, match='refused the keys') as failure:
        harness.archive_activity(wrong, harness.S3Sink)
    assert wrong['s3_secret_key'] not in str(failure.value)

# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The archive runner of scripts/bench.py: activity_log_archive into a real S3 server, then a rerun with nothing new.

One SeaweedFS (tests/archive/seaweedfs.py: loopback only, telemetry off) is started once per bench, only when a case
runs the archive runner; every run writes into a fresh bucket. A run is archive.yml twice on that bucket:

- the archive: ``start`` and ``end`` the case's window (hour-aligned), ``settle: '0'`` so every hour is sealed. Timed
  like the other playbooks (wall s, the task's s from the bench_timing callback, CPU s and peak RSS by os.wait4);
  the module's own process is measured as well (module_python.sh runs it through launch.py), so its peak RSS can be
  told from ansible-playbook's. Exact when the entries in the objects (the sum of the manifests' per-hour counts,
  read with boto3, every listed part present in the bucket) equal the ground truth; WRONG otherwise.
- the rerun: the same playbook and bucket without ``start``, as a scheduled job runs it (the manifest says where to
  continue; with ``start`` the module reads the given hours again by design): its wall and task seconds, the
  module's ``stats.requests`` and ``stats.s3_requests`` and the emulator's own count of requests.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import uuid

import bench_emulator
import bench_process

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(BENCH_DIR))
PLAYBOOK = os.path.join(BENCH_DIR, 'archive.yml')
MODULE_PYTHON = os.path.join(BENCH_DIR, 'module_python.sh')
PREFIX = 'activitylog'  # the module's default prefix
FETCH_TASK = 'Fetch the window with the archive module'
RESULT_TASK = 'Report the archive'
FIGURES = ('module_rss_mb', 'module_cpu_s', 'rerun_wall_s', 'rerun_task_s', 'rerun_requests', 'rerun_s3_requests', 'rerun_api_requests',
           'rerun_module_rss_mb', 's3_requests', 'hours_written', 'objects')
_AWS_VARIABLES = ('AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_S3', 'AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN',
                  'AWS_REGION', 'AWS_DEFAULT_REGION')
_PROXY_VARIABLES = ('HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY')


class Store:
    """The bench's SeaweedFS and a boto3 client for it (path-style, as tests/archive/conftest.py makes it)."""

    def __init__(self):
        # Imported here: boto3 and the test helper are needed only when a case runs the archive runner.
        import boto3  # pylint: disable=import-outside-toplevel
        import botocore.config  # pylint: disable=import-outside-toplevel
        if os.path.join(REPO, 'tests', 'archive') not in sys.path:
            sys.path.insert(0, os.path.join(REPO, 'tests', 'archive'))
        from seaweedfs import SeaweedFS  # pylint: disable=import-outside-toplevel
        self.data_dir = tempfile.mkdtemp(prefix='bench-seaweedfs-')
        try:
            self.server = SeaweedFS(self.data_dir)
        except BaseException:
            shutil.rmtree(self.data_dir, ignore_errors=True)
            raise
        config = botocore.config.Config(s3={'addressing_style': 'path'}, retries={'total_max_attempts': 3, 'mode': 'standard'},
                                        connect_timeout=30, read_timeout=120)
        self.client = boto3.session.Session().client(
            's3', endpoint_url=self.server.endpoint_url, region_name=self.server.region, aws_access_key_id=self.server.access_key,
            aws_secret_access_key=self.server.secret_key, config=config)
        print('seaweedfs: %s (started in %.1f s)' % (self.server.endpoint_url, self.server.start_seconds), flush=True)

    def new_bucket(self) -> str:
        name = 'bench-%s' % uuid.uuid4().hex[:16]
        self.client.create_bucket(Bucket=name)
        return name

    def archived(self, bucket: str) -> tuple:
        """(entries, objects): the sum of the counts of every part the manifests list, and how many objects the bucket
        holds besides the manifests. ValueError when a listed part is missing from the bucket."""
        keys = set()
        for page in self.client.get_paginator('list_objects_v2').paginate(Bucket=bucket, Prefix=PREFIX + '/'):
            keys.update(item['Key'] for item in page.get('Contents', ()))
        entries, objects = 0, {key for key in keys if not key.endswith('/_manifest.json')}
        for manifest_key in sorted(keys - objects):
            manifest = json.loads(self.client.get_object(Bucket=bucket, Key=manifest_key)['Body'].read())
            folder = manifest_key.rsplit('/', 1)[0]
            for hour, parts in manifest['hours'].items():
                for part in parts:
                    if '%s/date=%s/%s' % (folder, hour[:10], part['key']) not in objects:
                        raise ValueError('the manifest %s lists %s of hour %s, which the bucket lacks' % (manifest_key, part['key'], hour))
                    entries += part['count']
        return entries, len(objects)

    def stop(self) -> None:
        try:
            self.client.close()
            self.server.stop()
        finally:
            shutil.rmtree(self.data_dir, ignore_errors=True)


STORE = None


def start() -> None:
    global STORE  # pylint: disable=global-statement
    if STORE is None:
        STORE = Store()


def stop() -> None:
    global STORE  # pylint: disable=global-statement
    if STORE is not None:
        STORE.stop()
        STORE = None


def _env(base: dict, workdir: str, usage_file: str) -> dict:
    """The runner's environment plus the S3 keys the way users give them (AWS_*), and nothing of a developer's AWS
    profile or proxy that could steer boto3 away from loopback."""
    env = {name: value for name, value in base.items() if name not in _AWS_VARIABLES and name.upper() not in _PROXY_VARIABLES}
    nowhere = os.path.join(workdir, 'no-aws-config')
    env.update(AWS_ACCESS_KEY_ID=STORE.server.access_key, AWS_SECRET_ACCESS_KEY=STORE.server.secret_key, AWS_CONFIG_FILE=nowhere,
               AWS_SHARED_CREDENTIALS_FILE=nowhere, AWS_EC2_METADATA_DISABLED='true', NO_PROXY='127.0.0.1,localhost',
               BENCH_MODULE_USAGE=usage_file, BENCH_PYTHON=os.path.join(REPO, '.venv', 'bin', 'python'))
    return env


def _play(env: dict, workdir: str, timeout: float, variables: dict, url: str) -> tuple:
    """One archive.yml run: (child, task seconds, module result, module usage, emulator stats); ValueError with the
    failed task's message."""
    import bench_runners  # pylint: disable=import-outside-toplevel  # it imports this module
    timing_file, usage_file = env['BENCH_TIMING_FILE'], env['BENCH_MODULE_USAGE']
    for stale in (timing_file, usage_file):
        if os.path.exists(stale):
            os.remove(stale)
    vars_file = os.path.join(workdir, 'archive_vars.json')
    with open(vars_file, 'w', encoding='utf-8') as handle:
        json.dump(dict(variables, bench_module_python=MODULE_PYTHON), handle)
    argv = [os.path.join(bench_runners.VENV_BIN, 'ansible-playbook'), '-i', 'localhost,', PLAYBOOK, '-e', '@' + vars_file]
    bench_emulator.reset_stats(url)
    child = bench_process.run_child(argv, env, timeout, workdir)
    counted = bench_emulator.stats(url)
    if child.status != 'ok':
        return child, None, None, None, counted
    with open(timing_file, encoding='utf-8') as handle:
        tasks = json.load(handle)['tasks']
    failed = next((task for task in tasks if task['status'] != 'ok'), None)
    if failed is not None:
        raise ValueError('%s: %s' % (failed['name'], failed.get('msg')))
    fetch = next(task for task in tasks if task['name'] == FETCH_TASK)
    result = json.loads(next(task for task in tasks if task['name'] == RESULT_TASK)['msg'])
    with open(usage_file, encoding='utf-8') as handle:
        usage = json.load(handle)
    return child, fetch['seconds'], result, usage, counted


def run_once(url: str, contracts: list, truth: int, timeout: float, workdir: str, base_env: dict) -> dict:
    """The archive into a fresh bucket and the rerun on it: the run's figures (those of bench_runners plus FIGURES)."""
    start, end = bench_emulator.WINDOW
    bucket = STORE.new_bucket()
    env = _env(base_env, workdir, os.path.join(workdir, 'module_usage.json'))
    variables = {'bench_contracts': contracts, 'bench_start': start, 'bench_end': end, 'bench_bucket': bucket,
                 'bench_s3_endpoint_url': STORE.server.endpoint_url, 'bench_continue': False}
    run = {'status': 'FAILED', 'wall_s': 0.0, 'cpu_s': 0.0, 'rss_mb': 0.0, 'fetch_cpu_s': None, 'main_cpu_s': None, 'requests': 0,
           'by_status': {}, 'detail_requests': 0, 'bucket': bucket}
    try:
        child, task, result, usage, counted = _play(env, workdir, timeout, variables, url)
        run.update(wall_s=child.wall, cpu_s=child.cpu, rss_mb=child.maxrss_kb * 1024 / 1e6, requests=counted['requests'],
                   by_status=counted['by_status'])
        if task is None:
            run.update(status=child.status.upper(), detail=child.tail())
            return run
        entries, objects = STORE.archived(bucket)
        run.update(task_s=task, entries=entries, objects=objects, module_rss_mb=usage['maxrss_kb'] * 1024 / 1e6, module_cpu_s=usage['cpu'],
                   s3_requests=result['stats']['s3_requests'], hours_written=result['hours_written'], module_stats=result['stats'],
                   entries_written=result['entries_written'])
        rerun, rerun_task, rerun_result, rerun_usage, rerun_counted = _play(env, workdir, timeout, dict(variables, bench_continue=True), url)
        if rerun_task is None:
            run.update(status='FAILED', detail='rerun %s:\n%s' % (rerun.status, rerun.tail()))
            return run
        run.update(rerun_wall_s=rerun.wall, rerun_task_s=rerun_task, rerun_requests=rerun_result['stats']['requests'],
                   rerun_s3_requests=rerun_result['stats']['s3_requests'], rerun_api_requests=rerun_counted['requests'],
                   rerun_module_rss_mb=rerun_usage['maxrss_kb'] * 1024 / 1e6, rerun_hours_written=rerun_result['hours_written'],
                   rerun_module_seconds=rerun_result['stats']['seconds'])
    except (ValueError, KeyError, StopIteration, OSError) as error:
        return dict(run, status='FAILED', detail='%s: %s' % (type(error).__name__, error))
    problems = []
    if entries != truth:
        problems.append('the objects hold %d entries, the ground truth has %d' % (entries, truth))
    if result['entries_written'] != entries:
        problems.append('the module says it wrote %d entries, the manifest counts %d' % (result['entries_written'], entries))
    if run['rerun_hours_written']:
        problems.append('the rerun with nothing new wrote %d hours' % run['rerun_hours_written'])
    run['status'] = 'WRONG' if problems else 'ok'
    if problems:
        run['detail'] = '; '.join(problems)
    return run


def describe(run: dict) -> str:
    """The archive's part of a progress line."""
    return ('module RSS %.0f MB, %d objects, %d S3 requests; rerun wall %.2f s, task %.2f s, %d API + %d S3 requests, module RSS %.0f MB'
            % (run['module_rss_mb'], run['objects'], run['s3_requests'], run['rerun_wall_s'], run['rerun_task_s'], run['rerun_requests'],
               run['rerun_s3_requests'], run['rerun_module_rss_mb']))

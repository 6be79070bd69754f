# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The runners of scripts/bench.py, each run as its own process the way users run it.

baseline: scripts/bench/baseline.py (its loop time is the task time). lookup, lookup_kept and module: their playbooks
(lookup.yml: the lookup inline; lookup_kept.yml: set_fact of it; module.yml: register); compliance and
compliance_vars: the compliance role reading the log itself, and given a registered read (their task time spans
every task but the count, from the first start to the last end); lookup_details: lookup.yml with request_details:
writes; archive: archive.yml, activity_log_archive into a fresh bucket of the bench's SeaweedFS, then a rerun with
nothing new (bench_archive.py); all under the .venv's
ansible-playbook, localhost, connection local, the laid-out collection in .build; the bench_timing callback gives the
fetch task's time and the count of entries (from the fetch task's own message when it counts them itself). Token and URL come from
IONOS_TOKEN and IONOS_API_URL. A run whose count differs from the ground truth is WRONG and keeps no time.
"""

from __future__ import annotations

import json
import os
import statistics

import bench_archive
import bench_emulator
import bench_process

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(BENCH_DIR))
BUILD = os.path.join(REPO, '.build')
VENV_BIN = os.path.join(REPO, '.venv', 'bin')
RUNNERS = ('baseline', 'direct', 'lookup', 'lookup_kept', 'module', 'compliance', 'compliance_vars', 'lookup_details', 'archive')
SCRIPTS = ('baseline', 'direct')  # Python scripts that print their own JSON line, not playbooks
SPANNING = ('compliance', 'compliance_vars')  # timed from the first task's start to the last one's end
FETCH_TASK = 'Fetch the window with the '
COUNT_TASK = 'Count the entries'
FIGURES = ('wall_s', 'task_s', 'requests', 'entries', 'cpu_s', 'rss_mb', 'fetch_cpu_s', 'main_cpu_s')


def child_env(url: str, timing_file: str) -> dict:
    """The runner's environment: the token and URL the way users set them; no other IONOS_* leaks in."""
    env = {name: value for name, value in os.environ.items() if not name.startswith('IONOS_')}
    env.update(IONOS_TOKEN=bench_emulator.TOKEN, IONOS_API_URL=url, ANSIBLE_COLLECTIONS_PATH=BUILD, BENCH_TIMING_FILE=timing_file,
               ANSIBLE_CALLBACK_PLUGINS=os.path.join(BENCH_DIR, 'callback_plugins'), ANSIBLE_CALLBACKS_ENABLED='bench_timing',
               ANSIBLE_FILTER_PLUGINS=os.path.join(BENCH_DIR, 'filter_plugins'),
               ANSIBLE_NOCOLOR='1', ANSIBLE_RETRY_FILES_ENABLED='0', ANSIBLE_LOCALHOST_WARNING='0', ANSIBLE_INVENTORY_UNPARSED_WARNING='0')
    return env


def command(runner: str, url: str, contracts: list, workdir: str) -> list:
    start, end = bench_emulator.WINDOW
    if runner in SCRIPTS:
        return [os.path.join(VENV_BIN, 'python'), os.path.join(BENCH_DIR, runner + '.py'), '--api-url', url, '--start', start, '--end', end,
                '--contracts', ','.join(str(number) for number in contracts)]
    vars_file = os.path.join(workdir, 'vars.json')
    with open(vars_file, 'w', encoding='utf-8') as handle:
        json.dump({'bench_contracts': contracts, 'bench_start': start, 'bench_end': end, 'bench_workdir': workdir}, handle)
    return [os.path.join(VENV_BIN, 'ansible-playbook'), '-i', 'localhost,', os.path.join(BENCH_DIR, runner + '.yml'), '-e', '@' + vars_file]


def read_script(child) -> tuple:
    """(entries, loop seconds, loop CPU seconds, main thread CPU seconds or None) from the JSON line of baseline.py or
    direct.py."""
    report = json.loads(child.stdout.strip().splitlines()[-1])
    return report['entries'], report['loop_seconds'], report['loop_cpu_seconds'], report.get('main_thread_cpu_seconds')


def read_playbook(timing_file: str, spanning: bool = False) -> tuple:
    """(entries, fetch task seconds, fetch CPU seconds or None, None) from the bench_timing callback's file; ValueError
    with the task's message.

    ``spanning``: the seconds from the first task's start to the end of the last task before the count. The CPU
    seconds of the fetch come from a message 'CPU-before count CPU-after' (lookup.yml)."""
    with open(timing_file, encoding='utf-8') as handle:
        tasks = json.load(handle)['tasks']
    failed = next((task for task in tasks if task['status'] != 'ok'), None)
    if failed is not None:
        raise ValueError('%s: %s' % (failed['name'], failed.get('msg')))
    fetch = next((task for task in tasks if task['name'].startswith(FETCH_TASK)), None)
    count = next((task for task in tasks if task['name'] == COUNT_TASK), fetch)
    if count is None or (fetch is None and not spanning):
        raise ValueError('the fetch task did not run')
    if spanning:
        timed = [task for task in tasks if task['name'] != COUNT_TASK and task['started'] is not None]
        return int(count['msg']), max(task['ended'] for task in timed) - min(task['started'] for task in timed), None, None
    words = count['msg'].split()
    if len(words) == 3:
        return int(words[1]), fetch['seconds'], float(words[2]) - float(words[0]), None
    return int(count['msg']), fetch['seconds'], None, None


def run_once(runner: str, url: str, contracts: list, truth: int, timeout: float, workdir: str) -> dict:
    """One run of one runner (``contracts`` empty: it lists them): its figures, or a status that says why there are none."""
    timing_file = os.path.join(workdir, 'timing.json')
    if os.path.exists(timing_file):
        os.remove(timing_file)
    if runner == 'archive':
        return bench_archive.run_once(url, contracts, truth, timeout, workdir, child_env(url, timing_file))
    argv = command(runner, url, contracts, workdir)
    bench_emulator.reset_stats(url)
    child = bench_process.run_child(argv, child_env(url, timing_file), timeout, workdir)
    counted = bench_emulator.stats(url)
    run = {'status': child.status.upper(), 'wall_s': child.wall, 'cpu_s': child.cpu, 'rss_mb': child.maxrss_kb * 1024 / 1e6, 'fetch_cpu_s': None,
           'main_cpu_s': None,
           'requests': counted['requests'], 'by_status': counted['by_status'],
           'detail_requests': sum(counted.get('cloud_requests', {}).get('by_id', {}).values())}
    if child.status != 'ok':
        return dict(run, detail=child.tail())
    try:
        entries, task, fetch_cpu, main_cpu = read_script(child) if runner in SCRIPTS else read_playbook(timing_file, runner in SPANNING)
    except (ValueError, KeyError, IndexError, OSError) as error:
        return dict(run, status='FAILED', detail='%s\n%s' % (error, child.tail()))
    run.update(entries=entries, task_s=task, fetch_cpu_s=fetch_cpu, main_cpu_s=main_cpu, status='ok' if entries == truth else 'WRONG')
    if entries != truth:
        run['detail'] = 'read %d entries, the ground truth has %d' % (entries, truth)
    return run


def summarise(runs: list) -> dict:
    """The runner's status (ok only when every run was right) and the median of each figure over its runs."""
    bad = next((run for run in runs if run['status'] != 'ok'), None)
    if bad is not None:
        return {'status': bad['status'], 'detail': bad.get('detail', ''), 'runs': runs}
    figures = FIGURES + tuple(key for key in bench_archive.FIGURES if key in runs[0])
    return {'status': 'ok', 'runs': runs, 'median': {key: _median([run[key] for run in runs]) for key in figures}}


def _median(values: list):
    """The median, or None for a figure the runner does not have (fetch CPU: only the lookup measures it)."""
    return None if None in values else statistics.median(values)


def describe(run: dict) -> str:
    """One progress line for a run."""
    if run['status'] not in ('ok', 'WRONG'):
        return '%s after %.1f s:\n%s' % (run['status'], run['wall_s'], run.get('detail', ''))
    text = 'wall %.2f s, task %.2f s, %d requests, %d entries, CPU %.2f s, RSS %.0f MB' % (
        run['wall_s'], run['task_s'], run['requests'], run['entries'], run['cpu_s'], run['rss_mb'])
    if run.get('fetch_cpu_s') is not None:
        text += ', fetch CPU %.2f s' % run['fetch_cpu_s']
    if 'rerun_wall_s' in run:
        text += '; ' + bench_archive.describe(run)
    return text if run['status'] == 'ok' else 'WRONG: %s (%s)' % (run['detail'], text)

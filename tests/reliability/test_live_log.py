# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A live log: entries appended while the pages are read, entries that arrive late inside a window already read.

1. With entries arriving every 20 ms, a run returns exactly the entries of its pinned window (``end`` resolved once).
2. Late entries stamped inside a part of the window the run has already read: the run either returns them or says
   that its result is not final (a warning); it never presents a result without them as complete.
3. docs/usage.md's incremental pattern (next start = previous window.end minus 15 minutes, drop processed ids),
   chained 20 times while entries arrive live and late (lag up to 10 minutes), gives the ground truth exactly.
"""

from __future__ import annotations

import datetime
import json
import threading
import time

from reliability_runs import HTTP_TIMEOUT, difference, ground_truth, judge, run_playbook

CONTRACTS = (31909628, 31909629)
TOKEN = {'reseller': {'token': 'reseller-token'}}
INCREMENTS = 20
QUIET_INCREMENTS = 2  # no late entry is appended once the runs before these have finished
OVERLAP_SECONDS = 900  # what docs/usage.md uses
LATE_LAG_SECONDS = 600  # less than the overlap, as the docs' pattern assumes


def utc_now(offset: float = 0.0) -> str:
    moment = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=offset)
    return moment.strftime('%Y-%m-%dT%H:%M:%SZ')


def test_pinned_window_ignores_entries_appended_while_paging(start_emulator, tmp_path, figures):
    emulator = start_emulator('--contracts', '2', '--entries', '3000', '--days', '1', '--live-rate', '50', '--seed', '4')
    start, end = utc_now(-2 * 86400), utc_now(-1)  # the lookup's end is pinned by the caller, the module's by 'now'
    options = {'api_url': emulator.url, 'start': start, 'page_size': 100, 'concurrency': 2}
    cases = [{'name': 'module %d' % number, 'auth': 'reseller', 'runners': ['module'], 'options': dict(options, end='now')} for number in (1, 2)]
    cases += [{'name': 'lookup %d' % number, 'auth': 'reseller', 'runners': ['lookup'], 'options': dict(options, end=end)} for number in (1, 2)]
    run = run_playbook('cases.yml', {'rel_cases': cases, 'rel_runners': [], 'rel_credentials': TOKEN}, str(tmp_path))
    verdicts = []
    for record in run.records:
        window_end = (record['window'] or {}).get('end', end)
        verdicts.append(judge(record, ground_truth(emulator.url, CONTRACTS, start, window_end), r'^$'))
    figures['live_pinned_window'] = {'runs': len(verdicts), 'exact': [verdict for verdict, _why in verdicts].count('exact'),
                                     'appended_per_second': 100}
    assert len(verdicts) == 4, run.output[-3000:]
    assert all(verdict == ('exact', '') for verdict in verdicts), verdicts


class LateAppender(threading.Thread):
    """Appends ``count`` late entries to one contract once the emulator has served ``after`` requests of the run."""

    def __init__(self, emulator, contract: int, after: int, count: int, lag: float, deadline: float = 60.0):
        super().__init__(daemon=True)
        self.emulator, self.contract, self.after, self.count, self.lag = emulator, contract, after, count, lag
        self.deadline = time.monotonic() + deadline
        self.ids, self.served_then = [], None
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set() and time.monotonic() < self.deadline:
            served = self.emulator.stats()['requests']
            if served >= self.after:
                self.served_then = served
                self.ids = self.emulator.append(self.contract, self.count, self.lag)
                return
            self.stop.wait(0.005)


def test_late_entries_in_a_slice_already_read_are_returned_or_flagged(start_emulator, tmp_path, figures):
    """Concurrency 1 reads contract A's pages before B's; while B's are read, 12 entries stamped up to 30 minutes
    back arrive in A. The run must return them or say (a warning) that the result is not final."""
    outcomes = {}
    for runner in ('module', 'lookup'):
        emulator = start_emulator('--contracts', '2', '--entries', '800', '--days', '0.05', '--latency-ms', '15', '--seed', '6')
        start, end = utc_now(-2 * 3600), utc_now(-1)
        options = {'api_url': emulator.url, 'start': start, 'end': 'now' if runner == 'module' else end, 'page_size': 20, 'concurrency': 1}
        appender = LateAppender(emulator, CONTRACTS[0], after=55, count=12, lag=1800)  # A takes 41 requests (total + 40 pages)
        appender.start()
        try:
            run = run_playbook('cases.yml', {'rel_cases': [{'name': 'late', 'auth': 'reseller', 'options': options}], 'rel_runners': [runner],
                                             'rel_credentials': TOKEN}, str(tmp_path / runner))
        finally:
            appender.stop.set()
            appender.join(HTTP_TIMEOUT)
        served_after = emulator.stats()['requests']
        record = run.records[0]
        window_end = (record['window'] or {}).get('end', end)
        truth = ground_truth(emulator.url, CONTRACTS, start, window_end)
        late_inside = set(appender.ids) & set(truth)
        ids = record['ids'] or []
        warned = bool(record['warnings']) or 'activity_log: ' in run.stderr
        outcomes[runner] = {'status': record['status'], 'late_inside_window': len(late_inside), 'late_missing': len(late_inside - set(ids)),
                            'warned': warned, 'requests_after_the_append': served_after - (appender.served_then or served_after)}
        assert record['status'] == 'ok', record['msg']
        assert appender.ids and late_inside, 'the late entries were not appended inside the window: %s' % outcomes[runner]
        assert outcomes[runner]['requests_after_the_append'] >= 10, 'the run had finished before the late entries came: %s' % outcomes[runner]
        # Never wrong: what was there before is all returned, once; nothing from outside the window.
        assert len(ids) == len(set(ids)), 'ids twice: %s' % outcomes[runner]
        assert set(truth) - set(appender.ids) <= set(ids), 'entries that were there before the run are missing'
        assert set(ids) <= set(truth), 'entries from outside the window'
        outcomes[runner]['verdict'] = 'exact' if not difference(ids, truth) else ('flagged as not final' if warned else 'MISSED LATE ENTRIES')
    figures['live_late_entries'] = outcomes
    for runner, outcome in outcomes.items():
        assert outcome['verdict'] != 'MISSED LATE ENTRIES', (
            '%s returned a result without %d late entries of its pinned window and did not say it is not final: %s'
            % (runner, outcome['late_missing'], outcome))


class LiveLateFeed(threading.Thread):
    """Appends late entries (stamped up to LATE_LAG_SECONDS back) to both contracts every 150 ms until the chain's
    run number ``quiet_after`` has finished, as the callback's progress file tells."""

    def __init__(self, emulator, progress_file: str, quiet_after: int, deadline: float = 180.0):
        super().__init__(daemon=True)
        self.emulator, self.progress_file, self.quiet_after = emulator, progress_file, quiet_after
        self.deadline = time.monotonic() + deadline
        self.ids = []
        self.stop = threading.Event()

    def finished_runs(self) -> int:
        try:
            with open(self.progress_file, encoding='utf-8') as handle:
                return json.load(handle).get('Read what happened since the previous run, with 15 minutes of overlap', 0)
        except (OSError, ValueError):
            return 0

    def run(self):
        turn = 0
        while not self.stop.is_set() and time.monotonic() < self.deadline and self.finished_runs() < self.quiet_after:
            self.ids.extend(self.emulator.append(CONTRACTS[turn % 2], 1, LATE_LAG_SECONDS))
            turn += 1
            self.stop.wait(0.15)


def test_documented_incremental_pattern_chained_20_times_gives_the_ground_truth(start_emulator, tmp_path, figures):
    emulator = start_emulator('--contracts', '2', '--entries', '3000', '--days', '1', '--live-rate', '2', '--seed', '8')
    progress, out = str(tmp_path / 'progress.json'), str(tmp_path / 'increments.json')
    feed = LiveLateFeed(emulator, progress, quiet_after=INCREMENTS - QUIET_INCREMENTS)
    variables = {'rel_api_url': emulator.url, 'rel_token': 'reseller-token', 'rel_increments': INCREMENTS, 'rel_out': out,
                 'rel_first_end': utc_now(-3600).replace('Z', '.000Z')}
    feed.start()
    try:
        run = run_playbook('incremental.yml', variables, str(tmp_path), env={'RELIABILITY_PROGRESS_FILE': progress})
    finally:
        feed.stop.set()
        feed.join(HTTP_TIMEOUT)
    assert run.returncode == 0, run.output[-4000:]
    with open(out, encoding='utf-8') as handle:
        chain = json.load(handle)
    steps = chain['steps']
    processed = [ident for step in steps for ident in step['new_ids']]  # every entry the chain handed on, in order
    first, last = steps[0]['window'], steps[-1]['window']
    truth = ground_truth(emulator.url, CONTRACTS, first['start'], last['end'])
    late = set(feed.ids) & set(truth)
    # entries a run returned for the first time although they lie before the previous run's end: only the overlap caught them
    rescued = sum(1 for previous, step in zip(steps, steps[1:]) for moment in step['new_times'] if moment < previous['window']['end'])
    figures['live_incremental_chain'] = {
        'increments': len(steps), 'entries': len(truth), 'processed': len(processed), 'late_appended_inside': len(late),
        'most_ids_kept_between_runs': max(step['kept_ids'] for step in steps),
        'caught_by_the_overlap': rescued,
        'problem': difference(processed, truth) or 'none', 'seconds': round(run.wall, 1),
        'overlap_seconds': OVERLAP_SECONDS, 'late_lag_seconds': LATE_LAG_SECONDS,
        'warnings': sum(len(step['warnings']) for step in steps)}
    assert len(steps) == INCREMENTS
    for previous, step in zip(steps, steps[1:]):
        assert step['window']['start'] <= previous['window']['end'], 'the docs pattern left a gap: %s then %s' % (previous, step)
    assert len(late) >= 30 and rescued >= 10, 'too few late entries to prove anything: %s' % figures['live_incremental_chain']
    assert not difference(processed, truth), figures['live_incremental_chain']

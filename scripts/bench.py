# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Time the activity_log lookup and the activity_log_info module against a plain requests loop and the floor.

For each case (scripts/bench/bench_cases.py) it starts a seeded emulator on loopback, takes the ground truth of
the window and measures the floor (scripts/bench/bench_floor.py). Then it runs rounds: in each round every case
runs each runner once as its own process (scripts/bench/bench_runners.py): the baseline requests loop, the
lookup and the module from small playbooks, the archive module into a local S3 server (SeaweedFS, started
once when a case runs the archive runner). Rounds after the first are skipped for a case when they would end
past --budget. It prints the machine, a table of medians, the floors, the ratios and the targets (met or
missed), and writes the same as JSON. Exit status 1 only when a runner failed or read the wrong entries; never
because of a time: a bench is not a test.

    make bench BENCH_ARGS='--quick'
    .venv/bin/python scripts/bench.py [--runs 3] [--quick] [--cases 9k-40ms,200k-0ms] [--runners baseline,direct,lookup]
                                        [--budget 840] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(REPO, '.build')
sys.path[:0] = [REPO, os.path.join(REPO, 'scripts', 'bench'), BUILD]

# pylint: disable=wrong-import-position
import bench_archive  # noqa: E402
import bench_cases  # noqa: E402
import bench_emulator  # noqa: E402
import bench_floor  # noqa: E402
import bench_report  # noqa: E402
import bench_runners  # noqa: E402


def collection_settings() -> dict:
    """Defaults the runners use, read from the laid-out collection rather than copied here."""
    try:
        from ansible_collections.ionos.activitylog.plugins.module_utils import normalize, options, paging  # pylint: disable=import-outside-toplevel
    except ImportError as error:
        raise SystemExit('cannot import the collection from %s (%s): run make layout first' % (BUILD, error)) from None
    return {'page_size': options.ARGUMENT_SPEC['page_size']['default'], 'concurrency': options.ARGUMENT_SPEC['concurrency']['default'],
            'result_window': paging.ASSUMED_RESULT_WINDOW, 'normalize_entry': normalize.normalize_entry}


def machine() -> dict:
    with open('/proc/cpuinfo', encoding='utf-8') as handle:
        model = next((line.split(':', 1)[1].strip() for line in handle if line.startswith('model name')), 'unknown')
    version = subprocess.run([os.path.join(bench_runners.VENV_BIN, 'ansible-playbook'), '--version'], capture_output=True, text=True,
                             timeout=60, check=True)
    return {'nproc': len(os.sched_getaffinity(0)), 'cpu': model, 'python': platform.python_version(),
            'ansible_core': version.stdout.splitlines()[0], 'load_average': os.getloadavg()}


class CaseRun:
    """One case in progress: its running emulator, ground truth, floor and the runs so far."""

    def __init__(self, case, settings: dict, datasets: dict):
        self.case = case
        self.settings = settings
        self.truth, self.total, self.result, self.runs = {}, 0, {}, {}
        print('\n== %s: %d contract(s) x %d entries, %d ms added per request' % (case.name, case.contracts, case.entries, case.latency_ms), flush=True)
        self.emulator = bench_emulator.start(case.contracts, case.entries, case.latency_ms)
        try:
            self._prepare(datasets)
        except BaseException:
            self.emulator.stop()
            raise

    def _prepare(self, datasets: dict) -> None:
        """Ground truth (it must be every generated entry) and floor; the runners that can read the window."""
        case, settings = self.case, self.settings
        self.truth = bench_emulator.ground_truth(self.emulator.url, bench_emulator.contract_numbers(case.contracts))
        self.total = sum(len(ids) for ids in self.truth.values())
        if self.total != case.contracts * case.entries:
            raise SystemExit('%s: the window holds %d entries, not the %d generated: the window must be the whole period'
                             % (case.name, self.total, case.contracts * case.entries))
        self.result = {'name': case.name, 'contracts': case.contracts, 'entries_per_contract': case.entries, 'latency_ms': case.latency_ms,
                       'contract_numbers_given': not case.reseller, 'ground_truth': self.total, 'rounds_skipped_for_budget': 0}
        self.result.update(self._floor(datasets))
        print('floor ' + bench_report.floor_line(self.result), flush=True)
        fits = max(len(ids) for ids in self.truth.values()) <= settings['result_window']
        self.runs = {name: [] for name in case.runners if fits or name != 'baseline'}

    def _floor(self, datasets: dict) -> dict:
        """The floor's parts; the pages (json.loads, compact JSON, id check) once per data set."""
        page_size, window = self.settings['page_size'], self.settings['result_window']
        if self.case.dataset not in datasets:
            bodies = bench_floor.fetch_bodies(self.emulator, list(self.truth), page_size, window)
            compact, ids = bench_floor.compact_json_and_ids(bodies, self.settings['normalize_entry'])
            if any(sorted(ids.get(contract, [])) != sorted(expected) for contract, expected in self.truth.items()):
                raise SystemExit('%s: the pages of the floor do not hold exactly the entries of the ground truth' % self.case.name)
            datasets[self.case.dataset] = {'json_loads_s': bench_floor.json_loads_seconds(bodies, 1 if len(bodies) > 500 else 3), 'pages': len(bodies),
                                           'page_bytes': sum(len(body) for _contract, body in bodies), 'compact_json_bytes': compact}
        totals = {contract: len(ids) for contract, ids in self.truth.items()}
        per_request, sample = bench_floor.per_request_seconds(self.emulator, totals, page_size, window)
        requests_min = sum(math.ceil(total / page_size) for total in totals.values())
        floor = bench_floor.floor_parts(requests_min, per_request, self.settings['concurrency'], datasets[self.case.dataset]['json_loads_s'])
        return dict(datasets[self.case.dataset], floor=dict(floor, per_request_sample=sample))

    def round_seconds(self) -> float:
        """What the previous round of this case took."""
        return sum(runs[-1]['wall_s'] for runs in self.runs.values() if runs)

    def run_round(self, index: int, rounds: int, workdir: str) -> None:
        contracts = [] if self.case.reseller else bench_emulator.contract_numbers(self.case.contracts)
        for name, runs in self.runs.items():
            if runs and runs[-1]['status'] != 'ok':
                continue  # a failed or wrong runner is not run again
            runs.append(bench_runners.run_once(name, self.emulator.url, contracts, self.total, self.case.timeout(self.settings['page_size']), workdir))
            print('  %-10s run %d/%d %-15s %s' % (self.case.name, index + 1, rounds, name, bench_runners.describe(runs[-1])), flush=True)

    def finish(self) -> dict:
        self.result['runners'] = {name: bench_runners.summarise(runs) for name, runs in self.runs.items()}
        if 'baseline' in self.case.runners:
            self.result['runners'].setdefault('baseline', {'status': bench_report.NOT_APPLICABLE})
        self.result['ratios'] = bench_report.ratios(self.result)
        if 'archive' in self.runs:
            self.result['archive'] = bench_report.archive_figures(self.result)
        return self.result


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--runs', type=int, default=3, help='rounds: runs per runner and case; the table shows medians (default: %(default)s)')
    parser.add_argument('--quick', action='store_true', help='small data sets and 1 run: checks the harness in under a minute')
    parser.add_argument('--cases', help='comma-separated case names (default: all): ' + ', '.join(case.name for case in bench_cases.FULL))
    parser.add_argument('--runners', help='comma-separated runners to run where a case has them (default: all): ' + ', '.join(bench_runners.RUNNERS))
    parser.add_argument('--budget', type=float, default=840, help='seconds: rounds after the first are skipped for a case when they '
                        'would end later (default: %(default)s)')
    parser.add_argument('--out', default=os.path.join(BUILD, 'bench', 'results.json'), help='JSON results (default: %(default)s)')
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error('--runs must be at least 1')
    try:
        args.selected = bench_cases.select(args.cases, args.quick)
    except ValueError as error:
        parser.error(str(error))
    runners = [name.strip() for name in (args.runners or '').split(',') if name.strip()]
    unknown = [name for name in runners if name not in bench_runners.RUNNERS]
    if unknown:
        parser.error('unknown runner %s; the runners are %s' % (', '.join(unknown), ', '.join(bench_runners.RUNNERS)))
    if runners:
        args.selected = [case for case in args.selected if case.only(runners)]
    if args.quick:
        args.runs = 1
    return args


def measure(args, settings: dict) -> list:
    """Prepare every case (emulators stay up), then run the rounds within the budget; the cases' results."""
    deadline = time.monotonic() + args.budget
    prepared, datasets = [], {}
    try:
        if any('archive' in case.runners for case in args.selected):
            bench_archive.start()  # one S3 server for every archive run, a fresh bucket per run
        for case in args.selected:
            prepared.append(CaseRun(case, settings, datasets))
        with tempfile.TemporaryDirectory(prefix='bench-') as workdir:
            for index in range(args.runs):
                print('\n== round %d/%d' % (index + 1, args.runs), flush=True)
                for item in prepared:
                    if index and time.monotonic() + item.round_seconds() > deadline:
                        item.result['rounds_skipped_for_budget'] += 1
                        print('  %-10s round %d skipped: it would end past --budget %.0f s' % (item.case.name, index + 1, args.budget), flush=True)
                        continue
                    item.run_round(index, args.runs, workdir)
        return [item.finish() for item in prepared]
    finally:
        for item in prepared:
            item.emulator.send_signal()
        for item in prepared:
            item.emulator.stop()
        bench_archive.stop()


def main(argv=None) -> int:
    args = parse_args(argv)
    settings = collection_settings()
    host = machine()
    quick = ', QUICK sizes (not the sizes of the targets)' if args.quick else ''
    print('machine: %(nproc)d CPUs (%(cpu)s), Python %(python)s, %(ansible_core)s, load average %(load_average)s' % host)
    print('collection defaults: page_size %d, concurrency %d, result window %d; window %s to %s; %d round(s)%s'
          % (settings['page_size'], settings['concurrency'], settings['result_window'], *bench_emulator.WINDOW, args.runs, quick), flush=True)
    cases = measure(args, settings)
    found = bench_report.targets(cases)
    print('\n' + '\n'.join(bench_report.report(cases, found, quick)))
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, 'w', encoding='utf-8') as handle:
        json.dump({'machine': host, 'quick': args.quick, 'rounds': args.runs, 'budget_s': args.budget, 'window': bench_emulator.WINDOW,
                   'seed': bench_emulator.SEED, 'settings': {key: value for key, value in settings.items() if key != 'normalize_entry'},
                   'cases': cases, 'targets': found}, handle, indent=1)
    print('\nJSON: %s' % args.out)
    failed = [name for case in cases for name, runner in case['runners'].items() if runner['status'] not in ('ok', bench_report.NOT_APPLICABLE)]
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())

# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The bench's output: the table, the floors, the ratios and the targets, from the results dict (also the JSON).

Targets are reported as met or missed with their numbers; they never change the exit status (a bench is not a
test). A runner whose entries differ from the ground truth shows WRONG and no time.
"""

from __future__ import annotations

from datetime import datetime

from bench_emulator import WINDOW
from bench_runners import RUNNERS

NOT_APPLICABLE = 'n/a (window > result window)'
ARCHIVE_LIMIT = 1.25  # archive task / lookup task of the same run
RERUN_LIMIT = 2.0  # seconds: a rerun with nothing new over the fully archived window
MEMORY_LIMIT = 3.2  # peak RSS of the lookup / compact JSON of its entries, as measured before issue 17 (it may not grow)
FOOTER = """\
direct: fetch_activity, the engine the module and the lookup share, called in a plain Python process (no
  ansible-core). lookup: the lookup inline where its entries are used (counted in the same template); lookup_kept:
  set_fact of it (the lookup plus what ansible-core spends storing its result); module: register. compliance: the
  compliance role reading the window itself (seven policies, JUnit, all four reports, one pass); compliance_vars: the
  module's registered read, then the role given its entries (the same policies and files); task s of both spans every
  task but the count. lookup_details: the inline lookup with request_details: writes (each write joined to its Cloud
  API request).
wall s: the whole runner process, interpreter start included; every figure is the median over the runner's runs
  (runs: how many; --budget may have skipped rounds after the first). task s: the fetch alone - for the playbooks
  the fetch task, from its start to its result in the controller (bench_timing callback), for the baseline and
  direct their call, interpreter start and imports excluded; entries/s and every ratio use task s. fetch CPU s: the
  CPU seconds (all threads) of the fetch alone - the lookup call in the task's worker process (its imports included),
  the baseline's loop, direct's call; floor s: the case's floor. direct_main_thread_cpu/task: the CPU seconds of
  direct's main thread (it merges what the workers decoded and normalized) over its task time. requests: API requests the emulator counted. CPU s
  (user + system) and peak RSS: os.wait4 of the runner, including the descendants it waited for (ansible-playbook's
  workers, the module's interpreter). MB = 10^6 bytes."""


def _number(value, digits: int = 2) -> str:
    return '-' if value is None else '%.*f' % (digits, value)


def table(cases: list) -> list:
    """Lines of the table: one row per case x runner; a runner without a valid result shows its status instead."""
    header = ('case', 'runner', 'runs', 'wall s', 'task s', 'fetch CPU s', 'floor s', 'requests', 'entries', 'entries/s', 'CPU s', 'peak RSS MB')
    rows = [header]
    for case in cases:
        for name in RUNNERS:
            runner = case['runners'].get(name)
            median = runner and runner.get('median')
            if runner is None:
                continue
            if runner['status'] != 'ok' or not median:
                rows.append((case['name'], name, runner['status']))
                continue
            rows.append((case['name'], name, '%d' % len(runner['runs']), _number(median['wall_s']), _number(median['task_s']),
                         _number(median.get('fetch_cpu_s')), _number(case['floor']['floor_s']), '%d' % median['requests'],
                         '%d' % median['entries'], '%.0f' % (median['entries'] / median['task_s']), _number(median['cpu_s']),
                         '%.0f' % median['rss_mb']))
    widths = [max(len(row[index]) for row in rows if len(row) == len(header) or index < 2) for index in range(len(header))]
    lines = []
    for row in rows:
        cells = [cell.ljust(widths[index]) if index < 2 or len(row) < len(header) else cell.rjust(widths[index])
                 for index, cell in enumerate(row)]
        lines.append('  '.join(cells).rstrip())
    return lines


def floor_line(case: dict) -> str:
    floor = case['floor']
    return ('%s: %d requests x %.2f ms (measured over %d) / %d = %.3f s + json.loads %.3f s (%.1f MB in %d pages) = %.3f s'
            % (case['name'], floor['requests_min'], floor['per_request_s'] * 1000, floor['per_request_sample'], floor['concurrency'],
               floor['network_s'], floor['json_loads_s'], case['page_bytes'] / 1e6, case['pages'], floor['floor_s']))


def task_seconds(case: dict, runner: str):
    """The median task time of a runner that read the right entries, else None."""
    result = case['runners'].get(runner) or {}
    return result['median']['task_s'] if result.get('status') == 'ok' and result.get('median') else None


def median_figure(case: dict, runner: str, figure: str):
    """A median figure of a runner that read the right entries, else None."""
    return case['runners'][runner]['median'].get(figure) if task_seconds(case, runner) else None


def ratios(case: dict) -> dict:
    """module/lookup_kept compares like with like: both keep the entries in a variable (register, set_fact)."""
    baseline, direct, lookup, kept, module, judged, judged_vars, detailed = (
        task_seconds(case, name) for name in ('baseline', 'direct', 'lookup', 'lookup_kept', 'module', 'compliance', 'compliance_vars',
                                              'lookup_details'))
    floor = case['floor']['floor_s']

    def ratio(top, bottom):
        return top / bottom if top and bottom else None
    if 'lookup_details' in case['runners']:
        runs = case['runners'].get('lookup_details', {}).get('runs') or [{}]
        return {'lookup_details/lookup': ratio(detailed, lookup), 'detail_requests': runs[-1].get('detail_requests')}
    if 'compliance' in case['runners'] or 'compliance_vars' in case['runners']:
        return {'compliance/module': ratio(judged, module), 'compliance_vars/module': ratio(judged_vars, module),
                'compliance_rss/module_rss': ratio(*(case['runners'][name]['median']['rss_mb'] if task_seconds(case, name) else None
                                                     for name in ('compliance', 'module')))}
    return {
        'lookup/baseline': ratio(lookup, baseline),
        'lookup/floor': ratio(lookup, floor),
        'direct/floor': ratio(direct, floor),
        'direct_main_thread_cpu/task': ratio(median_figure(case, 'direct', 'main_cpu_s'), direct),
        'lookup_kept/lookup': ratio(kept, lookup),
        'module/lookup_kept': ratio(module, kept),
        'module/lookup': ratio(module, lookup),
        'lookup_rss/compact_json': (case['runners']['lookup']['median']['rss_mb'] * 1e6 / case['compact_json_bytes']
                                    if lookup and case.get('compact_json_bytes') else None),
    }


def _window_hours() -> float:
    start, end = (datetime.strptime(moment, '%Y-%m-%dT%H:%M:%SZ') for moment in WINDOW)
    return (end - start).total_seconds() / 3600


def archive_figures(case: dict) -> dict:
    """The archive runner against the lookup of the same run: times (task s), peak RSS (the runner's, the module
    process's, its growth over the rerun's module process, which holds no entries) and the rerun."""
    archive, lookup = task_seconds(case, 'archive'), task_seconds(case, 'lookup')
    if archive is None:
        return {'status': case['runners']['archive']['status']}
    median = case['runners']['archive']['median']
    hour = case['compact_json_bytes'] / _window_hours() if case.get('compact_json_bytes') else None
    return {'status': 'ok', 'archive_s': archive, 'lookup_s': lookup, 'archive/lookup': archive / lookup if lookup else None,
            'archive_wall_s': median['wall_s'], 'lookup_wall_s': median_figure(case, 'lookup', 'wall_s'),
            'archive_rss_mb': median['rss_mb'], 'module_rss_mb': median['module_rss_mb'], 'module_cpu_s': median['module_cpu_s'],
            'lookup_rss_mb': median_figure(case, 'lookup', 'rss_mb'),
            'module_rss_over_rerun_mb': median['module_rss_mb'] - median['rerun_module_rss_mb'],
            'compact_json_per_hour_mb': hour / 1e6 if hour else None, 'objects': median['objects'], 's3_requests': median['s3_requests'],
            'rerun_wall_s': median['rerun_wall_s'], 'rerun_task_s': median['rerun_task_s'], 'rerun_requests': median['rerun_requests'],
            'rerun_s3_requests': median['rerun_s3_requests'], 'rerun_api_requests': median['rerun_api_requests'],
            'rerun_module_rss_mb': median['rerun_module_rss_mb']}


def archive_line(case: dict) -> str:
    found = case['archive']
    if found['status'] != 'ok':
        return '%s: archive %s' % (case['name'], found['status'])
    ratio = found['archive/lookup']
    verdict = '-' if ratio is None else ('met' if ratio <= ARCHIVE_LIMIT else 'missed')
    return ('%s: archive %.2f s / lookup %s s = %s (target %.2f: %s); peak RSS archive %.0f MB (module process %.0f MB, %.0f MB above the '
            'rerun\'s), lookup %s MB, compact JSON of one hour %s MB; %d objects, %d S3 requests; rerun wall %.2f s, task %.2f s (target '
            '%.0f s: %s), stats.requests %d, stats.s3_requests %d'
            % (case['name'], found['archive_s'], _number(found['lookup_s']), '-' if ratio is None else '%.2fx' % ratio, ARCHIVE_LIMIT, verdict,
               found['archive_rss_mb'], found['module_rss_mb'], found['module_rss_over_rerun_mb'], _number(found['lookup_rss_mb'], 0),
               _number(found['compact_json_per_hour_mb'], 3), found['objects'], found['s3_requests'], found['rerun_wall_s'],
               found['rerun_task_s'], RERUN_LIMIT, 'met' if found['rerun_task_s'] < RERUN_LIMIT else 'missed', found['rerun_requests'],
               found['rerun_s3_requests']))


def ratio_line(case: dict) -> str:
    parts = []
    for name, value in case['ratios'].items():
        if value is None:
            reason = NOT_APPLICABLE if name == 'lookup/baseline' and case['runners'].get('baseline', {}).get('status') == NOT_APPLICABLE else '-'
            parts.append('%s %s' % (name, reason))
        elif isinstance(value, int):
            parts.append('%s %d' % (name, value))
        elif name == 'lookup/baseline':
            parts.append('%s %.2f (lookup %.1fx %s)' % (name, value, 1 / value if value < 1 else value, 'faster' if value < 1 else 'slower'))
        else:
            parts.append('%s %.2f' % (name, value))
    return '%s: %s' % (case['name'], ', '.join(parts))


def _target(results: dict, name: str, wanted: str, check) -> dict:
    """One target: check(case) gives (met, numbers) or raises LookupError with why it cannot be judged."""
    case = results.get(name)
    if case is None:
        return {'target': wanted, 'case': name, 'status': 'not run', 'detail': 'case not selected'}
    try:
        met, detail = check(case)
    except LookupError as missing:
        return {'target': wanted, 'case': name, 'status': 'missed', 'detail': str(missing)}
    return {'target': wanted, 'case': name, 'status': 'met' if met else 'missed', 'detail': detail}


def _need(case: dict, runner: str) -> float:
    value = task_seconds(case, runner)
    if value is None:
        raise LookupError('%s %s' % (runner, case['runners'].get(runner, {}).get('status', 'not run')))
    return value


def targets(cases: list) -> list:
    """The issues' targets (6, 14 and 17: the tighter where two name the same case), each met or missed with its numbers."""
    results = {case['name']: case for case in cases}

    def faster(case):
        base, look = _need(case, 'baseline'), _need(case, 'lookup')
        return base / look >= 3, 'baseline %.2f s / lookup %.2f s = %.2fx' % (base, look, base / look)

    def near_floor(limit):
        def check(case):
            look, floor = _need(case, 'lookup'), case['floor']['floor_s']
            return look <= limit * floor, 'lookup %.2f s / floor %.2f s = %.2fx' % (look, floor, look / floor)
        return check

    def not_slower(case):
        base, look = _need(case, 'baseline'), _need(case, 'lookup')
        return look <= base, 'lookup %.2f s, baseline %.2f s' % (look, base)

    def memory(case):
        _need(case, 'lookup')
        rss, compact = case['runners']['lookup']['median']['rss_mb'], case['compact_json_bytes'] / 1e6
        return rss <= MEMORY_LIMIT * compact, 'peak RSS %.0f MB / compact JSON %.0f MB = %.2fx' % (rss, compact, rss / compact)

    def module_vs_lookup(case):
        kept, mod, look = _need(case, 'lookup_kept'), _need(case, 'module'), _need(case, 'lookup')
        return mod <= 2 * kept, 'module %.2f s / lookup_kept %.2f s = %.2fx (module / inline lookup %.2f s = %.2fx)' % (
            mod, kept, mod / kept, look, mod / look)

    found = [_target(results, '9k-40ms', 'lookup >= 3x faster than baseline', faster),
             _target(results, '9k-40ms', 'lookup <= 1.1x floor', near_floor(1.1))]
    found += [_target(results, name, 'lookup no slower than baseline', not_slower) for name in ('9k-0ms', '20x5k-0ms')]
    for name, limit in (('200k-0ms', 3), ('200k-40ms', 1.5)):
        found.append(_target(results, name, 'lookup completes, <= %gx floor (baseline %s)' % (limit, NOT_APPLICABLE), near_floor(limit)))
        found.append(_target(results, name, 'lookup peak RSS <= %gx compact JSON of its entries' % MEMORY_LIMIT, memory))
    found.append(_target(results, '50k-0ms', 'module <= 2x lookup (both keeping the entries: register vs set_fact)', module_vs_lookup))

    def judged_in_one_pass(case):
        judged, module = _need(case, 'compliance'), _need(case, 'module')
        rss = (case['runners']['compliance']['median']['rss_mb'], case['runners']['module']['median']['rss_mb'])
        return judged <= module, 'compliance role %.2f s / module registered read %.2f s = %.2fx; peak RSS %.0f / %.0f MB' % (
            judged, module, judged / module, *rss)
    found += [_target(results, case['name'], 'compliance role reading itself <= module registered read', judged_in_one_pass)
              for case in cases if 'compliance' in case['runners']]

    def archive_vs_lookup(case):
        archive, look = _need(case, 'archive'), _need(case, 'lookup')
        return archive <= ARCHIVE_LIMIT * look, 'archive %.2f s / lookup %.2f s = %.2fx' % (archive, look, archive / look)

    def rerun(case):
        _need(case, 'archive')
        median = case['runners']['archive']['median']
        return median['rerun_task_s'] < RERUN_LIMIT, 'task %.2f s (wall %.2f s), %d API requests, %d S3 requests' % (
            median['rerun_task_s'], median['rerun_wall_s'], median['rerun_requests'], median['rerun_s3_requests'])
    archived = [case['name'] for case in cases if 'archive' in case['runners'] and case['name'] == '200k-0ms']
    found += [_target(results, name, 'archive <= %gx lookup (same run)' % ARCHIVE_LIMIT, archive_vs_lookup) for name in archived]
    found += [_target(results, name, 'archive rerun with nothing new < %g s' % RERUN_LIMIT, rerun) for name in archived]
    return found


def report(cases: list, found: list, quick: str) -> list:
    """Every line printed after the runs: table, footer, floors, ratios and targets."""
    lines = table(cases) + FOOTER.splitlines()
    lines += ['', 'floor = requests_min x per-request time / concurrency + json.loads of those pages (defaults of the collection):']
    lines += ['  ' + floor_line(case) for case in cases]
    lines += ['', 'ratios of task times; lookup_rss/compact_json = peak RSS of the lookup / json.dumps(entries, separators=(",", ":")) of the',
              '  normalized entries, computed by the bench with the collection\'s normalize_entry over the floor\'s pages (the same _source objects):']
    lines += ['  ' + ratio_line(case) for case in cases]
    archived = [case for case in cases if 'archive' in case]
    if archived:
        lines += ['', 'archive: activity_log_archive (settle 0, the case\'s window) into a fresh bucket of SeaweedFS on loopback, task s against',
                  '  the lookup\'s of the same run; module process: the module\'s own interpreter (os.wait4 through launch.py); rerun: the',
                  '  same playbook on the same bucket without start (nothing new), target < %g s:' % RERUN_LIMIT]
        lines += ['  ' + archive_line(case) for case in archived]
    lines += ['', 'targets%s:' % quick]
    lines += ['  %-7s %s: %s - %s' % (target['status'], target['case'], target['target'], target['detail']) for target in found]
    return lines

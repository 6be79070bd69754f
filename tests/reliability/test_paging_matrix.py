# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module and the lookup against every way the API might page (the engine learns which at run time): exact entries.

Nobody knows how the real API pages, so the emulator can behave in each way we consider possible (a silently capped
``limit``, a result window smaller than 10,000 or none, ``offset`` as a page index, a cap on the date range, an
inclusive ``dateEnd``, sub-contracts that need ``X-Contract-Number``). Each row starts one emulator with one contract
holding more than 10,000 entries in a 30-day window (so reading it must cut it into slices) and one behaviour, or
that behaviour under ``--profile faults``, or all of them at once, or some of them while entries arrive live. The
module and the lookup read the whole window with the default page size; every run must be exact, and the module's
``stats`` must say what the run learned (the lookup returns entries only). Rows run a few at a time.
"""

from __future__ import annotations

import datetime
import os
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from emulator.process import EmulatorProcess
from reliability_runs import HTTP_TIMEOUT, RUNNERS, UNTIL, ground_truth, judge, run_playbook, tally

CONTRACTS = (31909628, 31909629)
ENTRIES = 12000
DAYS = 30
START = '2024-05-02T00:00:00Z'  # UNTIL minus 30 days: the whole generated period
DATA = ('--days', str(DAYS), '--seed', '23')
RUNS = 1  # per runner and row: each run reads 12,000 entries; the rows, not repetition, are the point here
PARALLEL = 3
BOUND = 60.0  # seconds per run
# Only the ids travel back through ansible-core: 12,000 full entries cost it ~20 s a run, the ids a second.
QUERY = '[].{id: id}'
NEVER = r'(?!)'  # every run must be exact: any failure is wrong
FAULTS = ('--profile', 'faults')


def _row(name, flags, learned=(), contracts=1, inclusive=False, live=False):
    """``learned``: (stats key, operator, value) the module's stats must satisfy."""
    return {'name': name, 'flags': tuple(flags), 'learned': tuple(learned), 'contracts': contracts, 'inclusive': inclusive, 'live': live}


BEHAVIOURS = [
    _row('limit-cap 40', ('--limit-cap', '40'), [('page_size', '==', 40), ('paging', '==', 'offset')]),
    _row('result-window 1500', ('--result-window', '1500'), [('result_window', '==', 1500)]),
    _row('result-window 1500 plain', ('--result-window', '1500', '--result-window-message', 'plain'), [('result_window', '<=', 1500)]),
    _row('no result-window', ('--result-window', '0'), [('result_window', '==', 10000), ('page_size', '==', 100)]),
    _row('offset as page', ('--offset-mode', 'page'), [('paging', '==', 'page'), ('page_size', '==', 100)]),
    _row('range cap 7 days', ('--max-range-days', '7'), [('slices', '>=', 5)]),
    _row('inclusive dateEnd', ('--date-end', 'inclusive'), [('paging', '==', 'offset')], inclusive=True),
    _row('contract header', ('--contract-header-required',), [('page_size', '==', 100)], contracts=2),
]
ALL_FLAGS = ('--limit-cap', '40', '--result-window', '1000', '--result-window-message', 'plain', '--offset-mode', 'page',
             '--max-range-days', '7', '--date-end', 'inclusive', '--contract-header-required')
ROWS = BEHAVIOURS + [
    _row(row['name'] + ' + faults', row['flags'] + FAULTS, row['learned'] + (('retries', '>', 0),), row['contracts'], row['inclusive'])
    for row in BEHAVIOURS
] + [
    _row('all of them + faults', ALL_FLAGS + FAULTS, [('page_size', '==', 40), ('paging', '==', 'page'), ('result_window', '<=', 1000),
                                                      ('slices', '>=', 10), ('retries', '>', 0)], contracts=2, inclusive=True),
    _row('live 5/s + limit-cap 40 + offset as page', ('--live-rate', '5', '--limit-cap', '40', '--offset-mode', 'page'),
         [('page_size', '==', 40), ('paging', '==', 'page')], live=True),
]
OPERATORS = {'==': lambda got, want: got == want, '<=': lambda got, want: got is not None and got <= want,
             '>=': lambda got, want: got is not None and got >= want, '>': lambda got, want: got is not None and got > want}


def _stamp(moment: datetime.datetime) -> str:
    return moment.strftime('%Y-%m-%dT%H:%M:%S.%fZ')


def _parse(text: str) -> datetime.datetime:
    """An RFC 3339 UTC time as the emulator and the collection write it, with or without a fraction."""
    return datetime.datetime.strptime(text.replace('Z', '+0000'), '%Y-%m-%dT%H:%M:%S.%f%z' if '.' in text else '%Y-%m-%dT%H:%M:%S%z')


def newest_entry(url: str, contract: int, start: str, end: str) -> tuple:
    """(id, time) of the newest entry before ``end`` through the API itself (one hit of the last day; the emulator
    sends newest first); retried, since the row's emulator may inject faults."""
    day_before = _stamp(_parse(end) - datetime.timedelta(days=1))
    params = {'dateStart': max(start, day_before), 'dateEnd': end, 'limit': 1, 'offset': 0}
    problem = None
    for _attempt in range(8):
        try:
            response = requests.get('%s/activitylog/v1/contracts/%d' % (url, contract), params=params,
                                    headers={'Authorization': 'Bearer reseller-token'}, timeout=HTTP_TIMEOUT)
            if response.status_code == 200:
                source = response.json()['hits']['hits'][0]['_source']
                return source['@uuid'], source['meta']['time']
            problem = 'HTTP %d' % response.status_code
        except (requests.RequestException, ValueError, KeyError, IndexError) as error:
            problem = repr(error)
        time.sleep(0.2)
    raise AssertionError('could not read the newest entry of contract %d: %s' % (contract, problem))


def _before(moment: str) -> str:
    """One microsecond before ``moment``: as dateEnd of an emulator whose dateEnd is inclusive, the window [start, moment)."""
    return _stamp(_parse(moment) - datetime.timedelta(microseconds=1))


def _window(row, url: str) -> tuple:
    """(start, end, boundary id or None) of the row's window."""
    if row['live']:
        end = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0) - datetime.timedelta(seconds=2)
        return _stamp(end - datetime.timedelta(days=DAYS)), _stamp(end), None
    if row['inclusive']:
        # End the window exactly at an entry: an API with an inclusive dateEnd sends it, the run must leave it out.
        boundary, moment = newest_entry(url, CONTRACTS[0], START, UNTIL)
        return START, moment, boundary
    return START, UNTIL, None


def _checks(row, stats) -> list:
    """What the module's stats should say the run learned but do not."""
    if not isinstance(stats, dict):
        return ['no stats in the result']
    return ['stats %s is %r, expected %s %r' % (key, stats.get(key), operator, value)
            for key, operator, value in row['learned'] if not OPERATORS[operator](stats.get(key), value)]


def _run_row(row, workdir) -> dict:
    """Start the row's emulator, read the window once per runner and judge each run."""
    started = time.monotonic()
    # Rows of two contracts hold half the entries each (still more than 10,000 in the window): no slower than the others.
    flags = ('--contracts', str(row['contracts'])) + DATA + ('--entries', str(ENTRIES // row['contracts']))
    flags += (() if row['live'] else ('--until', UNTIL)) + row['flags']
    contracts = list(CONTRACTS[:row['contracts']])
    with EmulatorProcess(flags, start_timeout=60.0, admin_timeout=HTTP_TIMEOUT) as emulator:
        start, end, boundary = _window(row, emulator.url)
        truth_end = _before(end) if row['inclusive'] else end
        truth = ground_truth(emulator.url, contracts, start, truth_end)
        inclusive_truth = ground_truth(emulator.url, contracts, start, end) if row['inclusive'] else truth
        emulator.reset_stats()
        options = dict(api_url=emulator.url, start=start, end=end, query=QUERY)
        cases = [{'name': 'run %d' % number, 'auth': 'reseller', 'options': options} for number in range(1, RUNS + 1)]
        run = run_playbook('cases.yml', {'rel_cases': cases, 'rel_runners': list(RUNNERS),
                                         'rel_credentials': {'reseller': {'token': 'reseller-token'}}}, workdir)
        served = emulator.stats()['requests']
        if row['live']:
            truth = ground_truth(emulator.url, contracts, start, end)  # unchanged: live entries arrive after the window
    outcome = {'truth': len(truth), 'boundary': boundary, 'boundary_in_inclusive_truth': boundary in inclusive_truth,
               'runners': {}, 'output': run.output[-4000:], 'seconds': round(time.monotonic() - started, 1)}
    module_requests = 0
    for runner, task in (('module', 'Module'), ('lookup', 'Lookup')):
        records = run.task(task)
        judged = [judge(record, truth, NEVER) for record in records]
        stats = [record.get('stats') for record in records]
        if runner == 'module':
            module_requests = sum((item or {}).get('requests', 0) for item in stats)
        outcome['runners'][runner] = {
            'verdicts': [verdict for verdict, _why in judged], 'why': [why for _verdict, why in judged if why],
            'seconds': [record['seconds'] for record in records], 'stats': stats,
            'learned_problems': [problem for item in stats for problem in _checks(row, item)] if runner == 'module' else [],
            'boundary_returned': any(boundary in (record['ids'] or []) for record in records) if boundary else False}
    outcome['runners']['module']['requests'] = module_requests
    outcome['runners']['lookup']['requests'] = served - module_requests  # the lookup returns no stats: the emulator's count
    return outcome


def _cost(row) -> int:
    """A rough weight of a row: its contracts, doubled under faults, the row of everything at once far above."""
    weight = row['contracts'] * (2 if '--profile' in row['flags'] else 1)
    return weight * 4 if row['flags'][:len(ALL_FLAGS)] == ALL_FLAGS else weight


@pytest.fixture(scope='module')
def matrix(tmp_path_factory, figures):
    """Every row's outcome, PARALLEL rows at a time; the table goes to the session's figures."""
    base = tmp_path_factory.mktemp('paging')
    began = time.monotonic()
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        # The costliest rows first (all at once, two contracts, faults), so that no long row starts last.
        heaviest_first = sorted(enumerate(ROWS), key=lambda pair: -_cost(pair[1]))
        futures = {row['name']: pool.submit(_run_row, row, os.path.join(str(base), 'r%d' % index)) for index, row in heaviest_first}
        outcomes = {name: future.result() for name, future in futures.items()}
    rows = []
    for row in ROWS:
        outcome = outcomes[row['name']]
        for runner, counted in outcome['runners'].items():
            line = {'row': row['name'], 'runner': runner, 'entries': outcome['truth'], 'row_seconds': outcome['seconds']}
            line.update(tally(counted['verdicts'], counted['seconds']))
            line['requests'] = counted['requests']
            stats = (counted['stats'] or [None])[0] or {}
            for key in ('page_size', 'result_window', 'paging', 'slices', 'retries'):
                line[key] = stats.get(key, '-') if runner == 'module' else '-'
            rows.append(line)
    figures['paging_matrix'] = rows
    figures['paging_matrix_seconds'] = round(time.monotonic() - began, 1)
    return outcomes


@pytest.mark.parametrize('row', ROWS, ids=[row['name'] for row in ROWS])
def test_row_gives_exact_entries_and_says_what_it_learned(matrix, row):
    outcome = matrix[row['name']]
    assert outcome['truth'] > 10000, 'the window holds too few entries to need slicing: %d' % outcome['truth']
    if row['inclusive']:
        assert outcome['boundary_in_inclusive_truth'], 'the window does not end at an entry that an inclusive dateEnd sends'
    for runner, counted in outcome['runners'].items():
        verdicts = counted['verdicts']
        assert len(verdicts) == RUNS, '%s ran %d times, not %d:\n%s' % (runner, len(verdicts), RUNS, outcome['output'])
        assert verdicts == ['exact'] * RUNS, '%s: %s, %s' % (runner, verdicts, counted['why'])
        assert not counted['boundary_returned'], '%s returned the entry at the end of the window' % runner
        assert not counted['learned_problems'], '%s: %s' % (runner, counted['learned_problems'])
        slowest = max(counted['seconds'])
        assert slowest <= BOUND, '%s: a run took %.1f s, more than the bound of %.0f s' % (runner, slowest, BOUND)

# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module and the lookup under every fault the emulator injects: exact entries, or a clear failure, in bounded time.

Two kinds of profile. Where retries can win (``--fault-streak-max`` below ``retries``: K+1 tries always get through)
every run must return exactly the window. Where they cannot (every answer faulty, K above ``retries``) every run
must fail with the message that names the cause. Anything else (partial data, a duplicate, a vague message, a
traceback) is wrong. Each profile gets its own emulator; the profiles run three at a time to keep the suite short.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import pytest

from emulator.process import EmulatorProcess
from reliability_runs import RUNNERS, UNTIL, WINDOW, ground_truth, judge, run_playbook, tally

CONTRACTS = (31909628, 31909629)
DATA = ('--contracts', '2', '--entries', '400', '--days', '2', '--until', UNTIL, '--seed', '5')
RUNS = 3
PARALLEL = 3
CAUSE_SUFFIX = r'.*\(gave up after %s\)'


def _profile(name, flags, expect, cause='', bound=60.0, **options):
    return {'name': name, 'flags': flags, 'expect': expect, 'cause': cause, 'bound': bound, 'options': options}


# Retries win: at most 2 faults in a row for the same request, 5 retries (the default).
WIN = [
    _profile('429-storm', ('--rate-limit', '5', '--rate-burst', '2'), 'exact', concurrency=4),
    _profile('5xx-burst', ('--error-rate', '0.3'), 'exact'),
    _profile('dropped-connections', ('--drop-rate', '0.3'), 'exact'),
    _profile('slower-than-timeout', ('--slow-rate', '0.3', '--slow-seconds', '2'), 'exact', timeout=0.5),
    _profile('truncated-json', ('--truncate-rate', '0.3'), 'exact'),
    _profile('malformed-json', ('--malformed-rate', '0.3'), 'exact'),
    _profile('html-error-pages', ('--html-error-rate', '0.3'), 'exact'),
    _profile('mixed (--profile faults)', ('--profile', 'faults'), 'exact'),
]
# Retries cannot win: every answer is faulty for 10 tries in a row, and a run may retry twice (once when slow).
ALWAYS = ('--fault-streak-max', '10')
LOSE = [
    _profile('429-storm', ('--error-rate', '1', '--error-codes', '429') + ALWAYS, 'clear failure',
             r'^The API kept rate limiting the requests \(429\): lower concurrency' + CAUSE_SUFFIX % '2 retries', 30.0, retries=2),
    _profile('5xx-burst', ('--error-rate', '1') + ALWAYS, 'clear failure',
             r'^The API failed \(50[0234]\): .*Run again later' + CAUSE_SUFFIX % '2 retries', 30.0, retries=2),
    _profile('dropped-connections', ('--drop-rate', '1') + ALWAYS, 'clear failure',
             r'^The connection to http://127\.0\.0\.1:\d+/activitylog/v1 failed or was dropped' + CAUSE_SUFFIX % '2 retries', 30.0, retries=2),
    _profile('slower-than-timeout', ('--slow-rate', '1', '--slow-seconds', '2') + ALWAYS, 'clear failure',
             r'^No answer from http://127\.0\.0\.1:\d+/activitylog/v1 within 0\.5 seconds: raise timeout' + CAUSE_SUFFIX % '1 retry', 30.0,
             timeout=0.5, retries=1),
    _profile('truncated-json', ('--truncate-rate', '1') + ALWAYS, 'clear failure',
             r'^The API answered 200 with a body that is not valid JSON \(application/json' + CAUSE_SUFFIX % '2 retries', 30.0, retries=2),
    _profile('malformed-json', ('--malformed-rate', '1') + ALWAYS, 'clear failure',
             r'^The API answered 200 with a body that is not valid JSON' + CAUSE_SUFFIX % '2 retries', 30.0, retries=2),
    _profile('html-error-pages', ('--html-error-rate', '1') + ALWAYS, 'clear failure',
             r'^The API failed \(50[23]\): the answer was not an IONOS error body \(text/html' + CAUSE_SUFFIX % '2 retries', 30.0, retries=2),
]
PROFILES = WIN + LOSE
# For profiles where retries win, a failure still has to be one of the documented messages to count as clear.
ANY_DOCUMENTED_CAUSE = (r'^(The API kept rate limiting|The API failed \(5\d\d\)|The connection to .* failed or was dropped|No answer from '
                        r'|The API answered 200 with a body that is not valid JSON|contract \d+ kept changing|The API counted \d+ entries)')


def _key(profile) -> str:
    return '%s/%s' % (profile['name'], 'retries-win' if profile['expect'] == 'exact' else 'retries-lose')


def _run_profile(profile, workdir) -> dict:
    """Start the profile's emulator, run RUNS cases with each runner in one playbook, judge every run."""
    with EmulatorProcess(DATA + profile['flags'], start_timeout=60.0) as emulator:
        truth = ground_truth(emulator.url, CONTRACTS, WINDOW['start'], WINDOW['end'])
        options = dict(api_url=emulator.url, page_size=50, **WINDOW)
        options.update(profile['options'])
        cases = [{'name': 'run %d' % number, 'auth': 'reseller', 'options': options} for number in range(1, RUNS + 1)]
        run = run_playbook('cases.yml', {'rel_cases': cases, 'rel_runners': list(RUNNERS),
                                         'rel_credentials': {'reseller': {'token': 'reseller-token'}}}, workdir)
    cause = profile['cause'] or ANY_DOCUMENTED_CAUSE
    outcome = {'truth': len(truth), 'runners': {}, 'output': run.output[-4000:]}
    for runner, task in (('module', 'Module'), ('lookup', 'Lookup')):
        records = run.task(task)
        judged = [judge(record, truth, cause) for record in records]
        outcome['runners'][runner] = {'verdicts': [verdict for verdict, _why in judged], 'why': [why for _verdict, why in judged if why],
                                      'seconds': [record['seconds'] for record in records]}
    return outcome


@pytest.fixture(scope='module')
def matrix(tmp_path_factory, figures):
    """Every profile's outcome, computed PARALLEL profiles at a time; the table goes to the session's figures."""
    base = tmp_path_factory.mktemp('matrix')
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        futures = {_key(profile): pool.submit(_run_profile, profile, os.path.join(str(base), 'p%d' % index))
                   for index, profile in enumerate(PROFILES)}
        outcomes = {key: future.result() for key, future in futures.items()}
    rows = []
    for profile in PROFILES:
        for runner, counted in outcomes[_key(profile)]['runners'].items():
            row = {'profile': profile['name'], 'runner': runner, 'expect': profile['expect']}
            row.update(tally(counted['verdicts'], counted['seconds']))
            rows.append(row)
    figures['fault_matrix'] = rows
    return outcomes


@pytest.mark.parametrize('profile', PROFILES, ids=_key)
def test_profile_gives_exact_entries_or_a_clear_failure(matrix, profile):
    outcome = matrix[_key(profile)]
    assert outcome['truth'] == 800
    for runner, counted in outcome['runners'].items():
        verdicts = counted['verdicts']
        assert len(verdicts) == RUNS, '%s ran %d times, not %d:\n%s' % (runner, len(verdicts), RUNS, outcome['output'])
        assert 'wrong' not in verdicts, '%s: %s' % (runner, counted['why'])
        assert verdicts == [profile['expect']] * RUNS, '%s: %s, %s' % (runner, verdicts, counted['why'])
        slowest = max(counted['seconds'])
        assert slowest <= profile['bound'], '%s: a run took %.1f s, more than the bound of %.0f s' % (runner, slowest, profile['bound'])

# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""200 consecutive lookups in one process under a mixed fault profile: no wrong result, no leaked thread, socket or memory.

The lookup runs in-process (as ansible-playbook's worker runs it), so threads, open file descriptors and sockets
(/proc/self/fd) and the resident set (/proc/self/status) can be read between runs. They are taken after a warm-up
(imports, the first connections, allocator pools) and must not grow from then on.
"""

from __future__ import annotations

import os
import re
import threading
import time

from ansible.errors import AnsibleError
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import init_plugin_loader, lookup_loader
from ansible.template import Templar

from reliability_runs import BUILD, UNTIL, WINDOW, ground_truth, difference

RUNS = 200
WARMUP = 20
MEMORY_FROM = 50
MAX_RSS_GROWTH_MB = 12.0
RUN_BOUND_SECONDS = 30.0
CONTRACT_SETS = ([31909628], [31909629], [31909628, 31909629])
MIXED = ('--error-rate', '0.05', '--error-codes', '429,500,502,503,504', '--drop-rate', '0.02', '--truncate-rate', '0.02',
         '--malformed-rate', '0.02', '--html-error-rate', '0.02', '--slow-rate', '0.01', '--slow-seconds', '1', '--fault-streak-max', '2')
CLEAR = re.compile(r'^activity_log: (The API kept rate limiting|The API failed \(5\d\d\)|The connection to .* failed or was dropped|No answer from '
                   r'|The API answered 200 with a body that is not valid JSON)')


def resources() -> dict:
    """Threads, open descriptors, sockets among them, resident memory (MB) of this process now."""
    descriptors = os.listdir('/proc/self/fd')
    sockets = 0
    for name in descriptors:
        try:
            sockets += os.readlink('/proc/self/fd/' + name).startswith('socket:')
        except OSError:  # the descriptor listdir itself used, closed since
            pass
    with open('/proc/self/status', encoding='ascii') as handle:
        rss_kb = int(next(line for line in handle if line.startswith('VmRSS:')).split()[1])
    return {'threads': threading.active_count(), 'fds': len(descriptors), 'sockets': sockets, 'rss_mb': round(rss_kb / 1024.0, 1)}


def one_lookup(url: str, contracts: list) -> list:
    plugin = lookup_loader.get('ionos.activitylog.activity_log', loader=DataLoader(), templar=Templar(loader=DataLoader()))
    return plugin.run(list(contracts), variables={}, api_url=url, token='reseller-token', page_size=50, timeout=0.5, **WINDOW)


def test_200_lookups_under_mixed_faults_stay_exact_and_leak_nothing(start_emulator, figures):
    init_plugin_loader([BUILD])  # what ansible-playbook does first: the collection loader over the laid-out collection
    emulator = start_emulator('--contracts', '2', '--entries', '150', '--days', '2', '--until', UNTIL, '--seed', '9', *MIXED)
    truths = {tuple(contracts): ground_truth(emulator.url, contracts, WINDOW['start'], WINDOW['end']) for contracts in CONTRACT_SETS}
    counts = {'exact': 0, 'clear failure': 0, 'wrong': 0}
    problems, samples, seconds = [], [], []
    started = time.monotonic()
    for number in range(RUNS):
        contracts = CONTRACT_SETS[number % len(CONTRACT_SETS)]
        began = time.monotonic()
        try:
            ids = [entry['id'] for entry in one_lookup(emulator.url, contracts)]
        except AnsibleError as error:
            verdict = 'clear failure' if CLEAR.search(str(error)) else 'wrong'
            if verdict == 'wrong':
                problems.append('run %d failed unclearly: %s' % (number, str(error)[:300]))
        else:
            problem = difference(ids, truths[tuple(contracts)])
            verdict = 'wrong' if problem else 'exact'
            if problem:
                problems.append('run %d: %s' % (number, problem))
        seconds.append(time.monotonic() - began)
        counts[verdict] += 1
        samples.append(resources())
    base, memory_base, last = samples[WARMUP - 1], samples[MEMORY_FROM - 1], samples[-1]
    peak = {key: max(sample[key] for sample in samples[WARMUP:]) for key in ('threads', 'fds', 'sockets')}
    figures['soak'] = {
        'lookups': RUNS, 'exact': counts['exact'], 'clear_failures': counts['clear failure'], 'wrong': counts['wrong'],
        'seconds': round(time.monotonic() - started, 1), 'max_run_seconds': round(max(seconds), 2),
        'threads': [base['threads'], peak['threads'], last['threads']], 'sockets': [base['sockets'], peak['sockets'], last['sockets']],
        'fds': [base['fds'], peak['fds'], last['fds']],
        'rss_mb': [samples[0]['rss_mb'], memory_base['rss_mb'], last['rss_mb']],
    }
    assert counts['wrong'] == 0, problems
    # Faults come at most twice in a row per request and the lookup retries 5 times: every run must get through.
    assert counts['exact'] == RUNS, counts
    assert max(seconds) <= RUN_BOUND_SECONDS
    for key in ('threads', 'fds', 'sockets'):
        assert peak[key] <= base[key], '%s grew after the warm-up: %s' % (key, figures['soak'])
    assert last['rss_mb'] - memory_base['rss_mb'] <= MAX_RSS_GROWTH_MB, 'memory grew: %s' % figures['soak']

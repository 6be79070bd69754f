# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run the module and the lookup the way users do (ansible-playbook) and judge every run against the ground truth.

A run is ``exact`` when its ids equal the emulator's ground truth of the window with no id twice, a ``clear
failure`` when it failed with a message that names the expected cause and carries no traceback, and ``wrong``
otherwise: partial data, duplicates, foreign entries, a vague or leaking message. Every subprocess and HTTP call
has a timeout.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time

from emulator.process import EmulatorAdmin

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
BUILD = os.path.join(REPO, '.build')
VENV_BIN = os.path.join(REPO, '.venv', 'bin')
PLAYBOOKS = os.path.join(HERE, 'playbooks')
RESULTS_FILE = os.path.join(BUILD, 'reliability', 'results.json')

HTTP_TIMEOUT = 10.0
PLAYBOOK_TIMEOUT = 240.0
UNTIL = '2024-06-01T00:00:00Z'
WINDOW = {'start': '2024-05-30T00:00:00Z', 'end': UNTIL}
RUNNERS = ('module', 'lookup')
# Variables that would change what a child trusts or reads: the tests set them explicitly where they mean to.
SCRUBBED_ENV = ('REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE', 'SSL_CERT_FILE', 'HTTPS_PROXY', 'HTTP_PROXY', 'https_proxy', 'http_proxy',
                'ALL_PROXY', 'all_proxy')
# ansible-core wraps a lookup's error ("Task failed: ... The lookup plugin '...' failed: activity_log: <message>").
LOOKUP_PREFIX = re.compile(r"^.*?The lookup plugin 'ionos\.activitylog\.activity_log' failed: activity_log: ", re.S)
TRACEBACK = re.compile(r'Traceback \(most recent call last\)|File "[^"]+", line \d+')


class PlaybookRun:
    """One ansible-playbook process: its records (one per task or loop item), output and timing."""

    def __init__(self, records: list, stdout: str, stderr: str, returncode: int, wall: float):
        self.records = records
        self.stdout = stdout
        self.stderr = stderr
        self.returncode = returncode
        self.wall = wall

    @property
    def output(self) -> str:
        return self.stdout + '\n' + self.stderr

    def task(self, name: str) -> list:
        return [record for record in self.records if record['task'] == name]


def child_env(extra: dict | None = None) -> dict:
    """The controller's environment for a playbook: no inherited IONOS_*, CA bundle or proxy; the laid-out collection."""
    env = {name: value for name, value in os.environ.items() if not name.startswith('IONOS_') and name not in SCRUBBED_ENV}
    env.update(ANSIBLE_COLLECTIONS_PATH=BUILD, ANSIBLE_CALLBACK_PLUGINS=os.path.join(HERE, 'callback_plugins'),
               ANSIBLE_CALLBACKS_ENABLED='reliability_record', ANSIBLE_NOCOLOR='1', ANSIBLE_FORCE_COLOR='0',
               ANSIBLE_RETRY_FILES_ENABLED='0', ANSIBLE_LOCALHOST_WARNING='0', ANSIBLE_INVENTORY_UNPARSED_WARNING='0',
               ANSIBLE_DEPRECATION_WARNINGS='0', ANSIBLE_HOME=os.path.join(BUILD, 'reliability', 'ansible-home'))
    env.update(extra or {})
    return env


def run_playbook(playbook: str, variables: dict, workdir: str, verbosity: int = 0, env: dict | None = None,
                 timeout: float = PLAYBOOK_TIMEOUT) -> PlaybookRun:
    """ansible-playbook PLAYBOOK -e @vars on localhost; raises on a hang (the whole process group is killed)."""
    os.makedirs(workdir, exist_ok=True)
    vars_file = os.path.join(workdir, 'vars.json')
    record_file = os.path.join(workdir, 'records.json')
    with open(vars_file, 'w', encoding='utf-8') as handle:
        json.dump(variables, handle)
    if os.path.exists(record_file):
        os.remove(record_file)
    argv = [os.path.join(VENV_BIN, 'ansible-playbook'), '-i', 'localhost,', os.path.join(PLAYBOOKS, playbook), '-e', '@' + vars_file]
    if verbosity:
        argv.append('-' + 'v' * verbosity)
    started = time.monotonic()
    child = subprocess.Popen(argv, env=child_env(dict(env or {}, RELIABILITY_RECORD_FILE=record_file)), cwd=workdir,  # pylint: disable=consider-using-with
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        stdout, stderr = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, 9)
        child.communicate(timeout=30)
        raise
    wall = time.monotonic() - started
    records = []
    if os.path.exists(record_file):
        with open(record_file, encoding='utf-8') as handle:
            records = json.load(handle)
    return PlaybookRun(records, stdout, stderr, child.returncode, wall)


def ground_truth(url: str, contracts, start: str, end: str, verify=True) -> list:
    """The ids of every contract in [start, end) from the emulator's store (not paged, no faults); ``verify``: a CA file for TLS."""
    return EmulatorAdmin(url, cafile=None if verify is True else verify, timeout=HTTP_TIMEOUT).entry_ids(contracts, start, end)


def difference(ids: list, truth: list) -> str:
    """What is wrong with ``ids`` against ``truth``, '' when nothing."""
    problems = []
    wanted, got = set(truth), set(ids)
    if len(ids) != len(got):
        problems.append('%d ids twice' % (len(ids) - len(got)))
    if wanted - got:
        problems.append('%d of %d entries missing' % (len(wanted - got), len(wanted)))
    if got - wanted:
        problems.append('%d entries not in the window' % len(got - wanted))
    return ', '.join(problems)


def collection_message(message: str) -> str:
    """The collection's own message: a lookup's without the wrapping ansible-core adds."""
    return LOOKUP_PREFIX.sub('', message, count=1)


def judge(record: dict, truth: list, cause: str) -> tuple:
    """('exact' | 'clear failure' | 'wrong', why) for one run's record; ``cause`` is the regex its failure must match."""
    if record['status'] == 'ok':
        if record['ids'] is None:
            return 'wrong', 'succeeded without a list of entries'
        problem = difference(record['ids'], truth)
        return ('wrong', 'succeeded with ' + problem) if problem else ('exact', '')
    message = collection_message(record['msg'])
    if TRACEBACK.search(message) or TRACEBACK.search(record.get('exception') or ''):
        return 'wrong', 'failed with a traceback: %s' % message[:300]
    if not re.search(cause, message):
        return 'wrong', 'failed without naming the cause (%s): %s' % (cause, message[:300])
    return 'clear failure', ''


def tally(verdicts: list, seconds: list) -> dict:
    """The counts of a set of runs, for the summary table."""
    return {'runs': len(verdicts), 'exact': verdicts.count('exact'), 'clear_failures': verdicts.count('clear failure'),
            'wrong': verdicts.count('wrong'), 'max_seconds': round(max(seconds), 2) if seconds else 0.0,
            'mean_seconds': round(sum(seconds) / len(seconds), 2) if seconds else 0.0}

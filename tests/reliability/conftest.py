# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the reliability suite: emulators on loopback (always stopped), credentials, a TLS CA, the figures.

Every test adds its figures to ``figures``; at the end of the session they are printed as a table (so the logs
of ``make test`` show them) and written to .build/reliability/results.json (docs/reliability.md quotes them).
"""

from __future__ import annotations

import datetime
import json
import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
# The in-process lookup (soak) finds the collection where ansible-playbook does: in the laid-out .build.
os.environ['ANSIBLE_COLLECTIONS_PATH'] = os.path.join(REPO, '.build')
if REPO not in sys.path:
    sys.path.insert(0, REPO)

from emulator.process import EmulatorProcess  # noqa: E402  pylint: disable=wrong-import-position
from reliability_runs import RESULTS_FILE  # noqa: E402  pylint: disable=wrong-import-position
from reliability_secrets import SECRETS, USERNAME  # noqa: E402  pylint: disable=wrong-import-position

FIGURES = {}


@pytest.fixture
def start_emulator():
    """Factory: ``start_emulator(*flags)`` starts ``python -m emulator --port 0 FLAGS``; all are stopped after the test."""
    started = []

    def start(*args):
        emulator = EmulatorProcess(args, start_timeout=60.0)
        started.append(emulator)
        return emulator

    try:
        yield start
    finally:
        for emulator in started:
            emulator.send_signal()
        for emulator in started:
            emulator.stop()


@pytest.fixture(scope='session')
def figures():
    """The session's figures, by section; printed and written to results.json at the end."""
    return FIGURES


@pytest.fixture(scope='session')
def credentials_file(tmp_path_factory):
    """An emulator --credentials file with the distinctive secrets (a reader token, a token without privilege, a Basic user)."""
    path = tmp_path_factory.mktemp('credentials') / 'credentials.json'
    path.write_text(json.dumps({
        'tokens': {SECRETS['token']: {'contracts': '*'}, SECRETS['noprivilege_token']: {'contracts': '*', 'privilege': False}},
        'basic': {USERNAME: {'password': SECRETS['password'], 'contracts': '*'}},
    }), encoding='utf-8')
    return str(path)


@pytest.fixture(scope='session')
def tls_files(tmp_path_factory):
    """(server PEM with key and chain, CA PEM): a throw-away CA from trustme that signed a certificate for 127.0.0.1."""
    trustme = pytest.importorskip('trustme')
    folder = tmp_path_factory.mktemp('tls')
    authority = trustme.CA()
    authority.issue_cert('127.0.0.1', 'localhost').private_key_and_cert_chain_pem.write_to_path(str(folder / 'server.pem'))
    authority.cert_pem.write_to_path(str(folder / 'ca.pem'))
    return str(folder / 'server.pem'), str(folder / 'ca.pem')


def _table(rows: list, columns: tuple) -> list:
    widths = [max(len(str(name)), *(len(str(row.get(name, ''))) for row in rows)) for name in columns]
    lines = ['  '.join(str(name).ljust(width) for name, width in zip(columns, widths))]
    lines += ['  '.join(str(row.get(name, '')).ljust(width) for name, width in zip(columns, widths)) for row in rows]
    return lines


def pytest_terminal_summary(terminalreporter):
    """Print the figures of this session: the fault and paging matrices as tables, the other sections one line each."""
    if not FIGURES:
        return
    terminalreporter.section('reliability figures')
    matrix = FIGURES.get('fault_matrix')
    if matrix:
        columns = ('profile', 'runner', 'expect', 'runs', 'exact', 'clear_failures', 'wrong', 'max_seconds', 'mean_seconds')
        for line in _table(matrix, columns):
            terminalreporter.write_line(line)
    paging = FIGURES.get('paging_matrix')
    if paging:
        columns = ('row', 'runner', 'entries', 'runs', 'exact', 'wrong', 'max_seconds', 'requests', 'page_size', 'result_window', 'paging',
                   'slices', 'retries', 'row_seconds')
        terminalreporter.write_line('')
        for line in _table(paging, columns):
            terminalreporter.write_line(line)
    for section, value in sorted(FIGURES.items()):
        if section not in ('fault_matrix', 'paging_matrix'):
            terminalreporter.write_line('%s: %s' % (section, json.dumps(value, sort_keys=True)))
    terminalreporter.write_line('written to %s' % os.path.relpath(RESULTS_FILE, REPO))


def pytest_sessionfinish(session):  # pylint: disable=unused-argument
    if not FIGURES:
        return
    os.makedirs(os.path.dirname(RESULTS_FILE), exist_ok=True)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')
    with open(RESULTS_FILE, 'w', encoding='utf-8') as handle:
        json.dump({'finished': stamp, 'cpus': os.cpu_count(), 'figures': FIGURES}, handle, indent=1, sort_keys=True)

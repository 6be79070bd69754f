# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run the integration targets under the oldest and the newest ansible-core the collection claims.

Each row of tests/matrix.yml gets a virtualenv per Python (ansible-core, requests and jmespath at the row's
versions) and runs that ansible-core's own ansible-test against the same emulators as `make integration`, then the
unit tests of module_utils (the HTTP client, TLS, proxies, the engine) with pytest in that virtualenv, so that they
meet the row's requests and urllib3 (`ansible-test units` would install the newest). A Python
this machine lacks is reported as not run; a claimed ansible-core with no Python at all here fails the matrix, and
so does a first row that is not the requires_ansible of meta/runtime.yml. Prints a table, writes it as JSON, and
ends with a 'N passed, N failed' line.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time

import yaml

from pythons import find_python

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLLECTION = os.path.join(ROOT, '.build', 'ansible_collections', 'ionos', 'activitylog')
MATRIX_DIR = os.path.join(ROOT, '.build', 'matrix')
RUN_TIMEOUT = 1800  # seconds for one row's integration run
# What the tests import themselves: role_compliance's JUnit check, and the module_utils unit tests the row also runs.
TEST_PACKAGES = ('xmlschema', 'pytest', 'pytest-xdist', 'trustme')  # at the versions of requirements-dev.txt
UNPINNED_TEST_PACKAGES = ('hypothesis',)  # its development pin needs Python 3.11: each row takes what pip gives its Python
UNIT_TESTS = 'tests/unit/plugins/module_utils'


def read_lines(name: str) -> list[str]:
    with open(os.path.join(ROOT, name), encoding='utf-8') as handle:
        return [line.split('#')[0].strip() for line in handle if line.split('#')[0].strip()]


def python_packages(kind: str) -> list[str]:
    """requirements.txt at its lower bounds ('minimum') or as pinned for development ('pinned'), plus test packages."""
    names = [re.split(r'[<>=!~ ]', line)[0] for line in read_lines('requirements.txt')]
    pinned = {re.split(r'[<>=!~ ]', line)[0].lower(): line for line in read_lines('requirements-dev.txt')}
    if kind == 'minimum':
        packages = [re.sub(r'>=', '==', line) for line in read_lines('requirements.txt')]
        if not all('==' in package for package in packages):
            raise SystemExit('requirements.txt: every requirement needs a lower bound (>=) for the minimum row')
    elif kind == 'pinned':
        packages = [pinned[name.lower()] for name in names]
    else:
        raise SystemExit('tests/matrix.yml: python_packages must be minimum or pinned, not %r' % kind)
    return packages + [pinned[name] for name in TEST_PACKAGES] + list(UNPINNED_TEST_PACKAGES)


def ensure_venv(path: str, python: str, packages: list[str]) -> str:
    """A virtualenv with exactly these packages, reused while the list is the same."""
    marker = os.path.join(path, '.installed')
    wanted = '\n'.join(packages)
    if os.path.isfile(marker):
        with open(marker, encoding='utf-8') as handle:
            if handle.read() == wanted:
                return os.path.join(path, 'bin')
    shutil.rmtree(path, ignore_errors=True)
    subprocess.run([python, '-m', 'venv', path], check=True)
    pip = [os.path.join(path, 'bin', 'python'), '-m', 'pip', 'install', '--quiet', '--disable-pip-version-check']
    subprocess.run(pip + ['--upgrade', 'pip'], check=True)
    subprocess.run(pip + packages, check=True)
    with open(marker, 'w', encoding='utf-8') as handle:
        handle.write(wanted)
    return os.path.join(path, 'bin')


def check_claim(rows: list[dict]) -> None:
    with open(os.path.join(ROOT, 'meta', 'runtime.yml'), encoding='utf-8') as handle:
        claim = yaml.safe_load(handle)['requires_ansible']
    oldest = re.fullmatch(r'>=(\d+\.\d+)\.\d+', claim)
    if not oldest or not rows[0]['ansible_core'].startswith(oldest.group(1) + '.'):
        raise SystemExit('tests/matrix.yml: the first row must be the oldest claimed ansible-core (%s in meta/runtime.yml)' % claim)


def run_row(core: str, version: str, python: str, packages: list[str], emulators: list[str], targets: list[str]) -> dict:
    name = 'core%s-py%s' % (core, version)
    started = time.monotonic()
    bin_dir = ensure_venv(os.path.join(MATRIX_DIR, name), python, ['ansible-core==' + core] + packages)
    command = [sys.executable, os.path.join(ROOT, 'scripts', 'with_emulator.py'), *emulators,
               '--config', os.path.join(COLLECTION, 'tests', 'integration', 'integration_config.yml'), '--cwd', COLLECTION,
               '--', os.path.join(bin_dir, 'ansible-test'), 'integration', '--python', version, '--color', 'no', '--continue-on-error', *targets]
    print('\n### ansible-core %s on Python %s: %s' % (core, version, ' '.join(command[-6:])), flush=True)
    env = {key: value for key, value in os.environ.items() if not key.startswith(('ANSIBLE_', 'IONOS_'))}
    env['PATH'] = bin_dir + os.pathsep + env.get('PATH', '')
    try:
        code = subprocess.run(command, env=env, timeout=RUN_TIMEOUT, check=False).returncode
        code = code or run_units(bin_dir, version, env)
    except subprocess.TimeoutExpired:
        code = 'timeout after %d s' % RUN_TIMEOUT
    return {'ansible_core': core, 'python': version, 'packages': packages, 'result': 'passed' if code == 0 else 'failed',
            'exit': code, 'seconds': round(time.monotonic() - started, 1)}


def run_units(bin_dir: str, version: str, env: dict) -> int:
    """The module_utils unit tests in the row's virtualenv, with ansible-test's pytest plugin for the collection loader."""
    python = os.path.join(bin_dir, 'python')
    plugins = subprocess.run([python, '-c', 'import ansible_test, os; print(os.path.join(os.path.dirname(ansible_test.__file__), '
                              '"_util", "target", "pytest", "plugins"))'], capture_output=True, text=True, check=True).stdout.strip()
    print('\n### module_utils unit tests on Python %s' % version, flush=True)
    env = dict(env, ANSIBLE_CONTROLLER_MIN_PYTHON_VERSION=version, ANSIBLE_COLLECTIONS_PATH=os.path.dirname(os.path.dirname(os.path.dirname(COLLECTION))),
               PYTHONPATH=os.pathsep.join([plugins, os.path.dirname(os.path.dirname(os.path.dirname(COLLECTION)))]),
               PYTEST_PLUGINS='ansible_pytest_collections')
    return subprocess.run([python, '-m', 'pytest', '-q', '-p', 'no:cacheprovider', '-n', '2', UNIT_TESTS], cwd=COLLECTION, env=env,
                          timeout=RUN_TIMEOUT, check=False).returncode


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--emulator', action='append', default=[], metavar="NAME='ARGS'", help='as for scripts/with_emulator.py')
    parser.add_argument('targets', nargs='*', help='integration targets (default: all)')
    args = parser.parse_args(argv)
    with open(os.path.join(ROOT, 'tests', 'matrix.yml'), encoding='utf-8') as handle:
        rows = yaml.safe_load(handle)
    check_claim(rows)
    emulators = [item for spec in args.emulator for item in ('--emulator', spec)]
    results, unproved = [], []
    for row in rows:
        ran = 0
        for version in row['pythons']:
            python = find_python(version)
            if python is None:
                results.append({'ansible_core': row['ansible_core'], 'python': version, 'result': 'not run: no python%s here' % version})
                continue
            ran += 1
            results.append(run_row(row['ansible_core'], version, python, python_packages(row['python_packages']), emulators, args.targets))
        if not ran:
            unproved.append(row['ansible_core'])
    os.makedirs(MATRIX_DIR, exist_ok=True)
    with open(os.path.join(MATRIX_DIR, 'results.json'), 'w', encoding='utf-8') as handle:
        json.dump(results, handle, indent=2)
    print('\n%-14s %-7s %-8s %s' % ('ansible-core', 'python', 'seconds', 'result'))
    for result in results:
        print('%-14s %-7s %-8s %s' % (result['ansible_core'], result['python'], result.get('seconds', '-'), result['result']))
    for core in unproved:
        print('ansible-core %s is claimed but no Python it supports is on this machine: install one (pyenv) to prove it' % core)
    passed = sum(result['result'] == 'passed' for result in results)
    failed = sum(result['result'] == 'failed' for result in results) + len(unproved)
    print('matrix: %d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))

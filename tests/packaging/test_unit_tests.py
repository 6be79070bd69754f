# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shipped unit tests pass in a copy installed from the artifact, as a packager or a user runs them there.

`ansible-test units` in ``<path>/ansible_collections/ionos/activitylog`` after ``ansible-galaxy collection install``:
nothing from the checkout is on hand, so a test that needs a file the artifact leaves out (emulator/, which the
tests start, was one) fails here. One Python is enough for that; `make units` runs every Python on the checkout.
"""

from __future__ import annotations

import glob
import os
import xml.etree.ElementTree as ET

from emulator.process import REPO_ROOT
from conftest import BIN, ansible_env, run

PYTHON_VERSION = '3.11'
# Tests that start the shipped emulator, a module_utils one and a controller one: both must have run, and passed.
EMULATOR_BACKED = ('tests.unit.plugins.module_utils.test_engine', 'tests.unit.plugins.lookup.test_activity_log')
# `make pythons`: python3.X links for ansible-test, and the pip bootstrap its --venv needs where only the package index is reachable.
PYTHON_LINKS = os.path.join(REPO_ROOT, '.build', 'pythons')
UNITS_TIMEOUT = 1800


def test_shipped_unit_tests_pass_in_the_installed_copy(artifact, tmp_path):
    """The tests that start the emulator (they share conftest.py with every other unit test) on one Python, in a copy of
    its own (ansible-test writes tests/output into it); the whole suite runs in `make units`, from the checkout."""
    collections = str(tmp_path / 'collections')
    run(os.path.join(BIN, 'ansible-galaxy'), 'collection', 'install', '--offline', '-p', collections, artifact, env=ansible_env(collections))
    root = os.path.join(collections, 'ansible_collections', 'ionos', 'activitylog')
    assert os.path.isfile(os.path.join(root, 'emulator', 'process.py')), 'the artifact lacks the emulator the unit tests start'
    env = ansible_env(collections, PATH=os.pathsep.join([PYTHON_LINKS, BIN, os.environ.get('PATH', '')]))
    targets = [module.replace('.', '/') + '.py' for module in EMULATOR_BACKED]
    run(os.path.join(BIN, 'ansible-test'), 'units', '--venv', '--python', PYTHON_VERSION, '--color', 'no', *targets, cwd=root, env=env,
        timeout=UNITS_TIMEOUT)
    outcomes = junit_outcomes(os.path.join(root, 'tests', 'output', 'junit'))
    for module in EMULATOR_BACKED:
        assert outcomes.get(module) and set(outcomes[module]) == {'passed'}, (module, outcomes.get(module))
    failed = {module: results for module, results in outcomes.items() if set(results) - {'passed', 'skipped'}}
    assert not failed, failed


def junit_outcomes(folder: str) -> dict:
    """Test module -> the outcome of each of its tests ('passed', 'skipped', 'failure', 'error'), from ansible-test's JUnit files."""
    outcomes = {}
    for path in glob.glob(os.path.join(folder, 'python%s-*-units.xml' % PYTHON_VERSION)):
        for case in ET.parse(path).getroot().iter('testcase'):
            verdicts = [child.tag for child in case if child.tag in ('failure', 'error', 'skipped')]
            outcomes.setdefault(case.get('classname'), []).append(verdicts[0] if verdicts else 'passed')
    return outcomes

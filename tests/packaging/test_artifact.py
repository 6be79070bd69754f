# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The built artifact holds what users need and nothing of the test bed, installs, documents itself and runs."""

from __future__ import annotations

import json
import os
import re
import sys
import tarfile

import pytest

from emulator.process import EmulatorProcess
from conftest import BIN, COLLECTION, ansible_env, run

# Shipped as they are in the repository: every file below these paths must be in the artifact.
# emulator/ goes with tests/unit, whose tests start it (test_unit_tests.py runs them from the installed copy).
SHIPPED = ('README.md', 'COPYING', 'LICENSES', 'meta', 'plugins', 'extensions', 'roles', 'playbooks', 'docs', 'changelogs',
           'requirements.txt', 'bindep.txt', '.ansible-lint', 'tests/unit', 'emulator', 'tests/integration/targets', 'tests/config.yml')
# What ansible-test writes into the collection while it runs.
GENERATED = {'tests/integration/integration_config.yml', 'tests/integration/inventory'}
# The test bed and the development tools: none of it may reach users.
NOT_SHIPPED = ('scripts/', 'tests/emulator/', 'tests/packaging/', 'tests/eda/', 'tests/archive/', 'tests/reliability/', 'tests/matrix.yml',
               'tests/output/', '.ci/', '.venv', '.hypothesis/', '.ansible/',
               'docs/site/', 'Makefile', 'requirements-dev.txt', 'requirements-docs.txt', 'galaxy.yml', '.git/', '.pre-commit-config.yaml')
PLUGIN_TYPES = {'modules': 'module', 'lookup': 'lookup', 'filter': 'filter'}


def layout_files(top: str) -> set:
    found = set()
    for base, dirs, files in os.walk(os.path.join(COLLECTION, top)):
        dirs[:] = [name for name in dirs if name not in ('__pycache__', 'output')]
        found.update(os.path.relpath(os.path.join(base, name), COLLECTION) for name in files if not name.endswith('.pyc'))
    return found


def expected_files() -> set:
    files = set()
    for top in SHIPPED:
        files |= {top} if os.path.isfile(os.path.join(COLLECTION, top)) else layout_files(top)
    return {name for name in files if not name.startswith(NOT_SHIPPED)} - GENERATED


def artifact_files(artifact: str) -> set:
    with tarfile.open(artifact) as tar:
        return {member.name for member in tar.getmembers() if member.isfile()}


def test_artifact_holds_every_shipped_file(artifact):
    missing = expected_files() - artifact_files(artifact)
    assert not missing, 'files missing from the artifact (see build_ignore in galaxy.yml): %s' % sorted(missing)


def test_artifact_holds_nothing_of_the_test_bed(artifact):
    files = artifact_files(artifact)
    leaked = sorted(name for name in files if name.startswith(NOT_SHIPPED) or name in NOT_SHIPPED or name in GENERATED)
    assert not leaked, 'development files in the artifact (add them to build_ignore in galaxy.yml): %s' % leaked
    unexpected = sorted(files - expected_files() - {'MANIFEST.json', 'FILES.json'})
    assert not unexpected, 'files in the artifact that no SHIPPED path names: %s' % unexpected


def test_manifest_matches_galaxy_yml(artifact, galaxy):
    with tarfile.open(artifact) as tar:
        manifest = json.load(tar.extractfile('MANIFEST.json'))['collection_info']
    for key in ('namespace', 'name', 'version', 'license', 'dependencies', 'repository'):
        assert manifest[key] == galaxy[key], key


def test_galaxy_importer_accepts_the_artifact_without_a_warning(artifact, tmp_path):
    """What Galaxy runs on upload: docs of every plugin, role READMEs, changelog, flake8 and ansible-lint (production).

    ansible-test is left out (it needs a container here; `make sanity` runs it on the same files).
    """
    config = tmp_path / 'galaxy-importer.cfg'
    config.write_text('[galaxy-importer]\nRUN_ANSIBLE_TEST = False\nRUN_ANSIBLE_LINT = True\nRUN_FLAKE8 = True\n'
                      'CHECK_CHANGELOG = True\n', encoding='utf-8')
    result = run(sys.executable, '-m', 'galaxy_importer.main', artifact, cwd=str(tmp_path),
                 env=ansible_env(str(tmp_path), GALAXY_IMPORTER_CONFIG=str(config)))
    output = result.stdout + result.stderr
    assert 'Importer processing completed successfully' in output, output[-3000:]
    complaints = [line for line in output.splitlines() if re.match(r'\s*(WARNING|ERROR)\b', line)]
    assert not complaints, complaints


def test_installed_copy_verifies_against_its_manifest(installed):
    result = run(os.path.join(BIN, 'ansible-galaxy'), 'collection', 'verify', '--offline', 'ionos.activitylog',
                 '-p', installed, env=ansible_env(installed))
    assert 'Successfully verified that checksums for' in result.stdout, result.stdout


def shipped_plugins() -> list:
    plugins = []
    for directory, plugin_type in PLUGIN_TYPES.items():
        for name in sorted(os.listdir(os.path.join(COLLECTION, 'plugins', directory))):
            if name.endswith('.py') and name != '__init__.py':
                plugins.append((plugin_type, 'ionos.activitylog.' + name[:-3]))
    return plugins


@pytest.mark.parametrize('plugin_type, name', shipped_plugins())
def test_every_plugin_documents_itself_from_the_installed_copy(installed, plugin_type, name):
    doc = json.loads(run(os.path.join(BIN, 'ansible-doc'), '-t', plugin_type, '--json', name, env=ansible_env(installed)).stdout)
    assert doc[name]['doc']['short_description'], doc


@pytest.mark.parametrize('role', sorted(os.listdir(os.path.join(COLLECTION, 'roles'))))
def test_every_role_documents_itself_from_the_installed_copy(installed, role):
    name = 'ionos.activitylog.' + role
    doc = json.loads(run(os.path.join(BIN, 'ansible-doc'), '-t', 'role', '--json', name, env=ansible_env(installed)).stdout)
    assert doc[name]['entry_points']['main']['options'], doc


def test_demo_playbook_runs_from_the_installed_copy(installed, tmp_path):
    """`make demo`, but from the installed artifact: its plugins, roles and playbook (called by its FQCN)."""
    with EmulatorProcess(['--contracts', '2', '--entries', '3000', '--days', '30', '--seed', '42']) as emulator:
        env = ansible_env(installed, IONOS_API_URL=emulator.url, IONOS_TOKEN='reseller-token')
        result = run(os.path.join(BIN, 'ansible-playbook'), '-i', 'localhost,', 'ionos.activitylog.demo',
                     '-e', 'demo_output=%s' % tmp_path, cwd=str(tmp_path), env=env)
    assert re.search(r'failed=0\b', result.stdout), result.stdout
    assert re.search(r'"verdict: \d+ of 7 policies failed', result.stdout), result.stdout[-3000:]
    for name in ('activity.jsonl', 'activity.csv', 'activity.md', 'activity.html', 'compliance.xml'):
        assert (tmp_path / name).stat().st_size > 0, name
    assert os.path.realpath(installed) in run(os.path.join(BIN, 'ansible-galaxy'), 'collection', 'list', 'ionos.activitylog',
                                              env=ansible_env(installed)).stdout

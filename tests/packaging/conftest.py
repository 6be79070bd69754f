# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Build the collection artifact the way a release does and install it, once per session.

Users never see the repository, only what `ansible-galaxy collection build` packs: these tests work on that
artifact and on a copy installed from it, so a file left out of the artifact fails here. The artifact is built
from the laid-out collection (`make layout`), which holds exactly the files git knows about.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import yaml

from emulator.process import REPO_ROOT

COLLECTION = os.environ.get('COLLECTION_DIR') or os.path.join(REPO_ROOT, '.build', 'ansible_collections', 'ionos', 'activitylog')
BIN = os.path.dirname(sys.executable)
COMMAND_TIMEOUT = 300


def run(*command, cwd=None, env=None, timeout=COMMAND_TIMEOUT) -> subprocess.CompletedProcess:
    """Run a tool of this virtualenv; fail the test with its output when it fails."""
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    assert result.returncode == 0, '%s exited %d\n%s\n%s' % (' '.join(command), result.returncode, result.stdout[-4000:], result.stderr[-4000:])
    return result


def ansible_env(collections_path: str, **extra) -> dict:
    """The environment of a user who installed only the artifact: no other collection path, no IONOS_* settings."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(('ANSIBLE_', 'IONOS_'))}
    env.update(ANSIBLE_COLLECTIONS_PATH=collections_path, ANSIBLE_NOCOLOR='1', PATH=BIN + os.pathsep + env.get('PATH', ''))
    env.update(extra)
    return env


@pytest.fixture(scope='session')
def galaxy() -> dict:
    with open(os.path.join(COLLECTION, 'galaxy.yml'), encoding='utf-8') as handle:
        return yaml.safe_load(handle)


@pytest.fixture(scope='session')
def artifact(tmp_path_factory, galaxy) -> str:
    """Path of the built tarball."""
    assert os.path.isfile(os.path.join(COLLECTION, 'galaxy.yml')), 'run `make layout` first: %s is missing' % COLLECTION
    dist = tmp_path_factory.mktemp('dist')
    run(os.path.join(BIN, 'ansible-galaxy'), 'collection', 'build', '--output-path', str(dist), cwd=COLLECTION)
    path = dist / ('%s-%s-%s.tar.gz' % (galaxy['namespace'], galaxy['name'], galaxy['version']))
    assert path.is_file(), sorted(os.listdir(dist))
    return str(path)


@pytest.fixture(scope='session')
def installed(tmp_path_factory, artifact) -> str:
    """A collections path holding only the collection installed from the artifact (offline, as from a file)."""
    path = tmp_path_factory.mktemp('collections')
    run(os.path.join(BIN, 'ansible-galaxy'), 'collection', 'install', '--offline', '-p', str(path), artifact,
        env=ansible_env(str(path)))
    return str(path)

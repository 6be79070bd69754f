# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Drive the event source's ``main(queue, args)`` against emulators in live mode, as ansible-rulebook would.

The source is loaded with ``runpy.run_path`` (what ansible-rulebook does) from a throw-away
``ansible_collections/ionos/activitylog`` that links to this checkout, so its own __file__ fallback finds the
collection's module_utils and the tests always run the code of the working tree.
"""

from __future__ import annotations

import json
import os
import runpy
import types

import pytest

from emulator.process import REPO_ROOT
from eda_harness import CONTRACTS, EMULATOR_ARGS, START_TIMEOUT, TOKEN, Emulator

SOURCE_IN_COLLECTION = os.path.join('extensions', 'eda', 'plugins', 'event_source', 'activity_log.py')


@pytest.fixture(scope='session')
def collection_root(tmp_path_factory):
    """A collections root whose ionos/activitylog is this checkout (a symlink)."""
    root = tmp_path_factory.mktemp('collections')
    namespace = root / 'ansible_collections' / 'ionos'
    namespace.mkdir(parents=True)
    (namespace / 'activitylog').symlink_to(REPO_ROOT, target_is_directory=True)
    return root


@pytest.fixture(scope='session')
def source_path(collection_root):
    return str(collection_root / 'ansible_collections' / 'ionos' / 'activitylog' / SOURCE_IN_COLLECTION)


@pytest.fixture(scope='session')
def source(source_path):
    """The plugin's globals, loaded like ansible-rulebook loads a collection's source."""
    return types.SimpleNamespace(**runpy.run_path(source_path))


@pytest.fixture(scope='session')
def credentials_file(tmp_path_factory):
    """Emulator credentials with a distinctive token, so a leak into logs or messages cannot go unnoticed."""
    path = tmp_path_factory.mktemp('credentials') / 'credentials.json'
    path.write_text(json.dumps({'tokens': {TOKEN: {'contracts': '*'}, 'one-contract-token': {'contracts': [CONTRACTS[0]]}}}))
    return str(path)


@pytest.fixture
def start_emulator(credentials_file):
    """Factory: ``start_emulator(*flags)`` starts an emulator with the small data set; all are stopped at the end."""
    started = []

    def start(*flags) -> Emulator:
        process = Emulator(EMULATOR_ARGS + ('--credentials', credentials_file) + flags, start_timeout=START_TIMEOUT)
        started.append(process)
        return process

    try:
        yield start
    finally:
        for process in started:
            process.stop()


@pytest.fixture(autouse=True)
def no_ionos_environment(monkeypatch):
    """The source reads IONOS_* like the module; a developer's own settings must not leak into the tests."""
    for name in ('IONOS_TOKEN', 'IONOS_USERNAME', 'IONOS_PASSWORD', 'IONOS_API_URL'):
        monkeypatch.delenv(name, raising=False)

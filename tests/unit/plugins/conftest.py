# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Emulators for the engine's tests: real HTTP on loopback, started from the collection's emulator package.

emulator/ is shipped in the artifact with these tests, so they run from an installed copy too (tests/packaging).
"""

from __future__ import annotations

import pytest

from ansible_collections.ionos.activitylog.emulator.process import EmulatorProcess


@pytest.fixture(scope='module')
def start_emulator():
    """Factory: start_emulator('--entries', '500') gives an EmulatorProcess stopped after the module's tests."""
    started = []

    def start(*args):
        emulator = EmulatorProcess(args)
        started.append(emulator)
        return emulator

    yield start
    for emulator in started:
        emulator.stop()

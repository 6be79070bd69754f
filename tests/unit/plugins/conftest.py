# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Emulators for the engine's tests: real HTTP on loopback, started from the collection's emulator package."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

COLLECTION_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))


class RunningEmulator:
    def __init__(self, args):
        self.process = subprocess.Popen(  # pylint: disable=consider-using-with
            [sys.executable, '-m', 'emulator', '--port', '0'] + list(args),
            cwd=COLLECTION_ROOT, stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        if 'listening on ' not in line:
            self.stop()
            raise RuntimeError('the emulator did not start: %r' % line)
        self.url = line.strip().split('listening on ', 1)[1]

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)
        self.process.stdout.close()


@pytest.fixture(scope='module')
def start_emulator():
    """Factory: start_emulator('--entries', '500') gives a RunningEmulator stopped after the module's tests."""
    started = []

    def start(*args):
        emulator = RunningEmulator(args)
        started.append(emulator)
        return emulator

    yield start
    for emulator in started:
        emulator.stop()

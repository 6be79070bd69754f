# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures that run the emulator as a real subprocess on a free loopback port (``python -m emulator --port 0``).

``emulator`` is one shared, small instance for the whole session; ``start_emulator(*args)`` starts a fresh one
with special flags (stopped at the end of the session, or earlier with ``.stop()`` / a ``with`` block).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
import requests

from emulator.process import REPO_ROOT, EmulatorProcess as BaseEmulatorProcess

START_TIMEOUT = 30.0
REQUEST_TIMEOUT = 10.0

UNTIL = "2024-06-01T00:00:00Z"
CONTRACTS = (31909628, 31909629, 31909630)
# The shared instance: 3 contracts x 3000 entries over the 10 days before UNTIL; fast to generate.
DEFAULT_ARGS = ("--seed", "7", "--until", UNTIL, "--days", "10", "--entries", "3000", "--contracts", "3")
RESELLER = {"Authorization": "Bearer reseller-token"}
# Run the emulator under another interpreter, e.g. EMULATOR_PYTHON=python3.9 to check the 3.9 floor.
PYTHON = os.environ.get("EMULATOR_PYTHON") or sys.executable


class EmulatorProcess(BaseEmulatorProcess):
    """One running emulator (see emulator/process.py) with small HTTP helpers, a timeout on every call."""

    def __init__(self, args=(), python: str = PYTHON, env=None):
        super().__init__(args, python=python, env=env, start_timeout=START_TIMEOUT)
        self.session = requests.Session()
        # what the data looks like, where a fixture knows it (the shared instance does)
        self.until = self.contracts = self.entries = None

    def stop(self, sig=signal.SIGTERM):
        self.session.close()
        return super().stop(sig)

    def get(self, path: str, headers=None, params=None, timeout: float = REQUEST_TIMEOUT, **kwargs) -> requests.Response:
        """GET on the kept-alive session; ``headers`` default to the reseller token."""
        return self.session.get(self.url + path, headers=RESELLER if headers is None else headers, params=params, timeout=timeout, **kwargs)

    def page(self, contract: int, headers=None, **params) -> dict:
        response = self.get(f"/activitylog/v1/contracts/{contract}", headers=headers, params=params)
        assert response.status_code == 200, response.text
        return response.json()

    def ground_truth(self, contract: int, **params) -> dict:
        response = self.session.get(f"{self.url}/_emulator/entries/{contract}", params=params, timeout=REQUEST_TIMEOUT)
        assert response.status_code == 200, response.text
        return response.json()

    def paged_sources(self, contract: int, limit: int, **params) -> list:
        """Every ``_source`` of a window, page by page (bounded by the total the first page reports)."""
        first = self.page(contract, limit=limit, offset=0, **params)
        total = first["hits"]["total"]
        sources = [hit["_source"] for hit in first["hits"]["hits"]]
        for offset in range(limit, total + limit, limit):
            if offset >= total:
                break
            body = self.page(contract, limit=limit, offset=offset, **params)
            assert body["hits"]["total"] == total
            sources.extend(hit["_source"] for hit in body["hits"]["hits"])
        return sources


def run_emulator(*args, timeout: float = START_TIMEOUT) -> subprocess.CompletedProcess:
    """Run the emulator for flags that must make it exit (errors, --help)."""
    return subprocess.run([PYTHON, "-m", "emulator", *[str(arg) for arg in args]], cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL, check=False)


@pytest.fixture(scope="session")
def emulator():
    """The shared instance started with DEFAULT_ARGS; ``.until``, ``.contracts`` and ``.entries`` describe its data."""
    process = EmulatorProcess(DEFAULT_ARGS)
    process.until = UNTIL
    process.contracts = CONTRACTS
    process.entries = 3000
    yield process
    process.stop()


@pytest.fixture(name="run_emulator", scope="session")
def run_emulator_fixture():
    """``run_emulator(*args)``: run to completion (for flags that must make it exit); a CompletedProcess with text output."""
    return run_emulator


@pytest.fixture(scope="session")
def start_emulator():
    """Factory: ``start_emulator(*args)`` starts a fresh emulator with ``--port 0`` plus ``args``."""
    started = []

    def start(*args, **kwargs) -> EmulatorProcess:
        process = EmulatorProcess(args, **kwargs)
        started.append(process)
        return process

    yield start
    for process in started:  # signal all first: they shut down in parallel
        process.send_signal()
    for process in started:
        process.stop()

# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Start-up and shutdown contract: the port line, --port-file, signals, loopback-only, flag validation, --help."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pytest

from emulator.process import REPO_ROOT

SMALL = ("--entries", "50", "--contracts", "1")
DOCS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "docs", "emulator.md")


def test_port_zero_prints_exactly_the_listen_line_and_writes_the_port_file(start_emulator, tmp_path):
    port_file = tmp_path / "port"
    process = start_emulator(*SMALL, "--port-file", port_file)
    assert re.fullmatch(r"emulator listening on http://127\.0\.0\.1:([0-9]+)", process.line)
    assert 0 < process.port < 65536
    assert port_file.read_text(encoding="utf-8").strip() == str(process.port)
    assert process.get("/_emulator/health").json() == {"ok": True}
    assert process.stop() == 0
    assert process.process.stdout is None or process.process.stdout.closed


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signals_shut_down_cleanly_with_status_0(start_emulator, sig):
    process = start_emulator(*SMALL)
    assert process.get("/activitylog/v1").status_code == 200
    assert process.stop(sig) == 0


def test_closing_stdin_stops_it_with_status_0(start_emulator):
    process = start_emulator(*SMALL)  # emulator/process.py passes --stop-on-stdin-eof and a pipe
    process.process.stdin.close()
    assert process.process.wait(15) == 0


def test_an_emulator_dies_with_the_process_that_started_it(tmp_path):
    """A test process that exits without stopping its emulator (a forked pytest test, a killed script) leaks none."""
    script = ("import os, sys; from emulator.process import EmulatorProcess; "
              "e = EmulatorProcess(%r); print(e.process.pid, flush=True); os._exit(0)" % (list(SMALL),))
    child = subprocess.run([sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=True)
    pid = int(child.stdout.split()[-1])
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and os.path.exists("/proc/%d" % pid) and "Z" not in _state(pid):
        time.sleep(0.1)
    assert not os.path.exists("/proc/%d" % pid) or "Z" in _state(pid), "the emulator outlived its parent"


def _state(pid: int) -> str:
    try:
        with open("/proc/%d/stat" % pid, encoding="utf-8") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"


def test_quiet_by_default_and_verbose_never_logs_the_credential(start_emulator):
    quiet = start_emulator(*SMALL)
    verbose = start_emulator(*SMALL, "--verbose")
    for process in (quiet, verbose):
        assert process.get("/activitylog/v1/contracts", headers={"Authorization": "Bearer reseller-token"}).status_code == 200
        process.stop()
    assert quiet.stderr_text() == ""
    assert "GET /activitylog/v1/contracts" in verbose.stderr_text()
    assert "reseller-token" not in verbose.stderr_text()


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10", "example.com", "::"])
def test_non_loopback_host_is_refused(run_emulator, host):
    result = run_emulator("--port", "0", "--host", host)
    assert result.returncode == 2
    assert "loopback" in result.stderr
    assert result.stdout == ""


def test_localhost_is_loopback(start_emulator):
    process = start_emulator(*SMALL, "--host", "localhost")
    assert process.url.startswith("http://localhost:")
    assert process.get("/activitylog/v1").status_code == 200


@pytest.mark.parametrize("flags, needle", [
    (("--error-rate", "1.5"), "between 0 and 1"),
    (("--error-rate", "0.6", "--drop-rate", "0.6"), "at most 1"),
    (("--error-codes", "200"), "--error-codes"),
    (("--tls-cert", "cert.pem"), "--tls-key"),
    (("--until", "last tuesday"), "--until"),
    (("--days", "0"), "--days"),
    (("--max-limit", "0"), "--max-limit"),
    (("--rate-limit", "-1"), "--rate-limit"),
])
def test_bad_flag_values_exit_2_naming_the_flag(run_emulator, flags, needle):
    result = run_emulator("--port", "0", *flags)
    assert result.returncode == 2
    assert needle in result.stderr


def test_help_documents_every_flag_and_docs_cover_them(run_emulator):
    result = run_emulator("--help")
    assert result.returncode == 0
    flags = re.findall(r"^ {2}(--[a-z][a-z0-9-]+)", result.stdout, re.MULTILINE)
    assert len(flags) == len(set(flags)) >= 35
    assert "--fault-streak-max" in flags and "--live-lag" in flags and "--html-error-rate" in flags
    if os.path.exists(DOCS):
        with open(DOCS, encoding="utf-8") as handle:
            docs = handle.read()
        assert [flag for flag in flags if f"`{flag}" not in docs] == []


def test_ipv6_loopback(start_emulator):
    try:
        process = start_emulator(*SMALL, "--host", "::1")
    except RuntimeError as error:
        pytest.skip(f"no IPv6 loopback here: {error}")
    assert process.line == f"emulator listening on http://[::1]:{process.port}"
    assert process.get("/activitylog/v1", headers={}).json()["href"] == f"http://[::1]:{process.port}/activitylog/v1"


def test_contract_numbers_flag_sets_the_contracts_in_order(start_emulator):
    process = start_emulator("--entries", "20", "--contract-numbers", "77,5,123456")
    assert [reference["id"] for reference in process.get("/activitylog/v1/contracts").json()] == [77, 5, 123456]
    assert process.page(5, limit=0)["hits"]["total"] == 20
    single = process.get("/activitylog/v1/contracts", headers={"Authorization": "Bearer single-token"}).json()
    assert [reference["id"] for reference in single] == [77]

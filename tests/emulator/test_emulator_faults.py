# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Rate limiting and every injected fault, the streak bound, latency and the stats endpoint."""

from __future__ import annotations

import json

import pytest
import requests

SMALL = ("--entries", "200", "--contracts", "2", "--until", "2024-06-01T00:00:00Z", "--days", "2")
PATH = "/activitylog/v1/contracts/31909628"
RESELLER = {"Authorization": "Bearer reseller-token"}
SINGLE = {"Authorization": "Bearer single-token"}
TIMEOUT = 10


def fresh_get(process, path=PATH, headers=None, timeout=TIMEOUT, **params):
    """One request on a new connection, so a dropped connection affects only this call."""
    return requests.get(process.url + path, headers=RESELLER if headers is None else headers, params=params, timeout=timeout)


def assert_ionos_error(response, statuses) -> dict:
    assert response.status_code in statuses
    assert response.headers["Content-Type"] == "application/json"
    body = response.json()
    assert body["httpStatus"] == response.status_code
    assert body["messages"][0]["errorCode"] and body["messages"][0]["message"]
    return body


def test_rate_limit_answers_429_with_retry_after_per_credential(start_emulator):
    process = start_emulator(*SMALL, "--rate-limit", "0.05", "--rate-burst", "2")
    assert [fresh_get(process).status_code for _attempt in range(2)] == [200, 200]
    limited = fresh_get(process)
    assert_ionos_error(limited, {429})
    assert limited.headers["Retry-After"].isdigit() and int(limited.headers["Retry-After"]) >= 1
    assert fresh_get(process, headers=SINGLE).status_code == 200  # another credential has its own bucket
    assert fresh_get(process, path="/_emulator/health").status_code == 200  # admin endpoints are never limited


def test_rate_limit_profile_and_explicit_override(start_emulator):
    limited = start_emulator(*SMALL, "--profile", "rate-limit")
    statuses = []
    for _attempt in range(40):
        statuses.append(limited.get(PATH, params={"limit": 1}).status_code)
        if statuses[-1] == 429:
            break
    assert statuses[-1] == 429 and statuses[:5] == [200] * 5
    unlimited = start_emulator(*SMALL, "--profile", "rate-limit", "--rate-limit", "0")
    assert {unlimited.get(PATH, params={"limit": 1}).status_code for _attempt in range(40)} == {200}


def test_error_rate_answers_the_configured_codes_with_the_ionos_body(start_emulator):
    process = start_emulator(*SMALL, "--error-rate", "1", "--error-codes", "500,503", "--fault-streak-max", "1000")
    statuses = {assert_ionos_error(fresh_get(process), {500, 503})["httpStatus"] for _attempt in range(20)}
    assert statuses == {500, 503}
    assert fresh_get(process, path="/_emulator/entries/31909628").status_code == 200  # no faults on admin endpoints


def test_drop_closes_the_connection_without_an_answer(start_emulator):
    process = start_emulator(*SMALL, "--drop-rate", "1", "--fault-streak-max", "1000")
    for _attempt in range(3):
        with pytest.raises(requests.exceptions.ConnectionError):
            fresh_get(process)


@pytest.mark.parametrize("flag", ["--truncate-rate", "--malformed-rate"])
def test_truncated_and_malformed_bodies_are_200_but_not_json(start_emulator, flag):
    process = start_emulator(*SMALL, flag, "1", "--fault-streak-max", "1000")
    for params in ({}, {"limit": 100}):
        response = fresh_get(process, **params)
        assert response.status_code == 200
        assert int(response.headers["Content-Length"]) == len(response.content) > 0
        with pytest.raises(ValueError):
            json.loads(response.content)
    assert_ionos_error(fresh_get(process, headers={}), {401})  # only 200 answers are corrupted


def test_html_error_is_a_text_html_502_or_503(start_emulator):
    process = start_emulator(*SMALL, "--html-error-rate", "1", "--fault-streak-max", "1000")
    statuses = set()
    for _attempt in range(12):
        response = fresh_get(process)
        statuses.add(response.status_code)
        assert response.headers["Content-Type"].startswith("text/html")
        assert b"<html>" in response.content
    assert statuses == {502, 503}


def test_slow_answers_exceed_a_short_client_timeout(start_emulator):
    process = start_emulator(*SMALL, "--slow-rate", "1", "--slow-seconds", "3", "--fault-streak-max", "1000")
    with pytest.raises(requests.exceptions.ReadTimeout):
        fresh_get(process, timeout=0.5)


def test_latency_delays_api_answers(start_emulator):
    process = start_emulator(*SMALL, "--latency-ms", "150")
    response = fresh_get(process)
    assert response.status_code == 200
    assert response.elapsed.total_seconds() >= 0.15


def test_streak_bound_lets_the_k_plus_first_try_through(start_emulator):
    process = start_emulator(*SMALL, "--error-rate", "1", "--fault-streak-max", "2")
    assert [fresh_get(process, limit=3).status_code // 100 for _attempt in range(6)] == [5, 5, 2, 5, 5, 2]
    assert fresh_get(process, limit=4).status_code // 100 == 5  # the streak is per method + path + query
    never = start_emulator(*SMALL, "--error-rate", "1", "--fault-streak-max", "0")
    assert {fresh_get(never).status_code for _attempt in range(5)} == {200}


def _usable(response) -> bool:
    if response.status_code != 200:
        return False
    try:
        json.loads(response.content)
    except ValueError:
        return False
    return True


def test_fault_profile_retrying_k_plus_one_times_always_succeeds(start_emulator):
    process = start_emulator(*SMALL, "--profile", "faults", "--rate-limit", "0", "--latency-ms", "0")
    retries_needed = []
    for offset in range(0, 200, 5):
        for attempt in range(3):  # --fault-streak-max 2: the third try always gets through
            try:
                response = fresh_get(process, offset=offset, limit=5)
            except requests.exceptions.ConnectionError:
                continue
            if _usable(response):
                retries_needed.append(attempt)
                break
        else:
            pytest.fail(f"offset {offset} failed 3 times")
    assert len(retries_needed) == 40 and max(retries_needed) >= 1
    stats = process.get("/_emulator/stats").json()
    assert stats["requests"] == 40 + sum(retries_needed)
    assert sum(stats["faults"].values()) == sum(retries_needed)
    assert stats["by_status"]["200"] >= 40


def test_stats_count_statuses_and_faults_and_reset(start_emulator):
    process = start_emulator(*SMALL)
    process.get(PATH)
    process.get(PATH, headers={})
    process.get("/nowhere")
    stats = process.get("/_emulator/stats").json()
    assert stats["requests"] == 3
    assert stats["by_status"] == {"200": 1, "401": 1, "404": 1}
    assert set(stats["faults"]) == {"error", "drop", "slow", "truncate", "malformed", "html_error"}
    assert process.session.post(process.url + "/_emulator/stats/reset", timeout=TIMEOUT).json() == {"ok": True}
    assert process.get("/_emulator/stats").json()["requests"] == 0
    assert process.get("/_emulator/stats/reset").status_code == 405

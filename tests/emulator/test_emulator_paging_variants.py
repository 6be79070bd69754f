# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Paging variants the real API might have: a silent limit cap, no or a terse result window, offset as a page
index, a maximum date range, an inclusive dateEnd and a required X-Contract-Number for sub-contracts."""

from __future__ import annotations

import datetime
import json
import re

import pytest

SMALL = ("--seed", "3", "--until", "2024-06-01T00:00:00Z", "--days", "5", "--entries", "1200", "--contracts", "2")
CONTRACT = 31909628
SECOND = 31909629
PATH = f"/activitylog/v1/contracts/{CONTRACT}"
FORBIDDEN = "Forbidden: the credential may not read the activity log of contract {}"
WINDOW = "Result window is too large, offset + limit must be less than or equal to: [{}] but was [{}]"


def _uuids(body: dict) -> list:
    return [hit["_source"]["@uuid"] for hit in body["hits"]["hits"]]


def _error(process, path: str = PATH, headers=None, **params) -> tuple:
    """(status, message) of an answer that must be an IONOS error."""
    response = process.get(path, headers=headers, params=params)
    body = response.json()
    assert response.status_code != 200 and body["httpStatus"] == response.status_code, response.text
    return response.status_code, body["messages"][0]["message"]


@pytest.fixture(name="plain", scope="module")
def plain_fixture(start_emulator):
    """The same data with today's defaults: what the variants are compared with."""
    return start_emulator(*SMALL)


# ---------------------------------------------------------------- --limit-cap


def test_limit_cap_serves_n_hits_silently_with_the_same_total(plain, start_emulator):
    process = start_emulator(*SMALL, "--limit-cap", "50")
    total = plain.page(CONTRACT, limit=0)["hits"]["total"]
    response = process.get(PATH, params={"limit": 200})
    assert response.status_code == 200
    assert set(response.json()) == {"hits"} and set(response.json()["hits"]) == {"total", "hits"}  # no sign of the cap
    assert response.json()["hits"]["total"] == total == 1200
    assert _uuids(response.json()) == _uuids(plain.page(CONTRACT, limit=50))
    assert _uuids(process.page(CONTRACT, offset=100, limit=1000)) == _uuids(plain.page(CONTRACT, offset=100, limit=50))
    assert len(process.page(CONTRACT, limit=30)["hits"]["hits"]) == 30
    status, message = _error(process, limit="1001")  # --max-limit is checked first, and still refuses
    assert status == 400 and "'limit'" in message and "1000" in message


def test_limit_cap_applies_before_the_result_window(start_emulator):
    process = start_emulator(*SMALL, "--limit-cap", "50", "--result-window", "1000")
    assert len(process.page(CONTRACT, offset=950, limit=1000)["hits"]["hits"]) == 50  # the backend reads 950 + 50
    assert _error(process, offset="951", limit="1000") == (400, WINDOW.format(1000, 1001))


# ---------------------------------------------------------------- --result-window 0 and --result-window-message


@pytest.fixture(name="large", scope="module")
def large_fixture(start_emulator):
    """One contract past the default result window, without any window."""
    return start_emulator("--seed", "5", "--until", "2024-06-01T00:00:00Z", "--days", "3", "--entries", "10050", "--contracts", "1",
                          "--result-window", "0")


def test_result_window_0_is_no_window(large):
    truth = large.ground_truth(CONTRACT)["ids"][::-1]
    body = large.page(CONTRACT, offset=10000, limit=1000)
    assert body["hits"]["total"] == 10050 and _uuids(body) == truth[10000:]
    assert large.page(CONTRACT, offset=50000, limit=1000)["hits"] == {"total": 10050, "hits": []}
    assert large.page(CONTRACT, offset=9990, limit=20)["hits"]["hits"]


def test_plain_result_window_message_has_no_number(plain, start_emulator):
    process = start_emulator(*SMALL, "--result-window-message", "plain")
    status, message = _error(process, offset="9990", limit="20")
    assert status == 400 and message == "Invalid paging parameters"
    assert not re.search(r"[0-9]", message) and re.search(r"[0-9]", _error(plain, offset="9990", limit="20")[1])
    assert len(process.page(CONTRACT, offset=9980, limit=20)["hits"]["hits"]) == 0  # the window itself is unchanged


# ---------------------------------------------------------------- --offset-mode page


@pytest.fixture(name="paged", scope="module")
def paged_fixture(start_emulator):
    return start_emulator(*SMALL, "--offset-mode", "page")


def test_page_mode_offset_is_a_page_index(plain, paged):
    hits_mode = plain.page(CONTRACT, offset=20, limit=10)
    page_mode = paged.page(CONTRACT, offset=2, limit=10)
    assert page_mode == hits_mode and len(_uuids(page_mode)) == 10
    assert _uuids(page_mode) == plain.ground_truth(CONTRACT)["ids"][::-1][20:30]
    assert paged.page(CONTRACT, offset=0, limit=7) == plain.page(CONTRACT, offset=0, limit=7)
    assert paged.page(CONTRACT, offset=3, limit=0) == {"hits": {"total": 1200, "hits": []}}


def test_page_mode_pages_concatenate_to_the_ground_truth(plain, paged):
    window = {"dateStart": "2024-05-29", "dateEnd": "2024-05-31T12:00:00Z"}
    truth = plain.ground_truth(CONTRACT, **window)["ids"][::-1]
    paged_ids = []
    for index in range(0, len(truth) // 97 + 1):
        paged_ids.extend(_uuids(paged.page(CONTRACT, offset=index, limit=97, **window)))
    assert paged_ids == truth and len(truth) > 97


def test_page_mode_result_window_counts_the_skipped_hits(paged):
    assert paged.page(CONTRACT, offset=999, limit=10)["hits"]["hits"] == []  # skips 9990, reads 10: 10000 is allowed
    assert _error(paged, offset="1000", limit="10") == (400, WINDOW.format(10000, 10010))
    assert _error(paged, offset="10", limit="1000")[0] == 400  # 10 pages of 1000: 11000
    assert paged.get(PATH, params={"offset": 10, "limit": 900}).status_code == 200  # 9000 + 900


def test_page_mode_uses_the_capped_limit(plain, start_emulator):
    process = start_emulator(*SMALL, "--offset-mode", "page", "--limit-cap", "10")
    assert process.page(CONTRACT, offset=2, limit=100) == plain.page(CONTRACT, offset=20, limit=10)


# ---------------------------------------------------------------- --max-range-days


@pytest.fixture(name="ranged", scope="module")
def ranged_fixture(start_emulator):
    return start_emulator(*SMALL, "--max-range-days", "90")


def test_range_of_exactly_90_days_is_served(ranged, plain):
    window = {"dateStart": "2024-03-03T00:00:00Z", "dateEnd": "2024-06-01T00:00:00Z"}  # 90 days
    assert ranged.page(CONTRACT, limit=5, **window) == plain.page(CONTRACT, limit=5, **window)
    assert ranged.page(CONTRACT, limit=0, **window)["hits"]["total"] == 1200
    assert ranged.page(CONTRACT, limit=0, dateStart="2024-03-03T02:00:00+02:00", dateEnd="2024-06-01")["hits"]["total"] == 1200


@pytest.mark.parametrize("params", [
    {"dateStart": "2024-03-03T00:00:00Z", "dateEnd": "2024-06-01T00:00:00.001Z"},  # 90 days + 1 ms
    {"dateStart": "2024-03-02T23:59:59.999Z", "dateEnd": "2024-06-01"},
    {"dateStart": "2024-05-31"},
    {"dateEnd": "2024-06-01"},
    {},
])
def test_range_longer_than_90_days_or_unbounded_is_400(ranged, params):
    assert _error(ranged, **params) == (400, "Maximum date range is 90 days")


def test_fractional_range_and_inverted_windows(start_emulator):
    process = start_emulator(*SMALL, "--max-range-days", "0.5")
    assert process.page(CONTRACT, limit=0, dateStart="2024-05-31T00:00:00Z", dateEnd="2024-05-31T12:00:00Z")["hits"]["total"] > 0
    assert _error(process, dateStart="2024-05-31T00:00:00Z", dateEnd="2024-05-31T12:00:00.001Z") == (400, "Maximum date range is 0.5 days")
    assert process.page(CONTRACT, limit=0, dateStart="2024-05-31", dateEnd="2024-01-01")["hits"]["total"] == 0  # inverted: empty, no 400


# ---------------------------------------------------------------- --date-end inclusive

EDGE_CONTRACT = 4242
EDGE_TIMES = {"a": "2024-05-20T00:00:00.000Z", "b": "2024-05-20T11:59:59.999Z", "c": "2024-05-20T12:00:00.000Z", "d": "2024-05-20T12:00:00.001Z"}


@pytest.fixture(name="edge_file", scope="module")
def edge_file_fixture(tmp_path_factory):
    path = tmp_path_factory.mktemp("inclusive") / "edges.json"
    entries = [{"@uuid": uuid, "principal": {"identity": {"contractNumber": EDGE_CONTRACT}}, "meta": {"time": moment}}
               for uuid, moment in EDGE_TIMES.items()]
    path.write_text(json.dumps(entries), encoding="utf-8")
    return path


@pytest.mark.parametrize("mode, expected", [("exclusive", "ab"), ("inclusive", "abc")])
def test_date_end_inclusive_returns_and_counts_the_entry_at_date_end(start_emulator, edge_file, mode, expected):
    process = start_emulator("--data", edge_file, "--date-end", mode)
    for date_end in ("2024-05-20T12:00:00Z", "2024-05-20T12:00:00.000000Z", "2024-05-20T14:00:00+02:00"):
        body = process.page(EDGE_CONTRACT, limit=100, dateStart="2024-05-20", dateEnd=date_end)
        assert sorted(_uuids(body)) == list(expected) and body["hits"]["total"] == len(expected)
        assert process.ground_truth(EDGE_CONTRACT, dateStart="2024-05-20", dateEnd=date_end)["ids"] == list(expected)
    assert process.page(EDGE_CONTRACT, limit=0, dateStart="2024-05-20T12:00:00Z", dateEnd="2024-05-20T12:00:00Z")["hits"]["total"] == len(expected) - 2


def test_date_end_inclusive_on_generated_data(plain, start_emulator):
    process = start_emulator(*SMALL, "--date-end", "inclusive")
    entry = plain.page(CONTRACT, offset=100, limit=1)["hits"]["hits"][0]["_source"]
    moment = datetime.datetime.strptime(entry["meta"]["time"], "%Y-%m-%dT%H:%M:%S.%fZ")
    one_ms_later = (moment + datetime.timedelta(milliseconds=1)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    inclusive = process.page(CONTRACT, limit=1000, dateStart="2024-05-30", dateEnd=entry["meta"]["time"])
    assert entry["@uuid"] in _uuids(inclusive)
    assert entry["@uuid"] not in _uuids(plain.page(CONTRACT, limit=1000, dateStart="2024-05-30", dateEnd=entry["meta"]["time"]))
    assert inclusive == plain.page(CONTRACT, limit=1000, dateStart="2024-05-30", dateEnd=one_ms_later)


# ---------------------------------------------------------------- --contract-header-required


@pytest.fixture(name="headed", scope="module")
def headed_fixture(start_emulator):
    return start_emulator(*SMALL, "--contract-header-required")


def _with(header=None, token="reseller-token") -> dict:
    headers = {"Authorization": f"Bearer {token}"}
    if header is not None:
        headers["X-Contract-Number"] = str(header)
    return headers


def test_sub_contract_needs_the_header(headed, plain):
    path = f"/activitylog/v1/contracts/{SECOND}"
    for headers in (_with(), _with(CONTRACT), _with("x"), _with(""), _with(SECOND + 1)):
        assert _error(headed, path, headers, limit="5") == (403, FORBIDDEN.format(SECOND))
    assert headed.page(SECOND, headers=_with(SECOND), limit=5) == plain.page(SECOND, limit=5) == plain.page(SECOND, headers=_with("x"), limit=5)


def test_first_contract_needs_no_header_and_every_contract_is_listed(headed, plain):
    assert headed.page(CONTRACT, headers=_with(), limit=5) == plain.page(CONTRACT, limit=5)
    assert headed.page(CONTRACT, headers=_with(CONTRACT), limit=5) == plain.page(CONTRACT, limit=5)
    assert headed.page(CONTRACT, headers=_with(token="single-token"), limit=5) == plain.page(CONTRACT, limit=5)
    assert [item["id"] for item in headed.get("/activitylog/v1/contracts").json()] == [CONTRACT, SECOND]
    assert _error(headed, f"/activitylog/v1/contracts/{SECOND}", _with(SECOND, "single-token"))[0] == 403  # the header grants nothing


def test_first_contract_is_the_first_the_credential_covers(start_emulator, tmp_path):
    credentials = tmp_path / "credentials.json"
    credentials.write_text(json.dumps({"tokens": {"ci-token": {"contracts": [31909630, 31909629]}}}), encoding="utf-8")
    process = start_emulator(*SMALL[:-1], "3", "--credentials", credentials, "--contract-header-required")
    ci = {"Authorization": "Bearer ci-token"}
    assert process.page(SECOND, headers=ci, limit=1)["hits"]["total"] == 1200  # first in the emulator's order
    assert _error(process, "/activitylog/v1/contracts/31909630", ci)[0] == 403
    assert process.page(31909630, headers=dict(ci, **{"X-Contract-Number": "31909630"}), limit=1)["hits"]["total"] == 1200


# ---------------------------------------------------------------- flag validation


@pytest.mark.parametrize("flags, needle", [
    (("--limit-cap", "-1"), "--limit-cap must be >= 0"),
    (("--limit-cap", "ten"), "argument --limit-cap: invalid int value"),
    (("--result-window", "-1"), "--result-window must be >= 0"),
    (("--result-window-message", "loud"), "argument --result-window-message: invalid choice"),
    (("--offset-mode", "pages"), "argument --offset-mode: invalid choice"),
    (("--max-range-days", "-1"), "argument --max-range-days: '-1' is not a number of days"),
    (("--max-range-days", "ninety"), "argument --max-range-days: 'ninety' is not a number of days"),
    (("--max-range-days", "nan"), "argument --max-range-days: 'nan'"),
    (("--max-range-days", "inf"), "argument --max-range-days: 'inf'"),
    (("--date-end", "both"), "argument --date-end: invalid choice"),
])
def test_bad_values_exit_2_naming_the_flag(run_emulator, flags, needle):
    result = run_emulator("--port", "0", *flags)
    assert result.returncode == 2
    assert needle in result.stderr

# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Paging: pages concatenate to the ground truth in every order; offset/limit validation and the result window."""

from __future__ import annotations

import pytest

SMALL = ("--seed", "3", "--until", "2024-06-01T00:00:00Z", "--days", "5", "--entries", "1200", "--contracts", "2")
CONTRACT = 31909628
WINDOWS = [{}, {"dateStart": "2024-05-29", "dateEnd": "2024-05-31T12:00:00Z"}, {"dateStart": "2024-05-30T06:00:00+02:00"}]
NARROW = {"dateStart": "2024-05-31T06:00:00Z", "dateEnd": "2024-05-31T18:00:00Z"}


@pytest.fixture(name="ordered", scope="module", params=["newest", "oldest", "unordered"])
def ordered_fixture(request, start_emulator):
    return request.param, start_emulator(*SMALL, "--order", request.param)


@pytest.mark.parametrize("limit, window", [(limit, window) for limit in (1000, 97) for window in WINDOWS] + [(7, NARROW)])
def test_pages_concatenate_to_the_ground_truth(ordered, limit, window):
    order, process = ordered
    truth = process.ground_truth(CONTRACT, **window)["ids"]
    paged = [source["@uuid"] for source in process.paged_sources(CONTRACT, limit, **window)]
    assert len(paged) == len(set(paged)) == len(truth) > min(limit, 100)
    if order == "newest":
        assert paged == truth[::-1]
    elif order == "oldest":
        assert paged == truth
    else:
        assert sorted(paged) == sorted(truth)
        assert paged not in (truth, truth[::-1])


def test_unordered_is_stable_for_a_window_and_deterministic(start_emulator):
    process = start_emulator(*SMALL, "--order", "unordered")
    first = process.page(CONTRACT, limit=50, offset=100)
    for hour in range(12):  # more windows than the emulator caches orders for
        process.page(CONTRACT, limit=1, dateStart=f"2024-05-31T{hour:02d}:00:00Z")
    assert process.page(CONTRACT, limit=50, offset=100) == first
    assert start_emulator(*SMALL, "--order", "unordered").page(CONTRACT, limit=50, offset=100) == first
    other_window = process.page(CONTRACT, limit=50, offset=100, dateStart="2024-05-27")
    assert other_window["hits"]["total"] == first["hits"]["total"]
    assert other_window != first  # the order is per window, not one global shuffle


def test_shuffled_changes_the_order_on_every_request(start_emulator):
    process = start_emulator(*SMALL, "--order", "shuffled")
    truth = process.ground_truth(CONTRACT)["ids"]
    first, second = (process.page(CONTRACT, limit=1000) for _request in range(2))
    assert first["hits"]["total"] == second["hits"]["total"] == len(truth)
    assert [hit["_source"]["@uuid"] for hit in first["hits"]["hits"]] != [hit["_source"]["@uuid"] for hit in second["hits"]["hits"]]
    paged = [source["@uuid"] for source in process.paged_sources(CONTRACT, 100)]
    assert len(paged) == len(truth) and sorted(set(paged)) != sorted(truth)  # naive paging repeats and skips


def test_newest_is_descending_and_oldest_ascending(emulator):
    times = [hit["_source"]["meta"]["time"] for hit in emulator.page(emulator.contracts[0], limit=500)["hits"]["hits"]]
    assert times == sorted(times, reverse=True)


def test_default_limit_is_20_and_offset_past_the_end_is_empty(emulator):
    contract = emulator.contracts[0]
    assert len(emulator.page(contract)["hits"]["hits"]) == 20
    body = emulator.page(contract, offset=emulator.entries, limit=10)
    assert body["hits"] == {"total": emulator.entries, "hits": []}
    assert len(emulator.page(contract, offset=emulator.entries - 3, limit=10)["hits"]["hits"]) == 3


def test_unknown_parameters_and_repeats_are_harmless(emulator):
    contract = emulator.contracts[0]
    plain = emulator.page(contract, limit=5)
    assert emulator.page(contract, limit=5, foo="bar", sort="asc") == plain
    response = emulator.get(f"/activitylog/v1/contracts/{contract}?limit=5&limit=7", params=None)
    assert len(response.json()["hits"]["hits"]) == 5


def _error(process, **params):
    response = process.get(f"/activitylog/v1/contracts/{CONTRACT}", params=params)
    body = response.json()
    assert response.headers["Content-Type"] == "application/json"
    assert body["httpStatus"] == response.status_code
    return response.status_code, body["messages"][0]["message"]


@pytest.mark.parametrize("params, needle", [
    ({"limit": "1001"}, "'limit'"),
    ({"limit": "ten"}, "'limit'"),
    ({"limit": "1.5"}, "'limit'"),
    ({"limit": ""}, "'limit'"),
    ({"limit": "-1"}, "'limit'"),
    ({"offset": "-1"}, "'offset'"),
    ({"offset": "1e3"}, "'offset'"),
    ({"offset": "0x10"}, "'offset'"),
    ({"offset": "9990", "limit": "20"}, "Result window is too large, offset + limit must be less than or equal to: [10000] but was [10010]"),
    ({"offset": "10001", "limit": "0"}, "but was [10001]"),
])
def test_invalid_paging_is_400(emulator, params, needle):
    status, message = _error(emulator, **params)
    assert status == 400
    assert needle in message


@pytest.fixture(name="large", scope="module")
def large_fixture(start_emulator):
    """One contract just over the result window."""
    return start_emulator("--seed", "5", "--until", "2024-06-01T00:00:00Z", "--days", "3", "--entries", "10050", "--contracts", "1")


def test_result_window_edge(large):
    body = large.page(CONTRACT, offset=9980, limit=20)
    assert body["hits"]["total"] == 10050
    truth = large.ground_truth(CONTRACT)["ids"]
    assert [hit["_source"]["@uuid"] for hit in body["hits"]["hits"]] == truth[::-1][9980:10000]
    assert large.page(CONTRACT, offset=0, limit=1000)["hits"]["total"] == 10050
    assert large.page(CONTRACT, offset=9000, limit=1000)["hits"]["hits"]
    assert _error(large, offset="9990", limit="20")[0] == 400
    assert _error(large, offset="9001", limit="1000")[0] == 400
    assert _error(large, offset="0", limit="1001")[0] == 400


def test_limit_zero_gives_only_the_total(large):
    assert large.page(CONTRACT, limit=0) == {"hits": {"total": 10050, "hits": []}}


def test_custom_max_limit_and_result_window(start_emulator):
    process = start_emulator("--entries", "300", "--contracts", "1", "--max-limit", "50", "--result-window", "120")
    assert len(process.page(CONTRACT, limit=50)["hits"]["hits"]) == 50
    assert _error(process, limit="51")[0] == 400
    assert len(process.page(CONTRACT, offset=70, limit=50)["hits"]["hits"]) == 50
    status, message = _error(process, offset="71", limit="50")
    assert status == 400 and "[120] but was [121]" in message

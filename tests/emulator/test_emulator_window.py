# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Date windows: dateStart inclusive, dateEnd exclusive, dates, offsets and fractions; bad dates are 400s."""

from __future__ import annotations

import json

import pytest

CONTRACT = 4242
# Entries on and around the edges; "@uuid" names them.
EDGE_TIMES = {
    "e": "2024-05-19T23:59:59.999Z",
    "a": "2024-05-20T00:00:00.000Z",
    "b": "2024-05-20T23:59:59.999Z",
    "c": "2024-05-21T00:00:00.000Z",
    "d": "2024-05-21T12:00:00.500Z",
}


def _entry(uuid: str, moment: str) -> dict:
    return {"@uuid": uuid, "principal": {"identity": {"contractNumber": CONTRACT, "username": "edge@example.com"}},
            "meta": {"time": moment}, "event": {"type": "RequestStatusUpdate", "status": "DONE"}}


@pytest.fixture(name="edges", scope="module")
def edges_fixture(start_emulator, tmp_path_factory):
    path = tmp_path_factory.mktemp("edges") / "edges.json"
    path.write_text(json.dumps([_entry(uuid, moment) for uuid, moment in EDGE_TIMES.items()]), encoding="utf-8")
    return start_emulator("--data", path)


def _ids(process, **params) -> list:
    body = process.page(CONTRACT, limit=100, **params)
    return sorted(hit["_source"]["@uuid"] for hit in body["hits"]["hits"])


@pytest.mark.parametrize("params, expected", [
    ({}, "abcde"),
    ({"dateStart": "2024-05-20", "dateEnd": "2024-05-21"}, "ab"),
    ({"dateStart": "2024-05-20T00:00:00Z", "dateEnd": "2024-05-21T00:00:00Z"}, "ab"),
    ({"dateStart": "2024-05-20T00:00:00.000Z", "dateEnd": "2024-05-21T00:00:00.001Z"}, "abc"),
    ({"dateStart": "2024-05-20T00:00:00.001Z"}, "bcd"),
    ({"dateEnd": "2024-05-20T00:00:00Z"}, "e"),
    ({"dateStart": "2024-05-19T23:59:59.999Z", "dateEnd": "2024-05-20T00:00:00Z"}, "e"),
    ({"dateEnd": "2024-05-19T23:59:59.999Z"}, ""),
    # offsets are converted: 02:00+02:00 is 00:00Z, 19:59:59.999-04:00 is 23:59:59.999Z
    ({"dateStart": "2024-05-20T02:00:00+02:00", "dateEnd": "2024-05-21T02:00:00+02:00"}, "ab"),
    ({"dateStart": "2024-05-19T19:59:59.999-04:00", "dateEnd": "2024-05-19T20:00:00-04:00"}, "e"),
    ({"dateStart": "2024-05-21T05:30:00+05:30"}, "cd"),
    # fractions of any length, compared exactly
    ({"dateStart": "2024-05-21T12:00:00.5Z"}, "d"),
    ({"dateStart": "2024-05-21T12:00:00.4999999Z"}, "d"),
    ({"dateStart": "2024-05-21T12:00:00.5000001Z"}, ""),
    ({"dateStart": "2024-05-21T00:00:00Z", "dateEnd": "2024-05-21T12:00:00.5Z"}, "c"),
    ({"dateStart": "2024-05-21T00:00:00Z", "dateEnd": "2024-05-21T12:00:00.500000001Z"}, "cd"),
    # empty and inverted windows are not errors
    ({"dateStart": "2024-05-20", "dateEnd": "2024-05-20"}, ""),
    ({"dateStart": "2024-05-21", "dateEnd": "2024-05-20"}, ""),
])
def test_window_edges(edges, params, expected):
    assert _ids(edges, **params) == list(expected)
    body = edges.page(CONTRACT, limit=0, **params)
    assert body["hits"] == {"total": len(expected), "hits": []}
    assert sorted(edges.ground_truth(CONTRACT, **params)["ids"]) == list(expected)


def test_ground_truth_is_in_ascending_time_order(edges):
    assert edges.ground_truth(CONTRACT)["ids"] == ["e", "a", "b", "c", "d"]


@pytest.mark.parametrize("name", ["dateStart", "dateEnd"])
@pytest.mark.parametrize("value", [
    "", "yesterday", "2024-13-01", "2024-02-30", "2024-5-1", "20240501", "1716163200", "2024-05-20T10:00:00",
    "2024-05-20 10:00:00Z", "2024-05-20T10:00Z", "2024-05-20T25:00:00Z", "2024-05-20T10:00:00+2:00", "2024-05-20T10:00:00+24:00",
    "2024-05-20T10:00:00.Z", "2024-05-20T10:00:00Z ", "\u0662\u0660\u0662\u0664-05-20",
])
def test_bad_dates_are_400_naming_the_parameter(emulator, name, value):
    response = emulator.get(f"/activitylog/v1/contracts/{emulator.contracts[0]}", params={name: value})
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/json"
    body = response.json()
    assert body["httpStatus"] == 400
    message = body["messages"][0]["message"]
    assert f"'{name}'" in message and "YYYY-MM-DD" in message and "RFC 3339" in message


def test_one_day_total_equals_ground_truth(emulator):
    for contract in emulator.contracts:
        for start, end in (("2024-05-22T00:00:00Z", "2024-05-23"), ("2024-05-31", "2024-06-01T00:00:00Z")):
            params = {"dateStart": start, "dateEnd": end}
            truth = emulator.ground_truth(contract, **params)
            assert truth["total"] == len(truth["ids"]) > 0
            assert emulator.page(contract, limit=0, **params)["hits"]["total"] == truth["total"]


def test_generated_entries_lie_inside_the_period(emulator):
    contract = emulator.contracts[1]
    assert emulator.ground_truth(contract, dateStart="2024-05-22", dateEnd=emulator.until)["total"] == emulator.entries
    assert emulator.ground_truth(contract, dateEnd="2024-05-22")["total"] == 0
    assert emulator.ground_truth(contract, dateStart=emulator.until)["total"] == 0
    oldest = emulator.page(contract, limit=1, offset=emulator.entries - 1)["hits"]["hits"][0]["_source"]["meta"]["time"]
    newest = emulator.page(contract, limit=1)["hits"]["hits"][0]["_source"]["meta"]["time"]
    assert "2024-05-22T00:00:00.000Z" <= oldest <= newest < "2024-06-01T00:00:00.000Z"

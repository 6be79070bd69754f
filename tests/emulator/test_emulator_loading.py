# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""--data FILE: both shapes (and GetByContractResponse values), exact JSON kept, clear errors for bad entries."""

from __future__ import annotations

import json

import pytest


def entry(uuid: str, moment: str, contract=None, **extra) -> dict:
    value = {"@uuid": uuid, "meta": {"time": moment, "auditVersion": "0.1"}, "event": {"type": "Custom", "message": "caf\u00e9 \u2713"}}
    if contract is not None:
        value["principal"] = {"identity": {"contractNumber": contract}}
    value.update(extra)
    return value


def write(tmp_path, document) -> str:
    path = tmp_path / "data.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def test_mapping_shape_with_lists_and_responses(start_emulator, tmp_path):
    first = [entry("x1", "2024-05-01T10:00:00Z"), entry("x2", "2024-05-01T09:00:00.250+02:00", zzz=[1, {"b": None}])]
    second = {"hits": {"total": 99, "hits": [{"_source": entry("y1", "2024-05-02T00:00:00.000Z")}, entry("y2", "2024-04-30T23:00:00Z")]}}
    process = start_emulator("--data", write(tmp_path, {"555": first, "777": second}))
    assert [ref["id"] for ref in process.get("/activitylog/v1/contracts").json()] == [555, 777]
    body = process.page(555, limit=10)
    assert body["hits"]["total"] == 2
    assert [hit["_source"] for hit in body["hits"]["hits"]] == [first[0], first[1]]  # 10:00Z is newer than 07:00:00.250Z
    assert list(body["hits"]["hits"][1]["_source"]) == ["@uuid", "meta", "event", "zzz"]  # key order kept
    assert process.ground_truth(777)["ids"] == ["y2", "y1"]
    assert process.page(777)["hits"]["total"] == 2
    assert process.ground_truth(555, dateStart="2024-05-01T07:00:00.250Z")["ids"] == ["x2", "x1"]
    assert process.ground_truth(555, dateStart="2024-05-01T07:00:00.251Z")["ids"] == ["x1"]


def test_list_shape_takes_the_contract_from_the_entry(start_emulator, tmp_path):
    entries = [entry("a", "2024-05-01T00:00:00Z", 9), entry("b", "2024-05-01T00:00:01Z", "8"), entry("c", "2024-05-01T00:00:02Z", 9),
               {"_source": entry("d", "2024-05-01T00:00:03Z", 8)}]
    process = start_emulator("--data", write(tmp_path, entries), "--order", "oldest")
    assert [ref["id"] for ref in process.get("/activitylog/v1/contracts").json()] == [9, 8]
    assert [hit["_source"]["@uuid"] for hit in process.page(9)["hits"]["hits"]] == ["a", "c"]
    assert [hit["_source"] for hit in process.page(8)["hits"]["hits"]] == [entries[1], entries[3]["_source"]]
    single = process.get("/activitylog/v1/contracts", headers={"Authorization": "Bearer single-token"}).json()
    assert [ref["id"] for ref in single] == [9]


def test_entries_without_uuid_get_a_stable_ground_truth_id(start_emulator, tmp_path):
    plain = entry("unused", "2024-05-01T00:00:00Z")
    del plain["@uuid"]
    process = start_emulator("--data", write(tmp_path, {"5": [plain]}))
    ids = process.ground_truth(5)["ids"]
    assert len(ids) == 1 and ids[0].startswith("sha1:")
    assert process.page(5)["hits"]["hits"] == [{"_source": plain}]


@pytest.mark.parametrize("document, needle", [
    ([entry("a", "2024-05-01T00:00:00Z", 1), entry("b", "2024-05-01", 1)], "entry 1: meta.time"),
    ([entry("a", "2024-05-01T00:00:00Z", 1), entry("b", "2024-05-01T00:00:00Z", 1), entry("c", "2024-05-01T00:00:00Z")], "entry 2: principal"),
    ([entry("a", "2024-05-01T00:00:00Z", "abc")], "entry 0: contract number"),
    ([entry("a", "2024-05-01T00:00:00Z", 1), "text"], "entry 1: not a JSON object"),
    ({"5": [entry("a", "2024-05-01T00:00:00Z"), {"meta": {}}]}, "contract 5, entry 1: meta.time"),
    ({"5": [entry("a", "2024-05-01T25:00:00Z")]}, "contract 5, entry 0: meta.time"),
    ({"five": []}, "contract key 'five'"),
    ({"5": {"total": 1}}, "contract 5: expected a list"),
    ([], "no contracts"),
    ("text", "expected a JSON object"),
])
def test_bad_data_is_refused_at_startup_naming_the_entry(run_emulator, tmp_path, document, needle):
    result = run_emulator("--port", "0", "--data", write(tmp_path, document))
    assert result.returncode == 2
    assert needle in result.stderr
    assert result.stdout == ""


def test_unreadable_data_file(run_emulator, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    result = run_emulator("--port", "0", "--data", path)
    assert result.returncode == 2 and "cannot read" in result.stderr
    result = run_emulator("--port", "0", "--data", tmp_path / "missing.json")
    assert result.returncode == 2 and "cannot read" in result.stderr

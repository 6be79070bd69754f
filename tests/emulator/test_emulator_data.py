# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Generated data: determinism, realistic proportions and shape, variants; loading --data files."""

from __future__ import annotations

import collections
import datetime
import json
import re

import pytest

TINY = ("--until", "2024-06-01T00:00:00Z", "--days", "2", "--entries", "400", "--contracts", "2")
TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
SOURCE_SERVICES = {"PUBLIC_REST_V6", "DCD", "Reseller_V1", "PUBLIC_REST"}


def _bodies(process) -> list:
    return [process.get(f"/activitylog/v1/contracts/{contract}", params={"limit": 1000}).content for contract in (31909628, 31909629)] + \
        [process.get(f"/_emulator/entries/{contract}").content for contract in (31909628, 31909629)]


def test_same_seed_and_until_give_identical_bytes(start_emulator):
    first = start_emulator("--seed", "11", *TINY)
    second = start_emulator("--seed", "11", *TINY)
    other_seed = start_emulator("--seed", "12", *TINY)
    other_until = start_emulator("--seed", "11", *TINY[2:], "--until", "2024-06-02T00:00:00Z")
    assert _bodies(first) == _bodies(second)
    assert _bodies(first)[0] != _bodies(first)[1]  # contracts differ from each other too
    for body, changed in zip(_bodies(first), _bodies(other_seed)):
        assert body != changed
    assert _bodies(first)[0] != _bodies(other_until)[0]


@pytest.fixture(name="sources", scope="module")
def sources_fixture(emulator) -> list:
    """All 3000 entries of the shared instance's first contract."""
    entries = emulator.paged_sources(emulator.contracts[0], 1000)
    assert len(entries) == emulator.entries
    return entries


def test_event_type_proportions_are_realistic(sources):
    types = collections.Counter(entry["event"]["type"] for entry in sources)
    share = {name: count / len(sources) for name, count in types.items()}
    assert 0.45 <= share["RequestStatusUpdate"] <= 0.60
    assert 0.58 <= share["RequestStatusUpdate"] + share["Provision"] <= 0.72
    assert set(types) == {"RequestAccepted", "RequestStatusUpdate", "Provision", "Error", "DCDUserEvent", "GenerateToken"}
    assert {entry["event"]["status"] for entry in sources} == {"QUEUED", "RUNNING", "DONE", "FAILED"}


def test_users_methods_and_services_are_varied(sources):
    users = collections.Counter(entry["principal"]["identity"]["username"] for entry in sources)
    assert 6 <= len(users) <= 12
    assert "ci-bot@example.com" in users or "terraform@example.com" in users or "ansible-runner@example.com" in users
    assert max(users.values()) < 0.6 * len(sources)
    methods = collections.Counter(entry["event"]["param"].get("action") for entry in sources if entry["event"]["param"])
    assert {"GET", "POST", "PUT", "PATCH", "DELETE"} <= set(methods)
    assert methods["GET"] < 0.2 * sum(methods.values())
    assert {entry["principal"]["sourceService"] for entry in sources} <= SOURCE_SERVICES
    assert any(":" in entry["principal"]["sourceIP"] for entry in sources)
    types = {resource["type"] for entry in sources for resource in entry["event"].get("resources", [])}
    assert {"datacenter", "server", "volume", "nic", "firewallrule", "lan", "ipblock", "user", "group", "backupUnit", "k8s"} <= types
    actions = {action for entry in sources for resource in entry["event"].get("resources", []) for action in resource["action"]}
    assert {"vr.datacenter.create", "vr.server.delete", "sec.user.create", "ip.ipblock.reserve", "vr.firewall.activate"} <= actions


def test_every_entry_has_the_full_shape(sources, emulator):
    seen = set()
    for entry in sources:
        assert UUID.fullmatch(entry["@uuid"]) and entry["@uuid"] not in seen
        seen.add(entry["@uuid"])
        assert entry["principal"]["identity"]["contractNumber"] == emulator.contracts[0]
        assert entry["principal"]["serviceHost"].count(".") >= 2
        assert entry["meta"]["auditVersion"] == 0.1
        assert UUID.fullmatch(entry["meta"]["requestId"]) and isinstance(entry["meta"]["queueRefId"], int)
        assert TIME.fullmatch(entry["meta"]["time"])
        assert set(entry["event"]) == {"type", "status", "message", "param", "resources"}
    assert 0 < sum("transactionId" in entry["meta"] for entry in sources) < 0.1 * len(sources)
    assert any(entry["event"]["param"] == {} for entry in sources)


def test_initiator_is_the_initiating_service_not_a_user(sources):
    params = [(entry["principal"]["sourceService"], entry["event"]["param"]) for entry in sources if entry["event"]["param"]]
    assert len(params) > 0.5 * len(sources)
    assert all(param["initiator"] == service for service, param in params)
    assert {param["initiator"] for _service, param in params} <= SOURCE_SERVICES


def test_errors_carry_http_status_and_messages(sources):
    errors = [entry for entry in sources if entry["event"]["type"] == "Error"]
    assert len(errors) > 30
    for entry in errors:
        error = entry["event"]["param"]["error"]
        assert isinstance(error["httpStatus"], int) and 400 <= error["httpStatus"] <= 599
        assert error["messages"] and all(message["errorCode"] and message["message"] for message in error["messages"])
    assert {entry["event"]["param"]["error"]["httpStatus"] // 100 for entry in errors} == {4, 5}


def _epoch(moment: str) -> float:
    return datetime.datetime.strptime(moment, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc).timestamp()


def test_request_clusters_share_request_user_ip_and_resources(sources):
    clusters = collections.defaultdict(list)
    for entry in sources:  # newest first; a cluster in time order is the reverse
        clusters[entry["meta"]["requestId"]].insert(0, entry)
    multi = [cluster for cluster in clusters.values() if len(cluster) > 1]
    assert len(multi) > 100
    unfinished = 0
    for cluster in multi:
        assert len({(e["principal"]["identity"]["username"], e["principal"]["sourceIP"], e["meta"]["queueRefId"]) for e in cluster}) == 1
        assert len({json.dumps(e["event"]["resources"]) for e in cluster}) == 1
        assert _epoch(cluster[-1]["meta"]["time"]) - _epoch(cluster[0]["meta"]["time"]) < 300
        steps = [(e["event"]["type"], e["event"]["status"]) for e in cluster]
        assert steps[:2] == [("RequestAccepted", "QUEUED"), ("RequestStatusUpdate", "QUEUED")]
        if steps[-1] not in (("RequestStatusUpdate", "DONE"), ("RequestStatusUpdate", "FAILED")):
            unfinished += 1  # only the last cluster may be cut short to give exactly --entries
    assert unfinished <= 1


VARIANT_CHECKS = {
    "string-contract-numbers": lambda body, entries: all(isinstance(e["principal"]["identity"]["contractNumber"], str) for e in entries),
    "string-http-status": lambda body, entries: all(
        isinstance(e["event"]["param"]["error"]["httpStatus"], str) for e in entries if "error" in e["event"].get("param", {})),
    "string-audit-version": lambda body, entries: all(e["meta"]["auditVersion"] == "0.1" for e in entries),
    "total-object": lambda body, entries: body["hits"]["total"] == {"value": 400, "relation": "eq"},
    "extra-hit-keys": lambda body, entries: all(set(hit) == {"_id", "_index", "_score", "_source", "sort"} for hit in body["hits"]["hits"]),
    "no-uuid": lambda body, entries: all("@uuid" not in e for e in entries),
    "sparse": lambda body, entries: (
        any("sourceIP" not in e["principal"] for e in entries) and any(e["event"].get("param") == {} for e in entries)
        and any("resources" not in e["event"] for e in entries) and all(TIME.fullmatch(e["meta"]["time"]) for e in entries)),
}


def _served(process) -> tuple:
    body = process.page(31909628, limit=1000)
    return body, [hit["_source"] for hit in body["hits"]["hits"]]


@pytest.fixture(name="plain", scope="module")
def plain_fixture(start_emulator):
    return start_emulator("--seed", "21", *TINY)


def _undo(variant: str, entry: dict) -> dict:
    """The entry as it is without the variant (sparse cannot be undone: it is checked as a subset instead)."""
    entry = json.loads(json.dumps(entry))
    if variant == "string-contract-numbers":
        entry["principal"]["identity"]["contractNumber"] = int(entry["principal"]["identity"]["contractNumber"])
    elif variant == "string-http-status" and "error" in entry["event"]["param"]:
        entry["event"]["param"]["error"]["httpStatus"] = int(entry["event"]["param"]["error"]["httpStatus"])
    elif variant == "string-audit-version":
        entry["meta"]["auditVersion"] = float(entry["meta"]["auditVersion"])
    return entry


def _is_subset(part, whole) -> bool:
    if isinstance(part, dict) and isinstance(whole, dict):
        return all(key in whole and (part[key] == {} or _is_subset(part[key], whole[key])) for key in part)
    return part == whole


@pytest.mark.parametrize("variant", sorted(VARIANT_CHECKS))
def test_each_variant_changes_only_its_aspect(start_emulator, plain, variant):
    process = start_emulator("--seed", "21", *TINY, "--variant", variant)
    body, entries = _served(process)
    plain_body, plain_entries = _served(plain)
    assert VARIANT_CHECKS[variant](body, entries)
    assert [other for other, check in VARIANT_CHECKS.items() if check(plain_body, plain_entries)] == []
    assert [other for other, check in VARIANT_CHECKS.items() if other != variant and check(body, entries)] == []
    if variant == "no-uuid":
        assert entries == [{key: value for key, value in entry.items() if key != "@uuid"} for entry in plain_entries]
    elif variant == "sparse":
        assert all(_is_subset(entry, whole) for entry, whole in zip(entries, plain_entries))
    else:
        assert [_undo(variant, entry) for entry in entries] == plain_entries
    assert process.ground_truth(31909628) == plain.ground_truth(31909628)


def test_all_variants_at_once(start_emulator, plain):
    process = start_emulator("--seed", "21", *TINY, "--variant", "all")
    body, entries = _served(process)
    for variant, check in VARIANT_CHECKS.items():
        if variant not in ("string-audit-version", "string-contract-numbers"):  # sparse may drop those fields
            assert check(body, entries), variant
    assert all(isinstance(e.get("meta", {}).get("auditVersion", "0.1"), str) for e in entries)
    assert process.ground_truth(31909628) == plain.ground_truth(31909628)


def test_sparse_is_deterministic(start_emulator):
    first = start_emulator("--seed", "21", *TINY, "--variant", "sparse")
    second = start_emulator("--seed", "21", *TINY, "--variant", "sparse")
    assert _bodies(first) == _bodies(second)

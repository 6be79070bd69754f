# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""GET /cloudapi/v6/requests/{requestId}: the Cloud API requests behind the entries.

Consistency with the entries of a seed, the 404s (unknown, another contract's, too old), 401 and 403, the faults,
rate limit and latency of the other endpoints, the stats counted apart, and the fake secrets in headers and bodies.
"""

from __future__ import annotations

import collections
import json
import re
import urllib.parse

import pytest
import requests

UNTIL = "2024-06-01T00:00:00Z"  # as the shared emulator of conftest.py
CONTRACTS = (31909628, 31909629, 31909630)
RESELLER = {"Authorization": "Bearer reseller-token"}
SINGLE = {"Authorization": "Bearer single-token"}
NO_REQUESTS = {"Authorization": "Bearer no-requests-token"}
NOPRIVILEGE = {"Authorization": "Bearer noprivilege-token"}
SMALL = ("--entries", "400", "--contracts", "2", "--until", UNTIL, "--days", "10")
SECRET = re.compile(r"SECRET-[0-9A-Za-z-]*")
TIMEOUT = 10
MS_PER_DAY = 86400000


def request_path(request_id: str) -> str:
    return "/cloudapi/v6/requests/" + urllib.parse.quote(request_id, safe="")


def fetch(process, request_id: str, headers=None, depth=1, **kwargs) -> requests.Response:
    """One request resource, with depth=1 as the collection asks for it."""
    params = {} if depth is None else {"depth": depth}
    return process.get(request_path(request_id), headers=headers, params=params, **kwargs)


def fresh(process, request_id: str, headers=None, timeout=TIMEOUT) -> requests.Response:
    """On a new connection, so a dropped one affects only this call."""
    return requests.get(process.url + request_path(request_id), headers=RESELLER if headers is None else headers, params={"depth": 1},
                        timeout=timeout)


def with_contract(headers: dict, contract) -> dict:
    return dict(headers, **{"X-Contract-Number": str(contract)})


def all_entries(process, contract: int) -> list:
    return process.paged_sources(contract, 1000)


def expected_requests(entries: list) -> dict:
    """What the entries say about each request with a Cloud API resource: request id -> its facts.

    ``entries`` come newest first, entries of the same time in reverse arrival order: reversed and sorted stably by
    time, they are in arrival order, so the latest status update is the last one even where times tie.
    """
    facts = {}
    for position, entry in enumerate(sorted(entries[::-1], key=lambda item: item["meta"]["time"])):
        param = entry["event"].get("param") or {}
        if not (entry["principal"]["sourceService"].startswith("PUBLIC_REST") and param.get("action") in ("GET", "POST", "PUT", "PATCH", "DELETE")
                and param.get("uri", "").startswith("/cloudapi/")):
            continue
        item = facts.setdefault(entry["meta"]["requestId"], {
            "method": param["action"], "uri": param["uri"], "username": entry["principal"]["identity"]["username"],
            "created": entry["meta"]["time"], "updates": [], "others": [], "resources": entry["event"]["resources"]})
        item["created"] = min(item["created"], entry["meta"]["time"])
        kind = "updates" if entry["event"]["type"] == "RequestStatusUpdate" else "others"
        item[kind].append((entry["meta"]["time"], position, entry["event"]["status"]))
    return facts


def final_status(item: dict) -> str:
    return max(item["updates"] or item["others"])[2]


@pytest.fixture(name="listing", scope="module")
def listing_fixture(emulator):
    """The admin listing of the shared emulator's requests, per contract."""
    return {contract: emulator.cloud_requests(contract) for contract in CONTRACTS}


# ---------------------------------------------------------------- consistency with the entries


def test_every_request_agrees_with_its_entries(emulator, listing):
    """All contracts of the shared seed: the requests are exactly those of the public REST entries, and agree with them."""
    checked = collections.Counter()
    for contract in CONTRACTS:
        entries = all_entries(emulator, contract)
        assert len(entries) == emulator.entries
        facts = expected_requests(entries)
        listed = {item["id"]: item for item in listing[contract]}
        assert set(listed) == set(facts), "the emulator's requests are not those of the entries"
        assert all(item["retained"] for item in listed.values())  # 10 days of data, kept 14
        ids = sorted(facts) if contract == CONTRACTS[0] else sorted(facts)[::10]
        for request_id in ids:
            item = facts[request_id]
            response = fetch(emulator, request_id, with_contract(RESELLER, contract))
            assert response.status_code == 200, response.text
            assert response.headers["Content-Type"] == "application/json"
            body = response.json()
            status = body["metadata"]["requestStatus"]
            assert body["id"] == request_id and body["type"] == "request"
            assert body["href"] == f"{emulator.url}/cloudapi/v6/requests/{request_id}"
            assert body["properties"]["method"] == item["method"]
            assert body["properties"]["url"] == "https://api.ionos.com" + item["uri"]
            assert body["metadata"]["createdBy"] == item["username"]
            assert body["metadata"]["createdDate"] == item["created"]
            assert status["type"] == "request-status" and status["href"] == body["href"] + "/status"
            assert status["metadata"]["status"] == final_status(item) == listed[request_id]["status"]
            targets = [(target["target"]["type"], target["target"]["id"]) for target in status["metadata"]["targets"]]
            assert targets == [(resource["type"], resource["id"]) for resource in item["resources"]]
            assert all(target["status"] == final_status(item) for target in status["metadata"]["targets"])
            assert all(target["target"]["href"].startswith(emulator.url + "/cloudapi/v6/") for target in status["metadata"]["targets"])
            if final_status(item) == "FAILED":
                assert status["metadata"]["message"] and "status changed" not in status["metadata"]["message"]
            checked[final_status(item)] += 1
            checked[item["method"]] += 1
    assert checked["DONE"] > 100 and checked["FAILED"] > 10
    assert all(checked[method] for method in ("GET", "POST", "PUT", "PATCH", "DELETE")), checked


def test_entries_without_a_cloud_api_request_answer_404(emulator, listing):
    entries = all_entries(emulator, CONTRACTS[1])
    listed = {item["id"] for item in listing[CONTRACTS[1]]}
    others = {entry["meta"]["requestId"] for entry in entries} - listed
    kinds = collections.Counter(entry["event"]["type"] for entry in entries if entry["meta"]["requestId"] in others)
    assert kinds["DCDUserEvent"] and kinds["GenerateToken"], kinds  # DCD, token and non-REST requests have none
    for request_id in sorted(others)[:20]:
        response = fetch(emulator, request_id)
        assert response.status_code == 404, response.text
        assert response.json()["httpStatus"] == 404


def test_same_seed_same_requests_and_depth(start_emulator):
    first = start_emulator(*SMALL, "--seed", "3")
    second = start_emulator(*SMALL, "--seed", "3")
    other = start_emulator(*SMALL, "--seed", "4")
    listing = first.cloud_requests(list(CONTRACTS[:2]))
    assert listing == second.cloud_requests(list(CONTRACTS[:2])) != other.cloud_requests(list(CONTRACTS[:2]))
    for item in listing[::7]:
        one, two = fetch(first, item["id"]).json(), fetch(second, item["id"]).json()
        assert json.dumps(one).replace(first.url, "") == json.dumps(two).replace(second.url, "")
        shallow = fetch(first, item["id"], depth=None).json()
        assert shallow["metadata"]["requestStatus"] == {key: one["metadata"]["requestStatus"][key] for key in ("id", "type", "href")}
        assert fetch(first, item["id"], depth=0).json() == shallow
        assert {key: value for key, value in shallow.items() if key != "metadata"} == {key: value for key, value in one.items() if key != "metadata"}


# ---------------------------------------------------------------- auth, contracts, retention


@pytest.mark.parametrize("headers", [
    {}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic " + "cmVzZWxsZXJAZXhhbXBsZS5jb206d3Jvbmc="}, {"Authorization": "reseller-token"},
])
def test_missing_or_wrong_credentials_are_401(emulator, listing, headers):
    response = fetch(emulator, listing[CONTRACTS[0]][0]["id"], headers)
    assert response.status_code == 401
    assert response.headers["Content-Type"] == "application/json" and response.json()["httpStatus"] == 401
    assert "wrong" not in response.text


def test_basic_credentials_read_requests(emulator, listing):
    basic = ("user@example.com", "user-password")
    assert emulator.get(request_path(listing[CONTRACTS[0]][0]["id"]), headers={}, auth=basic).status_code == 200


def test_a_credential_without_the_privilege_gets_403(emulator, listing):
    request_id = listing[CONTRACTS[0]][0]["id"]
    assert emulator.get(f"/activitylog/v1/contracts/{CONTRACTS[0]}", headers=NO_REQUESTS, params={"limit": 1}).status_code == 200
    for headers in (NO_REQUESTS, with_contract(NO_REQUESTS, CONTRACTS[0])):
        response = fetch(emulator, request_id, headers)
        assert response.status_code == 403 and response.json()["httpStatus"] == 403
    assert fetch(emulator, "no-such-request", NO_REQUESTS).status_code == 403  # the privilege is checked before the id
    # the activity-log privilege is another one: its lack does not hide requests
    assert fetch(emulator, request_id, NOPRIVILEGE).status_code == 200


def test_contract_header_must_name_the_request_s_contract(emulator, listing):
    first, second = listing[CONTRACTS[0]][0]["id"], listing[CONTRACTS[1]][0]["id"]
    assert fetch(emulator, second, RESELLER).status_code == 200  # without the header: every contract of the credential
    assert fetch(emulator, second, with_contract(RESELLER, CONTRACTS[1])).status_code == 200
    for headers, request_id in ((with_contract(RESELLER, CONTRACTS[0]), second), (with_contract(RESELLER, CONTRACTS[2]), first),
                                (with_contract(RESELLER, 99999999), first), (with_contract(RESELLER, "abc"), first),
                                (SINGLE, second), (with_contract(SINGLE, CONTRACTS[1]), second), (RESELLER, "not-a-request")):
        response = fetch(emulator, request_id, headers)
        assert response.status_code == 404, (headers, request_id, response.text)
        assert response.json()["messages"][0]["errorCode"]
    assert fetch(emulator, first, SINGLE).status_code == 200


def test_bad_depth_is_400_and_other_methods_405(emulator, listing):
    path = request_path(listing[CONTRACTS[0]][0]["id"])
    for depth in ("x", "-1", "11", "1.5"):
        assert emulator.get(path, params={"depth": depth}).status_code == 400
    for method in ("POST", "DELETE", "PATCH"):
        response = emulator.session.request(method, emulator.url + path, headers=RESELLER, timeout=TIMEOUT)
        assert response.status_code == 405 and response.headers["Allow"] == "GET"
    assert emulator.session.head(emulator.url + path, headers=RESELLER, timeout=TIMEOUT).status_code == 405
    assert emulator.get(path + "/status").status_code == 404  # only the request itself is served
    assert emulator.get("/cloudapi/v6/requests").status_code == 404


def test_requests_older_than_the_retention_are_404(start_emulator):
    process = start_emulator(*SMALL, "--request-retention-days", "2.5")
    listing = process.cloud_requests(list(CONTRACTS[:2]))
    cutoff = "2024-05-29T12:00:00.000Z"  # --until minus 2.5 days
    assert {item["retained"] for item in listing} == {True, False}
    for item in listing:
        assert item["retained"] == (item["createdDate"] >= cutoff)
    for item in listing[::5]:
        assert fetch(process, item["id"]).status_code == (200 if item["retained"] else 404)
    keep_all = start_emulator(*SMALL, "--request-retention-days", "0")
    assert all(item["retained"] for item in keep_all.cloud_requests(CONTRACTS[0]))
    assert fetch(keep_all, listing[0]["id"]).status_code == 200


def test_retention_counts_from_the_clock_without_until(start_emulator):
    """Without --until the data ends now: with a retention of a day, the requests of the last day are served."""
    process = start_emulator("--entries", "400", "--contracts", "1", "--days", "3", "--request-retention-days", "1")
    listing = process.cloud_requests(CONTRACTS[0])
    retained = [item for item in listing if item["retained"]]
    assert retained and len(retained) < len(listing)
    assert fetch(process, retained[-1]["id"]).status_code == 200
    assert fetch(process, listing[0]["id"]).status_code == 404


def test_bad_retention_flag_exits_2(run_emulator):
    for value in ("-1", "nan", "x"):
        result = run_emulator("--request-retention-days", value)
        assert result.returncode == 2 and "--request-retention-days" in result.stderr


def test_credentials_file_grants_or_denies_requests(start_emulator, run_emulator, tmp_path):
    path = tmp_path / "credentials.json"
    path.write_text(json.dumps({"tokens": {"auditor": {"contracts": "*", "requests": False}, "ops": {"contracts": [CONTRACTS[1]]}}}))
    process = start_emulator(*SMALL, "--credentials", str(path))
    first, second = process.cloud_requests(CONTRACTS[0])[0]["id"], process.cloud_requests(CONTRACTS[1])[0]["id"]
    assert fetch(process, first, {"Authorization": "Bearer auditor"}).status_code == 403
    assert fetch(process, second, {"Authorization": "Bearer ops"}).status_code == 200
    assert fetch(process, first, {"Authorization": "Bearer ops"}).status_code == 404
    path.write_text(json.dumps({"tokens": {"auditor": {"contracts": "*", "requests": "no"}}}))
    result = run_emulator("--credentials", str(path))
    assert result.returncode == 2 and "'requests' must be true or false" in result.stderr


def test_loaded_and_appended_entries_have_requests(start_emulator, tmp_path):
    entry = {"@uuid": "e1", "principal": {"sourceIP": "192.0.2.1", "identity": {"contractNumber": 42, "username": "ann@example.com"},
                                          "sourceService": "PUBLIC_REST_V6"},
             "meta": {"requestId": "req-1", "time": "2024-05-31T10:00:00.000Z"},
             "event": {"type": "RequestAccepted", "status": "QUEUED", "param": {"action": "POST", "uri": "/cloudapi/v6/datacenters"},
                       "resources": [{"type": "datacenter", "id": "dc-1"}]}}
    update = json.loads(json.dumps(entry))
    update["meta"].update(time="2024-05-31T10:00:05.000Z")
    update["event"].update(type="RequestStatusUpdate", status="RUNNING")
    path = tmp_path / "data.json"
    odd = [{"meta": {"requestId": 5, "time": "2024-05-31T10:00:00Z"}}, {"meta": {"time": "2024-05-31T10:00:00Z"}, "principal": "x", "event": []}]
    path.write_text(json.dumps({"42": [update, entry] + odd}))
    process = start_emulator("--data", str(path), "--until", UNTIL)
    body = fetch(process, "req-1").json()
    assert body["metadata"]["createdDate"] == "2024-05-31T10:00:00.000Z" and body["metadata"]["createdBy"] == "ann@example.com"
    assert body["metadata"]["requestStatus"]["metadata"]["status"] == "RUNNING"
    assert body["properties"]["method"] == "POST" and body["properties"]["url"] == "https://api.ionos.com/cloudapi/v6/datacenters"
    assert body["metadata"]["requestStatus"]["metadata"]["targets"][0]["target"]["href"] == process.url + "/cloudapi/v6/datacenters/dc-1"
    generated = start_emulator(*SMALL)
    before = {item["id"] for item in generated.cloud_requests(CONTRACTS[0])}
    generated.append(CONTRACTS[0], 60)
    appended = [item for item in generated.cloud_requests(CONTRACTS[0]) if item["id"] not in before]
    assert appended and fetch(generated, appended[0]["id"]).status_code == 200


# ---------------------------------------------------------------- faults, rate limit, latency, stats


def test_faults_apply_to_requests_too(start_emulator):
    process = start_emulator(*SMALL, "--error-rate", "0.5", "--html-error-rate", "0.2", "--malformed-rate", "0.1", "--truncate-rate", "0.1",
                             "--fault-streak-max", "1000")
    ids = [item["id"] for item in process.cloud_requests(CONTRACTS[0])]
    kinds = collections.Counter()
    for request_id in ids[:60]:
        response = fresh(process, request_id)
        if response.status_code >= 500:
            kinds["html" if response.headers["Content-Type"].startswith("text/html") else "json"] += 1
            continue
        assert response.status_code == 200
        try:
            response.json()
            kinds["ok"] += 1
        except ValueError:
            kinds["bad body"] += 1
    assert kinds["json"] and kinds["html"] and kinds["bad body"], kinds
    faults = process.stats()["cloud_requests"]["faults"]
    assert faults["error"] == kinds["json"] and faults["html_error"] == kinds["html"]
    assert faults["truncate"] + faults["malformed"] == kinds["bad body"]
    assert sum(process.stats()["faults"].values()) == 0  # the Activity Log's counters are apart


@pytest.mark.parametrize("scope", ["requests", "activity"])
def test_fault_scope_keeps_the_other_endpoint_clean(start_emulator, scope):
    process = start_emulator(*SMALL, "--error-rate", "1", "--fault-streak-max", "1000", "--fault-scope", scope)
    request_id = process.cloud_requests(CONTRACTS[0])[0]["id"]
    page = requests.get(process.url + "/activitylog/v1/contracts/%d" % CONTRACTS[0], headers=RESELLER, params={"limit": 1}, timeout=TIMEOUT)
    detail = fresh(process, request_id)
    faulty, clean = (detail, page) if scope == "requests" else (page, detail)
    assert faulty.status_code >= 500 and clean.status_code == 200
    stats = process.stats()
    assert sum(stats["cloud_requests"]["faults"].values()) == (scope == "requests")
    assert sum(stats["faults"].values()) == (scope == "activity")


def test_drop_and_the_streak_bound(start_emulator):
    process = start_emulator(*SMALL, "--drop-rate", "1", "--fault-streak-max", "2")
    request_id = process.cloud_requests(CONTRACTS[0])[0]["id"]
    for _attempt in range(2):
        with pytest.raises(requests.exceptions.ConnectionError):
            fresh(process, request_id)
    assert fresh(process, request_id).status_code == 200  # the third try gets through
    assert process.stats()["cloud_requests"]["faults"]["drop"] == 2


def test_fault_profile_three_tries_always_succeed_and_stats_count_each_id(start_emulator):
    process = start_emulator(*SMALL, "--profile", "faults", "--rate-limit", "0", "--latency-ms", "0")
    ids = [item["id"] for item in process.cloud_requests(list(CONTRACTS[:2]))][::4][:40]
    tries = collections.Counter()
    for request_id in ids:
        for _attempt in range(3):  # --fault-streak-max 2
            tries[request_id] += 1
            try:
                response = fresh(process, request_id)
            except requests.exceptions.ConnectionError:
                continue
            if response.status_code == 200:
                try:
                    if response.json()["id"] == request_id:
                        break
                except ValueError:
                    pass
        else:
            pytest.fail(f"{request_id} failed 3 times")
    stats = process.stats()
    assert stats["cloud_requests"]["by_id"] == dict(tries)
    assert stats["cloud_requests"]["requests"] == sum(tries.values()) > len(ids)
    assert stats["requests"] == 0


def test_rate_limit_is_shared_with_the_activity_log(start_emulator):
    process = start_emulator(*SMALL, "--rate-limit", "0.05", "--rate-burst", "2")
    request_id = process.cloud_requests(CONTRACTS[0])[0]["id"]
    assert fetch(process, request_id).status_code == 200
    assert process.get(f"/activitylog/v1/contracts/{CONTRACTS[0]}", params={"limit": 1}).status_code == 200
    limited = fetch(process, request_id)
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    assert limited.json()["httpStatus"] == 429
    assert fetch(process, request_id, SINGLE).status_code == 200  # another credential, another bucket


def test_latency_applies(start_emulator):
    process = start_emulator(*SMALL, "--latency-ms", "150")
    response = fetch(process, process.cloud_requests(CONTRACTS[0])[0]["id"])
    assert response.status_code == 200 and response.elapsed.total_seconds() >= 0.15


def test_stats_count_requests_apart_by_id(start_emulator):
    process = start_emulator(*SMALL)
    ids = [item["id"] for item in process.cloud_requests(CONTRACTS[0])][:5]
    for request_id in ids:
        assert fetch(process, request_id).status_code == 200
    fetch(process, ids[0])
    fetch(process, "unknown-id")
    fetch(process, ids[1], {})
    process.get(f"/activitylog/v1/contracts/{CONTRACTS[0]}")
    stats = process.stats()
    assert stats["requests"] == 1 and stats["by_status"] == {"200": 1}
    cloud = stats["cloud_requests"]
    assert cloud["requests"] == 8 and cloud["by_status"] == {"200": 6, "404": 1, "401": 1}
    assert cloud["by_id"] == dict({request_id: 1 for request_id in ids}, **{ids[0]: 2, ids[1]: 2, "unknown-id": 1})
    process.reset_stats()
    assert process.stats()["cloud_requests"] == {"requests": 0, "by_status": {}, "faults": cloud["faults"], "by_id": {}}


# ---------------------------------------------------------------- secrets and bodies


def _secret_paths(value, path=()):
    """(path, value) of every secret-looking value in a decoded JSON body; list items as ``[]``."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _secret_paths(item, path + (key,))
    elif isinstance(value, list):
        for item in value:
            yield from _secret_paths(item, path + ("[]",))
    elif isinstance(value, str) and SECRET.search(value):
        yield ".".join(path), value


def test_headers_and_bodies_carry_recognisable_secrets(emulator, listing):
    paths, kinds = collections.Counter(), collections.Counter()
    for contract in CONTRACTS:
        for item in listing[contract][::3]:
            properties = fetch(emulator, item["id"]).json()["properties"]
            headers, body = properties["headers"], properties.get("body")
            assert SECRET.fullmatch(headers["Authorization"].split(" ", 1)[1]) and headers["Authorization"].startswith("Bearer ")
            assert SECRET.search(headers["Cookie"])
            found = set(SECRET.findall(json.dumps(properties)))
            assert found == set(item["secrets"]), "the admin listing names every secret of the request"
            if body is None:
                assert properties["method"] in ("GET", "DELETE") and "Content-Type" not in headers
                kinds["none"] += 1
                continue
            try:
                decoded = json.loads(body)
            except ValueError:
                kinds["form" if headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded") else "empty" if not body else "cut"] += 1
                continue
            kinds["json"] += 1
            for path, value in _secret_paths(decoded):
                assert SECRET.fullmatch(value), (path, value)
                paths[path] += 1
    for path in ("properties.imagePassword", "properties.sshKeys.[]", "entities.volumes.items.[].properties.imagePassword", "token",
                 "properties.apiKey", "properties.credentials.password", "properties.password"):
        assert paths[path], (path, paths)
    assert all(kinds[kind] for kind in ("json", "none", "form", "empty", "cut")), kinds
    assert kinds["json"] > 10 * (kinds["form"] + kinds["cut"])


def test_the_deepest_secret_and_the_credentials_object(start_emulator):
    """``entities.users.items[0].properties.password`` (a member added to a group) and a ``credentials`` object
    (S3 keys of a Kubernetes cluster) occur in a bigger data set."""
    process = start_emulator("--entries", "6000", "--contracts", "1", "--until", UNTIL, "--request-retention-days", "0")
    wanted = {"entities.users.items.[].properties.password": 0, "credentials.s3.secretKey": 0}
    for item in process.cloud_requests(CONTRACTS[0]):
        if sum(1 for secret in item["secrets"] if secret.startswith("SECRET-pw-") or secret.startswith("SECRET-s3-")) == 0:
            continue
        body = fetch(process, item["id"]).json()["properties"].get("body")
        try:
            decoded = json.loads(body or "")
        except ValueError:
            continue
        for path, _value in _secret_paths(decoded):
            if path in wanted:
                wanted[path] += 1
        if all(wanted.values()):
            break
    assert all(wanted.values()), wanted


def test_no_secret_pattern_in_the_activity_log(emulator):
    for contract in CONTRACTS:
        response = emulator.get(f"/activitylog/v1/contracts/{contract}", params={"limit": 1000})
        assert response.status_code == 200 and "SECRET-" not in response.text

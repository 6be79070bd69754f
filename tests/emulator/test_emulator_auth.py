# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Credentials, contract access, routing errors, and the IONOS error body on every error."""

from __future__ import annotations

import base64
import json

import pytest

RESELLER = {"Authorization": "Bearer reseller-token"}
SINGLE = {"Authorization": "Bearer single-token"}
NOPRIVILEGE = {"Authorization": "Bearer noprivilege-token"}


def basic(user: str, password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def assert_ionos_error(response, status: int) -> str:
    """The documented error shape; returns the message."""
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/json"
    assert int(response.headers["Content-Length"]) == len(response.content)
    body = response.json()
    assert body["httpStatus"] == status
    assert len(body["messages"]) == 1
    assert isinstance(body["messages"][0]["errorCode"], str) and body["messages"][0]["errorCode"]
    assert isinstance(body["messages"][0]["message"], str) and body["messages"][0]["message"]
    return body["messages"][0]["message"]


def listed(process, headers) -> list:
    response = process.get("/activitylog/v1/contracts", headers=headers)
    assert response.status_code == 200
    for reference in response.json():
        assert reference["type"] == "contracts"
        assert reference["href"] == f"{process.url}/activitylog/v1/contracts/{reference['id']}"
    return [reference["id"] for reference in response.json()]


def test_info_needs_no_auth_and_uses_the_host_header(emulator):
    response = emulator.get("/activitylog/v1", headers={})
    assert response.json() == {"name": "CLOUD API", "version": "1.0", "href": f"{emulator.url}/activitylog/v1"}
    proxied = emulator.get("/activitylog/v1/", headers={"Host": "api.example.test"})
    assert proxied.json()["href"] == "http://api.example.test/activitylog/v1"


@pytest.mark.parametrize("headers", [
    {}, {"Authorization": "Bearer wrong"}, {"Authorization": "Bearer"}, {"Authorization": "reseller-token"},
    {"Authorization": "Token reseller-token"}, basic("reseller@example.com", "wrong"), basic("nobody@example.com", "x"),
    {"Authorization": "Basic !!!notbase64"}, {"Authorization": "Basic " + base64.b64encode(b"no-colon").decode()},
])
@pytest.mark.parametrize("path", ["/activitylog/v1/contracts", "/activitylog/v1/contracts/31909628"])
def test_missing_or_wrong_credentials_are_401(emulator, headers, path):
    message = assert_ionos_error(emulator.get(path, headers=headers), 401)
    assert "reseller" not in message and "wrong" not in message


def test_reseller_sees_every_contract_single_user_one(emulator):
    contracts = list(emulator.contracts)
    assert listed(emulator, RESELLER) == contracts
    assert listed(emulator, basic("reseller@example.com", "reseller-password")) == contracts
    assert listed(emulator, SINGLE) == contracts[:1]
    assert listed(emulator, basic("user@example.com", "user-password")) == contracts[:1]
    assert listed(emulator, NOPRIVILEGE) == contracts[:1]
    for contract in contracts:
        assert emulator.page(contract, limit=1)["hits"]["total"] == emulator.entries
        assert emulator.page(contract, headers=basic("reseller@example.com", "reseller-password"), limit=1)["hits"]["total"] == emulator.entries


def test_basic_and_bearer_read_the_same_bytes(emulator):
    contract = emulator.contracts[0]
    path = f"/activitylog/v1/contracts/{contract}"
    assert emulator.get(path, headers=SINGLE).content == emulator.get(path, headers=basic("user@example.com", "user-password")).content


def test_contracts_not_readable_are_403(emulator):
    first, second = emulator.contracts[:2]
    for headers in (SINGLE, basic("user@example.com", "user-password")):
        assert emulator.get(f"/activitylog/v1/contracts/{first}", headers=headers).status_code == 200
        message = assert_ionos_error(emulator.get(f"/activitylog/v1/contracts/{second}", headers=headers), 403)
        assert str(second) in message
    assert_ionos_error(emulator.get("/activitylog/v1/contracts/12345"), 403)


def test_no_privilege_token_is_403_even_on_its_own_contract(emulator):
    message = assert_ionos_error(emulator.get(f"/activitylog/v1/contracts/{emulator.contracts[0]}", headers=NOPRIVILEGE), 403)
    assert "privilege" in message


def test_x_contract_number_is_ignored(emulator):
    contract = emulator.contracts[1]
    plain = emulator.get(f"/activitylog/v1/contracts/{contract}", params={"limit": 3})
    with_header = emulator.get(f"/activitylog/v1/contracts/{contract}", headers=dict(RESELLER, **{"X-Contract-Number": "1"}), params={"limit": 3})
    assert with_header.content == plain.content
    assert emulator.get(f"/activitylog/v1/contracts/{contract}", headers=dict(SINGLE, **{"X-Contract-Number": str(contract)})).status_code == 403


@pytest.mark.parametrize("number", ["abc", "3190962x", "-5", "1.0", "%20"])
def test_non_numeric_contract_is_400_naming_it(emulator, number):
    message = assert_ionos_error(emulator.get(f"/activitylog/v1/contracts/{number}"), 400)
    assert "contract number" in message


@pytest.mark.parametrize("path", ["/", "/activitylog", "/activitylog/v2", "/activitylog/v1/contract", "/activitylog/v1/contracts/31909628/entries"])
def test_unknown_paths_are_404(emulator, path):
    assert_ionos_error(emulator.get(path), 404)


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"])
@pytest.mark.parametrize("path", ["/activitylog/v1", "/activitylog/v1/contracts", "/activitylog/v1/contracts/31909628/"])
def test_other_methods_are_405(emulator, method, path):
    response = emulator.session.request(method, emulator.url + path, headers=RESELLER, data=b"{}", timeout=10)
    assert_ionos_error(response, 405)
    assert response.headers["Allow"] == "GET"
    assert emulator.get("/activitylog/v1").status_code == 200  # the kept-alive connection is still in step


def test_head_is_405_without_a_body(emulator):
    response = emulator.session.head(emulator.url + "/activitylog/v1", timeout=10)
    assert response.status_code == 405
    assert response.content == b""
    assert emulator.get("/activitylog/v1").status_code == 200


def test_trailing_slash_is_tolerated(emulator):
    contract = emulator.contracts[0]
    assert emulator.get("/activitylog/v1/contracts/").json() == emulator.get("/activitylog/v1/contracts").json()
    assert emulator.get(f"/activitylog/v1/contracts/{contract}/", params={"limit": 2}).content == \
        emulator.get(f"/activitylog/v1/contracts/{contract}", params={"limit": 2}).content


@pytest.fixture(name="custom", scope="module")
def custom_fixture(start_emulator, tmp_path_factory):
    path = tmp_path_factory.mktemp("credentials") / "credentials.json"
    path.write_text(json.dumps({
        "tokens": {"second-only": {"contracts": [31909629]}, "all": {"contracts": "*"}, "locked": {"contracts": "*", "privilege": False}},
        "basic": {"alice": {"password": "s3cret", "contracts": ["31909630"], "privilege": True}},
    }), encoding="utf-8")
    return start_emulator("--entries", "100", "--contracts", "3", "--credentials", path)


def test_credentials_file(custom):
    assert listed(custom, {"Authorization": "Bearer second-only"}) == [31909629]
    assert listed(custom, {"Authorization": "Bearer all"}) == [31909628, 31909629, 31909630]
    assert listed(custom, basic("alice", "s3cret")) == [31909630]
    assert custom.page(31909629, headers={"Authorization": "Bearer second-only"})["hits"]["total"] == 100
    assert_ionos_error(custom.get("/activitylog/v1/contracts/31909628", headers={"Authorization": "Bearer second-only"}), 403)
    assert_ionos_error(custom.get("/activitylog/v1/contracts/31909628", headers={"Authorization": "Bearer locked"}), 403)
    assert custom.page(31909630, headers=basic("alice", "s3cret"))["hits"]["total"] == 100
    assert_ionos_error(custom.get("/activitylog/v1/contracts", headers=RESELLER), 401)


@pytest.mark.parametrize("content", ['{"tokens": []}', '{"tokens": {"t": {"contracts": "some"}}}', '{"basic": {"u": {"contracts": []}}}', "not json"])
def test_bad_credentials_file_is_refused_at_startup(run_emulator, tmp_path, content):
    path = tmp_path / "credentials.json"
    path.write_text(content, encoding="utf-8")
    result = run_emulator("--port", "0", "--credentials", path)
    assert result.returncode == 2
    assert "emulator: error:" in result.stderr

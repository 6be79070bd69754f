# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Property-based conformance of the emulator to docs/openapi.yaml, with schemathesis.

Schemathesis generates requests for every operation of the document (its examples, boundary values and random
valid and invalid data), sends them to a running emulator with the reseller token and checks each response:
no 5xx, a documented status code, a documented media type, a body valid against the documented schema and valid
documented headers. The contract number is mapped, most of the time, onto a contract the token may read (taken
from the emulator's own /contracts list), and the request id of the Cloud API operation onto a request the
emulator serves (with its contract in X-Contract-Number, when one is sent), so the 200 paths with real data are
exercised, not only 403s and 404s; a final test asserts that enough 200 responses were really checked.
"""

from __future__ import annotations

import collections
import pathlib

import hypothesis
import pytest
import requests
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

DOC_PATH = pathlib.Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
AUTH = {"Authorization": "Bearer reseller-token"}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance, response_headers_conformance]
MAX_EXAMPLES = 100
CONTRACT_OPERATION = "GET /activitylog/v1/contracts/{contractNumber}"
REQUEST_PATH = "/cloudapi/v6/requests/{requestId}"
# "METHOD path" of each request -> status code -> number of checked responses (schemathesis also sends other methods
# than GET to each path); HITS: checked 200s of the contract operation that carried entries
STATUSES = collections.defaultdict(collections.Counter)
HITS = collections.Counter()


# Loaded at import time: `schemathesis.pytest.from_fixture` (the lazy loader) fails under pytest 9.2 (it reads
# `Function._nodeid`, which pytest 9.2 no longer has), so the emulator's URL is passed to each call instead.
schema = schemathesis.openapi.from_path(DOC_PATH)
# the same requests on every run (CI must not flake on a lucky draw) and no example database left behind
schema.config.generation.update(max_examples=MAX_EXAMPLES, deterministic=True, database="none")
READABLE = []
REQUESTS = []  # (request id, contract) of requests the emulator serves


def _index(value) -> int:
    """A stable number for any generated value (hash() of a str changes between runs)."""
    return sum(str(value).encode("utf-8", "surrogatepass"))


@schema.hook
def map_path_parameters(context, path_parameters):  # pylint: disable=unused-argument
    """Map 3 in 4 generated contract numbers onto contracts the token may read, so that 200s are exercised."""
    value = (path_parameters or {}).get("contractNumber")
    if READABLE and isinstance(value, int) and not isinstance(value, bool) and value % 4:
        path_parameters["contractNumber"] = READABLE[value % len(READABLE)]
    return path_parameters


@schema.hook
def map_case(context, case):  # pylint: disable=unused-argument
    """Map 3 in 4 generated request ids onto requests the emulator serves, and a sent X-Contract-Number (3 in 4) onto
    the contract of that request, so that the 200 path of the Cloud API operation is exercised."""
    if case.operation.path != REQUEST_PATH or not REQUESTS:
        return case
    value = _index((case.path_parameters or {}).get("requestId"))
    if value % 4:
        request_id, contract = REQUESTS[value % len(REQUESTS)]
        case.path_parameters["requestId"] = request_id
        headers = case.headers or {}
        if "X-Contract-Number" in headers and _index(headers["X-Contract-Number"]) % 4:
            headers["X-Contract-Number"] = str(contract)
    return case


@pytest.fixture(name="readable_contracts", scope="module")
def readable_contracts_fixture(emulator):
    """Contract numbers that the reseller token may read, from the emulator's own /contracts list; and requests it serves."""
    response = requests.get(emulator.url + "/activitylog/v1/contracts", headers=AUTH, timeout=10)
    assert response.status_code == 200, response.text
    READABLE[:] = [int(item["id"]) for item in response.json()]
    assert READABLE
    REQUESTS[:] = []
    for contract in READABLE:
        listing = requests.get("%s/_emulator/requests/%d" % (emulator.url, contract), timeout=10)
        assert listing.status_code == 200, listing.text
        REQUESTS.extend((item["id"], contract) for item in listing.json()["requests"][::40] if item["retained"])
    assert REQUESTS
    return list(READABLE)


@schema.parametrize()
@hypothesis.settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(hypothesis.HealthCheck))
def test_emulator_conforms_to_the_document(case, emulator, readable_contracts):  # pylint: disable=unused-argument
    response = case.call_and_validate(base_url=emulator.url, headers=AUTH, checks=CHECKS, timeout=10)
    label = "%s %s" % (case.method.upper(), case.path)
    STATUSES[label][response.status_code] += 1
    if label == CONTRACT_OPERATION and response.status_code == 200 and response.json().get("hits", {}).get("hits"):
        HITS[label] += 1


def test_the_200_path_was_really_checked():
    """Runs after the conformance test (same module, file order): it must have checked real 200 responses."""
    if not STATUSES:
        pytest.skip("the conformance test did not run in this process")
    print("\nchecked responses per operation and status: %s; 200s with entries: %d" % (
        {label: dict(counter) for label, counter in sorted(STATUSES.items())}, HITS[CONTRACT_OPERATION]))
    operations = {label: counter for label, counter in STATUSES.items() if label.startswith("GET ")}
    assert len(operations) == 4, STATUSES
    for label, counter in operations.items():
        assert counter[200] >= 1, "no 200 response of %s was checked: %s" % (label, dict(counter))
    assert STATUSES[CONTRACT_OPERATION][200] >= 10, dict(STATUSES[CONTRACT_OPERATION])
    assert HITS[CONTRACT_OPERATION] >= 5, "too few 200 responses with entries were checked: %d" % HITS[CONTRACT_OPERATION]
    assert STATUSES["GET " + REQUEST_PATH][200] >= 5, dict(STATUSES["GET " + REQUEST_PATH])

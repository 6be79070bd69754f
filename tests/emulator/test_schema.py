# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check docs/openapi.yaml, and real emulator responses against the schemas of that document.

Every response is checked the way a client reading the document would: its status must be documented for the
operation, its media type documented for that status, its JSON body valid against the documented schema (JSON Schema
Draft 2020-12, refs resolved through a `referencing` registry) and its documented headers valid. Because the document
requires no field and allows unknown keys, each body is also checked against a closed copy of the schemas (no key
that the document does not name), so a misspelt key in the emulator cannot hide behind the tolerance.
"""

from __future__ import annotations

import base64
import pathlib
import re

import jsonschema
import pytest
import requests
import yaml
from openapi_spec_validator import OpenAPIV31SpecValidator
from openapi_spec_validator import validate as validate_openapi
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

DOC_PATH = pathlib.Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
DOC_URI = "urn:ionos:activitylog:v1:openapi"
INFO = "/activitylog/v1"
CONTRACTS = "/activitylog/v1/contracts"
CONTRACT = "/activitylog/v1/contracts/{contractNumber}"
REQUEST = "/cloudapi/v6/requests/{requestId}"
TEMPLATES = (INFO, CONTRACTS, CONTRACT, REQUEST)
RESELLER = {"Authorization": "Bearer reseller-token"}
SINGLE = {"Authorization": "Bearer single-token"}
NOPRIVILEGE = {"Authorization": "Bearer noprivilege-token"}
NO_REQUESTS = {"Authorization": "Bearer no-requests-token"}
VARIANTS = ("string-contract-numbers", "string-http-status", "string-audit-version", "total-object", "extra-hit-keys", "no-uuid", "sparse")
TIMEOUT = 10

with DOC_PATH.open(encoding="utf-8") as _stream:
    DOC = yaml.safe_load(_stream)


def _closed(node):
    """Copy of a document part where every object schema that names properties admits no other key."""
    if isinstance(node, list):
        return [_closed(item) for item in node]
    if not isinstance(node, dict):
        return node
    result = {key: _closed(value) for key, value in node.items()}
    if isinstance(node.get("properties"), dict):
        result["additionalProperties"] = False
    return result


def _registry(doc):
    return Registry().with_resource(DOC_URI, Resource.from_contents(doc, default_specification=DRAFT202012))


REGISTRY = _registry(DOC)
CLOSED_REGISTRY = _registry(dict(DOC, components=_closed(DOC["components"])))
FORMAT_CHECKER = jsonschema.Draft202012Validator.FORMAT_CHECKER


def _escape(token):
    return token.replace("~", "~0").replace("/", "~1")


def _resolve(pointer):
    """Node of the document at a JSON pointer, following `$ref`s; returns (pointer, node)."""
    node = DOC
    for token in pointer.lstrip("/").split("/"):
        if token:
            node = node[token.replace("~1", "/").replace("~0", "~")]
    if isinstance(node, dict) and "$ref" in node:
        return _resolve(node["$ref"].lstrip("#"))
    return pointer, node


def schema_errors(pointer, instance, closed=False):
    """Messages of all validation errors of `instance` against the schema at `pointer` of the document."""
    validator = jsonschema.Draft202012Validator(
        {"$ref": DOC_URI + "#" + pointer}, registry=CLOSED_REGISTRY if closed else REGISTRY, format_checker=FORMAT_CHECKER
    )
    return ["%s at %s" % (error.message, "/".join(str(part) for part in error.absolute_path)) for error in validator.iter_errors(instance)]


def assert_valid(pointer, instance, closed=True):
    """Assert that `instance` is valid against the schema at `pointer`, and also against its closed copy if asked."""
    errors = schema_errors(pointer, instance)
    assert not errors, "invalid against %s: %s" % (pointer, errors[:5])
    if closed:
        errors = schema_errors(pointer, instance, closed=True)
        assert not errors, "keys the document does not name, against %s: %s" % (pointer, errors[:5])


def template_of(path):
    """The path template of the document that a concrete request path matches."""
    path = path.rstrip("/") or "/"
    for template in TEMPLATES:
        if re.fullmatch(re.sub(r"\{[^/]+\}", "[^/]+", template), path):
            return template
    raise AssertionError("no operation of the document matches %s" % path)


def check_response(response, template=None, closed=True):
    """Check one response against the document; returns the decoded JSON body (or the text)."""
    template = template or template_of(requests.utils.urlparse(response.url).path)
    responses_pointer = "/paths/%s/get/responses" % _escape(template)
    status = str(response.status_code)
    documented = _resolve(responses_pointer)[1]
    assert status in documented, "status %s of GET %s is not documented (%s): %s" % (status, template, sorted(documented), response.text[:300])
    pointer, definition = _resolve("%s/%s" % (responses_pointer, status))
    media_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    content = definition.get("content", {})
    assert media_type in content, "media type %r of %s %s is not documented (%s)" % (media_type, status, template, sorted(content))
    for name, header in definition.get("headers", {}).items():
        header_pointer, header = _resolve("%s/headers/%s" % (pointer, _escape(name)))
        value = response.headers.get(name)
        if value is None:
            assert not header.get("required"), "required header %s missing" % name
            continue
        if header["schema"].get("type") == "integer":
            assert re.fullmatch(r"[0-9]+", value), "header %s=%r is not an integer" % (name, value)
            value = int(value)
        assert_valid(header_pointer + "/schema", value, closed=False)
    if media_type != "application/json":
        return response.text
    body = response.json()
    assert_valid("%s/content/%s/schema" % (pointer, _escape(media_type)), body, closed=closed)
    return body


def get(base, path, headers=None, params=None):
    """One GET to the emulator."""
    return requests.get(base + path, headers=headers or {}, params=params, timeout=TIMEOUT)


def contract_numbers(base, headers=None):
    """Contract numbers listed by /contracts (as integers)."""
    response = get(base, CONTRACTS, headers or RESELLER)
    assert response.status_code == 200, response.text
    return [int(item["id"]) for item in check_response(response)]


def entries_of(body):
    """The entries (`_source`) of a GetByContractResponse."""
    return [hit["_source"] for hit in body["hits"]["hits"]]


def leaf_paths(value, prefix=""):
    """Set of the paths of all keys of a JSON object, e.g. `principal.identity.username`."""
    paths = set()
    if isinstance(value, dict):
        for key, item in value.items():
            paths.add(prefix + key)
            paths |= leaf_paths(item, prefix + key + ".")
    return paths


def errors_of(entries):
    """The `event.param.error` objects of the entries that carry one."""
    return [entry["event"]["param"]["error"] for entry in entries if "error" in entry.get("event", {}).get("param", {})]


def big_page(base, headers=None):
    """Info, /contracts and one 1000-hit page of the first contract, each checked; returns the page body."""
    check_response(get(base, INFO))
    number = contract_numbers(base, headers)[0]
    response = get(base, "%s/%d" % (CONTRACTS, number), headers or RESELLER, {"limit": 1000})
    assert response.status_code == 200, response.text
    body = check_response(response)
    assert body["hits"]["hits"], "the page has no hits, so nothing was validated"
    return body


# ---------------------------------------------------------------- the document itself


def test_document_is_valid_openapi_3_1():
    assert DOC["openapi"] == "3.1.0"
    validate_openapi(DOC, cls=OpenAPIV31SpecValidator)


def test_document_describes_the_api():
    assert DOC["servers"][0]["url"] == "https://api.ionos.com"
    assert set(DOC["paths"]) == set(TEMPLATES)
    schemes = DOC["components"]["securitySchemes"]
    assert {(item["type"], item["scheme"]) for item in schemes.values()} == {("http", "bearer"), ("http", "basic")}
    assert DOC["paths"][INFO]["get"]["security"] == []
    params = {item["name"]: item for item in (_resolve(ref["$ref"].lstrip("#"))[1] for ref in DOC["paths"][CONTRACT]["get"]["parameters"])}
    assert params["offset"]["schema"] == {"type": "integer", "minimum": 0, "default": 0}
    assert params["limit"]["schema"] == {"type": "integer", "minimum": 0, "maximum": 1000, "default": 20}
    for name in ("dateStart", "dateEnd"):
        assert _resolve(params[name]["schema"]["$ref"].lstrip("#"))[1]["type"] == "string"
    assert _resolve("/paths/%s/get/responses/429" % _escape(CONTRACT))[1]["headers"]["Retry-After"]


def test_no_field_is_required_anywhere():
    def walk(node, where):
        if isinstance(node, dict):
            assert "required" not in node or isinstance(node["required"], bool), "required fields at %s" % where
            for key, value in node.items():
                walk(value, where + "/" + key)
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, "%s/%d" % (where, index))

    walk(DOC["components"]["schemas"], "#/components/schemas")


def _examples(node, pointer=""):
    """(schema pointer, example) of every example of the document: media types and parameters (`example`,
    `examples` objects beside a `schema`) and schemas (a JSON Schema `examples` list)."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from _examples(item, "%s/%d" % (pointer, index))
        return
    if not isinstance(node, dict):
        return
    if "schema" in node and "example" in node:
        yield pointer + "/schema", node["example"]
    if "schema" in node and isinstance(node.get("examples"), dict):
        for example in node["examples"].values():
            yield pointer + "/schema", example["value"]
    if isinstance(node.get("examples"), list) and pointer.startswith("/components/schemas/"):
        for example in node["examples"]:
            yield pointer, example
    for key, value in node.items():
        if key not in ("example", "examples"):
            yield from _examples(value, "%s/%s" % (pointer, _escape(key)))


def test_examples_of_the_document_are_valid():
    examples = list(_examples(DOC))
    assert len(examples) > 20
    for pointer, example in examples:
        assert_valid(pointer, example)


DATE_PATTERN = re.compile(DOC["components"]["schemas"]["DateOrDateTime"]["pattern"])
ACCEPTED_DATES = (
    "2016-07-01", "2021-09-23T11:43:51Z", "2021-09-23T11:43:51.1Z", "2021-09-23T11:43:51.123Z", "2021-09-23T11:43:51.123456Z",
    "2021-09-23T11:43:51+02:00", "2021-09-23T11:43:51.123+02:00", "2021-09-23T11:43:51-05:30", "2021-12-31T23:59:59.999-00:00",
    "2021-09-23t11:43:51z", "2021-09-23T11:43:51z", "2021-09-23t11:43:51.5+01:00", "2021-09-23T11:43:51.123456789Z",
    "2021-09-23T11:43:51.123456789012345678901234567890Z",
)
# the pattern admits these, the API refuses them: no such day or time
CALENDAR_INVALID = ("2021-02-30", "2021-02-29T00:00:00Z", "2021-04-31T10:00:00+01:00")

REFUSED_DATES = (
    "", "2016", "2016-07", "2016-7-1", "16-07-01", "2016/07/01", "20160701", "2016-13-01", "2016-00-10", "2016-07-32",
    "2021-09-23T11:43Z", "2021-09-23T11:43:51", "2021-09-23 11:43:51Z",
    "2021-09-23T24:00:00Z", "2021-09-23T11:60:00Z", "2021-09-23T11:43:51+0200", "2021-09-23T11:43:51+02", "2021-09-23T11:43:51.Z",
    "2021-09-23T11:43:51 +02:00", "2021-09-23T11:43:51UTC", "yesterday", "now", "1632397431", "2021-09-23T",
)


def test_date_pattern_admits_exactly_the_accepted_formats():
    for value in ACCEPTED_DATES:
        assert DATE_PATTERN.search(value), value
    for value in REFUSED_DATES:
        assert not DATE_PATTERN.search(value), value


# ---------------------------------------------------------------- real responses of the emulator


def test_info(emulator):
    body = check_response(get(emulator.url, INFO))
    assert body["name"] == "CLOUD API" and body["version"] == "1.0"
    assert body["href"].rstrip("/").endswith(INFO)
    check_response(get(emulator.url, INFO + "/"), INFO)


def test_contracts_per_credential(emulator):
    every = contract_numbers(emulator.url)
    assert len(every) >= 2
    assert contract_numbers(emulator.url, SINGLE) == every[:1]
    assert contract_numbers(emulator.url, NOPRIVILEGE) == every[:1]
    basic = {"Authorization": "Basic " + base64.b64encode(b"reseller@example.com:reseller-password").decode()}
    assert contract_numbers(emulator.url, basic) == every
    body = check_response(get(emulator.url, CONTRACTS + "/", RESELLER), CONTRACTS)
    assert body[0]["type"] == "contracts" and body[0]["href"].endswith("/contracts/%s" % body[0]["id"])


def test_contract_page_default_data(emulator):
    body = big_page(emulator.url)
    entries = entries_of(body)
    assert isinstance(body["hits"]["total"], int) and body["hits"]["total"] >= len(entries) == 1000
    assert all(isinstance(entry.get("@uuid"), str) for entry in entries)
    assert all(isinstance(entry["principal"]["identity"]["contractNumber"], int) for entry in entries)
    assert all(isinstance(entry["meta"]["auditVersion"], (int, float)) for entry in entries)
    errors = errors_of(entries)
    assert errors and all(isinstance(error["httpStatus"], int) for error in errors)


def test_contract_pages_of_every_contract_and_window(emulator):
    for number in contract_numbers(emulator.url):
        path = "%s/%d" % (CONTRACTS, number)
        whole = check_response(get(emulator.url, path, RESELLER, {"limit": 0}))
        assert whole["hits"]["hits"] == [] and whole["hits"]["total"] > 0
        newest = entries_of(check_response(get(emulator.url, path, RESELLER)))
        assert len(newest) == 20
        middle = sorted(entry["meta"]["time"] for entry in newest)[10]
        for params in ({"dateStart": middle}, {"dateEnd": middle}, {"dateStart": middle[:10]}, {"dateStart": middle, "dateEnd": middle},
                       {"offset": 9980, "limit": 20}, {"offset": 10000, "limit": 0}, {"dateStart": "2016-07-01", "dateEnd": "2016-07-02"}):
            response = get(emulator.url, path + "/", RESELLER, params)
            assert response.status_code == 200, (params, response.text)
            body = check_response(response, CONTRACT)
            if "dateEnd" in params and params.get("dateStart") in (params["dateEnd"], "2016-07-01"):
                assert body["hits"] == {"total": 0, "hits": []}, (params, body["hits"])


@pytest.mark.parametrize("value", ACCEPTED_DATES + REFUSED_DATES + CALENDAR_INVALID)
def test_emulator_accepts_exactly_the_documented_date_formats(emulator, value):
    number = contract_numbers(emulator.url)[0]
    for name in ("dateStart", "dateEnd"):
        response = get(emulator.url, "%s/%d" % (CONTRACTS, number), RESELLER, {name: value, "limit": 1})
        check_response(response)
        expected = 200 if DATE_PATTERN.search(value) and value not in CALENDAR_INVALID else 400
        assert response.status_code == expected, "%s=%r gave %s, the document says %s: %s" % (name, value, response.status_code, expected, response.text)


BAD_REQUESTS = (
    ("/abc", {}), ("/12ab", {}), ("", {"dateStart": "2021-13-01"}), ("", {"dateEnd": "yesterday"}), ("", {"limit": -1}),
    ("", {"limit": 1001}), ("", {"limit": "x"}), ("", {"limit": "1.5"}), ("", {"offset": -1}), ("", {"offset": "x"}),
    ("", {"offset": 9990, "limit": 20}), ("", {"offset": 10000, "limit": 1}), ("", {"offset": 10001, "limit": 0}),
)


@pytest.mark.parametrize("suffix,params", BAD_REQUESTS)
def test_400(emulator, suffix, params):
    number = contract_numbers(emulator.url)[0]
    response = get(emulator.url, "%s/%s" % (CONTRACTS, suffix.lstrip("/") or number), RESELLER, params)
    assert response.status_code == 400, (suffix, params, response.text)
    body = check_response(response, CONTRACT)
    assert body["httpStatus"] in (400, "400") and body["messages"][0]["message"]


def test_401(emulator):
    number = contract_numbers(emulator.url)[0]
    wrong_basic = {"Authorization": "Basic " + base64.b64encode(b"reseller@example.com:wrong-password-1234").decode()}
    for headers in ({}, {"Authorization": "Bearer wrong-token-1234"}, wrong_basic, {"Authorization": "Token reseller-token"}):
        for path in (CONTRACTS, "%s/%d" % (CONTRACTS, number)):
            response = get(emulator.url, path, headers)
            assert response.status_code == 401, (headers, path, response.text)
            body = check_response(response)
            assert body["httpStatus"] in (401, "401") and body["messages"][0]["message"]
            assert "wrong-token-1234" not in response.text and "wrong-password-1234" not in response.text


def test_403(emulator):
    numbers = contract_numbers(emulator.url)
    for headers, number in ((SINGLE, numbers[1]), (NOPRIVILEGE, numbers[0]), (RESELLER, 99999999), (SINGLE, 1)):
        response = get(emulator.url, "%s/%d" % (CONTRACTS, number), headers)
        assert response.status_code == 403, (headers, number, response.text)
        body = check_response(response)
        assert body["httpStatus"] in (403, "403") and body["messages"][0]["message"]


def test_404(emulator):
    for path in ("/activitylog/v1/nothing", "/activitylog/v2", "/activitylog/v1/contracts/31909628/entries"):
        response = get(emulator.url, path, RESELLER)
        assert response.status_code == 404, (path, response.text)
        assert response.headers["Content-Type"].startswith("application/json")
        assert_valid("/components/responses/NotFound/content/application~1json/schema", response.json())


def request_ids(base, contract):
    """Ids of the Cloud API requests of a contract that the emulator still serves, oldest first (admin endpoint)."""
    response = requests.get("%s/_emulator/requests/%d" % (base, contract), timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["requests"] if item["retained"]]


def test_cloud_api_requests(emulator):
    numbers = contract_numbers(emulator.url)
    ids = request_ids(emulator.url, numbers[0])[::25]
    assert len(ids) >= 10
    with_body = 0
    for request_id in ids:
        path = REQUEST.replace("{requestId}", request_id)
        pinned = dict(RESELLER, **{"X-Contract-Number": str(numbers[0])})
        for params, headers in (({"depth": 1}, RESELLER), ({}, SINGLE), ({"depth": 2, "pretty": "false"}, pinned)):
            response = get(emulator.url, path, headers, params)
            assert response.status_code == 200, (path, params, response.text)
            body = check_response(response, REQUEST)
            assert body["id"] == request_id and body["properties"]["url"].startswith("https://api.ionos.com/cloudapi/v6/")
            assert ("metadata" in body["metadata"]["requestStatus"]) == ("depth" in params)
            with_body += "body" in body["properties"]
        check_response(get(emulator.url, path + "/", RESELLER, {"depth": 1}), REQUEST)
    assert with_body
    path = REQUEST.replace("{requestId}", ids[0])
    for headers, params, status in ((RESELLER, {"depth": "x"}, 400), (RESELLER, {"depth": 11}, 400), ({}, {}, 401), (NO_REQUESTS, {}, 403),
                                    (RESELLER, {}, 404), (dict(RESELLER, **{"X-Contract-Number": str(numbers[1])}), {}, 404)):
        target = path if status != 404 or "X-Contract-Number" in headers else REQUEST.replace("{requestId}", "no-such-request")
        response = get(emulator.url, target, headers, params)
        assert response.status_code == status, (headers, params, response.text)
        assert check_response(response, REQUEST)["httpStatus"] == status


def test_429_with_retry_after(start_emulator):
    with start_emulator("--rate-limit", "1", "--rate-burst", "1") as emulator:
        number = contract_numbers(emulator.url)[0]
        limited = []
        for _attempt in range(10):
            for path in (CONTRACTS, "%s/%d" % (CONTRACTS, number)):
                response = get(emulator.url, path, RESELLER)
                check_response(response)
                if response.status_code == 429:
                    limited.append(response)
            if len(limited) >= 2:
                break
    assert limited, "no 429 from a rate limit of 1 request/s"
    for response in limited:
        assert int(response.headers["Retry-After"]) >= 1
        assert response.json()["httpStatus"] in (429, "429")


def _statuses_until_seen(emulator, wanted, max_requests=400):
    """GET every operation with varying queries until each wanted status was seen on each; returns {status: {template}}."""
    seen = {}
    for index in range(max_requests):
        template = TEMPLATES[index % len(TEMPLATES)]
        # the first default contract (/contracts fails here too), and any request id (every answer is a fault here)
        path = template.replace("{contractNumber}", "31909628").replace("{requestId}", "9a4c3c7e-2f59-4a43-8f0b-1e1d2c3b4a5f")
        response = get(emulator.url, path, RESELLER, {"offset": index, "limit": 1} if template == CONTRACT else {"n": index})
        check_response(response, template)
        if response.status_code != 200:
            seen.setdefault(response.status_code, set()).add(template)
        if all(len(seen.get(code, ())) == len(TEMPLATES) for code in wanted):
            break
    return seen


def test_5xx_json_errors(start_emulator):
    with start_emulator("--error-rate", "1", "--error-codes", "500,502,503,504", "--fault-streak-max", "100000") as emulator:
        seen = _statuses_until_seen(emulator, (500, 502, 503, 504))
    assert seen == {code: set(TEMPLATES) for code in (500, 502, 503, 504)}, seen


def test_5xx_html_errors(start_emulator):
    with start_emulator("--html-error-rate", "1", "--fault-streak-max", "100000") as emulator:
        seen = _statuses_until_seen(emulator, (502, 503))
    assert seen == {code: set(TEMPLATES) for code in (502, 503)}, seen


@pytest.fixture(name="default_paths", scope="module")
def default_paths_fixture(start_emulator):
    """Key paths that every entry of a 1000-hit default page has (to tell what the sparse variant left out)."""
    with start_emulator("--entries", "1500") as emulator:
        return set.intersection(*(leaf_paths(entry) for entry in entries_of(big_page(emulator.url))))


@pytest.mark.parametrize("variant", VARIANTS + ("all",))
def test_variant(start_emulator, default_paths, variant):
    with start_emulator("--variant", variant, "--entries", "1500") as emulator:
        body = big_page(emulator.url)
        first = get(emulator.url, "%s/%d" % (CONTRACTS, contract_numbers(emulator.url)[0]), RESELLER)
        check_response(first)
    entries = entries_of(body)
    names = VARIANTS if variant == "all" else (variant,)
    if "string-contract-numbers" in names:
        assert all(isinstance(entry["principal"]["identity"]["contractNumber"], str) for entry in entries if "identity" in entry.get("principal", {}))
    if "string-http-status" in names:
        assert errors_of(entries) and all(isinstance(error["httpStatus"], str) for error in errors_of(entries) if "httpStatus" in error)
    if "string-audit-version" in names:
        assert all(isinstance(entry["meta"]["auditVersion"], str) for entry in entries if "auditVersion" in entry.get("meta", {}))
    if "total-object" in names:
        total = first.json()["hits"]["total"]
        assert isinstance(total, dict) and isinstance(total["value"], int) and total["relation"] == "eq"
    if "extra-hit-keys" in names:
        assert all(set(hit) - {"_source"} for hit in first.json()["hits"]["hits"])
    if "no-uuid" in names:
        assert not any("@uuid" in entry for entry in entries)
    if "sparse" in names:
        assert any(default_paths - leaf_paths(entry) for entry in entries), "no entry lacks a field that every default entry has"

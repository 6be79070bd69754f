# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a Cloud API request sent: its headers and body, with fake secrets a client must never pass on.

Everything is drawn from ``random.Random("<seed>:request:<requestId>")``, one RNG per request, so a request looks the
same on every run and the activity-log entries (drawn from the contract RNGs) are not touched. Every secret value is
a string that starts with ``SECRET-`` (``SECRET_PATTERN``), and nothing else the emulator serves contains ``SECRET-``:
a client's output that contains it has leaked a secret.
"""

from __future__ import annotations

import json
import random
import re
import urllib.parse

from emulator.generator import uuid4

SECRET_PREFIX = "SECRET-"
SECRET_PATTERN = re.compile(r"SECRET-[0-9A-Za-z-]*")
PUBLIC_API = "https://api.ionos.com"
BODY_METHODS = ("POST", "PUT", "PATCH")
# Of the bodies of POST/PUT/PATCH: a form text, an empty text, a JSON text cut short; the rest are whole JSON texts.
NON_JSON_RATES = (("form", 0.02), ("empty", 0.015), ("cut", 0.015))
PRETTY_RATE = 0.2

COLLECTIONS = {
    "servers": "server", "volumes": "volume", "nics": "nic", "firewallrules": "firewallrule", "lans": "lan",
    "datacenters": "datacenter", "ipblocks": "ipblock", "k8s": "k8s", "users": "user", "groups": "group", "backupunits": "backupUnit",
}
SERVER_VERBS = ("start", "stop", "reboot")
AGENTS = {
    "terraform@example.com": "Terraform/1.8.5 (+https://www.terraform.io) terraform-provider-ionoscloud/6.4.18",
    "ansible-runner@example.com": "ansible-collection-ionoscloud/7.6.0",
    "ci-bot@example.com": "ionosctl/6.7.7",
    "backup-agent@example.com": "ionos-cloud-sdk-go/v6.1.11",
    "monitoring@example.com": "ionos-cloud-sdk-python/6.1.9",
}
HUMAN_AGENTS = ("curl/8.5.0", "ionosctl/6.7.7", "ionos-cloud-sdk-python/6.1.9", "PostmanRuntime/7.39.0")
LOCATIONS = ("de/fra", "de/txl", "es/vit", "gb/lhr", "us/las", "fr/par")
CPU_FAMILIES = ("INTEL_SKYLAKE", "INTEL_ICELAKE", "AMD_EPYC")


class Secrets:
    """Fresh fake secrets of one request: ``SECRET-<kind>-<16 hex>``."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def new(self, kind: str) -> str:
        return f"{SECRET_PREFIX}{kind}-{self.rng.getrandbits(64):016x}"


def resource_type(uri: str, resources: list) -> str:
    """The type of what a request touched: its first resource's, else the last collection named in its uri."""
    for rtype, _rid in resources:
        if rtype:
            return rtype
    for segment in reversed(uri.split("/")):
        if segment in COLLECTIONS:
            return COLLECTIONS[segment]
    return ""


def _name(rng: random.Random, stem: str) -> str:
    return f"{stem}-{rng.randrange(1, 100)}"


def _ip(rng: random.Random) -> str:
    return f"203.0.113.{rng.randrange(1, 255)}"


def _volume(rng: random.Random, secrets: Secrets) -> dict:
    keys = [secrets.new("ssh") for _index in range(rng.randint(1, 2))]
    return {"name": _name(rng, "disk"), "size": rng.choice((20, 50, 100, 200)), "type": rng.choice(("SSD", "HDD", "SSD Premium")),
            "image": uuid4(rng), "imagePassword": secrets.new("pw"), "sshKeys": keys}


def _server(rng, secrets, method):
    properties = {"name": _name(rng, "web"), "cores": rng.choice((1, 2, 4, 8)), "ram": rng.choice((1024, 2048, 4096, 8192, 16384))}
    if method == "PATCH":
        return {"properties": properties}
    properties.update(availabilityZone="AUTO", cpuFamily=rng.choice(CPU_FAMILIES))
    body = {"properties": properties}
    if method == "POST":
        body["entities"] = {"volumes": {"items": [{"properties": _volume(rng, secrets)}]}}
    return body


def _volume_body(rng, secrets, method):
    if method == "POST":
        return {"properties": _volume(rng, secrets)}
    return {"properties": {"name": _name(rng, "disk"), "size": rng.choice((50, 100, 200, 400))}}


def _nic(rng, secrets, method):  # pylint: disable=unused-argument
    return {"properties": {"name": _name(rng, "nic"), "dhcp": rng.random() < 0.8, "lan": rng.randrange(1, 5),
                           "firewallActive": rng.random() < 0.5, "ips": [_ip(rng)]}}


def _firewallrule(rng, secrets, method):  # pylint: disable=unused-argument
    port = rng.choice((22, 80, 443, 5432, 8080))
    return {"properties": {"name": _name(rng, "allow"), "protocol": "TCP", "sourceIp": _ip(rng), "portRangeStart": port,
                           "portRangeEnd": port, "type": "INGRESS"}}


def _lan(rng, secrets, method):  # pylint: disable=unused-argument
    return {"properties": {"name": _name(rng, "lan"), "public": rng.random() < 0.3}}


def _datacenter(rng, secrets, method):  # pylint: disable=unused-argument
    return {"properties": {"name": _name(rng, "dc"), "location": rng.choice(LOCATIONS), "description": "managed by automation"}}


def _ipblock(rng, secrets, method):  # pylint: disable=unused-argument
    return {"properties": {"name": _name(rng, "ips"), "location": rng.choice(LOCATIONS), "size": rng.choice((1, 2, 4))}}


def _k8s(rng, secrets, method):
    properties = {"name": _name(rng, "k8s"), "k8sVersion": rng.choice(("1.28.9", "1.29.5", "1.30.2")),
                  "maintenanceWindow": {"dayOfTheWeek": rng.choice(("Monday", "Saturday", "Sunday")), "time": "03:00:00Z"}}
    body = {"properties": properties}
    if method == "POST":
        properties["s3Buckets"] = [{"name": _name(rng, "k8s-logs")}]
        body["credentials"] = {"s3": {"accessKey": secrets.new("s3"), "secretKey": secrets.new("s3")}}
    return body


def _user(rng, secrets, method):
    first, last = rng.choice((("ida", "lang"), ("tom", "berg"), ("uta", "vogel"), ("max", "roth")))
    properties = {"password": secrets.new("pw")}
    if method != "PATCH" or rng.random() < 0.5:
        properties = {"firstname": first, "lastname": last, "email": f"{first}.{last}@example.com", "administrator": rng.random() < 0.2,
                      "forceSecAuth": rng.random() < 0.5, "password": properties["password"]}
    return {"properties": properties}


def _group(rng, secrets, method):
    if method == "PATCH":  # a member added, with the initial password the caller sent along
        member = {"id": uuid4(rng), "properties": {"email": f"member{rng.randrange(1, 50)}@example.com", "password": secrets.new("pw")}}
        return {"entities": {"users": {"items": [member]}}}
    return {"properties": {"name": _name(rng, "team"), "createDataCenter": rng.random() < 0.5, "createSnapshot": rng.random() < 0.5,
                           "accessActivityLog": rng.random() < 0.5}}


def _backup_unit(rng, secrets, method):  # pylint: disable=unused-argument
    return {"properties": {"name": _name(rng, "backup"), "email": "backup@example.com", "password": secrets.new("pw")}}


BUILDERS = {
    "server": _server, "volume": _volume_body, "nic": _nic, "firewallrule": _firewallrule, "lan": _lan, "datacenter": _datacenter,
    "ipblock": _ipblock, "k8s": _k8s, "user": _user, "group": _group, "backupUnit": _backup_unit,
}


def json_body(rng: random.Random, secrets: Secrets, rtype: str, method: str) -> dict:
    """A plausible body for the resource type, plus secret-looking fields at several depths, some of the time."""
    builder = BUILDERS.get(rtype, _datacenter)
    body = builder(rng, secrets, method)
    extras = [rng.random() for _index in range(3)]  # always three draws, so one request's draws do not depend on the body
    if extras[0] < 0.25:
        body.setdefault("properties", {})["apiKey"] = secrets.new("key")
    if extras[1] < 0.2:
        body["token"] = secrets.new("token")
    if extras[2] < 0.15:
        body.setdefault("properties", {})["credentials"] = {"username": "svc-deploy", "password": secrets.new("pw")}
    return body


def _kind(rng: random.Random) -> str:
    draw = rng.random()
    for kind, rate in NON_JSON_RATES:
        draw -= rate
        if draw < 0:
            return kind
    return "json"


def request_body(rng: random.Random, secrets: Secrets, method: str, uri: str, resources: list, username: str):
    """``(body text or None, content type or None)`` of a request; None for a method without a body."""
    if method not in BODY_METHODS:
        return None, None
    if uri.rsplit("/", 1)[-1] in SERVER_VERBS:  # POST .../servers/{id}/start: the Cloud API takes no body there
        return "", None
    kind = _kind(rng)
    body = json_body(rng, secrets, resource_type(uri, resources), method)
    pretty = rng.random() < PRETTY_RATE
    text = json.dumps(body, indent=2) if pretty else json.dumps(body, separators=(",", ":"))
    if kind == "form":
        query = urllib.parse.urlencode({"username": username, "password": secrets.new("pw"), "grant_type": "password"})
        return query, "application/x-www-form-urlencoded"
    if kind == "empty":
        return "", "application/json"
    if kind == "cut":  # a JSON text cut short, as a log that caps what it keeps would show it
        return text[:max(1, len(text) * 2 // 3)], "application/json"
    return text, "application/json"


def user_agent(rng: random.Random, username: str) -> str:
    return AGENTS.get(username) or rng.choice(HUMAN_AGENTS)


def request_properties(seed, request_id: str, contract: int, method: str, uri: str, resources: list, username: str, source_ip) -> dict:
    """RequestProperties: method, headers (name -> value), body (a text; absent for GET and DELETE) and url."""
    rng = random.Random(f"{seed}:request:{request_id}")
    secrets = Secrets(rng)
    headers = {
        "Accept": "application/json",
        "Authorization": f"Bearer {secrets.new('jwt')}",
        "Cookie": f"ionos_session={secrets.new('session')}; dcd_lang=en",
        "User-Agent": user_agent(rng, username),
        "X-Contract-Number": str(contract),
    }
    if isinstance(source_ip, str) and source_ip:
        headers["X-Forwarded-For"] = source_ip
    body, content_type = request_body(rng, secrets, method, uri, resources, username)
    if content_type:
        headers["Content-Type"] = content_type
    properties = {"method": method, "headers": headers}
    if body is not None:
        properties["body"] = body
    properties["url"] = PUBLIC_API + uri
    return properties


def secrets_in(properties: dict) -> list:
    """The secret values (every ``SECRET-...`` text) in a request's headers and body, sorted, once each."""
    texts = list(properties.get("headers", {}).values()) + [properties.get("body") or ""]
    return sorted({match for text in texts for match in SECRET_PATTERN.findall(text)})

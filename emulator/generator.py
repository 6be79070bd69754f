# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Deterministic, realistic activity-log entries.

Entries come in "units": a provisioning request cluster (RequestAccepted, RequestStatusUpdate QUEUED/RUNNING/DONE or
FAILED, Provision) sharing requestId, queueRefId, user, IP and resources, or one standalone event (Error, DCDUserEvent,
GenerateToken). The unit weights give RequestStatusUpdate about half of all entries and RequestStatusUpdate + Provision
about 65%, as observed on the real API. Everything is drawn from a ``random.Random`` seeded per contract.
``event.param.initiator`` is the component that initiated the activity, as the API describes it: the principal's
sourceService (a service name such as ``PUBLIC_REST_V6``), never a user.
"""

from __future__ import annotations

import bisect
import itertools
import random

from emulator.generator_tables import (
    ACTIONS, DCD_MESSAGES, ERROR_STATUS_WEIGHTS, ERRORS, FIRST_NAMES, LAST_NAMES, RESOURCE_WEIGHTS, SERVICE_ACCOUNTS,
    WRITE_METHOD_WEIGHTS, ERROR_METHOD_WEIGHTS, collection_uri,
)
from emulator.timefmt import MS_PER_DAY, format_ms

TRANSACTION_ID_RATE = 0.03
AUDIT_VERSION = 0.1


def uuid4(rng: random.Random) -> str:
    """A version-4 UUID from the seeded RNG (uuid.uuid4 would use os.urandom and break determinism)."""
    value = rng.getrandbits(128)
    value = (value & ~(0xF000 << 64) | (0x4000 << 64)) & ~(0xC000 << 48) | (0x8000 << 48)
    text = f"{value:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


class Weighted:
    """A weighted choice with precomputed cumulative weights: one ``random()`` draw and a bisection."""

    def __init__(self, items, weights):
        self.items = tuple(items)
        self.cumulative = list(itertools.accumulate(weights))
        self.total = self.cumulative[-1]

    def pick(self, rng: random.Random):
        index = bisect.bisect_right(self.cumulative, rng.random() * self.total)
        return self.items[min(index, len(self.items) - 1)]  # random() * total can round up to total


def _mapping_choice(weights: dict) -> Weighted:
    return Weighted(weights, weights.values())


UNITS = Weighted(("cluster", "dcd", "token", "error"), (50, 22, 16, 12))
HUMAN_SERVICES = Weighted(("DCD", "PUBLIC_REST_V6", "Reseller_V1"), (55, 40, 5))
BOT_SERVICES = Weighted(("PUBLIC_REST_V6", "PUBLIC_REST"), (80, 20))
RESOURCE_TYPES = _mapping_choice(RESOURCE_WEIGHTS)
WRITE_METHODS = Weighted(("POST", "PATCH", "PUT", "DELETE"), WRITE_METHOD_WEIGHTS)
ERROR_METHODS = Weighted(("GET", "POST", "PATCH", "PUT", "DELETE"), ERROR_METHOD_WEIGHTS)
ERROR_STATUSES = _mapping_choice(ERROR_STATUS_WEIGHTS)
PROVISION_COUNTS = Weighted((0, 1, 2), (25, 65, 10))


class User:
    """One account of a contract with its own small pool of source IPs and its usual client."""

    __slots__ = ("username", "user_id", "ips", "source_service", "service_host")

    def __init__(self, username: str, user_id: str, ips: list, source_service: str):
        self.username = username
        self.user_id = user_id
        self.ips = ips
        self.source_service = source_service
        self.service_host = {"DCD": "dcd.ionos.com", "Reseller_V1": "reseller.api.ionos.com"}.get(source_service, "api.ionos.com")


def _ip_address(rng: random.Random) -> str:
    """Documentation-range addresses only (RFC 5737 / RFC 3849): realistic shape, never a real host."""
    if rng.random() < 0.15:
        return f"2001:db8:{rng.randrange(0x10000):x}:{rng.randrange(0x10000):x}::{rng.randrange(1, 0x10000):x}"
    prefix = rng.choice(("192.0.2", "198.51.100", "203.0.113"))
    return f"{prefix}.{rng.randrange(1, 255)}"


class ContractProfile:
    """The people, service accounts and infrastructure of one contract; drawn first from the contract RNG."""

    def __init__(self, contract: int, rng: random.Random):
        self.contract = contract
        domain = rng.choice(("example.com", "example.org", "example.net"))
        humans = rng.sample([(first, last) for first in FIRST_NAMES for last in LAST_NAMES], rng.randint(4, 9))
        bots = rng.sample(SERVICE_ACCOUNTS, rng.randint(2, 3))
        self.users = []
        for first, last in humans:
            service = HUMAN_SERVICES.pick(rng)
            self.users.append(User(f"{first}.{last}@{domain}", uuid4(rng), self._ips(rng), service))
        for bot in bots:
            service = BOT_SERVICES.pick(rng)
            self.users.append(User(bot, uuid4(rng), self._ips(rng), service))
        self.users_by_weight = Weighted(self.users, [rng.uniform(0.2, 1.0) for _human in humans] + [rng.uniform(1.5, 4.0) for _bot in bots])
        self.datacenters = [uuid4(rng) for _index in range(rng.randint(2, 6))]
        self.servers = [uuid4(rng) for _index in range(rng.randint(6, 20))]
        self.nics = [uuid4(rng) for _index in range(rng.randint(6, 20))]

    @staticmethod
    def _ips(rng: random.Random) -> list:
        return [_ip_address(rng) for _index in range(rng.randint(1, 3))]


class EntryFactory:
    """Builds units of entries as ``(offset_ms, entry)`` lists; meta.time is filled in once times are known."""

    def __init__(self, profile: ContractProfile, rng: random.Random):
        self.profile = profile
        self.rng = rng
        self._builders = {"cluster": self._cluster, "dcd": self._dcd_event, "token": self._token_event, "error": self._error_event}

    def unit(self) -> list:
        """Draw the next unit."""
        return self._builders[UNITS.pick(self.rng)]()

    def _user(self) -> User:
        return self.profile.users_by_weight.pick(self.rng)

    def _entry(self, user: User, source_ip: str, request_id: str, event: dict) -> dict:
        """One entry with every schema field; queueRefId and time are stamped once the unit has its time."""
        meta = {"auditVersion": AUDIT_VERSION, "requestId": request_id, "queueRefId": None, "time": None}
        if self.rng.random() < TRANSACTION_ID_RATE:
            meta["transactionId"] = uuid4(self.rng)
        principal = {
            "sourceIP": source_ip,
            "identity": {"contractNumber": self.profile.contract, "username": user.username},
            "sourceService": "DCD" if event["type"] == "DCDUserEvent" else user.source_service,
            "serviceHost": "dcd.ionos.com" if event["type"] == "DCDUserEvent" else user.service_host,
        }
        return {"@uuid": uuid4(self.rng), "principal": principal, "meta": meta, "event": event}

    def _collection(self, rtype: str) -> str:
        rng = self.rng
        return collection_uri(rtype, rng.choice(self.profile.datacenters), rng.choice(self.profile.servers), rng.choice(self.profile.nics))

    def _target(self, method: str) -> tuple:
        """Pick what a write touches: (resource type, resource id, uri, dotted actions)."""
        rng = self.rng
        rtype = RESOURCE_TYPES.pick(rng)
        if rtype == "datacenter" and method != "POST":
            rid = rng.choice(self.profile.datacenters)
        elif rtype == "server" and method != "POST" and rng.random() < 0.6:
            rid = rng.choice(self.profile.servers)
        else:
            rid = uuid4(rng)
        uri = self._collection(rtype)
        actions = list(ACTIONS[rtype][method])
        if rtype == "server" and method == "POST" and rng.random() < 0.3:
            verb = rng.choice(("start", "stop", "reboot"))
            rid = rng.choice(self.profile.servers)
            return rtype, rid, f"{uri}/{rid}/{verb}", [f"vr.server.{verb}"]
        if method != "POST":
            uri = f"{uri}/{rid}"
        return rtype, rid, uri, actions

    def _cluster(self) -> list:
        """A provisioning request as the log shows it: accepted, queued, running, provisioned, done (or failed)."""
        rng = self.rng
        user = self._user()
        source_ip = rng.choice(user.ips)
        method = WRITE_METHODS.pick(rng)
        rtype, rid, uri, actions = self._target(method)
        request = uuid4(rng)
        resources = [{"type": rtype, "id": rid, "action": actions}]

        def event(etype, status, message, source_service, error=None):
            param = {"action": method, "uri": uri, "initiator": user.source_service, "sourceService": source_service}
            if error:
                param["errorCode"] = error[1]
                param["error"] = {"httpStatus": error[0], "messages": [{"errorCode": error[1], "message": error[2]}]}
            return self._entry(user, source_ip, request, {
                "type": etype, "status": status, "message": message, "param": param, "resources": resources})

        offset = 0
        unit = [(offset, event("RequestAccepted", "QUEUED", f"Request {method} {uri} accepted", "PUBLIC_REST"))]
        offset += rng.randint(20, 400)
        unit.append((offset, event("RequestStatusUpdate", "QUEUED", "Request status changed to QUEUED", "Provisioning")))
        if rng.random() < 0.9:
            offset += rng.randint(300, 5000)
            unit.append((offset, event("RequestStatusUpdate", "RUNNING", "Request status changed to RUNNING", "Provisioning")))
        if rng.random() < 0.06:
            failure = rng.choice(((422, "200", "Provisioning failed: quota exceeded"), (500, "300", "Provisioning failed: internal error")))
            offset += rng.randint(500, 30000)
            unit.append((offset, event("RequestStatusUpdate", "FAILED", "Request status changed to FAILED", "Provisioning", failure)))
            return unit
        for _index in range(PROVISION_COUNTS.pick(rng)):
            offset += rng.randint(500, 20000)
            unit.append((offset, event("Provision", "DONE", f"Provisioned {rtype}: {', '.join(actions)}", "Provisioning")))
        offset += rng.randint(200, 10000)
        unit.append((offset, event("RequestStatusUpdate", "DONE", "Request status changed to DONE", "Provisioning")))
        return unit

    def _standalone(self, user: User, event: dict) -> list:
        return [(0, self._entry(user, self.rng.choice(user.ips), uuid4(self.rng), event))]

    def _dcd_event(self) -> list:
        rng = self.rng
        user = self._user()
        message, uri = rng.choice(DCD_MESSAGES)
        param = {} if rng.random() < 0.5 else {"action": "http", "uri": uri, "initiator": "DCD", "sourceService": "DCD"}
        resources = [] if rng.random() < 0.7 else [{"type": "datacenter", "id": rng.choice(self.profile.datacenters), "action": ["vr.datacenter.view"]}]
        return self._standalone(user, {"type": "DCDUserEvent", "status": "DONE", "message": message, "param": param, "resources": resources})

    def _token_event(self) -> list:
        user = self._user()
        param = {"action": "GET", "uri": "/auth/v1/tokens/generate", "initiator": user.source_service, "sourceService": "AUTH"}
        resources = [{"type": "user", "id": user.user_id, "action": ["sec.token.generate"]}]
        return self._standalone(user, {"type": "GenerateToken", "status": "DONE", "message": "Token generated", "param": param, "resources": resources})

    def _error_event(self) -> list:
        rng = self.rng
        user = self._user()
        method = ERROR_METHODS.pick(rng)
        status = ERROR_STATUSES.pick(rng)
        code, text = ERRORS[status]
        uri = self._collection(RESOURCE_TYPES.pick(rng))
        param = {"action": method, "uri": uri, "initiator": user.source_service, "sourceService": "PUBLIC_REST", "errorCode": code,
                 "error": {"httpStatus": status, "messages": [{"errorCode": code, "message": text}]}}
        event = {"type": "Error", "status": "FAILED", "message": f"{method} {uri} failed with HTTP {status}: {text}", "param": param, "resources": []}
        return self._standalone(user, event)


def _activity_weight(epoch_ms: int) -> float:
    """More activity on weekday working hours (UTC) than at night or on weekends."""
    day, in_day = divmod(epoch_ms, MS_PER_DAY)
    weekday = (day + 3) % 7  # 1970-01-01 was a Thursday; Monday is 0
    hour = in_day // 3600000
    if weekday >= 5:
        return 0.25
    return 1.0 if 7 <= hour < 19 else 0.35


def _draw_time(rng: random.Random, start_ms: int, until_ms: int) -> int:
    """Rejection-sample a unit start time in [start_ms, until_ms) with the activity weights (bounded tries)."""
    moment = start_ms
    for _index in range(16):
        moment = start_ms + int(rng.random() * (until_ms - start_ms))
        if rng.random() < _activity_weight(moment):
            break
    return moment


def queue_ref_for(first_ms: int) -> int:
    """queueRefIds grow with time, like the real queue counter, without a draw that depends on generation order."""
    return 100000 + (first_ms // 250) % 900000000


def _stamp(unit: list, first_ms: int, until_ms: int) -> list:
    """Give every entry of a unit its time and the unit's queueRefId; returns ``(time_ms, entry)`` pairs."""
    queue_ref = queue_ref_for(first_ms)
    records = []
    for offset, entry in unit:
        moment = min(first_ms + offset, until_ms - 1)
        entry["meta"]["queueRefId"] = queue_ref
        entry["meta"]["time"] = format_ms(moment)
        records.append((moment, entry))
    return records


def generate_entries(seed, contract: int, count: int, start_ms: int, until_ms: int):
    """Yield exactly ``count`` entries of one contract as ``(time_ms, entry)``, unit by unit (not time-sorted).

    Yielding lets the caller serialise and drop each dict at once, which keeps 200,000 entries within seconds.
    The last unit is cut short when needed.
    """
    rng = random.Random(f"{seed}:{contract}")
    factory = EntryFactory(ContractProfile(contract, rng), rng)
    produced = 0
    while produced < count:
        first_ms = _draw_time(rng, start_ms, until_ms)
        unit = factory.unit()[:count - produced]
        produced += len(unit)
        first_ms = max(start_ms, min(first_ms, until_ms - 1 - unit[-1][0]))
        yield from _stamp(unit, first_ms, until_ms)


class LiveSource:
    """Entries appended while the emulator runs: same users as the contract, own seeded RNG, stamped now or lagged."""

    def __init__(self, seed, contract: int):
        self.rng = random.Random(f"{seed}:{contract}:live")
        self.factory = EntryFactory(ContractProfile(contract, random.Random(f"{seed}:{contract}")), self.rng)
        self._pending = []

    def take(self, count: int, now: int, lag_ms: int) -> list:
        """``count`` entries as ``(time_ms, entry)``; with a lag each gets a uniform time in [now - lag, now]."""
        records = []
        while len(records) < count:
            if not self._pending:
                self._pending = [entry for _offset, entry in self.factory.unit()]
                for entry in self._pending:
                    entry["meta"]["queueRefId"] = queue_ref_for(now)
            entry = self._pending.pop(0)
            moment = now - self.rng.randint(0, lag_ms) if lag_ms > 0 else now
            entry["meta"]["time"] = format_ms(moment)
            records.append((moment, entry))
        return records

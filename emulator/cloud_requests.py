# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Cloud API v6 requests behind the activity-log entries (``GET /cloudapi/v6/requests/{requestId}``).

A contract's ``RequestIndex`` is filled while its entries are generated, loaded or appended: one record per
``meta.requestId`` of an entry that came in through the public REST API (``principal.sourceService`` ``PUBLIC_REST*``)
with an HTTP method in ``event.param.action`` and a Cloud API path in ``event.param.uri``. The record keeps what the
entries say (method, uri, user, source IP, resources, the earliest time, the latest status); what was sent (headers
and body, with fake secrets) is drawn from the request's own RNG when it is served (emulator/request_bodies.py).
"""

from __future__ import annotations

import hashlib
import threading

from emulator.request_bodies import request_properties, secrets_in
from emulator.timefmt import format_ms

HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
CLOUD_API_PREFIX = "/cloudapi/"
STATUS_MESSAGES = {
    "QUEUED": "Request has been queued",
    "RUNNING": "Request is being processed",
    "DONE": "Request has been successfully executed",
}
MAX_DEPTH = 10


class RequestRecord:
    """What the activity log tells about one request."""

    __slots__ = ("request_id", "contract", "method", "uri", "username", "source_ip", "created_ms", "resources", "status", "failure",
                 "_update_time", "_update_order", "_updated")

    def __init__(self, request_id: str, contract: int, method: str, uri: str, username: str, source_ip, created_ms: int):
        self.request_id = request_id
        self.contract = contract
        self.method = method
        self.uri = uri
        self.username = username
        self.source_ip = source_ip
        self.created_ms = created_ms
        self.resources = None  # (type, id) pairs, from the first entry that lists resources
        self.status = None
        self.failure = None  # the error text of a FAILED request
        self._update_time = self._update_order = None  # of the entry the status is from
        self._updated = False  # whether the status is from a RequestStatusUpdate (else from the latest other entry)

    @property
    def message(self) -> str:
        if self.status == "FAILED":
            return self.failure or "Request failed"
        return STATUS_MESSAGES.get(self.status or "QUEUED") or f"Request status is {self.status}"

    def observe(self, event: dict, param: dict, time_ms: int, order: int) -> None:
        if time_ms < self.created_ms:
            self.created_ms = time_ms
        if not self.resources:
            resources = event.get("resources")
            if isinstance(resources, list) and resources:
                self.resources = [(str(item.get("type", "")), item["id"]) for item in resources if isinstance(item, dict) and isinstance(item.get("id"), str)]
        status = event.get("status")
        if not isinstance(status, str) or not status:
            return
        update = event.get("type") == "RequestStatusUpdate"
        if self._update_time is not None:
            if self._updated and not update:
                return
            if update == self._updated and (time_ms, order) < (self._update_time, self._update_order):
                return
        self._update_time, self._update_order, self._updated = time_ms, order, update
        self.status = status
        if status == "FAILED":
            self.failure = _failure_message(event, param)


def _failure_message(event: dict, param: dict) -> str:
    """The error's own text where the entry carries one, else the event's message."""
    error = param.get("error")
    messages = error.get("messages") if isinstance(error, dict) else None
    if isinstance(messages, list) and messages and isinstance(messages[0], dict) and isinstance(messages[0].get("message"), str):
        return messages[0]["message"]
    message = event.get("message")
    return message if isinstance(message, str) else "Request failed"


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


class RequestIndex:
    """The requests of one contract by id; filled entry by entry, read by the handler threads."""

    def __init__(self, contract: int):
        self.contract = contract
        self._records = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._records)

    def observe(self, entry: dict, time_ms: int, order: int) -> None:
        """Take one entry into account (in any order: the earliest time and the latest status win).

        Called for every generated entry, so the common case is a few subscripts; odd loaded entries fall out through
        the exception (a missing key, or a value that is not an object).
        """
        try:
            request_id = entry["meta"]["requestId"]
            principal = entry["principal"]
            service = principal["sourceService"]
            event = entry["event"]
            param = event["param"]
            method = param["action"]
            uri = param["uri"]
        except (KeyError, TypeError, IndexError):
            return
        if not (method in HTTP_METHODS and isinstance(uri, str) and uri.startswith(CLOUD_API_PREFIX) and isinstance(service, str)
                and service.startswith("PUBLIC_REST") and isinstance(request_id, str) and request_id):
            return
        with self._lock:
            record = self._records.get(request_id)
            if record is None:
                username = _dict(principal.get("identity")).get("username")
                record = self._records[request_id] = RequestRecord(
                    request_id, self.contract, method, uri, username if isinstance(username, str) else "", principal.get("sourceIP"), time_ms)
            record.observe(event, param, time_ms, order)

    def get(self, request_id: str):
        return self._records.get(request_id)

    def records(self) -> list:
        with self._lock:
            return sorted(self._records.values(), key=lambda record: (record.created_ms, record.request_id))


def _etag(*parts) -> str:
    return hashlib.sha256(":".join(str(part) for part in parts).encode("utf-8")).hexdigest()[:32]


def _target_href(base: str, uri: str, rid: str) -> str:
    """The resource's own URL: the uri up to the id where it names it (``.../servers/<id>/start``), else collection + id."""
    position = uri.find(rid) if rid else -1
    path = uri[:position + len(rid)] if position >= 0 else f"{uri.rstrip('/')}/{rid}"
    return base + path


class CloudRequests:
    """Finds, ages and renders the requests of a catalog (one instance per emulator)."""

    def __init__(self, catalog, retention_ms: int = 0, now_ms=None):
        self.catalog = catalog
        self.retention_ms = retention_ms
        self.now_ms = now_ms

    def find(self, request_id: str, contracts):
        """The record of a request of one of ``contracts`` (in that order), or None."""
        for contract in contracts:
            if contract in self.catalog:
                record = self.catalog.requests(contract).get(request_id)
                if record is not None:
                    return record
        return None

    def retained(self, record: RequestRecord) -> bool:
        """False once the request is older than the retention (measured from the emulator's now)."""
        return not self.retention_ms or record.created_ms >= self.now_ms() - self.retention_ms

    def properties(self, record: RequestRecord) -> dict:
        return request_properties(self.catalog.spec.seed, record.request_id, record.contract, record.method, record.uri,
                                  record.resources or [], record.username, record.source_ip)

    def resource(self, record: RequestRecord, base_url: str, depth: int) -> dict:
        """The Cloud API v6 ``Request`` object; ``depth`` 0 gives the request status as a reference only."""
        href = f"{base_url}/cloudapi/v6/requests/{record.request_id}"
        status = record.status or "QUEUED"
        request_status = {"id": record.request_id, "type": "request-status", "href": f"{href}/status"}
        if depth >= 1:
            targets = [{"target": {"id": rid, "type": rtype, "href": _target_href(base_url, record.uri, rid)}, "status": status}
                       for rtype, rid in record.resources or ()]
            request_status["metadata"] = {"etag": _etag(record.request_id, "status", status), "status": status,
                                          "message": record.message, "targets": targets}
        return {
            "id": record.request_id,
            "type": "request",
            "href": href,
            "metadata": {"etag": _etag(record.request_id, record.created_ms), "createdDate": format_ms(record.created_ms),
                         "createdBy": record.username, "requestStatus": request_status},
            "properties": self.properties(record),
        }

    def listing(self, contract: int) -> list:
        """Admin view: every request of a contract by creation time, whether it is still served, and its secrets."""
        return [{"id": record.request_id, "createdDate": format_ms(record.created_ms), "status": record.status or "QUEUED",
                 "retained": self.retained(record), "secrets": secrets_in(self.properties(record))}
                for record in self.catalog.requests(contract).records()]

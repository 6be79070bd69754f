# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Activity Log API v1 itself: routing, auth, parameters, pages, plus rate limiting and fault injection; and the
one Cloud API v6 resource beside it, ``GET /cloudapi/v6/requests/{requestId}`` (the requests behind the entries).

Kept free of socket code (server.py does the I/O) so the semantics read in one place.
"""

from __future__ import annotations

import time
import urllib.parse

from emulator.admin import Admin
from emulator.cloud_requests import MAX_DEPTH, CloudRequests
from emulator.params import PagingRules, ParamError, first_values, parse_page_request
from emulator.responses import error_response, html_error_response, json_response, malformed, truncated, Response

API_ROOT = ("activitylog", "v1")
REQUESTS_ROOT = ("cloudapi", "v6", "requests")
MS_PER_DAY = 86400000
DROP = None  # respond() returns this to close the connection without an answer


class Request:
    """What the application needs from one HTTP request."""

    __slots__ = ("method", "target", "authorization", "host", "scheme", "contract_header")

    def __init__(self, method: str, target: str, authorization, host, scheme: str, contract_header=None):
        self.method = method
        self.target = target
        self.authorization = authorization
        self.host = host
        self.scheme = scheme
        self.contract_header = contract_header  # X-Contract-Number, or None

    @property
    def base_url(self) -> str:
        return f"{self.scheme}://{self.host}"


class ApiSettings:
    """The knobs of the API behaviour (from the command line)."""

    def __init__(self, order: str = "newest", paging=None, latency_ms: float = 0.0, contract_header_required: bool = False,
                 request_retention_days: float = 0.0, now_ms=None):
        self.order = order
        self.paging = paging or PagingRules()
        self.latency_ms = latency_ms
        self.contract_header_required = contract_header_required
        self.request_retention_ms = int(request_retention_days * MS_PER_DAY)  # 0: Cloud API requests never expire
        self.now_ms = now_ms or (lambda: int(time.time() * 1000))  # the emulator's now: --until, else the clock


def split_target(target: str) -> tuple:
    """Path segments (percent-decoded one by one, trailing slash ignored) and the query pairs."""
    parts = urllib.parse.urlsplit(target)
    segments = [urllib.parse.unquote(segment) for segment in parts.path.split("/") if segment]
    return tuple(segments), urllib.parse.parse_qsl(parts.query, keep_blank_values=True)


class Application:
    """Answers requests; one instance is shared by all handler threads (its parts lock what they share)."""

    def __init__(self, catalog, credentials, settings: ApiSettings, limiter, injector, stats, openapi_path=None):
        self.catalog = catalog
        self.credentials = credentials
        self.settings = settings
        self.limiter = limiter
        self.injector = injector
        self.stats = stats
        self.cloud_requests = CloudRequests(catalog, self.settings.request_retention_ms, self.settings.now_ms)
        self.admin = Admin(catalog, stats, openapi_path, self.settings.paging.window_end, self.cloud_requests)

    def respond(self, request: Request):
        """The Response for a request, or DROP."""
        segments, query = split_target(request.target)
        if segments[:1] == ("_emulator",):
            return self.admin.respond(request.method, segments[1:], first_values(query))
        if segments[:3] == REQUESTS_ROOT and len(segments) == 4:
            request_id = segments[3]
            self.stats.cloud.request(request_id)
            return self._guarded(request, self.stats.cloud,
                                 lambda credential: self._request_resource(request, request_id, credential, first_values(query)), "requests")
        self.stats.request()
        if segments[:2] != API_ROOT or len(segments) > 4 or (len(segments) > 2 and segments[2] != "contracts"):
            return self._count(error_response(404, f"No such resource: {urllib.parse.urlsplit(request.target).path}"))
        return self._guarded(request, self.stats, lambda credential: self._endpoint(request, segments[2:], credential, first_values(query)), "activity")

    def _guarded(self, request: Request, stats, answer, endpoint: str):
        """What every API endpoint goes through: latency, the credential's rate limit, then maybe a fault."""
        if self.settings.latency_ms:
            time.sleep(self.settings.latency_ms / 1000.0)
        credential = self.credentials.resolve(request.authorization)
        if self.limiter is not None:
            retry_after = self.limiter.retry_after(credential.key if credential else "anonymous")
            if retry_after is not None:
                return self._count(error_response(429, "Rate limit exceeded, retry later", [("Retry-After", str(retry_after))]), stats)
        return self._with_faults(request, lambda: answer(credential), stats, endpoint)

    def _count(self, response: Response, stats=None) -> Response:
        (stats or self.stats).status(response.status)
        return response

    def _with_faults(self, request: Request, answer, stats, endpoint: str):
        """Maybe replace the real answer with an injected fault (at most ``--fault-streak-max`` in a row per request,
        only on the endpoints of ``--fault-scope``)."""
        key = f"{request.method} {request.target}"
        kind = self.injector.draw(key) if self.injector is not None and self.injector.plan.covers(endpoint) else None
        if kind == "drop":
            stats.fault(kind)
            return DROP
        if kind == "error":
            code = self.injector.choice(self.injector.plan.error_codes)
            headers = [("Retry-After", "1")] if code in (429, 503) else []
            response = error_response(code, f"Injected fault: the service answered {code}, retry later", headers)
        elif kind == "html_error":
            response = html_error_response(self.injector.choice((502, 503)))
        else:
            if kind == "slow":
                time.sleep(self.injector.plan.slow_seconds)
            response = answer()
            if kind in ("truncate", "malformed"):
                if response.status == 200:
                    response = truncated(response) if kind == "truncate" else malformed(response)
                else:
                    self.injector.not_applied(key)
                    kind = None
        if kind:
            stats.fault(kind)
        return self._count(response, stats)

    def _endpoint(self, request: Request, rest: tuple, credential, values: dict) -> Response:
        if request.method != "GET":
            return error_response(405, f"Method {request.method} is not allowed here; the Activity Log API is read-only (GET)", [("Allow", "GET")])
        if not rest:
            return json_response({"name": "CLOUD API", "version": "1.0", "href": f"{request.base_url}/activitylog/v1"})
        if credential is None:
            return error_response(401, "Unauthorized: missing or invalid credentials (send a Bearer token or Basic credentials)")
        if len(rest) == 1:
            return json_response([
                {"id": contract, "type": "contracts", "href": f"{request.base_url}/activitylog/v1/contracts/{contract}"}
                for contract in credential.listed(self.catalog.contracts)])
        return self._contract(request, rest[1], credential, values)

    def _contract(self, request: Request, number: str, credential, values: dict) -> Response:
        if not (number.isdigit() and number.isascii()):
            return error_response(400, f"Invalid contract number {number[:64]!r}: must be a positive integer")
        contract = int(number)
        if not credential.privilege:
            return error_response(403, "Forbidden: the credential lacks the privilege to access the activity log")
        if not credential.covers(contract) or contract not in self.catalog or self._needs_contract_header(request, credential, contract):
            return error_response(403, f"Forbidden: the credential may not read the activity log of contract {contract}")
        try:
            page = parse_page_request(values, self.settings.paging)
        except ParamError as error:
            return error_response(400, str(error))
        total, hits = self.catalog.store(contract).page(page.start_us, page.end_us, page.offset, page.limit, self.settings.order)
        return Response(200, self.catalog.hit_encoder.body(total, hits))

    def _needs_contract_header(self, request: Request, credential, contract: int) -> bool:
        """--contract-header-required: any contract but the credential's first needs ``X-Contract-Number: <contract>``."""
        if not self.settings.contract_header_required or contract == credential.listed(self.catalog.contracts)[0]:
            return False
        header = (request.contract_header or "").strip()
        return not (header.isascii() and header.isdigit() and int(header) == contract)

    def _request_resource(self, request: Request, request_id: str, credential, values: dict) -> Response:
        """``GET /cloudapi/v6/requests/{requestId}``: the request behind entries of a contract the credential may read."""
        if request.method != "GET":
            return error_response(405, f"Method {request.method} is not allowed here; the emulator serves requests read-only (GET)", [("Allow", "GET")])
        if credential is None:
            return error_response(401, "Unauthorized: missing or invalid credentials (send a Bearer token or Basic credentials)")
        if not credential.requests:
            return error_response(403, "Forbidden: the credential lacks the privilege to read Cloud API requests")
        depth = values.get("depth", "0").strip()
        if not (depth.isascii() and depth.isdigit() and int(depth) <= MAX_DEPTH):
            return error_response(400, f"Invalid value for query parameter 'depth': must be an integer from 0 to {MAX_DEPTH}")
        contracts = credential.listed(self.catalog.contracts)
        if request.contract_header is not None:  # the Cloud API shows a contract's requests only to that contract's users
            header = request.contract_header.strip()
            contracts = [int(header)] if header.isascii() and header.isdigit() and int(header) in contracts else []
        record = self.cloud_requests.find(request_id, contracts)
        if record is None or not self.cloud_requests.retained(record):
            return error_response(404, "Resource does not exist: no such request of this credential's contracts, or older than requests are kept")
        return json_response(self.cloud_requests.resource(record, request.base_url, int(depth)))

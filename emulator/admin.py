# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Emulator-only endpoints under /_emulator: health, stats, ground truth, the Cloud API requests and their secrets,
appends, the OpenAPI document.

No auth, no faults, no latency: tests use them to check what the real endpoints served.
"""

from __future__ import annotations

import os

from emulator.params import ParamError, parse_date, parse_integer
from emulator.responses import Response, error_response, json_response

MAX_APPEND = 100000


class Admin:
    """Routes ``/_emulator/...`` (segments after ``_emulator``)."""

    def __init__(self, catalog, stats, openapi_path=None, window_end=None, cloud_requests=None):
        self.catalog = catalog
        self.stats = stats
        self.cloud_requests = cloud_requests
        self.openapi_path = openapi_path
        self.window_end = window_end or (lambda end_us: end_us)  # dateEnd as the API reads it (--date-end)

    def respond(self, method: str, segments: tuple, values: dict) -> Response:
        routes = {
            ("GET", "health"): lambda: json_response({"ok": True}),
            ("GET", "stats"): lambda: json_response(self.stats.snapshot()),
            ("POST", "stats/reset"): self._reset,
            ("GET", "entries"): lambda: self._entries(segments, values),
            ("GET", "requests"): lambda: self._requests(segments),
            ("POST", "append"): lambda: self._append(segments, values),
            ("GET", "openapi.yaml"): self._openapi,
        }
        name = segments[0] if segments[:1] in (("entries",), ("append",), ("requests",)) else "/".join(segments)
        handler = routes.get((method, name))
        if handler is not None:
            try:
                return handler()
            except ParamError as error:
                return error_response(400, str(error))
        if any(route_name == name for _method, route_name in routes):
            return error_response(405, f"Method {method} is not allowed on /_emulator/{name}")
        return error_response(404, f"No such emulator endpoint: /_emulator/{'/'.join(segments)}")

    def _reset(self) -> Response:
        self.stats.reset()
        return json_response({"ok": True})

    def _contract(self, segments: tuple):
        """The contract named in the path, or an error Response."""
        if len(segments) != 2 or not (segments[1].isdigit() and segments[1].isascii()) or int(segments[1]) not in self.catalog:
            return error_response(404, f"No such contract in this emulator: {'/'.join(segments[1:])!r}")
        return int(segments[1])

    def _entries(self, segments: tuple, values: dict) -> Response:
        """Ground truth: ids of the window (dateEnd as the API reads it) in ascending time order, no paging."""
        contract = self._contract(segments)
        if isinstance(contract, Response):
            return contract
        ids = self.catalog.store(contract).ids(parse_date(values, "dateStart"), self.window_end(parse_date(values, "dateEnd")))
        return json_response({"total": len(ids), "ids": ids})

    def _requests(self, segments: tuple) -> Response:
        """The Cloud API requests of one contract: id, createdDate, final status, whether still served, and the secrets
        its headers and body hold (every one starts with ``SECRET-``)."""
        contract = self._contract(segments)
        if isinstance(contract, Response):
            return contract
        listing = self.cloud_requests.listing(contract)
        return json_response({"total": len(listing), "requests": listing})

    def _append(self, segments: tuple, values: dict) -> Response:
        """Append entries now (or lagged) to one contract; answers their ids."""
        contract = self._contract(segments)
        if isinstance(contract, Response):
            return contract
        count = parse_integer(values, "count", 1)
        if count > MAX_APPEND:
            raise ParamError(f"count must be at most {MAX_APPEND}")
        try:
            lag_seconds = float(values.get("lag", "0"))
        except ValueError:
            raise ParamError("lag must be a number of seconds")
        if not 0 <= lag_seconds <= 10 ** 7:
            raise ParamError("lag must be between 0 and 10000000 seconds")
        ids = self.catalog.append(contract, count, int(lag_seconds * 1000))
        return json_response({"count": len(ids), "ids": ids})

    def _openapi(self) -> Response:
        if not self.openapi_path or not os.path.isfile(self.openapi_path):
            return error_response(404, "docs/openapi.yaml is not present")
        with open(self.openapi_path, "rb") as handle:
            return Response(200, handle.read(), "application/yaml")

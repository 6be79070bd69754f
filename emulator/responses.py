# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Response values and the bodies the emulator answers with, including the IONOS error shape and proxy pages."""

from __future__ import annotations

from emulator.variants import encode_json

JSON = "application/json"
HTML = "text/html; charset=utf-8"

ERROR_CODES = {
    400: "VALIDATION_ERROR",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    429: "RATE_LIMIT_EXCEEDED",
    500: "INTERNAL_SERVER_ERROR",
    502: "BAD_GATEWAY",
    503: "SERVICE_UNAVAILABLE",
    504: "GATEWAY_TIMEOUT",
}
REASONS = {502: "Bad Gateway", 503: "Service Temporarily Unavailable"}


class Response:
    """Status, body bytes, content type and extra headers; Content-Length is always derived from the body."""

    __slots__ = ("status", "body", "content_type", "headers")

    def __init__(self, status: int, body: bytes, content_type: str = JSON, headers=()):
        self.status = status
        self.body = body
        self.content_type = content_type
        self.headers = tuple(headers)


def json_response(value, status: int = 200, headers=()) -> Response:
    return Response(status, encode_json(value), JSON, headers)


def error_response(status: int, message: str, headers=()) -> Response:
    """The IONOS-wide error body: ``{"httpStatus": N, "messages": [{"errorCode": ..., "message": ...}]}``."""
    code = ERROR_CODES.get(status, "ERROR" if status < 500 else "SERVER_ERROR")
    return json_response({"httpStatus": status, "messages": [{"errorCode": code, "message": message}]}, status, headers)


def html_error_response(status: int) -> Response:
    """What a reverse proxy in front of the API sends when the backend is down: HTML, not JSON."""
    reason = REASONS.get(status, "Error")
    page = (f"<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n<center><h1>{status} {reason}</h1></center>\r\n"
            "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")
    return Response(status, page.encode("ascii"), HTML)


def truncated(response: Response) -> Response:
    """A 200 whose JSON body is cut in half (Content-Length matches what is sent: the client must check the JSON)."""
    return Response(200, response.body[:len(response.body) // 2], response.content_type, response.headers)


MALFORMED_BODY = b'{"hits": {"total": 3, "hits": [{"_source": ]}'


def malformed(response: Response) -> Response:
    """A 200 whose body is not JSON at all."""
    return Response(200, MALFORMED_BODY, response.content_type, response.headers)

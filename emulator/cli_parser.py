# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The argument parser and the named profiles; ``--help`` is the reference, mirrored in docs/emulator.md."""

from __future__ import annotations

import argparse

from emulator.faults import DEFAULT_ERROR_CODES, FAULT_SCOPES
from emulator.params import DATE_END_MODES, OFFSET_MODES, WINDOW_MESSAGES
from emulator.store import ORDERS
from emulator.variants import VARIANTS

# Flags that profiles may preset: their parser default is None so an explicit value can be told apart.
DEFAULTS = {
    "rate_limit": 0.0, "rate_burst": None, "error_rate": 0.0, "latency_ms": 0.0, "slow_rate": 0.0, "slow_seconds": 5.0,
    "drop_rate": 0.0, "truncate_rate": 0.0, "malformed_rate": 0.0, "html_error_rate": 0.0,
}
PROFILES = {
    "rate-limit": {"rate_limit": 20.0, "rate_burst": 5.0},
    "faults": {"error_rate": 0.1, "drop_rate": 0.03, "truncate_rate": 0.03, "malformed_rate": 0.02, "html_error_rate": 0.02,
               "latency_ms": 5.0, "rate_limit": 200.0, "rate_burst": 50.0},
    "slow": {"slow_rate": 0.2, "slow_seconds": 3.0},
    "latency40": {"latency_ms": 40.0},
}

DESCRIPTION = """Emulator of the IONOS Cloud Activity Log API v1 (GET /activitylog/v1, /contracts, /contracts/{n})
with deterministic realistic data, configurable limits, rate limiting, fault injection, live appends and TLS; it
also serves the Cloud API v6 requests behind its entries (GET /cloudapi/v6/requests/{requestId}).
Listens on loopback only unless told otherwise. Built-in credentials: Bearer reseller-token (all contracts),
single-token (first contract), noprivilege-token (lists the first contract, 403 on reading), no-requests-token
(reads the first contract, 403 on /cloudapi/v6/requests); Basic reseller@example.com:reseller-password and
user@example.com:user-password. See docs/emulator.md."""


def _contract_list(text: str) -> list:
    try:
        numbers = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a comma-separated list of contract numbers")
    if not numbers or len(set(numbers)) != len(numbers) or min(numbers) < 0:
        raise argparse.ArgumentTypeError("give distinct non-negative contract numbers, e.g. 31909628,31909629")
    return numbers


def _code_list(text: str) -> list:
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a comma-separated list of HTTP status codes")


def _days(text: str) -> str:
    """A number of days >= 0, kept as written: the 400 of --max-range-days quotes it."""
    try:
        days = float(text)
    except ValueError:
        days = -1.0
    if not 0 <= days < float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of days >= 0")
    return text.strip()


def _network(parser) -> None:
    group = parser.add_argument_group("network")
    group.add_argument("--host", default="127.0.0.1", help="address to listen on; loopback only unless --allow-non-loopback (default: %(default)s)")
    group.add_argument("--port", type=int, default=8765, help="TCP port; 0 picks a free one (default: %(default)s)")
    group.add_argument("--port-file", metavar="FILE", help="also write the bound port to FILE (atomically) once listening")
    group.add_argument("--stop-on-stdin-eof", action="store_true",
                       help="also stop when standard input closes, so an emulator whose parent dies (and with it the pipe) never outlives it")
    group.add_argument("--allow-non-loopback", action="store_true", help="allow a --host that is not a loopback address")
    group.add_argument("--tls-cert", metavar="FILE", help="serve HTTPS with this PEM certificate (chain); needs --tls-key")
    group.add_argument("--tls-key", metavar="FILE", help="PEM private key for --tls-cert")
    verbosity = group.add_mutually_exclusive_group()
    verbosity.add_argument("--quiet", dest="verbose", action="store_false", help="log nothing per request (default)")
    verbosity.add_argument("--verbose", dest="verbose", action="store_true", help="log every request line to stderr (never the Authorization header)")
    parser.set_defaults(verbose=False)


def _data(parser) -> None:
    group = parser.add_argument_group("data")
    group.add_argument("--seed", default="1", help="seed of every random draw; same seed + same --until gives byte-identical data (default: %(default)s)")
    group.add_argument("--contracts", type=int, default=3, help="number of generated contracts (default: %(default)s)")
    group.add_argument("--first-contract", type=int, default=31909628, help="number of the first contract, the others follow +1 (default: %(default)s)")
    group.add_argument("--contract-numbers", type=_contract_list, metavar="N,N,...", help="explicit contract numbers (overrides --contracts/--first-contract)")
    group.add_argument("--entries", type=int, default=5000, help="entries per contract, exactly (default: %(default)s)")
    group.add_argument("--days", type=float, default=30.0, help="generated entries span this many days before --until (default: %(default)s)")
    group.add_argument("--until", metavar="TIME", help="end (exclusive) of the generated period, RFC 3339 or YYYY-MM-DD (default: now, to the second)")
    group.add_argument("--data", metavar="FILE", help="serve entries from a JSON file instead of generating them (see docs/emulator.md)")
    group.add_argument("--variant", action="append", choices=VARIANTS + ("all",), metavar="NAME",
                       help=f"shape variant, repeatable: {', '.join(VARIANTS)} or all")
    group.add_argument("--credentials", metavar="FILE", help="JSON file of tokens and Basic users replacing the built-in credentials")


def _api(parser) -> None:
    group = parser.add_argument_group("API behaviour")
    order_help = "order of hits: newest first, oldest first, unordered (fixed per window) or shuffled (new on every request)"
    group.add_argument("--order", choices=ORDERS, default="newest", help=order_help + " (default: %(default)s)")
    group.add_argument("--max-limit", type=int, default=1000, help="largest accepted limit; above it 400 (default: %(default)s)")
    group.add_argument("--limit-cap", type=int, default=0, metavar="N",
                       help="serve a limit above N as N, silently (checked after --max-limit; default: 0 = off)")
    group.add_argument("--result-window", type=int, default=10000,
                       help="hits skipped + limit above this gives 400; 0 = no result window (default: %(default)s)")
    group.add_argument("--result-window-message", choices=WINDOW_MESSAGES, default="elastic",
                       help="400 text of the result window: elastic (names the numbers) or plain (no number) (default: %(default)s)")
    group.add_argument("--offset-mode", choices=OFFSET_MODES, default="hits",
                       help="offset counts hits to skip, or pages (skips offset * limit hits) (default: %(default)s)")
    group.add_argument("--max-range-days", type=_days, default="0", metavar="D",
                       help="400 when dateEnd - dateStart is longer than D days or either is missing (may be fractional; default: 0 = off)")
    group.add_argument("--date-end", choices=DATE_END_MODES, default="exclusive",
                       help="whether an entry at exactly dateEnd is in the window (default: %(default)s)")
    group.add_argument("--contract-header-required", action="store_true",
                       help="403 for any contract but a credential's first without the header X-Contract-Number: <that contract>")
    group.add_argument("--request-retention-days", type=float, default=14.0, metavar="D",
                       help="GET /cloudapi/v6/requests/{id} is 404 for a request created more than D days before now "
                            "(--until, else the clock; may be fractional; 0 = keep all; default: %(default)s)")
    group.add_argument("--live-rate", type=float, default=0.0, metavar="R", help="append R entries per second per contract while running (default: off)")
    group.add_argument("--live-lag", type=float, default=0.0, metavar="S",
                       help="stamp live entries with a random time in [now - S, now] instead of now (default: %(default)s)")


def _faults(parser) -> None:
    group = parser.add_argument_group("rate limiting and faults (all off by default; rates are probabilities per request)")
    group.add_argument("--profile", action="append", choices=tuple(PROFILES), metavar="NAME",
                       help=f"preset, repeatable, overridden by explicit flags: {', '.join(PROFILES)}")
    group.add_argument("--rate-limit", type=float, metavar="R", help="token bucket per credential, R requests/s; 429 with Retry-After when empty (0 = off)")
    group.add_argument("--rate-burst", type=float, metavar="B", help="bucket capacity (default: the rate, at least 1)")
    group.add_argument("--error-rate", type=float, metavar="P", help="answer one of --error-codes with the IONOS error body")
    group.add_argument("--error-codes", type=_code_list, default=list(DEFAULT_ERROR_CODES), metavar="C,C,...",
                       help="codes for --error-rate (default: 500,502,503,504)")
    group.add_argument("--latency-ms", type=float, metavar="MS", help="sleep this long before every API response (not /_emulator)")
    group.add_argument("--slow-rate", type=float, metavar="P", help="sleep --slow-seconds before answering (beyond a client timeout)")
    group.add_argument("--slow-seconds", type=float, metavar="S", help="sleep of a slow answer (default: 5)")
    group.add_argument("--drop-rate", type=float, metavar="P", help="close the connection without any response")
    group.add_argument("--truncate-rate", type=float, metavar="P", help="200 whose JSON body is cut in half")
    group.add_argument("--malformed-rate", type=float, metavar="P", help="200 whose body is not JSON")
    group.add_argument("--html-error-rate", type=float, metavar="P", help="502 or 503 with a text/html proxy page")
    group.add_argument("--fault-streak-max", type=int, default=2, metavar="K",
                       help="at most K faults in a row for the same method+path+query, so K+1 tries always get through (default: %(default)s)")
    group.add_argument("--fault-scope", choices=FAULT_SCOPES, default="all",
                       help="the endpoints that get faults: all, activity (the Activity Log's) or requests (/cloudapi/v6/requests) (default: %(default)s)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m emulator", description=DESCRIPTION)
    _network(parser)
    _data(parser)
    _api(parser)
    _faults(parser)
    return parser

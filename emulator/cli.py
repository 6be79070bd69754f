# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Command line: flags, named profiles, validation, start-up and clean shutdown on SIGTERM/SIGINT."""

from __future__ import annotations

import ipaddress
import os
import signal
import ssl
import sys
import threading
import time

from emulator.api import ApiSettings, Application
from emulator.auth import CredentialError, Credentials
from emulator.cli_parser import DEFAULTS, PROFILES, build_parser
from emulator.data import Catalog, DataError, DataSpec, load_data_file
from emulator.faults import FAULT_KINDS, FaultInjector, FaultPlan, RateLimiter, Stats
from emulator.live import LiveAppender
from emulator.params import PagingRules
from emulator.server import EmulatorServer, tls_context
from emulator.timefmt import MS_PER_DAY, parse_us, us_to_ms_ceil
from emulator.variants import VARIANTS

OPENAPI_PATH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs", "openapi.yaml")


class UsageError(Exception):
    """A flag value the emulator refuses; exit status 2 like argparse."""


def apply_profiles(args) -> None:
    """Explicit flags win over profiles, later profiles over earlier ones, profiles over the defaults."""
    for key, default in DEFAULTS.items():
        if getattr(args, key) is not None:
            continue
        value = default
        for name in args.profile or ():
            value = PROFILES[name].get(key, value)
        setattr(args, key, value)
    if args.rate_burst is None:
        args.rate_burst = max(1.0, args.rate_limit)


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise UsageError(message)


def validate(args) -> None:
    """Reject inconsistent values up front, with a message naming the flag."""
    _check(args.allow_non_loopback or is_loopback(args.host),
           f"--host {args.host} is not a loopback address; pass --allow-non-loopback to listen on it anyway")
    _check(0 <= args.port <= 65535, "--port must be between 0 and 65535")
    _check(args.entries >= 0 and args.contracts >= 1 and args.first_contract >= 0, "--entries must be >= 0, --contracts >= 1, --first-contract >= 0")
    _check(args.days > 0, "--days must be > 0")
    _check(args.max_limit >= 1, "--max-limit must be >= 1")
    _check(args.result_window >= 0, "--result-window must be >= 0 (0: no result window)")
    _check(args.limit_cap >= 0, "--limit-cap must be >= 0 (0: off)")
    rates = [getattr(args, f"{kind}_rate") for kind in FAULT_KINDS]
    _check(all(0 <= rate <= 1 for rate in rates), "every --*-rate of a fault must be between 0 and 1")
    _check(sum(rates) <= 1 + 1e-9, "the fault rates (--error/--drop/--slow/--truncate/--malformed/--html-error-rate) must add up to at most 1")
    _check(all(400 <= code <= 599 for code in args.error_codes), "--error-codes must be HTTP status codes between 400 and 599")
    _check(args.latency_ms >= 0 and args.slow_seconds >= 0 and args.fault_streak_max >= 0, "--latency-ms, --slow-seconds and --fault-streak-max must be >= 0")
    _check(args.rate_limit >= 0 and args.rate_burst >= 1, "--rate-limit must be >= 0 and --rate-burst >= 1")
    _check(args.live_rate >= 0 and args.live_lag >= 0, "--live-rate and --live-lag must be >= 0")
    _check(0 <= args.request_retention_days < float("inf"), "--request-retention-days must be a number of days >= 0")
    _check((args.tls_cert is None) == (args.tls_key is None), "--tls-cert and --tls-key go together")


def until_ms(args) -> int:
    """The end of the generated period: --until (ms, rounded up so every entry is before it) or now to the second."""
    if args.until is None:
        return int(time.time()) * 1000
    try:
        return us_to_ms_ceil(parse_us(args.until))
    except ValueError:
        raise UsageError(f"--until {args.until!r} is not YYYY-MM-DD or an RFC 3339 date-time")


def build_catalog(args) -> Catalog:
    variants = set(args.variant or ())
    if "all" in variants:
        variants = set(VARIANTS)
    end = until_ms(args)
    contracts = args.contract_numbers or [args.first_contract + index for index in range(args.contracts)]
    loaded = load_data_file(args.data) if args.data else None
    return Catalog(DataSpec(args.seed, contracts, args.entries, end - int(args.days * MS_PER_DAY), end, variants, loaded))


def paging_rules(args) -> PagingRules:
    return PagingRules(args.max_limit, args.result_window, args.limit_cap, args.result_window_message, args.offset_mode,
                       args.max_range_days, args.date_end)


def build_application(args, catalog: Catalog) -> Application:
    credentials = Credentials.from_file(args.credentials) if args.credentials else Credentials.builtin(catalog.contracts)
    rates = {kind: getattr(args, f"{kind}_rate") for kind in FAULT_KINDS}
    plan = FaultPlan(rates, args.error_codes, args.slow_seconds, args.fault_streak_max, args.fault_scope)
    now = until_ms(args) if args.until is not None else None  # the emulator's now: --until, else the clock at each request
    settings = ApiSettings(args.order, paging_rules(args), args.latency_ms, args.contract_header_required, args.request_retention_days,
                           (lambda: now) if now is not None else None)
    return Application(
        catalog, credentials, settings,
        RateLimiter(args.rate_limit, args.rate_burst) if args.rate_limit > 0 else None,
        FaultInjector(plan, args.seed) if plan.active else None, Stats(), OPENAPI_PATH)


def _write_port_file(path: str, port: int) -> None:
    """Write atomically, so a reader polling for the file never sees it half-written."""
    temporary = f"{path}.{os.getpid()}.tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(f"{port}\n")
    os.replace(temporary, path)


def _set_at_eof(stop: threading.Event) -> None:
    """Set ``stop`` once standard input closes; os.read, since a daemon thread in sys.stdin's reader aborts shutdown."""
    try:
        while os.read(0, 65536):
            pass
    except OSError:
        pass
    stop.set()


def serve(server: EmulatorServer, args, catalog: Catalog) -> int:
    """Run until SIGTERM or SIGINT (or the end of standard input, when asked), then shut down cleanly (exit status 0)."""
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda _signum, _frame: stop.set())
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, name="emulator-http", daemon=True)
    thread.start()
    if args.port_file:
        _write_port_file(args.port_file, server.port)
    host = f"[{args.host}]" if ":" in args.host else args.host
    print(f"emulator listening on {server.scheme}://{host}:{server.port}", flush=True)
    if args.stop_on_stdin_eof:
        threading.Thread(target=_set_at_eof, args=(stop,), name="emulator-stdin", daemon=True).start()
    live = LiveAppender(catalog, args.live_rate, args.live_lag) if args.live_rate > 0 else None
    if live is not None:
        live.start()
    while not stop.wait(0.5):
        pass
    if live is not None:
        live.stop()
    server.shutdown()
    server.server_close()
    return 0


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        apply_profiles(args)
        validate(args)
        catalog = build_catalog(args)
        app = build_application(args, catalog)
        context = tls_context(args.tls_cert, args.tls_key) if args.tls_cert else None
        server = EmulatorServer((args.host, args.port), app, context, args.verbose)
    except (UsageError, DataError, CredentialError, ssl.SSLError, OSError) as error:
        print(f"emulator: error: {error}", file=sys.stderr)
        return 2
    return serve(server, args, catalog)

# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The cases of scripts/bench.py: data set, added latency, and how the runners name the contracts.

One-contract cases pass the contract number, as a user reading their own contract does; the reseller case passes
none, so every runner lists /contracts first and reads all of them. ``--quick`` keeps the names and shrinks the
data (12,000 entries stay past the result window, so slicing is still exercised).
"""

from __future__ import annotations

import math

READERS = ('baseline', 'direct', 'lookup', 'lookup_kept', 'module')
# The compliance cases: the role reading a reseller's log itself, against the module's registered read of the same
# window (and the role given that read as a variable, the way before one pass).
JUDGES = ('module', 'compliance', 'compliance_vars')
# The cost of request_details: writes, against the same lookup without it.
DETAILS = ('lookup', 'lookup_details')
# The archive (activity_log_archive into a local S3 server, then a rerun with nothing new) beside the lookup it is held
# to; by default only in two cases, so that make bench does not take much longer (--runners archive: any case).
ARCHIVING = READERS + ('archive',)


class Case:
    """``contracts`` x ``entries`` over the bench's fixed period, ``latency_ms`` added per API request."""

    def __init__(self, name: str, contracts: int, entries: int, latency_ms: int, reseller: bool = False, runners=READERS):
        self.name = name
        self.contracts = contracts
        self.entries = entries
        self.latency_ms = latency_ms
        self.reseller = reseller
        self.runners = runners

    def only(self, runners: list) -> bool:
        """Keep only these of the case's runners (--runners); False when none of them is left. The archive runner,
        named, joins every case."""
        extra = ('archive',) if 'archive' in runners and 'archive' not in self.runners else ()
        self.runners = tuple(name for name in self.runners + extra if name in runners)
        return bool(self.runners)

    @property
    def dataset(self) -> tuple:
        """Cases with the same data set serve byte-identical pages (same seed, period and sizes)."""
        return (self.contracts, self.entries)

    def timeout(self, page_size: int) -> float:
        """Seconds one runner may take: generous, but bounded."""
        requests = self.contracts * math.ceil(self.entries / page_size)
        judging = self.contracts * self.entries / 1000 if 'compliance_vars' in self.runners else 0  # the variable path
        return 180 + requests * (self.latency_ms / 1000 + 0.02) * 2 + judging


FULL = (
    Case('9k-0ms', 1, 9000, 0, runners=ARCHIVING),
    Case('9k-40ms', 1, 9000, 40),
    Case('20x5k-0ms', 20, 5000, 0, reseller=True),
    Case('20x5k-40ms', 20, 5000, 40, reseller=True),
    Case('50k-0ms', 1, 50000, 0),
    Case('200k-0ms', 1, 200000, 0, runners=ARCHIVING),
    Case('200k-40ms', 1, 200000, 40),
    Case('judge-10k-0ms', 2, 5000, 0, reseller=True, runners=JUDGES),
    Case('judge-10k-40ms', 2, 5000, 40, reseller=True, runners=JUDGES),
    Case('judge-30k-40ms', 3, 10000, 40, reseller=True, runners=JUDGES),
    Case('judge-100k-0ms', 4, 25000, 0, reseller=True, runners=JUDGES),
    Case('judge-200k-0ms', 4, 50000, 0, reseller=True, runners=JUDGES),
    Case('judge-200k-40ms', 4, 50000, 40, reseller=True, runners=JUDGES),
    Case('details-9k-0ms', 1, 9000, 0, runners=DETAILS),
    Case('details-9k-40ms', 1, 9000, 40, runners=DETAILS),
)

QUICK_SIZES = {'9k': (1, 900), '20x5k': (3, 500), '50k': (1, 3000), '200k': (1, 12000), 'judge-10k': (2, 300), 'judge-30k': (3, 400),
               'judge-100k': (4, 600), 'judge-200k': (4, 1000), 'details-9k': (1, 900)}


def select(names: str | None, quick: bool) -> list:
    """The cases named (comma-separated; all when empty), shrunk with ``quick``; unknown names are an error."""
    known = {case.name: case for case in FULL}
    wanted = [name.strip() for name in names.split(',') if name.strip()] if names else list(known)
    unknown = [name for name in wanted if name not in known]
    if unknown:
        raise ValueError('unknown case %s; the cases are %s' % (', '.join(unknown), ', '.join(known)))
    chosen = [known[name] for name in known if name in wanted]  # in FULL's order: 0 ms first, which fetches the pages
    if quick:
        chosen = [Case(case.name, *QUICK_SIZES[case.name.rsplit('-', 1)[0]], case.latency_ms, case.reseller, case.runners) for case in chosen]
    return chosen

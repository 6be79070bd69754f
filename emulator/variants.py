# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shape variants the real API has been seen to produce, and the serialisation of hits.

Entry variants change generated entries (never loaded ones, which keep their JSON); hit variants change the
``{"_source": ...}`` wrapper and the response. Transforms copy what they change: generated entries share nested
objects (one request cluster shares its resources list).
"""

from __future__ import annotations

import json
import random
import time

from emulator.store import mix64

VARIANTS = (
    "string-contract-numbers", "string-http-status", "string-audit-version", "total-object", "extra-hit-keys", "no-uuid", "sparse",
)

# (path, probability) of optional fields the sparse variant may omit; every rule draws once per entry so the
# sequence of draws, and so the result, does not depend on which fields an entry happens to have.
SPARSE_RULES = (
    (("principal", "sourceIP"), 0.15),
    (("principal", "serviceHost"), 0.15),
    (("principal", "sourceService"), 0.10),
    (("principal", "identity", "username"), 0.05),
    (("meta", "queueRefId"), 0.15),
    (("meta", "requestId"), 0.10),
    (("meta", "auditVersion"), 0.10),
    (("meta", "transactionId"), 0.50),
    (("event", "message"), 0.10),
    (("event", "status"), 0.05),
    (("event", "resources"), 0.20),
)
SPARSE_EMPTY_PARAM_RATE = 0.20

_ENCODE = json.JSONEncoder(separators=(",", ":"), check_circular=False).encode


def encode_json(value) -> bytes:
    """Compact JSON bytes, the way every response body is written."""
    return _ENCODE(value).encode("utf-8")


def _replace(entry: dict, path: tuple, value=None, remove: bool = False) -> dict:
    """A copy of ``entry`` with ``path`` set or removed, copying only the dicts along the path."""
    head = path[0]
    if head not in entry or (len(path) > 1 and not isinstance(entry[head], dict)):
        return entry
    copy = dict(entry)
    if len(path) > 1:
        copy[head] = _replace(entry[head], path[1:], value, remove)
    elif remove:
        del copy[head]
    else:
        copy[head] = value
    return copy


def _get(entry: dict, path: tuple):
    for key in path:
        if not isinstance(entry, dict) or key not in entry:
            return None
        entry = entry[key]
    return entry


class EntryShaper:
    """Applies the entry variants of one contract; the sparse variant draws from its own seeded RNG."""

    def __init__(self, variants, seed, contract: int, stream: str = "base"):
        self.variants = frozenset(variants)
        self.active = bool(self.variants - {"total-object", "extra-hit-keys"})
        self.sparse_rng = random.Random(f"{seed}:{contract}:sparse:{stream}")

    def shape(self, entry: dict) -> dict:
        """The entry as this emulator serves it."""
        if not self.active:
            return entry
        if "string-contract-numbers" in self.variants:
            number = _get(entry, ("principal", "identity", "contractNumber"))
            if number is not None:
                entry = _replace(entry, ("principal", "identity", "contractNumber"), str(number))
        if "string-audit-version" in self.variants and _get(entry, ("meta", "auditVersion")) is not None:
            entry = _replace(entry, ("meta", "auditVersion"), str(_get(entry, ("meta", "auditVersion"))))
        if "string-http-status" in self.variants and _get(entry, ("event", "param", "error", "httpStatus")) is not None:
            entry = _replace(entry, ("event", "param", "error", "httpStatus"), str(_get(entry, ("event", "param", "error", "httpStatus"))))
        if "no-uuid" in self.variants:
            entry = _replace(entry, ("@uuid",), remove=True)
        if "sparse" in self.variants:
            entry = self._sparse(entry)
        return entry

    def _sparse(self, entry: dict) -> dict:
        draws = [self.sparse_rng.random() for _index in range(len(SPARSE_RULES) + 1)]
        for (path, rate), draw in zip(SPARSE_RULES, draws):
            if draw < rate:
                entry = _replace(entry, path, remove=True)
        if draws[-1] < SPARSE_EMPTY_PARAM_RATE and _get(entry, ("event", "param")) is not None:
            entry = _replace(entry, ("event", "param"), {})
        return entry


class HitEncoder:
    """Serialises entries into hit objects once, so pages are joins of ready bytes."""

    def __init__(self, variants):
        self.extra_keys = "extra-hit-keys" in variants
        self.total_object = "total-object" in variants

    def hit(self, entry_json: bytes, time_ms: int, rank: int) -> bytes:
        """``{"_source": entry}``, or Elasticsearch-style with _index, _id, _score and sort beside it."""
        if not self.extra_keys:
            return b'{"_source":' + entry_json + b"}"
        index = time.strftime("activitylog-%Y.%m.%d", time.gmtime(time_ms // 1000))
        head = f'{{"_index":"{index}","_id":"{mix64(rank):016x}","_score":null,"_source":'.encode("ascii")
        return head + entry_json + f',"sort":[{time_ms}]}}'.encode("ascii")

    def body(self, total: int, hits: list) -> bytes:
        """The GetByContractResponse for one page."""
        total_json = f'{{"value":{total},"relation":"eq"}}' if self.total_object else str(total)
        return b'{"hits":{"total":' + total_json.encode("ascii") + b',"hits":[' + b",".join(hits) + b"]}}"

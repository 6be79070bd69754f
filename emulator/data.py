# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulator's data: generated or loaded entries per contract, built lazily into pre-serialised stores."""

from __future__ import annotations

import gc
import hashlib
import json
import threading

from emulator.cloud_requests import RequestIndex
from emulator.generator import LiveSource, generate_entries
from emulator.store import ContractStore
from emulator.timefmt import US_PER_MS, now_ms, parse_us
from emulator.variants import EntryShaper, HitEncoder, encode_json


class DataError(Exception):
    """A --data file the emulator cannot serve; reported once at startup."""


class DataSpec:
    """What to serve: generation parameters, or entries loaded from a file (``loaded``: contract -> [(time_us, entry)])."""

    def __init__(self, seed, contracts: list, entries: int, start_ms: int, until_ms: int, variants=(), loaded=None):
        self.seed = seed
        self.contracts = list(contracts)
        self.entries = entries
        self.start_ms = start_ms
        self.until_ms = until_ms
        self.variants = frozenset(variants)
        self.loaded = loaded


class _GcPaused:
    """Pause the cyclic GC while building: millions of young dicts otherwise trigger full collections (2-3x slower)."""

    def __init__(self):
        self.was_enabled = gc.isenabled()

    def __enter__(self):
        self.was_enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc_info):
        if self.was_enabled:
            gc.enable()


class Catalog:
    """Contracts and their stores; a store (and the index of its Cloud API requests) is built on first use, under a per-contract lock."""

    def __init__(self, spec: DataSpec):
        self.spec = spec
        self.contracts = list(spec.loaded) if spec.loaded is not None else list(spec.contracts)
        self.hit_encoder = HitEncoder(spec.variants)
        self._stores = {}
        self._requests = {}
        self._build_locks = {contract: threading.Lock() for contract in self.contracts}
        self._live_lock = threading.Lock()
        self._live = {}

    def __contains__(self, contract) -> bool:
        return contract in self._build_locks

    def store(self, contract: int) -> ContractStore:
        """The contract's store, building it on first use."""
        store = self._stores.get(contract)
        if store is None:
            with self._build_locks[contract]:
                store = self._stores.get(contract)
                if store is None:
                    index = RequestIndex(contract)
                    store = ContractStore(self._records(contract, index))
                    self._requests[contract] = index
                    self._stores[contract] = store
        return store

    def requests(self, contract: int) -> RequestIndex:
        """The Cloud API requests behind the contract's entries, building the contract on first use."""
        self.store(contract)
        return self._requests[contract]

    def _records(self, contract: int, index: RequestIndex) -> list:
        with _GcPaused():
            if self.spec.loaded is not None:
                records = self._loaded_records(contract, index)
            else:
                records = self._generated_records(contract, index)
            records.sort(key=lambda record: record[0])
        return records

    def _generated_records(self, contract: int, index: RequestIndex) -> list:
        """Hits of the generated entries; the requests are taken from the entries as generated (before any variant)."""
        spec = self.spec
        shaper = EntryShaper(spec.variants, spec.seed, contract)
        hit = self.hit_encoder.hit
        observe = index.observe
        records = []
        for rank, (moment, entry) in enumerate(generate_entries(spec.seed, contract, spec.entries, spec.start_ms, spec.until_ms)):
            records.append((moment * US_PER_MS, hit(encode_json(shaper.shape(entry)), moment, rank), entry["@uuid"], rank))
            observe(entry, moment, rank)
        return records

    def _loaded_records(self, contract: int, index: RequestIndex) -> list:
        records = []
        for rank, (time_us, entry) in enumerate(self.spec.loaded[contract]):
            index.observe(entry, time_us // US_PER_MS, rank)
            entry_json = encode_json(entry)
            entry_id = entry.get("@uuid")
            if not isinstance(entry_id, str):
                entry_id = "sha1:" + hashlib.sha1(entry_json).hexdigest()[:16]
            records.append((time_us, self.hit_encoder.hit(entry_json, time_us // US_PER_MS, rank), entry_id, rank))
        return records

    def append(self, contract: int, count: int, lag_ms: int = 0) -> list:
        """Append ``count`` generated entries stamped now (or up to ``lag_ms`` earlier); returns their ids."""
        store = self.store(contract)
        with self._live_lock:
            if contract not in self._live:
                self._live[contract] = (LiveSource(self.spec.seed, contract), EntryShaper(self.spec.variants, self.spec.seed, contract, "live"))
            source, shaper = self._live[contract]
            records = []
            for moment, entry in source.take(count, now_ms(), lag_ms):
                rank = len(store) + len(records)  # unique: the store only grows, and appends are serialised here
                records.append((moment * US_PER_MS, self.hit_encoder.hit(encode_json(shaper.shape(entry)), moment, rank), entry["@uuid"], rank))
                self._requests[contract].observe(entry, moment, rank)
            store.insert(records)
        return [record[2] for record in records]


def _contract_number(value, label: str) -> int:
    """Contract numbers are integers; numeric strings are accepted as the real API sometimes sends them."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str) and value.isdigit() and value.isascii():
        return int(value)
    raise DataError(f"{label}: contract number {value!r} is not a non-negative integer")


def _entry_of(item, label: str) -> dict:
    """An Entry, or a hit object wrapping one in ``_source``."""
    if isinstance(item, dict) and isinstance(item.get("_source"), dict):
        item = item["_source"]
    if not isinstance(item, dict):
        raise DataError(f"{label}: not a JSON object")
    return item


def _time_us(entry: dict, label: str) -> int:
    meta = entry.get("meta")
    moment = meta.get("time") if isinstance(meta, dict) else None
    try:
        return parse_us(moment, allow_date=False)
    except (TypeError, ValueError):
        raise DataError(f"{label}: meta.time {moment!r} is missing or not an RFC 3339 date-time")


def _entries_of(value, label: str) -> list:
    """A contract's value in the mapping shape: a list of entries or a GetByContractResponse."""
    if isinstance(value, list):
        return value
    hits = value.get("hits") if isinstance(value, dict) else None
    if isinstance(hits, dict) and isinstance(hits.get("hits"), list):
        return hits["hits"]
    raise DataError(f"{label}: expected a list of entries or a GetByContractResponse object")


def parse_data(document) -> dict:
    """Validate a loaded document; returns contract -> [(time_us, entry)] in file order (sorted later)."""
    loaded = {}
    if isinstance(document, list):
        for index, item in enumerate(document):
            label = f"entry {index}"
            entry = _entry_of(item, label)
            principal = entry.get("principal")
            identity = principal.get("identity") if isinstance(principal, dict) else None
            number = identity.get("contractNumber") if isinstance(identity, dict) else None
            if number is None:
                raise DataError(f"{label}: principal.identity.contractNumber is missing")
            loaded.setdefault(_contract_number(number, label), []).append((_time_us(entry, label), entry))
    elif isinstance(document, dict):
        for key, value in document.items():
            contract = _contract_number(key, f"contract key {key!r}")
            rows = loaded.setdefault(contract, [])
            for index, item in enumerate(_entries_of(value, f"contract {key}")):
                label = f"contract {key}, entry {index}"
                entry = _entry_of(item, label)
                rows.append((_time_us(entry, label), entry))
    else:
        raise DataError("expected a JSON object (contract -> entries) or a JSON list of entries")
    if not loaded:
        raise DataError("the file holds no contracts")
    return loaded


def load_data_file(path: str) -> dict:
    """Read and validate ``--data FILE``; every problem is a DataError naming the entry."""
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except (OSError, ValueError) as error:
        raise DataError(f"cannot read {path}: {error}")
    return parse_data(document)

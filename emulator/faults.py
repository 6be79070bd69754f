# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Rate limiting and fault injection, so clients can be tested against a misbehaving API.

Random draws come from one seeded RNG behind a lock, so a run with the same seed and the same request sequence
injects the same faults. The streak limit guarantees that a client retrying often enough always gets through.
"""

from __future__ import annotations

import collections
import math
import random
import threading
import time

FAULT_KINDS = ("error", "drop", "slow", "truncate", "malformed", "html_error")
FAULT_SCOPES = ("all", "activity", "requests")  # which endpoints get faults: both, the Activity Log's, the Cloud API's
DEFAULT_ERROR_CODES = (500, 502, 503, 504)
_MAX_TRACKED_STREAKS = 100000


class TokenBucket:
    """``rate`` tokens per second up to ``capacity``; a request takes one token."""

    def __init__(self, rate: float, capacity: float, clock=time.monotonic):
        self.rate = rate
        self.capacity = capacity
        self.tokens = capacity
        self.clock = clock
        self.updated = clock()

    def take(self) -> float:
        """0 when a token was taken, else the seconds until one will be available."""
        now = self.clock()
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate


class RateLimiter:
    """One token bucket per credential, as the real API limits per account."""

    def __init__(self, rate: float, burst: float):
        self.rate = rate
        self.burst = burst
        self._buckets = {}
        self._lock = threading.Lock()

    def retry_after(self, key: str):
        """None when the request may pass, else the whole seconds (>= 1) for the Retry-After header."""
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = TokenBucket(self.rate, self.burst)
            wait = bucket.take()
        return None if wait == 0 else max(1, math.ceil(wait))


class FaultPlan:
    """Fault probabilities (each in [0, 1], summing to at most 1) and their parameters."""

    def __init__(self, rates: dict, error_codes=DEFAULT_ERROR_CODES, slow_seconds: float = 5.0, streak_max: int = 2, scope: str = "all"):
        self.rates = {kind: float(rates.get(kind, 0.0)) for kind in FAULT_KINDS}
        self.error_codes = tuple(error_codes)
        self.slow_seconds = slow_seconds
        self.streak_max = streak_max
        self.scope = scope

    def covers(self, endpoint: str) -> bool:
        """Whether requests to ``endpoint`` (``activity`` or ``requests``) may get faults."""
        return self.scope in ("all", endpoint)

    @property
    def active(self) -> bool:
        return any(self.rates.values()) and self.streak_max > 0


class FaultInjector:
    """Draws at most one fault per request, never more than ``streak_max`` in a row for the same request."""

    def __init__(self, plan: FaultPlan, seed):
        self.plan = plan
        self._rng = random.Random(f"{seed}:faults")
        self._lock = threading.Lock()
        self._streaks = collections.OrderedDict()

    def draw(self, request_key: str):
        """The fault kind to inject for this request, or None."""
        if not self.plan.active:
            return None
        with self._lock:
            kind = None
            if self._streaks.get(request_key, 0) < self.plan.streak_max:
                kind = self._pick(self._rng.random())
            if kind is None:
                self._streaks.pop(request_key, None)
            else:
                self._streaks[request_key] = self._streaks.get(request_key, 0) + 1
                self._streaks.move_to_end(request_key)
                while len(self._streaks) > _MAX_TRACKED_STREAKS:
                    self._streaks.popitem(last=False)
            return kind

    def _pick(self, draw: float):
        for kind in FAULT_KINDS:
            draw -= self.plan.rates[kind]
            if draw < 0:
                return kind
        return None

    def not_applied(self, request_key: str) -> None:
        """A drawn fault that could not apply (truncating a non-200 answer): the client got a real answer, the streak ends."""
        with self._lock:
            self._streaks.pop(request_key, None)

    def choice(self, options):
        """A seeded choice, e.g. which error code to answer with."""
        with self._lock:
            return self._rng.choice(tuple(options))


MAX_COUNTED_IDS = 100000
MAX_ID_LENGTH = 128


class Stats:
    """Counters for /_emulator/stats: requests, answers by status and injected faults.

    The top level counts the Activity Log API (and unknown paths); ``cloud`` counts ``/cloudapi/v6/requests/{id}``
    apart, with the number of requests per request id (``by_id``), so a test can tell how often each was fetched.
    """

    def __init__(self, nested: bool = True):
        self._lock = threading.Lock()
        self._counting_ids = not nested
        self.cloud = Stats(nested=False) if nested else None
        self._zero()

    def _zero(self) -> None:
        self._requests = 0
        self._by_status = collections.Counter()
        self._faults = collections.Counter({kind: 0 for kind in FAULT_KINDS})
        self._by_id = collections.Counter()

    def reset(self) -> None:
        with self._lock:
            self._zero()
        if self.cloud is not None:
            self.cloud.reset()

    def request(self, request_id=None) -> None:
        with self._lock:
            self._requests += 1
            if self._counting_ids and request_id is not None:
                request_id = request_id[:MAX_ID_LENGTH]  # a fuzzer's huge id must not grow the counters without bound
                if request_id in self._by_id or len(self._by_id) < MAX_COUNTED_IDS:
                    self._by_id[request_id] += 1

    def status(self, code: int) -> None:
        with self._lock:
            self._by_status[str(code)] += 1

    def fault(self, kind: str) -> None:
        with self._lock:
            self._faults[kind] += 1

    def snapshot(self) -> dict:
        with self._lock:
            snapshot = {"requests": self._requests, "by_status": dict(self._by_status), "faults": dict(self._faults)}
            if self._counting_ids:
                snapshot["by_id"] = dict(self._by_id)
        if self.cloud is not None:
            snapshot["cloud_requests"] = self.cloud.snapshot()
        return snapshot

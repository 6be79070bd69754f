# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""When and how long to retry, how many retries a run may spend, and how many requests may run at once.

Pure logic that trusts its inputs (options.Settings has checked them): nothing here sleeps except ``ConcurrencyGate``
(which blocks a thread until a request slot is free and a rate-limit pause is over; the client waits out its own
retry delays, so that a failing run can wake them).
Randomness and the clock are injectable, so the tests pin the numbers.

Why not urllib3's ``Retry`` on the adapter: its retries happen inside the adapter, out of reach of the shared pause
after a 429, the adaptive concurrency, the run's retry budget and a stop that wakes sleeping retries; urllib3 1.26 (what
the oldest supported requests installs) has no jitter at all, and its Retry-After parser takes whole seconds only.
"""

from __future__ import annotations

import math
import random
import threading
import time
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

RETRYABLE_STATUSES = frozenset((429, 500, 502, 503, 504))


def is_retryable_status(status) -> bool:
    """429 (throttled) and the transient server failures 500, 502, 503 and 504."""
    return not isinstance(status, bool) and status in RETRYABLE_STATUSES


def parse_retry_after(value, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After value: seconds (``"3"``, ``"1.5"``, 3) or an HTTP date; None for garbage.

    A date in the past gives 0.0; negative, infinite or NaN seconds are garbage.
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return _seconds(float(value))
    if isinstance(value, bytes):
        value = value.decode('latin-1')
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        return _seconds(float(text))
    except ValueError:
        pass
    return _seconds_until(text, now)


def _seconds(number: float) -> float | None:
    if math.isnan(number) or math.isinf(number) or number < 0:
        return None
    return number


def _seconds_until(text: str, now: datetime | None) -> float | None:
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    return max(0.0, (moment - now).total_seconds())


class RetryBudget:
    """The retries a whole run may spend, shared by its threads: a flood of failures ends the run early.

    ``earn_per_success`` lets a long run that mostly succeeds earn retries back (a ratio, as in the retry
    budgets of gRPC and Finagle), so the budget bounds a failing service without failing a large healthy read.
    """

    def __init__(self, total: int, earn_per_success: float = 0.0):
        self._lock = threading.Lock()
        self._remaining = float(total)
        self._earn = float(earn_per_success)

    def earn(self) -> None:
        """Credit one successful request."""
        if self._earn:
            with self._lock:
                self._remaining += self._earn

    @property
    def remaining(self) -> int:
        return int(self._remaining)

    def take(self) -> bool:
        """Spend one retry; False when none is left."""
        with self._lock:
            if self._remaining < 1:
                return False
            self._remaining -= 1
            return True


class ConcurrencyGate:
    """At most ``current`` requests at once, and after a 429 no faster than the API allows.

    ``current`` adapts AIMD-style between 1 and ``limit``: ``on_throttled`` (a 429) halves it at once; ``limit``
    consecutive ``on_success`` calls raise it by one. A 429 also pauses every thread until its Retry-After has
    passed (not only the one that got it, which would leave the others to exhaust the bucket again) and paces request
    starts: an interval that doubles on each 429 and shrinks by 2 % on each success, until it is negligible. Under a
    steady rate limit the interval settles near the allowed one, at a 429 every few dozen requests, instead of a
    storm of 429s that ends the run. Use the gate as a context manager around each request; entering blocks until a
    slot is free and the pause and pace allow.
    """

    MAX_INTERVAL = 10.0
    EASE = 0.98

    def __init__(self, limit: int, min_interval: float = 0.05, clock=None):
        self.limit = limit
        self._current = limit
        self._active = 0
        self._successes = 0
        self.min_interval = min_interval
        self._interval = 0.0
        self._not_before = 0.0
        self._closed = False
        self._clock = clock or time.monotonic
        self._condition = threading.Condition()

    @property
    def current(self) -> int:
        return self._current

    @property
    def active(self) -> int:
        return self._active

    @property
    def interval(self) -> float:
        """Seconds between request starts while pacing (0.0: not pacing)."""
        return self._interval

    def acquire(self) -> None:
        """Wait for a free slot, the end of a pause and the pace; returns at once once the gate is closed."""
        with self._condition:
            while not self._closed:
                wait = self._not_before - self._clock()
                if self._active < self._current and wait <= 0:
                    break
                self._condition.wait(wait if wait > 0 else None)
            self._active += 1
            if self._interval:
                self._not_before = max(self._not_before, self._clock() + self._interval)

    def release(self) -> None:
        with self._condition:
            self._active -= 1
            self._condition.notify_all()

    def close(self) -> None:
        """Let every waiting thread through at once (the run is stopping: they will not send)."""
        with self._condition:
            self._closed = True
            self._condition.notify_all()

    def __enter__(self) -> ConcurrencyGate:
        self.acquire()
        return self

    def __exit__(self, *exc_info) -> None:
        self.release()

    def on_throttled(self, pause: float = 0.0) -> None:
        """The API said 429: halve the requests in flight (never below 1), restart the success streak, pace the
        starts and hold every request back for ``pause`` seconds (the Retry-After)."""
        with self._condition:
            self._current = max(1, self._current // 2)
            self._successes = 0
            self._interval = min(self.MAX_INTERVAL, max(self.min_interval, self._interval * 2))
            self._not_before = max(self._not_before, self._clock() + max(0.0, pause))

    def on_success(self) -> None:
        """One more success in a row: the pace eases; after ``limit`` of them, allow one more request at once (up to
        ``limit``)."""
        with self._condition:
            if self._interval:
                eased = self._interval * self.EASE
                self._interval = eased if eased >= self.min_interval / 2 else 0.0
            if self._current >= self.limit:
                self._successes = 0
                return
            self._successes += 1
            if self._successes >= self.limit:
                self._current += 1
                self._successes = 0
                self._condition.notify_all()


class RetryPolicy:
    """How often and how long to retry.

    ``retries``: retries per request; ``base``/``cap``: the jittered exponential backoff, a random delay in
    ``[floor * ceiling, ceiling]`` with ``ceiling = min(cap, base * 2**attempt)`` (``floor`` 0: full jitter, for the
    requests of a run; 0.5: equal jitter, for the polls of the event source, which must not come back at once);
    ``retry_after_cap``: the longest wait a Retry-After header may impose;
    ``budget``: a RetryBudget (or its size) shared by the run, None for no limit; ``rng``: a random.Random;
    ``clock`` (an aware UTC datetime factory, for HTTP-date headers): injectable for tests.
    """

    def __init__(self, retries: int = 5, base: float = 0.5, cap: float = 30.0, retry_after_cap: float = 60.0,
                 budget=None, rng=None, clock=None, floor: float = 0.0):
        self.retries = retries
        self.floor = floor
        self.base = float(base)
        self.cap = float(cap)
        self.retry_after_cap = float(retry_after_cap)
        self.budget = RetryBudget(budget) if isinstance(budget, int) and not isinstance(budget, bool) else budget
        self.rng = rng or random.Random()
        self._clock = clock or (lambda: datetime.now(timezone.utc))

    def should_retry(self, attempt: int, status=None) -> bool:
        """Whether the failed ``attempt`` (0 for the first request) may be retried: a retryable status (None
        for a connection error), retries left for this request, and a retry left in the budget (spent here)."""
        if status is not None and not is_retryable_status(status):
            return False
        if attempt >= self.retries:
            return False
        return self.budget is None or self.budget.take()

    def _retry_after(self, value) -> float | None:
        """Seconds of a Retry-After value (seconds or an HTTP date); None when there is none or it is garbage."""
        return parse_retry_after(value, self._clock()) if value is not None else None

    def pause(self, retry_after) -> float:
        """Seconds a Retry-After value asks every request to wait, at most ``retry_after_cap``; 0.0 without one."""
        waited = self._retry_after(retry_after)
        return 0.0 if waited is None else min(self.retry_after_cap, waited)

    def delay(self, attempt: int, retry_after=None) -> float:
        """Seconds to wait before retrying the failed ``attempt`` (0-based).

        With a usable Retry-After (seconds or an HTTP date) the wait is that, but at least a small jitter (so a
        "0" does not make every thread retry in the same instant), and at most ``retry_after_cap``; otherwise a
        jittered exponential backoff.
        """
        waited = self._retry_after(retry_after)
        if waited is not None:
            return min(self.retry_after_cap, max(waited, self.rng.uniform(0.0, min(self.base, 1.0))))
        ceiling = min(self.cap, self.base * 2.0 ** min(max(attempt, 0), 64))
        return self.rng.uniform(self.floor * ceiling, ceiling)

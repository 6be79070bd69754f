# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the retry policy: statuses, jitter bounds, Retry-After, the budget and the concurrency gate."""

from __future__ import annotations

import random
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest

from ansible_collections.ionos.activitylog.plugins.module_utils.retry import (
    ConcurrencyGate, RetryBudget, RetryPolicy, is_retryable_status, parse_retry_after,
)

NOW = datetime(2024, 5, 1, 12, 0, 0, tzinfo=timezone.utc)


class HighRandom:
    """A random source that always draws the upper bound, so delays are the ceilings."""

    @staticmethod
    def uniform(low, high):
        return max(low, high)


class LowRandom:
    @staticmethod
    def uniform(low, high):
        return min(low, high)


def policy(rng=None, **kwargs) -> RetryPolicy:
    return RetryPolicy(rng=rng or HighRandom(), clock=lambda: NOW, **kwargs)


@pytest.mark.parametrize('status', [429, 500, 502, 503, 504])
def test_retryable_statuses(status):
    assert is_retryable_status(status)


@pytest.mark.parametrize('status', [200, 201, 400, 401, 403, 404, 409, 501, 505, None, '429', True, 429.5])
def test_other_statuses_are_not_retried(status):
    assert not is_retryable_status(status)


@pytest.mark.parametrize('value, expected', [
    ('3', 3.0), (' 3 ', 3.0), ('1.5', 1.5), ('0', 0.0), (7, 7.0), (2.5, 2.5), (b'4', 4.0), ('120', 120.0),
    ('Wed, 01 May 2024 12:00:30 GMT', 30.0),
    ('Wed, 01 May 2024 11:00:00 GMT', 0.0),
    ('Wed, 01 May 2024 14:00:10 +0200', 10.0),
])
def test_parse_retry_after(value, expected):
    assert parse_retry_after(value, NOW) == pytest.approx(expected)


@pytest.mark.parametrize('value', [None, '', '   ', 'soon', '-1', -1, '5 seconds', 'nan', 'inf', '1e999', float('nan'), float('inf'),
                                   True, [3], {'s': 3}, 'Wed, 99 Foo 2024 12:00:30 GMT', '3s', 'Mon, 32 Jan 2024 00:00:00 GMT'])
def test_parse_retry_after_garbage_is_none(value):
    assert parse_retry_after(value, NOW) is None


def test_parse_retry_after_date_against_the_real_clock():
    later = (datetime.now(timezone.utc) + timedelta(seconds=100)).strftime('%a, %d %b %Y %H:%M:%S GMT')
    assert 90 < parse_retry_after(later) <= 100


def test_parse_retry_after_with_a_naive_now():
    assert parse_retry_after('Wed, 01 May 2024 12:00:30 GMT', datetime(2024, 5, 1, 12, 0, 0)) == pytest.approx(30.0)


def test_backoff_ceilings_double_up_to_the_cap():
    rule = policy()
    assert [rule.delay(attempt) for attempt in range(8)] == [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]
    assert rule.delay(10 ** 6) == 30.0
    assert policy(base=1, cap=5).delay(3) == 5.0


def test_backoff_is_full_jitter():
    assert policy(rng=LowRandom()).delay(5) == 0.0
    rule = RetryPolicy(rng=random.Random(1))
    for attempt in range(10):
        ceiling = min(30.0, 0.5 * 2 ** attempt)
        samples = [rule.delay(attempt) for dummy in range(200)]
        assert all(0.0 <= sample <= ceiling for sample in samples)
        assert max(samples) > ceiling * 0.8
        assert min(samples) < ceiling * 0.2
        assert len(set(samples)) > 150


def test_a_floor_keeps_the_backoff_above_that_share_of_its_ceiling():
    assert policy(rng=LowRandom(), floor=0.5).delay(3) == pytest.approx(min(30.0, 0.5 * 2 ** 3) / 2)
    rule = RetryPolicy(rng=random.Random(2), floor=0.5)
    for attempt in range(8):
        ceiling = min(30.0, 0.5 * 2 ** attempt)
        assert all(ceiling / 2 <= rule.delay(attempt) <= ceiling for dummy in range(100))


def test_retry_after_seconds_are_honoured():
    assert policy().delay(0, '10') == 10.0
    assert policy(rng=LowRandom()).delay(4, '10') == 10.0
    assert policy().delay(0, 3) == 3.0


def test_retry_after_zero_still_waits_a_small_jitter():
    assert policy().delay(0, '0') == 0.5
    assert policy(base=5).delay(0, '0') == 1.0
    rule = RetryPolicy(rng=random.Random(2))
    samples = [rule.delay(0, '0') for dummy in range(100)]
    assert all(0.0 <= sample <= 0.5 for sample in samples) and len(set(samples)) > 50


def test_retry_after_is_capped():
    assert policy().delay(0, '3600') == 60.0
    assert policy(retry_after_cap=5).delay(0, '120') == 5.0


def test_retry_after_http_date_uses_the_clock():
    assert policy().delay(0, 'Wed, 01 May 2024 12:00:20 GMT') == 20.0
    assert policy().delay(0, 'Wed, 01 May 2024 11:00:00 GMT') == 0.5


@pytest.mark.parametrize('header', ['soon', '', '-5', 'nan'])
def test_garbage_retry_after_falls_back_to_backoff(header):
    assert policy().delay(2, header) == 2.0


def test_should_retry_counts_attempts_and_statuses():
    rule = policy(retries=2)
    assert rule.should_retry(0, 503)
    assert rule.should_retry(1, 429)
    assert not rule.should_retry(2, 429)
    assert rule.should_retry(0, None)
    assert not rule.should_retry(0, 400)
    assert not rule.should_retry(0, 401)
    assert not policy(retries=0).should_retry(0, 503)


def test_should_retry_spends_the_shared_budget():
    budget = RetryBudget(3)
    first, second = policy(budget=budget), policy(budget=budget)
    assert [first.should_retry(0, 503), second.should_retry(0, 503), first.should_retry(1, 500), second.should_retry(1, 502)] == [True, True, True, False]
    assert budget.remaining == 0
    assert not first.should_retry(0, 400)
    assert budget.remaining == 0


def test_budget_may_be_given_as_a_number():
    rule = policy(budget=1)
    assert rule.should_retry(0, 503)
    assert not rule.should_retry(0, 503)


def test_non_retryable_status_does_not_spend_budget():
    budget = RetryBudget(1)
    rule = policy(budget=budget)
    assert not rule.should_retry(0, 404)
    assert budget.remaining == 1


def test_budget_exhaustion():
    budget = RetryBudget(2)
    assert [budget.take(), budget.take(), budget.take(), budget.take()] == [True, True, False, False]
    assert budget.remaining == 0
    assert not RetryBudget(0).take()


def test_budget_earns_retries_back_from_successes():
    budget = RetryBudget(1, earn_per_success=0.5)
    assert budget.take() and not budget.take()
    budget.earn()
    assert not budget.take()
    budget.earn()
    assert budget.take() and not budget.take()
    spent = RetryBudget(0)
    spent.earn()
    assert not spent.take()


def test_budget_is_thread_safe():
    budget = RetryBudget(1000)
    taken = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def worker():
        start.wait()
        mine = sum(1 for dummy in range(500) if budget.take())
        with lock:
            taken.append(mine)
    threads = [threading.Thread(target=worker) for dummy in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(taken) == 1000
    assert budget.remaining == 0


def test_gate_halves_on_throttle_down_to_one():
    gate = ConcurrencyGate(8)
    assert gate.current == 8
    observed = []
    for dummy in range(5):
        gate.on_throttled()
        observed.append(gate.current)
    assert observed == [4, 2, 1, 1, 1]


def test_gate_recovers_one_step_per_limit_successes_up_to_the_limit():
    gate = ConcurrencyGate(4)
    gate.on_throttled()
    gate.on_throttled()
    assert gate.current == 1
    for dummy in range(3):
        gate.on_success()
    assert gate.current == 1
    gate.on_success()
    assert gate.current == 2
    for dummy in range(4):
        gate.on_success()
    assert gate.current == 3
    for dummy in range(100):
        gate.on_success()
    assert gate.current == 4


def test_a_throttle_restarts_the_success_streak():
    gate = ConcurrencyGate(4)
    gate.on_throttled()
    assert gate.current == 2
    for dummy in range(3):
        gate.on_success()
    gate.on_throttled()
    assert gate.current == 1
    for dummy in range(3):
        gate.on_success()
    assert gate.current == 1
    gate.on_success()
    assert gate.current == 2


def test_successes_at_the_limit_do_not_bank_credit():
    gate = ConcurrencyGate(4)
    for dummy in range(50):
        gate.on_success()
    gate.on_throttled()
    assert gate.current == 2
    for dummy in range(3):
        gate.on_success()
    assert gate.current == 2


def test_gate_is_a_context_manager_counting_active_requests():
    gate = ConcurrencyGate(2)
    with gate as same:
        assert same is gate
        assert gate.active == 1
        with gate:
            assert gate.active == 2
    assert gate.active == 0
    with pytest.raises(RuntimeError):
        with gate:
            raise RuntimeError('the request failed')
    assert gate.active == 0


def run_through_gate(gate: ConcurrencyGate, threads: int, requests: int, hold: float = 0.002) -> int:
    """Run ``requests`` fake requests on ``threads`` threads; return the most seen in flight at once."""
    lock = threading.Lock()
    state = {'now': 0, 'most': 0, 'left': requests}

    def worker():
        while True:
            with lock:
                if state['left'] == 0:
                    return
                state['left'] -= 1
            with gate:
                with lock:
                    state['now'] += 1
                    state['most'] = max(state['most'], state['now'])
                time.sleep(hold)
                with lock:
                    state['now'] -= 1
    pool = [threading.Thread(target=worker) for dummy in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(10)
    assert not any(thread.is_alive() for thread in pool)
    return state['most']


def test_gate_bounds_requests_in_flight_across_threads():
    gate = ConcurrencyGate(3)
    assert run_through_gate(gate, threads=8, requests=60) <= 3
    assert gate.active == 0


def test_gate_after_throttling_lets_only_current_through():
    gate = ConcurrencyGate(8, min_interval=0.001)
    gate.on_throttled()
    gate.on_throttled()
    gate.on_throttled()
    assert gate.current == 1
    assert run_through_gate(gate, threads=6, requests=30) == 1


def test_gate_throttled_while_requests_are_in_flight_drains_then_recovers():
    gate = ConcurrencyGate(4)
    release = threading.Event()
    entered = threading.Barrier(5)

    def hold_a_slot():
        with gate:
            entered.wait()
            release.wait(5)
    holders = [threading.Thread(target=hold_a_slot) for dummy in range(4)]
    for thread in holders:
        thread.start()
    entered.wait()
    gate.on_throttled()
    assert gate.current == 2 and gate.active == 4
    late = threading.Event()

    def late_request():
        with gate:
            late.set()
    waiter = threading.Thread(target=late_request)
    waiter.start()
    assert not late.wait(0.1)
    release.set()
    for thread in holders:
        thread.join(5)
    waiter.join(5)
    assert late.is_set()
    assert gate.active == 0


def test_gate_raised_by_successes_wakes_waiting_threads():
    gate = ConcurrencyGate(2)
    gate.on_throttled()
    assert gate.current == 1
    gate.acquire()
    entered = threading.Event()

    def second():
        with gate:
            entered.set()
    thread = threading.Thread(target=second)
    thread.start()
    assert not entered.wait(0.1)
    gate.on_success()
    gate.on_success()
    assert gate.current == 2
    assert entered.wait(5)
    thread.join(5)
    gate.release()
    assert gate.active == 0


def test_gate_feedback_from_many_threads_stays_in_bounds():
    gate = ConcurrencyGate(6)
    start = threading.Barrier(6)
    seen = set()
    lock = threading.Lock()

    def worker(seed):
        rng = random.Random(seed)
        start.wait()
        mine = set()
        for dummy in range(2000):
            if rng.random() < 0.05:
                gate.on_throttled()
            else:
                gate.on_success()
            mine.add(gate.current)
        with lock:
            seen.update(mine)
    threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen and min(seen) >= 1 and max(seen) <= 6
    assert 1 in seen
    for dummy in range(6 * 6):
        gate.on_success()
    assert gate.current == 6


def wait_for_slot(gate: ConcurrencyGate) -> float:
    """Seconds another thread waits to enter ``gate``."""
    took = []

    def enter():
        started = time.monotonic()
        with gate:
            took.append(time.monotonic() - started)
    thread = threading.Thread(target=enter)
    thread.start()
    thread.join(10)
    assert took, 'the thread never entered the gate'
    return took[0]


def test_a_429_pauses_every_thread_for_its_retry_after():
    gate = ConcurrencyGate(4)
    assert wait_for_slot(gate) < 0.1
    gate.on_throttled(pause=0.4)
    assert gate.current == 2
    assert 0.35 <= wait_for_slot(gate) < 2


def test_after_a_429_request_starts_are_paced_and_the_pace_eases_off():
    gate = ConcurrencyGate(4, min_interval=0.1)
    assert gate.interval == 0.0
    gate.on_throttled()
    gate.on_throttled()
    assert gate.interval == pytest.approx(0.2)
    with gate:
        pass
    assert 0.15 <= wait_for_slot(gate) < 2
    for dummy in range(34):
        gate.on_success()
    assert gate.interval == pytest.approx(0.2 * 0.98 ** 34)
    for dummy in range(100):
        gate.on_success()
    assert gate.interval == 0.0
    with gate:
        pass
    assert wait_for_slot(gate) < 0.1


def test_the_pace_is_capped():
    gate = ConcurrencyGate(2, min_interval=1.0)
    for dummy in range(20):
        gate.on_throttled()
    assert gate.interval == ConcurrencyGate.MAX_INTERVAL


def test_closing_the_gate_lets_waiting_threads_through_at_once():
    gate = ConcurrencyGate(1)
    gate.on_throttled(pause=30)
    entered = threading.Event()

    def enter():
        with gate:
            entered.set()
    thread = threading.Thread(target=enter)
    thread.start()
    assert not entered.wait(0.1)
    gate.close()
    assert entered.wait(5)
    thread.join(5)


@pytest.mark.parametrize('value, expected', [('3', 3.0), (2.5, 2.5), ('120', 60.0), (None, 0.0), ('soon', 0.0), ('-1', 0.0)])
def test_pause_is_the_capped_retry_after(value, expected):
    assert RetryPolicy(retry_after_cap=60).pause(value) == expected

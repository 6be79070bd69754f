# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How a long archive run is cut into spans, and how many processes it gets (archive_processes)."""

from __future__ import annotations

import os
import signal
from datetime import datetime, timedelta, timezone

import pytest

from ansible_collections.ionos.activitylog.plugins.module_utils import archive_processes
from ansible_collections.ionos.activitylog.plugins.module_utils.archive_processes import SpanWorker, span_count, split

HOUR = timedelta(hours=1)
START = datetime(2024, 5, 2, tzinfo=timezone.utc)


@pytest.mark.parametrize('hours, count', [(720, 2), (721, 3), (5, 2), (1, 4), (47, 1)])
def test_spans_are_whole_hours_in_order_and_cover_the_stretch_exactly(hours, count):
    end = START + hours * HOUR + timedelta(minutes=17)  # a run's end is "now": not on the hour
    spans = split(START, end, count, HOUR)
    assert len(spans) == count
    assert spans[0][0] == START and spans[-1][1] == end
    assert all(left[1] == right[0] for left, right in zip(spans, spans[1:]))
    assert all(start <= stop for start, stop in spans)
    assert all((stop - START) % HOUR == timedelta(0) for dummy, stop in spans[:-1])
    lengths = [int((stop - start) / HOUR) for start, stop in spans]
    assert max(lengths) - min(lengths) <= 1


def test_one_process_per_cpu_and_connection_and_none_for_short_stretches(monkeypatch):
    monkeypatch.setattr(archive_processes, '_usable_cpus', lambda: 8)
    assert span_count(720, 4) == 4  # never more processes than connections: concurrency is shared between them
    assert span_count(720, 1) == 1
    assert span_count(100, 4) == 2  # at least MIN_SPAN_HOURS for each
    assert span_count(archive_processes.MIN_SPAN_HOURS * 2 - 1, 4) == 1  # a scheduled run's few open hours: no process
    monkeypatch.setattr(archive_processes, '_usable_cpus', lambda: 1)
    assert span_count(720, 4) == 1
    monkeypatch.setattr(archive_processes, '_FORK', None)  # not Linux
    monkeypatch.setattr(archive_processes, '_usable_cpus', lambda: 8)
    assert span_count(720, 4) == 1


def _echo(connection):
    for span in iter(connection.recv, None):
        connection.send({'error': None, 'span': span, 'pid': os.getpid()})


def _die(connection):
    connection.recv()
    os.kill(os.getpid(), signal.SIGKILL)


@pytest.mark.skipif(archive_processes._FORK is None, reason='fork is Linux only here')  # pylint: disable=protected-access
def test_a_worker_answers_each_span_and_ends_when_stopped():
    worker = SpanWorker(_echo, 'contract 1')
    try:
        for span in ((1, 2), (3, 4)):
            worker.send(span)
            answer = worker.result()
            assert answer['span'] == span and answer['pid'] != os.getpid()
    finally:
        worker.stop()
    assert not worker._process.is_alive() and worker._process.exitcode == 0  # pylint: disable=protected-access


@pytest.mark.skipif(archive_processes._FORK is None, reason='fork is Linux only here')  # pylint: disable=protected-access
def test_a_worker_that_dies_gives_an_error_that_says_so_instead_of_a_hang():
    worker = SpanWorker(_die, 'contract 31909628')
    try:
        worker.send((1, 2))
        answer = worker.result()
    finally:
        worker.stop(0)
    assert answer['error'][0] == 'ApiError'
    assert answer['error'][1].startswith('the archive process for contract 31909628 ended without an answer (exit code -9')
    assert 'run again' in answer['error'][1]

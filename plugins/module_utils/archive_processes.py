# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A long archive run in processes of their own, one per CPU.

Decoding and normalizing pages, then encoding and compressing hours, keeps one core busy: threads share one
interpreter lock. A long stretch of hours is therefore archived in rounds, each cut into spans: the first span is
archived by the process that runs the module, each other one by a worker process forked once per contract, with its
own API client and S3 client and a share of ``concurrency`` (so the API never sees more connections than the option
allows). A worker writes its span's hours and answers with what it recorded; only the module's process writes the
manifest, and it seals a round when every span of it is done, so a run that stops loses at most one round. Linux only
(fork); elsewhere, and with one CPU, the run stays in one process.
"""

from __future__ import annotations

import os
import signal
import sys
from datetime import datetime

try:
    import multiprocessing
    _FORK = multiprocessing.get_context('fork') if sys.platform.startswith('linux') else None
except (ImportError, ValueError):  # pragma: no cover - a Python without multiprocessing
    _FORK = None

MIN_SPAN_HOURS = 48  # shorter runs (a scheduled run's few open hours) are not worth a process
STOP_WAIT = 10.0  # seconds a worker may take to end once asked to


def span_count(hours: int, concurrency: int) -> int:
    """How many spans (processes) for a stretch of ``hours``: at most one per usable CPU and per connection."""
    if _FORK is None:
        return 1
    return max(1, min(_usable_cpus(), concurrency, hours // MIN_SPAN_HOURS))


def _usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def split(start: datetime, end: datetime, count: int, step) -> list:
    """``count`` spans (start, end) of whole ``step``s covering [start, end), in order, as equal as can be."""
    steps = int((end - start) / step)
    bounds = [start + step * (steps * index // count) for index in range(count)] + [end]
    return [(bounds[index], bounds[index + 1]) for index in range(count)]


class SpanWorker:
    """A forked process that archives the spans it is sent, one at a time: ``serve(connection)`` runs there, with its
    end of the connection, until it receives ``None``. ``send(span)`` hands it a span, ``result()`` waits for what it
    answered (a dict with ``error`` when it died without an answer), ``stop()`` ends it."""

    def __init__(self, serve, name: str):
        self.name = name
        self._connection, theirs = _FORK.Pipe(duplex=True)
        self._process = _FORK.Process(target=_run, args=(serve, theirs, os.getpid()), name=name, daemon=True)
        self._process.start()
        theirs.close()  # its end closing (it died) ends a wait for its answer

    def send(self, span) -> None:
        try:
            self._connection.send(span)
        except OSError:  # it died: result() says so
            pass

    def result(self) -> dict:
        try:
            return self._connection.recv()
        except (EOFError, OSError):  # it died: an end of file, or a reset when it left something unread
            self._process.join()
            return {'error': ('ApiError', 'the archive process for %s ended without an answer (exit code %s: killed, or out of memory?); '
                                          'what it had not recorded is archived again by the next run: run again' % (self.name, self._process.exitcode))}

    def stop(self, wait: float = STOP_WAIT) -> None:
        """Ask it to end (``None`` instead of a span); kill it if it has not after ``wait`` seconds."""
        try:
            self._connection.send(None)
        except OSError:  # it has ended already
            pass
        self._connection.close()
        self._process.join(wait)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()


def _run(serve, connection, parent: int) -> None:
    """In the worker: die with the parent, leave Ctrl-C to it, serve."""
    _die_with_parent()
    if os.getppid() != parent:  # the parent died before this process could ask to die with it
        os._exit(1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        serve(connection)
    finally:
        connection.close()


def _die_with_parent() -> None:
    """Linux's PR_SET_PDEATHSIG: SIGKILL this process when the module's process dies (a killed run leaves none behind)."""
    try:
        import ctypes  # pylint: disable=import-outside-toplevel
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
    except (ImportError, OSError, AttributeError):  # pragma: no cover - not glibc
        pass

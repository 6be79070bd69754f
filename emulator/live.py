# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Live mode: a background thread appends entries to every contract while clients page."""

from __future__ import annotations

import threading
import time

TICK_SECONDS = 0.05


class LiveAppender(threading.Thread):
    """Appends ``rate`` entries per second per contract, stamped now or up to ``lag_seconds`` earlier."""

    def __init__(self, catalog, rate: float, lag_seconds: float = 0.0):
        super().__init__(name="emulator-live", daemon=True)
        self.catalog = catalog
        self.rate = rate
        self.lag_ms = int(lag_seconds * 1000)
        self.stopped = threading.Event()

    def run(self) -> None:
        started = time.monotonic()
        appended = 0
        while not self.stopped.wait(TICK_SECONDS):
            target = int(self.rate * (time.monotonic() - started))
            # at most one second's worth at once: after a stall (a slow first build) skip ahead instead of flooding
            due = min(target - appended, max(1, int(self.rate)))
            appended = target
            if due <= 0:
                continue
            for contract in self.catalog.contracts:
                self.catalog.append(contract, due, self.lag_ms)

    def stop(self) -> None:
        self.stopped.set()

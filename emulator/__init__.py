# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Emulator of the IONOS Cloud Activity Log API v1, for tests and benchmarks of the collection.

Stdlib only and Python 3.9+, so it runs wherever the collection's tests run. Start it with
``python -m emulator --help``; docs/emulator.md describes every flag.
"""

from __future__ import annotations

__version__ = "0.1.0"

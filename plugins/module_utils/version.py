# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's version, for the User-Agent (a unit test keeps it equal to galaxy.yml)."""

from __future__ import annotations

COLLECTION_VERSION = '0.1.0'

# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Writing the files of the action plugins: atomically, only when the content changes, check mode aware.

A reader (a SIEM shipper, a CI job collecting JUnit) never sees a half-written file, and a rerun on the same
entries reports no change.
"""

from __future__ import annotations

import filecmp
import os
import tempfile


def write_if_changed(path: str, data: bytes, check_mode: bool = False, new_mode: int | None = None) -> bool:
    """Replace ``path`` by ``data`` unless it already holds exactly that; whether it changed (or would, in check mode).

    Missing parent directories are created; a replaced file keeps its mode, a new one gets ``new_mode``, by default
    0666 less the umask.
    """
    if _holds(path, data):
        return False
    return check_mode or _replace(path, lambda stream: stream.write(data), new_mode, lambda _temporary: True)


def write_stream_if_changed(path: str, write, check_mode: bool = False, new_mode: int | None = None) -> bool:
    """As ``write_if_changed``, for a document too large to hold in memory: ``write(stream)`` writes it in pieces.

    The document goes to a temporary file next to ``path`` (also in check mode, which needs it for the comparison),
    which then replaces ``path`` unless both hold the same bytes; the temporary file never outlives the call.
    """
    if check_mode and not os.path.isdir(os.path.dirname(path) or '.'):
        return True
    differs = []

    def keep(temporary: str) -> bool:
        differs.append(not (os.path.isfile(path) and filecmp.cmp(temporary, path, shallow=False)))
        return differs[0] and not check_mode
    _replace(path, write, new_mode, keep)
    return differs[0]


def _replace(path: str, write, new_mode: int | None, keep) -> bool:
    """Write a temporary file beside ``path`` with ``write(stream)``; it replaces ``path`` when ``keep(temporary)`` says
    so (whether it did), and is removed otherwise."""
    directory = os.path.dirname(path) or '.'
    os.makedirs(directory, exist_ok=True)
    mode = _mode_for(path, new_mode)
    handle, temporary = tempfile.mkstemp(prefix='.%s.' % os.path.basename(path), suffix='.tmp', dir=directory)
    try:
        with os.fdopen(handle, 'wb') as stream:
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        if not keep(temporary):
            return False
        os.chmod(temporary, mode)
        os.replace(temporary, path)
        return True
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def _holds(path: str, data: bytes) -> bool:
    try:
        if os.path.getsize(path) != len(data):
            return False
        with open(path, 'rb') as stream:
            return stream.read() == data
    except OSError:
        return False


def _mode_for(path: str, new_mode: int | None) -> int:
    """The mode of the existing file, else ``new_mode``, else what ``open()`` would give a new one (0666 less the umask)."""
    try:
        return os.stat(path).st_mode & 0o7777
    except OSError:
        if new_mode is not None:
            return new_mode
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask

# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Mirror the repository into .build/ansible_collections/ionos/activitylog.

ansible-test only runs inside an ``ansible_collections/<namespace>/<name>`` tree and resolves symlinks,
so the test bed keeps a copy there. The copy gets a git repository of its own (nothing committed): ansible-test
lists files through the nearest git repository, and without one it would find this checkout, where .build is
ignored, and see no files at all. Only the files git knows about (tracked, or untracked and not ignored)
are copied, changed files only; files that disappeared from the repository are removed from the copy,
while ansible-test's own output (tests/output) and generated configuration are left alone.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys

KEEP = ('tests/output/', 'tests/integration/integration_config.yml')
SKIP_DIRS = {'.git', '.venv', '.build', '__pycache__', '.pytest_cache', '.hypothesis', 'output'}


def repository_files(root: str) -> list[str]:
    """Files git lists (tracked and untracked-not-ignored); a plain walk when this is not a git checkout."""
    try:
        out = subprocess.run(['git', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'],
                             cwd=root, check=True, capture_output=True).stdout
        names = [name for name in out.decode('utf-8').split('\0') if name]
    except (OSError, subprocess.CalledProcessError):
        names = []
        for top, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
            names.extend(os.path.relpath(os.path.join(top, f), root) for f in files)
    return sorted(n for n in names if os.path.isfile(os.path.join(root, n)))


def sync(root: str, dest: str) -> int:
    """Copy what changed, delete what is gone; return the number of files written."""
    wanted = set(repository_files(root))
    written = 0
    for name in sorted(wanted):
        src, dst = os.path.join(root, name), os.path.join(dest, name)
        stat = os.stat(src)
        if os.path.exists(dst):
            other = os.stat(dst)
            if other.st_size == stat.st_size and int(other.st_mtime) == int(stat.st_mtime) and other.st_mode == stat.st_mode:
                continue
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(src, dst)
        written += 1
    for top, dirs, files in os.walk(dest, topdown=True):
        rel_top = os.path.relpath(top, dest)
        dirs[:] = [d for d in dirs if os.path.normpath(os.path.join(rel_top, d)) not in ('.git', os.path.join('tests', 'output'))]
        for f in files:
            rel = os.path.normpath(os.path.join(rel_top, f))
            if rel not in wanted and not rel.startswith(KEEP):
                os.remove(os.path.join(top, f))
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--dest', default='.build/ansible_collections/ionos/activitylog',
                        help='where to lay the collection out (default: %(default)s)')
    args = parser.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    dest = os.path.join(root, args.dest) if not os.path.isabs(args.dest) else args.dest
    os.makedirs(dest, exist_ok=True)
    written = sync(root, dest)
    if not os.path.isdir(os.path.join(dest, '.git')):
        subprocess.run(['git', 'init', '--quiet', dest], check=True)
    print('collection laid out in %s (%d files updated)' % (os.path.relpath(dest, root), written))
    return 0


if __name__ == '__main__':
    sys.exit(main())

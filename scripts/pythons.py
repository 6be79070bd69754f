# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Find the Pythons this machine has, and put them on PATH under their plain names for ansible-test.

pyenv's shims answer `python3.9` with an error unless that version is selected, and ansible-test looks Pythons up
by those names: `--link-dir DIR` makes DIR/python3.X links to the real interpreters, to put first on PATH.
Prints the versions found.
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import subprocess
import sys

VERSIONS = ('3.9', '3.10', '3.11', '3.12', '3.13', '3.14')


def find_python(version: str) -> str | None:
    """python3.X on PATH (a real one, not a shim that refuses), else under pyenv's versions."""
    candidates = [shutil.which('python' + version)] + sorted(glob.glob(os.path.expanduser('~/.pyenv/versions/%s.*/bin/python%s' % (version, version))))
    for candidate in filter(None, candidates):
        probe = subprocess.run([candidate, '-c', 'import sys, venv; print("%d.%d" % sys.version_info[:2], sys.executable)'],
                               capture_output=True, text=True, check=False)
        found = probe.stdout.split(None, 1) if probe.returncode == 0 else []
        if found and found[0] == version:
            return found[1].strip()
    return None


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--link-dir', required=True, help='directory for the python3.X links')
    args = parser.parse_args(argv)
    os.makedirs(args.link_dir, exist_ok=True)
    found = []
    for version in VERSIONS:
        link = os.path.join(args.link_dir, 'python' + version)
        if os.path.lexists(link):
            os.unlink(link)
        python = find_python(version)
        if python:
            os.symlink(python, link)
            found.append(version)
    print(' '.join(found))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))

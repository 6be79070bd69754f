# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Make ``ansible-test --venv`` work where only the Python package index is reachable.

ansible-test bootstraps pip in each virtualenv it creates with a get-pip script that it downloads from a host
outside the package index. When that script is not cached and cannot be fetched, this seeds the cache with a
stand-in that does the same job with ``ensurepip`` and the package index. A machine that can reach the real
script gets the real script. See ../shared/notes/ansible-test-offline.md.
"""

from __future__ import annotations

import os
import re
import sys
import urllib.request

STAND_IN = '''\
# Stand-in for get-pip.py, written by ionos.activitylog's scripts/ansible_test_bootstrap.py.
# ensurepip runs in a subprocess: in-process it would set PIP_CONFIG_FILE=/dev/null for the
# rest of this process and so hide the machine's pip configuration from the install below.
import subprocess
import sys

args = [a for a in sys.argv[1:] if a not in ('--no-setuptools', '--no-wheel')]
subprocess.check_call([sys.executable, '-m', 'ensurepip', '--upgrade', '--default-pip'])
sys.exit(subprocess.call([sys.executable, '-m', 'pip', 'install'] + args))
'''


def bootstrap_pip_version() -> str:
    """The pip version ansible-test asks for (the cache file name depends on it)."""
    import ansible_test  # pylint: disable=import-outside-toplevel

    path = os.path.join(os.path.dirname(ansible_test.__file__), '_internal', 'python_requirements.py')
    with open(path, encoding='utf-8') as handle:
        match = re.search(r"pip='([0-9.]+)'", handle.read())
    if not match:
        raise SystemExit('cannot find the pip version ansible-test bootstraps in %s' % path)
    return match.group(1)


def main() -> int:
    version = bootstrap_pip_version()
    cache = os.path.expanduser('~/.ansible/test/cache/get_pip_%s.py' % version.replace('.', '_'))
    if os.path.exists(cache):
        return 0
    os.makedirs(os.path.dirname(cache), exist_ok=True)
    url = 'https://ci-files.testing.ansible.com/ansible-test/get-pip-%s.py' % version
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # nosec - the official ansible-test location
            content = response.read().decode('utf-8')
        origin = url
    except OSError:
        content, origin = STAND_IN, 'the ensurepip stand-in'
    with open(cache, 'w', encoding='utf-8') as handle:
        handle.write(content)
    print('ansible-test pip bootstrap: %s cached from %s' % (cache, origin))
    return 0


if __name__ == '__main__':
    sys.exit(main())

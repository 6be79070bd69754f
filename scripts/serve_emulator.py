# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Serve the emulator in the foreground and print the exports that point one's own playbooks at it (`make emulator`).

The emulator is started the way every other user starts it (emulator.process.EmulatorProcess), with the arguments
given after the options; once it listens, the ``export`` lines for IONOS_API_URL, IONOS_TOKEN (the built-in reseller
token, which reads every contract), ANSIBLE_COLLECTIONS_PATH and ANSIBLE_PYTHON_INTERPRETER are printed, and it
serves until Ctrl-C (or SIGTERM), then stops.
"""

from __future__ import annotations

import argparse
import os
import shlex
import signal
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from emulator.process import EmulatorProcess  # noqa: E402 pylint: disable=wrong-import-position

TOKEN = 'reseller-token'
# Where ansible-core looks for collections by default, after the laid-out one, so a playbook's other collections
# still resolve.
DEFAULT_COLLECTIONS_PATHS = ('~/.ansible/collections', '/usr/share/ansible/collections')


def exports(url: str, collections_path: str, interpreter: str) -> list[str]:
    """The shell lines a user pastes: one ``export NAME=value`` each, values quoted for the shell."""
    paths = os.pathsep.join((os.path.abspath(collections_path),) + DEFAULT_COLLECTIONS_PATHS)
    values = (('IONOS_API_URL', url), ('IONOS_TOKEN', TOKEN), ('ANSIBLE_COLLECTIONS_PATH', paths),
              ('ANSIBLE_PYTHON_INTERPRETER', interpreter))
    return ['export %s=%s' % (name, shlex.quote(value)) for name, value in values]


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--collections-path', required=True,
                        help='the directory holding ansible_collections/ionos/activitylog (laid out by the caller)')
    parser.add_argument('--interpreter', default=sys.executable,
                        help='the Python with requests and jmespath that modules should run with (default: this one)')
    parser.add_argument('--ansible-bin', help='the directory of an ansible-playbook that has them, named in the hints')
    parser.add_argument('emulator_args', nargs=argparse.REMAINDER, help="-- the emulator's arguments (python -m emulator --help)")
    args = parser.parse_args(argv)
    if args.emulator_args[:1] == ['--']:
        args.emulator_args = args.emulator_args[1:]
    return args


def _stop(_signum, _frame):
    raise KeyboardInterrupt


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    # Ctrl-C and SIGTERM stop the emulator, also where the shell started this with SIGINT ignored (a background job).
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    try:
        emulator = EmulatorProcess(args.emulator_args)
    except RuntimeError as error:
        print('%s\n(if the port is in use: choose another with PORT=, or PORT=0 for a free one)' % error, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    try:
        ansible = os.path.join(args.ansible_bin, '') if args.ansible_bin else ''
        print('%s (%s); Ctrl-C stops it. In another shell:\n' % (emulator.line, ' '.join(args.emulator_args)))
        print('\n'.join(exports(emulator.url, args.collections_path, args.interpreter)))
        print("\n%sansible localhost -m ionos.activitylog.activity_log_info -a 'start=-1d max_items=3'" % ansible)
        print('%sansible-playbook your-playbook.yml' % ansible, flush=True)
        emulator.process.wait()
    except KeyboardInterrupt:
        pass
    # The emulator exits 0 only when it was told to stop (the terminal sends Ctrl-C to it as well).
    status = emulator.stop()
    if status != 0:
        print('the emulator failed (exit status %s): %s' % (status, emulator.stderr_text()), file=sys.stderr)
        return 1
    print('\nemulator stopped', flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))

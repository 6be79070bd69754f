# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a command while one or more emulators of the Activity Log API serve on loopback.

Used by ``make test``, ``make demo`` and the benchmarks so that every emulator they start is also stopped,
whatever happens to the command. Each ``--emulator NAME='ARGS'`` starts ``python -m emulator --port 0 ARGS``
and exports its URL as ``EMULATOR_<NAME>_URL``; ``--config FILE`` also writes the URLs (and the emulator's
built-in test credentials) as YAML, for ansible-test, which passes no environment to the tests it runs.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from emulator.process import EmulatorProcess  # noqa: E402 pylint: disable=wrong-import-position
CREDENTIALS = {
    'emulator_token_reseller': 'reseller-token',
    'emulator_token_single': 'single-token',
    'emulator_token_noprivilege': 'noprivilege-token',
}


def write_config(path: str, emulators: dict) -> None:
    """YAML with one ``emulator_<name>_url`` per emulator plus the built-in credentials."""
    lines = ['---', '# Written by scripts/with_emulator.py for this run only.']
    lines += ['emulator_%s_url: "%s"' % (name, emulator.url) for name, emulator in emulators.items()]
    lines += ['%s: "%s"' % item for item in sorted(CREDENTIALS.items())]
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write('\n'.join(lines) + '\n')


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--emulator', action='append', default=[], metavar="NAME='ARGS'",
                        help='start an emulator named NAME with these extra arguments (repeatable)')
    parser.add_argument('--config', action='append', default=[], metavar='FILE',
                        help='write the emulator URLs and test credentials to this YAML file (repeatable)')
    parser.add_argument('--cwd', default='.', help='directory to run the command in')
    parser.add_argument('command', nargs=argparse.REMAINDER, help='-- the command to run')
    args = parser.parse_args(argv)
    if args.command[:1] == ['--']:
        args.command = args.command[1:]
    if not args.command:
        parser.error('give the command to run after --')
    if not args.emulator:
        parser.error('give at least one --emulator NAME=ARGS')
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    emulators: dict = {}
    env = dict(os.environ)
    try:
        for spec in args.emulator:
            name, _sep, extra = spec.partition('=')
            emulators[name.strip()] = emulator = EmulatorProcess(shlex.split(extra))
            env['EMULATOR_%s_URL' % name.strip().upper()] = emulator.url
            print('emulator %s: %s' % (name.strip(), emulator.url), flush=True)
        for path in args.config:
            write_config(path, emulators)
        return subprocess.call(args.command, cwd=args.cwd, env=env)
    except RuntimeError as error:
        print(error, file=sys.stderr)
        return 2
    finally:
        for emulator in emulators.values():
            emulator.send_signal()
        for emulator in emulators.values():
            emulator.stop()


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))

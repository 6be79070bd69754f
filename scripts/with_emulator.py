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
import signal
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
START_TIMEOUT = 120.0
CREDENTIALS = {
    'emulator_token_reseller': 'reseller-token',
    'emulator_token_single': 'single-token',
    'emulator_token_noprivilege': 'noprivilege-token',
}


class Emulator:
    """One emulator process; its URL is read from the line it prints when it listens."""

    def __init__(self, name: str, args: list[str]):
        self.name = name
        self.url = ''
        self.process = subprocess.Popen(  # pylint: disable=consider-using-with
            [sys.executable, '-m', 'emulator', '--port', '0'] + args,
            cwd=ROOT, stdout=subprocess.PIPE, stderr=None, text=True)

    def wait_listening(self) -> None:
        """Block until the listening line arrives, the process dies, or START_TIMEOUT passes."""
        found = threading.Event()

        def read() -> None:
            for line in self.process.stdout:
                if not found.is_set() and 'listening on ' in line:
                    self.url = line.strip().split('listening on ', 1)[1]
                    found.set()

        threading.Thread(target=read, daemon=True).start()
        deadline = time.monotonic() + START_TIMEOUT
        while not found.wait(0.1):
            if self.process.poll() is not None:
                raise SystemExit('emulator %r exited with status %s before listening' % (self.name, self.process.returncode))
            if time.monotonic() > deadline:
                raise SystemExit('emulator %r did not start listening within %d s' % (self.name, START_TIMEOUT))

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after a grace period."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)


def write_config(path: str, emulators: list[Emulator]) -> None:
    """YAML with one ``emulator_<name>_url`` per emulator plus the built-in credentials."""
    lines = ['---', '# Written by scripts/with_emulator.py for this run only.']
    lines += ['emulator_%s_url: "%s"' % (e.name, e.url) for e in emulators]
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
    emulators: list[Emulator] = []
    env = dict(os.environ)
    try:
        for spec in args.emulator:
            name, _sep, extra = spec.partition('=')
            emulators.append(Emulator(name.strip(), shlex.split(extra)))
        for emulator in emulators:
            emulator.wait_listening()
            env['EMULATOR_%s_URL' % emulator.name.upper()] = emulator.url
            print('emulator %s: %s' % (emulator.name, emulator.url), flush=True)
        for path in args.config:
            write_config(path, emulators)
        return subprocess.call(args.command, cwd=args.cwd, env=env)
    finally:
        for emulator in emulators:
            emulator.stop()


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))

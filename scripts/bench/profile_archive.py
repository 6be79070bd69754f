# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Profile activity_log_archive's work (archive_activity called directly, no ansible-core) with cProfile, every thread.

Starts the bench's emulator (fixed seed and period) and a SeaweedFS on loopback (tests/archive/seaweedfs.py), archives
the bench's window into a fresh bucket with settle '0', and prints where the time went: per thread kind (the main
thread reading, the engine's page workers, the archive's writers) and the functions with the most own and cumulative
time over all threads. cProfile slows Python code down (not zlib, hashlib or the sockets), so compare the parts
with each other, not with the bench's seconds; the unprofiled call's seconds are printed first.

    .venv/bin/python scripts/bench/profile_archive.py [--entries 200000] [--top 25] [--out FILE.pstats]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import threading
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(BENCH_DIR))
sys.path[:0] = [REPO, BENCH_DIR, os.path.join(REPO, '.build')]

# pylint: disable=wrong-import-position
import bench_archive  # noqa: E402
import bench_emulator  # noqa: E402
from ansible_collections.ionos.activitylog.plugins.module_utils.archive import archive_activity  # noqa: E402
from ansible_collections.ionos.activitylog.plugins.module_utils.s3_sink import S3Sink  # noqa: E402

_PROFILES = []
_LOCK = threading.Lock()


def _profiled_run(original):
    def run(self):
        profile = cProfile.Profile()
        with _LOCK:
            _PROFILES.append((self.name, profile))
        profile.enable()
        try:
            original(self)
        finally:
            profile.disable()
    return run


def archive(store, url: str, contracts: list, profile: bool) -> dict:
    bucket = store.new_bucket()
    start, end = bench_emulator.WINDOW
    options = {'token': bench_emulator.TOKEN, 'api_url': url, 'contract_numbers': contracts, 'start': start, 'end': end, 'bucket': bucket,
               's3_endpoint_url': store.server.endpoint_url, 's3_access_key': store.server.access_key,
               's3_secret_key': store.server.secret_key, 'settle': '0'}
    if not profile:
        return archive_activity(options, S3Sink)
    main = cProfile.Profile()
    with _LOCK:
        _PROFILES.append(('MainThread', main))
    original = threading.Thread.run
    threading.Thread.run = _profiled_run(original)
    try:
        main.enable()
        try:
            return archive_activity(options, S3Sink)
        finally:
            main.disable()
    finally:
        threading.Thread.run = original


def kind(name: str) -> str:
    return name.split('_', 1)[0].rstrip('0123456789-') if name != 'MainThread' else name


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--entries', type=int, default=200000)
    parser.add_argument('--top', type=int, default=25)
    parser.add_argument('--out', help='write the merged stats (pstats) here')
    args = parser.parse_args(argv)
    for name in ('AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy'):
        os.environ.pop(name, None)
    emulator = bench_emulator.start(1, args.entries, 0)
    bench_archive.start()
    try:
        contracts = bench_emulator.contract_numbers(1)
        started = time.perf_counter()
        result = archive(bench_archive.STORE, emulator.url, contracts, profile=False)
        print('unprofiled: %.2f s, %d entries, %d hours, %s'
              % (time.perf_counter() - started, result['entries_written'], result['hours_written'], result['stats']))
        started = time.perf_counter()
        result = archive(bench_archive.STORE, emulator.url, contracts, profile=True)
        print('profiled: %.2f s, %d entries, %s' % (time.perf_counter() - started, result['entries_written'], result['stats']))
    finally:
        bench_archive.stop()
        emulator.stop()
    by_kind = {}
    for name, profile in _PROFILES:
        by_kind.setdefault(kind(name), []).append(profile)
    merged = None
    for name, profiles in sorted(by_kind.items()):
        stats = pstats.Stats(profiles[0], stream=io.StringIO())
        for other in profiles[1:]:
            stats.add(other)
        print('\n== thread kind %s (%d threads): %.2f s of own time in Python-visible calls' % (name, len(profiles), stats.total_tt))
        stream = io.StringIO()
        stats.stream = stream
        stats.sort_stats('tottime').print_stats(12)
        print('\n'.join(line for line in stream.getvalue().splitlines() if line.strip())[-3000:])
        if merged is None:
            merged = pstats.Stats(profiles[0], stream=io.StringIO())
            profiles = profiles[1:]
        for other in profiles:
            merged.add(other)
    stream = io.StringIO()
    merged.stream = stream
    merged.sort_stats('cumulative').print_stats(args.top)
    print('\n== all threads, cumulative')
    print('\n'.join(line for line in stream.getvalue().splitlines() if line.strip()))
    if args.out:
        merged.dump_stats(args.out)
    return 0


if __name__ == '__main__':
    sys.exit(main())

# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Event-Driven Ansible source: every new IONOS Cloud Activity Log entry becomes one event, once.

ansible-rulebook runs this file by path and awaits ``main(queue, args)``. Here: the polling loop, the watermark and the
state file; the options, the reading (the code of activity_log_info), the backoff and the atomic writer are the
collection's. Documentation: activity_log.yml beside this file.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import importlib
import json
import logging
import os
import sys
import threading
from datetime import datetime, timedelta, timezone

MISSING_COLLECTION = ('ionos.activitylog.activity_log needs the ionos.activitylog collection installed as ansible_collections/ionos/activitylog, '
                      'and ansible-core and requests in the Python that runs ansible-rulebook: %s')


def _import_collection(source_file: str) -> None:
    """The import helper: make ``ansible_collections.ionos.activitylog`` importable, then the imports below are plain.

    ansible-rulebook finds a collection's source with ``ansible-galaxy collection list`` and runs it with
    ``runpy.run_path`` (ansible_rulebook/source_loader.py ``_load_source_module``; engine.py ``start_source`` before
    it): it neither puts the collections directory on ``sys.path`` nor installs ansible-core's collection loader.
    Unless the collection is importable already (its collections directory on PYTHONPATH or in site-packages), the
    directory that holds ``ansible_collections/`` is taken from this file's own path and appended to ``sys.path``.
    ImportError naming what is missing (the collection, ansible-core or requests) otherwise.
    """
    client = 'ansible_collections.ionos.activitylog.plugins.module_utils.client'
    parts = os.path.abspath(source_file).split(os.sep)
    inside = ['ansible_collections', 'ionos', 'activitylog', 'extensions', 'eda', 'plugins', 'event_source']
    root = os.sep.join(parts[:-len(inside) - 1]) or os.sep
    try:
        importlib.import_module(client)
    except ImportError as error:
        if parts[-len(inside) - 1:-1] != inside or root in sys.path:
            raise ImportError(MISSING_COLLECTION % error) from None
        sys.path.append(root)
        importlib.invalidate_caches()
    try:
        problem = importlib.import_module(client).REQUESTS_IMPORT_ERROR  # client.py imports requests optionally
    except ImportError as error:
        problem = error
    if problem is not None:
        raise ImportError(MISSING_COLLECTION % problem) from None


_import_collection(__file__)

from ansible_collections.ionos.activitylog.plugins.module_utils.activity import fetch_activity
from ansible_collections.ionos.activitylog.plugins.module_utils.client import base_url, without_userinfo
from ansible_collections.ionos.activitylog.plugins.module_utils.errors import ActivityLogError, ApiError, OptionError
from ansible_collections.ionos.activitylog.plugins.module_utils.filters import EntryFilter
from ansible_collections.ionos.activitylog.plugins.module_utils.options import (
    ARGUMENT_SPEC, BUCKET_SPEC, DEFAULT_API_URL, checked_options, in_range, seconds_in_range)
from ansible_collections.ionos.activitylog.plugins.module_utils.retry import RetryPolicy
from ansible_collections.ionos.activitylog.plugins.module_utils.timeparse import format_time, parse_rfc3339, parse_time, to_utc
from ansible_collections.ionos.activitylog.plugins.plugin_utils.files import write_if_changed

LOGGER = logging.getLogger('ionos.activitylog.eda.activity_log')
NOT_FOR_EVENTS = {'end': 'every poll reads up to now', 'max_items': 'every new entry is put once',
                  'format': 'events are always normalized entries', 'query': 'select with filters here and with the conditions of the rules',
                  # a poll re-reads its overlap, which would fetch the same request details again and again
                  'request_details': 'events are not joined to their Cloud API requests (yet)',
                  'redact_request_details': 'events are not joined to their Cloud API requests (yet)',
                  **{name: 'events come from the API as they happen, not from the archive' for name in BUCKET_SPEC}}
SPEC = dict({name: spec for name, spec in ARGUMENT_SPEC.items() if name not in NOT_FOR_EVENTS},
            start=dict(ARGUMENT_SPEC['start'], default='now'), interval=dict(type='float', default=60),
            overlap=dict(type='float', default=300), max_seen=dict(type='int', default=10000), state_file=dict(type='path'))
STATE_FILE_MODE = 0o600  # the ids and times of a log's entries are the owner's business
MAX_INTERVAL_SECONDS, MAX_OVERLAP_SECONDS, MAX_SEEN = 86400, 30 * 86400, 1000000
MAX_BACKOFF_SECONDS, BACKOFF_INTERVALS = 300.0, 16
FATAL_STATUSES = (400, 401, 403, 404)
STATE_VERSION, MILLISECOND = 1, timedelta(milliseconds=1)


class SourceConfig:
    """The arguments through the argument spec; OptionError naming the option otherwise. fetch_activity checks the
    ranges and relations of the connection and paging options itself, in every poll before its first request."""

    def __init__(self, args: dict):
        checked = checked_options(_named(args), SPEC)
        self.fetch_options = {name: value for name, value in checked.items() if name in ARGUMENT_SPEC and name not in ('start', 'filters')}
        self.interval = seconds_in_range(checked['interval'], 'interval', MAX_INTERVAL_SECONDS)
        overlap = in_range(checked['overlap'], 'overlap', 0, MAX_OVERLAP_SECONDS)  # and, as NaN passes that, finite:
        self.overlap = timedelta(seconds=seconds_in_range(overlap, 'overlap', MAX_OVERLAP_SECONDS) if overlap else 0)
        self.max_seen = in_range(checked['max_seen'], 'max_seen', 1, MAX_SEEN)
        self.start = parse_time(checked['start'], datetime.now(timezone.utc), 'start')
        self.entry_filter = EntryFilter.from_option(checked['filters'])
        self.url = without_userinfo(base_url(checked['api_url'] or DEFAULT_API_URL))
        self.state_file = _state_path(checked['state_file'])


def _named(args) -> dict:
    """The arguments but ansible-rulebook's own (``eda_*``); an option the source does not take is refused with why."""
    if not isinstance(args, dict):
        raise OptionError('the arguments of ionos.activitylog.activity_log must be a mapping, not %s' % type(args).__name__)
    for key in args:
        if key in NOT_FOR_EVENTS:
            raise OptionError('%s is not an option of the event source: %s' % (key, NOT_FOR_EVENTS[key]))
    return {key: value for key, value in args.items() if not (isinstance(key, str) and key.startswith('eda_'))}


def _state_path(value: str | None) -> str | None:
    if not value:
        return None
    path = os.path.abspath(value)
    folder = os.path.dirname(path)
    if not os.path.isdir(folder) or not os.access(folder, os.W_OK):
        raise OptionError('state_file %s: the directory %s does not exist or is not writable; create it first' % (path, folder))
    if os.path.isdir(path):
        raise OptionError('state_file %s is a directory: give the path of a file' % path)
    return path


def poll_backoff(interval: float, rng=None) -> RetryPolicy:
    """``delay(n)`` after n + 1 failed polls in a row: from half to one interval, doubling, at most 16 intervals and 5 minutes."""
    return RetryPolicy(base=interval, cap=max(interval, min(MAX_BACKOFF_SECONDS, interval * BACKOFF_INTERVALS)), rng=rng, floor=0.5)


class Progress:
    """How far the source got: the watermark (newest entry time processed), the floor (nothing before it is ever
    put) and the ids put at or after watermark minus overlap, with their times (canonical strings)."""

    def __init__(self, watermark: datetime, floor: datetime, seen: dict):
        self.watermark, self.floor, self.seen = watermark, floor, seen

    def window_start(self, overlap: timedelta) -> datetime:
        return max(self.watermark - overlap, self.floor)

    def new_entries(self, entries: list) -> list:
        """The entries not put yet, in (time, id) order."""
        fresh = [entry for entry in entries if isinstance(entry, dict) and entry.get('id') not in self.seen]
        return sorted(fresh, key=lambda entry: (entry.get('time') or '', entry.get('id') or ''))

    def processed(self, entry: dict, put: bool, fallback: datetime) -> None:
        """Record an entry whose turn has come: put (its id is kept) or filtered out (only the watermark moves)."""
        moment = parse_rfc3339(entry.get('time'))
        if put:
            self.seen[entry['id']] = format_time(moment if moment is not None else fallback)
        if moment is not None and moment > self.watermark:
            self.watermark = moment

    def forget(self, overlap: timedelta, max_seen: int) -> str | None:
        """Drop ids no window reads again; then, above ``max_seen``, the oldest, raising the floor past them.
        Returns the time of the newest id dropped for the bound (None when the bound was not reached)."""
        cutoff = format_time(self.window_start(overlap))
        self.seen = {ident: moment for ident, moment in self.seen.items() if moment >= cutoff}
        if len(self.seen) <= max_seen:
            return None
        ordered = sorted(self.seen.items(), key=lambda item: (item[1], item[0]))
        newest_dropped = ordered[len(ordered) - max_seen - 1][1]
        self.seen = {ident: moment for ident, moment in ordered if moment > newest_dropped}
        self.floor = max(self.floor, parse_rfc3339(newest_dropped) + MILLISECOND)
        return newest_dropped

    def to_json(self) -> bytes:
        return json.dumps({'version': STATE_VERSION, 'watermark': format_time(self.watermark), 'floor': format_time(self.floor),
                           'seen': dict(sorted(self.seen.items(), key=lambda item: (item[1], item[0])))}, separators=(',', ':')).encode()

    @classmethod
    def load(cls, path: str) -> Progress | None:
        """The progress saved in ``path``; None when there is no such file (a first run)."""
        try:
            with open(path, encoding='utf-8') as handle:
                data = json.loads(handle.read())
        except FileNotFoundError:
            return None
        except OSError as error:
            raise OptionError('state_file %s cannot be read: %s' % (path, error.strerror or error)) from None
        except ValueError:
            data = None
        if not isinstance(data, dict):
            problem = 'it is not a JSON object'
        elif data.get('version') != STATE_VERSION:
            problem = 'its version is %r, not %d' % (data.get('version'), STATE_VERSION)
        elif parse_rfc3339(data.get('watermark')) is None or parse_rfc3339(data.get('floor')) is None:
            problem = 'watermark or floor is not an RFC 3339 time'
        elif not isinstance(data.get('seen'), dict) or not all(isinstance(key, str) and parse_rfc3339(value) for key, value in data['seen'].items()):
            problem = 'seen is not a mapping of ids to times'
        else:
            seen = {key: format_time(parse_rfc3339(value)) for key, value in data['seen'].items()}
            return cls(parse_rfc3339(data['watermark']), parse_rfc3339(data['floor']), seen)
        raise OptionError('state_file %s is not a state this source wrote (%s): fix it, or remove it to begin at start' % (path, problem))


async def in_daemon_thread(function, *args):
    """Run a blocking call in a daemon thread and await it. Unlike asyncio.to_thread, a cancelled caller returns at
    once, and asyncio.run does not wait at shutdown for a request still in flight (its result is dropped)."""
    outcome = concurrent.futures.Future()

    def work():
        if not outcome.set_running_or_notify_cancel():  # the caller was cancelled before the thread ran
            return
        try:
            outcome.set_result(function(*args))
        except Exception as error:  # pylint: disable=broad-exception-caught  # handed to the awaiting coroutine
            outcome.set_exception(error)

    threading.Thread(target=work, name='ionos-activitylog-poll', daemon=True).start()
    return await asyncio.wrap_future(outcome)


def read_window(fetch_options: dict, start: datetime, now: datetime) -> dict:
    """One poll: every entry of [start, now) of the contracts, unfiltered, through the collection's reader."""
    return fetch_activity(dict(fetch_options, start=start, end=now), now=now)


async def main(queue, args: dict) -> None:
    """Poll the Activity Log and put every new entry on ``queue`` once; runs until cancelled or a fatal error."""
    config = SourceConfig(args)
    progress = Progress.load(config.state_file) if config.state_file else None
    if progress is None:
        progress = Progress(config.start, config.start, {})
        LOGGER.info('polling %s every %gs from %s', config.url, config.interval, format_time(config.start))
    else:
        LOGGER.info('polling %s every %gs; state_file %s: continuing from watermark %s (the start option is ignored)',
                    config.url, config.interval, config.state_file, format_time(progress.watermark))
    backoff, failures, warned = poll_backoff(config.interval), 0, set()
    try:
        while True:
            now = to_utc(datetime.now(timezone.utc))
            start = progress.window_start(config.overlap)
            if start >= now:  # nothing to read yet: a start of now (the first poll then checks the options at once)
                await asyncio.sleep(min(config.interval, (start - now + MILLISECOND).total_seconds()))
                continue
            try:
                result = await in_daemon_thread(read_window, config.fetch_options, start, now)
            except ActivityLogError as error:
                if isinstance(error, OptionError) or isinstance(error, ApiError) and error.status in FATAL_STATUSES:
                    raise  # polling again cannot cure invalid options, refused credentials or rights, a wrong URL
                failures += 1
                delay = backoff.delay(failures - 1)
                LOGGER.warning('reading the activity log failed (%d in a row): %s; polling again in %.1fs', failures, error, delay)
                await asyncio.sleep(delay)
                continue
            failures = 0
            for warning in [text for text in result['warnings'] if text not in warned]:  # each once
                warned.add(warning)
                LOGGER.warning('%s', warning)
            for entry in progress.new_entries(result['activities']):
                wanted = config.entry_filter.matches(entry)
                if wanted:
                    await queue.put(entry)
                progress.processed(entry, wanted, start)
            dropped = progress.forget(config.overlap, config.max_seen)
            if dropped is not None:
                LOGGER.warning('max_seen=%d reached: entries up to %s are no longer read again, so an entry that arrives '
                               'later than that is missed; raise max_seen or lower overlap', config.max_seen, dropped)
            if config.state_file:
                write_if_changed(config.state_file, progress.to_json(), new_mode=STATE_FILE_MODE)
            await asyncio.sleep(config.interval)
    finally:
        if config.state_file:
            try:
                write_if_changed(config.state_file, progress.to_json(), new_mode=STATE_FILE_MODE)
            except OSError as error:
                LOGGER.error('state_file %s could not be written: %s', config.state_file, error)


if __name__ == '__main__':  # python activity_log.py '{"interval": 10, "start": "-1h"}' prints the events as JSON lines
    class _PrintQueue:  # pylint: disable=too-few-public-methods
        async def put(self, event):
            print(json.dumps(event, sort_keys=True), flush=True)

    logging.basicConfig(level=logging.INFO)
    asyncio.run(main(_PrintQueue(), json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}))

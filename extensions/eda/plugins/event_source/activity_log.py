# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Event-Driven Ansible source: every new IONOS Cloud Activity Log entry becomes one event, once.

ansible-rulebook loads this file by path (``runpy.run_path``) and awaits ``main(queue, args)``. The reading is the
collection's own (``fetch_activity`` of module_utils, the code behind activity_log_info), run in a daemon thread
so that the event loop stays free and a cancelled ``main`` returns at once.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import logging
import math
import os
import random
import sys
import tempfile
import threading
from datetime import datetime, timedelta, timezone

DOCUMENTATION = r'''
---
short_description: Receive IONOS Cloud Activity Log entries as events
description:
  - An ansible-rulebook event source that polls the IONOS Cloud Activity Log API every O(interval) seconds for one,
    several or all contracts and puts every new entry on the queue once, as the normalized entry of
    M(ionos.activitylog.activity_log_info) (C(id), C(time), C(contract_number), C(username), C(event_type),
    C(status), C(action), C(uri), C(resources), C(error), ...).
  - Entries of one poll are put in time order. A watermark taken from the entries (the newest time seen, never the
    wall clock) and an overlap window that is read again on every poll catch entries that reach the API late; a
    set of the ids already put, bounded by O(max_seen), keeps them from being put twice.
  - With O(state_file), a restarted rulebook continues where it stopped, including the entries that arrived while it
    was down.
  - Rate limits (429), server errors, timeouts and dropped connections are logged and retried with jittered
    exponential backoff, without end. Refused credentials (401), missing rights (403), a wrong O(api_url) (404) and
    invalid options stop the source with a message that names the cause; tokens and passwords never appear in
    messages or logs.
  - Needs the C(requests) Python library and ansible-core (for the collection's module_utils) where ansible-rulebook
    runs, for example in the decision environment.
author:
  - ionos.activitylog contributors (@ionos-activitylog)
options:
  token:
    description: Bearer token; E(IONOS_TOKEN) when not set. A token wins over O(username)/O(password).
    type: str
  username:
    description: User name for HTTP Basic authentication; E(IONOS_USERNAME) when not set.
    type: str
  password:
    description: Password for O(username); E(IONOS_PASSWORD) when not set.
    type: str
  api_url:
    description: Base URL of the IONOS Cloud API; E(IONOS_API_URL) when not set.
    type: str
    default: https://api.ionos.com
  certificate_fingerprint:
    description:
      - SHA-256 fingerprint of the API's TLS certificate (hex, colons optional); E(IONOS_PINNED_CERT) when not set.
      - When set, the certificate must match it and its CA chain is not checked, as in the IONOS SDKs.
    type: str
  validate_certs:
    description: Verify the server's TLS certificate. Turn off only for tests.
    type: bool
    default: true
  ca_path:
    description: A CA bundle (PEM file) to verify the server's certificate with.
    type: path
  timeout:
    description: Seconds to wait for each request's answer.
    type: float
    default: 30
  retries:
    description: Retries of one request inside a poll; a poll that still fails is retried after a backoff.
    type: int
    default: 5
  proxy:
    description: URL of an HTTP(S) proxy.
    type: str
  contract_numbers:
    description: The contracts to read; default, every contract the credential can read.
    type: list
    elements: int
    aliases: [contract_number, contracts]
  filters:
    description:
      - Put only the entries that match, with the keys of the O(ionos.activitylog.activity_log_info#module:filters)
        option of the module (V(username), V(event_type), V(resource_type), V(resource_action), V(errors_only), ...).
      - The watermark moves with every entry read, matching or not.
    type: dict
  page_size:
    description: Entries per request, from 1 to 1000.
    type: int
    default: 100
  concurrency:
    description: Requests in flight at once, from 1 to 32.
    type: int
    default: 4
  interval:
    description: Seconds between two polls (a number; fractions allowed), at most 86400.
    type: float
    default: 60
  start:
    description:
      - Where the first run begins, with the time syntax of the module (V(now), V(-15m), V(-24h), RFC 3339, a date).
        Entries before it are never put.
      - Ignored when O(state_file) holds the progress of an earlier run (a log line says so).
    type: str
    default: now
  overlap:
    description:
      - Seconds before the watermark that every poll reads again, to catch entries that reach the API late. An entry
        is put when it reaches the API less than O(overlap) minus O(interval) after its own time. At most 2592000 (30 days).
    type: float
    default: 300
  max_seen:
    description:
      - Most ids kept to recognise entries already put. Ids older than the watermark minus O(overlap) are dropped
        anyway; when more remain, the oldest are dropped and the overlap is narrowed to after them (a warning says
        so): no entry is put twice, but entries that arrive later than that narrowed overlap are missed.
    type: int
    default: 10000
  state_file:
    description:
      - A JSON file for the watermark and the recent ids, written atomically after every poll and when the source
        stops. Its directory must exist. Give every rulebook source its own file.
    type: path
'''

EXAMPLES = r'''
- name: React to IONOS Cloud activity
  hosts: localhost
  sources:
    - ionos.activitylog.activity_log:
        contract_numbers: [31909628]
        interval: 60
        state_file: /var/lib/eda/ionos-activity.json
        filters:
          resource_type: datacenter
  rules:
    - name: A datacenter was deleted
      condition: event.action == "DELETE" and event.status == "DONE" and event.event_type == "RequestStatusUpdate"
      action:
        run_playbook:
          name: on_datacenter_deleted.yml
'''

LOGGER = logging.getLogger('ionos.activitylog.eda.activity_log')
COLLECTION = ('ansible_collections', 'ionos', 'activitylog')
INSIDE_COLLECTION = ('extensions', 'eda', 'plugins', 'event_source')
STATE_VERSION = 1
MAX_BACKOFF_SECONDS = 300.0
MAX_INTERVAL_SECONDS = 86400
MAX_OVERLAP_SECONDS = 30 * 86400
BACKOFF_INTERVALS = 16
FATAL_STATUSES = (400, 401, 403, 404)
DEFAULTS = {'interval': 60, 'start': 'now', 'overlap': 300, 'max_seen': 10000, 'state_file': None}
FETCH_OPTIONS = ('token', 'username', 'password', 'api_url', 'certificate_fingerprint', 'validate_certs', 'ca_path', 'timeout',
                 'retries', 'proxy', 'contract_numbers', 'page_size', 'concurrency')
NOT_FOR_EVENTS = {
    'end': 'every poll reads up to now',
    'max_items': 'every new entry is put once',
    'format': 'events are always normalized entries',
    'query': 'select with filters here and with the conditions of the rules',
}
MILLISECOND = timedelta(milliseconds=1)
MISSING_COLLECTION = ('ionos.activitylog.activity_log needs the ionos.activitylog collection installed as ansible_collections/ionos/activitylog, '
                      'and ansible-core and requests in the Python that runs ansible-rulebook: %s')


def collections_root(path: str) -> str | None:
    """The directory holding ``ansible_collections/`` when ``path`` is this file inside an installed collection."""
    parts = os.path.abspath(path).split(os.sep)
    tail = COLLECTION + INSIDE_COLLECTION
    if len(parts) < len(tail) + 2 or tuple(parts[-len(tail) - 1:-1]) != tail:
        return None
    return os.sep.join(parts[:-len(tail) - 1]) or os.sep


def _import_collection(name: str):
    """ansible-rulebook runs this file by path without the collections root on sys.path: add it from __file__."""
    try:
        return importlib.import_module(name)
    except ImportError as error:
        root = collections_root(__file__)
        if root is None or root in sys.path:
            raise ImportError(MISSING_COLLECTION % error) from None
    sys.path.append(root)
    importlib.invalidate_caches()
    try:
        return importlib.import_module(name)
    except ImportError as error:
        raise ImportError(MISSING_COLLECTION % error) from None


_UTILS = 'ansible_collections.ionos.activitylog.plugins.module_utils.'
_activity = _import_collection(_UTILS + 'activity')
_client = _import_collection(_UTILS + 'client')
_errors = _import_collection(_UTILS + 'errors')
_filters = _import_collection(_UTILS + 'filters')
_options = _import_collection(_UTILS + 'options')
_timeparse = _import_collection(_UTILS + 'timeparse')
ActivityLogError = _errors.ActivityLogError
ApiError = _errors.ApiError
OptionError = _errors.OptionError
shown = _errors.shown
format_time = _timeparse.format_time
parse_rfc3339 = _timeparse.parse_rfc3339


class SourceConfig:
    """The validated arguments of the source; OptionError naming the option otherwise, before any request."""

    def __init__(self, args: dict, environ=None):
        if not isinstance(args, dict):
            raise OptionError('the arguments of ionos.activitylog.activity_log must be a mapping, not %s' % type(args).__name__)
        args = _canonical_names(args)
        environ = os.environ if environ is None else environ
        self.fetch_options = {name: args.get(name) for name in FETCH_OPTIONS if args.get(name) is not None}
        for name, spec in _options.ARGUMENT_SPEC.items():
            if name in FETCH_OPTIONS and name not in self.fetch_options and 'fallback' in spec:
                found = [environ[variable] for variable in spec['fallback'][1] if environ.get(variable)]
                if found:
                    self.fetch_options[name] = found[0]
        self.fetch_options['format'] = 'normalized'
        given = dict(DEFAULTS, **{name: value for name, value in args.items() if value is not None})
        self.interval = _seconds(given['interval'], 'interval', allow_zero=False, most=MAX_INTERVAL_SECONDS)
        self.overlap = timedelta(seconds=_seconds(given['overlap'], 'overlap', allow_zero=True, most=MAX_OVERLAP_SECONDS))
        self.max_seen = _count(given['max_seen'], 'max_seen')
        now = _now()
        self.start = _timeparse.parse_time(given['start'], now, 'start')
        self.entry_filter = _filters.EntryFilter.from_option(args.get('filters'))
        settings = _options.settings_from_options(dict(self.fetch_options, start=now - timedelta(minutes=1), end=now), now)
        self.url = _client.without_userinfo(_client.base_url(settings.api_url))
        self.contracts = settings.contract_numbers
        self.state_file = _state_path(args.get('state_file'))
        if not _client.HAS_REQUESTS:
            raise OptionError('ionos.activitylog.activity_log needs the requests Python library where ansible-rulebook runs '
                              '(the decision environment): pip install requests')


def _canonical_names(args: dict) -> dict:
    """Aliases resolved, ansible-rulebook's own ``eda_*`` arguments dropped, unknown names refused."""
    known = set(FETCH_OPTIONS) | set(DEFAULTS) | {'filters'}
    result = {}
    for key, value in args.items():
        if not isinstance(key, str) or key.startswith('eda_'):
            continue
        if key in NOT_FOR_EVENTS:
            raise OptionError('%s is not an option of the event source: %s' % (key, NOT_FOR_EVENTS[key]))
        name = _options.ALIASES.get(key, key)
        if name not in known:
            raise OptionError('unknown option %r of ionos.activitylog.activity_log; the options are: %s' % (key, ', '.join(sorted(known))))
        if name in result:
            raise OptionError('%s is given twice (as %s and as an alias): give it once' % (name, key))
        result[name] = value
    return result


def _seconds(value, name: str, allow_zero: bool, most: float) -> float:
    try:
        number = float(value) if not isinstance(value, bool) else math.nan
    except (TypeError, ValueError, OverflowError):
        number = math.nan
    if not math.isfinite(number) or number < 0 or (number == 0 and not allow_zero) or number > most:
        bound = 'at least 0' if allow_zero else 'above 0'
        raise OptionError('%s must be a number of seconds %s and at most %d, not %s' % (name, bound, most, shown(value)))
    return number


def _count(value, name: str) -> int:
    try:
        number = int(str(value).strip()) if not isinstance(value, (bool, float)) else None
    except ValueError:
        number = None
    if number is None or number < 1:
        raise OptionError('%s must be a whole number of at least 1, not %s' % (name, shown(value)))
    return number


def _state_path(value) -> str | None:
    if value is None or value == '':
        return None
    if not isinstance(value, str):
        raise OptionError('state_file must be a path, not %s' % shown(value))
    path = os.path.abspath(os.path.expanduser(value))
    folder = os.path.dirname(path)
    if not os.path.isdir(folder) or not os.access(folder, os.W_OK):
        raise OptionError('state_file %s: the directory %s does not exist or is not writable; create it first' % (path, folder))
    if os.path.isdir(path):
        raise OptionError('state_file %s is a directory: give the path of a file' % path)
    return path


def _now() -> datetime:
    return _timeparse.to_utc(datetime.now(timezone.utc))


class Progress:
    """How far the source got: the watermark (newest entry time processed), the floor (nothing before it is ever
    put) and the ids put at or after watermark minus overlap, with their times (canonical strings)."""

    def __init__(self, watermark: datetime, floor: datetime, seen: dict):
        self.watermark = watermark
        self.floor = floor
        self.seen = seen
        self.changed = True

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
        self.changed = True

    def forget(self, overlap: timedelta, max_seen: int):
        """Drop ids no window reads again; then, above ``max_seen``, the oldest, raising the floor past them.

        Returns the time of the newest id dropped for the bound (None when the bound was not reached).
        """
        cutoff = format_time(self.window_start(overlap))
        stale = [ident for ident, moment in self.seen.items() if moment < cutoff]
        for ident in stale:
            del self.seen[ident]
        self.changed = self.changed or bool(stale)
        if len(self.seen) <= max_seen:
            return None
        ordered = sorted(self.seen.items(), key=lambda item: (item[1], item[0]))
        newest_dropped = ordered[len(ordered) - max_seen - 1][1]
        for ident, moment in ordered:
            if moment > newest_dropped:
                break
            del self.seen[ident]
        self.floor = max(self.floor, parse_rfc3339(newest_dropped) + MILLISECOND)
        self.changed = True
        return newest_dropped

    def to_json(self) -> dict:
        return {'version': STATE_VERSION, 'watermark': format_time(self.watermark), 'floor': format_time(self.floor),
                'seen': dict(sorted(self.seen.items(), key=lambda item: (item[1], item[0])))}

    @classmethod
    def from_json(cls, data, path: str) -> Progress:
        problem = 'it is not a JSON object' if not isinstance(data, dict) else None
        if problem is None and data.get('version') != STATE_VERSION:
            problem = 'its version is %r, not %d' % (data.get('version'), STATE_VERSION)
        watermark = parse_rfc3339(data.get('watermark')) if problem is None else None
        floor = parse_rfc3339(data.get('floor')) if problem is None else None
        seen = data.get('seen') if problem is None else None
        if problem is None and (watermark is None or floor is None):
            problem = 'watermark or floor is not an RFC 3339 time'
        if problem is None and (not isinstance(seen, dict) or not all(
                isinstance(key, str) and parse_rfc3339(value) is not None for key, value in seen.items())):
            problem = 'seen is not a mapping of ids to times'
        if problem is not None:
            raise OptionError('state_file %s is not a state this source wrote (%s): fix it, or remove it to begin at start' % (path, problem))
        progress = cls(watermark, floor, {key: format_time(parse_rfc3339(value)) for key, value in seen.items()})
        progress.changed = False
        return progress


def load_state(path: str) -> Progress | None:
    """The progress saved in ``path``; None when the file does not exist (a first run)."""
    try:
        with open(path, encoding='utf-8') as handle:
            text = handle.read()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise OptionError('state_file %s cannot be read: %s' % (path, error.strerror or error)) from None
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    return Progress.from_json(data, path)


def save_state(path: str, progress: Progress) -> None:
    """Write the progress atomically: a temporary file beside ``path``, flushed, then renamed over it."""
    if not progress.changed:
        return
    folder = os.path.dirname(path)
    handle, temporary = tempfile.mkstemp(prefix='.%s.' % os.path.basename(path), suffix='.tmp', dir=folder)
    try:
        with os.fdopen(handle, 'w', encoding='utf-8') as stream:
            json.dump(progress.to_json(), stream, separators=(',', ':'))
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    progress.changed = False


class Backoff:
    """Delays after failed polls: one interval, doubling, capped, each drawn between half and all of it."""

    def __init__(self, interval: float, rng=None):
        self.interval = interval
        self.cap = max(interval, min(MAX_BACKOFF_SECONDS, interval * BACKOFF_INTERVALS))
        self.failures = 0
        self.rng = rng or random.Random()

    def failed(self) -> float:
        self.failures += 1
        ceiling = min(self.cap, self.interval * 2 ** min(self.failures - 1, 30))
        return self.rng.uniform(ceiling / 2, ceiling)

    def succeeded(self) -> None:
        self.failures = 0


def is_fatal(error: Exception) -> bool:
    """Errors that polling again cannot cure: invalid options, refused credentials or rights, a wrong URL."""
    if isinstance(error, OptionError):
        return True
    return isinstance(error, ApiError) and error.status in FATAL_STATUSES


async def in_daemon_thread(function, *args):
    """Run a blocking call in a daemon thread and await it.

    Unlike asyncio.to_thread, a cancelled caller returns at once, and asyncio.run does not wait at shutdown for a
    request still in flight (the thread's result is then dropped).
    """
    loop = asyncio.get_running_loop()
    future = loop.create_future()

    def settle(result, error):
        if not future.done():
            if error is None:
                future.set_result(result)
            else:
                future.set_exception(error)

    def work():
        try:
            outcome = (function(*args), None)
        except Exception as error:  # pylint: disable=broad-exception-caught  # handed to the awaiting coroutine
            outcome = (None, error)
        try:
            loop.call_soon_threadsafe(settle, *outcome)
        except RuntimeError:  # the loop is closed: nobody waits any more
            pass

    threading.Thread(target=work, name='ionos-activitylog-poll', daemon=True).start()
    return await future


def read_window(fetch_options: dict, start: datetime, now: datetime) -> dict:
    """One poll: every entry of [start, now) of the contracts, unfiltered, through the collection's reader."""
    return _activity.fetch_activity(dict(fetch_options, start=start, end=now), now=now)


async def main(queue, args: dict) -> None:
    """Poll the Activity Log and put every new entry on ``queue`` once; runs until cancelled or a fatal error."""
    config = SourceConfig(args)
    progress = load_state(config.state_file) if config.state_file else None
    if progress is None:
        progress = Progress(config.start, config.start, {})
        LOGGER.info('polling %s every %gs from %s', config.url, config.interval, format_time(config.start))
    else:
        LOGGER.info('polling %s every %gs; state_file %s: continuing from watermark %s (the start option is ignored)',
                    config.url, config.interval, config.state_file, format_time(progress.watermark))
    backoff = Backoff(config.interval)
    warned = set()
    try:
        while True:
            now = _now()
            start = progress.window_start(config.overlap)
            if start >= now:
                await asyncio.sleep(config.interval)
                continue
            try:
                result = await in_daemon_thread(read_window, config.fetch_options, start, now)
            except ActivityLogError as error:
                if is_fatal(error):
                    raise
                delay = backoff.failed()
                LOGGER.warning('reading the activity log failed (%d in a row): %s; polling again in %.1fs',
                               backoff.failures, error, delay)
                await asyncio.sleep(delay)
                continue
            backoff.succeeded()
            for warning in result.get('warnings', ()):
                if warning not in warned:
                    warned.add(warning)
                    LOGGER.warning('%s', warning)
            await _put_new(queue, config, progress, result['activities'], start)
            dropped = progress.forget(config.overlap, config.max_seen)
            if dropped is not None:
                LOGGER.warning('max_seen=%d reached: entries up to %s are no longer read again, so an entry that arrives '
                               'later than that is missed; raise max_seen or lower overlap', config.max_seen, dropped)
            if config.state_file:
                save_state(config.state_file, progress)
            await asyncio.sleep(config.interval)
    finally:
        if config.state_file:
            try:
                save_state(config.state_file, progress)
            except OSError as error:
                LOGGER.error('state_file %s could not be written: %s', config.state_file, error)


async def _put_new(queue, config: SourceConfig, progress: Progress, entries: list, start: datetime) -> None:
    """Put the entries not put before, in time order; each is recorded as soon as its turn is done."""
    for entry in progress.new_entries(entries):
        wanted = config.entry_filter.matches(entry)
        if wanted:
            await queue.put(entry)
        progress.processed(entry, wanted, start)


if __name__ == '__main__':
    # Try it without ansible-rulebook: python activity_log.py '{"interval": 10, "start": "-1h"}' (IONOS_TOKEN set)
    class _PrintQueue:
        """Prints each event as one JSON line."""

        async def put(self, event):
            print(json.dumps(event, sort_keys=True), flush=True)

    logging.basicConfig(level=logging.INFO)
    asyncio.run(main(_PrintQueue(), json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}))

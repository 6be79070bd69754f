# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Random option values through activity_log_info run as a real process against the emulator: every run ends in
``failed`` with a message, or in the result an independent oracle computes from the emulator's whole log; never a
traceback, never the token. The strategies and the oracle are shared with the lookup's property test.

Each example is a process, so the count is small and shrinking is off in CI (derandomized, no database);
ACTIVITYLOG_HYPOTHESIS=explore draws ten times as many fresh ones, shrinks, and prints the seed of a failure.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import example, given, strategies as st

from ansible_collections.ionos.activitylog.plugins.module_utils.activity import fetch_activity
from ansible_collections.ionos.activitylog.plugins.module_utils.errors import OptionError
from ansible_collections.ionos.activitylog.plugins.module_utils.filters import EntryFilter
from ansible_collections.ionos.activitylog.plugins.module_utils.normalize import entry_id
from ansible_collections.ionos.activitylog.plugins.module_utils.timeparse import format_time, parse_time, to_utc
from ansible_collections.ionos.activitylog.tests.unit.plugins.hypothesis_profiles import process_settings


MODULE = 'ansible_collections.ionos.activitylog.plugins.modules.activity_log_info'
TOKEN = 'reseller-token'
PASSWORD = 'reseller-password'
CONTRACTS = (31909628, 31909629)
EMULATOR_ARGS = ('--contracts', '2', '--entries', '150', '--days', '3', '--seed', '17')
EMULATOR = '{emulator}'  # replaced by the emulator's URL in api_url values
HOST = '{host}'  # replaced by its host:port, which the client takes as https://
RUN_TIMEOUT = 120
UTC = timezone.utc
COLLECTIONS_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), *(['..'] * 7)))
# Anything that would leave loopback goes to a closed loopback port instead; the emulator itself is not proxied.
SAFETY_ENVIRONMENT = {'HTTP_PROXY': 'http://127.0.0.1:9', 'HTTPS_PROXY': 'http://127.0.0.1:9', 'ALL_PROXY': 'http://127.0.0.1:9',
                      'NO_PROXY': '127.0.0.1,localhost'}


def mostly(valid, hostile):
    """``valid`` four times in five: most runs get far enough to read, while every option is hostile now and then."""
    return st.integers(0, 9).flatmap(lambda draw: valid if draw < 8 else hostile)


json_scalars = st.one_of(st.none(), st.booleans(), st.integers(-2 ** 70, 2 ** 70), st.floats(), st.text(max_size=16))
hostile = st.recursive(
    json_scalars, lambda children: st.one_of(st.lists(children, max_size=3), st.dictionaries(st.text(max_size=6), children, max_size=3)),
    max_leaves=6)
secrets = st.text(min_size=6, max_size=16).map(lambda text: 'secret-' + text)
IMPORT_NOW = datetime.now(UTC)


def past_time(seconds: int, minutes: int) -> str:
    """An RFC 3339 time ``seconds`` before the import of this file, written in the offset ``minutes``."""
    zone = timezone(timedelta(minutes=minutes))
    return (IMPORT_NOW - timedelta(seconds=seconds)).astimezone(zone).isoformat()


past_times = st.builds(past_time, st.integers(1, 5 * 86400), st.integers(-14 * 60, 14 * 60))
relatives = st.builds('-{0}{1}'.format, st.integers(0, 200), st.sampled_from('smhdw'))

FILTER_VALUES = {
    'username': ['*@example.net', '*@EXAMPLE.com', 'ines*', '*'],
    'event_type': ['Request*', 'Provision', 'error', 'GenerateToken'],
    'exclude_event_type': ['RequestStatusUpdate', 'Request*'],
    'action': ['DELETE', 'get', 'P*'],
    'resource_type': ['server', 'datacenter', 'ipblock', '*'],
    'resource_action': ['*.delete', 'vr.*', 'ip.ipblock.update'],
    'status': ['DONE', 'failed'],
    'source_service': ['PUBLIC_REST_V6', 'dcd'],
    'source_ip': ['192.0.2.0/24', '0.0.0.0/0', '::/0', '10.0.0.0/8', '192.0.2.131'],
}
valid_filters = st.fixed_dictionaries({}, optional=dict(
    [(key, st.one_of(st.sampled_from(values), st.lists(st.sampled_from(values), min_size=1, max_size=2)))
     for key, values in FILTER_VALUES.items()]
    + [('errors_only', st.sampled_from([True, False, 'yes', 'off']))]))
QUERIES = ('length(@)', '[].username', '[?status==`FAILED`].id', '[0]', 'max_by(@, &time).time', '[].resources[].type',
           '@', 'sort_by(@, &id)[:3]', "[?contains(username, 'ines')] | length(@)", 'abs(@)', '[].contract_number | sum(@)')

OPTIONS = {
    'token': mostly(st.just(TOKEN), st.one_of(secrets, st.sampled_from([' %s\n' % TOKEN, TOKEN + '\nX', 'tök€n-ünïcødé', '', '   ']),
                                              hostile)),
    'username': mostly(st.none(), st.one_of(st.sampled_from(['reseller@example.com', 'someone']), hostile)),
    'password': mostly(st.none(), st.one_of(st.just(PASSWORD), secrets)),
    'api_url': mostly(st.sampled_from([EMULATOR, EMULATOR + '/', EMULATOR + '/activitylog/v1', EMULATOR + '/activitylog/v1/']),
                      st.one_of(st.text(max_size=12).map(lambda text: EMULATOR + '/' + text),
                                st.sampled_from([HOST, 'ftp://127.0.0.1:1', '   ', 'http://[::1', EMULATOR + '?x=1']))),
    'validate_certs': mostly(st.sampled_from([True, False, 'yes', 'no']), hostile),
    'ca_path': mostly(st.none(), st.one_of(st.sampled_from(['/', '/nonexistent/ca.pem', os.path.abspath(__file__)]),
                                           st.text(max_size=12), hostile)),
    'timeout': mostly(st.one_of(st.floats(2, 1e6), st.integers(2, 10 ** 6), st.sampled_from(['30', '7.5'])),
                      st.one_of(st.sampled_from([0, -1, 'soon', float('nan'), float('inf'), 1e308, 1e-9]), hostile)),
    'retries': mostly(st.integers(0, 3), st.one_of(st.sampled_from([-1, 101, 2 ** 70, '2', 'many', 2.5]), hostile)),
    'contract_numbers': mostly(
        st.one_of(st.none(), st.sampled_from([[31909628], [31909629, 31909628], [31909628, 31909628], '31909628', 31909628, ['31909629']])),
        st.one_of(st.lists(st.integers(-5, 2 ** 70), max_size=3), st.sampled_from([[], [0], ['abc'], [[1]], [{'a': 1}]]), hostile)),
    'start': mostly(st.one_of(st.sampled_from(['-1d', '-36h', '-3d', '-4d', '-90m', '-1w', '2000-01-01', '0001-01-01']), relatives, past_times),
                    st.one_of(st.text(max_size=12), st.sampled_from(['+1h', '1h', '-1y', 'tomorrow', '9999-12-31', 'now']), hostile)),
    'end': mostly(st.one_of(st.sampled_from(['now', 'NOW', ' now ', '-1h', '-0s', '-2d']), past_times),
                  st.one_of(st.text(max_size=12), st.sampled_from(['+1h', '2999-01-01', '-99999999d']), hostile)),
    'page_size': mostly(st.one_of(st.integers(1, 1000), st.just('50')), st.one_of(st.sampled_from([0, -1, 1001, 2 ** 70, 'ten', 2.5]), hostile)),
    'concurrency': mostly(st.integers(1, 32), st.one_of(st.sampled_from([0, 33, -1, 2 ** 70, 'four']), hostile)),
    'max_items': mostly(st.one_of(st.none(), st.integers(1, 400)), st.one_of(st.sampled_from([0, -1, 'x', 2 ** 70]), hostile)),
    'filters': mostly(st.one_of(st.none(), valid_filters),
                      st.one_of(st.dictionaries(st.text(max_size=8), hostile, max_size=2),
                                st.dictionaries(st.sampled_from(sorted(FILTER_VALUES)), hostile, min_size=1, max_size=2), hostile)),
    'query': mostly(st.one_of(st.none(), st.sampled_from(QUERIES)), st.one_of(st.text(max_size=15), hostile)),
    'format': mostly(st.sampled_from(['normalized', 'raw']), st.one_of(st.sampled_from(['RAW', 'xml', '']), hostile)),
}


# Hostile values found by these properties, always run first (as explicit examples) so that CI never misses them.
KNOWN_HOSTILE = (
    {'api_url': EMULATOR, 'token': 'tök€n-ünïcødé'},  # not latin-1, so no HTTP header can carry it
    {'api_url': EMULATOR, 'token': TOKEN, 'query': 'abs(@)'},  # valid JMESPath that fails on the entries
    {'api_url': EMULATOR, 'token': TOKEN, 'timeout': 1e10},  # more seconds than a socket timeout can hold
    {'api_url': 'http://[::1', 'token': TOKEN},  # an unclosed IPv6 bracket: urllib refuses to parse it
    {'api_url': EMULATOR, 'token': TOKEN, 'start': '0001-01-01', 'contracts': '31909629', 'format': 'raw', 'max_items': 3},
)


def with_known_hostile(*more):
    """Decorate a property with the KNOWN_HOSTILE option sets as explicit examples (``more``: its other arguments)."""
    def decorate(test):
        for options in reversed(KNOWN_HOSTILE):
            test = example(dict(options), *more)(test)
        return test
    return decorate


@st.composite
def option_sets(draw, names=tuple(OPTIONS)):
    """Some of the options (the others keep their defaults); contract_numbers under any of its names."""
    chosen = draw(st.sets(st.sampled_from(names), max_size=len(names)))
    options = {name: draw(OPTIONS[name]) for name in names if name in chosen or name in ('api_url', 'token')}
    if 'contract_numbers' in options:
        options[draw(st.sampled_from(['contract_numbers', 'contract_number', 'contracts']))] = options.pop('contract_numbers')
    return bounded(options)


def bounded(options: dict) -> dict:
    """A sub-second timeout makes every request time out: without retries the run fails at once instead of backing off."""
    try:
        timeout = float(options.get('timeout', 30))
    except (TypeError, ValueError, OverflowError):
        return options
    if 0 < timeout < 1:
        options['retries'] = 0
    return options


def located(options: dict, url: str) -> dict:
    """The options with the emulator's address put into api_url."""
    api_url = options.get('api_url')
    if isinstance(api_url, str):
        options = dict(options, api_url=api_url.replace(EMULATOR, url).replace(HOST, url.split('://', 1)[1]))
    return options


def secret_values(options: dict) -> list:
    """The credentials of a run that must appear nowhere in its output (those long enough to be recognisable)."""
    values = [TOKEN, PASSWORD]
    for name in ('token', 'password'):
        value = options.get(name)
        if isinstance(value, str) and len(value.strip()) >= 8:
            values.append(value.strip())
    return values


class Log:
    """The emulator's whole log, read once with default options and checked against its ground truth."""

    def __init__(self, emulator):
        self.normalized, self.raw = {}, {}
        for contract in CONTRACTS:
            options = {'api_url': emulator.url, 'token': TOKEN, 'contract_numbers': [contract], 'start': '-30d', 'page_size': 1000}
            normalized = fetch_activity(options)['activities']
            raw = fetch_activity(dict(options, format='raw'))['activities']
            truth = emulator.entry_ids(contract, '2000-01-01T00:00:00Z', '2100-01-01T00:00:00Z')
            assert sorted(entry['id'] for entry in normalized) == sorted(truth) == sorted(entry_id(source) for source in raw)
            assert [entry['id'] for entry in normalized] == [entry_id(source) for source in raw]
            self.normalized[contract], self.raw[contract] = normalized, raw

    def expected(self, effective: dict, start: str, end: str) -> dict:
        """What a run with the converted options ``effective`` over [start, end) must return (the oracle)."""
        contracts = []
        for number in effective.get('contract_numbers') or CONTRACTS:
            if int(number) not in contracts:
                contracts.append(int(number))
        chosen, total = [], 0
        entry_filter = EntryFilter.from_option(effective.get('filters'))
        for contract in contracts:
            for entry, source in zip(self.normalized[contract], self.raw[contract]):
                if start <= entry['time'] < end:
                    total += 1
                    if entry_filter.matches(entry):
                        chosen.append((entry['time'], entry['id'], entry, source))
        chosen.sort(key=lambda item: (item[0], item[1]))
        matched, limit = len(chosen), effective.get('max_items')
        if limit is not None:
            chosen = chosen[-int(limit):]
        raw = effective.get('format') == 'raw'
        activities = [source if raw else entry for _time, _ident, entry, source in chosen]
        if effective.get('query'):
            import jmespath  # pylint: disable=import-outside-toplevel
            activities = jmespath.search(effective['query'], activities)
        return {'activities': activities, 'total': total, 'matched': matched, 'returned': len(chosen),
                'truncated': len(chosen) < matched, 'contracts': contracts}


def absolute_time(value):
    """The result form of an absolute start or end, None for a relative one (it depends on when the run started)."""
    try:
        first = parse_time(value, datetime(2030, 1, 1, tzinfo=UTC))
        second = parse_time(value, datetime(2031, 1, 1, tzinfo=UTC))
    except (OptionError, TypeError, ValueError):  # a refusal: the run must have refused it as well
        return None
    return format_time(first) if first == second else None


@pytest.fixture(scope='module')
def log(start_emulator):
    emulator = start_emulator(*EMULATOR_ARGS)
    return emulator.url, Log(emulator)


def module_environment(url: str) -> dict:
    environment = {name: value for name, value in os.environ.items() if not name.startswith('IONOS_') and 'PROXY' not in name.upper()}
    environment.update(SAFETY_ENVIRONMENT, IONOS_API_URL=url)
    collections = os.environ.get('ANSIBLE_COLLECTIONS_PATH', COLLECTIONS_ROOT)
    environment['PYTHONPATH'] = os.pathsep.join(path for path in [collections, os.environ.get('PYTHONPATH', '')] + sys.path if path)
    return environment


def run_module(options: dict, url: str):
    """(parsed JSON or None, stdout + stderr) of one run of the module as its own process."""
    with tempfile.TemporaryDirectory() as workdir:
        arguments = os.path.join(workdir, 'args.json')
        with open(arguments, 'w', encoding='utf-8') as handle:
            json.dump({'ANSIBLE_MODULE_ARGS': options}, handle)
        done = subprocess.run([sys.executable, '-m', MODULE, arguments], cwd=workdir, env=module_environment(url), capture_output=True,
                              timeout=RUN_TIMEOUT, check=False)
    output = done.stdout.decode('utf-8', 'replace') + done.stderr.decode('utf-8', 'replace')
    try:
        return json.loads(done.stdout), output
    except ValueError:
        return None, output


@process_settings(15 if sys.version_info >= (3, 11) else 6)
@with_known_hostile()
@given(option_sets())
def test_random_options_fail_with_a_message_or_return_the_right_entries(log, options):
    url, truth = log
    options = located(options, url)
    result, output = run_module(options, url)
    shown = 'options %s gave: %s' % (json.dumps(options)[:2000], output[-3000:])
    assert 'Traceback' not in output and 'File "' not in output, shown
    assert result is not None, shown
    for secret in secret_values(options):
        assert secret not in output and json.dumps(secret)[1:-1] not in output, shown
    if result.get('failed'):
        assert isinstance(result.get('msg'), str) and result['msg'].strip(), shown
        return
    effective = result['invocation']['module_args']
    for name in ('start', 'end'):
        fixed = absolute_time(effective[name])
        # an end after now is read up to now: the window then ends earlier than asked
        assert fixed is None or result['window'][name] == fixed or (name == 'end' and result['window'][name] < fixed), \
            (name, effective[name], result['window'])
    expected = truth.expected(effective, result['window']['start'], result['window']['end'])
    assert result['contracts'] == expected['contracts']
    for name in ('total', 'matched', 'returned', 'truncated', 'activities'):
        assert result[name] == expected[name], (name, json.dumps(options)[:2000])
    assert result['changed'] is False


def test_a_run_with_sane_options_returns_the_whole_log(log):
    """The property above must not pass by failing everything: the plain run is compared entry by entry."""
    url, truth = log
    result, output = run_module({'api_url': url, 'token': TOKEN, 'start': '-30d', 'end': 'now'}, url)
    assert result is not None and not result.get('failed'), output[-3000:]
    assert result['activities'] == truth.expected({}, result['window']['start'], result['window']['end'])['activities']
    assert result['returned'] == len(CONTRACTS) * 150


def test_unknown_options_fail_with_their_name(log):
    url, _truth = log
    result, output = run_module({'api_url': url, 'token': TOKEN, 'filter': {'username': 'x'}}, url)
    assert result is not None and result.get('failed'), output[-3000:]
    assert 'filter' in result['msg'] and TOKEN not in output


def test_the_oracle_knows_the_window_bounds():
    assert absolute_time('2024-05-01T14:00:00+02:00') == '2024-05-01T12:00:00.000Z'
    assert absolute_time('-1d') is None and absolute_time('garbage') is None
    assert format_time(to_utc(datetime(2024, 5, 1))) == '2024-05-01T00:00:00.000Z'

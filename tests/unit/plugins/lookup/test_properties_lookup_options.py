# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Random option values and terms through the activity_log lookup, in process, against the emulator: every call
raises an Ansible error with a message, or returns what an independent oracle computes from the emulator's whole
log; never another exception, never the token. Strategies and oracle come from the module's property test.

Derandomized without shrinking in CI (no database); ACTIVITYLOG_HYPOTHESIS=explore draws ten times as many fresh
examples, shrinks, and prints the seed of a failure.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import example, given, strategies as st

from ansible.errors import AnsibleError, AnsibleLookupError, AnsibleOptionsError
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import lookup_loader
from ansible.template import Templar

from ansible_collections.ionos.activitylog.plugins.module_utils.options import ARGUMENT_SPEC
from ansible_collections.ionos.activitylog.plugins.module_utils.timeparse import format_time, resolve_window
from ansible_collections.ionos.activitylog.tests.unit.plugins.modules.test_properties_module_options import (
    CONTRACTS, EMULATOR_ARGS, SAFETY_ENVIRONMENT, TOKEN, Log, absolute_time, hostile, located, option_sets, process_settings,
    secret_values, with_known_hostile,
)

UTC = timezone.utc
OPTION_NAMES = tuple(ARGUMENT_SPEC) + ('contract_number', 'contracts')
terms = st.integers(0, 9).flatmap(lambda draw: st.just([]) if draw < 7 else st.one_of(
    st.sampled_from([[31909629], [31909628, [31909629]], ['31909628']]), st.lists(hostile, max_size=2)))


def lookup():
    return lookup_loader.get('ionos.activitylog.activity_log', loader=DataLoader(), templar=Templar(loader=DataLoader()))


@pytest.fixture(scope='module')
def log(start_emulator):
    """The emulator, its whole log, and an environment whose only API is the emulator (restored afterwards)."""
    emulator = start_emulator(*EMULATOR_ARGS)
    saved = dict(os.environ)
    try:
        for name in list(os.environ):
            if name.startswith('IONOS_') or 'PROXY' in name.upper():
                del os.environ[name]
        os.environ.update(SAFETY_ENVIRONMENT, IONOS_API_URL=emulator.url)
        yield emulator.url, Log(emulator)
    finally:
        os.environ.clear()
        os.environ.update(saved)


def shown(value) -> str:
    """repr() for a failure message, short, and safe for integers too long to print."""
    try:
        return repr(value)[:1500]
    except ValueError:
        return '<a value holding an integer too long to print>'


def now_seconds() -> datetime:
    """The "now" a run resolves relative times against: the current second (options.settings_from_options)."""
    return datetime.now(UTC).replace(microsecond=0)


def effective_options(plugin, call_terms: list) -> dict:
    """The option values the lookup ran with, after Ansible's conversions, terms taken as contracts as it does."""
    effective = {name: plugin.get_option(name) for name in ARGUMENT_SPEC}
    if call_terms:
        effective['contract_numbers'] = [number for term in call_terms for number in (term if isinstance(term, list) else [term])]
    return effective


def expectations(truth: Log, effective: dict, first: datetime, last: datetime) -> list:
    """The results the oracle accepts: one per second the run may have taken as its "now"."""
    accepted = []
    moment = first
    while moment <= last:
        start, end = resolve_window(effective.get('start') or '-24h', effective.get('end') or 'now', moment)
        end = min(end, moment)  # an end after now is read up to now
        expected = truth.expected(effective, format_time(start), format_time(end))['activities']
        accepted.append(expected if isinstance(expected, list) else [expected])
        moment += timedelta(seconds=1)
    return accepted


@process_settings(40)
@with_known_hostile([])
@example({'api_url': '{emulator}', 'token': TOKEN, 'page_size': 10 ** 5000}, [])  # an int too long to write as text (Python 3.11+)
@given(option_sets(), terms)
def test_random_options_raise_a_clear_error_or_return_the_right_entries(log, options, call_terms):
    url, truth = log
    options = located(options, url)
    plugin = lookup()
    first = now_seconds()
    try:
        result = plugin.run(call_terms, variables={}, **options)
    except AnsibleError as error:
        message = str(error)
        assert message.strip(), shown(options)
        assert isinstance(error, AnsibleLookupError) or (
            isinstance(error, AnsibleOptionsError) and any(name in message for name in OPTION_NAMES)), (type(error), message)
        for secret in secret_values(options):
            assert secret not in message, shown(options)
        return
    except Exception as error:  # pylint: disable=broad-exception-caught  # the property: nothing else may escape
        raise AssertionError('options %s with terms %s raised %s, not an Ansible error with a message: %s'
                             % (shown(options), shown(call_terms), type(error).__name__, shown(str(error)))) from error
    last = now_seconds()
    effective = effective_options(plugin, call_terms)
    for name in ('start', 'end'):
        assert absolute_time(effective[name]) is None or absolute_time(effective[name]) == absolute_time(options.get(name)), name
    assert result in expectations(truth, effective, first, last), shown(options)


@pytest.mark.parametrize('typo, value', [
    ('filter', {'username': 'nobody@example.com'}),
    ('max_item', 1),
    ('contract', [31909629]),
    ('Query', 'length(@)'),
])
def test_a_misspelt_option_is_refused_rather_than_ignored(log, typo, value):
    """An option the lookup does not know would silently widen the answer (a filter left out): it must fail, naming it."""
    url, _truth = log
    with pytest.raises(AnsibleError) as caught:
        lookup().run([], variables={}, api_url=url, token=TOKEN, start='-30d', **{typo: value})
    assert typo in str(caught.value)


def test_the_sane_call_returns_the_whole_log(log):
    """The property above must not pass by failing everything: a plain call is compared entry by entry."""
    url, truth = log
    first = now_seconds()
    result = lookup().run([], variables={}, api_url=url, token=TOKEN, start='-30d')
    effective = {'start': '-30d', 'end': 'now'}
    assert result in expectations(truth, effective, first, now_seconds())
    assert len(result) == len(CONTRACTS) * 150


def test_option_errors_name_the_option(log):
    url, _truth = log
    with pytest.raises(AnsibleLookupError) as caught:
        lookup().run([], variables={}, api_url=url, token=TOKEN, page_size=0)
    assert 'page_size must be from 1 to 1000, not 0' in str(caught.value)

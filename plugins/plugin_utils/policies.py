# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Compliance policies over normalized Activity Log entries: validated once, then judged entry by entry.

The rules, pinned by the unit tests and described for users in docs/compliance.md:

* A write action is what ``summary.is_write`` says (POST, PUT, PATCH, DELETE, or a writing resource action),
  failed attempts included: an attempt by the wrong person or at the wrong time is what an auditor wants to see.
* Entries are selected by the module's own matcher: a rule of ``forbidden_resource_actions`` or
  ``forbidden_event_types`` is an ``EntryFilter`` of its keys, ``allowed_source_networks`` its ``AddressCheck``, and
  the values are parsed by the same parsers (option_values), so globs are case-insensitive fnmatch patterns on whole
  values exactly as in ``filters``.
* Fail closed: an entry a policy cannot check (no username where a user matters, no parsable source address,
  no parsable time) offends that policy and is counted as ``unverifiable`` as well.
* Every entry of a request is judged on its own, so ``offending`` lists every offending entry and ``requests``
  counts the distinct ``request_id`` values among them (an entry without one counts as a request of its own).
* The entries must be normalized entries with every field the policies read (POLICY_FIELDS; ``format: normalized``,
  no ``query``): a field that is absent could hide a violation, so such input is an error rather than a pass.
"""

from __future__ import annotations

from ansible_collections.ionos.activitylog.plugins.module_utils import option_values as values
from ansible_collections.ionos.activitylog.plugins.module_utils.filters import RESOURCE_KEYS, AddressCheck, EntryFilter, compile_values, is_error
from ansible_collections.ionos.activitylog.plugins.module_utils.timeparse import is_canonical_time
from ansible_collections.ionos.activitylog.plugins.plugin_utils.change_windows import ChangeWindows
from ansible_collections.ionos.activitylog.plugins.plugin_utils.summary import is_write

# The structure of ``policies``; options.policies.suboptions of the module's DOCUMENTATION declares the same (a unit test ties them).
POLICY_NAMES = ('allowed_users', 'forbidden_resource_actions', 'change_windows', 'allowed_source_networks',
                'max_errors', 'max_failed_requests', 'forbidden_event_types')
RESOURCE_RULE_KEYS = RESOURCE_KEYS + ('allowed_users',)
EVENT_RULE_KEYS = ('event_type', 'allowed_users')
EVENT_RULE_REQUIRED = ('event_type',)
# The fields an entry must have to be judged: the 14 of the normalized entry before event_service, initiator and
# queue_ref_id were added, which the policies do not read, so that JSON Lines stored by an earlier version still judge.
POLICY_FIELDS = ('id', 'time', 'contract_number', 'username', 'source_ip', 'source_service', 'event_type', 'status', 'action',
                 'uri', 'message', 'request_id', 'resources', 'error')
REQUIRED_FIELDS = frozenset(POLICY_FIELDS)

OK, VIOLATION, UNVERIFIABLE = 0, 1, 2


class PolicyError(ValueError):
    """A policy that cannot be evaluated as written; the message names the value and the fix."""


class EntriesError(ValueError):
    """The entries cannot be judged: not a list of complete normalized entries."""


class EntryPolicy:
    """A policy that judges entries one by one: ``applies`` picks the entries it checks, ``judge`` rates one."""

    def __init__(self, name: str, description: str, applies, judge):
        self.name, self.description, self.applies, self.judge = name, description, applies, judge

    def evaluate(self, entries: list) -> dict:
        checked, unverifiable, offending = 0, 0, []
        for entry in entries:
            if not self.applies(entry):
                continue
            checked += 1
            rating = self.judge(entry)
            if rating:
                offending.append(entry)
                unverifiable += rating == UNVERIFIABLE
        return _result(self.description, checked, offending, unverifiable)

    def line(self, result: dict) -> str:
        """One line of the play output."""
        unverifiable = ', %d unverifiable' % result['unverifiable'] if result['unverifiable'] else ''
        return '%s %s: %d offending entries in %d requests%s, of %d checked (%s)' % (
            _outcome(result), self.name, result['violations'], result['requests'], unverifiable, result['checked'], self.description)


class ThresholdPolicy:
    """A policy on a number measured over all entries: passes while the number is at most ``threshold``."""

    def __init__(self, name: str, unit: str, threshold: int, measure):
        self.name, self.unit, self.threshold, self.measure = name, unit, threshold, measure
        self.description = 'at most %d %s' % (threshold, unit)

    def evaluate(self, entries: list) -> dict:
        checked, count, counted = self.measure(entries)
        passed = count <= self.threshold
        result = _result(self.description, checked, [] if passed else counted, 0)
        result.update(passed=passed, threshold=self.threshold, count=count)
        return result

    def line(self, result: dict) -> str:
        """One line of the play output."""
        return '%s %s: %d %s, at most %d allowed' % (_outcome(result), self.name, result['count'], self.unit, self.threshold)


def validate_policies(policies) -> list:
    """The compiled policies, in POLICY_NAMES order; PolicyError naming the value and the fix otherwise."""
    values.mapping('policies', policies, '{allowed_users: ["*@example.com"], max_errors: 10}', PolicyError)
    if not policies:
        raise PolicyError('policies is empty: give at least one policy (%s); an empty set would pass any log' % ', '.join(POLICY_NAMES))
    values.reject_unknown_keys('policies', policies, POLICY_NAMES, PolicyError)
    compiled = []
    for name in POLICY_NAMES:
        if name not in policies:
            continue
        if policies[name] is None:
            raise PolicyError('policies.%s is null: give it a value, or leave the policy out' % name)
        compiled.append(BUILDERS[name]('policies.' + name, policies[name]))
    return compiled


def evaluate(entries, policies, window=None) -> dict:
    """The verdict of ``entries`` under ``policies`` (see docs/compliance.md for its keys)."""
    compiled = validate_policies(policies)
    window = _window(window)
    entries = checked_entries(entries)
    results = {policy.name: policy.evaluate(entries) for policy in compiled}
    failed = [name for name, result in results.items() if not result['passed']]
    times = [entry['time'] for entry in entries if is_canonical_time(entry['time'])]
    return {
        'passed': not failed,
        'summary': _summary(len(results), failed, len(entries)),
        'failed_policies': failed,
        'lines': [policy.line(results[policy.name]) for policy in compiled],
        'entries': len(entries),
        'first': min(times) if times else None,
        'last': max(times) if times else None,
        'window': window,
        'policies': results,
    }


def checked_entries(entries) -> list:
    """``entries`` when it is a list of dicts with every field of POLICY_FIELDS; EntriesError otherwise."""
    if not isinstance(entries, list):
        raise EntriesError('activities must be a list of normalized entries, not %s' % values.type_name(entries))
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise EntriesError('activities[%d] is a %s, not a normalized entry (a dictionary)' % (index, values.type_name(entry)))
        if not entry.keys() >= REQUIRED_FIELDS:
            missing = ', '.join(field for field in POLICY_FIELDS if field not in entry)
            raise EntriesError('activities[%d] lacks %s: give the entries of activity_log_info as they are (format: normalized, '
                               'no query); a missing field could hide a violation' % (index, missing))
    return entries


def request_key(entry: dict):
    request = entry.get('request_id')
    return request if isinstance(request, str) and request else ('entry', entry.get('id'), id(entry))


def _result(description: str, checked: int, offending: list, unverifiable: int) -> dict:
    return {'passed': not offending, 'description': description, 'checked': checked, 'violations': len(offending),
            'unverifiable': unverifiable, 'requests': len({request_key(entry) for entry in offending}), 'offending': offending}


def _summary(total: int, failed: list, entries: int) -> str:
    judged = 'over %d entries' % entries if entries != 1 else 'over 1 entry'
    if not failed:
        return ('all %d policies passed %s' if total > 1 else '%d policy passed %s') % (total, judged)
    return '%d of %d policies failed %s: %s' % (len(failed), total, judged, ', '.join(failed))


def _outcome(result: dict) -> str:
    return 'PASS' if result['passed'] else 'FAIL'


def _window(window):
    if window is None:
        return None
    values.mapping('window', window, '{start: "2026-11-01T00:00:00.000Z", end: "2026-11-02T00:00:00.000Z"}', PolicyError)
    values.reject_unknown_keys('window', window, ('start', 'end'), PolicyError)
    return {'start': window.get('start'), 'end': window.get('end')}


def _user_rating(entry: dict, exempt) -> int:
    """VIOLATION unless the entry's username matches ``exempt``; UNVERIFIABLE without a username."""
    user = entry.get('username')
    if not isinstance(user, str) or not user.strip():
        return UNVERIFIABLE
    return OK if exempt(user) else VIOLATION


def _nobody(_user) -> bool:
    return False


def _exemption(path: str, rule: dict):
    """``(text, matcher)`` of a rule's ``allowed_users``; no key or an empty list exempts nobody."""
    if rule.get('allowed_users') is None:
        return '', _nobody
    patterns, matcher = _user_globs(path + '.allowed_users', rule['allowed_users'], '"admin@example.com"')
    return (' except by ' + ', '.join(patterns) if patterns else ''), matcher


def _user_globs(path: str, value, example: str):
    """``(patterns, matcher)`` of a glob list of usernames, which may be empty."""
    patterns = values.strings(path, value, example, PolicyError, allow_empty=True)
    return patterns, compile_values(patterns)


def _everything(_entry) -> bool:
    return True


def _allowed_users(path: str, value) -> EntryPolicy:
    patterns, allowed = _user_globs(path, value, '"*@example.com"')
    description = 'write actions only by ' + ', '.join(patterns) if patterns else 'no write actions at all'
    return EntryPolicy('allowed_users', description, is_write, lambda entry: _user_rating(entry, allowed))


def _rule(where: str, rule: dict, keys: tuple, optional: bool):
    """``(selector, exempt text, exempt)`` of one rule: an EntryFilter of its ``keys``, and its ``allowed_users``."""
    given = {key: rule[key] for key in keys if rule.get(key) is not None}
    selector = EntryFilter.from_values(given, where, PolicyError, integers=False, optional=optional)
    exempt_text, exempt = _exemption(where, rule)
    return selector, exempt_text, exempt


def _forbidden_resource_actions(path: str, value) -> EntryPolicy:
    example = '{resource_type: datacenter, resource_action: "*.delete", allowed_users: [admin@example.com]}'
    rules, texts = [], []
    for where, rule in values.dict_list(path, value, example, PolicyError):
        values.reject_unknown_keys(where, rule, RESOURCE_RULE_KEYS, PolicyError)
        wanted = [(key, rule[key]) for key in RESOURCE_KEYS if rule.get(key) is not None]
        if not wanted:
            raise PolicyError('%s needs at least one of %s, such as %s' % (where, ', '.join(RESOURCE_KEYS), example))
        selector, exempt_text, exempt = _rule(where, rule, RESOURCE_KEYS, optional=True)
        rules.append((selector.matches, exempt))
        texts.append(', '.join('%s %s' % (key.split('_')[1], _joined(text)) for key, text in wanted) + exempt_text)
    return EntryPolicy('forbidden_resource_actions', 'no resource action matching ' + '; '.join(texts), _everything,
                       lambda entry: _worst(entry, rules))


def _worst(entry: dict, rules: list) -> int:
    """The worst rating of the rules that match the entry; OK when none matches."""
    worst = OK
    for matches, exempt in rules:
        if matches(entry):
            worst = max(worst, _user_rating(entry, exempt))
    return worst


def _joined(text) -> str:
    return ', '.join(text) if isinstance(text, list) else str(text)


def _change_windows(path: str, value) -> EntryPolicy:
    windows = ChangeWindows.from_option(path, value, PolicyError)
    return EntryPolicy('change_windows', 'write actions only ' + windows.description, is_write,
                       lambda entry: _rating(windows.contains(entry.get('time'))))


def _allowed_source_networks(path: str, value) -> EntryPolicy:
    check = AddressCheck(values.networks(path, value, PolicyError))
    description = 'requests only from ' + ', '.join(str(network) for network in check.networks)
    return EntryPolicy('allowed_source_networks', description, _everything, lambda entry: _rating(check.inside(entry.get('source_ip'))))


def _rating(inside) -> int:
    """OK inside, VIOLATION outside, UNVERIFIABLE when it cannot be told (None)."""
    return UNVERIFIABLE if inside is None else (OK if inside else VIOLATION)


def _forbidden_event_types(path: str, value) -> EntryPolicy:
    example = '{event_type: GenerateToken, allowed_users: [ci-bot@example.com]}'
    rules, texts = [], []
    for where, rule in values.dict_list(path, value, example, PolicyError):
        values.reject_unknown_keys(where, rule, EVENT_RULE_KEYS, PolicyError)
        for key in EVENT_RULE_REQUIRED:
            if rule.get(key) is None:
                raise PolicyError('%s needs %s, such as %s' % (where, key, example))
        selector, exempt_text, exempt = _rule(where, rule, EVENT_RULE_REQUIRED, optional=False)
        rules.append((selector.matches, exempt))
        texts.append(', '.join(selector.description['event_type']) + exempt_text)
    return EntryPolicy('forbidden_event_types', 'no event of type ' + '; '.join(texts), _everything,
                       lambda entry: _worst(entry, rules))


def _max_errors(path: str, value) -> ThresholdPolicy:
    def measure(entries: list) -> tuple:
        errors = [entry for entry in entries if is_error(entry)]
        return len(entries), len(errors), errors
    return ThresholdPolicy('max_errors', 'error entries', values.whole_number(path, value, PolicyError), measure)


def _max_failed_requests(path: str, value) -> ThresholdPolicy:
    def measure(entries: list) -> tuple:
        errors = [entry for entry in entries if is_error(entry)]
        failed = {request_key(entry) for entry in errors}
        return len({request_key(entry) for entry in entries}), len(failed), errors
    return ThresholdPolicy('max_failed_requests', 'failed requests', values.whole_number(path, value, PolicyError), measure)


BUILDERS = {
    'allowed_users': _allowed_users,
    'forbidden_resource_actions': _forbidden_resource_actions,
    'change_windows': _change_windows,
    'allowed_source_networks': _allowed_source_networks,
    'max_errors': _max_errors,
    'max_failed_requests': _max_failed_requests,
    'forbidden_event_types': _forbidden_event_types,
}

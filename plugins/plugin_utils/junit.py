# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A compliance verdict as JUnit XML, so CI servers (Jenkins, GitLab, Azure DevOps, AWX users) show it as tests.

Layout (Jenkins/Ant style): ``<testsuites>`` around one ``<testsuite>`` whose ``<properties>`` give the window
and the entry counts, and one ``<testcase>`` per policy; a failed policy carries a ``<failure>`` listing its first
``listed`` offending entries, one line each, then how many more there are and the file that holds them all (a
failure of 40,000 entries would otherwise make a file of megabytes that CI servers struggle to show). The output
depends only on the verdict (no clock, no host name), so the same verdict always gives the same bytes and a
rewritten file is only a change when the verdict changed.

Entries are untrusted: ElementTree escapes markup, and ``safe_text`` writes control characters, line breaks and
characters XML cannot hold as ``\\uXXXX`` escapes (see safe_text.py), so a crafted username cannot break
the XML or forge a line.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ansible_collections.ionos.activitylog.plugins.module_utils.timeparse import is_canonical_time
from ansible_collections.ionos.activitylog.plugins.plugin_utils.safe_text import safe_text

FAILURE_TYPE = 'PolicyViolation'
ENTRY_FIELDS = (('user', 'username'), ('ip', 'source_ip'), ('event', 'event_type'), ('status', 'status'),
                ('action', 'action'), ('uri', 'uri'), ('id', 'id'), ('request', 'request_id'))


def junit_xml(verdict: dict, suite_name: str, listed: int | None = None, full_path: str | None = None) -> str:
    """The JUnit XML document of ``verdict`` (as ``policies.evaluate`` returns it), UTF-8, with a declaration.

    A failure lists the first ``listed`` offending entries (all when None) and names ``full_path`` as the file with
    every one of them."""
    policies = verdict['policies']
    failures = str(sum(1 for result in policies.values() if not result['passed']))
    counts = {'tests': str(len(policies)), 'failures': failures, 'errors': '0', 'skipped': '0'}
    root = ET.Element('testsuites', _attributes(name=suite_name, **counts))
    suite = ET.SubElement(root, 'testsuite', _attributes(name=suite_name, timestamp=_timestamp(verdict), **counts))
    properties = ET.SubElement(suite, 'properties')
    for name, value in _properties(verdict):
        ET.SubElement(properties, 'property', _attributes(name=name, value=value))
    for name, result in policies.items():
        case = ET.SubElement(suite, 'testcase', _attributes(name=name, classname=suite_name))
        if not result['passed']:
            failure = ET.SubElement(case, 'failure', _attributes(message=failure_message(result), type=FAILURE_TYPE))
            failure.text = _failure_text(result['offending'], listed, full_path)
        ET.SubElement(case, 'system-out').text = safe_text(_outcome_text(result))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding='unicode') + '\n'


def _failure_text(offending: list, listed, full_path) -> str:
    shown = offending if listed is None else offending[:listed]
    lines = [entry_line(entry) for entry in shown]
    if len(offending) > len(shown):
        where = '; every offending entry is in %s' % safe_text(full_path) if full_path else ''
        lines.append('... and %d more offending entries, not listed here%s' % (len(offending) - len(shown), where))
    return '\n'.join(lines) + '\n'


def failure_message(result: dict) -> str:
    """The one-line message of a failed policy."""
    if 'threshold' in result:
        return safe_text('%d counted, at most %d allowed: %s' % (result['count'], result['threshold'], result['description']))
    return safe_text('%d offending entries in %d requests: %s' % (result['violations'], result['requests'], result['description']))


def entry_line(entry: dict) -> str:
    """One offending entry on one line: time, who, from where, what, the ids to look it up, its error, and what was sent
    (``sent=METHOD:URL``) when ``request_details`` joined the request."""
    parts = [_field(entry.get('time'))]
    parts.extend('%s=%s' % (label, _field(entry.get(key))) for label, key in ENTRY_FIELDS)
    resources = ['%s:%s' % (_field(resource.get('type')), _field(resource.get('id')))
                 for resource in entry.get('resources') or () if isinstance(resource, dict)]
    parts.append('resources=%s' % (','.join(resources) or '-'))
    parts.append('error=%s' % _error_text(entry.get('error')))
    request = entry.get('request')
    if isinstance(request, dict) and (request.get('method') or request.get('url')):  # joined by request_details
        parts.append('sent=%s:%s' % (_field(request.get('method')), _field(request.get('url'))))
    return ' '.join(parts)


def _error_text(error) -> str:
    """``http_status/error_code`` of an entry's error, ``-`` for none."""
    if not isinstance(error, dict):
        return '-'
    found = [_field(error.get(key)) for key in ('http_status', 'error_code') if error.get(key) not in (None, '')]
    return '/'.join(found) or 'yes'


def _field(value) -> str:
    """A value for a line: ``-`` when missing; spaces escaped too so every ``key=value`` stays one token."""
    if value is None or value == '':
        return '-'
    return safe_text(value).replace(' ', '\\u0020')


def _outcome_text(result: dict) -> str:
    text = '%s: %s; %d checked, %d offending entries in %d requests' % (
        'passed' if result['passed'] else 'failed', result['description'], result['checked'], result['violations'], result['requests'])
    if result.get('unverifiable'):
        text += ', %d of them unverifiable (a field the policy needs is missing)' % result['unverifiable']
    if 'threshold' in result:
        text += '; counted %d, at most %d allowed' % (result['count'], result['threshold'])
    return text


def _properties(verdict: dict) -> list:
    window = verdict.get('window') or {}
    found = [('window_start', window.get('start')), ('window_end', window.get('end')), ('entries', verdict['entries']),
             ('first_entry', verdict.get('first')), ('last_entry', verdict.get('last')), ('summary', verdict['summary'])]
    found.extend(('policy.%s' % name, result['description']) for name, result in verdict['policies'].items())
    return [(name, value) for name, value in found if value is not None]


def _timestamp(verdict: dict):
    """The end of the window, else the last entry, as the Ant-style ``YYYY-MM-DDTHH:MM:SS`` (UTC); None without one."""
    window = verdict.get('window') or {}
    for value in (window.get('end'), verdict.get('last')):
        if is_canonical_time(value):
            return value[:19]
    return None


def _attributes(**values) -> dict:
    return {key: safe_text(value) for key, value in values.items() if value is not None}

# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""JUnit XML of a verdict: valid against the Jenkins/Ant schema, one test case per policy, untrusted text escaped."""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET

import pytest
import xmlschema

from ansible_collections.ionos.activitylog.plugins.plugin_utils.junit import entry_line, junit_xml
from ansible_collections.ionos.activitylog.plugins.plugin_utils.policies import evaluate
from ansible_collections.ionos.activitylog.tests.unit.plugins.plugin_utils.compliance_helpers import entry, failed, resource, write

# One schema for the unit and the integration tests; it lives with the integration target that also uses it.
SCHEMA = xmlschema.XMLSchema(os.path.join(os.path.dirname(__file__), '..', '..', '..', 'integration', 'targets', 'role_compliance', 'files', 'junit.xsd'))
WINDOW = {'start': '2026-11-24T00:00:00.000Z', 'end': '2026-11-25T00:00:00.000Z'}
POLICIES = {'allowed_users': ['*@example.com'], 'max_errors': 0, 'allowed_source_networks': ['10.0.0.0/8']}


def document(entries: list, policies=None, window=None, suite='ionos.activitylog compliance') -> str:
    text = junit_xml(evaluate(entries, policies or POLICIES, window), suite)
    SCHEMA.validate(text)
    return text


def cases(text: str) -> dict:
    return {case.get('name'): case for case in ET.fromstring(text).iter('testcase')}


def test_a_passing_verdict_is_valid_junit_with_one_passing_case_per_policy():
    text = document([write(), entry()], window=WINDOW)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')
    root = ET.fromstring(text)
    suites = root.findall('testsuite')
    assert len(suites) == 1
    suite = suites[0]
    assert (suite.get('tests'), suite.get('failures'), suite.get('errors')) == ('3', '0', '0')
    assert suite.get('timestamp') == '2026-11-25T00:00:00'
    assert list(cases(text)) == ['allowed_users', 'allowed_source_networks', 'max_errors']
    assert all(case.find('failure') is None and case.get('classname') == 'ionos.activitylog compliance' for case in cases(text).values())
    assert 'passed: write actions only by *@example.com; 1 checked' in cases(text)['allowed_users'].find('system-out').text


def test_the_properties_carry_the_window_and_the_counts():
    properties = {item.get('name'): item.get('value') for item in ET.fromstring(document([entry()], window=WINDOW)).iter('property')}
    assert properties['window_start'] == WINDOW['start'] and properties['window_end'] == WINDOW['end']
    assert properties['entries'] == '1' and properties['first_entry'] == properties['last_entry'] == '2026-11-25T09:00:00.000Z'
    assert properties['summary'] == 'all 3 policies passed over 1 entry'
    assert properties['policy.max_errors'] == 'at most 0 error entries'


def test_a_failed_policy_carries_a_failure_listing_its_offending_entries():
    outsiders = [write(username='eve@evil.test', id='e-1', request_id='r-1', uri='/cloudapi/v6/datacenters',
                       resources=[resource('datacenter', 'dc-1', ['vr.datacenter.create'])]),
                 write(username='eve@evil.test', id='e-2', request_id='r-1')]
    text = document(outsiders + [write()])
    suite = ET.fromstring(text).find('testsuite')
    assert suite.get('failures') == '1' and suite.get('timestamp') == '2026-11-25T09:00:00'
    failure = cases(text)['allowed_users'].find('failure')
    assert failure.get('type') == 'PolicyViolation'
    assert failure.get('message') == '2 offending entries in 1 requests: write actions only by *@example.com'
    lines = failure.text.strip().split('\n')
    assert lines[0] == ('2026-11-25T09:00:00.000Z user=eve@evil.test ip=10.1.2.3 event=RequestAccepted status=DONE action=POST '
                        'uri=/cloudapi/v6/datacenters id=e-1 request=r-1 resources=datacenter:dc-1 error=-')
    assert lines[1].endswith('id=e-2 request=r-1 resources=- error=-')
    assert cases(text)['max_errors'].find('failure') is None


def test_a_threshold_failure_says_what_was_counted():
    text = document([failed(id='f-1'), failed(id='f-2')])
    failure = cases(text)['max_errors'].find('failure')
    assert failure.get('message') == '2 counted, at most 0 allowed: at most 0 error entries'
    lines = failure.text.strip().split('\n')
    assert len(lines) == 2 and all(line.endswith(' error=422/200') for line in lines)


@pytest.mark.parametrize('hostile', [
    '<script>alert("x")</script>&amp;\'',
    'eve\n2026-11-25T09:00:00.000Z user=admin@example.com',
    'bell\x07 nul\x00 esc\x1b del\x7f',
    'line\u2028separator \ud800 lone surrogate \ufffe',
    ']]> <![CDATA[ x ]]>',
    'admin\u202e@example.com\u200b\ufeff',
])
def test_untrusted_text_is_escaped_and_cannot_forge_a_line(hostile):
    bad = write(username=hostile, uri=hostile, id=hostile, source_ip=hostile, request_id='r',
                resources=[resource(hostile, hostile, [hostile])])
    text = document([bad], policies={'allowed_users': ['nobody']}, suite=hostile)
    text.encode('utf-8')  # every character can be written
    failure = cases(text)['allowed_users'].find('failure')
    lines = failure.text.strip().split('\n')
    assert len(lines) == 1
    assert lines[0].split(' ')[1].startswith('user=') and len(lines[0].split(' ')) == 11
    assert ET.fromstring(text).find('testsuite').get('name') not in (None, '')
    assert not re.search('[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff\ud800-\udfff]', text)


def test_printable_untrusted_text_survives_the_round_trip():
    hostile = '<b>"eve" & \'mallory\'</b>'
    text = document([write(username=hostile)], policies={'allowed_users': ['nobody']})
    assert 'user=<b>"eve"\\u0020&\\u0020\'mallory\'</b>' in cases(text)['allowed_users'].find('failure').text
    assert '<b>' not in text


def test_the_same_verdict_gives_the_same_bytes():
    verdict = evaluate([write(), failed()], POLICIES, WINDOW)
    assert junit_xml(verdict, 'suite') == junit_xml(verdict, 'suite')


def test_without_window_or_times_there_is_no_timestamp():
    text = document([entry(time=None)])
    assert ET.fromstring(text).find('testsuite').get('timestamp') is None


def test_the_schema_is_not_vacuous():
    text = document([entry()])
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        SCHEMA.validate(text.replace('<testcase name="max_errors"', '<testcase title="max_errors"'))
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        SCHEMA.validate(text.replace('tests="3"', 'tests="three"', 1))
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        SCHEMA.validate(text.replace('<properties>', '<property name="x" value="y" /><properties>'))


def test_an_entry_joined_to_its_request_says_what_was_sent():
    joined = dict(entry(), request={'method': 'POST', 'url': 'https://api.ionos.com/cloudapi/v6/datacenters', 'body': {'name': 'x'}})
    assert entry_line(joined).endswith(' sent=POST:https://api.ionos.com/cloudapi/v6/datacenters')
    assert ' sent=' not in entry_line(dict(entry(), request=None))

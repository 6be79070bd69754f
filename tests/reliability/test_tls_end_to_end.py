# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""TLS end to end: the emulator serves a certificate from a throw-away CA; the module and the lookup in ansible-playbook.

Verification is on by default and fails with a message that names the fix; ``ca_path`` and ``REQUESTS_CA_BUNDLE``
(in the controller's environment, which the module on localhost inherits) make it pass; ``validate_certs: false``
passes with a warning.
"""

from __future__ import annotations

import pytest

from reliability_runs import RUNNERS, UNTIL, WINDOW, ground_truth, judge, run_playbook

CONTRACT = 31909628
TLS_OFF_WARNING = 'validate_certs is false: the TLS certificate of the API is not verified; use this only for tests.'
TLS_FAILED = r'^TLS verification of https://127\.0\.0\.1:\d+/activitylog/v1 failed \(certificate verify failed.*Set ca_path \(or REQUESTS_CA_BUNDLE\)'
TRUST = {'reseller': {'token': 'reseller-token'}}


@pytest.fixture
def tls_emulator(start_emulator, tls_files):
    server, authority = tls_files
    emulator = start_emulator('--contracts', '1', '--entries', '120', '--days', '2', '--until', UNTIL, '--tls-cert', server, '--tls-key', server)
    assert emulator.url.startswith('https://127.0.0.1:')
    return emulator, ground_truth(emulator.url, [CONTRACT], WINDOW['start'], WINDOW['end'], verify=authority), authority


def _cases(url, **options):
    return [{'name': name, 'auth': 'reseller', 'options': dict(api_url=url, contract_numbers=[CONTRACT], retries=1, **WINDOW, **extra)}
            for name, extra in options.items()]


def _verdicts(run, truth, cause=TLS_FAILED) -> dict:
    return {(runner, record['case']): judge(record, truth, cause)
            for runner, task in (('module', 'Module'), ('lookup', 'Lookup')) for record in run.task(task)}


def test_verified_by_default_then_ca_path_or_no_verification(tls_emulator, tmp_path, figures):
    emulator, truth, authority = tls_emulator
    cases = _cases(emulator.url, default={}, ca_path={'ca_path': authority}, no_verification={'validate_certs': False})
    run = run_playbook('cases.yml', {'rel_cases': cases, 'rel_runners': list(RUNNERS), 'rel_credentials': TRUST}, str(tmp_path))
    verdicts = _verdicts(run, truth)
    figures.setdefault('tls', {}).update({'%s %s' % key: verdict for key, (verdict, _why) in verdicts.items()})
    assert len(truth) == 120 and len(verdicts) == 6, run.output[-3000:]
    for runner in RUNNERS:
        assert verdicts[(runner, 'default')] == ('clear failure', ''), run.output[-3000:]
        assert verdicts[(runner, 'ca_path')] == ('exact', '')
        assert verdicts[(runner, 'no_verification')] == ('exact', '')
    module = {record['case']: record for record in run.task('Module')}
    assert TLS_OFF_WARNING in module['no_verification']['warnings']
    assert not any('validate_certs' in warning for warning in module['ca_path']['warnings'])
    # The lookup warns through ansible-core's display, once, for the one run without verification.
    assert run.output.count('activity_log: ' + TLS_OFF_WARNING) == 1, run.output[-3000:]


def test_requests_ca_bundle_in_the_controller_environment_verifies(tls_emulator, tmp_path, figures):
    emulator, truth, authority = tls_emulator
    cases = _cases(emulator.url, requests_ca_bundle={})
    run = run_playbook('cases.yml', {'rel_cases': cases, 'rel_runners': list(RUNNERS), 'rel_credentials': TRUST}, str(tmp_path),
                       env={'REQUESTS_CA_BUNDLE': authority})
    verdicts = _verdicts(run, truth)
    figures.setdefault('tls', {}).update({'%s %s' % key: verdict for key, (verdict, _why) in verdicts.items()})
    assert verdicts == {('module', 'requests_ca_bundle'): ('exact', ''), ('lookup', 'requests_ca_bundle'): ('exact', '')}, run.output[-3000:]
    assert 'validate_certs' not in run.output

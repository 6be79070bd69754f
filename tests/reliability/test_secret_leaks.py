# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""No error path shows a token or a password: results, warnings, failure messages and the -vvvv output are searched.

Every case fails (401, 403, TLS, timeout, malformed body, bad options, credentials with a line break), with the
module and with the lookup, with a token and with a Basic password, at -vvvv. The secrets are distinctive strings
(conftest.SECRETS): the search looks for each of them, for their common part ``5ecret`` and for the Basic header
they would make. ansible-core masks no_log option values in module output with ``********``; the mask itself
in a message would mean the collection put the secret there, so it is searched for too.
"""

from __future__ import annotations

import json

import pytest

from reliability_secrets import SECRETS, USERNAME, leak_patterns
from reliability_runs import RUNNERS, UNTIL, WINDOW, collection_message, judge, run_playbook

DATA = ('--contracts', '2', '--entries', '60', '--days', '2', '--until', UNTIL)
ALWAYS = ('--fault-streak-max', '50')
CREDENTIALS = {
    'token': {'token': SECRETS['token']},
    'password': {'username': USERNAME, 'password': SECRETS['password']},
    'wrong_token': {'token': SECRETS['wrong_token']},
    'wrong_password': {'username': USERNAME, 'password': SECRETS['wrong_password']},
    'noprivilege_token': {'token': SECRETS['noprivilege_token']},
    'token_with_line_break': {'token': SECRETS['token'][:12] + '\n' + SECRETS['token'][12:]},
    'password_with_line_break': {'username': USERNAME, 'password': SECRETS['password'][:12] + '\r\n' + SECRETS['password'][12:]},
}
FORBIDDEN = r'^cannot read contract 3190962[89]: the token lacks access to it or the access-activity-log privilege \(403\)'
UNAUTHORIZED = r'^The API refused the credentials \(401\): the token is missing, expired or wrong'
TLS_FAILED = r'^TLS verification of https://127\.0\.0\.1:\d+/activitylog/v1 failed'
TIMEOUT = r'^No answer from http://127\.0\.0\.1:\d+/activitylog/v1 within 0\.5 seconds.*gave up after 1 retry\)'
MALFORMED = r'^The API answered 200 with a body that is not valid JSON.*gave up after 1 retry\)'
# (name, emulator, credentials, options, the cause the message must name)
CASES = (
    ('401 wrong token', 'plain', 'wrong_token', {}, UNAUTHORIZED),
    ('401 wrong password', 'plain', 'wrong_password', {}, UNAUTHORIZED),
    ('403 no privilege', 'plain', 'noprivilege_token', {}, FORBIDDEN),
    ('TLS with token', 'tls', 'token', {}, TLS_FAILED),
    ('TLS with password', 'tls', 'password', {}, TLS_FAILED),
    ('timeout with token', 'slow', 'token', {'timeout': 0.5, 'retries': 1}, TIMEOUT),
    ('timeout with password', 'slow', 'password', {'timeout': 0.5, 'retries': 1}, TIMEOUT),
    ('malformed body with token', 'malformed', 'token', {'retries': 1}, MALFORMED),
    ('malformed body with password', 'malformed', 'password', {'retries': 1}, MALFORMED),
    ('bad page_size with token', 'plain', 'token', {'page_size': 5000}, r'^page_size must be from 1 to 1000, not 5000'),
    ('bad start with password', 'plain', 'password', {'start': 'yesterday-ish'}, r"^start 'yesterday-ish' is not a time I understand"),
    ('token with a line break', 'plain', 'token_with_line_break', {}, r'^token contains a line break or a NUL character'),
    ('password with a line break', 'plain', 'password_with_line_break', {}, r'^password contains a line break or a NUL character'),
)


def leaks(text: str) -> list:
    return [pattern for pattern in leak_patterns() if pattern in text]


@pytest.fixture
def emulators(start_emulator, credentials_file, tls_files):
    server, _authority = tls_files
    common = DATA + ('--credentials', credentials_file)
    return {
        'plain': start_emulator(*common),
        'tls': start_emulator(*common, '--tls-cert', server, '--tls-key', server),
        'slow': start_emulator(*common, '--slow-rate', '1', '--slow-seconds', '2', *ALWAYS),
        'malformed': start_emulator(*common, '--malformed-rate', '1', *ALWAYS),
    }


def _check(run, causes: dict) -> list:
    """The problems of one -vvvv run: a case that did not fail clearly, a secret anywhere, a masked secret in a message."""
    problems = []
    if leaks(run.output) or leaks(json.dumps(run.records)):
        problems.append('secrets in the output or the results: %s' % (leaks(run.output) + leaks(json.dumps(run.records))))
    for record in run.records:
        verdict, why = judge(record, [], causes[record['case']])
        if verdict != 'clear failure':
            problems.append('%s / %s: %s %s' % (record['task'], record['case'], verdict, why))
        if '********' in collection_message(record['msg']) + ' '.join(record['warnings']):
            problems.append('%s / %s: a masked secret in the message: %s' % (record['task'], record['case'], record['msg']))
    return problems


def test_no_error_path_shows_a_secret_at_vvvv(emulators, tmp_path, figures):
    cases = [{'name': name, 'auth': auth, 'options': dict(WINDOW, api_url=emulators[where].url, **options)}
             for name, where, auth, options, _cause in CASES]
    run = run_playbook('cases.yml', {'rel_cases': cases, 'rel_runners': list(RUNNERS), 'rel_credentials': CREDENTIALS}, str(tmp_path),
                       verbosity=4)
    problems = _check(run, {name: cause for name, _where, _auth, _options, cause in CASES})
    figures['secrets'] = {'error_paths': len(CASES), 'runs': len(run.records), 'output_bytes': len(run.output), 'problems': len(problems)}
    assert len(run.records) == 2 * len(CASES), run.output[-3000:]
    assert '<localhost> EXEC' in run.output, 'not the -vvvv output'
    assert not problems, problems


def test_credentials_from_the_controller_environment_stay_hidden(emulators, tmp_path, figures):
    cases = [{'name': '401 from IONOS_USERNAME/IONOS_PASSWORD', 'auth': 'none', 'options': dict(WINDOW, api_url=emulators['plain'].url)},
             {'name': 'timeout', 'auth': 'none', 'options': dict(WINDOW, api_url=emulators['slow'].url, timeout=0.5, retries=1)}]
    env = {'IONOS_USERNAME': USERNAME, 'IONOS_PASSWORD': SECRETS['wrong_password']}
    run = run_playbook('cases.yml', {'rel_cases': cases, 'rel_runners': list(RUNNERS), 'rel_credentials': {'none': {}}}, str(tmp_path),
                       verbosity=4, env=env)
    problems = _check(run, {cases[0]['name']: UNAUTHORIZED, 'timeout': TIMEOUT})
    figures['secrets_from_environment'] = {'runs': len(run.records), 'problems': len(problems)}
    assert len(run.records) == 4, run.output[-3000:]
    assert not problems, problems


def test_joined_requests_show_no_secret_of_their_headers_or_bodies_at_vvvv(emulators, tmp_path, figures):
    """request_details: the emulator's request headers and bodies carry SECRET-... values (Authorization, Cookie,
    imagePassword, sshKeys, S3 keys ...); none may reach the results or the -vvvv output, with the module or the lookup."""
    plain = emulators['plain']
    plain.reset_stats()
    cases = [{'name': 'request details', 'auth': 'token', 'options': dict(WINDOW, api_url=plain.url, request_details='all')}]
    run = run_playbook('cases.yml', {'rel_cases': cases, 'rel_runners': list(RUNNERS), 'rel_credentials': CREDENTIALS}, str(tmp_path),
                       verbosity=4)
    joined = plain.stats()['cloud_requests']['by_id']
    figures['secrets_request_details'] = {'requests_joined': len(joined), 'output_bytes': len(run.output)}
    assert len(run.records) == 2 and all(not record.get('failed') for record in run.records), run.output[-3000:]
    assert joined and '"created_by": "' in run.output, 'nothing was joined'
    assert 'SECRET-' not in run.output and 'SECRET-' not in json.dumps(run.records)
    assert not leaks(run.output)

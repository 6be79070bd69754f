# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The IONOS tools' config file (~/.ionos/config) as the last fallback for the credentials, and against the emulator."""

from __future__ import annotations

import os
from datetime import datetime, timezone

import pytest

from ansible_collections.ionos.activitylog.plugins.module_utils.activity import fetch_activity
from ansible_collections.ionos.activitylog.plugins.module_utils.config_file import read_profile
from ansible_collections.ionos.activitylog.plugins.module_utils.errors import ApiError, OptionError
from ansible_collections.ionos.activitylog.plugins.module_utils.options import settings_from_options

NOW = datetime(2026, 11, 26, 12, 30, 45, tzinfo=timezone.utc)
SECRET = 'eyJ-file-token-7c1d-secret'

CONFIG = '''version: 1.0
currentProfile: work
profiles:
  - name: work
    environment: prod
    credentials:
      token: %(token)s
  - name: Basic
    environment: staging
    credentials:
      username: user@example.com
      password: 0123
  - name: bare
environments:
  - name: prod
    products:
      - name: cloud
        endpoints:
          - name: api.ionos.com/cloudapi/v6
      - name: activitylog
        endpoints:
          - name: logs.de-fra.example.com
            location: de/fra
          - name: %(endpoint)s
  - name: staging
    products:
      - name: ActivityLog
        endpoints:
          - name: staging.example.com
'''


def write(tmp_path, text, name='config'):
    path = tmp_path / name
    path.write_text(text, encoding='utf-8')
    return str(path)


def config(tmp_path, endpoint='https://logs.example.com', token=SECRET):
    return write(tmp_path, CONFIG % {'token': token, 'endpoint': endpoint})


def settings(environ, **options):
    return settings_from_options(options, NOW, environ)


def test_a_missing_file_is_silent(tmp_path):
    result = settings({'IONOS_CONFIG_FILE': str(tmp_path / 'nothing-here')})
    assert (result.token, result.username, result.password, result.credential_source) == (None, None, None, None)
    assert result.api_url == 'https://api.ionos.com'


def test_the_default_file_is_in_the_home_directory(tmp_path, monkeypatch):
    (tmp_path / '.ionos').mkdir()
    config(tmp_path / '.ionos')
    monkeypatch.setenv('HOME', str(tmp_path))
    result = settings({})
    assert result.token == SECRET and result.credential_source == 'profile work of the IONOS config file %s' % (tmp_path / '.ionos' / 'config')


def test_the_current_profile_gives_the_token_and_the_activitylog_endpoint(tmp_path):
    result = settings({'IONOS_CONFIG_FILE': config(tmp_path)})
    assert result.token == SECRET and result.username is None
    assert result.api_url == 'https://logs.example.com'  # the first endpoint without a location, in the profile's environment


def test_ionos_current_profile_chooses_another_profile(tmp_path):
    result = settings({'IONOS_CONFIG_FILE': config(tmp_path), 'IONOS_CURRENT_PROFILE': ' basic '})
    assert (result.token, result.username, result.password) == (None, 'user@example.com', '0123')  # 0123 stays text
    assert result.api_url == 'staging.example.com'


def test_a_profile_without_credentials_gives_nothing(tmp_path):
    result = settings({'IONOS_CONFIG_FILE': config(tmp_path), 'IONOS_CURRENT_PROFILE': 'bare'})
    assert result.token is None and result.credential_source is None and result.api_url == 'https://api.ionos.com'


@pytest.mark.parametrize('given', [{'token': 'from-option'}, {'username': 'u', 'password': 'p'}])
def test_options_and_environment_win_and_the_file_is_then_not_read(tmp_path, given):
    path = write(tmp_path, 'profiles: [unclosed\n')  # not even parsed
    result = settings({'IONOS_CONFIG_FILE': path}, **given)
    assert result.credential_source is None and result.api_url == 'https://api.ionos.com'


def test_an_api_url_given_wins_over_the_endpoint_of_the_file(tmp_path):
    result = settings({'IONOS_CONFIG_FILE': config(tmp_path)}, api_url='https://api.example.net')
    assert result.token == SECRET and result.api_url == 'https://api.example.net'


def test_without_a_current_profile_nothing_is_taken(tmp_path):
    path = write(tmp_path, (CONFIG % {'token': SECRET, 'endpoint': 'x'}).replace('currentProfile: work\n', ''))
    assert read_profile({'IONOS_CONFIG_FILE': path}) is None


def test_a_profile_without_an_environment_takes_the_first_environment_with_the_product(tmp_path):
    path = write(tmp_path, 'currentProfile: p\nprofiles:\n  - name: p\n    credentials: {token: t}\n'
                           'environments:\n  - name: e\n    products: [{name: dns, endpoints: [{name: dns.example.com}]}]\n'
                           '  - name: f\n    products: [{name: activitylog, endpoints: [{name: "http://127.0.0.1:8765"}]}]\n')
    assert read_profile({'IONOS_CONFIG_FILE': path}).endpoint == 'http://127.0.0.1:8765'


def test_an_empty_file_is_no_error(tmp_path):
    assert read_profile({'IONOS_CONFIG_FILE': write(tmp_path, '\n# nothing yet\n')}) is None


@pytest.mark.parametrize('text, problem', [
    ('profiles:\n  - name: work\n    credentials: {token: %s\n' % SECRET, 'it is not valid YAML at line'),
    ('- just\n- a list\n', 'its top level is a list, not a mapping'),
    ('currentProfile: work\nprofiles: {work: {token: %s}}\n' % SECRET, 'profiles is a mapping, not a list'),
    ('currentProfile: work\nprofiles:\n  - name: work\n    credentials: [%s]\n' % SECRET, 'profiles[0].credentials is a list, not a mapping'),
    ('currentProfile: work\nprofiles:\n  - name: work\n    credentials: {token: [%s]}\n' % SECRET, 'profiles[0].credentials.token is a list'),
    ('currentProfile: work\nprofiles:\n  - name: work\n    environment: gone\n    credentials: {token: %s}\n' % SECRET,
     "profiles[0] names the environment 'gone', which is not among its environments"),
    ('currentProfile: work\nprofiles:\n  - name: work\n    environment: e\n    credentials: {token: %s}\nenvironments:\n  - name: e\n'
     '    products:\n      - name: activitylog\n        endpoints:\n          - skipTlsVerify: true\n' % SECRET,
     'environments[0].products[0] has an endpoint without a name'),
])
def test_a_malformed_file_is_named_with_its_problem_and_never_shows_a_value(tmp_path, text, problem):
    path = write(tmp_path, text)
    with pytest.raises(OptionError) as caught:
        settings({'IONOS_CONFIG_FILE': path})
    message = str(caught.value)
    assert message.startswith('the IONOS config file %s is not usable: ' % path)
    assert problem in message and 'IONOS_CONFIG_FILE' in message
    assert SECRET not in message


def test_a_current_profile_that_is_not_in_the_file_is_named_with_the_profiles_there(tmp_path):
    with pytest.raises(OptionError) as caught:
        settings({'IONOS_CONFIG_FILE': config(tmp_path), 'IONOS_CURRENT_PROFILE': 'home'})
    assert str(caught.value).startswith("the IONOS config file %s has no profile 'home' (chosen by IONOS_CURRENT_PROFILE); its profiles "
                                        "are: work, Basic, bare" % (tmp_path / 'config'))
    assert SECRET not in str(caught.value)


def test_a_directory_is_named(tmp_path):
    with pytest.raises(OptionError, match='is a directory, not a file'):
        settings({'IONOS_CONFIG_FILE': str(tmp_path)})


@pytest.mark.skipif(hasattr(os, 'geteuid') and os.geteuid() == 0, reason='root reads any file')
def test_an_unreadable_file_is_named(tmp_path):
    path = config(tmp_path)
    os.chmod(path, 0)
    try:
        with pytest.raises(OptionError) as caught:
            settings({'IONOS_CONFIG_FILE': path})
    finally:
        os.chmod(path, 0o600)
    assert str(caught.value).startswith('the IONOS config file %s cannot be read (Permission denied)' % path)


def test_a_credential_with_a_line_break_names_the_file_not_the_value(tmp_path):
    path = write(tmp_path, 'currentProfile: p\nprofiles:\n  - name: p\n    credentials:\n      token: "%s\\nsecond-line"\n' % SECRET)
    with pytest.raises(OptionError) as caught:
        settings({'IONOS_CONFIG_FILE': path})
    assert str(caught.value).startswith('token (from profile p of the IONOS config file %s) contains a line break' % path)
    assert SECRET not in str(caught.value)


@pytest.fixture(scope='module')
def emulator(start_emulator):
    return start_emulator('--contracts', '2', '--entries', '40', '--days', '2')


def test_a_run_reads_with_the_profile_of_the_file(emulator, tmp_path, monkeypatch):
    monkeypatch.setenv('IONOS_CONFIG_FILE', config(tmp_path, endpoint=emulator.url, token='reseller-token'))
    result = fetch_activity({'start': '-3d'})
    assert result['returned'] == 80 and result['warnings'] == []


def test_a_refused_token_of_the_file_names_the_profile_and_never_the_token(emulator, tmp_path, monkeypatch):
    monkeypatch.setenv('IONOS_CONFIG_FILE', config(tmp_path, endpoint=emulator.url))
    with pytest.raises(ApiError) as caught:
        fetch_activity({'start': '-3d', 'retries': 0})
    message = str(caught.value)
    assert message.startswith('The API refused the credentials (401): the token is missing, expired or wrong (they came from profile '
                              'work of the IONOS config file %s)' % (tmp_path / 'config'))
    assert SECRET not in message


def test_no_credential_anywhere_says_so(emulator, tmp_path, monkeypatch):
    monkeypatch.setenv('IONOS_CONFIG_FILE', str(tmp_path / 'absent'))
    with pytest.raises(ApiError) as caught:
        fetch_activity({'api_url': emulator.url, 'start': '-3d', 'retries': 0})
    assert str(caught.value).startswith('The API refused the credentials (401): the token is missing, expired or wrong (none was given')

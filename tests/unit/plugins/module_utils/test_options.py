# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Option validation (before any request), the API URL forms, and the User-Agent."""

from __future__ import annotations

import os
import re
from datetime import datetime, timezone

import pytest

from ansible_collections.ionos.activitylog.plugins.module_utils.client import base_url, user_agent, without_userinfo
from ansible_collections.ionos.activitylog.plugins.module_utils.errors import ApiError, OptionError
from ansible_collections.ionos.activitylog.plugins.module_utils.options import ARGUMENT_SPEC, settings_from_options

NOW = datetime(2026, 11, 26, 12, 30, 45, tzinfo=timezone.utc)
COLLECTION_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..'))


def settings(**options):
    return settings_from_options(options, NOW)


def test_defaults_read_the_last_day():
    result = settings()
    assert (result.start, result.end) == (datetime(2026, 11, 25, 12, 30, 45, tzinfo=timezone.utc), NOW)
    assert (result.page_size, result.concurrency, result.retries, result.timeout) == (100, 4, 5, 30.0)
    assert result.validate_certs is True and result.format == 'normalized' and result.max_items is None
    assert result.contract_numbers is None


@pytest.mark.parametrize('options, message', [
    ({'page_size': 0}, 'page_size must be from 1 to 1000, not 0'),
    ({'page_size': 1001}, 'page_size must be from 1 to 1000, not 1001'),
    ({'concurrency': 33}, 'concurrency must be from 1 to 32, not 33'),
    ({'retries': -1}, 'retries must be from 0 to 100, not -1'),
    ({'max_items': 0}, 'max_items must be at least 1, not 0'),
    ({'timeout': 0}, 'timeout must be a number of seconds above 0 and at most 3600'),
    ({'timeout': 'soon'}, "timeout must be a number of seconds, not 'soon'"),
    ({'contract_numbers': ['abc']}, "contract_numbers must be a whole number, not 'abc'"),
    ({'contract_numbers': [0]}, 'contract_numbers must be at least 1, not 0'),
    ({'contract_numbers': []}, 'contract_numbers is empty'),
    ({'format': 'xml'}, "format must be 'normalized' or 'raw'"),
    ({'query': '[?a=='}, 'query is not a valid JMESPath expression'),
    ({'username': 'someone'}, 'username is set but password is not'),
    ({'filters': {'colour': 'red'}}, 'colour'),
    ({'end': '2026-11-26T12:30:46Z'}, 'end 2026-11-26T12:30:46.000Z is in the future'),
    ({'end': '2027-01-01'}, 'is in the future'),
    ({'token': 'abc\ndef'}, 'token contains a line break'),
    ({'token': 'tök€n'}, 'token contains characters that cannot be sent in an HTTP header (only Latin-1 can)'),
    ({'username': 'jörg€', 'password': 'pw'}, 'username contains characters that cannot be sent in an HTTP header'),
    ({'username': 'someone', 'password': 'pässwörd€'}, 'password contains characters that cannot be sent in an HTTP header'),
    ({'validate_certs': 'maybe'}, "validate_certs must be true or false, not 'maybe'"),
    ({'ca_path': '/nonexistent/ca.pem'}, 'ca_path /nonexistent/ca.pem is not a readable file'),
])
def test_invalid_options_are_named(options, message):
    with pytest.raises(OptionError) as caught:
        settings(**options)
    assert message in str(caught.value)


def test_credentials_lose_the_line_break_a_file_leaves():
    result = settings(token='  abc.def.ghi\n', password='\n')
    assert result.token == 'abc.def.ghi' and result.password is None


def test_api_url_credentials_never_reach_a_message():
    assert without_userinfo('https://user:secret@api.example.com:8443/activitylog/v1') == 'https://api.example.com:8443/activitylog/v1'
    assert without_userinfo('https://api.ionos.com/activitylog/v1') == 'https://api.ionos.com/activitylog/v1'


def test_contract_numbers_accept_numeric_strings_and_drop_repeats():
    assert settings(contract_numbers=['31909628', 31909628, 7]).contract_numbers == [31909628, 7]


def test_a_token_wins_and_basic_needs_both():
    assert settings(token='t', username='u').token == 't'
    assert settings(username='u', password='p').password == 'p'


@pytest.mark.parametrize('given', [
    'api.ionos.com', 'https://api.ionos.com', 'https://api.ionos.com/', 'https://api.ionos.com/activitylog/v1',
    'api.ionos.com/activitylog/v1/', ' https://api.ionos.com ',
])
def test_api_url_forms(given):
    assert base_url(given) == 'https://api.ionos.com/activitylog/v1'


def test_api_url_keeps_a_scheme_and_port():
    assert base_url('http://127.0.0.1:8765') == 'http://127.0.0.1:8765/activitylog/v1'


@pytest.mark.parametrize('given', ['http://', 'http://[::1', 'ftp://api.ionos.com', 'https://user:secret@host:0', 'https://:443'])
def test_api_urls_without_a_usable_host_are_refused_clearly(given):
    with pytest.raises(ApiError) as caught:
        base_url(given)
    assert 'is not a usable URL: give it as https://host[:port]' in str(caught.value)
    assert 'secret' not in str(caught.value)


def test_user_agent_names_the_collection_version_of_galaxy_yml():
    with open(os.path.join(COLLECTION_ROOT, 'galaxy.yml'), encoding='utf-8') as handle:
        version = re.search(r'^version:\s*(\S+)', handle.read(), re.M).group(1)
    assert re.match(r'^ionos\.activitylog/%s ansible-core/\d+\.\d+' % re.escape(version), user_agent())


def test_argument_spec_hides_secrets_and_reads_the_environment():
    assert ARGUMENT_SPEC['token']['no_log'] and ARGUMENT_SPEC['password']['no_log']
    assert ARGUMENT_SPEC['token']['fallback'][1] == ['IONOS_TOKEN']
    assert ARGUMENT_SPEC['api_url']['fallback'][1] == ['IONOS_API_URL']

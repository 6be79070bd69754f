# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Option validation (before any request), the API URL forms, and the User-Agent."""

from __future__ import annotations

import json
import os
import re
from datetime import datetime, timezone

import pytest

from ansible_collections.ionos.activitylog.plugins.module_utils.client import base_url, resolve_base_url, user_agent, without_userinfo
from ansible_collections.ionos.activitylog.plugins.module_utils.errors import ApiError, OptionError
from ansible_collections.ionos.activitylog.plugins.module_utils.options import ALIASES, ARGUMENT_SPEC, settings_from_options

NOW = datetime(2026, 11, 26, 12, 30, 45, tzinfo=timezone.utc)
COLLECTION_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..'))
NO_CONFIG_FILE = {'IONOS_CONFIG_FILE': '/nonexistent/ionos/config'}  # whatever ~/.ionos/config this machine has


def settings(**options):
    return settings_from_options(options, NOW, NO_CONFIG_FILE)


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
    ({'timeout': 'soon'}, "timeout must be a number, not 'soon'"),
    ({'contract_numbers': ['abc']}, "contract_numbers must be a list of whole numbers, not ['abc']"),
    ({'contract_numbers': [0]}, 'contract_numbers must be at least 1, not 0'),
    ({'contract_numbers': []}, 'contract_numbers is empty'),
    ({'format': 'xml'}, "format must be one of normalized, raw, not 'xml'"),
    ({'page_size': True}, 'page_size must be a whole number, not True'),
    ({'page_size': float('inf')}, 'page_size must be a whole number, not inf'),
    ({'max_items': float('-inf')}, 'max_items must be a whole number, not -inf'),
    ({'contract_numbers': [True]}, 'contract_numbers must be a list of whole numbers, not [True]'),
    ({'contract_numbers': [float('nan')]}, 'contract_numbers must be a list of whole numbers, not [nan]'),
    ({'timeout': 10 ** 400}, 'timeout must be a number, not an integer of about 400 digits'),
    ({'contracts': [1], 'contract_numbers': [2]}, 'contract_numbers is given twice (as contract_numbers and as an alias)'),
    ({'filter': {'username': 'x'}}, 'unsupported option filter; the options are: api_url, bucket, ca_path,'),
    ({'query': '[?a=='}, 'query is not a valid JMESPath expression'),
    ({'username': 'someone'}, 'username is set but password is not'),
    ({'filters': {'colour': 'red'}}, 'colour'),
    ({'start': '2026-11-26T12:30:45Z'}, 'start 2026-11-26T12:30:45.000Z is not in the past (now is 2026-11-26T12:30:45.000Z)'),
    ({'start': 'now', 'end': '2026-12-01'}, 'start 2026-11-26T12:30:45.000Z is not in the past'),
    ({'start': '2026-12-01', 'end': '2027-01-01'}, 'start 2026-12-01T00:00:00.000Z is not in the past'),
    ({'certificate_fingerprint': 'abc'}, "certificate_fingerprint 'abc' is not a SHA-256 fingerprint: give its 64 hex digits"),
    ({'certificate_fingerprint': 'a' * 40}, 'that is the length of a SHA-1 fingerprint; only SHA-256 is accepted'),
    ({'certificate_fingerprint': 'g' * 64}, 'is not a SHA-256 fingerprint'),
    ({'certificate_fingerprint': 'md5 Fingerprint=' + 'a' * 64}, 'is not a SHA-256 fingerprint'),
    ({'certificate_fingerprint': ['a' * 64]}, 'is not a SHA-256 fingerprint'),
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


def test_option_names_that_are_not_text_are_refused():
    with pytest.raises(OptionError, match='option names are text, not 1'):
        settings_from_options({1: 2, 'token': 'x'}, NOW)


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


def test_the_cloud_api_url_of_the_ionos_tools_loses_its_path_with_a_warning():
    assert resolve_base_url('https://api.ionos.com/cloudapi/v6') == (
        'https://api.ionos.com/activitylog/v1',
        ['api_url https://api.ionos.com/cloudapi/v6: the path /cloudapi/v6 was dropped; the Activity Log API is at '
         'https://api.ionos.com/activitylog/v1'])


@pytest.mark.parametrize('given, base, dropped', [
    ('api.ionos.com/cloudapi/v6/', 'https://api.ionos.com/activitylog/v1', 'the path /cloudapi/v6 was dropped'),
    ('HTTP://127.0.0.1:8765/activitylog', 'http://127.0.0.1:8765/activitylog/v1', 'the path /activitylog was dropped'),
    ('https://user:secret@proxy.example.com:8443/x?key=secret#part', 'https://user:secret@proxy.example.com:8443/activitylog/v1',
     'the path /x and its query and its fragment were dropped'),
    ('https://api.ionos.com?x=1', 'https://api.ionos.com/activitylog/v1', 'its query was dropped'),
])
def test_api_url_paths_queries_and_fragments_are_dropped_and_named(given, base, dropped):
    result, warnings = resolve_base_url(given)
    assert result == base
    assert len(warnings) == 1 and dropped in warnings[0]
    assert 'secret' not in warnings[0]
    assert warnings[0].endswith('the Activity Log API is at %s' % without_userinfo(base))


@pytest.mark.parametrize('given, base', [
    ('https://gateway.example.com/ionos/activitylog/v1', 'https://gateway.example.com/ionos/activitylog/v1'),
    ('https://gateway.example.com/ionos/activitylog/v1/', 'https://gateway.example.com/ionos/activitylog/v1'),
    ('https://api.ionos.com/', 'https://api.ionos.com/activitylog/v1'),
    ('https://[::1]:8443', 'https://[::1]:8443/activitylog/v1'),
])
def test_a_reverse_proxy_prefix_is_kept_without_a_warning(given, base):
    assert resolve_base_url(given) == (base, [])


def test_an_end_after_now_reads_up_to_now():
    result = settings(start='2026-11-01', end='2026-12-01')
    assert (result.start, result.end) == (datetime(2026, 11, 1, tzinfo=timezone.utc), NOW)
    assert settings(start='-1h', end='2026-11-26T12:30:50Z').end == NOW  # a controller clock a few seconds ahead
    assert settings(start='-1h', end='-10m').end == datetime(2026, 11, 26, 12, 20, 45, tzinfo=timezone.utc)


def test_the_order_of_start_and_end_is_still_checked_before_now_is():
    with pytest.raises(OptionError, match='must be before end'):
        settings(start='-1h', end='-2h')


@pytest.mark.parametrize('given', [
    'AB:CD:' * 15 + 'AB:CD',
    ('ab' * 32).upper(),
    'sha256 Fingerprint=' + 'AB:CD:' * 15 + 'AB:CD',
    'SHA256 Fingerprint=' + 'ab' * 32 + '\n',
    ' '.join(['abcd'] * 16),
])
def test_certificate_fingerprints_are_read_as_openssl_and_browsers_show_them(given):
    assert settings(certificate_fingerprint=given).certificate_fingerprint in ('abcd' * 16, 'ab' * 32)


def test_no_certificate_fingerprint_means_none():
    assert settings().certificate_fingerprint is None and settings(certificate_fingerprint='  ').certificate_fingerprint is None


def test_the_subscription_aliases_of_the_ionos_collection_name_username_and_password():
    assert ARGUMENT_SPEC['username']['aliases'] == ['subscription_user']
    assert ARGUMENT_SPEC['password']['aliases'] == ['subscription_password']
    assert ALIASES['subscription_user'] == 'username' and ALIASES['subscription_password'] == 'password'


@pytest.mark.parametrize('given', ['http://', 'http://[::1', 'ftp://api.ionos.com', 'https://user:secret@host:0', 'https://:443'])
def test_api_urls_without_a_usable_host_are_refused_clearly(given):
    with pytest.raises(ApiError) as caught:
        base_url(given)
    assert 'is not a usable URL: give it as https://host[:port]' in str(caught.value)
    assert 'secret' not in str(caught.value)


def test_user_agent_names_the_collection_version_of_galaxy_yml():
    if os.path.isfile(os.path.join(COLLECTION_ROOT, 'galaxy.yml')):
        with open(os.path.join(COLLECTION_ROOT, 'galaxy.yml'), encoding='utf-8') as handle:
            version = re.search(r'^version:\s*(\S+)', handle.read(), re.M).group(1)
    else:  # a copy installed from the artifact: the build wrote galaxy.yml's version into MANIFEST.json
        with open(os.path.join(COLLECTION_ROOT, 'MANIFEST.json'), encoding='utf-8') as handle:
            version = json.load(handle)['collection_info']['version']
    assert re.match(r'^ionos\.activitylog/%s ansible-core/\d+\.\d+' % re.escape(version), user_agent())


def test_argument_spec_hides_secrets_and_reads_the_environment():
    assert ARGUMENT_SPEC['token']['no_log'] and ARGUMENT_SPEC['password']['no_log']
    assert ARGUMENT_SPEC['token']['fallback'][1] == ['IONOS_TOKEN']
    assert ARGUMENT_SPEC['api_url']['fallback'][1] == ['IONOS_API_URL']
    assert ARGUMENT_SPEC['certificate_fingerprint']['fallback'][1] == ['IONOS_PINNED_CERT', 'IONOS_CERTIFICATE_FINGERPRINT']
    assert 'default' not in ARGUMENT_SPEC['api_url']  # so that an api_url left out can come from the IONOS config file


def test_api_url_left_out_is_the_default():
    assert settings().api_url == 'https://api.ionos.com' and settings(api_url='').api_url == 'https://api.ionos.com'

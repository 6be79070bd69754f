# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lookup's option sources (direct, ionos_* variables, controller environment) against the emulator."""

from __future__ import annotations

import pytest

from ansible.errors import AnsibleError
from ansible.plugins.loader import lookup_loader
from ansible.template import Templar
from ansible.parsing.dataloader import DataLoader

WINDOW = {'start': '-40d', 'end': 'now'}


@pytest.fixture(scope='module')
def emulator(start_emulator):
    return start_emulator('--contracts', '2', '--entries', '300', '--days', '5')


def lookup():
    return lookup_loader.get('ionos.activitylog.activity_log', loader=DataLoader(), templar=Templar(loader=DataLoader()))


def test_environment_is_read_on_the_controller(emulator, monkeypatch):
    monkeypatch.setenv('IONOS_API_URL', emulator.url)
    monkeypatch.setenv('IONOS_TOKEN', 'single-token')
    entries = lookup().run([], variables={}, **WINDOW)
    assert len(entries) == 300
    assert {entry['contract_number'] for entry in entries} == {31909628}


def test_variables_win_over_the_environment(emulator, monkeypatch):
    monkeypatch.setenv('IONOS_API_URL', 'http://127.0.0.1:9')
    monkeypatch.setenv('IONOS_TOKEN', 'wrong-token')
    entries = lookup().run([], variables={'ionos_api_url': emulator.url, 'ionos_token': 'reseller-token'}, **WINDOW)
    assert len(entries) == 600


def test_direct_options_win_and_terms_are_contracts(emulator, monkeypatch):
    monkeypatch.setenv('IONOS_TOKEN', 'wrong-token')
    entries = lookup().run([31909629], variables={'ionos_token': 'single-token'}, api_url=emulator.url, token='reseller-token', **WINDOW)
    assert len(entries) == 300
    assert {entry['contract_number'] for entry in entries} == {31909629}


def test_basic_credentials_from_the_environment(emulator, monkeypatch):
    monkeypatch.delenv('IONOS_TOKEN', raising=False)
    monkeypatch.setenv('IONOS_USERNAME', 'reseller@example.com')
    monkeypatch.setenv('IONOS_PASSWORD', 'reseller-password')
    entries = lookup().run([], variables={}, api_url=emulator.url, contracts=[31909628], **WINDOW)
    assert len(entries) == 300


def test_terms_and_contract_numbers_together_are_refused(emulator):
    with pytest.raises(AnsibleError, match='either as terms or as contract_numbers'):
        lookup().run([31909628], variables={}, api_url=emulator.url, token='reseller-token', contract_numbers=[31909629])


def test_a_query_value_that_is_not_a_list_comes_back_as_one_item(emulator):
    result = lookup().run([], variables={}, api_url=emulator.url, token='reseller-token', query='length(@)', **WINDOW)
    assert result == [600]


def test_failures_name_the_cause_and_hide_the_token(emulator):
    with pytest.raises(AnsibleError) as caught:
        lookup().run([], variables={}, api_url=emulator.url, token='not-a-valid-token-1234', **WINDOW)
    assert 'refused the credentials (401)' in str(caught.value)
    assert 'not-a-valid-token-1234' not in str(caught.value)


def test_the_ionos_collection_names_and_the_cloud_api_url_work(emulator, monkeypatch):
    """subscription_user/subscription_password (ionoscloudsdk.ionoscloud's names) and IONOS_API_URL with /cloudapi/v6."""
    monkeypatch.delenv('IONOS_TOKEN', raising=False)
    monkeypatch.setenv('IONOS_API_URL', emulator.url + '/cloudapi/v6')
    monkeypatch.setenv('IONOS_CONFIG_FILE', '/nonexistent/ionos/config')
    entries = lookup().run([31909629], variables={}, subscription_user='reseller@example.com', subscription_password='reseller-password',
                           **WINDOW)
    assert len(entries) == 300 and {entry['contract_number'] for entry in entries} == {31909629}


def test_the_ionos_config_file_is_the_last_fallback(emulator, monkeypatch, tmp_path):
    for name in ('IONOS_TOKEN', 'IONOS_USERNAME', 'IONOS_PASSWORD', 'IONOS_API_URL', 'IONOS_CURRENT_PROFILE'):
        monkeypatch.delenv(name, raising=False)
    config = tmp_path / 'config'
    config.write_text('currentProfile: ci\nprofiles:\n  - name: ci\n    environment: local\n    credentials: {token: single-token}\n'
                      'environments:\n  - name: local\n    products: [{name: activitylog, endpoints: [{name: "%s"}]}]\n' % emulator.url)
    monkeypatch.setenv('IONOS_CONFIG_FILE', str(config))
    entries = lookup().run([], variables={}, **WINDOW)
    assert len(entries) == 300 and {entry['contract_number'] for entry in entries} == {31909628}
    assert len(lookup().run([], variables={'ionos_token': 'reseller-token', 'ionos_api_url': emulator.url}, **WINDOW)) == 600

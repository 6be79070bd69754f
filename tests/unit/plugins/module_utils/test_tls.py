# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""TLS against the emulator serving a certificate from a private CA: verified by default, ca_path, validate_certs."""

from __future__ import annotations

import pytest

from ansible_collections.ionos.activitylog.plugins.module_utils.activity import TLS_OFF_WARNING, fetch_activity
from ansible_collections.ionos.activitylog.plugins.module_utils.errors import ApiError

trustme = pytest.importorskip('trustme')


@pytest.fixture(scope='module')
def tls(start_emulator, tmp_path_factory):
    folder = tmp_path_factory.mktemp('tls')
    authority = trustme.CA()
    certificate = authority.issue_cert('127.0.0.1', 'localhost')
    certificate.private_key_and_cert_chain_pem.write_to_path(str(folder / 'server.pem'))
    authority.cert_pem.write_to_path(str(folder / 'ca.pem'))
    emulator = start_emulator('--entries', '50', '--days', '2', '--tls-cert', str(folder / 'server.pem'), '--tls-key', str(folder / 'server.pem'))
    assert emulator.url.startswith('https://')
    return emulator.url, str(folder / 'ca.pem')


def options(url, **more):
    base = {'api_url': url, 'token': 'reseller-token', 'start': '-3d', 'contract_numbers': [31909628], 'retries': 1}
    base.update(more)
    return base


def test_verification_is_on_by_default(tls, monkeypatch):
    monkeypatch.delenv('REQUESTS_CA_BUNDLE', raising=False)
    monkeypatch.delenv('CURL_CA_BUNDLE', raising=False)
    with pytest.raises(ApiError) as caught:
        fetch_activity(options(tls[0]))
    assert str(caught.value).startswith('TLS verification of %s/activitylog/v1 failed (certificate verify failed' % tls[0])
    assert 'Set ca_path' in str(caught.value)


def test_ca_path_verifies(tls):
    result = fetch_activity(options(tls[0], ca_path=tls[1]))
    assert result['returned'] == 50 and result['warnings'] == []


def test_requests_ca_bundle_verifies(tls, monkeypatch):
    monkeypatch.setenv('REQUESTS_CA_BUNDLE', tls[1])
    assert fetch_activity(options(tls[0]))['returned'] == 50


def test_validate_certs_false_reads_and_warns(tls, monkeypatch):
    monkeypatch.delenv('REQUESTS_CA_BUNDLE', raising=False)
    result = fetch_activity(options(tls[0], validate_certs=False))
    assert result['returned'] == 50
    assert result['warnings'] == [TLS_OFF_WARNING]

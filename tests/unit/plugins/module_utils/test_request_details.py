# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""request_details: which entries are joined, the request's fields, and that secrets stay out unless asked for."""

from __future__ import annotations

import json

import pytest

from ansible_collections.ionos.activitylog.plugins.module_utils.request_details import MASK, redacted, request_details, wanted

SECRETS = ('hunter2-password', 'ssh-rsa AAAA-key', 'tok-123', 'Bearer abc.def', 'session=xyz', 'api-key-9')
RESOURCE = {
    'id': 'r-1', 'type': 'request',
    'metadata': {'createdDate': '2026-11-25T09:14:03Z', 'createdBy': 'alice@example.com', 'requestStatus': {'metadata': {
        'status': 'DONE', 'message': 'Request has been successfully executed',
        'targets': [{'target': {'id': 'srv-1', 'type': 'server'}, 'status': 'DONE'}, 'junk']}}},
    'properties': {
        'method': 'POST', 'url': 'https://api.ionos.com/cloudapi/v6/datacenters/dc-1/servers',
        'headers': {'Content-Type': 'application/json', 'User-Agent': 'terraform', 'Authorization': SECRETS[3], 'Cookie': SECRETS[4]},
        'body': json.dumps({'properties': {'name': 'web-1', 'cores': 2, 'imagePassword': SECRETS[0], 'sshKeys': [SECRETS[1]]},
                            'entities': {'users': {'items': [{'properties': {'Password': SECRETS[2], 'email': 'x@example.com'}}]}},
                            'apiKey': SECRETS[5], 'token': None}),
    },
}


@pytest.mark.parametrize('entry, mode, expected', [
    ({'request_id': 'r', 'action': 'POST'}, 'writes', True),
    ({'request_id': 'r', 'action': 'delete'}, 'writes', True),
    ({'request_id': 'r', 'action': None}, 'writes', True),
    ({'request_id': 'r', 'action': 'GET'}, 'writes', False),
    ({'request_id': 'r', 'action': ' head '}, 'writes', False),
    ({'request_id': 'r', 'action': 'OPTIONS'}, 'writes', False),
    ({'request_id': 'r', 'action': 'GET'}, 'all', True),
    ({'request_id': None, 'action': 'POST'}, 'all', False),
    ({'request_id': '', 'action': 'POST'}, 'writes', False),
    ({'request_id': 'r', 'action': 'POST'}, 'none', False),
])
def test_which_entries_are_joined(entry, mode, expected):
    assert wanted(entry, mode) is expected


def test_the_request_fields_come_from_the_cloud_api_resource():
    details = request_details(RESOURCE)
    assert (details['method'], details['url'], details['status']) == ('POST', RESOURCE['properties']['url'], 'DONE')
    assert (details['created_date'], details['created_by']) == ('2026-11-25T09:14:03Z', 'alice@example.com')
    assert details['message'] == 'Request has been successfully executed'
    assert details['targets'] == [{'type': 'server', 'id': 'srv-1', 'status': 'DONE'}]


def test_secrets_are_redacted_at_any_depth_and_unsafe_headers_dropped():
    details = request_details(RESOURCE)
    assert details['headers'] == {'Content-Type': 'application/json', 'User-Agent': 'terraform'}
    body = details['body']
    assert body['properties'] == {'name': 'web-1', 'cores': 2, 'imagePassword': MASK, 'sshKeys': MASK}
    assert body['entities']['users']['items'][0]['properties'] == {'Password': MASK, 'email': 'x@example.com'}
    assert body['apiKey'] == MASK and body['token'] is None  # nothing to hide in a null
    text = json.dumps(details)
    assert not [secret for secret in SECRETS if secret in text]


def test_without_redaction_everything_is_returned():
    details = request_details(RESOURCE, redact=False)
    assert details['headers']['Authorization'] == SECRETS[3]
    assert details['body']['properties']['imagePassword'] == SECRETS[0]


@pytest.mark.parametrize('body, redact, expected', [
    ('name=web&password=hunter2', True, '(25 characters, not JSON: not shown)'),
    ('name=web&password=hunter2', False, 'name=web&password=hunter2'),
    ('', True, None),
    (None, True, None),
    ({'password': 'x'}, True, {'password': MASK}),
])
def test_bodies_that_are_not_json_text(body, redact, expected):
    resource = {'properties': {'method': 'PUT', 'body': body}}
    assert request_details(resource, redact)['body'] == expected


def test_a_resource_that_is_not_one_gives_none_or_empty_fields():
    assert request_details('nonsense') is None
    assert request_details({}) == {'method': None, 'url': None, 'status': None, 'message': None, 'created_date': None,
                                   'created_by': None, 'targets': [], 'headers': {}, 'body': None}


def test_redacted_keeps_lists_and_plain_values():
    assert redacted([{'secretName': 's', 'n': [1, {'privateKey': 'k'}]}, 'x', 3]) == [{'secretName': MASK, 'n': [1, {'privateKey': MASK}]}, 'x', 3]

# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Entries and shortcuts shared by the compliance tests."""

from __future__ import annotations

import itertools

from ansible_collections.ionos.activitylog.plugins.plugin_utils.policies import evaluate

_ids = itertools.count(1)


def entry(**fields) -> dict:
    """A normalized entry with every field: a harmless read by alice unless ``fields`` say otherwise."""
    number = next(_ids)
    base = {'id': 'entry-%d' % number, 'time': '2026-11-25T09:00:00.000Z', 'contract_number': 31909628,
            'username': 'alice@example.com', 'source_ip': '10.1.2.3', 'source_service': 'PUBLIC_REST_V6',
            'event_type': 'RequestAccepted', 'status': 'DONE', 'action': 'GET', 'uri': '/cloudapi/v6/datacenters',
            'message': None, 'request_id': 'request-%d' % number, 'resources': [], 'error': None}
    base.update(fields)
    return base


def write(**fields) -> dict:
    """A write action (a POST) unless ``fields`` say otherwise."""
    fields.setdefault('action', 'POST')
    return entry(**fields)


def resource(kind, ident='res-1', actions=()) -> dict:
    return {'type': kind, 'id': ident, 'actions': list(actions)}


def failed(**fields) -> dict:
    """An error entry: status FAILED with an error object."""
    fields.setdefault('status', 'FAILED')
    fields.setdefault('event_type', 'RequestStatusUpdate')
    fields.setdefault('error', {'http_status': 422, 'error_code': '200', 'messages': []})
    return entry(**fields)


def judge(policy_name: str, value, entries: list) -> dict:
    """The result of one policy over ``entries``."""
    return evaluate(entries, {policy_name: value})['policies'][policy_name]

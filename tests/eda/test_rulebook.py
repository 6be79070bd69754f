# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The sample in docs/eda holds together: a valid rulebook, source arguments the source takes, conditions on fields
the entries really have, and a playbook that alerts with the entry it gets.

ansible-rulebook is not installed here: the rulebook is checked against the rulebook JSON schema that ansible-lint
ships (offline), not run.
"""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading

import jsonschema
import yaml

import ansiblelint
from emulator.process import REPO_ROOT
from eda_harness import TOKEN

DOCS = os.path.join(REPO_ROOT, 'docs', 'eda')
RULEBOOK = os.path.join(DOCS, 'activity_rulebook.yml')
PLAYBOOK_TIMEOUT = 120
CI_USERS = ['ci-bot@example.com', 'terraform@example.com']


def _rulebook() -> list:
    with open(RULEBOOK, encoding='utf-8') as handle:
        return yaml.safe_load(handle)


def test_the_sample_rulebook_is_valid_against_the_rulebook_schema():
    with open(os.path.join(os.path.dirname(ansiblelint.__file__), 'schemas', 'rulebook.json'), encoding='utf-8') as handle:
        schema = json.load(handle)
    jsonschema.validate(_rulebook(), schema)


def test_the_sample_rulebook_gives_the_source_arguments_it_accepts(source, monkeypatch):
    monkeypatch.setenv('IONOS_TOKEN', 'tok-sample')
    sources = [item for ruleset in _rulebook() for item in ruleset['sources']]
    assert [list(item.keys() - {'name'}) for item in sources] == [['ionos.activitylog.activity_log']]
    config = source.SourceConfig(sources[0]['ionos.activitylog.activity_log'])
    assert config.interval == 60 and config.entry_filter.matches({'event_type': 'GenerateToken'})
    playbooks = [rule['action']['run_playbook']['name'] for ruleset in _rulebook() for rule in ruleset['rules']
                 if 'run_playbook' in rule['action']]
    assert playbooks and all(os.path.isfile(os.path.join(DOCS, name)) for name in playbooks)


def test_the_conditions_name_values_that_real_entries_have(source, start_emulator):
    """The datacenter rule and the token rule match entries of the emulator's realistic data (its history ends
    2024-06-01), and not all of them."""
    emulator = start_emulator()
    options = {'api_url': emulator.url, 'token': TOKEN, 'start': '2024-05-30', 'end': '2024-06-01'}
    deletions = source.fetch_activity(dict(options, filters={'resource_type': 'datacenter', 'action': 'DELETE'}))['activities']
    done = [entry for entry in deletions if entry['event_type'] == 'RequestStatusUpdate' and entry['status'] == 'DONE']
    assert done and len(done) < len(deletions), 'one event per deletion, out of the several entries of its request'
    tokens = source.fetch_activity(dict(options, start='2024-05-02', filters={'event_type': 'GenerateToken'}))['activities']
    assert tokens
    outside = [entry for entry in tokens if entry['username'] not in CI_USERS]
    assert outside and len(outside) < len(tokens)


class _Webhook(http.server.BaseHTTPRequestHandler):
    received = []

    def do_POST(self):  # noqa: N802 - the name http.server calls
        length = int(self.headers.get('Content-Length', 0))
        _Webhook.received.append(json.loads(self.rfile.read(length)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):  # quiet
        pass


def test_the_playbook_posts_an_alert_about_the_deleted_datacenter(tmp_path):
    event = {'id': 'e-1', 'time': '2026-01-05T10:00:00.000Z', 'contract_number': 31909628, 'username': 'mallory@example.com',
             'source_ip': '203.0.113.9', 'event_type': 'RequestStatusUpdate', 'status': 'DONE', 'action': 'DELETE',
             'resources': [{'type': 'datacenter', 'id': 'dc-42', 'actions': ['vr.datacenter.delete']}]}
    server = http.server.HTTPServer(('127.0.0.1', 0), _Webhook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    extra = tmp_path / 'extra.json'
    extra.write_text(json.dumps({'ansible_eda': {'event': event}, 'alert_webhook_url': 'http://127.0.0.1:%d/hook' % server.server_port}))
    try:
        result = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', 'localhost,',
                                 os.path.join(DOCS, 'on_datacenter_deleted.yml'), '-e', '@%s' % extra],
                                capture_output=True, text=True, timeout=PLAYBOOK_TIMEOUT, check=False,
                                env=dict(os.environ, ANSIBLE_LOCAL_TEMP=str(tmp_path), ANSIBLE_NOCOLOR='1'))
    finally:
        server.shutdown()
        server.server_close()
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert 'mallory@example.com deleted datacenter dc-42 of contract 31909628' in result.stdout
    assert _Webhook.received == [{'text': 'mallory@example.com deleted datacenter dc-42 of contract 31909628 at '
                                          '2026-01-05T10:00:00.000Z from 203.0.113.9', 'entry_id': 'e-1'}]

# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bad arguments fail before any request with a message naming the option; the source loads like ansible-rulebook loads it."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import pytest
import yaml

from emulator.process import REPO_ROOT
from eda_harness import run_scenario

# A closed loopback port: a source that skipped validation would poll it forever (and the test would time out).
NOWHERE = {'api_url': 'http://127.0.0.1:9', 'token': 'tok-3c2b-options-secret'}
SUBPROCESS_TIMEOUT = 60


@pytest.mark.parametrize('args, words', [
    ({'interval': 0}, 'interval must be a number of seconds above 0'),
    ({'interval': 'soon'}, 'interval'),
    ({'interval': True}, 'interval'),
    ({'overlap': -1}, 'overlap must be from 0 to 2592000, not -1.0'),
    ({'interval': 1e300}, 'interval must be a number of seconds above 0 and at most 86400'),
    ({'overlap': 10 ** 5000}, 'overlap must be a number, not an integer of about 5000 digits'),
    ({'max_seen': 10 ** 5000}, 'max_seen must be from 1 to 1000000, not an integer of about 5000 digits'),
    ({'max_seen': 0}, 'max_seen must be from 1 to 1000000, not 0'),
    ({'max_seen': 2.5}, 'max_seen'),
    ({'start': 'yesterday'}, "start 'yesterday' is not a time"),
    ({'start': '+1h'}, 'start'),
    ({'filters': {'colour': 'red'}}, 'colour'),
    ({'filters': {'source_ip': '10.0.0.0/33'}}, '10.0.0.0/33'),
    ({'contract_numbers': ['abc']}, 'contract_numbers'),
    ({'contracts': [1], 'contract_numbers': [2]}, 'contract_numbers is given twice'),
    ({'page_size': 5000}, 'page_size'),
    ({'state_file': '/nonexistent-eda-dir/state.json'}, 'state_file'),
    ({'intervall': 5}, 'unsupported option intervall'),
    ({'end': 'now'}, 'end is not an option of the event source'),
    ({'query': '[].id'}, 'query is not an option of the event source'),
    ({'token': 'tok-3c2b\noptions-secret'}, 'token contains a line break'),
    ({'username': 'someone@example.com', 'token': None}, 'password'),
])
def test_bad_arguments_fail_at_once_naming_the_option(source, args, words):
    arguments = dict(NOWHERE, **args)
    arguments = {key: value for key, value in arguments.items() if value is not None}

    async def scenario():
        await source.main(asyncio.Queue(), arguments)

    with pytest.raises(source.OptionError) as raised:
        run_scenario(scenario, timeout=10)
    assert words in str(raised.value)
    assert 'secret' not in str(raised.value), 'no credential in the message'


def test_credentials_come_from_the_environment_like_the_module(source, monkeypatch):
    monkeypatch.setenv('IONOS_TOKEN', 'tok-from-env')
    monkeypatch.setenv('IONOS_API_URL', 'http://127.0.0.1:9')
    config = source.SourceConfig({'contract_number': 31909628, 'eda_feedback_queue': object()})
    assert config.fetch_options['token'] == 'tok-from-env'
    assert config.fetch_options['contract_numbers'] == [31909628]
    assert config.url == 'http://127.0.0.1:9/activitylog/v1'
    assert config.interval == 60 and config.overlap.total_seconds() == 300 and config.max_seen == 10000
    nulls = source.SourceConfig({'token': 'tok', 'interval': None, 'overlap': None, 'start': None, 'state_file': None})
    assert nulls.interval == 60 and nulls.state_file is None, 'a null from a rulebook variable means the default'
    explicit = source.SourceConfig({'token': 'tok-given', 'api_url': 'https://user:pw@api.example.com'})
    assert explicit.fetch_options['token'] == 'tok-given'
    assert 'pw' not in explicit.url, 'the URL that is logged has no user info'


def test_the_documentation_beside_the_source_is_its_argument_spec(source, source_path, monkeypatch, tmp_path):
    """activity_log.yml (the sidecar documentation) names every option of the source's spec, with its type, default,
    aliases and elements; its example gives arguments the source takes."""
    with open(os.path.splitext(source_path)[0] + '.yml', encoding='utf-8') as handle:
        sidecar = yaml.safe_load(handle)
    documented = sidecar['DOCUMENTATION']['options']
    assert sorted(documented) == sorted(source.SPEC)
    for name, spec in source.SPEC.items():
        shown_in_docs = {key: documented[name].get(key) for key in ('type', 'default', 'elements')}
        assert shown_in_docs == {key: spec.get(key) for key in ('type', 'default', 'elements')}, name
        assert sorted(documented[name].get('aliases', [])) == sorted(spec.get('aliases', [])), name
    monkeypatch.setenv('IONOS_TOKEN', 'tok-example')
    example = yaml.safe_load(sidecar['EXAMPLES'])[0]['sources'][0]['ionos.activitylog.activity_log']
    assert source.SourceConfig(dict(example, state_file=str(tmp_path / 'state.json'))).interval == example['interval']


def _load_in_a_clean_interpreter(path: str) -> subprocess.CompletedProcess:
    """What ansible-rulebook does, in an isolated Python (-I) started elsewhere: nothing puts the collection on sys.path."""
    code = 'import asyncio, runpy, sys; g = runpy.run_path(sys.argv[1]); print(asyncio.iscoroutinefunction(g["main"]))'
    return subprocess.run([sys.executable, '-I', '-c', code, path], cwd='/', capture_output=True, text=True,
                          timeout=SUBPROCESS_TIMEOUT, check=False)


def test_an_installed_source_finds_its_collection_from_its_own_path(source_path):
    result = _load_in_a_clean_interpreter(source_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == 'True'


def test_a_source_outside_a_collection_tree_says_what_it_needs():
    result = _load_in_a_clean_interpreter(os.path.join(REPO_ROOT, 'extensions', 'eda', 'plugins', 'event_source', 'activity_log.py'))
    assert result.returncode != 0
    assert 'needs the ionos.activitylog collection installed as ansible_collections/ionos/activitylog' in result.stderr

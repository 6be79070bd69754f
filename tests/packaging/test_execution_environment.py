# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The execution environment: ansible-builder makes a build context of our definition, and the build's own steps
(install the collections, introspect their requirements) find what ionos.activitylog needs.

No container can be built here, so the test runs the two steps of the generated Containerfile that concern the
collection, with the scripts ansible-builder wrote into the context, on this machine.
"""

from __future__ import annotations

import os
import re
import sys

import pytest
import yaml

from conftest import BIN, COLLECTION, ansible_env, run

DEFINITION_DIR = os.path.join(COLLECTION, 'docs', 'execution-environment')


def load_yaml(path: str):
    with open(path, encoding='utf-8') as handle:
        return yaml.safe_load(handle)


def create_context(definition: str, context: str) -> str:
    run(os.path.join(BIN, 'ansible-builder'), 'create', '-f', definition, '--context', context, '--output-filename', 'Containerfile')
    with open(os.path.join(context, 'Containerfile'), encoding='utf-8') as handle:
        return handle.read()


def requirement_lines(path: str) -> list:
    with open(path, encoding='utf-8') as handle:
        return [line.split('#')[0].strip() for line in handle if line.split('#')[0].strip()]


def test_collection_declares_its_requirements_for_ansible_builder():
    meta = load_yaml(os.path.join(COLLECTION, 'meta', 'execution-environment.yml'))
    assert meta['version'] == 3
    assert meta['dependencies'] == {'python': 'requirements.txt', 'system': 'bindep.txt'}
    names = [re.split(r'[<>=!~ ]', line)[0] for line in requirement_lines(os.path.join(COLLECTION, 'requirements.txt'))]
    assert names == ['requests', 'jmespath', 'boto3']


def test_shipped_definition_makes_a_build_context(tmp_path):
    containerfile = create_context(os.path.join(DEFINITION_DIR, 'execution-environment.yml'), str(tmp_path / 'context'))
    refs = re.search(r'ARG ANSIBLE_INSTALL_REFS="([^"]*)"', containerfile).group(1)
    runtime = load_yaml(os.path.join(COLLECTION, 'meta', 'runtime.yml'))
    assert 'ansible-core%s' % runtime['requires_ansible'] in refs, (refs, runtime['requires_ansible'])
    assert 'ansible-runner' in refs
    galaxy = load_yaml(str(tmp_path / 'context' / '_build' / 'requirements.yml'))
    assert [item['name'] for item in galaxy['collections']] == ['ionos.activitylog']
    assert 'collection install $ANSIBLE_GALAXY_CLI_COLLECTION_OPTS -r requirements.yml' in containerfile
    assert 'introspect.py introspect --write-bindep=/tmp/src/bindep.txt --write-pip=/tmp/src/requirements.txt' in containerfile


@pytest.fixture()
def artifact_context(tmp_path, artifact) -> str:
    """Our definition, with the collection taken from the built artifact instead of Galaxy (as docs/execution-environment.md shows)."""
    definition = load_yaml(os.path.join(DEFINITION_DIR, 'execution-environment.yml'))
    definition['dependencies']['galaxy'] = {'collections': [{'name': 'collections/' + os.path.basename(artifact), 'type': 'file'}]}
    definition['additional_build_files'] = [{'src': artifact, 'dest': 'collections'}]
    path = tmp_path / 'execution-environment.yml'
    path.write_text(yaml.safe_dump(definition), encoding='utf-8')
    create_context(str(path), str(tmp_path / 'context'))
    return str(tmp_path / 'context')


def test_build_steps_install_the_artifact_and_find_its_requirements(artifact_context, tmp_path):
    build = os.path.join(artifact_context, '_build')
    collections = str(tmp_path / 'usr-share-ansible-collections')
    # the galaxy stage: WORKDIR /build, ansible-galaxy collection install -r requirements.yml
    run(os.path.join(BIN, 'ansible-galaxy'), 'collection', 'install', '--offline', '-r', 'requirements.yml',
        '--collections-path', collections, cwd=build, env=ansible_env(collections))
    assert os.path.isfile(os.path.join(collections, 'ansible_collections', 'ionos', 'activitylog', 'MANIFEST.json'))
    # the builder stage: introspect.py over the installed collections writes the pip and bindep files
    pip_file, bindep_file = str(tmp_path / 'requirements.txt'), str(tmp_path / 'bindep.txt')
    run(sys.executable, os.path.join(build, 'scripts', 'introspect.py'), 'introspect',
        '--write-pip', pip_file, '--write-bindep', bindep_file, collections)
    assert requirement_lines(pip_file) == requirement_lines(os.path.join(COLLECTION, 'requirements.txt'))
    with open(pip_file, encoding='utf-8') as handle:
        assert handle.read().count('from collection ionos.activitylog') == 3
    assert requirement_lines(bindep_file) == requirement_lines(os.path.join(COLLECTION, 'bindep.txt'))
    # bindep (which ansible-builder brings) parses the file and finds its packages installed on this Debian machine
    run(os.path.join(BIN, 'bindep'), '--file', bindep_file, '--brief')

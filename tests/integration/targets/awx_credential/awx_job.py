# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Stand in for AWX around docs/awx/credential_type.yml, so that the test needs no AWX.

check  validates the credential type the way AWX does when it is created (the input schema, the env injector names
       AWX refuses, templates that render with StrictUndefined) and checks that it injects exactly the variables
       the collection reads, the token as a secret; and that an empty or left-out API URL never injects ''.
run    renders the env injectors the way AWX does for a job (a sandboxed Jinja2 environment whose variables are the
       credential's non-empty inputs) and runs a command with that environment and no other IONOS_* variable.
scan   fails when a secret input of the credential appears in a file (the output of a -vvvv run).
stats  turns the set_stats a playbook printed (ANSIBLE_SHOW_CUSTOM_STATS) into the extra variables AWX hands the
       next workflow node, as a JSON file.
collection-root  prints the directory of the collection under test, whose docs/awx holds the playbooks.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys

import yaml
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

CREDENTIAL_TYPE = os.path.join('docs', 'awx', 'credential_type.yml')
EXPECTED_ENV = {'IONOS_TOKEN': 'token', 'IONOS_API_URL': 'api_url'}  # injected variable -> the input it carries
DEFAULT_API_URL = 'https://api.ionos.com'
# What AWX accepts (awx/main/fields.py, CredentialTypeInputField) and refuses (awx/main/constants.py, ENV_BLOCKLIST).
FIELD_KEYS = {'id', 'label', 'type', 'format', 'choices', 'help_text', 'multiline', 'secret', 'ask_at_runtime', 'default'}
ENV_BLOCKLIST = frozenset((
    'VIRTUAL_ENV', 'PATH', 'PYTHONPATH', 'JOB_ID', 'INVENTORY_ID', 'INVENTORY_SOURCE_ID', 'INVENTORY_UPDATE_ID',
    'AD_HOC_COMMAND_ID', 'REST_API_URL', 'REST_API_TOKEN', 'MAX_EVENT_RES', 'CALLBACK_QUEUE', 'CALLBACK_CONNECTION',
    'CACHE', 'JOB_CALLBACK_DEBUG', 'INVENTORY_HOSTVARS', 'AWX_HOST', 'PROJECT_REVISION', 'SUPERVISOR_CONFIG_PATH',
))
NAME = re.compile(r'^[a-zA-Z_]+[a-zA-Z0-9_]*$')


class CheckError(Exception):
    """A property of the credential type that AWX or the collection would not accept."""


def collection_root() -> str:
    """The collection under test: the one ansible-test put on ANSIBLE_COLLECTIONS_PATH, whose docs/ it ships."""
    for path in os.environ.get('ANSIBLE_COLLECTIONS_PATH', '').split(os.pathsep):
        for root in (os.path.join(path, 'ansible_collections', 'ionos', 'activitylog'), os.path.join(path, 'ionos', 'activitylog')):
            if path and os.path.isfile(os.path.join(root, CREDENTIAL_TYPE)):
                return root
    raise CheckError('no %s in any collection on ANSIBLE_COLLECTIONS_PATH=%r' % (CREDENTIAL_TYPE, os.environ.get('ANSIBLE_COLLECTIONS_PATH')))


def load_credential_type() -> dict:
    with open(os.path.join(collection_root(), CREDENTIAL_TYPE), encoding='utf-8') as handle:
        return yaml.safe_load(handle)


def fields_of(credential_type: dict) -> dict:
    return {field['id']: field for field in credential_type['inputs']['fields']}


def awx_environment(credential_type: dict, inputs: dict) -> dict:
    """The env injectors rendered as awx.main.models.credential.CredentialType.inject_credential renders them."""
    namespace = {'tower': object()}
    for name, value in inputs.items():
        if isinstance(value, bool) or len(value):  # AWX leaves empty strings out of the variables
            namespace[name] = value
    for field in credential_type['inputs']['fields']:
        if field.get('type', 'string') == 'boolean' and field['id'] not in inputs:
            namespace[field['id']] = False
    sandbox = ImmutableSandboxedEnvironment()
    return {name: sandbox.from_string(template).render(**namespace) for name, template in credential_type['injectors']['env'].items()}


def check_inputs(credential_type: dict) -> None:
    if set(credential_type) != {'name', 'description', 'kind', 'inputs', 'injectors'}:
        raise CheckError('the credential type must have exactly name, description, kind, inputs and injectors, not %s' % sorted(credential_type))
    if not credential_type['name'] or credential_type['kind'] != 'cloud':
        raise CheckError('a custom credential type needs a name and kind cloud (kind is %r)' % credential_type['kind'])
    fields = credential_type['inputs']['fields']
    if len(fields_of(credential_type)) != len(fields):
        raise CheckError('field ids must be unique')
    for field in fields:
        if not {'id', 'label'} <= set(field) <= FIELD_KEYS or not NAME.match(field['id']) or field['id'] == 'tower':
            raise CheckError('AWX refuses the input field %r' % field)
        kind = field.get('type', 'string')
        if kind not in ('string', 'boolean') or ('default' in field and not isinstance(field['default'], {'string': str, 'boolean': bool}[kind])):
            raise CheckError('field %s: type %r with default %r' % (field['id'], kind, field.get('default')))
    token = fields_of(credential_type).get('token', {})
    if token.get('secret') is not True or 'token' not in credential_type['inputs'].get('required', []):
        raise CheckError('the token must be a required secret input, so AWX encrypts it and never shows it')
    if not set(credential_type['inputs'].get('required', [])) <= set(fields_of(credential_type)):
        raise CheckError('required names a field that does not exist')


def check_injectors(credential_type: dict, lookup_env: set) -> None:
    injectors = credential_type['injectors']
    if set(injectors) != {'env'}:
        raise CheckError('inject environment variables only (extra_vars would put the token into the job\'s variables): %s' % sorted(injectors))
    for name, template in injectors['env'].items():
        if not NAME.match(name) or name.startswith('ANSIBLE_') or name in ENV_BLOCKLIST or not template.isascii():
            raise CheckError('AWX refuses to inject %s=%r' % (name, template))
        try:
            ImmutableSandboxedEnvironment(undefined=StrictUndefined).from_string(template).render(
                {field: 'EXAMPLE' for field in fields_of(credential_type)}, tower=object())
        except TemplateError as error:
            raise CheckError('AWX refuses the injector of %s: %s' % (name, error)) from None
    if set(injectors['env']) != set(EXPECTED_ENV) or not set(EXPECTED_ENV) <= lookup_env:
        raise CheckError('inject %s, which the module and the lookup (env: %s) read; the type injects %s'
                         % (sorted(EXPECTED_ENV), sorted(lookup_env), sorted(injectors['env'])))
    probe = {'token': 'probe-token', 'api_url': 'http://127.0.0.1:9/probe'}
    if awx_environment(credential_type, probe) != {'IONOS_TOKEN': probe['token'], 'IONOS_API_URL': probe['api_url']}:
        raise CheckError('the injectors do not pass the inputs through unchanged: %s' % sorted(awx_environment(credential_type, probe)))
    for inputs in ({'token': 'probe-token'}, {'token': 'probe-token', 'api_url': ''}):
        if awx_environment(credential_type, inputs)['IONOS_API_URL'] != DEFAULT_API_URL:
            raise CheckError('an API URL left out or empty must inject IONOS_API_URL=%s, not %r'
                             % (DEFAULT_API_URL, awx_environment(credential_type, inputs)['IONOS_API_URL']))


def lookup_env_names() -> set:
    """The env: sources of the lookup's options, as ansible-doc of the collection under test lists them."""
    doc = json.loads(subprocess.run(['ansible-doc', '-t', 'lookup', '-j', 'ionos.activitylog.activity_log'],
                                    check=True, capture_output=True, text=True).stdout)
    options = doc['ionos.activitylog.activity_log']['doc']['options']
    return {entry['name'] for option in options.values() for entry in option.get('env', [])}


def credential_inputs(config_path: str) -> dict:
    """The credential a user would create: the emulator's reseller token and URL from integration_config.yml."""
    with open(config_path, encoding='utf-8') as handle:
        config = yaml.safe_load(handle)
    return {'token': config['emulator_token_reseller'], 'api_url': config['emulator_main_url']}


def run(args: argparse.Namespace) -> int:
    injected = awx_environment(load_credential_type(), credential_inputs(args.config))
    env = {name: value for name, value in os.environ.items() if not name.startswith(('IONOS_', 'JUNIT_'))}
    # ansible-test's junit callback would record the failures this test provokes on purpose as its own.
    callbacks = [name for name in env.pop('ANSIBLE_CALLBACKS_ENABLED', '').split(',') if name and name != 'junit']
    if callbacks:
        env['ANSIBLE_CALLBACKS_ENABLED'] = ','.join(callbacks)
    env.update({name: value for name, value in injected.items() if name not in args.without})
    with open(args.log, 'w', encoding='utf-8') as log:
        return subprocess.run(args.command, env=env, stdout=log, stderr=subprocess.STDOUT, check=False).returncode


def scan(args: argparse.Namespace) -> int:
    secrets = [value for name, value in credential_inputs(args.config).items()
               if fields_of(load_credential_type())[name].get('secret')]
    for path in args.files:
        with open(path, encoding='utf-8', errors='replace') as handle:
            text = handle.read()
        if not text.strip() or any(secret in text for secret in secrets):
            print('%s: a secret input of the credential appears in it (or it is empty)' % path, file=sys.stderr)
            return 1
    print('no secret input in %d files' % len(args.files))
    return 0


def stats(args: argparse.Namespace) -> int:
    with open(args.log, encoding='utf-8') as handle:
        runs = [line.split('RUN:', 1)[1] for line in handle if line.startswith('\tRUN:')]
    if not runs:
        print('%s holds no custom stats (was ANSIBLE_SHOW_CUSTOM_STATS set?)' % args.log, file=sys.stderr)
        return 1
    with open(args.output, 'w', encoding='utf-8') as handle:
        json.dump(json.loads(runs[-1]), handle)
    return 0


def main(argv: list) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest='command_name', required=True)
    commands.add_parser('check')
    commands.add_parser('collection-root')
    run_parser = commands.add_parser('run')
    run_parser.add_argument('--config', required=True, help='integration_config.yml with the emulator URL and token')
    run_parser.add_argument('--log', required=True, help='file for the output of the command')
    run_parser.add_argument('--without', action='append', default=[], help='leave this injected variable out')
    run_parser.add_argument('command', nargs='+')
    scan_parser = commands.add_parser('scan')
    scan_parser.add_argument('--config', required=True)
    scan_parser.add_argument('files', nargs='+')
    stats_parser = commands.add_parser('stats')
    stats_parser.add_argument('log')
    stats_parser.add_argument('output')
    args = parser.parse_args(argv)
    try:
        if args.command_name == 'check':
            credential_type = load_credential_type()
            check_inputs(credential_type)
            check_injectors(credential_type, lookup_env_names())
            print('credential type %r: injects %s' % (credential_type['name'], ', '.join(sorted(credential_type['injectors']['env']))))
            return 0
        if args.command_name == 'collection-root':
            print(collection_root())
            return 0
        return {'run': run, 'scan': scan, 'stats': stats}[args.command_name](args)
    except CheckError as error:
        print('docs/awx/credential_type.yml: %s' % error, file=sys.stderr)
        return 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))

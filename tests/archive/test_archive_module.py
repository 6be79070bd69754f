# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module as a playbook runs it: check mode, credentials from the environment as AWX injects them, no secret in
-vvvv output, and one message when boto3 is missing."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import archive_harness as harness
from emulator.process import EmulatorProcess

PLAYBOOK = '''
- hosts: localhost
  connection: local
  gather_facts: false
  vars:
    ansible_python_interpreter: "%(python)s"
  tasks:
    - name: What a run would write
      ionos.activitylog.activity_log_archive:
        bucket: "%(bucket)s"
        s3_endpoint_url: "%(endpoint)s"
        contract_numbers: [31909628]
      check_mode: true
      register: planned
    - name: Write it
      ionos.activitylog.activity_log_archive:
        bucket: "%(bucket)s"
        s3_endpoint_url: "%(endpoint)s"
        contract_numbers: [31909628]
      register: archived
    - name: Wrong keys
      ionos.activitylog.activity_log_archive:
        bucket: "%(bucket)s"
        s3_endpoint_url: "%(endpoint)s"
        s3_secret_key: "%(wrong)s"
      register: refused
      ignore_errors: true
    - name: The counts, for the test
      ansible.builtin.debug:
        msg: "RESULT {{ {'planned': planned, 'archived': archived, 'refused': refused} | to_json }}"
'''


def test_the_module_in_a_playbook_keeps_every_secret_out_of_its_output(seaweedfs, make_bucket, s3_client, tmp_path):
    bucket = make_bucket()
    wrong = 'Wrong' + seaweedfs.secret_key[5:]
    with EmulatorProcess(('--contracts', '1', '--entries', '300', '--days', '3', '--seed', '6')) as emulator:
        playbook = tmp_path / 'archive.yml'
        playbook.write_text(PLAYBOOK % {'python': sys.executable, 'bucket': bucket, 'endpoint': seaweedfs.endpoint_url, 'wrong': wrong})
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=harness.COLLECTIONS_ROOT, IONOS_API_URL=emulator.url, IONOS_TOKEN=harness.TOKEN,
                   AWS_ACCESS_KEY_ID=seaweedfs.access_key, AWS_SECRET_ACCESS_KEY=seaweedfs.secret_key, ANSIBLE_NOCOLOR='1')
        done = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', 'localhost,', '-vvvv', str(playbook)],
                              env=env, capture_output=True, text=True, timeout=300, check=False)
        output = done.stdout + done.stderr
        assert done.returncode == 0, output[-3000:]
        for secret in (seaweedfs.secret_key, wrong, seaweedfs.access_key, harness.TOKEN):
            assert secret not in output
        result = json.loads(output.split('RESULT ', 1)[1].split('\n', 1)[0].rstrip('"').replace('\\"', '"'))
        assert result['planned']['changed'] and result['planned']['entries_written'] == 300
        assert result['archived']['entries_written'] == 300 and result['archived']['hours_written'] == result['planned']['hours_written']
        assert 'refused the keys' in result['refused']['msg']
        assert len(harness.archived_ids(s3_client, bucket)) == 300


def test_without_boto3_the_module_says_what_to_install(tmp_path):
    args = tmp_path / 'args.json'
    args.write_text(json.dumps({'ANSIBLE_MODULE_ARGS': {'bucket': 'archive', 'token': 'x'}}))
    code = ("import runpy, sys; sys.modules['boto3'] = None; sys.path.insert(0, %r); sys.argv[1:] = [%r]; "
            "runpy.run_module('ansible_collections.ionos.activitylog.plugins.modules.activity_log_archive', run_name='__main__')"
            % (harness.COLLECTIONS_ROOT, str(args)))
    done = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=60, check=False)
    result = json.loads(done.stdout)
    assert result['failed'] and 'Failed to import the required Python library (boto3)' in result['msg']

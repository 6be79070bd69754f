# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the archive tests: one real S3 server (SeaweedFS on loopback) per session, boto3 clients for it,
fresh buckets, and the fault proxy in front of it (s3_faults.py). No test reaches anything but 127.0.0.1.
"""

from __future__ import annotations

import itertools
import uuid

import boto3
import botocore.config
import pytest

from s3_faults import FaultProxy
from seaweedfs import SeaweedFS

CLIENT_TIMEOUT = 10.0
_BUCKETS = itertools.count()


@pytest.fixture(scope='session', autouse=True)
def no_outside_aws_settings(tmp_path_factory):
    """A developer's proxy variables, ~/.aws files and instance metadata must not steer the test clients."""
    with pytest.MonkeyPatch.context() as patch:
        for name in ('HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_S3'):
            patch.delenv(name, raising=False)
            patch.delenv(name.lower(), raising=False)
        nowhere = str(tmp_path_factory.mktemp('aws') / 'none')
        patch.setenv('AWS_CONFIG_FILE', nowhere)
        patch.setenv('AWS_SHARED_CREDENTIALS_FILE', nowhere)
        patch.setenv('AWS_EC2_METADATA_DISABLED', 'true')
        yield


@pytest.fixture(scope='session')
def seaweedfs(tmp_path_factory):
    """The session's ``weed mini`` (seaweedfs.SeaweedFS): ``endpoint_url``, ``access_key``, ``secret_key``, ``region``."""
    with SeaweedFS(str(tmp_path_factory.mktemp('seaweedfs'))) as server:
        yield server


@pytest.fixture(scope='session')
def make_s3_client(seaweedfs, no_outside_aws_settings):  # pylint: disable=unused-argument
    """Factory: ``make_s3_client(endpoint_url=None, attempts=1, timeout=CLIENT_TIMEOUT)``: a boto3 S3 client with the
    server's credentials, path-style, for the server or another URL (the fault proxy's).

    ``attempts`` is botocore's ``total_max_attempts`` (1: no retry); its ``max_attempts`` counts retries, not attempts."""

    def make(endpoint_url=None, attempts=1, timeout=CLIENT_TIMEOUT):
        config = botocore.config.Config(s3={'addressing_style': 'path'}, retries={'total_max_attempts': attempts, 'mode': 'standard'},
                                        connect_timeout=timeout, read_timeout=timeout)
        return boto3.session.Session().client(
            's3', endpoint_url=endpoint_url or seaweedfs.endpoint_url, region_name=seaweedfs.region,
            aws_access_key_id=seaweedfs.access_key, aws_secret_access_key=seaweedfs.secret_key, config=config)

    return make


@pytest.fixture(scope='session')
def s3_client(make_s3_client):
    """A boto3 S3 client straight to the server (no retries: a failure shows at once)."""
    return make_s3_client()


@pytest.fixture
def make_bucket(s3_client):
    """Factory: ``make_bucket(object_lock=False)`` creates a fresh, uniquely named bucket and returns its name.

    Buckets are left in place (object-locked ones cannot be emptied); the server's data dir goes with the session."""

    def make(object_lock=False):
        name = 'archive-%s-%d' % (uuid.uuid4().hex[:12], next(_BUCKETS))
        s3_client.create_bucket(Bucket=name, **({'ObjectLockEnabledForBucket': True} if object_lock else {}))
        return name

    return make


@pytest.fixture
def fault_proxy(seaweedfs):
    """A FaultProxy in front of the server for one test; point a client at ``fault_proxy.url`` (make_s3_client)."""
    with FaultProxy(seaweedfs.endpoint_url, timeout=CLIENT_TIMEOUT) as proxy:
        yield proxy

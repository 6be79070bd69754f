# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the test S3 server is and does: loopback only and no telemetry (docs: test servers), and the S3 features
the archive relies on (conditional writes, object lock), checked on the real server rather than assumed.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import socket
import struct

import botocore.exceptions
import pytest

LISTEN = '0A'


def _address(hex_address: str) -> str:
    """An address of /proc/net/tcp{,6}: 32-bit words in host (little-endian) order."""
    raw = bytes.fromhex(hex_address)
    words = struct.unpack('<%dI' % (len(raw) // 4), raw)
    return str(ipaddress.ip_address(struct.pack('>%dI' % len(words), *words)))


def listening_sockets(pid: int) -> set:
    """(address, port) of every TCP socket the process ``pid`` listens on, from /proc (no ss, no psutil)."""
    inodes = set()
    for fd in os.listdir('/proc/%d/fd' % pid):
        try:
            target = os.readlink('/proc/%d/fd/%s' % (pid, fd))
        except OSError:
            continue
        if target.startswith('socket:['):
            inodes.add(target[8:-1])
    found = set()
    for table in ('tcp', 'tcp6'):
        path = '/proc/%d/net/%s' % (pid, table)
        if not os.path.exists(path):
            continue
        with open(path, encoding='ascii') as handle:
            for line in handle.readlines()[1:]:
                fields = line.split()
                local, state, inode = fields[1], fields[3], fields[9]
                if state == LISTEN and inode in inodes:
                    address, port = local.split(':')
                    found.add((_address(address), int(port, 16)))
    return found


def test_safety_flags_in_argv(seaweedfs):
    assert '-ip.bind=127.0.0.1' in seaweedfs.argv
    assert '-ip=127.0.0.1' in seaweedfs.argv
    assert '-master.telemetry=false' in seaweedfs.argv
    assert '-admin.ui=false' in seaweedfs.argv
    assert not [arg for arg in seaweedfs.argv if arg.startswith('-master.telemetry') and arg != '-master.telemetry=false']


def test_listens_on_loopback_only_on_its_own_ports(seaweedfs):
    sockets = listening_sockets(seaweedfs.pid)
    assert ('127.0.0.1', seaweedfs.ports['s3.port']) in sockets, sockets
    assert len(sockets) >= 10, sockets  # master, volume, filer, s3, webdav, admin and their grpc ports
    assert {address for address, _port in sockets} <= {'127.0.0.1', '::1'}, sockets
    assert {port for _address, port in sockets} <= set(seaweedfs.ports.values()), 'a port weed chose itself: %s' % sockets


def test_endpoint_is_loopback(seaweedfs):
    assert seaweedfs.endpoint_url == 'http://127.0.0.1:%d' % seaweedfs.ports['s3.port']
    assert seaweedfs.region == 'us-east-1'
    with socket.create_connection(('127.0.0.1', seaweedfs.ports['s3.port']), timeout=5):
        pass


def test_wrong_secret_is_refused(make_s3_client, seaweedfs, make_bucket, monkeypatch):
    bucket = make_bucket()
    monkeypatch.setattr(seaweedfs, 'secret_key', seaweedfs.secret_key + 'x')
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        make_s3_client().put_object(Bucket=bucket, Key='k', Body=b'x')
    assert caught.value.response['ResponseMetadata']['HTTPStatusCode'] == 403


def _status(error: botocore.exceptions.ClientError) -> int:
    return error.response['ResponseMetadata']['HTTPStatusCode']


def test_if_none_match_star_refuses_an_existing_key(s3_client, make_bucket):
    bucket = make_bucket()
    s3_client.put_object(Bucket=bucket, Key='part-1', Body=b'first', IfNoneMatch='*')
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        s3_client.put_object(Bucket=bucket, Key='part-1', Body=b'second', IfNoneMatch='*')
    assert _status(caught.value) == 412, caught.value.response
    assert s3_client.get_object(Bucket=bucket, Key='part-1')['Body'].read() == b'first'


def test_if_match_needs_the_current_etag(s3_client, make_bucket):
    bucket = make_bucket()
    stale = s3_client.put_object(Bucket=bucket, Key='manifest', Body=b'v1')['ETag']
    current = s3_client.put_object(Bucket=bucket, Key='manifest', Body=b'v2', IfMatch=stale)['ETag']
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        s3_client.put_object(Bucket=bucket, Key='manifest', Body=b'v3', IfMatch=stale)
    assert _status(caught.value) == 412, caught.value.response
    assert s3_client.get_object(Bucket=bucket, Key='manifest')['Body'].read() == b'v2'
    assert s3_client.head_object(Bucket=bucket, Key='manifest')['ETag'] == current


def test_if_match_on_a_missing_key_fails(s3_client, make_bucket):
    bucket = make_bucket()
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        s3_client.put_object(Bucket=bucket, Key='missing', Body=b'x', IfMatch='"0123456789abcdef0123456789abcdef"')
    assert _status(caught.value) in (404, 412), caught.value.response


def test_compliance_retention_refuses_deleting_the_version(s3_client, make_bucket):
    bucket = make_bucket(object_lock=True)
    assert s3_client.get_object_lock_configuration(Bucket=bucket)['ObjectLockConfiguration']['ObjectLockEnabled'] == 'Enabled'
    until = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)
    version = s3_client.put_object(Bucket=bucket, Key='locked', Body=b'kept', ObjectLockMode='COMPLIANCE',
                                   ObjectLockRetainUntilDate=until)['VersionId']
    retention = s3_client.get_object_retention(Bucket=bucket, Key='locked', VersionId=version)['Retention']
    assert retention['Mode'] == 'COMPLIANCE'
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        s3_client.delete_object(Bucket=bucket, Key='locked', VersionId=version)
    assert _status(caught.value) == 403, caught.value.response
    with pytest.raises(botocore.exceptions.ClientError):
        s3_client.delete_object(Bucket=bucket, Key='locked', VersionId=version, BypassGovernanceRetention=True)
    assert s3_client.get_object(Bucket=bucket, Key='locked', VersionId=version)['Body'].read() == b'kept'


def test_plain_bucket_deletes(s3_client, make_bucket):
    bucket = make_bucket()
    s3_client.put_object(Bucket=bucket, Key='gone', Body=b'x')
    s3_client.delete_object(Bucket=bucket, Key='gone')
    assert s3_client.list_objects_v2(Bucket=bucket)['KeyCount'] == 0

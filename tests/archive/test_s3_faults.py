# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fault proxy itself: signed requests pass through it unchanged, and each scripted fault shows to boto3 as the
real failure would (an error status, a dropped connection, a slow answer), so the archive's tests can rely on it.
"""

from __future__ import annotations

import time

import botocore.exceptions
import pytest

from s3_faults import Fault


def _status(error: botocore.exceptions.ClientError) -> int:
    return error.response['ResponseMetadata']['HTTPStatusCode']


def test_signed_requests_pass_through(fault_proxy, make_s3_client, make_bucket):
    bucket = make_bucket()
    client = make_s3_client(fault_proxy.url)
    key = 'activity/contract=1/date=2024-06-01/hour=13/part-0001.jsonl.gz'
    etag = client.put_object(Bucket=bucket, Key=key, Body=b'{"id": 1}\n' * 1000, IfNoneMatch='*')['ETag']
    assert client.get_object(Bucket=bucket, Key=key)['Body'].read() == b'{"id": 1}\n' * 1000
    assert client.head_object(Bucket=bucket, Key=key)['ContentLength'] == 10000
    assert [item['Key'] for item in client.list_objects_v2(Bucket=bucket)['Contents']] == [key]
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        client.put_object(Bucket=bucket, Key=key, Body=b'again', IfNoneMatch='*')
    assert _status(caught.value) == 412
    assert client.head_object(Bucket=bucket, Key=key)['ETag'] == etag
    assert fault_proxy.counts == {'PUT': 2, 'GET': 2, 'HEAD': 2}
    assert ('PUT', '/%s/%s' % (bucket, key)) in fault_proxy.requests


def test_error_status_then_recovery(fault_proxy, make_s3_client, make_bucket):
    bucket = make_bucket()
    fault = Fault(method='PUT', path_contains='hour=', status=503, times=2)
    fault_proxy.add(fault)
    client = make_s3_client(fault_proxy.url)
    for _attempt in range(2):
        with pytest.raises(botocore.exceptions.ClientError) as caught:
            client.put_object(Bucket=bucket, Key='x/hour=01/part', Body=b'x')
        assert _status(caught.value) == 503
    client.put_object(Bucket=bucket, Key='x/hour=01/part', Body=b'x')
    assert fault.applied == 2 and fault_proxy.counts['PUT'] == 3


def test_retrying_client_gets_through(fault_proxy, make_s3_client, make_bucket):
    bucket = make_bucket()
    fault_proxy.add(Fault(method='PUT', status=500, times=1))
    make_s3_client(fault_proxy.url, attempts=2).put_object(Bucket=bucket, Key='k', Body=b'x')
    assert fault_proxy.counts['PUT'] == 2


def test_max_attempts_counts_retries(fault_proxy, seaweedfs, make_bucket):
    """botocore's retries={'max_attempts': 1} is one retry (two requests): the archive should say total_max_attempts."""
    import boto3  # pylint: disable=import-outside-toplevel
    import botocore.config  # pylint: disable=import-outside-toplevel
    bucket = make_bucket()
    fault_proxy.add(Fault(method='PUT', status=503, times=1))
    client = boto3.session.Session().client(
        's3', endpoint_url=fault_proxy.url, region_name=seaweedfs.region, aws_access_key_id=seaweedfs.access_key,
        aws_secret_access_key=seaweedfs.secret_key,
        config=botocore.config.Config(s3={'addressing_style': 'path'}, retries={'max_attempts': 1}, read_timeout=10))
    client.put_object(Bucket=bucket, Key='k', Body=b'x')
    assert fault_proxy.counts['PUT'] == 2


def test_drop_is_a_connection_error(fault_proxy, make_s3_client, make_bucket):
    bucket = make_bucket()
    fault_proxy.add(Fault(method='PUT', drop=True))
    with pytest.raises((botocore.exceptions.ConnectionError, botocore.exceptions.HTTPClientError)):
        make_s3_client(fault_proxy.url).put_object(Bucket=bucket, Key='k', Body=b'x')


def test_answer_lost_after_the_write(fault_proxy, s3_client, make_s3_client, make_bucket):
    """``after``: the write is applied upstream, only its answer is lost; the retry then meets IfNoneMatch's 412."""
    bucket = make_bucket()
    fault_proxy.add(Fault(method='PUT', drop=True, after=True))
    client = make_s3_client(fault_proxy.url)
    with pytest.raises((botocore.exceptions.ConnectionError, botocore.exceptions.HTTPClientError)):
        client.put_object(Bucket=bucket, Key='k', Body=b'first', IfNoneMatch='*')
    assert s3_client.get_object(Bucket=bucket, Key='k')['Body'].read() == b'first'
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        client.put_object(Bucket=bucket, Key='k', Body=b'first', IfNoneMatch='*')
    assert _status(caught.value) == 412


def test_slow_answer_times_out_a_client(fault_proxy, make_s3_client, make_bucket):
    bucket = make_bucket()
    fault_proxy.add(Fault(method='GET', delay=5.0))
    started = time.monotonic()
    with pytest.raises(botocore.exceptions.ReadTimeoutError):
        make_s3_client(fault_proxy.url, timeout=1).list_objects_v2(Bucket=bucket)
    assert time.monotonic() - started < 4


def test_slow_answer_still_arrives(fault_proxy, make_s3_client, make_bucket):
    bucket = make_bucket()
    fault_proxy.add(Fault(method='GET', delay=0.5))
    started = time.monotonic()
    assert make_s3_client(fault_proxy.url).list_objects_v2(Bucket=bucket)['KeyCount'] == 0
    assert time.monotonic() - started >= 0.5

# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The archive's object store: any S3-compatible service through boto3 (IONOS Object Storage, AWS, others).

Conditional writes (If-None-Match, If-Match) make parts write-once and the manifest a compare-and-swap. boto3's
newer default checksums are switched to "when required", which S3-compatible services do not all accept; parts
carry a Content-MD5 instead, which Object Lock buckets require. Errors become ApiError with a message that names
the bucket and the fix, never a key.
"""

from __future__ import annotations

import base64
import hashlib
import re
import threading

from ansible_collections.ionos.activitylog.plugins.module_utils.archive_layout import PreconditionFailed
from ansible_collections.ionos.activitylog.plugins.module_utils.errors import ApiError, OptionError

try:
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError
    HAS_BOTO3 = True
    BOTO3_IMPORT_ERROR = None
except ImportError as error:  # the module reports it with missing_required_lib
    HAS_BOTO3 = False
    BOTO3_IMPORT_ERROR = error

_IONOS_HOST = re.compile(r'^(?:https?://)?s3[.-](?P<region>[a-z]+-[a-z]+-[0-9]+)\.ionoscloud\.com(?::[0-9]+)?/?$')
DEFAULT_REGION = 'us-east-1'  # what S3-compatible services other than AWS and IONOS expect for SigV4
_KEYS = ('InvalidAccessKeyId', 'SignatureDoesNotMatch', 'InvalidSecurity', 'InvalidToken', 'ExpiredToken')


def region_for(endpoint_url: str | None, region: str | None) -> str | None:
    """The region to sign for: given, else an IONOS endpoint's own, else the default for another endpoint; None for
    AWS, where boto3 finds it (AWS_REGION, the config file)."""
    if region:
        return region
    if not endpoint_url:
        return None
    found = _IONOS_HOST.match(endpoint_url.strip())
    return found.group('region') if found else DEFAULT_REGION


class S3Sink:
    """One bucket; safe to share between the writer threads (boto3 clients are)."""

    def __init__(self, settings, object_lock: bool = False):
        """``settings``: an options.Settings with a bucket; ``object_lock``: the bucket must have Object Lock."""
        if not HAS_BOTO3:
            raise OptionError('bucket needs the Python library boto3 where this runs (%s): pip install boto3, or leave bucket out'
                              % BOTO3_IMPORT_ERROR)
        self.bucket = settings.bucket
        self.where = 'bucket %s%s' % (settings.bucket, ' at ' + settings.s3_endpoint_url if settings.s3_endpoint_url else '')
        config = Config(connect_timeout=settings.timeout, read_timeout=settings.timeout, max_pool_connections=max(settings.concurrency, 1) + 2,
                        retries={'total_max_attempts': settings.retries + 1, 'mode': 'standard'}, s3={'addressing_style': 'path'},
                        proxies={'http': settings.proxy, 'https': settings.proxy} if settings.proxy else None,
                        request_checksum_calculation='when_required', response_checksum_validation='when_required')
        try:
            self.client = boto3.session.Session().client(
                's3', endpoint_url=settings.s3_endpoint_url or None, region_name=region_for(settings.s3_endpoint_url, settings.s3_region),
                aws_access_key_id=settings.s3_access_key, aws_secret_access_key=settings.s3_secret_key,
                aws_session_token=settings.s3_session_token,
                verify=(settings.ca_path or True) if settings.validate_certs else False, config=config)
        except (BotoCoreError, ValueError) as error:
            raise ApiError('The object storage client cannot be set up for %s: %s' % (self.where, _safe(error))) from None
        self._lock = threading.Lock()
        self.requests = 0
        if object_lock:
            self._require_object_lock()

    def close(self) -> None:
        self.client.close()

    def get(self, key: str):
        """(bytes, etag) of ``key``; None when it does not exist."""
        try:
            answer = self._call('get_object', Key=key)
            return answer['Body'].read(), answer.get('ETag')
        except _Missing:
            return None

    def put_part(self, key: str, body: bytes, digest: str, count: int, exclusive: bool) -> None:
        """Write a part; ``exclusive``: only if absent (PreconditionFailed otherwise)."""
        md5 = base64.b64encode(hashlib.new('md5', body, usedforsecurity=False).digest()).decode('ascii')
        extra = {'IfNoneMatch': '*'} if exclusive else {}
        self._call('put_object', Key=key, Body=body, ContentType='application/gzip', ContentMD5=md5,
                   Metadata={'sha256': digest, 'entries': str(count)}, **extra)

    def put_manifest(self, key: str, body: bytes, etag: str | None) -> str:
        """Replace the manifest only if it is still the one read (``etag``; None: only if there is none). The new ETag."""
        condition = {'IfMatch': etag} if etag else {'IfNoneMatch': '*'}
        answer = self._call('put_object', Key=key, Body=body, ContentType='application/json', **condition)
        return answer.get('ETag')

    def _require_object_lock(self) -> None:
        try:
            answer = self._call('get_object_lock_configuration')
        except _Missing:
            answer = {}
        if (answer.get('ObjectLockConfiguration') or {}).get('ObjectLockEnabled') != 'Enabled':
            raise ApiError('object_lock is true but %s has no Object Lock: create the bucket with Object Lock (and a default retention), '
                           'or set object_lock to false' % self.where)

    def _call(self, operation: str, **params):
        with self._lock:
            self.requests += 1
        try:
            return getattr(self.client, operation)(Bucket=self.bucket, **params)
        except ClientError as error:
            raise self._error(operation, params.get('Key'), error) from None
        except BotoCoreError as error:
            raise ApiError('The object storage could not be reached for %s (%s): check s3_endpoint_url, the network and timeout'
                           % (self.where, _safe(error))) from None

    def _error(self, operation: str, key: str | None, error) -> Exception:
        details = error.response.get('Error') or {}
        code = str(details.get('Code') or '')
        status = (error.response.get('ResponseMetadata') or {}).get('HTTPStatusCode')
        if status == 412 or code in ('PreconditionFailed', 'ConditionalRequestConflict'):
            return PreconditionFailed(key)
        if code in ('NoSuchKey', 'ObjectLockConfigurationNotFoundError') or (status == 404 and code != 'NoSuchBucket'):
            return _Missing(key)
        if code == 'NoSuchBucket':
            return ApiError('The bucket %s does not exist: create it first (with Object Lock for object_lock), or check bucket and '
                            's3_endpoint_url' % self.where, status)
        if code in _KEYS:
            return ApiError('The object storage refused the keys for %s (%s): check s3_access_key and s3_secret_key (or AWS_ACCESS_KEY_ID and '
                            'AWS_SECRET_ACCESS_KEY) and s3_endpoint_url' % (self.where, code), status)
        if code == 'AccessDenied' or status == 403:
            return ApiError('The object storage denied %s on %s (%s): the keys need permission to read and write objects under the prefix'
                            % (operation, self.where, code or status), status)
        return ApiError('The object storage answered %s for %s on %s (%s): run again; if it persists, check the service'
                        % (status, operation, self.where, code or 'no error code'), status)


class _Missing(Exception):
    """404 for a key: the object (or the bucket's Object Lock configuration) does not exist."""


def _safe(error) -> str:
    """botocore's text of a transport error, without anything that looks like a signature or credential."""
    return re.sub(r'(?i)(signature|credential|x-amz-security-token)=[^&\s]+', r'\1=...', str(error))

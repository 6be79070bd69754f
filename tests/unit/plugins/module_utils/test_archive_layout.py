# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the archive layout: reproducible hour objects, part names, the manifest's compare-and-swap and merge,
and the region an S3 endpoint is signed for."""

from __future__ import annotations

import gzip
import hashlib
import json
from datetime import datetime, timezone

import pytest

from ansible_collections.ionos.activitylog.plugins.module_utils import archive_layout
from ansible_collections.ionos.activitylog.plugins.module_utils.archive_layout import (
    MANIFEST_ATTEMPTS, Manifest, PreconditionFailed, decode_part, encode_hour, floor_hour, hour_start, part_key, read_part,
)
from ansible_collections.ionos.activitylog.plugins.module_utils.errors import ApiError
from ansible_collections.ionos.activitylog.plugins.module_utils.s3_sink import region_for

UTC = timezone.utc
KEY = 'contract=1/_manifest.json'
ENTRIES = [
    {'time': '2024-05-01T05:00:01Z', 'id': 'a', 'user': {'name': 'Zoë', 'mail': 'zoe@example.com'}, 'note': 'Grüße €'},
    {'time': '2024-05-01T05:10:00Z', 'id': 'b', 'count': 3, 'tags': ['x', 'y'], 'ok': True, 'none': None},
]


def at(hour: int, day: int = 1) -> datetime:
    return datetime(2024, 5, day, hour, tzinfo=UTC)


def part(name: str, sha: str = 'x', count: int = 1) -> dict:
    return {'key': name, 'count': count, 'sha256': sha}


class FakeSink:
    """A dict-backed store with the manifest's conditional write: put_manifest(etag=None) only when the key is absent,
    else only when the stored ETag is still ``etag``."""

    def __init__(self):
        self.objects = {}
        self.puts = 0
        self.version = 0

    def get(self, key):
        return self.objects.get(key)

    def put_manifest(self, key, body, etag):
        self.puts += 1
        stored = self.objects.get(key)
        if (etag is None and stored is not None) or (etag is not None and (stored is None or stored[1] != etag)):
            raise PreconditionFailed(key)
        return self.store(key, body)

    def store(self, key, body):
        self.version += 1
        etag = '"etag-%d"' % self.version
        self.objects[key] = (body, etag)
        return etag

    def document(self, key=KEY):
        return json.loads(self.objects[key][0])


def manifest_body(contract=1, fmt=1, **fields):
    document = {'format': fmt, 'contract': contract, 'start': None, 'sealed_until': None, 'oldest_entry': None, 'hours': {}}
    document.update(fields)
    return json.dumps(document).encode('utf-8')


# encode_hour / decode_part

def test_encode_hour_is_reproducible():
    first = encode_hour(ENTRIES)
    second = encode_hour([dict(reversed(list(entry.items()))) for entry in ENTRIES])  # key order does not matter
    assert first == second
    assert encode_hour(ENTRIES) == first


def test_encode_hour_gzip_has_no_timestamp():
    body = encode_hour(ENTRIES)[0]
    assert body[:2] == b'\x1f\x8b'
    assert body[4:8] == b'\x00\x00\x00\x00'
    assert gzip.decompress(body)


def test_encode_hour_digest_is_of_the_uncompressed_lines():
    body, digest = encode_hour(ENTRIES)
    lines = gzip.decompress(body)
    assert digest == hashlib.sha256(lines).hexdigest()
    assert digest != hashlib.sha256(body).hexdigest()
    assert encode_hour([])[1] == hashlib.sha256(b'').hexdigest()


def test_encode_hour_lines_are_canonical_json():
    lines = gzip.decompress(encode_hour(ENTRIES)[0])
    assert lines == (
        '{"id":"a","note":"Grüße €","time":"2024-05-01T05:00:01Z","user":{"mail":"zoe@example.com","name":"Zoë"}}\n'
        '{"count":3,"id":"b","none":null,"ok":true,"tags":["x","y"],"time":"2024-05-01T05:10:00Z"}\n'
    ).encode('utf-8')
    assert b'\\u' not in lines
    assert b' :' not in lines and b', ' not in lines and b': ' not in lines
    assert 'Grüße €'.encode('utf-8') in lines


def test_the_c_encoder_writes_exactly_what_jsonencoder_writes(monkeypatch):
    tricky = ENTRIES + [{'id': 'c', 'n': [0.1, 1e16, -0.0, 2 ** 70], 'u': '\u2028\x00"\\/😀', 'nested': {'z': {}, 'a': []}}]
    assert archive_layout._C_ENCODE is not None  # CPython has it: this test compares both paths
    fast = encode_hour(tricky)
    monkeypatch.setattr(archive_layout, '_C_ENCODE', None)
    assert encode_hour(tricky) == fast
    assert encode_hour([]) == (gzip.compress(b'', compresslevel=archive_layout.GZIP_LEVEL, mtime=0), hashlib.sha256(b'').hexdigest())


def test_a_lone_surrogate_is_written_as_its_json_escape_and_read_back():
    entries = [json.loads('{"id": "a", "time": "2024-05-01T05:00:01Z", "message": "cut \\ud83d here", "\\udc00": "key"}')]
    body, digest = encode_hour(entries)
    assert gzip.decompress(body) == b'{"id":"a","message":"cut \\ud83d here","time":"2024-05-01T05:00:01Z","\\udc00":"key"}\n'
    assert decode_part(body) == entries and read_part(body)[1] == digest


def test_decode_part_round_trips():
    assert decode_part(encode_hour(ENTRIES)[0]) == ENTRIES
    assert decode_part(encode_hour([])[0]) == []


@pytest.mark.parametrize('separator', ['\u2028', '\u2029', '\x85'])
def test_decode_part_round_trips_unicode_line_separators(separator):
    entries = [{'id': 'a', 'note': 'one%stwo' % separator}]
    assert decode_part(encode_hour(entries)[0]) == entries


@pytest.mark.parametrize('body', [
    b'',
    b'not gzip at all',
    gzip.compress(b'{"id": "a"}\n{not json\n', mtime=0),
    gzip.compress(b'\xff\xfe\n', mtime=0),
    gzip.compress(b'{"id": "a"}\n', mtime=0)[:-6],
], ids=['empty', 'not-gzip', 'not-json', 'not-utf8', 'truncated'])
def test_decode_part_of_garbage_raises_api_error(body):
    with pytest.raises(ApiError, match='not gzipped JSON lines') as caught:
        decode_part(body)
    assert 'damaged' in str(caught.value)


# part_key / floor_hour / hour_start

def test_part_key():
    assert part_key('2024-05-01T05', 0) == 'hour=05.jsonl.gz'
    assert part_key('2024-05-01T05', 2) == 'hour=05.late-2.jsonl.gz'
    assert part_key('2024-12-31T23', 1) == 'hour=23.late-1.jsonl.gz'


def test_floor_hour_and_hour_start_round_trip():
    moment = datetime(2024, 5, 1, 5, 37, 12, 345678, tzinfo=UTC)
    floored = floor_hour(moment)
    assert floored == at(5)
    assert hour_start('2024-05-01T05') == at(5)
    assert hour_start(floored.strftime('%Y-%m-%dT%H')) == floored
    assert hour_start('2024-05-01T05:37:12Z'[:13]) == floored
    assert floor_hour(hour_start('2024-05-01T05')) == hour_start('2024-05-01T05')
    assert hour_start('2024-05-01T05').tzinfo == UTC


# Manifest

def test_load_of_missing_manifest_is_empty():
    manifest = Manifest.load(FakeSink(), KEY, 1)
    assert (manifest.start, manifest.sealed_until, manifest.oldest_entry, manifest.hours, manifest.etag) == (None, None, None, {}, None)
    assert manifest.parts('2024-05-01T05') == []


def test_save_then_load_round_trips():
    sink = FakeSink()
    manifest = Manifest.load(sink, KEY, 1)
    manifest.record('2024-05-01T05', [part('hour=05.jsonl.gz', 'aa', 2)])
    manifest.record('2024-05-01T03', [part('hour=03.jsonl.gz', 'bb', 1), part('hour=03.late-1.jsonl.gz', 'cc', 4)])
    manifest.saw_entry('2024-05-01T05:00:01Z')
    manifest.saw_entry('2024-05-01T03:20:00Z')
    manifest.saw_entry('2024-05-01T04:00:00Z')
    manifest.cover(at(3), at(6))
    manifest.save(sink)
    assert sink.puts == 1
    assert manifest.etag == sink.objects[KEY][1]

    loaded = Manifest.load(sink, KEY, 1)
    assert loaded.start == at(3)
    assert loaded.sealed_until == at(6)
    assert loaded.oldest_entry == '2024-05-01T03:20:00Z'
    assert loaded.hours == manifest.hours
    assert loaded.parts('2024-05-01T03')[1]['key'] == 'hour=03.late-1.jsonl.gz'
    assert loaded.etag == manifest.etag
    assert sink.document()['start'] == '2024-05-01T03:00:00Z'
    assert sink.document()['sealed_until'] == '2024-05-01T06:00:00Z'
    assert list(sink.document()['hours']) == ['2024-05-01T03', '2024-05-01T05']


def test_save_without_changes_writes_nothing():
    sink = FakeSink()
    manifest = Manifest.load(sink, KEY, 1)
    manifest.record('2024-05-01T05', [part('hour=05.jsonl.gz')])
    manifest.cover(at(5), at(6))
    manifest.saw_entry('2024-05-01T05:00:00Z')
    manifest.save(sink)
    manifest.save(sink)
    assert sink.puts == 1

    again = Manifest.load(sink, KEY, 1)
    again.cover(at(5), at(6))  # inside what is complete: no change
    again.saw_entry('2024-05-01T23:00:00Z')  # younger than the oldest: no change
    again.save(sink)
    assert sink.puts == 1

    again.record('2024-05-01T06', [part('hour=06.jsonl.gz')])
    again.save(sink)
    assert sink.puts == 2


def test_save_of_a_manifest_stored_in_another_layout_writes_nothing():
    sink = FakeSink()
    sink.store(KEY, json.dumps(json.loads(manifest_body(start='2024-05-01T00:00:00Z', sealed_until='2024-05-01T02:00:00Z')), indent=2).encode())
    Manifest.load(sink, KEY, 1).save(sink)
    assert sink.puts == 0


def test_cover():
    manifest = Manifest(KEY, 1)
    manifest.cover(at(5), at(5))
    assert (manifest.start, manifest.sealed_until) == (None, None)
    manifest.cover(at(5), at(8))
    assert (manifest.start, manifest.sealed_until) == (at(5), at(8))
    manifest.cover(at(8), at(10))  # touches the end
    assert (manifest.start, manifest.sealed_until) == (at(5), at(10))
    manifest.cover(at(2), at(5))  # touches the start
    assert (manifest.start, manifest.sealed_until) == (at(2), at(10))
    manifest.cover(at(1), at(12))  # contains it
    assert (manifest.start, manifest.sealed_until) == (at(1), at(12))
    manifest.cover(at(3), at(4))  # inside it
    assert (manifest.start, manifest.sealed_until) == (at(1), at(12))
    manifest.cover(at(13), at(15))  # leaves a gap after
    assert (manifest.start, manifest.sealed_until) == (at(1), at(12))
    manifest.cover(datetime(2024, 4, 30, 20, tzinfo=UTC), at(0))  # leaves a gap before
    assert (manifest.start, manifest.sealed_until) == (at(1), at(12))
    manifest.cover(at(20), at(14))  # empty
    assert (manifest.start, manifest.sealed_until) == (at(1), at(12))


def test_stale_manifest_is_merged():
    sink = FakeSink()
    sink.store(KEY, manifest_body(
        start='2024-05-01T00:00:00Z', sealed_until='2024-05-01T02:00:00Z', oldest_entry='2024-05-01T00:10:00Z',
        hours={'2024-05-01T00': [part('hour=00.jsonl.gz', 'h0')], '2024-05-01T01': [part('hour=01.jsonl.gz', 'h1')]}))
    mine = Manifest.load(sink, KEY, 1)
    theirs = Manifest.load(sink, KEY, 1)

    theirs.record('2024-05-01T01', [part('hour=01.jsonl.gz', 'h1'), part('hour=01.late-1.jsonl.gz', 'theirs-late')])
    theirs.record('2024-05-01T02', [part('hour=02.jsonl.gz', 'theirs-02')])
    theirs.record('2024-05-01T07', [part('hour=07.jsonl.gz', 'theirs-07')])
    theirs.cover(at(2), at(3))
    theirs.saw_entry('2024-04-30T23:30:00Z')
    theirs.save(sink)
    assert sink.puts == 1

    mine.record('2024-05-01T01', [part('hour=01.jsonl.gz', 'h1'), part('hour=01.late-2.jsonl.gz', 'my-late')])
    mine.record('2024-05-01T02', [part('hour=02.jsonl.gz', 'my-02')])
    mine.record('2024-05-01T03', [part('hour=03.jsonl.gz', 'my-03')])
    mine.cover(at(2), at(4))
    mine.saw_entry('2024-05-01T00:05:00Z')
    mine.save(sink)
    assert sink.puts == 3  # refused once (stale etag), then written on top of theirs
    assert mine.etag == sink.objects[KEY][1]

    merged = Manifest.load(sink, KEY, 1)
    assert merged.hours['2024-05-01T00'] == [part('hour=00.jsonl.gz', 'h0')]  # untouched by both
    assert merged.hours['2024-05-01T07'] == [part('hour=07.jsonl.gz', 'theirs-07')]  # theirs kept
    assert merged.hours['2024-05-01T03'] == [part('hour=03.jsonl.gz', 'my-03')]  # mine added
    assert merged.hours['2024-05-01T02'] == [part('hour=02.jsonl.gz', 'my-02')]  # mine on top, their hour part not kept
    late = merged.hours['2024-05-01T01']
    assert late[0] == part('hour=01.jsonl.gz', 'h1')
    assert sorted(p['key'] for p in late) == ['hour=01.jsonl.gz', 'hour=01.late-1.jsonl.gz', 'hour=01.late-2.jsonl.gz']
    assert part('hour=01.late-1.jsonl.gz', 'theirs-late') in late and part('hour=01.late-2.jsonl.gz', 'my-late') in late
    assert (merged.start, merged.sealed_until) == (at(0), at(4))  # mine is wider
    assert merged.oldest_entry == '2024-04-30T23:30:00Z'  # theirs is older


def test_stale_manifest_merge_keeps_their_wider_range_and_shared_late_part_once():
    sink = FakeSink()
    sink.store(KEY, manifest_body(start='2024-05-01T00:00:00Z', sealed_until='2024-05-01T02:00:00Z'))
    mine = Manifest.load(sink, KEY, 1)
    theirs = Manifest.load(sink, KEY, 1)
    theirs.record('2024-05-01T01', [part('hour=01.jsonl.gz'), part('hour=01.late-1.jsonl.gz', 'same')])
    theirs.cover(at(2), at(6))
    theirs.save(sink)

    mine.record('2024-05-01T01', [part('hour=01.jsonl.gz'), part('hour=01.late-1.jsonl.gz', 'same')])
    mine.cover(at(1), at(3))
    mine.saw_entry('2024-05-01T01:00:00Z')
    mine.save(sink)

    merged = Manifest.load(sink, KEY, 1)
    assert (merged.start, merged.sealed_until) == (at(0), at(6))
    assert [p['key'] for p in merged.hours['2024-05-01T01']] == ['hour=01.jsonl.gz', 'hour=01.late-1.jsonl.gz']
    assert merged.oldest_entry == '2024-05-01T01:00:00Z'


def test_stale_manifest_that_now_matches_is_not_written_again():
    sink = FakeSink()
    mine = Manifest.load(sink, KEY, 1)
    theirs = Manifest.load(sink, KEY, 1)
    for manifest in (theirs, mine):
        manifest.record('2024-05-01T05', [part('hour=05.jsonl.gz')])
        manifest.cover(at(5), at(6))
    theirs.save(sink)
    mine.save(sink)  # refused (etag None, the manifest exists); merged it equals theirs
    assert sink.puts == 2
    assert mine.etag == sink.objects[KEY][1]


class ChangingSink(FakeSink):
    """Another writer replaces the manifest before each of this run's writes."""

    def put_manifest(self, key, body, etag):
        self.store(key, manifest_body(hours={'2024-05-01T%02d' % (self.version % 24): [part('hour=00.jsonl.gz')]}))
        return super().put_manifest(key, body, etag)


class RefusingSink(FakeSink):
    def put_manifest(self, key, body, etag):
        self.puts += 1
        raise PreconditionFailed(key)


@pytest.mark.parametrize('sink_class', [ChangingSink, RefusingSink])
def test_save_gives_up_when_the_manifest_keeps_changing(sink_class):
    sink = sink_class()
    sink.store(KEY, manifest_body())
    manifest = Manifest.load(sink, KEY, 1)
    manifest.record('2024-05-01T05', [part('hour=05.jsonl.gz')])
    with pytest.raises(ApiError, match='kept changing') as caught:
        manifest.save(sink)
    assert KEY in str(caught.value)
    assert sink.puts == MANIFEST_ATTEMPTS


@pytest.mark.parametrize('body', [
    manifest_body(contract=2),
    manifest_body(fmt=2),
    manifest_body(fmt=None),
    b'{"contract": 1}',
    b'not json',
    b'\xff\xfe',
    b'[1, 2]',
    b'"text"',
    manifest_body(start='yesterday'),
], ids=['other-contract', 'other-format', 'no-format', 'no-format-field', 'not-json', 'not-utf8', 'list', 'string', 'bad-time'])
def test_load_of_a_foreign_manifest_raises_api_error(body):
    sink = FakeSink()
    sink.store(KEY, body)
    with pytest.raises(ApiError, match='contract 1') as caught:
        Manifest.load(sink, KEY, 1)
    assert KEY in str(caught.value)


def test_load_names_the_foreign_contract_and_format():
    sink = FakeSink()
    sink.store(KEY, manifest_body(contract=2, fmt=7))
    with pytest.raises(ApiError) as caught:
        Manifest.load(sink, KEY, 1)
    assert 'format 7' in str(caught.value) and 'contract 2' in str(caught.value)


# region_for

@pytest.mark.parametrize('endpoint, region, expected', [
    ('https://s3.eu-central-1.ionoscloud.com', 'de', 'de'),
    ('https://minio.example.com', 'eu-west-3', 'eu-west-3'),
    (None, 'eu-west-1', 'eu-west-1'),
    ('https://s3.eu-central-1.ionoscloud.com', None, 'eu-central-1'),
    ('https://s3.eu-south-2.ionoscloud.com/', None, 'eu-south-2'),
    ('https://s3-eu-central-2.ionoscloud.com', '', 'eu-central-2'),
    ('s3.de-central-3.ionoscloud.com:443', None, 'de-central-3'),
    (' https://s3.eu-central-1.ionoscloud.com ', None, 'eu-central-1'),
    ('https://minio.example.com:9000', None, 'us-east-1'),
    ('https://s3.eu-central-1.ionoscloud.com.evil.example', None, 'us-east-1'),
    ('https://s3.eu-central-1.amazonaws.com', None, 'us-east-1'),
    (None, None, None),
    ('', None, None),
    ('', '', None),
])
def test_region_for(endpoint, region, expected):
    assert region_for(endpoint, region) == expected

# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The archive's layout, its interface for every reader (docs/archive.md): objects, their bytes and the manifest.

``{prefix}/contract={N}/date={YYYY-MM-DD}/hour={HH}.jsonl.gz`` holds the contract's entries of that hour (event time,
UTC), one canonical JSON line each, sorted by (time, id), gzipped without a timestamp: the object is a function of
its entries, so writing it again gives the same bytes. With object_lock, ``hour={HH}.late-{k}.jsonl.gz`` hold entries
that arrived after the hour was written. ``{prefix}/contract={N}/_manifest.json`` says which hours are complete.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from datetime import datetime, timedelta, timezone

from ansible_collections.ionos.activitylog.plugins.module_utils.errors import ApiError

HOUR = timedelta(hours=1)
MANIFEST_FORMAT = 1
MANIFEST_ATTEMPTS = 10
# Sorted keys, no spaces, UTF-8 as is: the archive's one JSON form (docs/archive.md).
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(',', ':'), ensure_ascii=False)
# gzip level 3 compresses these lines 2.7 times faster than level 6 for 20 % more bytes; the digest is of the lines, so
# an object written at another level is still the same hour.
GZIP_LEVEL = 3


def _fast_encoder():
    """json's C encoder, built once: JSONEncoder.encode builds a new one per call, which costs a third of a line.
    None when this Python has no C encoder, or its output is not exactly JSONEncoder's."""
    make = getattr(json.encoder, 'c_make_encoder', None)
    if make is None:
        return None
    try:
        encode = make(None, None, json.encoder.encode_basestring, None, ':', ',', True, False, True)
        sample = {'b': [1, 2.5, None, True, {'d': 'Grüße\u2028\n', 'c': -1e300}], 'a': ''}
        if ''.join(encode(sample, 0)) != _CANONICAL.encode(sample):
            return None
    except (TypeError, ValueError):
        return None
    return encode


_C_ENCODE = _fast_encoder()


def canonical_lines(entries: list) -> bytes:
    """The UTF-8 bytes of one canonical JSON line per entry."""
    lines = []
    append = lines.append
    if _C_ENCODE is not None:
        for entry in entries:
            append(''.join(_C_ENCODE(entry, 0)))
    else:
        encode = _CANONICAL.encode
        for entry in entries:
            append(encode(entry))
    append('')  # the last line ends with \n too
    # A lone surrogate (a "\\ud800" the API sent, half of an emoji) cannot be UTF-8: it is written as that JSON escape
    # again, inside its string, so the line still decodes to the same entry. Every other character is left as it is.
    return '\n'.join(lines).encode('utf-8', 'backslashreplace')


class PreconditionFailed(Exception):
    """The store refused a conditional write (412): the object exists, or changed since it was read."""


def floor_hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def hour_start(key: str) -> datetime:
    return datetime.strptime(key, '%Y-%m-%dT%H').replace(tzinfo=timezone.utc)


def contract_folder(prefix: str, contract: int) -> str:
    return '%s/contract=%d' % (prefix, contract) if prefix else 'contract=%d' % contract


def manifest_key(prefix: str, contract: int) -> str:
    return contract_folder(prefix, contract) + '/_manifest.json'


def object_key(prefix: str, contract: int, key: str, name: str) -> str:
    """The key of part ``name`` of hour ``key``."""
    return '%s/date=%s/%s' % (contract_folder(prefix, contract), key[:10], name)


def part_key(key: str, index: int) -> str:
    """The object name of an hour's part within its date folder: the hour's object, then its late parts."""
    return 'hour=%s.jsonl.gz' % key[11:13] if index == 0 else 'hour=%s.late-%d.jsonl.gz' % (key[11:13], index)


def encode_hour(entries: list) -> tuple[bytes, str]:
    """(gzip bytes, sha256 of the JSON lines) of entries already in (time, id) order."""
    lines = canonical_lines(entries)
    return gzip.compress(lines, compresslevel=GZIP_LEVEL, mtime=0), hashlib.sha256(lines).hexdigest()


def decode_part(body: bytes) -> list:
    """The entries of a part's bytes."""
    return read_part(body)[0]


def read_part(body: bytes) -> tuple[list, str]:
    """(entries, sha256 of the JSON lines) of a part's bytes: what its manifest entry is checked against."""
    try:
        if not body:
            raise ValueError('the object is empty')
        lines = gzip.decompress(body)
        # Only \n ends a line: U+2028 and the like are written unescaped inside strings (splitlines() would cut there).
        return [json.loads(line) for line in lines.decode('utf-8').split('\n') if line], hashlib.sha256(lines).hexdigest()
    except (OSError, EOFError, ValueError) as error:
        raise ApiError('An archive object is not gzipped JSON lines (%s): it was not written by this collection, or was damaged' % error) from None


class Manifest:
    """A contract's progress: ``[start, sealed_until)`` is complete (an hour missing from ``hours`` had no entries), and
    per hour its parts (key, count, sha256 of the lines). Replaced only by conditional writes; a write that loses a
    race merges with the winner's manifest and tries again."""

    def __init__(self, key: str, contract: int, document: dict | None = None, etag: str | None = None):
        document = document or {}
        self.key = key
        self.contract = contract
        self.etag = etag
        self.start = _time(document.get('start'))
        self.sealed_until = _time(document.get('sealed_until'))
        self.oldest_entry = document.get('oldest_entry')
        self.hours = dict(document.get('hours') or {})
        self.touched = {}
        self.saved = self.body() if document else None

    @classmethod
    def load(cls, sink, key: str, contract: int) -> Manifest:
        found = sink.get(key)
        if found is None:
            return cls(key, contract)
        body, etag = found
        try:
            document = json.loads(body)
            if not isinstance(document, dict) or document.get('format') != MANIFEST_FORMAT or document.get('contract') != contract:
                raise ValueError('format %r, contract %r' % (document.get('format'), document.get('contract')))
            return cls(key, contract, document, etag)
        except (ValueError, AttributeError, TypeError) as error:
            raise ApiError('The archive manifest %s is not one this collection wrote for contract %d (%s): move it away or use another prefix'
                           % (key, contract, error)) from None

    def parts(self, key: str) -> list:
        return self.hours.get(key) or []

    def record(self, key: str, parts: list) -> None:
        self.hours[key] = self.touched[key] = parts

    def saw_entry(self, moment: str) -> None:
        if self.oldest_entry is None or moment < self.oldest_entry:
            self.oldest_entry = moment

    def cover(self, start: datetime, until: datetime) -> None:
        """Hours [start, until) were all written: joined to what is complete when they touch it."""
        if until <= start:
            return
        if self.sealed_until is None:
            self.start, self.sealed_until = start, until
        elif start <= self.sealed_until and until >= self.start:
            self.start, self.sealed_until = min(self.start, start), max(self.sealed_until, until)

    def document(self) -> dict:
        return {'format': MANIFEST_FORMAT, 'contract': self.contract, 'start': _text(self.start), 'sealed_until': _text(self.sealed_until),
                'oldest_entry': self.oldest_entry, 'hours': dict(sorted(self.hours.items()))}

    def body(self) -> bytes:
        return json.dumps(self.document(), sort_keys=True, separators=(',', ':')).encode('utf-8')

    def save(self, sink) -> None:
        """Write the manifest when it changed: a rerun with nothing new writes nothing."""
        for dummy in range(MANIFEST_ATTEMPTS):
            body = self.body()
            if body == self.saved:
                return
            try:
                self.etag = sink.put_manifest(self.key, body, self.etag)
                self.saved = body
                return
            except PreconditionFailed:
                self._merge(Manifest.load(sink, self.key, self.contract))
        raise ApiError('The archive manifest %s kept changing while this run saved it (%d tries): another run writes it at the same '
                       'time; let one run at a time (allow_simultaneous: false in AWX)' % (self.key, MANIFEST_ATTEMPTS))

    def _merge(self, theirs: Manifest) -> None:
        """Theirs, with what this run wrote on top (late parts of both kept) and the wider complete range."""
        hours = dict(theirs.hours)
        for key, parts in self.touched.items():
            names = {part['key'] for part in parts}
            hours[key] = parts + [part for part in hours.get(key) or [] if part['key'] not in names and self._late(part)]
        mine = (self.start, self.sealed_until)
        self.hours, self.etag, self.saved = hours, theirs.etag, theirs.saved
        self.start, self.sealed_until = theirs.start, theirs.sealed_until
        if mine[1] is not None:
            self.cover(*mine)
        if theirs.oldest_entry is not None:
            self.saw_entry(theirs.oldest_entry)

    @staticmethod
    def _late(part: dict) -> bool:
        return '.late-' in part['key']


def _time(text) -> datetime | None:
    if not text:
        return None
    return datetime.strptime(text, '%Y-%m-%dT%H:%M:%SZ').replace(tzinfo=timezone.utc)


def _text(moment: datetime | None) -> str | None:
    return moment.strftime('%Y-%m-%dT%H:%M:%SZ') if moment else None

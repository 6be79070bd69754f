# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Untrusted text from entries on one line: the characters that could break or disguise a line written as escapes."""

from __future__ import annotations

import re

# Control and line-breaking characters, invisible and bidirectional formatting characters (they can make text
# read differently than it is), surrogates and the non-characters XML cannot hold.
_ILLEGAL_TEXT = re.compile('[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff\ud800-\udfff\ufffe\uffff]')


def safe_text(value) -> str:
    """Untrusted text for one line of a report: the characters of _ILLEGAL_TEXT written as ``\\uXXXX`` escapes."""
    text = value if isinstance(value, str) else str(value)
    return _ILLEGAL_TEXT.sub(lambda found: '\\u%04x' % ord(found.group(0)), text)

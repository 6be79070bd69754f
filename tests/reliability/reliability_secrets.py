# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The credentials of the secret-leak tests: distinctive strings, so that a plain substring search finds any leak."""

from __future__ import annotations

import base64

# Distinctive secrets: any leak of them, or of a part of them, is found by a plain substring search.
SECRETS = {
    'token': 'tok-5ecret-Reader-7f3a9c',
    'noprivilege_token': 'tok-5ecret-NoPriv-2b8e41',
    'wrong_token': 'tok-5ecret-Wrong-c4d5e6',
    'password': 'pw-5ecret-Basic-91d0c7',
    'wrong_password': 'pw-5ecret-Wrong-a1b2c3',
}
USERNAME = 'auditor@example.com'


def leak_patterns() -> list:
    """Every form a secret could leak in: as is (a Bearer header holds it as is), its distinctive part, a Basic header."""
    patterns = list(SECRETS.values()) + ['5ecret']
    for password in (SECRETS['password'], SECRETS['wrong_password']):
        patterns.append(base64.b64encode(('%s:%s' % (USERNAME, password)).encode()).decode())
    return patterns

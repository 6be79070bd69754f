# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the Activity Log API's answers mean: a page's total, its exactness and its hits; the contracts listed.

The API's description makes no field required, so every reading here tolerates the shapes seen in the wild and
turns an answer that cannot be used into an ApiError that says what was missing.
"""

from __future__ import annotations

from ansible_collections.ionos.activitylog.plugins.module_utils.errors import ApiError


class Page:
    """One answer of /contracts/{n}: ``total`` (None without a usable hits.total), ``exact`` and the raw ``hits``
    (None when they were not needed and not there)."""

    __slots__ = ('total', 'exact', 'hits')

    def __init__(self, total, exact: bool, hits: list):
        self.total = total
        self.exact = exact
        self.hits = hits


def read_page(body, need_hits: bool = True) -> Page:
    """A Page from the decoded JSON of /contracts/{n}; without a list of hits it is unusable, unless only its total
    was asked for (a count)."""
    total, exact = read_total(body)
    hits = body.get('hits') if isinstance(body, dict) else None
    items = hits.get('hits') if isinstance(hits, dict) else None
    if not isinstance(items, list):
        if not need_hits:
            return Page(total, exact, None)
        raise ApiError('The API answered 200 without a list of hits (hits.hits): the answer is not an activity log page.')
    return Page(total, exact, items)


def read_total(body) -> tuple[int | None, bool]:
    """(count, exact) from ``hits.total``: an integer, a numeric string or ``{"value", "relation"}``."""
    hits = body.get('hits') if isinstance(body, dict) else None
    total = hits.get('total') if isinstance(hits, dict) else None
    exact = True
    if isinstance(total, dict):
        exact = str(total.get('relation', 'eq')).lower() == 'eq'
        total = total.get('value')
    if isinstance(total, bool):
        return None, False
    if isinstance(total, str) and total.strip().isdigit():
        total = int(total.strip())
    if isinstance(total, int) and total >= 0:
        return total, exact
    return None, False


def read_contracts(body) -> list[int]:
    """The contract numbers of /contracts, in the API's order, each once; at least one."""
    items = body if isinstance(body, list) else (body.get('items') if isinstance(body, dict) else None)
    if not isinstance(items, list):
        raise ApiError('The API answered /contracts with something that is not a list of contracts.')
    numbers = []
    for item in items:
        value = item.get('id') if isinstance(item, dict) else item
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool) and value not in numbers:
            numbers.append(value)
    if not numbers:
        raise ApiError('The credential can read no contract (/contracts is empty): check that the token belongs to the right user.')
    return numbers

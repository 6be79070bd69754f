# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Plan the requests of a window: pages within the result window, and time slices when a window holds more.

The API pages Elasticsearch-style: ``offset + limit`` must stay within the result window (10,000), so a window
with more hits is cut into time slices, each expected to fit. The expectation assumes hits spread uniformly
over time; a slice that still holds too many is cut again by calling ``split_window`` on it with its own
``hits.total``, down to one millisecond, the resolution of the API.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from ansible_collections.ionos.activitylog.plugins.module_utils.errors import IncompleteResultError

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
MICROSECOND = timedelta(microseconds=1)
MILLISECOND_US = 1000
SECOND_US = 1000000
MAX_SLICES = 100000


def fits(total: int, result_window: int) -> bool:
    """True when every one of ``total`` hits can be reached by paging within the result window."""
    return 0 <= total <= result_window


def page_plan(total: int, page_size: int, result_window: int, first_page_size: int) -> list[tuple[int, int]]:
    """``(offset, limit)`` of the pages after the first one (offset 0, ``first_page_size`` hits, already read).

    The pages cover offsets ``first_page_size`` up to ``total``, but never past the result window: no page has
    ``offset + limit > result_window`` (a caller with more hits than the window splits the window instead).
    """
    _require_positive(page_size=page_size, result_window=result_window, first_page_size=first_page_size)
    end = min(max(total, 0), result_window)
    pages = []
    offset = first_page_size
    while offset < end:
        limit = min(page_size, end - offset)
        pages.append((offset, limit))
        offset += limit
    return pages


def range_chunks(start: datetime, end: datetime, longest: timedelta) -> list[tuple[datetime, datetime]]:
    """``[start, end)`` as the fewest even slices no longer than ``longest``, inner bounds on whole seconds."""
    first, last, most = _microseconds(start), _microseconds(end), max(longest // MICROSECOND, SECOND_US)
    count = -(-(last - first) // most)
    while count > 1:
        edges = [first] + _even_bounds(first, last, count, SECOND_US) + [last]
        if all(right - left <= most for left, right in zip(edges, edges[1:])):
            return _slices(start, end, edges[1:-1])
        count += 1
    return [(start, end)]


def split_window(start: datetime, end: datetime, total: int, result_window: int, fill: float = 0.8) -> list[tuple[datetime, datetime]]:
    """Contiguous slices ``(start, end)`` covering ``[start, end)`` exactly, each expected to hold at most
    ``fill * result_window`` of the ``total`` hits.

    Inner bounds fall on whole seconds when the window is longer than the number of slices in seconds (clean
    bounds, fewer odd requests), else on milliseconds. A window of one millisecond or less cannot be cut:
    IncompleteResultError when it holds more than the result window, since paging cannot reach the rest.
    """
    _require_positive(result_window=result_window)
    if not 0 < fill <= 1:
        raise ValueError('fill must be in (0, 1], not %r' % (fill,))
    span = _microseconds(end) - _microseconds(start)
    if span <= 0:
        raise ValueError('the window must end after it starts: %s to %s' % (start, end))
    capacity = max(1, int(fill * result_window))
    if total <= capacity:
        return [(start, end)]
    if span <= MILLISECOND_US:
        if total <= result_window:
            return [(start, end)]
        raise IncompleteResultError(
            'the API counts %d entries within one millisecond (%s): more than its result window of %d hits, and a window '
            'cannot be cut finer than a millisecond, so the rest cannot be fetched; no partial result is returned'
            % (total, _text(start), result_window))
    return _slices(start, end, _bounds(_microseconds(start), _microseconds(end), total, capacity))


def _bounds(first: int, last: int, total: int, capacity: int) -> list[int]:
    """The inner bounds (epoch microseconds) of the fewest even slices whose expected share fits ``capacity``."""
    span = last - first
    count = -(-total // capacity)
    while True:
        _require_slice_count(count, total)
        grid = SECOND_US if span > count * SECOND_US else MILLISECOND_US
        bounds = _even_bounds(first, last, count, grid)
        if grid == MILLISECOND_US and len(bounds) + 1 >= -(-span // MILLISECOND_US):
            return bounds
        edges = [first] + bounds + [last]
        if all(total * (right - left) <= capacity * span for left, right in zip(edges, edges[1:])):
            return bounds
        count += max(1, count // 64)


def _even_bounds(first: int, last: int, count: int, grid: int) -> list[int]:
    """``count - 1`` evenly spread inner bounds, floored to ``grid``; bounds that collapse are dropped."""
    span = last - first
    bounds = []
    previous = first
    for index in range(1, count):
        bound = (first + span * index // count) // grid * grid
        if previous < bound < last:
            bounds.append(bound)
            previous = bound
    return bounds


def _slices(start: datetime, end: datetime, bounds: list[int]) -> list[tuple[datetime, datetime]]:
    """Slices between the bounds; the first starts at ``start`` and the last ends at ``end``, as given."""
    points = [start] + [EPOCH + bound * MICROSECOND for bound in bounds] + [end]
    return list(zip(points, points[1:]))


def _microseconds(value: datetime) -> int:
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return (value - EPOCH) // MICROSECOND


def _require_slice_count(count: int, total: int) -> None:
    if count > MAX_SLICES:
        raise IncompleteResultError(
            'the API counts %d entries in the window, which would take more than %d time slices to read; '
            'narrow the window with start and end' % (total, MAX_SLICES))


def _require_positive(**values) -> None:
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError('%s must be a positive integer, not %r' % (name, value))


def _text(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).isoformat(timespec='milliseconds').replace('+00:00', 'Z')

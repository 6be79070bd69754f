# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one entry point the module and the lookup share: options in, the documented result out."""

from __future__ import annotations

import gc

from ansible_collections.ionos.activitylog.plugins.module_utils.client import ActivityLogClient
from ansible_collections.ionos.activitylog.plugins.module_utils.engine import Engine
from ansible_collections.ionos.activitylog.plugins.module_utils.options import apply_query, settings_from_options
from ansible_collections.ionos.activitylog.plugins.module_utils.request_details import join_requests

TLS_OFF_WARNING = 'validate_certs is false: the TLS certificate of the API is not verified; use this only for tests.'


def fetch_activity(options: dict, now=None) -> dict:
    """Validate ``options``, read the window and return the result of activity_log_info (plus ``warnings``).

    Raises ActivityLogError (OptionError, ApiError, IncompleteResultError) with a message for the user.
    """
    settings = settings_from_options(options, now)
    client = ActivityLogClient(settings)
    # A run allocates a handful of long-lived objects per entry and frees few: the cyclic collector would scan them
    # again and again (a fifth of the time for 200,000 entries). Nothing of a run forms cycles worth collecting.
    collecting = gc.isenabled()
    gc.disable()
    try:
        if settings.bucket:
            # Here, not at the top: boto3's import costs every read without a bucket a tenth of a second.
            from ansible_collections.ionos.activitylog.plugins.module_utils.archive_read import read_with_archive
            run = read_with_archive(client, settings)
        else:
            run = Engine(client, settings).run()
        index = 3 if settings.format == 'raw' else 2
        activities = [item[index] for item in run.entries]
        detail_warnings = []
        if settings.request_details != 'none':  # after the filters, so only the entries returned cost a request
            normalized = [item[2] for item in run.entries]
            detail_warnings = join_requests(client, normalized, activities, settings.request_details, settings.redact_request_details,
                                            settings.concurrency)
    finally:
        client.close()
        if collecting:
            gc.enable()
    warnings = list(client.warnings) + list(run.warnings) + detail_warnings  # the client's: what api_url lost (a path)
    if not settings.validate_certs:
        warnings.insert(0, TLS_OFF_WARNING)
    if settings.query is not None:
        activities = apply_query(settings.query, activities)
    return {
        'activities': activities,
        'total': run.total,
        'returned': len(run.entries),
        'matched': run.matched,
        'truncated': run.truncated,
        'contracts': run.contracts,
        'window': {'start': run.window[0], 'end': run.window[1]},
        'stats': {'requests': client.stats.requests, 'retries': client.stats.retries, 'detail_requests': client.stats.detail_requests,
                  'slices': run.slices, 'seconds': round(run.seconds, 3), **run.paging,
                  **({'archive_entries': run.archive['entries'], 's3_requests': run.archive['s3_requests']} if run.archive else {})},
        'warnings': warnings,
    }

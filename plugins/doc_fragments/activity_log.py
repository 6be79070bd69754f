# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The options shared by the activity_log_info module and the activity_log lookup, declared once."""

from __future__ import annotations


class ModuleDocFragment:
    """DOCUMENTATION holds every shared option; PLUGINS adds the controller-only env: and vars: sources."""

    DOCUMENTATION = r'''
options:
  token:
    description:
      - Bearer token for the IONOS Cloud API (a JWT from the DCD, the Cloud API or C(ionosctl token generate)).
      - The module reads E(IONOS_TOKEN) when this is not set. A token wins over O(username)/O(password).
      - Never shown in results, warnings, errors or logs.
    type: str
  username:
    description:
      - User name for HTTP Basic authentication, used only when no O(token) is given.
      - The module reads E(IONOS_USERNAME) when this is not set.
    type: str
  password:
    description:
      - Password for HTTP Basic authentication, with O(username).
      - The module reads E(IONOS_PASSWORD) when this is not set.
    type: str
  api_url:
    description:
      - Base URL of the IONOS Cloud API, with or without the scheme (C(https://) is assumed) and with or without
        the C(/activitylog/v1) path.
      - The module reads E(IONOS_API_URL) when this is not set.
    type: str
    default: https://api.ionos.com
  validate_certs:
    description:
      - Verify the server's TLS certificate. Turn off only for tests; a warning says it is off.
    type: bool
    default: true
  ca_path:
    description:
      - A CA bundle (PEM file) to verify the server's certificate with, for example a company proxy's CA.
      - Without it, E(REQUESTS_CA_BUNDLE) or the system's CA bundle is used.
    type: path
  timeout:
    description:
      - Seconds to wait for each request's answer before it counts as failed (and is retried); above 0, at most 3600.
    type: float
    default: 30
  retries:
    description:
      - How often one request is retried after a rate limit (429, honouring C(Retry-After)), a server error
        (500, 502, 503, 504), a timeout, a dropped connection or an unusable answer, with jittered
        exponential backoff. C(0) disables retries.
      - When the retries of a request are used up the run fails; partial results are never returned as complete.
    type: int
    default: 5
  proxy:
    description:
      - URL of an HTTP(S) proxy for all requests. Without it the usual E(HTTPS_PROXY), E(HTTP_PROXY) and
        E(NO_PROXY) variables apply.
    type: str
  contract_numbers:
    description:
      - The contracts to read. Default, every contract the credential can read (from C(/contracts)).
    type: list
    elements: int
    aliases: [contract_number, contracts]
  start:
    description:
      - Start of the window, inclusive. An RFC 3339 date-time (an offset is converted to UTC; none means UTC),
        a date (C(2026-01-31), midnight UTC), V(now), or relative to now such as V(-15m), V(-24h), V(-7d), V(-2w).
      - Relative values and V(now) are resolved once per run.
    type: str
    default: -24h
  end:
    description:
      - End of the window, exclusive; the same forms as O(start). It is pinned once per run, so entries that
        arrive while the pages are read never shift or duplicate the result.
      - The resolved value is returned as C(window.end); use it as the next run's O(start) to read a log
        incrementally.
    type: str
    default: now
  page_size:
    description:
      - Entries per request, from 1 to 1000.
    type: int
    default: 100
  concurrency:
    description:
      - Requests in flight at once, from 1 to 32. After a rate limit (429) the engine halves it for a while, pauses
        every request until C(Retry-After) has passed and paces the requests that follow.
    type: int
    default: 4
  max_items:
    description:
      - Return at most this many entries (the newest, after O(filters)). When more match, the result says
        C(truncated=true) and a warning gives both numbers. Default, no limit.
    type: int
  filters:
    description:
      - Keep only the entries that match. Keys are combined with AND, the values of one key with OR.
      - String values match case-insensitively and may hold C(*) and C(?) globs.
      - V(username), V(event_type), V(exclude_event_type), V(action) (HTTP method), V(resource_type),
        V(resource_id), V(resource_action) (for example C(*.delete)), V(source_ip) (addresses or CIDR
        ranges), V(source_service), V(status) take a string or a list; V(errors_only) takes a boolean.
      - An unknown key is an error.
    type: dict
  query:
    description:
      - A JMESPath expression applied to the list of entries last; its value replaces the list.
      - Requires the C(jmespath) Python library.
    type: str
  format:
    description:
      - V(normalized) returns flat entries with the same fields whatever the API sent (described with the module's C(activities) return value).
      - V(raw) returns the C(_source) objects exactly as the API sent them.
    type: str
    choices: [normalized, raw]
    default: normalized
requirements:
  - requests
  - jmespath (for O(query))
'''

    PLUGINS = r'''
options:
  token:
    env:
      - name: IONOS_TOKEN
    vars:
      - name: ionos_token
  username:
    env:
      - name: IONOS_USERNAME
    vars:
      - name: ionos_username
  password:
    env:
      - name: IONOS_PASSWORD
    vars:
      - name: ionos_password
  api_url:
    env:
      - name: IONOS_API_URL
    vars:
      - name: ionos_api_url
  validate_certs:
    vars:
      - name: ionos_validate_certs
  ca_path:
    vars:
      - name: ionos_ca_path
  proxy:
    vars:
      - name: ionos_proxy
'''

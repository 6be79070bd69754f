# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The options shared by the activity_log_info and activity_log_archive modules and the activity_log lookup, declared once."""

from __future__ import annotations


class ModuleDocFragment:
    """DOCUMENTATION: the connection, contracts and paging; READ: the window and output of a read (the module and the
    lookup); ARCHIVE: the bucket of the archive (written by activity_log_archive, read by the others); PLUGINS: the
    controller-only env: and vars: sources."""

    DOCUMENTATION = r'''
options:
  token:
    description:
      - Bearer token for the IONOS Cloud API (a JWT from the DCD, the Cloud API or C(ionosctl token generate)).
      - E(IONOS_TOKEN) is used when this is not set. A token wins over O(username)/O(password).
      - When neither the options nor the environment give a token, user name or password, the credentials of the
        current profile of the IONOS config file are used (see the notes).
      - Never shown in results, warnings, errors or logs.
    type: str
  username:
    description:
      - User name for HTTP Basic authentication, used only when no O(token) is given.
      - E(IONOS_USERNAME) is used when this is not set.
    type: str
    aliases: [subscription_user]
  password:
    description:
      - Password for HTTP Basic authentication, with O(username).
      - E(IONOS_PASSWORD) is used when this is not set.
    type: str
    aliases: [subscription_password]
  api_url:
    description:
      - Base URL of the IONOS Cloud API, with or without the scheme (C(https://) is assumed), for example
        C(https://api.ionos.com).
      - Only the scheme, host and port are used. A path that ends in C(/activitylog/v1) is kept with its prefix
        (a reverse proxy); any other path, such as the C(/cloudapi/v6) of an E(IONOS_API_URL) set for the Cloud API,
        is dropped with a warning.
      - E(IONOS_API_URL) is used when this is not set. When neither is set and the credentials come from the
        IONOS config file, the C(activitylog) endpoint of the profile's environment is used if the file has one.
        Otherwise V(https://api.ionos.com).
    type: str
  certificate_fingerprint:
    description:
      - Pin the API's TLS certificate by its SHA-256 fingerprint (64 hex digits, with or without colons, as
        C(openssl x509 -noout -fingerprint -sha256) prints them), as E(IONOS_PINNED_CERT) does for the IONOS SDKs.
      - When set, the server's certificate must have this fingerprint, and the CA chain is not checked (O(ca_path) and
        O(validate_certs) are not used). A mismatch fails the run with both fingerprints in the message.
      - E(IONOS_PINNED_CERT), then E(IONOS_CERTIFICATE_FINGERPRINT), is used when this is not set.
    type: str
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
requirements:
  - requests
  - PyYAML (only to read the IONOS config file)
notes:
  - Credentials are taken from the options first, then from the environment (E(IONOS_TOKEN), E(IONOS_USERNAME),
    E(IONOS_PASSWORD)), and last from the IONOS config file that C(ionosctl) and the IONOS SDKs share
    (C(~/.ionos/config), or the file named by E(IONOS_CONFIG_FILE)). The file is read only when neither the options
    nor the environment give a credential. Its profile is the one named by E(IONOS_CURRENT_PROFILE), else its
    C(currentProfile); the C(token), C(username) and C(password) of that profile's C(credentials) are used, and,
    when O(api_url) and E(IONOS_API_URL) are not set, the first endpoint without a location of the C(activitylog)
    product in the profile's environment.
  - A missing config file, or one without a current profile, is silently skipped; a file that cannot be read or
    parsed, or whose current profile is not in it, fails the run with a message naming the file and the problem.
    Values from the file never appear in messages. Its C(skipTlsVerify) and C(certificateAuthData) are not read;
    use O(validate_certs) and O(ca_path).
'''

    READ = r'''
options:
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
      - An end after now (a report for this month, a controller clock ahead of the API) reads up to now; O(start)
        must be before now.
      - The end that was read is returned as C(window.end); use it as the next run's O(start) to read a log
        incrementally.
    type: str
    default: now
  max_items:
    description:
      - Return at most this many entries (the newest, after O(filters)). When more match, the result says
        C(truncated=true) and a warning gives both numbers. Default, no limit.
    type: int
  filters:
    description:
      - Keep only the entries that match. Keys are combined with AND, the values of one key with OR.
      - String values match case-insensitively and may hold C(*) and C(?) globs.
      - V(username), V(event_type), V(action) (HTTP method), V(resource_type), V(resource_id), V(resource_action)
        (for example C(*.delete)), V(source_ip) (addresses or CIDR ranges), V(source_service), V(event_service),
        V(initiator), V(status), V(request_id), V(queue_ref_id) and V(uri) (for example
        C(/cloudapi/v6/datacenters/*/servers*)) take a string or a list; V(errors_only) takes a boolean.
      - The resource keys look at the entry's resources; one resource must match all the resource keys given.
      - Each key but V(errors_only) has an C(exclude_) twin (V(exclude_username), V(exclude_event_type),
        V(exclude_action), V(exclude_resource_type), V(exclude_resource_id), V(exclude_resource_action),
        V(exclude_source_ip), V(exclude_source_service), V(exclude_event_service), V(exclude_initiator),
        V(exclude_status), V(exclude_request_id), V(exclude_queue_ref_id), V(exclude_uri)) that takes the same values
        and drops exactly the entries the key would keep. An entry without the field (for V(exclude_source_ip), without an
        address) is kept.
      - A key and its twin combine; for example V(event_type=Request*) with V(exclude_event_type=RequestStatusUpdate)
        keeps the C(Request*) entries except C(RequestStatusUpdate).
      - The C(exclude_resource_*) keys drop an entry when one of its resources matches all of them, so
        V(exclude_resource_type=server) alone drops every entry with a server among its resources, and with
        V(exclude_resource_action=*.delete) only the server deletions.
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
  request_details:
    description:
      - Join entries to the Cloud API requests behind them, what exactly was sent, from
        C(GET /cloudapi/v6/requests/{request_id}?depth=1) with the same credential and base URL.
      - V(none) joins nothing. V(writes) joins the entries that have a C(request_id) and whose HTTP method (C(action))
        is not GET, HEAD or OPTIONS, the common audit need. V(all) joins every entry that has a C(request_id).
      - "Each entry then has C(request): C(method), C(url), C(status), C(message), C(created_date), C(created_by),
        C(targets) (C(type), C(id), C(status) of each), C(headers) and C(body); null when the entry is not joined, or
        when the Cloud API no longer keeps the request (404; it forgets old requests) or refuses to show it (403: the
        credential may not read requests). Both give one warning with the count and never fail the run."
      - Only the entries kept by O(filters) are joined, and O(query) applies after the join, so it can select on C(request).
      - Each request id is fetched once per run, with the run's O(concurrency), retries and rate limit handling;
        C(stats.detail_requests) counts these requests apart.
    type: str
    choices: [none, writes, all]
    default: none
  redact_request_details:
    description:
      - With O(request_details), keep only safe headers (content type, user agent and the like) and replace every
        value of a JSON body whose key looks secret (password, secret, token, key, credential, auth, cookie, ...,
        case-insensitive, at any depth) by C(********); a body that is not JSON is replaced by a note of its length.
      - Set it to V(false) only where the result is kept safe, since bodies can hold passwords and keys. A warning says so.
    type: bool
    default: true
requirements:
  - jmespath (for O(query))
'''

    ARCHIVE = r'''
options:
  bucket:
    description:
      - The bucket of the archive that M(ionos.activitylog.activity_log_archive) writes (required there).
      - For a read (M(ionos.activitylog.activity_log_info), the lookup, the roles), the hours of the window that the
        archive holds complete (see its C(sealed_until)) are read from the bucket, each object checked against its
        manifest, and only the rest from the API; so a read covers what the API no longer keeps. Needs boto3.
        Not with C(format=raw), since the archive keeps normalized entries.
    type: str
  prefix:
    description:
      - The key prefix of the archive in the bucket; each contract's objects and manifest are under
        C({prefix}/contract={N}/).
    type: str
    default: activitylog
  s3_endpoint_url:
    description:
      - The S3 endpoint. IONOS Object Storage, for example V(https://s3.eu-central-1.ionoscloud.com),
        V(https://s3.eu-central-2.ionoscloud.com), V(https://s3.eu-south-2.ionoscloud.com), and
        V(https://s3.eu-central-3.ionoscloud.com) for contract-owned buckets.
      - Left out, AWS S3 (or what boto3's own configuration, such as E(AWS_ENDPOINT_URL_S3), names).
    type: str
  s3_region:
    description:
      - The region to sign requests for. Left out, the region in an IONOS endpoint's host name, V(us-east-1) for
        another O(s3_endpoint_url), and boto3's own configuration (E(AWS_REGION)) for AWS.
    type: str
  s3_access_key:
    description:
      - The access key of the object storage. E(AWS_ACCESS_KEY_ID) is used when this is not set (AWX's Amazon
        Web Services credential type injects it), then boto3's own sources (its config files, an instance role).
      - Never shown in results, warnings, errors or logs.
    type: str
  s3_secret_key:
    description:
      - The secret key of the object storage. E(AWS_SECRET_ACCESS_KEY) is used when this is not set.
      - Never shown in results, warnings, errors or logs.
    type: str
  s3_session_token:
    description:
      - The session token of temporary keys (STS). E(AWS_SESSION_TOKEN), then E(AWS_SECURITY_TOKEN) (which AWX's
        Amazon Web Services credential type injects from its STS token field), are used when this is not set.
      - Never shown in results, warnings, errors or logs.
    type: str
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
  certificate_fingerprint:
    env:  # the last one set wins here, so IONOS_PINNED_CERT comes last
      - name: IONOS_CERTIFICATE_FINGERPRINT
      - name: IONOS_PINNED_CERT
    vars:
      - name: ionos_certificate_fingerprint
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

# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one argument spec of the shared options, and their validation into Settings.

Types, defaults, choices, aliases and environment fallbacks live only in ARGUMENT_SPEC: every caller (the module's
``module.params``, the lookup's ``get_option()`` values, the event source's arguments) goes through
``settings_from_options``, which applies the spec with ansible-core's ArgumentSpecValidator as AnsibleModule does;
Settings then checks only ranges and relations, before any request is sent.
"""

from __future__ import annotations

import math
import os
import re
import sys
from datetime import datetime, timezone

from ansible.module_utils.basic import env_fallback
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.ionos.activitylog.plugins.module_utils.config_file import read_profile
from ansible_collections.ionos.activitylog.plugins.module_utils.errors import OptionError, shown
from ansible_collections.ionos.activitylog.plugins.module_utils.filters import EntryFilter
from ansible_collections.ionos.activitylog.plugins.module_utils.timeparse import format_time, parse_time, resolve_window, to_utc

DEFAULT_API_URL = 'https://api.ionos.com'
MAX_PAGE_SIZE = 1000
MAX_CONCURRENCY = 32
MAX_TIMEOUT = 3600
SHA256_HEX_DIGITS = 64

ARGUMENT_SPEC = dict(
    token=dict(type='str', no_log=True, fallback=(env_fallback, ['IONOS_TOKEN'])),
    username=dict(type='str', aliases=['subscription_user'], fallback=(env_fallback, ['IONOS_USERNAME'])),
    password=dict(type='str', no_log=True, aliases=['subscription_password'], fallback=(env_fallback, ['IONOS_PASSWORD'])),
    # No default here: left out (and no IONOS_API_URL), the IONOS config file's endpoint may give it.
    api_url=dict(type='str', fallback=(env_fallback, ['IONOS_API_URL'])),
    certificate_fingerprint=dict(type='str', no_log=False, fallback=(env_fallback, ['IONOS_PINNED_CERT', 'IONOS_CERTIFICATE_FINGERPRINT'])),
    validate_certs=dict(type='bool', default=True),
    ca_path=dict(type='path'),
    timeout=dict(type='float', default=30),
    retries=dict(type='int', default=5),
    proxy=dict(type='str', no_log=True),
    contract_numbers=dict(type='list', elements='int', aliases=['contract_number', 'contracts']),
    start=dict(type='str', default='-24h'),
    end=dict(type='str', default='now'),
    page_size=dict(type='int', default=100),
    concurrency=dict(type='int', default=4),
    max_items=dict(type='int'),
    filters=dict(type='dict'),
    query=dict(type='str'),
    format=dict(type='str', choices=['normalized', 'raw'], default='normalized'),
    request_details=dict(type='str', choices=['none', 'writes', 'all'], default='none'),
    redact_request_details=dict(type='bool', default=True),
)
# The archive in object storage (activity_log_archive writes it; a read with a bucket takes its complete hours from it).
BUCKET_SPEC = dict(
    bucket=dict(type='str'),
    prefix=dict(type='str', default='activitylog'),
    s3_endpoint_url=dict(type='str'),
    s3_region=dict(type='str'),
    s3_access_key=dict(type='str', no_log=True, fallback=(env_fallback, ['AWS_ACCESS_KEY_ID'])),
    s3_secret_key=dict(type='str', no_log=True, fallback=(env_fallback, ['AWS_SECRET_ACCESS_KEY'])),
    s3_session_token=dict(type='str', no_log=True, fallback=(env_fallback, ['AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN'])),
)
ARGUMENT_SPEC.update(BUCKET_SPEC)
# activity_log_archive: the connection, contracts, paging and bucket options above (an archive keeps everything: no
# filters, no output shaping), a start without default (the manifest or the oldest entry decides), and how it writes.
NOT_FOR_ARCHIVE = ('start', 'max_items', 'filters', 'query', 'format', 'request_details', 'redact_request_details')
ARCHIVE_ARGUMENT_SPEC = dict(
    {name: spec for name, spec in ARGUMENT_SPEC.items() if name not in NOT_FOR_ARCHIVE},
    start=dict(type='str'),
    settle=dict(type='str', default='2h'),
    object_lock=dict(type='bool', default=False),
)
# alias -> option name, for the callers that resolve names themselves (the lookup's keywords, the EDA source's args)
ALIASES = {alias: name for name, spec in ARGUMENT_SPEC.items() for alias in spec.get('aliases', ())}
TYPE_WORDS = {'int': 'a whole number', 'float': 'a number', 'bool': 'true or false', 'list': 'a list', 'dict': 'a dictionary',
              'str': 'text', 'path': 'a path'}
_NOT_CONVERTED = re.compile(r"^(?P<elements>Elements value for option|argument) '(?P<name>[^']+)' .*unable to convert to (?P<type>\w+)")
_NOT_A_CHOICE = re.compile(r'^value of (?P<name>\S+) must be one of: (?P<choices>.*), got: ')


def checked_options(options: dict, spec: dict | None = None) -> dict:
    """``options`` with the types, defaults, choices, aliases and environment fallbacks of ``spec`` (ARGUMENT_SPEC by
    default) applied; OptionError naming the first problem. None and '' mean "not given", as ``default(omit)`` does."""
    spec = ARGUMENT_SPEC if spec is None else spec
    given = _given(options, spec)
    result = ArgumentSpecValidator(spec).validate(given)
    if result.unsupported_parameters:
        unknown = sorted(str(name) for name in result.unsupported_parameters)
        plural = 's' if len(unknown) > 1 else ''
        raise OptionError('unsupported option%s %s; the options are: %s' % (plural, ', '.join(unknown), ', '.join(sorted(spec))))
    if result.error_messages:
        raise OptionError(_readable(result.error_messages[0], given))
    return result.validated_parameters


def _given(options: dict, spec: dict) -> dict:
    """The options given, refusing what ansible-core's validator would take wrongly: an option given twice with two
    values (once by an alias; the validator keeps one), true or false for a number (it takes them for 1 and 0) and an
    integer too large for a float (it fails with OverflowError)."""
    aliases = {alias: name for name, item in spec.items() for alias in item.get('aliases', ())}
    given, seen = {}, {}
    for key, value in options.items():
        if not isinstance(key, str):
            raise OptionError('option names are text, not %s' % shown(key))
        if value is None or (isinstance(value, str) and value == ''):
            continue
        name = aliases.get(key, key)
        if name in seen and seen[name] != value:
            raise OptionError('%s is given twice (as %s and as an alias): give it once' % (name, key))
        item = spec.get(name, {})
        kind, values = item.get('type'), [value]
        if kind == 'list' and isinstance(value, list):
            kind, values = item.get('elements'), value
        if kind in ('int', 'float') and any(_not_a_number_for(kind, number) for number in values):
            raise OptionError('%s must be %s, not %s' % (name, TYPE_WORDS[kind] if value is values[0] else 'a list of %ss' % TYPE_WORDS[kind][2:],
                                                         shown(value)))
        seen[name] = given[key] = value
    return given


def _not_a_number_for(kind: str, value) -> bool:
    """True and false (the validator takes them for 1 and 0), a float that is infinite or NaN for a whole number, an
    integer too large for a float (on both the validator fails with OverflowError)."""
    if isinstance(value, bool):
        return True
    if isinstance(value, float):
        return kind == 'int' and not math.isfinite(value)
    return kind == 'float' and isinstance(value, int) and abs(value) > sys.float_info.max


def _readable(message: str, given: dict) -> str:
    """ansible-core's message in the words of this collection's others: the option, what it takes, the value given."""
    found = _NOT_CONVERTED.match(message)
    if found:
        name, what = found.group('name'), TYPE_WORDS.get(found.group('type'), found.group('type'))
        if found.group('elements').startswith('Elements'):
            what = 'a list of %ss' % what[2:] if what.startswith('a ') else 'a list of %s' % what
        return '%s must be %s, not %s' % (name, what, shown(given.get(name)))
    found = _NOT_A_CHOICE.match(message)
    if found:
        return '%s must be one of %s, not %s' % (found.group('name'), found.group('choices'), shown(given.get(found.group('name'))))
    return message


class Settings:
    """Validated options of one run: connection, window (resolved once), paging and output."""

    def __init__(self, options: dict, now: datetime, environ=None):
        """``options`` as checked_options gives them: typed, with their defaults."""
        self.token = _credential(options.get('token'), 'token')
        self.username = _credential(options.get('username'), 'username')
        self.password = _credential(options.get('password'), 'password')
        self.api_url = options.get('api_url')
        self.credential_source = None
        if not (self.token or self.username or self.password):
            self._from_config_file(environ)
        self.api_url = self.api_url or DEFAULT_API_URL
        self.certificate_fingerprint = _fingerprint(options.get('certificate_fingerprint'))
        self.validate_certs = options['validate_certs']
        self.ca_path = _readable_file(options.get('ca_path'), 'ca_path')
        self.timeout = seconds_in_range(options['timeout'], 'timeout', MAX_TIMEOUT)
        self.retries = in_range(options['retries'], 'retries', 0, 100)
        self.proxy = options.get('proxy')
        self.contract_numbers = _contract_numbers(options.get('contract_numbers'))
        self.start, self.end = _window(options['start'], options['end'], now)
        self.page_size = in_range(options['page_size'], 'page_size', 1, MAX_PAGE_SIZE)
        self.concurrency = in_range(options['concurrency'], 'concurrency', 1, MAX_CONCURRENCY)
        max_items = options.get('max_items')
        self.max_items = None if max_items is None else in_range(max_items, 'max_items', 1, None)
        self.entry_filter = EntryFilter.from_option(options.get('filters'))
        self.query = _compile_query(options.get('query'))
        self.format = options['format']
        self.request_details = options['request_details']
        self.redact_request_details = options['redact_request_details']
        self.bucket = (options.get('bucket') or '').strip() or None
        self.prefix = (options.get('prefix') or '').strip('/')
        self.s3_endpoint_url = options.get('s3_endpoint_url')
        self.s3_region = options.get('s3_region')
        self.s3_access_key = options.get('s3_access_key')
        self.s3_secret_key = options.get('s3_secret_key')
        self.s3_session_token = options.get('s3_session_token')
        if self.username and not self.password and not self.token:
            where = ' (both from %s)' % self.credential_source if self.credential_source else ''
            raise OptionError('username is set but password is not: set password (or IONOS_PASSWORD), or use token' + where)

    def _from_config_file(self, environ) -> None:
        """The last fallback: the credentials (and, when api_url is not set, the endpoint) of the current profile of
        the IONOS tools' config file. Read only when neither the options nor the environment give a credential, so
        that a profile never mixes with a credential given elsewhere."""
        profile = read_profile(environ)
        if profile is None:
            return
        where = ' (from %s)' % profile.source
        self.token = _credential(profile.token, 'token' + where)
        self.username = _credential(profile.username, 'username' + where)
        self.password = _credential(profile.password, 'password' + where)
        if self.token or self.username or self.password:
            self.credential_source = profile.source
            if not self.api_url and profile.endpoint:
                self.api_url = profile.endpoint


def settings_from_options(options: dict, now: datetime | None = None, environ=None) -> Settings:
    """Validate the option values; ``now`` pins relative times (default: the current second, UTC); ``environ``
    (default os.environ) is where IONOS_CONFIG_FILE and IONOS_CURRENT_PROFILE are read."""
    if now is None:
        now = datetime.now(timezone.utc).replace(microsecond=0)
    return Settings(checked_options(options), now, environ)


def _window(start, end, now: datetime) -> tuple[datetime, datetime]:
    """(start, end) of the run. A start that is not before now is an error (there is nothing to read yet); an end
    after now (a report for "this month", a controller clock ahead of the API) is read up to now, so the end the run
    reports is what was read and stays the start of the next incremental run."""
    now = to_utc(now)
    start_time = parse_time(start, now, 'start')
    if start_time >= now:
        raise OptionError('start %s is not in the past (now is %s): the activity log has no entries from then on yet; '
                          'give a start before now, such as -24h' % (format_time(start_time), format_time(now)))
    start_time, end_time = resolve_window(start, end, now)
    return start_time, min(end_time, now)


def _fingerprint(value) -> str | None:
    """The SHA-256 fingerprint of the API's certificate as 64 lowercase hex digits; colons, spaces and an openssl
    ``sha256 Fingerprint=`` prefix are accepted. It is no secret, so a wrong one may be shown."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if '=' in text:
        label, text = text.split('=', 1)
        if label.strip().lower().replace('-', '') not in ('sha256 fingerprint', 'sha256'):
            raise OptionError('certificate_fingerprint %s is not a SHA-256 fingerprint: give the 64 hex digits of '
                              '"openssl x509 -noout -fingerprint -sha256", with or without colons' % shown(value))
    digits = ''.join(text.replace(':', '').split()).lower()
    if len(digits) == SHA256_HEX_DIGITS and all(character in '0123456789abcdef' for character in digits):
        return digits
    hint = ' (that is the length of a SHA-1 fingerprint; only SHA-256 is accepted)' if len(digits) == 40 else ''
    raise OptionError('certificate_fingerprint %s is not a SHA-256 fingerprint: give its 64 hex digits, with or without colons, '
                      'as "openssl x509 -noout -fingerprint -sha256" prints them%s' % (shown(value), hint))


def _credential(value, name: str) -> str | None:
    """A token, user name or password without the line break a file or a vault often leaves at its end; each goes
    into an HTTP header, so only Latin-1 characters can be sent."""
    if value is None:
        return None
    text = str(value).strip()
    if any(character in text for character in '\r\n\0'):
        raise OptionError('%s contains a line break or a NUL character inside it: check how it is read' % name)
    try:
        text.encode('latin-1')
    except UnicodeEncodeError:
        raise OptionError('%s contains characters that cannot be sent in an HTTP header (only Latin-1 can): check it for '
                          'characters pasted by mistake' % name) from None
    return text or None


def _readable_file(value, name: str) -> str | None:
    if not value:
        return None
    if not os.path.isfile(value) or not os.access(value, os.R_OK):
        raise OptionError('%s %s is not a readable file: give the path of a PEM CA bundle' % (name, value))
    return value


def in_range(value: int, name: str, low: int, high: int | None) -> int:
    if value < low or (high is not None and value > high):
        bounds = 'from %d to %d' % (low, high) if high is not None else 'at least %d' % low
        raise OptionError('%s must be %s, not %s' % (name, bounds, shown(value)))
    return value


def seconds_in_range(value: float, name: str, most: float) -> float:
    if not math.isfinite(value) or not 0 < value <= most:
        raise OptionError('%s must be a number of seconds above 0 and at most %g, not %s' % (name, most, shown(value)))
    return value


def _contract_numbers(value: list | None) -> list[int] | None:
    if value is None:
        return None
    numbers = []
    for number in value:
        if in_range(number, 'contract_numbers', 1, None) not in numbers:
            numbers.append(number)
    if not numbers:
        raise OptionError('contract_numbers is empty: leave it out to read every contract the credential can read')
    return numbers


def apply_query(expression, activities):
    """The compiled query applied to the entries; a query that fails on them (a type error, an unknown function) is
    an OptionError naming the query, never the entries."""
    import jmespath  # pylint: disable=import-outside-toplevel
    try:
        return expression.search(activities)
    except jmespath.exceptions.JMESPathTypeError as error:
        detail = '%s() takes %s, not %s' % (error.function_name, ' or '.join(error.expected_types), error.actual_type)
    except jmespath.exceptions.JMESPathError as error:
        detail = shown(str(error))
    raise OptionError('query %s failed on the entries: %s; test it on the entries without query first' % (shown(expression.expression), detail))


def _compile_query(expression):
    if expression is None or expression == '':
        return None
    try:
        import jmespath  # pylint: disable=import-outside-toplevel
    except ImportError:
        raise OptionError('query needs the jmespath Python library on the host that runs this: pip install jmespath') from None
    try:
        return jmespath.compile(expression)
    except jmespath.exceptions.JMESPathError as error:
        raise OptionError('query is not a valid JMESPath expression: %s' % error) from None

# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The IONOS tools' shared configuration file (``~/.ionos/config``), the last fallback for the credentials.

The format is the one the IONOS SDKs (``shared/fileconfiguration`` of the Go SDK bundle) and ``ionosctl`` read::

    version: 1.0
    currentProfile: work                 # IONOS_CURRENT_PROFILE wins over it
    profiles:
      - name: work
        environment: prod
        credentials: {username: ..., password: ..., token: ...}
    environments:
      - name: prod
        products:
          - name: activitylog
            endpoints:
              - name: api.ionos.com        # a host, scheme optional; no location means global
                location: ""

``IONOS_CONFIG_FILE`` names the file instead of ``~/.ionos/config``. A missing file gives nothing, silently; a file
that cannot be read or parsed, or whose current profile is not in it, is an OptionError naming the file and the
problem, never a value of it. Names of profiles, environments and products match case-insensitively, trimmed.
"""

from __future__ import annotations

import os

from ansible_collections.ionos.activitylog.plugins.module_utils.errors import OptionError

CONFIG_FILE_VARIABLE = 'IONOS_CONFIG_FILE'
PROFILE_VARIABLE = 'IONOS_CURRENT_PROFILE'
DEFAULT_CONFIG_FILE = os.path.join('~', '.ionos', 'config')
PRODUCT = 'activitylog'
MAX_CONFIG_BYTES = 1024 * 1024


class ProfileSettings:
    """What the current profile of the file gives: credentials (None when absent) and the Activity Log endpoint."""

    def __init__(self, path: str, profile: str, token=None, username=None, password=None, endpoint=None):
        self.path = path
        self.profile = profile
        self.token = token
        self.username = username
        self.password = password
        self.endpoint = endpoint

    @property
    def source(self) -> str:
        """Where the credentials came from, for messages (never a value)."""
        return 'profile %s of the IONOS config file %s' % (self.profile, self.path)


def config_file_path(environ=None) -> str:
    """``IONOS_CONFIG_FILE`` when set, else ``~/.ionos/config`` (of the user that runs this)."""
    environ = os.environ if environ is None else environ
    return os.path.expanduser(environ.get(CONFIG_FILE_VARIABLE) or DEFAULT_CONFIG_FILE)


def read_profile(environ=None):
    """The current profile's settings, or None when there is no file or no current profile.

    OptionError when the file exists but cannot be read or understood.
    """
    environ = os.environ if environ is None else environ
    path = config_file_path(environ)
    if not os.path.exists(path):  # as the SDKs: a missing file (or a dangling link) is no error
        return None
    document = _load(path)
    if document is None:
        return None
    if not isinstance(document, dict):
        raise _malformed(path, 'its top level is a %s, not a mapping of version, currentProfile, profiles and environments'
                         % _kind(document))
    profiles = _list_of_mappings(document, 'profiles', path)
    environments = _list_of_mappings(document, 'environments', path)
    chosen_by = PROFILE_VARIABLE if (environ.get(PROFILE_VARIABLE) or '').strip() else 'currentProfile'
    wanted = environ.get(PROFILE_VARIABLE) if chosen_by == PROFILE_VARIABLE else document.get('currentProfile')
    if _null(wanted):
        return None  # as the SDKs: no current profile, nothing taken from the file
    if not isinstance(wanted, str):
        raise _malformed(path, 'currentProfile is a %s, not the name of a profile' % _kind(wanted))
    profile, index = _named(profiles, wanted, 'profiles', path)
    if profile is None:
        names = [str(item.get('name')) for item in profiles if isinstance(item.get('name'), str)]
        raise OptionError('the IONOS config file %s has no profile %r (chosen by %s); its profiles are: %s. Set %s to one of them, '
                          'or set token (or IONOS_TOKEN)' % (path, wanted.strip(), chosen_by, ', '.join(names) or 'none', PROFILE_VARIABLE))
    where = 'profiles[%d]' % index
    credentials = profile.get('credentials')
    if _null(credentials):
        credentials = {}
    if not isinstance(credentials, dict):
        raise _malformed(path, '%s.credentials is a %s, not a mapping of username, password and token' % (where, _kind(credentials)))
    values = {}
    for key in ('token', 'username', 'password'):
        value = credentials.get(key)
        if value is not None and not isinstance(value, str):
            raise _malformed(path, '%s.credentials.%s is a %s, not text' % (where, key, _kind(value)))
        values[key] = None if _null(value) else value
    return ProfileSettings(path, wanted.strip(), endpoint=_endpoint(profile, environments, where, path), **values)


def _load(path: str):
    """The parsed YAML of the file; None for an empty file."""
    if os.path.isdir(path):
        raise OptionError('the IONOS config file %s is a directory, not a file: point %s at the file, or remove it'
                          % (path, CONFIG_FILE_VARIABLE))
    try:
        with open(path, 'rb') as handle:
            content = handle.read(MAX_CONFIG_BYTES + 1)
    except OSError as error:
        raise OptionError('the IONOS config file %s cannot be read (%s): fix its permissions, point %s at another file, '
                          'or set token (or IONOS_TOKEN)' % (path, error.strerror or type(error).__name__, CONFIG_FILE_VARIABLE)) from None
    if len(content) > MAX_CONFIG_BYTES:
        raise _malformed(path, 'it is larger than %d bytes' % MAX_CONFIG_BYTES)
    try:
        text = content.decode('utf-8')
    except UnicodeDecodeError as error:
        raise _malformed(path, 'it is not UTF-8 text (byte %d)' % error.start) from None
    if not text.strip():
        return None
    try:
        import yaml  # pylint: disable=import-outside-toplevel
    except ImportError:
        raise OptionError('reading the IONOS config file %s needs the PyYAML Python library on the host that runs this: pip install '
                          'pyyaml, or set token (or IONOS_TOKEN)' % path) from None
    try:
        # Every scalar as the text written, as the SDKs read these string fields: a password 0123 stays 0123.
        return yaml.load(text, Loader=yaml.BaseLoader)  # nosec B506 - BaseLoader builds only str, list and dict
    except yaml.YAMLError as error:
        # Only the problem and its position: the YAML error's own text quotes the line, which may hold a token.
        mark = getattr(error, 'problem_mark', None)
        where = ' at line %d, column %d' % (mark.line + 1, mark.column + 1) if mark is not None else ''
        problem = getattr(error, 'problem', None) or type(error).__name__
        raise _malformed(path, 'it is not valid YAML%s (%s)' % (where, problem)) from None


def _endpoint(profile: dict, environments: list, where: str, path: str):
    """The first global endpoint of the activitylog product in the profile's environment (any environment when the
    profile names none), as the SDKs choose a regionless product's endpoint; None when there is none."""
    wanted = profile.get('environment')
    if wanted is not None and not isinstance(wanted, str):
        raise _malformed(path, '%s.environment is a %s, not the name of an environment' % (where, _kind(wanted)))
    if not _null(wanted):
        environment, index = _named(environments, wanted, 'environments', path)
        if environment is None:
            raise _malformed(path, '%s names the environment %r, which is not among its environments' % (where, wanted.strip()))
        candidates = [(index, environment)]
    else:
        candidates = list(enumerate(environments))
    for index, environment in candidates:
        products = _list_of_mappings(environment, 'products', path, 'environments[%d].' % index)
        for number, product in enumerate(products):
            if _normal(product.get('name')).replace('-', '').replace('_', '') != PRODUCT:
                continue
            at = 'environments[%d].products[%d]' % (index, number)
            for endpoint in _list_of_mappings(product, 'endpoints', path, at + '.'):
                if _normal(endpoint.get('location')):
                    continue
                name = endpoint.get('name')
                if not isinstance(name, str) or not name.strip():
                    raise _malformed(path, '%s has an endpoint without a name (the host of the API)' % at)
                return name.strip()
            return None
    return None


def _named(items: list, wanted: str, field: str, path: str):
    """(item, index) of the item whose name matches ``wanted``, or (None, None)."""
    for index, item in enumerate(items):
        name = item.get('name')
        if name is not None and not isinstance(name, str):
            raise _malformed(path, '%s[%d].name is a %s, not text' % (field, index, _kind(name)))
        if _normal(name) == _normal(wanted):
            return item, index
    return None, None


def _list_of_mappings(container: dict, key: str, path: str, prefix: str = '') -> list:
    value = container.get(key)
    if _null(value):
        return []
    if not isinstance(value, list):
        raise _malformed(path, '%s%s is a %s, not a list' % (prefix, key, _kind(value)))
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            raise _malformed(path, '%s%s[%d] is a %s, not a mapping' % (prefix, key, index, _kind(item)))
    return value


def _null(value) -> bool:
    """None, or a scalar that YAML means as null or that is empty (the loader keeps every scalar as its text)."""
    return value is None or (isinstance(value, str) and value.strip() in ('', '~', 'null', 'Null', 'NULL'))


def _normal(name) -> str:
    return name.strip().lower() if isinstance(name, str) else ''


def _kind(value) -> str:
    """The YAML kind of a value, never the value."""
    if value is None:
        return 'null'
    if isinstance(value, str):
        return 'string'
    if isinstance(value, list):
        return 'list'
    if isinstance(value, dict):
        return 'mapping'
    return type(value).__name__


def _malformed(path: str, problem: str) -> OptionError:
    return OptionError('the IONOS config file %s is not usable: %s. Fix it (the format of ionosctl and the IONOS SDKs), point %s at '
                       'another file, or set token (or IONOS_TOKEN)' % (path, problem, CONFIG_FILE_VARIABLE))

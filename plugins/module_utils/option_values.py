# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parse the values inside dict options (the module's ``filters``, the compliance policies): one parser per kind of value.

Every parser takes the dotted ``path`` of the value (``policies.forbidden_resource_actions[0].resource_type``) and the
``error`` class to raise (OptionError for the module, PolicyError for the policies), so that the message names exactly
what to fix. Nothing here guesses: a value that could be read two ways is an error.
"""

from __future__ import annotations

import difflib
import ipaddress

from ansible_collections.ionos.activitylog.plugins.module_utils.errors import shown

GLOB_CHARACTERS = ('*', '?', '[')
TRUE_WORDS = ('true', 'yes', 'on', '1')
FALSE_WORDS = ('false', 'no', 'off', '0')
NETWORK_EXAMPLES = '192.0.2.10, 192.0.2.0/24 or 2001:db8::/32'
LARGEST_INTEGER_BITS = 64
LEAVE_OUT = ', or leave the key out'


def type_name(value) -> str:
    """The type of ``value`` as a message shows it; None is YAML's null."""
    return 'null' if value is None else type(value).__name__


def listed(path: str, value) -> list:
    """``(path of the item, item)`` of each item of a list, or of a single value, which stands for a list of one."""
    if isinstance(value, (list, tuple)):
        return [('%s[%d]' % (path, index), item) for index, item in enumerate(value)]
    return [(path, value)]


def mapping(path: str, value, example: str, error) -> dict:
    """``value`` when it is a dictionary."""
    if not isinstance(value, dict):
        raise error('%s must be a dictionary such as %s, not %s' % (path, example, type_name(value)))
    return value


def dict_list(path: str, value, example: str, error) -> list:
    """``(path, dict)`` of each item of a non-empty list of dictionaries."""
    if not isinstance(value, list) or not value:
        raise error('%s must be a non-empty list such as [%s], not %s' % (path, example, type_name(value)))
    return [(where, mapping(where, item, example, error)) for where, item in listed(path, value)]


def reject_unknown_keys(path: str, given: dict, known: tuple, error) -> None:
    """``error`` for the first key of ``given`` not in ``known``, with a suggestion when one is close."""
    for key in given:
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1) if isinstance(key, str) else []
            hint = " (did you mean '%s'?)" % close[0] if close else ''
            raise error('%s has the unknown key %s%s; the valid keys are: %s' % (path, shown(key), hint, ', '.join(known)))


def strings(path: str, value, example: str, error, allow_empty: bool = False, integers: bool = False, optional: bool = False) -> list:
    """A string or a list of strings (a glob list), each stripped; empty strings are errors, an empty list only when allowed.

    ``integers`` takes whole numbers as their text too (YAML reads ``resource_id: 12345`` as one); ``optional`` says
    in the messages that the key may be left out.
    """
    items = listed(path, value)
    leave_out = LEAVE_OUT if optional else ''
    if not items and not allow_empty:
        raise error('%s is an empty list: give at least one value such as %s%s' % (path, example, leave_out))
    result = []
    for where, item in items:
        if isinstance(item, str) or (integers and _is_short_integer(item)):
            text = str(item).strip()
        else:
            raise error('%s must be a string such as %s, not %s (%s); %s takes a string or a list of strings'
                        % (where, example, type_name(item), shown(item), path))
        if not text:
            raise error('%s is an empty string: give a value such as %s%s' % (where, example, leave_out))
        result.append(text)
    return result


def _is_short_integer(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value.bit_length() <= LARGEST_INTEGER_BITS


def is_glob(text: str) -> bool:
    """Whether ``text`` holds a glob character (``*``, ``?``, ``[``)."""
    return any(character in text for character in GLOB_CHARACTERS)


def networks(path: str, value, error, integers: bool = False) -> tuple:
    """IPv4/IPv6 networks of an address, a CIDR range or a list of them."""
    texts = strings(path, value, '10.0.0.0/8', error, integers=integers)
    wheres = [where for where, _item in listed(path, value)]
    return tuple(parse_network(text, where, error) for where, text in zip(wheres, texts))


def parse_network(text: str, where: str, error):
    """An address or CIDR range; ``error`` (named by ``where``) for anything else, with the likely fix."""
    if is_glob(text):
        raise error('%s: %r is not an IP address or CIDR range; write addresses or CIDR ranges, not globs, such as 10.0.0.0/8 '
                    'or 2001:db8::/32' % (where, text))
    try:
        return ipaddress.ip_network(text, strict=True)
    except ValueError:
        pass
    try:
        loose = ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise error('%s: %r is not an IP address or CIDR range; write %s' % (where, text, NETWORK_EXAMPLES)) from None
    raise error('%s: %r has host bits set after the prefix; did you mean %s?' % (where, text, loose))


def boolean(path: str, value, error) -> bool:
    """A bool (null is false); the usual Ansible words are accepted too, since a templated value arrives as a string."""
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in TRUE_WORDS + FALSE_WORDS:
        return value.strip().lower() in TRUE_WORDS
    raise error('%s must be true or false, not %s' % (path, shown(value)))


def whole_number(path: str, value, error) -> int:
    """A whole number of 0 or more; a numeric string is accepted because templated values can arrive as text."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise error('%s must be a whole number of 0 or more, such as 10, not %s (%s)' % (path, type_name(value), shown(value)))
    return value

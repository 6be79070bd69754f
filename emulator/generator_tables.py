# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Vocabulary of the generated entries: names, resource types, dotted action codes, error texts.

Kept apart from the generator so the logic there stays short. Orders matter: the RNG draws index into these tuples,
so changing them changes every generated data set (tests pin determinism per seed, not exact contents).
"""

from __future__ import annotations

FIRST_NAMES = ("anna", "ben", "clara", "david", "eva", "felix", "greta", "hannes", "ines", "jonas", "katrin", "lukas", "mara", "nico")
LAST_NAMES = ("schmidt", "mueller", "weber", "fischer", "wagner", "becker", "hoffmann", "koch", "richter", "klein")
SERVICE_ACCOUNTS = ("ci-bot@example.com", "terraform@example.com", "ansible-runner@example.com", "backup-agent@example.com",
                    "monitoring@example.com")

WRITE_METHOD_WEIGHTS = (45, 20, 10, 25)  # POST, PATCH, PUT, DELETE
ERROR_METHOD_WEIGHTS = (40, 25, 10, 10, 15)  # GET, POST, PATCH, PUT, DELETE

RESOURCE_WEIGHTS = {
    "server": 30, "volume": 18, "nic": 10, "firewallrule": 8, "lan": 7, "datacenter": 6, "ipblock": 6,
    "k8s": 5, "user": 4, "group": 3, "backupUnit": 3,
}


def _crud(prefix: str, create: str = "create", delete: str = "delete") -> dict:
    """Dotted action codes per HTTP method for one resource kind."""
    return {"POST": [f"{prefix}.{create}"], "PUT": [f"{prefix}.update"], "PATCH": [f"{prefix}.update"], "DELETE": [f"{prefix}.{delete}"]}


ACTIONS = {
    "datacenter": _crud("vr.datacenter"),
    "server": _crud("vr.server"),
    "volume": _crud("vr.volume"),
    "nic": _crud("vr.nic"),
    "firewallrule": dict(_crud("vr.firewallrule"), POST=["vr.firewallrule.create", "vr.firewall.activate"]),
    "lan": _crud("vr.lan"),
    "ipblock": _crud("ip.ipblock", create="reserve", delete="release"),
    "k8s": _crud("k8s.cluster"),
    "user": _crud("sec.user"),
    "group": dict(_crud("sec.group"), PATCH=["sec.group.update", "sec.group.member.add"]),
    "backupUnit": _crud("bu.backupunit"),
}

ERROR_STATUS_WEIGHTS = {400: 3, 401: 2, 403: 2, 404: 4, 409: 1, 422: 3, 429: 1, 500: 1, 503: 1}
ERRORS = {
    400: ("100", "Invalid request body: attribute 'cores' must be at least 1"),
    401: ("315", "Unauthorized: the authentication token has expired"),
    403: ("317", "Access denied: the user lacks the privilege for this operation"),
    404: ("309", "Resource does not exist"),
    409: ("311", "Conflict: the resource is being modified by another request"),
    422: ("200", "Validation failed: the IP address is already in use"),
    429: ("318", "Too many requests: rate limit exceeded"),
    500: ("300", "Internal server error, please retry later"),
    503: ("301", "Service temporarily unavailable"),
}

DCD_MESSAGES = (
    ("User logged in", "/dcd/login"),
    ("User logged out", "/dcd/logout"),
    ("Data center opened in the DCD", "/dcd/datacenters"),
    ("Password changed", "/dcd/account/password"),
    ("Two-factor authentication enabled", "/dcd/account/2fa"),
    ("Activity log viewed", "/dcd/activitylog"),
)

_V6 = "/cloudapi/v6"


def collection_uri(rtype: str, datacenter: str, server: str, nic: str) -> str:
    """The Cloud API v6 collection a resource of this type lives in."""
    in_dc = f"{_V6}/datacenters/{datacenter}"
    return {
        "datacenter": f"{_V6}/datacenters",
        "server": f"{in_dc}/servers",
        "volume": f"{in_dc}/volumes",
        "nic": f"{in_dc}/servers/{server}/nics",
        "firewallrule": f"{in_dc}/servers/{server}/nics/{nic}/firewallrules",
        "lan": f"{in_dc}/lans",
        "ipblock": f"{_V6}/ipblocks",
        "k8s": f"{_V6}/k8s",
        "user": f"{_V6}/um/users",
        "group": f"{_V6}/um/groups",
        "backupUnit": f"{_V6}/backupunits",
    }[rtype]

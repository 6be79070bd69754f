# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Credentials: Bearer tokens and Basic users, each with the contracts it may read, the activity-log privilege and the
privilege to read Cloud API requests (``/cloudapi/v6/requests/{id}``)."""

from __future__ import annotations

import base64
import binascii
import hmac
import json

ALL_CONTRACTS = "*"


class CredentialError(Exception):
    """A --credentials file the emulator cannot use; reported at startup."""


class Credential:
    """What one token or user may do. ``key`` identifies it in logs and rate-limit buckets without the secret."""

    __slots__ = ("key", "contracts", "privilege", "requests")

    def __init__(self, key: str, contracts, privilege: bool = True, requests: bool = True):
        self.key = key
        self.contracts = None if contracts == ALL_CONTRACTS else tuple(contracts)
        self.privilege = privilege
        self.requests = requests  # may read the Cloud API requests of its contracts

    def covers(self, contract: int) -> bool:
        """Whether the contract belongs to this credential (listing); reading also needs the privilege."""
        return self.contracts is None or contract in self.contracts

    def listed(self, known: list) -> list:
        """The known contracts this credential sees in /contracts, in the emulator's contract order."""
        return [contract for contract in known if self.covers(contract)]


class Credentials:
    """Resolves an Authorization header to a Credential (None when missing or wrong)."""

    def __init__(self, tokens: dict, basic: dict):
        self.tokens = tokens
        self.basic = basic

    @classmethod
    def builtin(cls, contracts: list) -> "Credentials":
        """The documented defaults: a reseller sees every contract, a single user the first, one token lacks the activity-log
        privilege, another the privilege to read Cloud API requests."""
        first = contracts[:1]
        reseller = Credential("token:reseller", ALL_CONTRACTS)
        single = Credential("token:single", first)
        return cls(
            tokens={"reseller-token": reseller, "single-token": single, "noprivilege-token": Credential("token:noprivilege", first, False),
                    "no-requests-token": Credential("token:no-requests", first, True, False)},
            basic={
                "reseller@example.com": ("reseller-password", Credential("basic:reseller@example.com", ALL_CONTRACTS)),
                "user@example.com": ("user-password", Credential("basic:user@example.com", first)),
            },
        )

    @classmethod
    def from_file(cls, path: str) -> "Credentials":
        """``{"tokens": {token: {contracts, privilege, requests}}, "basic": {user: {password, contracts, privilege, requests}}}``."""
        try:
            with open(path, encoding="utf-8") as handle:
                document = json.load(handle)
        except (OSError, ValueError) as error:
            raise CredentialError(f"cannot read {path}: {error}")
        if not isinstance(document, dict):
            raise CredentialError(f"{path}: expected a JSON object with 'tokens' and/or 'basic'")
        tokens = {}
        for number, (token, grant) in enumerate(_section(document, "tokens").items()):
            tokens[token] = _credential(f"token:{number}", grant, f"tokens entry {number}")
        basic = {}
        for user, grant in _section(document, "basic").items():
            password = grant.get("password") if isinstance(grant, dict) else None
            if not isinstance(password, str):
                raise CredentialError(f"basic user {user!r}: 'password' must be a string")
            basic[user] = (password, _credential(f"basic:{user}", grant, f"basic user {user!r}"))
        return cls(tokens, basic)

    def resolve(self, header):
        """The credential of an ``Authorization`` header, or None."""
        scheme, _space, value = (header or "").strip().partition(" ")
        value = value.strip()
        if scheme.lower() == "bearer":
            return self.tokens.get(value)
        if scheme.lower() == "basic":
            return self._basic(value)
        return None

    def _basic(self, value: str):
        try:
            decoded = base64.b64decode(value.encode("ascii"), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeError, ValueError):
            return None
        user, separator, password = decoded.partition(":")
        known = self.basic.get(user)
        if not separator or known is None:
            return None
        if not hmac.compare_digest(known[0].encode("utf-8"), password.encode("utf-8")):
            return None
        return known[1]


def _section(document: dict, name: str) -> dict:
    section = document.get(name, {})
    if not isinstance(section, dict):
        raise CredentialError(f"'{name}' must be a JSON object")
    return section


def _credential(key: str, grant, label: str) -> Credential:
    """Validate one grant: contracts is '*' or a list of contract numbers; privilege and requests default to true."""
    if not isinstance(grant, dict):
        raise CredentialError(f"{label}: expected an object with 'contracts'")
    contracts = grant.get("contracts", [])
    if contracts != ALL_CONTRACTS:
        if not isinstance(contracts, list):
            raise CredentialError(f"{label}: 'contracts' must be \"*\" or a list of contract numbers")
        try:
            contracts = [int(contract) for contract in contracts]
        except (TypeError, ValueError):
            raise CredentialError(f"{label}: 'contracts' must hold contract numbers")
    flags = {}
    for name in ("privilege", "requests"):
        flags[name] = grant.get(name, True)
        if not isinstance(flags[name], bool):
            raise CredentialError(f"{label}: '{name}' must be true or false")
    return Credential(key, contracts, flags["privilege"], flags["requests"])

"""The access details of a service, kept encrypted (PRV-01): what may be stored, how it is
checked, read and merged. Written by the provisioning actions (a module's answer) and by the
controls (staff entering them); read by modules through ``ServiceRequest.access``."""

from __future__ import annotations

import json
import re

from django.utils.translation import gettext

from hostledger.core.errors import DomainError
from hostledger.provisioning.models import ServiceAccess


def _invalid(field: str, problem: str) -> DomainError:
    return DomainError(
        "invalid_input",
        gettext("%(field)s: %(problem)s") % {"field": field, "problem": problem},
        fields={field: problem},
    )


ACCESS_FIELDS: dict[str, int] = {
    "address": 255,
    "username": 64,
    "password": 200,
    "panel_url": 500,
    "licence_key": 500,
    "bmc_address": 255,
    "bmc_port": 5,
    "bmc_username": 64,
    "bmc_password": 200,
}
"""The access details a service may have, with their longest length."""

SECRET_FIELDS = ("password", "licence_key")
"""Shown to the client only when it asks to reveal them (audited)."""

STAFF_FIELDS = ("bmc_address", "bmc_port", "bmc_username", "bmc_password")
"""The management controller of a dedicated server: for the module and staff, never shown to
the client."""


SERVER_KEY = re.compile(r"^(vsr_[a-z0-9]{4,20})\.([a-z_]+)$")
"""Access details of a server inside a cloud pool are kept on the pool's service under
``<server public id>.<field>`` (ORD-05)."""


def _field_of(name) -> str | None:
    if not isinstance(name, str):
        return None
    if name in ACCESS_FIELDS:
        return name
    matched = SERVER_KEY.match(name)
    if matched and matched.group(2) in ACCESS_FIELDS:
        return matched.group(2)
    return None


def secret_field(name: str) -> bool:
    """Whether the detail ``name`` (of the service or of a pool server) is a secret."""
    return _field_of(name) in SECRET_FIELDS


def server_access(details: dict[str, str], server_id: str) -> dict[str, str]:
    """The access details of one pool server among a pool's details."""
    prefix = f"{server_id}."
    return {key[len(prefix) :]: value for key, value in details.items() if key.startswith(prefix)}


def clean_access_details(details) -> dict[str, str]:
    """The access details in ``details`` checked field by field; unknown names, values that
    are not text or too long, and control characters are refused naming the field. An empty
    value removes the detail."""
    if not isinstance(details, dict):
        raise _invalid("access", "expected an object of access details.")
    cleaned: dict[str, str] = {}
    for name, value in details.items():
        field = _field_of(name)
        if field is None:
            raise _invalid(str(name)[:40], f"not an access detail; use {', '.join(ACCESS_FIELDS)}.")
        if value is None:
            value = ""
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise _invalid(name, "expected text.")
        value = value.strip()
        if len(value) > ACCESS_FIELDS[field]:
            raise _invalid(name, f"at most {ACCESS_FIELDS[field]} characters.")
        if any(ord(char) < 32 for char in value):
            raise _invalid(name, "control characters are not allowed.")
        if field == "bmc_port" and value and not (value.isdigit() and 0 < int(value) < 65536):
            raise _invalid(name, "a port number from 1 to 65535.")
        cleaned[name] = value
    return cleaned


def access_details(service) -> dict[str, str]:
    """Every access detail kept for ``service`` (decrypted), for its module and staff."""
    row = ServiceAccess.objects.filter(service=service).first()
    if row is None or not row.details:
        return {}
    try:
        stored = json.loads(row.details)
    except ValueError:
        return {}
    return {key: str(value) for key, value in stored.items() if _field_of(key)}


def access_for_client(service) -> dict[str, object]:
    """What the client sees of its access details without revealing: the address, user name
    and panel URL, and which secrets exist."""
    details = access_details(service)
    shown = {
        key: value
        for key, value in details.items()
        if key in ACCESS_FIELDS and key not in SECRET_FIELDS and key not in STAFF_FIELDS and value
    }
    shown["secrets"] = [key for key in SECRET_FIELDS if details.get(key)]
    shown["server_secrets"] = any(
        "." in key and secret_field(key) and value for key, value in details.items()
    )
    return shown


def service_access_merge(*, service, details) -> dict[str, str]:
    """Merge checked access details into the service's encrypted record, in the caller's
    transaction (a module's answer, a staff activation). Empty values remove a detail."""
    cleaned = clean_access_details(dict(details))
    row, _ = ServiceAccess.objects.select_for_update().get_or_create(service=service)
    merged = {**access_details(service), **cleaned}
    merged = {key: value for key, value in merged.items() if value}
    row.details = json.dumps(merged, sort_keys=True) if merged else ""
    row.save(update_fields=["details", "updated_at"])
    return merged

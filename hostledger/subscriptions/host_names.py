"""Host names of services: the domain or server name a service runs under (issue 11 §8)."""

from __future__ import annotations

import idna
from django.utils.translation import gettext as _

from hostledger.core.errors import DomainError


def clean_host_name(value: str) -> str:
    """A domain or server name as it is kept: lower case, without a final dot, valid under
    IDNA (UTS-46); an empty value clears it."""
    host_name = (value or "").strip().lower().rstrip(".")
    if not host_name:
        return ""
    try:
        ascii_name = idna.encode(host_name, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        ascii_name = ""
    if not ascii_name or len(ascii_name) > 253:
        raise DomainError(
            "invalid_host_name",
            _("host_name: not a domain or server name."),
            fields={"host_name": "Enter a domain or server name, e.g. shop.example.com."},
        )
    return idna.decode(ascii_name)

"""Names of zones: a client's domain in ASCII and Unicode (DOM-01), the names above it, and
the reverse zone that holds the PTR record of an address (DOM-04)."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

import dns.reversename
import idna
from django.utils.translation import gettext as _

from hostledger.core.errors import DomainError

LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
"""A label of a domain (DOM-01): Latin letters, digits and hyphens, not starting or ending
with a hyphen; punycode labels (``xn--``) are of this form too."""
NAME_MAX = 253
REVERSE_TREES = ("in-addr.arpa", "ip6.arpa")


def invalid(field: str, problem: str, *, code: str = "invalid_input", status=400):
    return DomainError(
        code,
        _("%(field)s: %(problem)s") % {"field": field, "problem": problem},
        fields={field: problem},
        status=status,
    )


@dataclass(frozen=True)
class ZoneName:
    """A zone's name in ASCII (punycode) and in Unicode, both without the final dot."""

    ascii: str
    unicode: str

    @property
    def fqdn(self) -> str:
        return self.ascii + "."


def clean_zone_name(value, field: str = "name") -> ZoneName:
    """A client's domain as a zone name (DOM-01): Unicode accepted and kept in both forms
    (IDNA 2008 with UTS-46 mapping), at least two labels of letters, digits and hyphens.
    Reverse zones (``in-addr.arpa``, ``ip6.arpa``) are the provider's and are refused here."""
    if not isinstance(value, str) or not value.strip():
        raise invalid(field, "Enter a domain name such as example.com.")
    text = value.strip().lower().rstrip(".")
    try:
        ascii_name = idna.encode(text, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError) as error:
        raise invalid(field, f"Not a valid domain name: {error}.") from None
    labels = ascii_name.split(".")
    if (
        len(ascii_name) > NAME_MAX
        or len(labels) < 2
        or not all(LABEL.match(label) for label in labels)
        or labels[-1].isdigit()
    ):
        raise invalid(
            field,
            "Enter a domain name such as example.com: labels of letters, digits and hyphens "
            "that start and end with a letter or digit, separated by dots.",
        )
    if ascii_name == "arpa" or ascii_name.endswith(".arpa"):
        raise invalid(field, "Reverse zones are kept by the provider, for its addresses.")
    return ZoneName(ascii=ascii_name, unicode=idna.decode(ascii_name))


def ancestors(ascii_name: str) -> list[str]:
    """The names above a zone, nearest first: ``a.example.com`` → example.com, com."""
    labels = ascii_name.split(".")
    return [".".join(labels[index:]) for index in range(1, len(labels))]


def reverse_place(address, *, prefix_v4: int, prefix_v6: int) -> tuple[ZoneName, str]:
    """The reverse zone that holds the PTR record of ``address`` and the record's name in it:
    the zone of the ``/prefix_v4`` (``/prefix_v6``) network around the address, e.g. 192.0.2.17
    with /24 → ``2.0.192.in-addr.arpa`` and ``17``."""
    ip = ipaddress.ip_address(address)
    full = dns.reversename.from_address(str(ip)).to_text(omit_final_dot=True)
    labels = full.split(".")
    if ip.version == 4:
        if prefix_v4 not in (8, 16, 24):
            raise invalid("address", "IPv4 reverse zones are cut at /8, /16 or /24.")
        inside = 4 - prefix_v4 // 8
    else:
        if prefix_v6 % 4 or not 4 <= prefix_v6 <= 124:
            raise invalid("address", "IPv6 reverse zones are cut at a multiple of 4 bits.")
        inside = 32 - prefix_v6 // 4
    zone = ".".join(labels[inside:])
    return ZoneName(ascii=zone, unicode=zone), ".".join(labels[:inside])

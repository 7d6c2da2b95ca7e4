"""Domain and host names (DOM-01): the label rule, internationalised names through UTS-46,
and the checks a zone's rules add.

A label is 1 to 63 octets in its ASCII form; it starts and ends with a Latin letter or a
digit, and inside it has letters, digits and hyphens (seed 003, definitions). Two hyphens at
the third and fourth positions are reserved for the ``xn--`` prefix of an internationalised
label (RFC 5891 §4.2.3.1), which must then be valid punycode of a name IDNA 2008 allows. A
whole name is at most 253 octets. Names given in Unicode are mapped with UTS-46 (the ``idna``
package: case folded, width normalised) and kept in both forms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import idna
from django.utils.translation import gettext as _

from hostledger.core.errors import DomainError

LABEL_MAX_OCTETS = 63
NAME_MAX_OCTETS = 253
A_LABEL_PREFIX = "xn--"
_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")


@dataclass(frozen=True)
class DomainName:
    """A checked name in both forms: ``ascii`` (punycode, lower case) and ``unicode``."""

    ascii: str
    unicode: str

    @property
    def labels(self) -> list[str]:
        return self.ascii.split(".")

    @property
    def is_internationalised(self) -> bool:
        return any(label.startswith(A_LABEL_PREFIX) for label in self.labels)


def label_problem(label: str) -> str:
    """What is wrong with one label in its ASCII form, or "" when it follows the rule."""
    if not label:
        return "A name has no empty labels (two dots in a row, or a dot at the start)."
    if not label.isascii():
        return f"{label[:63]!r} is not in its ASCII form."
    if len(label) > LABEL_MAX_OCTETS:
        return f"A label is at most {LABEL_MAX_OCTETS} characters; {label[:20]}… has {len(label)}."
    if not _LABEL.match(label):
        return (
            f"{label!r}: a label starts and ends with a Latin letter or a digit and has only "
            "letters, digits and hyphens inside."
        )
    if label[2:4] == "--":
        if not label.startswith(A_LABEL_PREFIX):
            return f"{label!r}: two hyphens at the third and fourth places are reserved."
        try:
            decoded = idna.decode(label)
            if idna.encode(decoded).decode("ascii") != label:
                return f"{label!r} is not the canonical form of an internationalised label."
        except (idna.IDNAError, UnicodeError):
            return f"{label!r} is not a valid internationalised label."
    return ""


def _invalid(field: str, problem: str) -> DomainError:
    return DomainError(
        "invalid_host_name",
        _("%(field)s: %(problem)s") % {"field": field, "problem": problem},
        fields={field: problem},
    )


def parse_name(value, *, field: str = "host_name", min_labels: int = 2) -> DomainName:
    """``value`` as a checked name (DOM-01), in lower case without a final dot; a DomainError
    naming ``field`` otherwise."""
    if not isinstance(value, str):
        raise _invalid(field, "Enter a domain name such as example.ee.")
    text = value.strip().rstrip(".")
    if not text:
        raise _invalid(field, "Enter a domain name such as example.ee.")
    if text.isascii():
        ascii_name = text.lower()
    else:
        try:
            ascii_name = idna.encode(text, uts46=True).decode("ascii")
        except (idna.IDNAError, UnicodeError) as error:
            raise _invalid(field, f"Not a valid internationalised name ({error}).") from None
    if len(ascii_name) > NAME_MAX_OCTETS:
        raise _invalid(field, f"A name is at most {NAME_MAX_OCTETS} characters in its ASCII form.")
    labels = ascii_name.split(".")
    for label in labels:
        problem = label_problem(label)
        if problem:
            raise _invalid(field, problem)
    if len(labels) < min_labels:
        raise _invalid(field, "Give the whole name with its zone, e.g. example.ee.")
    if labels[-1].isdigit():
        raise _invalid(field, "The last label of a name is not a number.")
    try:
        unicode_name = idna.decode(ascii_name)
    except (idna.IDNAError, UnicodeError):
        unicode_name = ascii_name
    return DomainName(ascii=ascii_name, unicode=unicode_name)


def registrable_problem(name: DomainName, rule) -> str:
    """What the zone rule ``rule`` (a :class:`~hostledger.domains.models.ZoneRule`) refuses in
    ``name`` as a name to register, or "": exactly one label before the zone, an
    internationalised label only where the zone takes them, and the zone's label lengths
    (DOM-01, DOM-03)."""
    zone_labels = rule.zone.split(".")
    labels = name.labels
    if labels[-len(zone_labels) :] != zone_labels:
        return f"{name.unicode} is not in the .{rule.zone} zone."
    if len(labels) != len(zone_labels) + 1:
        return (
            f"Give the name to register directly under .{rule.zone}, e.g. example.{rule.zone}, "
            "without further labels."
        )
    label = labels[0]
    if label.startswith(A_LABEL_PREFIX) and not rule.idn_allowed:
        return f"The .{rule.zone} registry takes no internationalised names; use Latin letters."
    if not rule.min_label_length <= len(label) <= rule.max_label_length:
        return (
            f"In .{rule.zone} the name before the zone is {rule.min_label_length} to "
            f"{rule.max_label_length} characters long (in its ASCII form)."
        )
    return ""

"""Which contacts a new domain is registered with (DOM-03): the client as registrant, and the
administrator the client names, identified as the zone's rule demands.

The administrator comes, in this order, from what the order gives (``AdminContactInput``,
any field left empty taken from the client), from the client's earlier domain contact at the
same registrar that the rule accepts, or from the client's own data (a company's registry
code). When the rule demands an identification none of these has, the order is refused
naming ``admin_ident``, and the order form asks for it. Nothing here writes: the order's
transaction stores the contacts (``actions.domain_order_record``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import date

from django.utils.translation import gettext as _
from stdnum.ee import ik as estonian_personal_code
from stdnum.ee import registrikood as estonian_registry_code
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.ru import inn as russian_tax_number

from hostledger.accounts.models import Client
from hostledger.accounts.validation import (
    COUNTRY_NAMES,
    FieldErrors,
    clean_email,
    clean_phone,
    clean_text,
)
from hostledger.domains.models import DomainContact, IdentType, ZoneRule
from hostledger.domains.selectors import (
    accepted_idents_text,
    client_domain_contacts,
    ident_accepted,
)

IDENT_MAX_CHARS = 40


@dataclass(frozen=True)
class ContactDetails:
    """A contact as it will be sent to the registry (RFC 5733 postal info, e-mail, phone and
    the identification a registry may demand)."""

    name: str
    email: str
    phone: str = ""
    organisation: str = ""
    street: str = ""
    city: str = ""
    postal_code: str = ""
    country: str = ""
    ident: str = ""
    ident_type: str = ""
    ident_country: str = ""

    def as_fields(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class AdminContactInput:
    """The administrator contact an order names (DOM-03); empty fields are the client's."""

    name: str = ""
    email: str = ""
    phone: str = ""
    ident: str = ""
    ident_type: str = ""
    ident_country: str = ""

    @property
    def is_empty(self) -> bool:
        return not any(asdict(self).values())


@dataclass(frozen=True)
class ContactPlan:
    """The contacts of a new domain: each an existing DomainContact to reuse or the details
    of a new one."""

    registrant: DomainContact | ContactDetails
    admin: DomainContact | ContactDetails


def client_contact_details(client: Client) -> ContactDetails:
    """The client itself as a domain contact: a company with its registry code (``org``), a
    person with its name."""
    legal = client.kind == Client.Kind.LEGAL
    name = client.display_name or client.owner.email
    return ContactDetails(
        name=name,
        email=client.owner.email,
        phone=client.phone or "",
        organisation=client.company_name if legal else "",
        street=client.street or "",
        city=client.city or "",
        postal_code=client.postal_code or "",
        country=client.country or "",
        ident=(client.registry_code or "") if legal else "",
        ident_type=IdentType.ORG if legal and client.registry_code else "",
        ident_country=client.country if legal and client.registry_code else "",
    )


def ident_problem(ident: str, ident_type: str, ident_country: str) -> str:
    """What is wrong with an identification, checked where its country's format is known
    (an Estonian personal or registry code, a Russian tax number), or ""."""
    if not ident:
        return ""
    if len(ident) > IDENT_MAX_CHARS or any(ord(char) < 32 for char in ident):
        return f"At most {IDENT_MAX_CHARS} characters, no control characters."
    try:
        if ident_type == IdentType.PRIV and ident_country == "EE":
            estonian_personal_code.validate(ident)
        elif ident_type == IdentType.ORG and ident_country == "EE":
            estonian_registry_code.validate(ident)
        elif ident_type == IdentType.ORG and ident_country == "RU":
            russian_tax_number.validate(ident)
        elif ident_type == IdentType.BIRTHDAY:
            date.fromisoformat(ident)
    except (StdnumValidationError, ValueError):
        kind = dict(IdentType.choices).get(ident_type, ident_type)
        where = f" of {ident_country}" if ident_country else ""
        return f"This is not a valid {str(kind).lower()}{where}."
    return ""


def _same(contact: DomainContact, details: ContactDetails) -> bool:
    return all(getattr(contact, field) == value for field, value in details.as_fields().items())


def _existing_or(details: ContactDetails, contacts: list[DomainContact]):
    for contact in contacts:
        if _same(contact, details):
            return contact
    return details


def _given_admin(
    given: AdminContactInput, own: ContactDetails, errors: FieldErrors
) -> ContactDetails:
    name = clean_text(given.name, "admin_name", errors, required=False) or own.name
    email = clean_email(given.email, "admin_email", errors, required=False) or own.email
    phone = clean_phone(
        given.phone, "admin_phone", errors, country=own.country, required=False
    ) or (own.phone if not given.name else "")
    ident = clean_text(
        given.ident, "admin_ident", errors, required=False, max_length=IDENT_MAX_CHARS
    )
    ident_type = (given.ident_type or "").strip()
    if ident_type and ident_type not in IdentType.values:
        errors.add(
            "admin_ident_type",
            _("Choose one of %(values)s.") % {"values": ", ".join(IdentType.values)},
        )
    ident_country = (given.ident_country or "").strip().upper()
    if ident_country and ident_country not in COUNTRY_NAMES:
        errors.add("admin_ident_country", _("Choose a country (two-letter ISO code)."))
    if ident and not ident_type:
        errors.add("admin_ident_type", _("Say what the identification is."))
    problem = ident_problem(ident, ident_type, ident_country)
    if problem:
        errors.add("admin_ident", problem)
    same_person = name == own.name
    return replace(
        own if same_person else ContactDetails(name=name, email=email),
        name=name,
        email=email,
        phone=phone,
        organisation=own.organisation if same_person else "",
        ident=ident,
        ident_type=ident_type if ident else "",
        ident_country=ident_country if ident else "",
    )


def contact_plan(
    client: Client, rule: ZoneRule, given: AdminContactInput | None, errors: FieldErrors
) -> ContactPlan | None:
    """The contacts a domain of ``rule``'s zone is registered with for ``client`` (DOM-03);
    None with the problems in ``errors`` (``admin_ident`` when the rule's identification is
    missing)."""
    own = client_contact_details(client)
    earlier = list(client_domain_contacts(client, registrar_name=rule.registrar_name))
    admin = None
    if given is not None and not given.is_empty:
        before = len(errors.errors)
        admin = _given_admin(given, own, errors)
        if len(errors.errors) > before:
            return None
    else:
        for contact in earlier:
            if rule.admin_idents and ident_accepted(
                rule,
                ident=contact.ident,
                ident_type=contact.ident_type,
                ident_country=contact.ident_country,
            ):
                admin = contact
                break
        admin = admin or own
    if not ident_accepted(
        rule, ident=admin.ident, ident_type=admin.ident_type, ident_country=admin.ident_country
    ):
        errors.add(
            "admin_ident",
            _("The .%(zone)s registry needs the domain administrator's %(rule)s; enter it.")
            % {"zone": rule.zone, "rule": accepted_idents_text(rule)},
        )
        return None
    registrant = own
    if admin.name == own.name and not own.ident and admin.ident:
        # The client is its own administrator: the registry knows it by the same code.
        registrant = replace(
            own,
            ident=admin.ident,
            ident_type=admin.ident_type,
            ident_country=admin.ident_country,
        )
    registrant = _existing_or(registrant, earlier)
    if isinstance(admin, ContactDetails):
        admin = _existing_or(admin, earlier)
    return ContactPlan(registrant=registrant, admin=admin)

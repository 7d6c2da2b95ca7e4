"""Schemas of domains (DOM-01, DOM-02, DOM-03) and the conversions that fill them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema

from hostledger.api.schemas import PUBLIC_ID_PATTERN, InputSchema, text
from hostledger.api.schemas_orders import IdentTypeName
from hostledger.domains.contacts import AdminContactInput
from hostledger.domains.models import Domain, DomainStatus

DomainStatusName = Literal[tuple(DomainStatus.values)]


class DomainOut(Schema):
    """A domain and what its registry last reported of it (DOM-02)."""

    id: str = Field(description="Public id of the domain.", examples=["dom_3k9d2m7q8w1x4z6v"])
    name: str = Field(description="The domain as it is written (Unicode).", examples=["õun.ee"])
    name_ascii: str = Field(description="Its ASCII (punycode) form.", examples=["xn--un-bka.ee"])
    zone: str = Field(examples=["ee"])
    status: DomainStatusName = Field(
        description="pending (not yet sent), registering, registered (the registry reports it "
        "registered), expired, grace, redemption, transferring, deleted."
    )
    expires_on: date | None = Field(description="Expiry as the registry reports it.")
    registered_on: date | None
    registry_statuses: list[str] = Field(examples=[["ok"]])
    name_servers: list[str] = Field(examples=[["ns1.example.net", "ns2.example.net"]])
    locked: bool = Field(description="Locked against transfer, deletion and changes.")
    years: int = Field(description="Years registered or renewed at a time.", examples=[1])
    is_transfer: bool = Field(description="Ordered as a transfer in from another registrar.")
    checked_at: datetime | None = Field(description="When the registry was last asked.")
    service_id: str = Field(examples=["svc_3k9d2m7q8w1x4z6v"])


class StaffDomainOut(DomainOut):
    """A domain as staff read it, with its client and registrar."""

    client_id: str = Field(examples=["cli_7m2k9d3q8w1x4z6v"])
    registrar: str = Field(examples=["local"])


class DomainFilter(Schema):
    status: DomainStatusName | None = Field(None, description="Only in this status.")


class StaffDomainFilter(DomainFilter):
    zone: str | None = Field(
        None, max_length=63, pattern=r"^\.?[a-z0-9.-]{1,63}$", description="Only of this zone."
    )


class NameServersIn(InputSchema):
    name_servers: list[text(253, "A name server's host name.", ["ns1.example.net"])] = Field(
        max_length=13, description="The name servers to delegate the domain to (at most 13)."
    )


class LockIn(InputSchema):
    locked: bool = Field(description="true: lock against transfer and changes; false: unlock.")


class AuthCodeOut(Schema):
    auth_code: str = Field(
        description="The transfer (authorisation) code; each reveal is recorded.",
        examples=["x7Kp2mQ9"],
    )


class DomainTransferIn(InputSchema):
    """A transfer in of a domain held at another registrar: an order of the zone's tariff
    (DOM-02)."""

    tariff: str = Field(
        pattern=PUBLIC_ID_PATTERN,
        description="Public id of the domain tariff of the domain's zone.",
        examples=["trf_3k9d2m7q8w1x4z6v"],
    )
    payer: str = Field(
        pattern=PUBLIC_ID_PATTERN,
        description="Public id of one of your payers.",
        examples=["pay_3k9d2m7q8w1x4z6v"],
    )
    host_name: text(253, "The domain to transfer.", ["example.ee"])
    transfer_auth_code: text(255, "The domain's transfer code from its registrar.", ["x7Kp2mQ9"])
    period_months: int = Field(
        12, ge=1, le=120, description="Whole years where the registry sells years.", examples=[12]
    )
    start_at_once: bool = Field(
        False, description="Start before the withdrawal period ends (ORD-07)."
    )
    admin_ident: text(40, "The administrator's identification code, where demanded.", []) = ""
    admin_ident_type: IdentTypeName | Literal[""] = Field("", description="priv, org, …")
    admin_ident_country: text(2, "Country of admin_ident.", ["EE"]) = ""

    def domain_admin(self) -> AdminContactInput | None:
        if not self.admin_ident:
            return None
        return AdminContactInput(
            ident=self.admin_ident,
            ident_type=self.admin_ident_type,
            ident_country=self.admin_ident_country,
        )


def domain_out(domain: Domain) -> dict:
    return {
        "id": domain.public_id,
        "name": domain.name_unicode,
        "name_ascii": domain.name_ascii,
        "zone": domain.zone,
        "status": domain.status,
        "expires_on": domain.expires_on,
        "registered_on": domain.registered_on,
        "registry_statuses": list(domain.registry_statuses or []),
        "name_servers": list(domain.name_servers or []),
        "locked": domain.locked,
        "years": domain.years,
        "is_transfer": domain.is_transfer,
        "checked_at": domain.checked_at,
        "service_id": domain.service.public_id,
    }


def staff_domain_out(domain: Domain) -> dict:
    return {
        **domain_out(domain),
        "client_id": domain.client.public_id,
        "registrar": domain.registrar_name,
    }

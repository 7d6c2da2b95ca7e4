"""The shape of the personal-data document (GDPR-02) and of its portable part, which another
HostLedger imports (seed 000: "export or import of data").

The published JSON Schema (``export_schema.json`` beside this module, served at
``/privacy/export-schema.json``) is generated from these models by :func:`export_schema`;
a test keeps the file equal to it, and the import validates with the same models, so the
schema, the writer and the reader cannot drift apart.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from hostledger.privacy.export import FORMAT_NAME, FORMAT_VERSION, SCHEMA_FILE, SCHEMA_PATH

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PortableProfile(_Strict):
    """The client's own data: who they are and how to reach them."""

    kind: Literal["natural", "legal"]
    first_name: str = Field(default="", max_length=200)
    last_name: str = Field(default="", max_length=200)
    company_name: str = Field(default="", max_length=200)
    registry_code: str = Field(default="", max_length=40)
    vat_number: str = Field(default="", max_length=40)
    street: str = Field(default="", max_length=200)
    city: str = Field(default="", max_length=100)
    postal_code: str = Field(default="", max_length=20)
    country: str = Field(min_length=2, max_length=2)
    phone: str = Field(default="", max_length=40)
    email: str = Field(min_length=3, max_length=254, description="The sign-in email address.")
    full_name: str = Field(default="", max_length=200)
    preferred_language: str = Field(default="", max_length=8)


class PortablePayer(_Strict):
    """A billing identity printed on invoices."""

    kind: Literal["natural", "legal"]
    name: str = Field(min_length=1, max_length=200)
    registry_code: str = Field(default="", max_length=40)
    vat_number: str = Field(default="", max_length=40)
    street: str = Field(min_length=1, max_length=200)
    city: str = Field(min_length=1, max_length=100)
    postal_code: str = Field(default="", max_length=20)
    country: str = Field(min_length=2, max_length=2)
    invoice_email: str = Field(default="", max_length=254)
    buyer_reference: str = Field(default="", max_length=100)
    is_default: bool = False


class PortableContact(_Strict):
    """A technical, billing or abuse contact person."""

    role: Literal["technical", "billing", "abuse"]
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(min_length=3, max_length=254)
    phone: str = Field(default="", max_length=40)


class PortablePreference(_Strict):
    """Whether a category of system messages also goes by a channel besides email."""

    channel: str = Field(max_length=10)
    category: str = Field(max_length=20)
    enabled: bool


class Portable(_Strict):
    """What moves to another provider: profile, payers, contacts, preferences."""

    profile: PortableProfile
    payers: list[PortablePayer] = Field(default_factory=list, max_length=100)
    contacts: list[PortableContact] = Field(default_factory=list, max_length=100)
    preferences: list[PortablePreference] = Field(default_factory=list, max_length=100)


class StoredIn(_Strict):
    table: str
    column: str


class RetentionRule(_Strict):
    rule: str
    description: str


class PersonalField(_Strict):
    """One personal field held: where, why, on what basis, for whom, for how long."""

    field: str
    stored_in: StoredIn
    category: str
    purpose: str
    legal_basis: str
    recipients: str
    retention: RetentionRule
    encrypted_at_rest: bool
    value_withheld: str | None = Field(
        description="Why the value is left out of the export (a credential), or null."
    )


class FoundThrough(_Strict):
    client: list[str]
    user: str | None


class AssetDocument(_Strict):
    """One asset (kind of record): its personal fields described, and the subject's rows."""

    asset: str = Field(description="The model's label, e.g. accounts.payer.")
    name: str
    table: str
    csv_file: str
    found_through: FoundThrough
    personal_fields: list[PersonalField]
    columns: list[str] = Field(
        description="Names of the values of each record, in order: the record's id, then its "
        "fields; the personal ones are described in personal_fields."
    )
    records: list[list[Any]] = Field(description="The subject's records, one array each.")
    row_count: int = Field(ge=0)


class Subject(_Strict):
    client: str
    user: str


class PersonalDataDocument(_Strict):
    """The personal-data document of one client (GDPR-02)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    schema_url: str = Field(alias="$schema")
    format: Literal["hostledger-personal-data"]
    version: Literal[1]
    exported_at: str
    subject: Subject
    row_counts: dict[str, int]
    portable: Portable
    assets: list[AssetDocument]


assert FORMAT_NAME == "hostledger-personal-data" and FORMAT_VERSION == 1


def export_schema(schema_id: str = SCHEMA_PATH) -> dict:
    """The JSON Schema of the document, with ``$id`` ``schema_id``."""
    schema = PersonalDataDocument.model_json_schema(by_alias=True)
    return {"$schema": SCHEMA_DIALECT, "$id": schema_id, **schema}


def published_schema() -> dict:
    """The schema file shipped in the package."""
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def write_schema_file() -> None:
    """Regenerate ``export_schema.json`` from the models (run after changing them)."""
    SCHEMA_FILE.write_text(json.dumps(export_schema(), indent=2) + "\n", encoding="utf-8")

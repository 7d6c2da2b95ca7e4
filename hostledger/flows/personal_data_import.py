"""A client moves in from another HostLedger: its export of personal data imported (GDPR-02,
seed 000: "export or import of data").

The portable part of the export's ``personal-data.json`` (profile, payers, contacts,
preferences) becomes a client account here, in one transaction: the account (accounts), its
payment reference (ledger) and its notification preferences (notifications). The document is
checked against the published schema first (the models of hostledger.privacy.portable); what
exists already (the sign-in email) is refused, and a refusal stores nothing.
"""

from __future__ import annotations

import io
import json
import zipfile

from django.db import transaction
from django.utils.translation import gettext as _
from pydantic import ValidationError

from hostledger.accounts import actions as accounts
from hostledger.accounts.models import Client
from hostledger.core.errors import DomainError
from hostledger.ledger import actions as ledger
from hostledger.notifications.actions import channel_preference_set
from hostledger.privacy.export import JSON_NAME
from hostledger.privacy.portable import PersonalDataDocument

MAX_DOCUMENT_BYTES = 200 * 1024 * 1024


def document_bytes(content: bytes | str) -> bytes | str:
    """The JSON document itself: ``content``, or the ``personal-data.json`` inside it when it
    is the export's ZIP."""
    if isinstance(content, bytes) and content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                return archive.read(JSON_NAME)
        except (zipfile.BadZipFile, KeyError) as error:
            raise DomainError(
                "invalid_input",
                _("file: not an export ZIP holding %(json_name)s.") % {"json_name": JSON_NAME},
                fields={"file": "not an export"},
            ) from error
    return content


def parsed_document(content: bytes | str) -> PersonalDataDocument:
    """The export document in ``content`` (the ZIP or its JSON), validated against the
    schema; DomainError ``invalid_input`` naming the first wrong fields otherwise."""
    if len(content) > MAX_DOCUMENT_BYTES:
        raise DomainError(
            "invalid_input",
            _("file: the document is larger than 200 MB."),
            fields={"file": "too large"},
        )
    content = document_bytes(content)
    try:
        data = json.loads(content)
    except (ValueError, UnicodeDecodeError) as error:
        raise DomainError(
            "invalid_input",
            _("file: not a JSON document (%(error)s).") % {"error": error},
            fields={"file": "not JSON"},
        ) from error
    try:
        return PersonalDataDocument.model_validate(data)
    except ValidationError as error:
        fields = {
            ".".join(str(part) for part in item["loc"]) or "document": item["msg"]
            for item in error.errors()[:10]
        }
        first = next(iter(fields.items()))
        raise DomainError(
            "invalid_input",
            _("%(first)s: %(first2)s (the document does not follow the export schema).")
            % {"first": first[0], "first2": first[1]},
            fields=fields,
        ) from error


@transaction.atomic
def personal_data_import(*, content: bytes | str, actor=None) -> Client:
    """Create a client account from the portable part of an export document; return it.

    One transaction: a refused or failing import stores nothing."""
    document = parsed_document(content)
    portable = document.portable
    client = accounts.client_import(profile=portable.profile.model_dump(), actor=actor)
    ledger.client_payment_reference_ensure(client=client)
    owner = client.owner
    for number, payer in enumerate(portable.payers):
        try:
            accounts.payer_create(client=client, actor=actor or owner, data=payer.model_dump())
        except DomainError as error:
            raise _located(error, f"portable.payers.{number}") from error
    for number, contact in enumerate(portable.contacts):
        try:
            accounts.contact_create(client=client, actor=actor or owner, data=contact.model_dump())
        except DomainError as error:
            raise _located(error, f"portable.contacts.{number}") from error
    for number, preference in enumerate(portable.preferences):
        try:
            channel_preference_set(
                client=client,
                channel=preference.channel,
                category=preference.category,
                enabled=preference.enabled,
                actor=actor,
            )
        except DomainError as error:
            raise _located(error, f"portable.preferences.{number}") from error
    return client


def _located(error: DomainError, where: str) -> DomainError:
    """The same refusal with the place in the document before the field names."""
    fields = {f"{where}.{name}": text for name, text in (error.fields or {}).items()}
    return DomainError(
        error.code,
        _("%(where)s: %(message)s") % {"where": where, "message": error.message},
        fields=fields or {where: "invalid"},
    )

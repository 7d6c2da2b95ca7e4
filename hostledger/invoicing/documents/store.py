"""The issued files of final invoices and credit notes, kept byte for byte (BIL-04, BIL-10).

:func:`issued_file` returns a document's stored PDF, CII or UBL bytes; the first call renders
and stores them, every later call returns exactly those bytes, whatever changed since — the
provider's settings, the payer, the templates or HostLedger itself. Two first downloads at
once render the same bytes (rendering is deterministic) and the second insert gives way to
the first. Proformas are requests for payment, not issued invoices: their PDF is rendered
each time (deterministically, from the snapshots) and never stored.

The content is stored base64-encoded in an encrypted field, because it prints the payer;
``sha256`` is of the plain bytes.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable

from django.db import IntegrityError, transaction

from hostledger.invoicing.models import CreditNote, Invoice, IssuedDocumentFile

Format = IssuedDocumentFile.Format


def _owner(document: Invoice | CreditNote) -> dict:
    if isinstance(document, CreditNote):
        return {"credit_note_id": document.pk}
    return {"invoice_id": document.pk}


def stored_issued_file(document: Invoice | CreditNote, file_format: str) -> bytes | None:
    """The stored bytes of ``document`` in ``file_format``, or None if none are stored yet."""
    content = (
        IssuedDocumentFile.objects.filter(format=file_format, **_owner(document))
        .values_list("content", flat=True)
        .first()
    )
    return None if content is None else base64.b64decode(content)


def issued_file(
    document: Invoice | CreditNote, file_format: str, render: Callable[[], bytes]
) -> bytes:
    """``document``'s file in ``file_format``: as stored, or rendered by ``render`` and stored
    now, once (BIL-04). The caller has checked that ``document`` is issued and final."""
    stored = stored_issued_file(document, file_format)
    if stored is not None:
        return stored
    content = render()
    try:
        with transaction.atomic():
            IssuedDocumentFile.objects.create(
                format=file_format,
                sha256=hashlib.sha256(content).hexdigest(),
                size=len(content),
                content=base64.b64encode(content).decode("ascii"),
                **_owner(document),
            )
    except IntegrityError:
        # Stored by a concurrent first download in between: theirs is the issued copy.
        stored = stored_issued_file(document, file_format)
        if stored is None:
            raise
        return stored
    return content

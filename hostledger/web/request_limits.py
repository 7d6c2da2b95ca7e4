"""Request size limits that depend on provider settings of other apps (read by
``hostledger.core.middleware.RequestBodyLimitMiddleware`` through Django settings)."""

from __future__ import annotations

from hostledger.core.registry import setting_value
from hostledger.ledger.conf import BANK_STATEMENT_MAX_BYTES
from hostledger.support.conf import ATTACHMENT_MAX_BYTES, ATTACHMENTS_PER_MESSAGE


def bank_statement_upload_limit() -> int:
    """The largest bank statement file staff may upload (``ledger.bank_statement_max_bytes``)."""
    return int(setting_value(BANK_STATEMENT_MAX_BYTES))


def ticket_upload_limit() -> int:
    """The largest ticket message with its attachments: as many files as a message may carry,
    each as large as allowed (``support.attachment_max_bytes``), base64 in the API's JSON
    included (4/3)."""
    files = max(1, int(setting_value(ATTACHMENTS_PER_MESSAGE)))
    return files * int(setting_value(ATTACHMENT_MAX_BYTES)) * 4 // 3

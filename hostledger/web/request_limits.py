"""Request size limits that depend on provider settings of other apps (read by
``hostledger.core.middleware.RequestBodyLimitMiddleware`` through Django settings)."""

from __future__ import annotations

from hostledger.core.registry import setting_value
from hostledger.ledger.conf import BANK_STATEMENT_MAX_BYTES


def bank_statement_upload_limit() -> int:
    """The largest bank statement file staff may upload (``ledger.bank_statement_max_bytes``)."""
    return int(setting_value(BANK_STATEMENT_MAX_BYTES))

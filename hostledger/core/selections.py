"""The register of bulk selections of clients, so that restriction of processing (GDPR-05) is
enforced where data is selected, not page by page.

Every function that selects clients in bulk for some processing is decorated with
:func:`client_selection`, naming what the selection is for. Selections for marketing,
announcements other than legal notices, exports to processors and statistics must leave
restricted clients out (``hostledger.privacy.selectors.exclude_restricted`` or
``unrestricted_client_sql``); selections that carry out the contract or the law (invoices,
payment reminders, legal notices) name that purpose and the reason instead. A test walks every
module of HostLedger, fails on a function that selects clients in bulk without being
registered, and runs every restricted-purpose selection against a restricted client.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


class SelectionPurpose:
    """What a bulk selection of clients is for."""

    MARKETING = "marketing"
    ANNOUNCEMENT = "announcement"  # announcements other than legal notices
    PROCESSOR_EXPORT = "processor_export"
    STATISTICS = "statistics"
    CONTRACT = "contract"  # invoices, renewals, reminders: carrying out the contract
    LEGAL_NOTICE = "legal_notice"  # changes of terms and policies, notices the law requires

    RESTRICTED = frozenset({MARKETING, ANNOUNCEMENT, PROCESSOR_EXPORT, STATISTICS})
    """Purposes from which a restricted client is left out (GDPR-05)."""


@dataclass(frozen=True)
class ClientSelection:
    name: str
    purpose: str
    reason: str
    function: Callable


_SELECTIONS: dict[str, ClientSelection] = {}


def client_selection(purpose: str, reason: str = "") -> Callable[[Callable], Callable]:
    """Register the decorated function as a bulk selection of clients for ``purpose``; a
    selection that is not left to restriction (contract, legal notice) says why."""
    if purpose not in {
        SelectionPurpose.MARKETING,
        SelectionPurpose.ANNOUNCEMENT,
        SelectionPurpose.PROCESSOR_EXPORT,
        SelectionPurpose.STATISTICS,
        SelectionPurpose.CONTRACT,
        SelectionPurpose.LEGAL_NOTICE,
    }:
        raise ValueError(f"Unknown selection purpose {purpose!r}.")
    if purpose not in SelectionPurpose.RESTRICTED and not reason:
        raise ValueError("A selection that includes restricted clients must say why.")

    def decorator(function: Callable) -> Callable:
        name = f"{function.__module__}.{function.__qualname__}"
        _SELECTIONS[name] = ClientSelection(name, purpose, reason, function)
        function.client_selection_purpose = purpose
        return function

    return decorator


def client_selections() -> dict[str, ClientSelection]:
    """Every registered selection by its dotted name."""
    return dict(_SELECTIONS)

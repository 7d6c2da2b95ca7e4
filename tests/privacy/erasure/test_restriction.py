"""Restriction of processing (GDPR-05), enforced where data is selected: every bulk selection
of clients in the code base is registered with its purpose, and every selection for
marketing, announcements other than legal notices, exports to processors and statistics is
run here against a restricted client and must leave it out."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from datetime import date

import pytest

import hostledger
from hostledger.accounts.models import Client
from hostledger.core.errors import DomainError
from hostledger.core.models import AuditEvent
from hostledger.core.selections import SelectionPurpose, client_selections
from hostledger.flows.privacy_erasure import client_erase
from hostledger.notifications.actions import announcement_create, announcement_publish
from hostledger.notifications.models import ConsentState, Notification
from hostledger.privacy.actions import processing_restriction_lift, processing_restriction_start
from hostledger.privacy.models import MarketingConsent, ProcessingRestriction, RestrictionReason
from hostledger.privacy.selectors import client_is_restricted, exclude_restricted
from tests.metering.factories import paid_vps
from tests.privacy.erasure.conftest import privacy_officer
from tests.subscriptions.factories import build_catalog, new_client, new_payer

SELECTS_CLIENTS_IN_BULK = re.compile(
    r"notifications_enqueue_select\(|GROUP BY \w+\.client_id|values_list\(\"client_id\"|"
    r"values\(\"client_id\"\)"
)
"""What a function that selects clients in bulk looks like in this code base."""

BULK_MODULE_NAMES = ("bulk", "statistics", "exports", "selections")
"""Modules whose public functions are bulk selections by their name."""

_BUILDING_BLOCK = "runs a selection its registered caller writes, or names restricted clients"
_ONE_CLIENT = "finds one client that staff look for; processes no set of clients"
_OWN_EXPORT = "one client's own export of its data, asked for by that client (GDPR-02)"
_FILE_FORMAT = "writes rows a staff list or report already selected into a CSV or XLSX file"
NOT_SELECTIONS = {
    "hostledger.provisioning.bulk.operations_queue_select": _BUILDING_BLOCK,
    "hostledger.provisioning.bulk.operations_hand_over": _BUILDING_BLOCK,
    "hostledger.web.exports.csv_bytes": _FILE_FORMAT,
    "hostledger.web.exports.xlsx_bytes": _FILE_FORMAT,
    "hostledger.web.exports.table_response": _FILE_FORMAT,
    "hostledger.notifications.bulk.notifications_enqueue_select": _BUILDING_BLOCK,
    "hostledger.notifications.bulk.random_public_id_sql": _BUILDING_BLOCK,
    "hostledger.notifications.actions.announcements._audience_select": _BUILDING_BLOCK,
    "hostledger.privacy.selectors.restricted_client_ids": _BUILDING_BLOCK,
    "hostledger.privacy.selectors.legally_held_client_ids": _BUILDING_BLOCK,
    "hostledger.core.selections.client_selection": _BUILDING_BLOCK,
    "hostledger.core.selections.client_selections": _BUILDING_BLOCK,
    "hostledger.accounts.selectors.restricted_clients_sql": _BUILDING_BLOCK,
    "hostledger.accounts.selectors._clients_by_tokens": _ONE_CLIENT,
    "hostledger.invoicing.selectors.client_id_lookups_by_invoice_number": _ONE_CLIENT,
    "hostledger.subscriptions.selectors.client_id_lookups_by_number": _ONE_CLIENT,
    "hostledger.subscriptions.selectors.client_id_lookups_by_order_number": _ONE_CLIENT,
    "hostledger.subscriptions.selectors.client_id_lookups_by_host_name": _ONE_CLIENT,
    "hostledger.privacy.exports.client_export": _OWN_EXPORT,
    "hostledger.privacy.exports.client_exports": _OWN_EXPORT,
    "hostledger.privacy.exports.export_file_name": _OWN_EXPORT,
    "hostledger.privacy.export_build.exports_dir": _OWN_EXPORT,
    "hostledger.privacy.export_build.personal_data_export_build": _OWN_EXPORT,
    "hostledger.privacy.exports.personal_data_export_open": _OWN_EXPORT,
    "hostledger.privacy.exports.personal_data_export_start": _OWN_EXPORT,
    "hostledger.privacy.exports.personal_data_exports_expire": _OWN_EXPORT,
    "hostledger.privacy.export_build.portable_part": _OWN_EXPORT,
    "hostledger.ledger.actions.topups._record_event": "the client of one gateway event",
    "hostledger.ledger.selectors.verify_balances": "bookkeeping integrity check, no personal data",
}
"""Functions that look like bulk selections of clients and are not, each with the reason."""


def _functions_of_the_code_base():
    for info in pkgutil.walk_packages(hostledger.__path__, "hostledger."):
        if ".migrations" in info.name or ".management" in info.name or info.name.endswith(".cli"):
            continue
        module = importlib.import_module(info.name)
        for function in vars(module).values():
            if inspect.isfunction(function) and function.__module__ == module.__name__:
                yield module, function


def _selects_clients_in_bulk(module, function) -> bool:
    if module.__name__.rsplit(".", 1)[-1] in BULK_MODULE_NAMES:
        return not function.__name__.startswith("_")
    try:
        source = inspect.getsource(inspect.unwrap(function))
    except (OSError, TypeError):
        return False
    body = source.split(":", 1)[-1]
    return bool(SELECTS_CLIENTS_IN_BULK.search(body))


def test_every_bulk_selection_of_clients_is_registered_with_its_purpose__GDPR_05(db):
    """A new function that selects clients in bulk fails here until it is registered with
    ``@client_selection(purpose)`` (and, for a restricted purpose, proved below)."""
    candidates = [
        f"{function.__module__}.{function.__qualname__}"
        for module, function in _functions_of_the_code_base()
        if _selects_clients_in_bulk(module, function)
    ]
    registered = client_selections()  # complete now that every module is imported
    unregistered = sorted(
        name for name in candidates if name not in registered and name not in NOT_SELECTIONS
    )
    assert unregistered == []
    for selection in registered.values():
        assert selection.purpose in SelectionPurpose.RESTRICTED or selection.reason


@pytest.fixture
def audience(db, django_capture_on_commit_callbacks):
    """Two clients with a live VPS and a confirmed marketing consent; the first restricted."""
    shop = build_catalog()
    clients = []
    for _ in range(2):
        client = new_client()
        with django_capture_on_commit_callbacks(execute=True):
            paid_vps(client, new_payer(client), shop)
        MarketingConsent.objects.create(
            client=client,
            channel="email",
            state=ConsentState.CONFIRMED,
            source="client_area",
            wording_version="1",
            changed_at=client.created_at,
        )
        clients.append(client)
    staff = privacy_officer()
    processing_restriction_start(
        client=clients[0], reason=RestrictionReason.REQUESTED, note="By letter.", actor=staff
    )
    return clients[0], clients[1], staff


def _announced_to(kind: str, staff) -> set[int]:
    announcement = announcement_create(
        kind=kind,
        subject=f"A {kind}",
        body="Text.",
        audience="all",
        effective_on=date(2027, 4, 1),
        actor=staff,
    )
    announcement_publish(announcement=announcement, actor=staff)
    return set(
        Notification.objects.filter(announcement=announcement).values_list("client_id", flat=True)
    )


def _probe_announcements(restricted, free, staff):
    """Marketing and maintenance leave the restricted client out; a change of terms (a
    legal notice) reaches it."""
    assert _announced_to("marketing", staff) == {free.pk}
    assert _announced_to("maintenance", staff) == {free.pk}
    assert _announced_to("policy_change", staff) == {restricted.pk, free.pk}


PROOFS = {
    "hostledger.notifications.actions.announcements.announcement_publish": _probe_announcements,
}
"""How each selection for a restricted purpose is run against a restricted client."""


def test_every_selection_for_a_restricted_purpose_leaves_restricted_clients_out__GDPR_05(
    audience,
):
    restricted, free, staff = audience
    selections = {
        name
        for name, selection in client_selections().items()
        if selection.purpose in SelectionPurpose.RESTRICTED
    }
    assert selections == set(PROOFS), "each restricted-purpose selection needs its proof here"
    for name in sorted(selections):
        PROOFS[name](restricted, free, staff)


def test_restricting_and_lifting_is_audited_and_told_to_the_client__GDPR_05(audience):
    restricted, free, staff = audience
    restriction = ProcessingRestriction.objects.get(client=restricted)
    assert client_is_restricted(restricted) and not client_is_restricted(free)
    assert list(
        exclude_restricted(Client.objects.filter(pk__in=[restricted.pk, free.pk]), "id")
    ) == [free]
    told = Notification.objects.filter(client=restricted, event="processing_restricted")
    assert told.count() == 1
    assert AuditEvent.objects.filter(
        action="privacy.processing_restricted", subject_client_id=restricted.pk
    ).exists()

    with pytest.raises(DomainError) as twice:
        processing_restriction_start(
            client=restricted, reason=RestrictionReason.REQUESTED, note="Again.", actor=staff
        )
    assert twice.value.code == "already_restricted"
    assert ProcessingRestriction.objects.filter(client=restricted).count() == 1

    with pytest.raises(DomainError) as no_reason:
        processing_restriction_lift(restriction=restriction, note=" ", actor=staff)
    assert no_reason.value.fields == {"note": "required"}
    assert client_is_restricted(restricted)

    processing_restriction_lift(restriction=restriction, note="Accuracy confirmed.", actor=staff)
    assert not client_is_restricted(restricted)
    assert Notification.objects.filter(
        client=restricted, event="processing_restriction_lifted"
    ).exists()
    assert AuditEvent.objects.filter(action="privacy.processing_restriction_lifted").count() == 1


def test_a_restriction_held_after_erasure_cannot_be_lifted_by_hand__GDPR_05(rich):
    client_erase(client=rich.client, actor=rich.staff)
    restriction = ProcessingRestriction.objects.get(client=rich.client)
    with pytest.raises(DomainError) as refused:
        processing_restriction_lift(restriction=restriction, note="Done.", actor=rich.staff)
    assert refused.value.code == "held_data"
    restriction.refresh_from_db()
    assert restriction.lifted_at is None

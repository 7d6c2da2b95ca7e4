"""Payers: the billing identities of a client, one of them the default (ACC-04)."""

from __future__ import annotations

import pytest

from hostledger.accounts import actions
from hostledger.accounts.models import Payer
from hostledger.accounts.selectors import client_access
from hostledger.core.errors import DomainError, NotFound
from hostledger.core.models import AuditEvent
from tests.accounts.conftest import make_client_user

COMPANY = {
    "kind": "legal",
    "name": "Tamme Talu OÜ",
    "registry_code": "12345678",
    "vat_number": "EE 102 329 731",
    "street": "Rüütli 3",
    "city": "Tartu",
    "postal_code": "51007",
    "country": "EE",
    "invoice_email": "arved@tammetalu.example",
}


def _payer_state(client) -> list[tuple]:
    return list(
        Payer.objects.filter(client=client)
        .order_by("id")
        .values_list("public_id", "is_default", "archived_at", "name")
    )


def test_registration_makes_the_first_payer_the_default__ACC_04(owner_client):
    (payer,) = owner_client.payers.all()
    assert payer.is_default is True
    assert payer.kind == "natural"
    assert payer.name == "Jaan Tamm"
    assert payer.street == "Pikk 1"
    assert payer.city == "Tartu"
    assert payer.postal_code == "51003"
    assert payer.country == "EE"
    assert payer.invoice_email == "owner@example.com"
    assert payer.archived_at is None


def test_client_has_several_payers_and_one_default__ACC_04(owner, owner_client):
    first = owner_client.payers.get()
    company = actions.payer_create(client=owner_client, actor=owner, data=COMPANY)

    assert company.is_default is False
    assert company.kind == "legal"
    assert company.name == "Tamme Talu OÜ"
    assert company.vat_number == "EE102329731"
    assert company.vat_number_format_valid is True
    assert company.invoice_email == "arved@tammetalu.example"
    first.refresh_from_db()
    assert first.is_default is True
    assert owner_client.payers.count() == 2

    chosen = actions.payer_create(
        client=owner_client, actor=owner, data={**COMPANY, "name": "Teine OÜ", "is_default": True}
    )
    assert chosen.is_default is True
    assert list(
        owner_client.payers.filter(is_default=True).values_list("public_id", flat=True)
    ) == [chosen.public_id]
    assert AuditEvent.objects.filter(action="payer.created").count() == 2


def test_update_can_move_the_default_and_keeps_history__ACC_04(owner, owner_client):
    first = owner_client.payers.get()
    company = actions.payer_create(client=owner_client, actor=owner, data=COMPANY)

    actions.payer_update(payer=company, actor=owner, data={"city": "Tallinn", "is_default": True})

    company.refresh_from_db()
    first.refresh_from_db()
    assert company.city == "Tallinn"
    assert company.is_default is True
    assert first.is_default is False
    assert [row.city for row in company.history.order_by("history_id")] == ["Tartu", "Tallinn"]
    assert [row.is_default for row in first.history.order_by("history_id")] == [True, False]
    assert company.history.latest().history_user == owner
    event = AuditEvent.objects.get(action="payer.updated")
    assert event.data == {"fields": ["city", "is_default"]}


def test_invalid_payer_is_refused_naming_fields__ACC_04(owner, owner_client):
    before = _payer_state(owner_client)
    events = AuditEvent.objects.count()

    with pytest.raises(DomainError) as refused:
        actions.payer_create(
            client=owner_client,
            actor=owner,
            data={**COMPANY, "registry_code": "", "vat_number": "EE102329732", "country": "XX"},
        )

    assert set(refused.value.fields) == {"registry_code", "vat_number", "country"}
    assert _payer_state(owner_client) == before
    assert AuditEvent.objects.count() == events


def test_archiving_the_default_moves_it_to_the_oldest_remaining__ACC_04(owner, owner_client):
    first = owner_client.payers.get()
    second = actions.payer_create(client=owner_client, actor=owner, data=COMPANY)
    third = actions.payer_create(client=owner_client, actor=owner, data={**COMPANY, "name": "C"})

    actions.payer_archive(payer=first, actor=owner)

    first.refresh_from_db()
    second.refresh_from_db()
    third.refresh_from_db()
    assert first.archived_at is not None
    assert first.is_default is False
    assert second.is_default is True
    assert third.is_default is False
    access = client_access(owner)
    assert [payer.public_id for payer in access.payers()] == [second.public_id, third.public_id]
    assert [payer.public_id for payer in access.payers(include_archived=True)] == [
        first.public_id,
        second.public_id,
        third.public_id,
    ]
    assert (
        AuditEvent.objects.filter(action="payer.archived", object_id=first.public_id).count() == 1
    )


def test_archiving_another_payer_keeps_the_default__ACC_04(owner, owner_client):
    first = owner_client.payers.get()
    second = actions.payer_create(client=owner_client, actor=owner, data=COMPANY)

    actions.payer_archive(payer=second, actor=owner)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.is_default is True
    assert second.archived_at is not None
    assert second.is_default is False


def test_last_payer_cannot_be_archived__ACC_04(owner, owner_client):
    first = owner_client.payers.get()
    second = actions.payer_create(client=owner_client, actor=owner, data=COMPANY)
    actions.payer_archive(payer=first, actor=owner)
    before = _payer_state(owner_client)
    events = AuditEvent.objects.count()

    with pytest.raises(DomainError) as refused:
        actions.payer_archive(payer=second, actor=owner)

    assert refused.value.code == "last_payer"
    assert _payer_state(owner_client) == before
    second.refresh_from_db()
    assert second.archived_at is None
    assert second.is_default is True
    assert AuditEvent.objects.count() == events


def test_archiving_twice_changes_nothing__ACC_04(owner, owner_client):
    second = actions.payer_create(client=owner_client, actor=owner, data=COMPANY)
    actions.payer_archive(payer=second, actor=owner)
    before = _payer_state(owner_client)
    events = AuditEvent.objects.count()

    actions.payer_archive(payer=Payer.objects.get(pk=second.pk), actor=owner)

    assert _payer_state(owner_client) == before
    assert AuditEvent.objects.count() == events


def test_archived_payer_cannot_be_changed__ACC_04(owner, owner_client):
    second = actions.payer_create(client=owner_client, actor=owner, data=COMPANY)
    actions.payer_archive(payer=second, actor=owner)
    before = _payer_state(owner_client)

    with pytest.raises(DomainError) as refused:
        actions.payer_update(payer=second, actor=owner, data={"name": "Uus nimi"})

    assert refused.value.code == "payer_archived"
    assert _payer_state(owner_client) == before


def test_another_clients_payer_is_not_found__ACC_04(owner, owner_client):
    stranger = make_client_user("stranger@example.com")
    foreign = stranger.client.payers.get()

    with pytest.raises(NotFound):
        client_access(owner).payer(foreign.public_id)
    assert client_access(stranger).payer(foreign.public_id) == foreign

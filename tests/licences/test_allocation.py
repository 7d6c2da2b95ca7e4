"""A key belongs to one service at a time: allocation takes a free key of the product, is
idempotent per service, exchanges the key on a plan change, and gives it back; retired keys
are never handed out; the history is append-only (PRV-01; seed 003, annex 9)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import IntegrityError, connection, transaction

from hostledger.core.errors import DomainError, PermissionDenied
from hostledger.core.models import AuditEvent
from hostledger.licences import actions, selectors
from hostledger.licences.models import (
    AppendOnlyError,
    LicenceEventKind,
    LicenceKey,
    LicenceKeyEvent,
    LicenceKeyStatus,
)
from tests.subscriptions.factories import new_staff

PRODUCT = "windows-server-std"


def _history() -> list[tuple]:
    return list(
        LicenceKeyEvent.objects.order_by("id").values_list(
            "key__public_id", "kind", "service_public_id", "client_public_id"
        )
    )


@pytest.mark.django_db
def test_two_services_never_get_the_same_key_and_each_keeps_its_own__PRV_01(stock):
    keys = stock(PRODUCT, 3)

    first = actions.key_allocate(product_code=PRODUCT, service_id="svc_a", client_id="cli_a")
    second = actions.key_allocate(product_code=PRODUCT, service_id="svc_b", client_id="cli_b")
    again = actions.key_allocate(product_code=PRODUCT, service_id="svc_a", client_id="cli_a")

    assert first.pk != second.pk
    assert again.pk == first.pk  # a call delivered twice gets the same key
    assert [first.key_text, second.key_text] == keys[:2]  # oldest free key first
    assert (first.status, first.service_public_id, first.client_public_id) == (
        LicenceKeyStatus.ALLOCATED,
        "svc_a",
        "cli_a",
    )
    assert selectors.key_held_by("svc_b") == second
    assert selectors.allocated_keys_count() == 2
    assert _history() == [
        (first.public_id, LicenceEventKind.ALLOCATED, "svc_a", "cli_a"),
        (second.public_id, LicenceEventKind.ALLOCATED, "svc_b", "cli_b"),
    ]


@pytest.mark.django_db
def test_an_empty_pool_and_an_unknown_product_are_told_apart__PRV_02(stock):
    stock(PRODUCT, 1)
    actions.key_allocate(product_code=PRODUCT, service_id="svc_a", client_id="cli_a")
    before = _history()

    with pytest.raises(DomainError) as empty:
        actions.key_allocate(product_code=PRODUCT, service_id="svc_b", client_id="cli_b")
    with pytest.raises(DomainError) as unknown:
        actions.key_allocate(product_code="sql-server-std", service_id="svc_b")

    assert empty.value.code == actions.POOL_EMPTY
    assert empty.value.message.startswith("No free key of product windows-server-std: upload keys")
    assert unknown.value.code == actions.PRODUCT_UNKNOWN
    assert "No licence product 'sql-server-std'" in unknown.value.message
    assert _history() == before
    assert selectors.key_held_by("svc_b") is None


@pytest.mark.django_db
def test_a_plan_change_exchanges_the_key_in_one_step__PRV_01(stock):
    stock(PRODUCT, 1)
    stock("windows-server-dc", 1)
    standard = actions.key_allocate(product_code=PRODUCT, service_id="svc_a", client_id="cli_a")

    datacenter = actions.key_allocate(
        product_code="windows-server-dc", service_id="svc_a", client_id="cli_a"
    )

    standard.refresh_from_db()
    assert datacenter.product.code == "windows-server-dc"
    assert (standard.status, standard.service_public_id) == (LicenceKeyStatus.AVAILABLE, "")
    assert selectors.key_held_by("svc_a") == datacenter
    assert [kind for _, kind, _, _ in _history()] == ["allocated", "released", "allocated"]


@pytest.mark.django_db
def test_a_plan_change_to_an_empty_product_keeps_the_old_key__PRV_01(stock):
    stock(PRODUCT, 1)
    stock("windows-server-dc", 1)
    actions.key_allocate(product_code="windows-server-dc", service_id="svc_x")
    held = actions.key_allocate(product_code=PRODUCT, service_id="svc_a", client_id="cli_a")
    before = _history()

    with pytest.raises(DomainError) as refused:
        actions.key_allocate(product_code="windows-server-dc", service_id="svc_a")

    assert refused.value.code == actions.POOL_EMPTY
    assert selectors.key_held_by("svc_a") == held
    assert _history() == before


@pytest.mark.django_db
def test_a_released_key_goes_back_to_the_pool_once__PRV_01(stock):
    stock(PRODUCT, 1)
    key = actions.key_allocate(product_code=PRODUCT, service_id="svc_a", client_id="cli_a")

    released = actions.key_release(service_id="svc_a")
    again = actions.key_release(service_id="svc_a")

    assert released.pk == key.pk and again is None
    key.refresh_from_db()
    assert (key.status, key.service_public_id, key.client_public_id) == ("available", "", "")
    assert key.released_at is not None
    assert _history()[-1] == (key.public_id, LicenceEventKind.RELEASED, "svc_a", "cli_a")
    reused = actions.key_allocate(product_code=PRODUCT, service_id="svc_b", client_id="cli_b")
    assert reused.pk == key.pk


@pytest.mark.django_db
def test_retired_keys_are_never_handed_out__PRV_01(stock, key_manager):
    stock(PRODUCT, 2)
    product = selectors.product_by_code(PRODUCT)
    first, second = selectors.product_keys(product)

    actions.key_retire(key=first, actor=key_manager, reason="Revoked by the licensor.")
    taken = actions.key_allocate(product_code=PRODUCT, service_id="svc_a")
    with pytest.raises(DomainError):
        actions.key_allocate(product_code=PRODUCT, service_id="svc_b")

    assert taken.pk == second.pk
    first.refresh_from_db()
    assert first.status == LicenceKeyStatus.RETIRED and first.retired_at is not None
    with pytest.raises(DomainError) as twice:
        actions.key_retire(key=first, actor=key_manager, reason="Again.")
    assert twice.value.code == "key_retired"
    event = AuditEvent.objects.get(action="licences.key_retired")
    assert event.data["reason"] == "Revoked by the licensor."
    assert first.key_text not in str(event.data)


@pytest.mark.django_db
def test_staff_retiring_an_allocated_key_release_it_from_its_service__PRV_01(stock, key_manager):
    stock(PRODUCT, 1)
    key = actions.key_allocate(product_code=PRODUCT, service_id="svc_a", client_id="cli_a")

    actions.key_retire(key=key, actor=key_manager, reason="Leaked on a forum.")

    key.refresh_from_db()
    assert (key.status, key.service_public_id) == (LicenceKeyStatus.RETIRED, "")
    assert selectors.key_held_by("svc_a") is None
    assert [kind for _, kind, _, _ in _history()] == ["allocated", "released", "retired"]
    assert LicenceKeyEvent.objects.get(kind="retired").actor == key_manager


@pytest.mark.django_db
def test_retiring_needs_services_manage_and_a_reason__ACC_11(stock, key_manager):
    stock(PRODUCT, 1)
    key = LicenceKey.objects.get()
    actions.key_allocate(product_code=PRODUCT, service_id="svc_a")
    before = _history()
    for actor in (None, new_staff("clients.view")):
        with pytest.raises(PermissionDenied):
            actions.key_retire(key=key, actor=actor, reason="Because.")
        with pytest.raises(PermissionDenied):
            actions.key_release(service_id="svc_a", retire=True, actor=actor, reason="Because.")
    with pytest.raises(DomainError) as no_reason:
        actions.key_retire(key=key, actor=key_manager, reason="  ")
    assert no_reason.value.fields == {"reason": "This field is required."}
    assert _history() == before


@pytest.mark.django_db
def test_the_database_refuses_a_second_key_for_one_service__PRV_01(stock):
    stock(PRODUCT, 2)
    actions.key_allocate(product_code=PRODUCT, service_id="svc_a")
    other = LicenceKey.objects.get(status=LicenceKeyStatus.AVAILABLE)
    other.status, other.service_public_id = LicenceKeyStatus.ALLOCATED, "svc_a"
    with pytest.raises(IntegrityError), transaction.atomic():
        other.save()


@pytest.mark.django_db
def test_the_allocation_history_is_append_only__PRV_01(stock):
    stock(PRODUCT, 1)
    actions.key_allocate(product_code=PRODUCT, service_id="svc_a")
    event = LicenceKeyEvent.objects.get()
    event.service_public_id = "svc_other"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert LicenceKeyEvent.objects.get().service_public_id == "svc_a"


# Concurrent allocations on PostgreSQL ---------------------------------------------------------


def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (SQLite serialises writers by itself)")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_allocation_skips_a_key_another_transaction_holds_locked__PRV_01(key_manager):
    """While one allocation still holds its key locked (not committed), another takes the
    next free key at once instead of waiting (FOR UPDATE SKIP LOCKED), and never the same."""
    _needs_postgres()
    actions.keys_upload(
        actor=key_manager,
        product_code=PRODUCT,
        text="AAAAA-11111-K7Q2M\nBBBBB-22222-K7Q2M\n",
    )
    holding, finish = threading.Event(), threading.Event()
    taken: dict[str, str] = {}

    def first_allocation() -> None:
        try:
            with transaction.atomic():
                taken["first"] = actions.key_allocate(
                    product_code=PRODUCT, service_id="svc_first"
                ).public_id
                holding.set()
                assert finish.wait(timeout=30), "the second allocation never finished"
        finally:
            connection.close()

    def second_allocation() -> None:
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '5s'")  # a wait fails the test
                taken["second"] = actions.key_allocate(
                    product_code=PRODUCT, service_id="svc_second"
                ).public_id
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(first_allocation)
        assert holding.wait(timeout=30)
        pool.submit(second_allocation).result(timeout=30)
        assert not first.done()  # the first transaction was still open
        finish.set()
        first.result(timeout=30)

    assert taken["first"] != taken["second"]
    assert dict(
        LicenceKey.objects.filter(status=LicenceKeyStatus.ALLOCATED).values_list(
            "public_id", "service_public_id"
        )
    ) == {taken["first"]: "svc_first", taken["second"]: "svc_second"}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_many_concurrent_allocations_share_no_key_and_the_pool_runs_out_cleanly__PRV_01(
    key_manager,
):
    """Ten threads at once, each allocating for its own service and delivering the call
    twice, on a pool of eight keys: eight services get eight different keys, two find the
    pool empty, and every service holds at most one key."""
    _needs_postgres()
    actions.keys_upload(
        actor=key_manager,
        product_code=PRODUCT,
        text="\n".join(f"KEY{number:02d}-K7Q2M-9PX4T" for number in range(8)),
    )
    start = threading.Barrier(10)

    def allocate(number: int) -> tuple[str, str]:
        try:
            start.wait(timeout=30)
            service = f"svc_{number:02d}"
            try:
                first = actions.key_allocate(product_code=PRODUCT, service_id=service)
                again = actions.key_allocate(product_code=PRODUCT, service_id=service)
            except DomainError as error:
                return service, error.code
            assert again.pk == first.pk
            return service, first.public_id
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = dict(pool.map(allocate, range(10)))

    given = [value for value in results.values() if value.startswith("lky_")]
    assert len(given) == 8 and len(set(given)) == 8
    assert sorted(value for value in results.values() if not value.startswith("lky_")) == [
        actions.POOL_EMPTY,
        actions.POOL_EMPTY,
    ]
    held = dict(
        LicenceKey.objects.filter(status=LicenceKeyStatus.ALLOCATED).values_list(
            "service_public_id", "public_id"
        )
    )
    assert held == {service: key for service, key in results.items() if key.startswith("lky_")}
    assert LicenceKeyEvent.objects.filter(kind=LicenceEventKind.ALLOCATED).count() == 8

"""Licence services through the real order, provisioning, plan change and termination flows:
the ``licences`` module hands a paid service a key, keeps it while the service is suspended,
exchanges it on a plan change and takes it back when the service ends (CAT-01, PRV-01,
PRV-02; seed 003, annex 9)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from hostledger.licences import actions, selectors
from hostledger.licences.models import LicenceEventKind, LicenceKeyEvent, LicenceKeyStatus
from hostledger.provisioning.access import access_details
from hostledger.provisioning.actions import provisioning_operations_sweep
from hostledger.provisioning.models import ProvisioningOperation
from hostledger.provisioning.modules.interface import Operation
from hostledger.provisioning.selectors import operations_for_staff
from hostledger.subscriptions.actions import (
    service_plan_change,
    service_resume,
    service_suspend,
    service_terminate,
)
from hostledger.subscriptions.models import ServiceStatus
from tests.catalog_helpers import create_published_tariff
from tests.subscriptions.factories import TODAY, new_payer

PRODUCT = "windows-server-std"
Status = ProvisioningOperation.Status
pytestmark = pytest.mark.django_db


def _operation(service, operation: Operation) -> ProvisioningOperation:
    return ProvisioningOperation.objects.get(service=service, operation=operation)


def _history(service) -> list[str]:
    return list(
        LicenceKeyEvent.objects.filter(service_public_id=service.public_id)
        .order_by("id")
        .values_list("kind", flat=True)
    )


def test_a_paid_licence_gets_a_key_and_gives_it_back_when_terminated__CAT_01_PRV_01(
    stock, licence_order, staff, run_hooks
):
    keys = stock(PRODUCT, 2)

    service = licence_order()

    service.refresh_from_db()
    create = _operation(service, Operation.CREATE)
    held = selectors.key_held_by(service.public_id)
    assert create.status == Status.DONE, create.message
    assert service.status == ServiceStatus.ACTIVE
    assert held.key_text == keys[0]
    assert held.client_public_id == service.client.public_id
    assert service.module_service_id == held.public_id
    assert service.module_data == {"product": PRODUCT}
    for kept in (create.message, str(service.module_data)):  # the key is a credential
        assert keys[0] not in kept
    assert access_details(service) == {"licence_key": keys[0]}  # kept encrypted for the client

    run_hooks(service_terminate, service=service, actor=staff, reason="Contract ended.")

    terminate = _operation(service, Operation.TERMINATE)
    assert terminate.status == Status.DONE, terminate.message
    assert selectors.key_held_by(service.public_id) is None
    held.refresh_from_db()
    assert (held.status, held.service_public_id) == (LicenceKeyStatus.AVAILABLE, "")
    assert _history(service) == [LicenceEventKind.ALLOCATED, LicenceEventKind.RELEASED]
    assert access_details(service) == {}
    assert selectors.allocated_keys_count() == 0


def test_two_ordered_licences_hold_different_keys__PRV_01(stock, licence_order, other_client):
    stock(PRODUCT, 2)
    first = licence_order()
    second = licence_order(client=other_client, client_payer=new_payer(other_client))

    first_key = selectors.key_held_by(first.public_id)
    second_key = selectors.key_held_by(second.public_id)
    assert first_key.pk != second_key.pk
    assert second_key.client_public_id == other_client.public_id


def test_a_suspended_licence_keeps_its_key__PRV_01(stock, licence_order, staff, run_hooks):
    stock(PRODUCT, 1)
    service = licence_order()
    held = selectors.key_held_by(service.public_id)

    run_hooks(service_suspend, service=service, actor=staff, reason="Unpaid.", notify=False)
    run_hooks(service_resume, service=service, actor=staff, reason="Paid.", notify=False)

    for operation in (Operation.SUSPEND, Operation.RESUME):
        call = _operation(service, operation)
        assert call.status == Status.DONE and call.message.startswith("Nothing to do")
    assert selectors.key_held_by(service.public_id) == held
    assert _history(service) == [LicenceEventKind.ALLOCATED]


def test_an_empty_pool_waits_in_the_staff_queue_until_keys_are_uploaded__PRV_02(
    stock, licence_order, key_manager, run_hooks
):
    stock(PRODUCT, 1)
    actions.key_allocate(product_code=PRODUCT, service_id="svc_elsewhere")

    service = licence_order()

    create = _operation(service, Operation.CREATE)
    assert create.status == Status.RETRYING
    assert create.retry_can_help is True
    assert create.message.startswith(
        "No free key of product windows-server-std: upload keys in the staff area"
    )
    assert create in operations_for_staff(status=Status.RETRYING)

    stock(PRODUCT, 1)
    ProvisioningOperation.objects.filter(pk=create.pk).update(next_attempt_at=timezone.now())
    assert run_hooks(provisioning_operations_sweep) == 1

    create.refresh_from_db()
    service.refresh_from_db()
    assert create.status == Status.DONE, create.message
    assert service.status == ServiceStatus.ACTIVE
    assert service.module_service_id == selectors.key_held_by(service.public_id).public_id


def test_a_tariff_without_a_pool_fails_for_staff_without_retries__PRV_02(licence_order):
    service = licence_order()

    create = _operation(service, Operation.CREATE)
    assert create.status == Status.FAILED
    assert create.retry_can_help is False
    assert "No licence product 'windows-server-std' is defined" in create.message
    assert create.next_attempt_at is None


def test_a_plan_change_exchanges_the_key_for_one_of_the_new_product__PRV_01_ORD_04(
    stock, licence_order, shop, client_record, django_capture_on_commit_callbacks
):
    stock(PRODUCT, 1)
    datacenter_keys = stock("windows-server-datacenter", 1)
    datacenter = create_published_tariff(
        family=shop.licence,
        code="windows-server-datacenter",
        name="Windows Server Datacenter",
        monthly_fee="58.00",
    )
    service = licence_order()
    standard = selectors.key_held_by(service.public_id)

    with django_capture_on_commit_callbacks(execute=True):
        service_plan_change(
            service=service, tariff=datacenter, actor=client_record.owner, today=TODAY
        )

    change = ProvisioningOperation.objects.get(service=service, operation=Operation.CHANGE_PLAN)
    assert change.status == Status.DONE, change.message
    exchanged = selectors.key_held_by(service.public_id)
    assert exchanged.key_text == datacenter_keys[0]
    standard.refresh_from_db()
    assert standard.status == LicenceKeyStatus.AVAILABLE
    service.refresh_from_db()
    assert service.module_service_id == exchanged.public_id
    assert service.module_data == {"product": "windows-server-datacenter"}
    assert _history(service) == ["allocated", "released", "allocated"]

"""What the ``licences`` module answers (PRV-01, PRV-02): the key only in ``access``, the
product in ``module_data``, and failures that say whether a retry can help."""

from __future__ import annotations

import pytest

from hostledger.core.errors import DomainError
from hostledger.core.registry import provider_setting_change
from hostledger.licences import selectors
from hostledger.licences.actions import key_allocate
from hostledger.licences.conf import TARIFF_PRODUCTS
from hostledger.provisioning.modules import registry
from hostledger.provisioning.modules.interface import (
    Operation,
    Outcome,
    ServiceRequest,
    capabilities_of,
)

pytestmark = pytest.mark.django_db


def request(operation: Operation, *, tariff: str = "windows-server-std", **changes):
    return ServiceRequest(
        operation=operation,
        operation_key="pop_module0000000000",
        service_id="svc_module000000000",
        client_id="cli_module000000000",
        family="licence",
        tariff=tariff,
        changes=changes,
    )


@pytest.fixture
def module():
    return registry.get_module("licences")


def test_the_key_is_answered_in_access_only__PRV_01(module, stock):
    keys = stock("windows-server-std", 2)

    result = module.create(request(Operation.CREATE))
    again = module.create(request(Operation.CREATE))

    assert result.outcome == again.outcome == Outcome.DONE
    assert result.access == again.access == {"licence_key": keys[0]}
    held = selectors.key_held_by("svc_module000000000")
    assert result.module_service_id == again.module_service_id == held.public_id
    assert result.module_data == {"product": "windows-server-std"}
    assert keys[0] not in result.message and keys[0] not in repr(result)
    assert capabilities_of(module, request(Operation.CREATE)) == frozenset()


def test_a_tariff_draws_from_the_product_the_setting_names__CAT_01(module, stock):
    keys = stock("windows-server", 1)
    provider_setting_change(
        key=TARIFF_PRODUCTS, raw_value="windows-server-std=windows-server, other=windows-server"
    )

    result = module.create(request(Operation.CREATE))

    assert result.outcome == Outcome.DONE, result.message
    assert result.access == {"licence_key": keys[0]}
    assert selectors.tariff_products() == {
        "windows-server-std": "windows-server",
        "other": "windows-server",
    }


def test_an_empty_pool_can_be_retried_an_unknown_product_cannot__PRV_02(module, stock):
    stock("windows-server-std", 1)
    module.create(request(Operation.CREATE))

    empty = module.create(
        ServiceRequest(
            operation=Operation.CREATE,
            operation_key="pop_module0000000001",
            service_id="svc_module000000001",
            client_id="cli_module000000000",
            family="licence",
            tariff="windows-server-std",
        )
    )
    unknown = module.create(request(Operation.CREATE, tariff="sql-server-std"))

    assert (empty.outcome, empty.retry_can_help) == (Outcome.FAILED, True)
    assert empty.message.startswith("No free key of product windows-server-std: upload keys")
    assert (unknown.outcome, unknown.retry_can_help) == (Outcome.FAILED, False)
    assert "No licence product 'sql-server-std'" in unknown.message


def test_a_plan_change_to_a_product_without_free_keys_keeps_the_key__PRV_01(module, stock):
    keys = stock("windows-server-std", 1)
    stock("windows-server-dc", 1)
    key_allocate(product_code="windows-server-dc", service_id="svc_other")
    module.create(request(Operation.CREATE))

    result = module.change_plan(request(Operation.CHANGE_PLAN, tariff="windows-server-dc"))

    assert (result.outcome, result.retry_can_help) == (Outcome.FAILED, True)
    assert selectors.key_held_by("svc_module000000000").key_text == keys[0]


def test_a_plan_change_before_any_key_leaves_it_to_the_create_call__PRV_01(module, stock):
    stock("windows-server-std", 1)

    result = module.change_plan(request(Operation.CHANGE_PLAN, tariff="windows-server-std"))

    assert result.outcome == Outcome.DONE and result.access is None
    assert selectors.allocated_keys_count() == 0


def test_the_setting_refuses_what_is_not_tariff_product_pairs__CAT_01(db):
    for wrong in ("windows-server-std", "a=b=c", "Windows=x", "a=x,a=y"):
        with pytest.raises(DomainError) as refused:
            provider_setting_change(key=TARIFF_PRODUCTS, raw_value=wrong)
        assert TARIFF_PRODUCTS in refused.value.fields

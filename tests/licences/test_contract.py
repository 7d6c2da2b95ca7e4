"""The ``licences`` module passes the contract of every provisioning module (PRV-01, PRV-02)
against its real backend: the pool of keys in the test database.

The contract's two failures mean, for a pool of licence keys:

- ``inject("timeout")`` — a temporary failure a retry cures. A pool has no network to time
  out and an artificial database lock timeout would prove nothing, so the temporary failure
  is the one that really happens: the product's pool runs dry (every free key is retired).
  The create fails with "no free key of product …: upload keys" and ``retry_can_help=True``.
  Then the member of staff who watches the provisioning queue uploads keys; this backend
  plays that person at the moment the retried call is handed to a worker (Django's
  ``task_enqueued`` signal), so the contract's retry builds the service as it would in
  production after the upload.
- ``inject("refusal")`` — a failure no retry cures: the tariff is configured to draw from a
  product with no pool at all (``licences.tariff_products`` names an unknown product), a
  configuration error that waits for staff instead of being retried.
"""

from __future__ import annotations

import pytest
from django.tasks.signals import task_enqueued

from hostledger.core.registry import provider_setting_change
from hostledger.licences import selectors
from hostledger.licences.actions import key_retire, keys_upload
from hostledger.licences.conf import TARIFF_PRODUCTS
from hostledger.licences.models import LicenceKeyStatus
from hostledger.provisioning.modules import registry
from hostledger.provisioning.tasks import run_provisioning_operation
from hostledger.subscriptions.actions import order_place
from tests.licences.conftest import licence_keys
from tests.provisioning.contract import ModuleContract
from tests.subscriptions.factories import TODAY, fund

PRODUCT = "windows-server-std"
BIGGER_PRODUCT = "windows-server-datacenter"
UNKNOWN_PRODUCT = "windows-server-enterprise"


class KeyPool:
    """The backend of the contract: two products with keys in the test database, and the
    contract's "bigger" tariff drawing from the second (``licences.tariff_products``)."""

    def __init__(self, staff):
        self.staff = staff
        self.upload_before_retry = False
        self.upload(PRODUCT, 6)
        self.upload(BIGGER_PRODUCT, 3)
        provider_setting_change(key=TARIFF_PRODUCTS, raw_value=f"bigger={BIGGER_PRODUCT}")

    def upload(self, product: str, count: int) -> None:
        keys_upload(actor=self.staff, product_code=product, text="\n".join(licence_keys(count)))

    def resources(self) -> int:
        return selectors.allocated_keys_count()

    def inject(self, kind: str) -> None:
        if kind == "timeout":
            product = selectors.product_by_code(PRODUCT)
            for key in selectors.product_keys(product, status=LicenceKeyStatus.AVAILABLE):
                key_retire(key=key, actor=self.staff, reason="Revoked by the licensor.")
            assert selectors.pool_counts_of(product).available == 0
            self.upload_before_retry = True
        elif kind == "refusal":
            provider_setting_change(
                key=TARIFF_PRODUCTS,
                raw_value=f"windows-server-std={UNKNOWN_PRODUCT},bigger={BIGGER_PRODUCT}",
            )
        else:
            raise ValueError(kind)

    def power_state(self, request) -> str:
        raise AssertionError("the licences module declares no power control")

    def staff_upload_keys(self, sender, task_result, **kwargs) -> None:
        """Staff saw the failed call and uploaded keys before its retry ran."""
        if self.upload_before_retry and task_result.task.func is run_provisioning_operation.func:
            self.upload_before_retry = False
            self.upload(PRODUCT, 2)


class TestLicencesModuleContract(ModuleContract):
    family = "licence"
    tariff = "windows-server-std"
    specs: dict = {}
    os_image = ""
    refusal_words = ("no licence product", UNKNOWN_PRODUCT)

    @pytest.fixture
    def backend(self, key_manager):
        pool = KeyPool(key_manager)
        task_enqueued.connect(pool.staff_upload_keys)
        yield pool
        task_enqueued.disconnect(pool.staff_upload_keys)

    @pytest.fixture
    def module(self, backend):
        """The registered module; it reaches the pool of ``backend`` through the database."""
        return registry.get_module("licences")

    @pytest.fixture
    def queued_service(self, client_record, payer, shop, django_capture_on_commit_callbacks):
        """A paid one-month Windows Server Standard licence whose create call is queued."""

        def _queued(module):
            provider_setting_change(
                key="provisioning.family_modules", raw_value=f"licence={module.name}"
            )
            fund(client_record, "100.00")
            with django_capture_on_commit_callbacks(execute=False):
                placed = order_place(
                    client=client_record,
                    payer=payer,
                    tariff=shop.windows_licence,
                    period_months=1,
                    actor=client_record.owner,
                    today=TODAY,
                    start_at_once=True,
                )
            return placed.service

        return _queued

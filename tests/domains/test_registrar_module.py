"""The registrar provisioning module (PRV-01, PRV-02, DOM-02) passes the contract every module
passes, against the local registry, and renews a domain from its previous expiry exactly once
however often the call is delivered."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date

import pytest

from hostledger.domains.models import DomainStatus, RegistryOperation
from hostledger.domains.registrars.interface import RegistrarError
from hostledger.provisioning.modules import registry as modules
from hostledger.provisioning.modules.interface import Operation, Outcome, ServiceRequest
from hostledger.provisioning.modules.registrar import registrar_module
from hostledger.subscriptions.actions import order_place
from hostledger.subscriptions.models import Service
from tests.domains.conftest import ESTONIAN_ADMIN
from tests.provisioning.contract import ModuleContract, run_call
from tests.subscriptions.factories import TODAY, fund


class LocalRegistryBackend:
    """The contract's view of the local registry: domains it holds for us, faults to inject."""

    def __init__(self, registry):
        self.registry = registry

    def resources(self) -> int:
        return len(self.registry.sponsored())

    def inject(self, kind: str) -> None:
        if kind == "timeout":
            error = RegistrarError(
                "no answer from the registry within 15 s", retry_can_help=True, code="timeout"
            )
        else:
            error = RegistrarError(
                "Parameter value policy error: registrations refused",
                code="2306",
                retry_can_help=False,
            )
        self.registry.fail_next(error)

    def power_state(self, request) -> str:
        raise AssertionError("the registrar module declares no power control")


@pytest.mark.django_db
class TestRegistrarModuleContract(ModuleContract):
    family = "domain"
    tariff = "domain-ee"
    specs: dict = {"zone": "ee"}
    os_image = ""
    refusal_words = ("2306", "policy")

    @pytest.fixture(autouse=True)
    def _orders(self, place, domain_tariffs, registry, client_record):
        """Each new service id of the contract becomes a paid .ee domain order whose
        registration has not run yet."""
        self._services: dict[str, str] = {}
        self._place = place
        self._tariff = domain_tariffs.ee
        self._client = client_record
        self._registry = registry

    def request(self, operation: Operation, *, service_id: str, **overrides) -> ServiceRequest:
        if service_id not in self._services:
            # The registry's faults the test injected are for the module, not for the
            # availability check of the order that makes the service.
            faults = self._registry.take_faults()
            fund(self._client, "20.00")
            order = self._place(
                tariff=self._tariff,
                period_months=12,
                os_image=None,
                host_name=f"c{uuid.uuid4().hex[:12]}.ee",
                domain_admin=ESTONIAN_ADMIN,
                start_at_once=False,  # paid, waiting for the withdrawal period: no create ran
            )
            self._services[service_id] = order.services.get().public_id
            for fault in faults:
                self._registry.fail_next(fault)
        return super().request(operation, service_id=self._services[service_id], **overrides)

    @pytest.fixture
    def backend(self, registry):
        return LocalRegistryBackend(registry)

    @pytest.fixture
    def module(self, monkeypatch, registry):
        modules.module_names()
        return modules.get_module("registrar")

    @pytest.fixture
    def queued_service(
        self,
        client_record,
        payer,
        domain_tariffs,
        registry,
        django_capture_on_commit_callbacks,
    ):
        def _queued(module, **order):
            fund(client_record, "20.00")
            with django_capture_on_commit_callbacks(execute=False):
                placed = order_place(
                    client=client_record,
                    payer=payer,
                    tariff=domain_tariffs.ee,
                    period_months=12,
                    host_name="jarjekord.ee",
                    domain_admin=ESTONIAN_ADMIN,
                    actor=client_record.owner,
                    today=TODAY,
                    start_at_once=True,
                )
            return placed.service

        return _queued


# Renewals (DOM-02) ------------------------------------------------------------------------------


def _renewal(service: Service, *, current_expiry: str | None, key: str = "") -> ServiceRequest:
    return ServiceRequest(
        operation=Operation.RENEW,
        operation_key=key or f"pop_{uuid.uuid4().hex[:12]}",
        service_id=service.public_id,
        client_id=service.client.public_id,
        family="domain",
        tariff=service.tariff.code,
        changes={"months": 12, "current_expiry": current_expiry, "period_ends_on": "2028-02-29"},
    )


def test_a_renewal_extends_from_the_previous_expiry_once_per_key__DOM_02(order_domain, registry):
    service = order_domain("uuenda.ee").services.get()
    assert service.domain.expires_on == date(2028, 3, 1)
    call = _renewal(service, current_expiry="2028-03-01")
    first = run_call(registrar_module, call)
    assert first.outcome == Outcome.DONE, first.message
    assert first.module_data["expires_on"] == "2029-03-01"
    again = run_call(registrar_module, call)  # the same call delivered twice
    assert again.outcome == Outcome.DONE
    assert [item["to"] for item in registry.renewals("uuenda.ee")] == ["2029-03-01"]
    service.domain.refresh_from_db()
    assert service.domain.expires_on == date(2029, 3, 1)
    operation = RegistryOperation.objects.get(domain=service.domain, key=call.operation_key)
    assert operation.current_expiry == date(2028, 3, 1)
    assert operation.status == RegistryOperation.Status.DONE


def test_a_renewal_the_registry_already_made_is_not_made_again__DOM_02(order_domain, registry):
    """The first attempt renewed at the registry but its answer was lost (a worker killed):
    the retry, under a key the registry does not know, finds the expiry already past the one
    the renewal started from and renews nothing."""
    service = order_domain("kadunud.ee").services.get()
    registry.renew(
        "kadunud.ee", years=1, current_expiry=date(2028, 3, 1), operation_key="lost-attempt"
    )
    result = run_call(registrar_module, _renewal(service, current_expiry="2028-03-01"))
    assert result.outcome == Outcome.DONE
    assert "Already renewed" in result.message
    assert len(registry.renewals("kadunud.ee")) == 1
    service.domain.refresh_from_db()
    assert service.domain.expires_on == date(2029, 3, 1)


def test_a_renewal_of_a_domain_in_redemption_restores_it_first__DOM_02(
    order_domain, registry, time_machine
):
    service = order_domain("tagasi.ee").services.get()
    time_machine.move_to("2028-04-15T10:00:00+03:00", tick=False)  # 45 days after expiry
    assert "redemptionPeriod" in registry.info("tagasi.ee").statuses
    result = run_call(registrar_module, _renewal(service, current_expiry="2028-03-01"))
    assert result.outcome == Outcome.DONE, result.message
    assert registry.info("tagasi.ee").expires_on == date(2029, 3, 1)
    service.domain.refresh_from_db()
    assert service.domain.status == DomainStatus.REGISTERED


def test_a_registry_refusal_keeps_its_code_and_words__PRV_02(order_domain, registry):
    service = order_domain("keeld.ee").services.get()
    registry.fail_next(
        RegistrarError("Object status prohibits operation", code="2304", retry_can_help=False)
    )
    result = run_call(registrar_module, _renewal(service, current_expiry="2028-03-01"))
    assert result.outcome == Outcome.FAILED
    assert "2304" in result.message and "prohibits operation" in result.message
    assert result.retry_can_help is False


def test_suspension_leaves_the_registry_alone_and_termination_deletes__DOM_02(
    order_domain, registry
):
    service = order_domain("lopp.ee").services.get()
    base = _renewal(service, current_expiry=None)
    for operation in (Operation.SUSPEND, Operation.RESUME, Operation.CHANGE_PLAN):
        assert (
            run_call(registrar_module, replace(base, operation=operation)).outcome == Outcome.DONE
        )
    assert registry.info("lopp.ee").registered
    result = run_call(registrar_module, replace(base, operation=Operation.TERMINATE))
    assert result.outcome == Outcome.DONE
    assert registry.info("lopp.ee").registered is False  # within the add grace: purged
    service.domain.refresh_from_db()
    assert service.domain.status == DomainStatus.DELETED

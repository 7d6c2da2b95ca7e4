"""The ``powerdns`` module passes the shared module contract against a real PowerDNS
Authoritative (PRV-01, PRV-02, DOM-04), and keeps its own promises: a zone per service under
the service's account, served while the service is suspended, every zone of the service gone
on termination, another account's zone never taken.

The backend is the session's pdns_server (tests/dns/pdns.py). ``inject("timeout")`` makes the
proxy in front of its API hold the next connection unanswered; ``inject("refusal")`` makes the
next request name a zone PowerDNS cannot parse, so PowerDNS itself answers 422.
"""

from __future__ import annotations

import uuid
from dataclasses import replace

import pytest

from hostledger.catalog.models import FamilyCode
from hostledger.core.registry import provider_setting_change
from hostledger.provisioning.modules import registry
from hostledger.provisioning.modules.interface import Operation, Outcome
from hostledger.provisioning.modules.powerdns.client import PowerDnsClient, ZoneDefaults
from hostledger.subscriptions.actions import order_place, service_host_name_set
from tests.provisioning.contract import ModuleContract, run_call
from tests.subscriptions.factories import TODAY, fund


class PdnsBackend:
    """The test's PowerDNS seen from outside the module."""

    def __init__(self, server, proxy):
        self.server = server
        self.proxy = proxy
        self.refuse_next = False

    def resources(self) -> int:
        return len(self.server.zone_names())

    def inject(self, kind: str) -> None:
        if kind == "timeout":
            self.proxy.hold_next()
        elif kind == "refusal":
            self.refuse_next = True
        else:
            raise ValueError(kind)

    def take_refusal(self) -> bool:
        refuse, self.refuse_next = self.refuse_next, False
        return refuse

    def power_state(self, request) -> str:
        return "on" if self.server.zone(request.host_name) else "off"


def contract_domain(service_id: str) -> str:
    return f"{service_id.replace('_', '-')}.contract.test"


class TestPowerDnsModuleContract(ModuleContract):
    family = FamilyCode.DOMAIN.value
    tariff = "domain-ee"
    specs: dict = {}
    os_image = ""
    refusal_words = ("Unable to parse DNS Name",)

    @pytest.fixture
    def backend(self, powerdns, pdns_proxy):
        self.pdns_backend = PdnsBackend(powerdns, pdns_proxy)
        return self.pdns_backend

    @pytest.fixture
    def module(self, backend):
        registry.module_names()
        return registry.get_module("powerdns")

    def request(self, operation, *, service_id: str, **overrides):
        """Each service hosts a zone of its own; after ``inject("refusal")`` the next request
        names one with an empty label, which PowerDNS refuses."""
        backend = getattr(self, "pdns_backend", None)
        if backend is not None and backend.take_refusal():
            overrides.setdefault("host_name", f"refused..{contract_domain(service_id)}")
        overrides.setdefault("host_name", contract_domain(service_id))
        return super().request(operation, service_id=service_id, **overrides)

    @pytest.fixture
    def queued_service(
        self, client_record, payer, staff, shop, dns_add_on, django_capture_on_commit_callbacks
    ):
        """A paid VPS with the DNS hosting add-on, its family run by the powerdns module, the
        domain named by staff, its create call queued and not run (DOM-04)."""

        def _queued(module):
            provider_setting_change(
                key="provisioning.family_modules", raw_value=f"{shop.vps.code}={module.name}"
            )
            fund(client_record, "100.00")
            with django_capture_on_commit_callbacks(execute=False):
                placed = order_place(
                    client=client_record,
                    payer=payer,
                    tariff=shop.vps_start,
                    period_months=1,
                    os_image=shop.debian,
                    add_ons=[dns_add_on],
                    actor=client_record.owner,
                    today=TODAY,
                    start_at_once=True,
                )
                service = placed.services.get()
                service_host_name_set(
                    service=service, host_name=f"queued-{uuid.uuid4().hex[:8]}.ee", actor=staff
                )
            service.refresh_from_db()
            return service

        return _queued

    # -- the module's own promises -----------------------------------------------------------

    def test_the_zone_is_kept_for_the_services_account__DOM_04(self, module, backend):
        made = self.created(module)
        zone = backend.server.zone(made.host_name)
        assert zone["account"] == made.service_id == made.module_service_id
        assert sorted(
            record["content"]
            for rrset in zone["rrsets"]
            if rrset["type"] == "NS"
            for record in rrset["records"]
        ) == ["ns1.hostledger.test.", "ns2.hostledger.test."]

    def test_a_suspended_service_keeps_its_zone_served__DOM_04(self, module, backend):
        made = self.created(module)
        assert run_call(module, self.next_call(made, Operation.SUSPEND)).outcome == Outcome.DONE
        assert backend.server.answer(made.host_name, "NS")
        assert run_call(module, self.next_call(made, Operation.RESUME)).outcome == Outcome.DONE
        assert backend.server.answer(made.host_name, "NS")

    def test_resume_brings_back_a_zone_that_went_missing__PRV_02(self, module, backend):
        made = self.created(module)
        backend.server.api("DELETE", f"/zones/{made.host_name}.")
        assert run_call(module, self.next_call(made, Operation.RESUME)).outcome == Outcome.DONE
        assert backend.server.zone(made.host_name)["account"] == made.service_id

    def test_terminate_deletes_every_zone_of_the_service__DOM_04(self, module, backend):
        made = self.created(module)
        second = f"second-{uuid.uuid4().hex[:8]}.test"
        PowerDnsClient().zone_ensure(
            second, account=made.service_id, defaults=ZoneDefaults.from_settings(), serial=1
        )
        before = backend.resources()
        assert run_call(module, self.next_call(made, Operation.TERMINATE)).outcome == Outcome.DONE
        assert backend.resources() == before - 2
        assert backend.server.zone(second) is None

    def test_another_accounts_zone_is_never_taken__DOM_04(self, module, backend):
        made = self.created(module)
        intruder = replace(
            self.request(Operation.CREATE, service_id="svc_intruder01"),
            host_name=made.host_name,
        )
        result = run_call(module, intruder)
        assert result.outcome == Outcome.FAILED and result.retry_can_help is False
        assert "another account" in result.message
        assert backend.server.zone(made.host_name)["account"] == made.service_id

    def test_without_a_host_name_the_create_waits_for_staff_and_retries__PRV_02(self, module):
        call = self.request(Operation.CREATE, service_id="svc_nohostname1", host_name="")
        result = run_call(module, call)
        assert result.outcome == Outcome.FAILED and result.retry_can_help is True
        assert "host name" in result.message

    def test_a_missing_api_key_is_a_failure_staff_must_fix__PRV_02(self, module, monkeypatch):
        monkeypatch.delenv("HOSTLEDGER_POWERDNS_API_KEY")
        result = run_call(module, self.request(Operation.CREATE, service_id="svc_nokey000001"))
        assert result.outcome == Outcome.FAILED and result.retry_can_help is False
        assert "HOSTLEDGER_POWERDNS_API_KEY" in result.message

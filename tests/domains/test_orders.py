"""Ordering a domain (ORD-01, DOM-01, DOM-02, DOM-03): the name is checked by the label rule,
the zone's rule and the registry; the administrator contact carries the identification the
zone demands; the domain counts as registered only once the registry says so."""

from __future__ import annotations

from datetime import date

import pytest

from hostledger.core.errors import DomainError
from hostledger.domains.contacts import AdminContactInput
from hostledger.domains.models import Domain, DomainContact, DomainStatus
from hostledger.domains.registrars.interface import RegistrarError
from hostledger.flows.domain_registry import registry_sync
from hostledger.provisioning.models import ProvisioningOperation
from hostledger.subscriptions.actions import order_cancel
from hostledger.subscriptions.models import Order, Service, ServiceStatus
from tests.domains.conftest import PERSONAL_CODE
from tests.subscriptions.factories import TODAY


def _refused(order_domain, name, **values) -> dict:
    before = (Order.objects.count(), Service.objects.count(), Domain.objects.count())
    with pytest.raises(DomainError) as refused:
        order_domain(name, funded="", **values)
    after = (Order.objects.count(), Service.objects.count(), Domain.objects.count())
    assert after == before  # nothing written
    return refused.value.fields


def test_a_paid_domain_order_registers_the_domain_and_activates_the_service__DOM_02(
    order_domain, registry
):
    order = order_domain("Õun.EE")
    service = order.services.get()
    domain = service.domain
    assert service.status == ServiceStatus.ACTIVE
    assert service.host_name == "õun.ee"
    assert (domain.name_ascii, domain.name_unicode) == ("xn--un-bka.ee", "õun.ee")
    assert domain.status == DomainStatus.REGISTERED
    assert domain.registered_on == TODAY
    assert domain.expires_on == date(2028, 3, 1)
    assert service.module_data == {"registrar": "local", "expires_on": "2028-03-01"}
    assert registry.info("xn--un-bka.ee").admin == domain.admin.handle
    assert domain.admin.ident == PERSONAL_CODE and domain.admin.ident_type == "priv"


def test_an_unpaid_domain_order_holds_the_name_without_registering__DOM_02(order_domain, registry):
    order = order_domain("pood.ee", funded="")
    domain = order.services.get().domain
    assert domain.status == DomainStatus.PENDING
    assert registry.info("pood.ee").registered is False
    fields = _refused(order_domain, "pood.ee")
    assert "already registered or ordered here" in fields["host_name"]


def test_a_name_withdrawn_before_payment_can_be_ordered_again__DOM_01(order_domain, client_record):
    order = order_domain("pood.ee", funded="")
    order_cancel(order=order, actor=client_record.owner, reason="changed my mind")
    again = order_domain("pood.ee")
    assert again.services.get().domain.status == DomainStatus.REGISTERED
    assert Domain.objects.get(service=order.services.get()).status == DomainStatus.DELETED


@pytest.mark.parametrize(
    "name, field, words",
    [
        ("", "host_name", "Enter the domain to register"),
        ("-bad.ee", "host_name", "starts and ends"),
        ("www.shop.ee", "host_name", "without further labels"),
        ("shop.example", "host_name", "not sold here"),
        ("shop.com", "host_name", "registers .ee domains"),
    ],
)
def test_a_bad_name_is_refused_naming_host_name__DOM_01(order_domain, name, field, words):
    fields = _refused(order_domain, name)
    assert words in fields[field]


def test_a_name_taken_at_the_registry_is_refused__DOM_02(order_domain, registry):
    registry.register_elsewhere("voetud.ee", expires_on=date(2027, 9, 1))
    fields = _refused(order_domain, "voetud.ee")
    assert "not available at the registry" in fields["host_name"]


def test_a_registry_that_does_not_answer_is_a_field_error_not_a_failure__DOM_02(
    order_domain, registry
):
    registry.fail_next(RegistrarError("no answer within 15 s", retry_can_help=True, code="timeout"))
    fields = _refused(order_domain, "aeglane.ee")
    assert "did not answer in time" in fields["host_name"]
    assert "try again" in fields["host_name"]


def test_the_periods_follow_the_zone_rule__DOM_03(order_domain, domain_tariffs):
    fields = _refused(order_domain, "pood.ee", period_months=6)
    assert "whole years from 1 to 10" in fields["period_months"]
    fields = _refused(order_domain, "magazin.ru", tariff=domain_tariffs.ru, period_months=1)
    assert "choose 12 months" in fields["period_months"]


def test_an_ee_administrator_needs_an_estonian_code__DOM_03(order_domain, registry):
    fields = _refused(order_domain, "pood.ee", domain_admin=None)
    assert "personal identification code (priv, EE)" in fields["admin_ident"]
    fields = _refused(
        order_domain,
        "pood.ee",
        domain_admin=AdminContactInput(ident="12345678901", ident_type="priv", ident_country="EE"),
    )
    assert "not a valid personal identification code" in fields["admin_ident"]
    fields = _refused(
        order_domain,
        "pood.ee",
        domain_admin=AdminContactInput(ident="X1234", ident_type="passport", ident_country="FI"),
    )
    assert "needs the domain administrator" in fields["admin_ident"]


def test_a_company_client_is_its_own_ee_administrator__DOM_03(order_domain, client_record):
    Client = type(client_record)
    Client.objects.filter(pk=client_record.pk).update(kind="legal")
    client_record.refresh_from_db()
    client_record.company_name = "Pood OÜ"
    client_record.registry_code = "16124388"
    client_record.save()
    order = order_domain("pood.ee", domain_admin=None)
    admin = order.services.get().domain.admin
    assert (admin.ident, admin.ident_type, admin.ident_country) == ("16124388", "org", "EE")


def test_an_earlier_accepted_contact_is_reused__DOM_03(order_domain):
    first = order_domain("esimene.ee").services.get().domain
    second = order_domain("teine.ee", domain_admin=None).services.get().domain
    assert second.admin == first.admin
    assert DomainContact.objects.filter(client=first.client).count() == 1


def test_a_generic_zone_needs_no_identification(order_domain, domain_tariffs):
    order = order_domain("example-shop.com", tariff=domain_tariffs.com)
    assert order.services.get().domain.status == DomainStatus.REGISTERED


def test_a_pending_registration_waits_until_the_registry_reports_it__DOM_02(
    order_domain, registry, run_hooks
):
    registry.hold_creates = True
    service = order_domain("ootel.ee").services.get()
    create = ProvisioningOperation.objects.get(service=service, operation="create")
    assert create.status == ProvisioningOperation.Status.WAITING
    assert "pendingCreate" in create.message
    service.refresh_from_db()
    assert service.status == ServiceStatus.PROVISIONING
    assert service.domain.status == DomainStatus.REGISTERING

    run_hooks(registry_sync)
    service.refresh_from_db()
    assert service.status == ServiceStatus.PROVISIONING  # still pending at the registry

    registry.release("ootel.ee")
    report = run_hooks(registry_sync)
    assert report.started == 1
    service.refresh_from_db()
    create.refresh_from_db()
    assert service.status == ServiceStatus.ACTIVE
    assert create.status == ProvisioningOperation.Status.DONE
    assert service.domain.status == DomainStatus.REGISTERED


def test_a_transfer_in_starts_the_service_once_the_domain_is_ours__DOM_02(
    order_domain, registry, run_hooks
):
    registry.register_elsewhere("kolib.ee", expires_on=date(2027, 9, 1), auth_code="s3cret-code")
    fields = _refused(order_domain, "kolib.ee", transfer_auth_code="")
    assert "order its transfer" in fields["host_name"]
    registry.transfer_days = 5  # the losing registrar takes its time
    service = order_domain("kolib.ee", transfer_auth_code="s3cret-code").services.get()
    assert service.domain.status == DomainStatus.TRANSFERRING
    assert service.status == ServiceStatus.PROVISIONING
    create = ProvisioningOperation.objects.get(service=service, operation="create")
    assert create.status == ProvisioningOperation.Status.WAITING
    run_hooks(registry_sync)
    service.refresh_from_db()
    assert service.status == ServiceStatus.PROVISIONING
    registry.transfer_days = 0  # released
    run_hooks(registry_sync)
    service.refresh_from_db()
    assert service.status == ServiceStatus.ACTIVE
    assert service.domain.status == DomainStatus.REGISTERED
    assert service.domain.expires_on == date(2028, 9, 1)  # the transfer adds the year paid


def test_a_wrong_transfer_code_fails_with_the_registrys_words__DOM_02(order_domain, registry):
    registry.register_elsewhere("kolib.ee", expires_on=date(2027, 9, 1), auth_code="right")
    service = order_domain("kolib.ee", transfer_auth_code="wrong").services.get()
    create = ProvisioningOperation.objects.get(service=service, operation="create")
    assert create.status == ProvisioningOperation.Status.FAILED
    assert "2202" in create.message and "Invalid authorization" in create.message
    assert not create.retry_can_help


def test_hosting_needs_the_domain_it_serves_and_a_vps_may_have_a_name__ORD_01(place, shop):
    with pytest.raises(DomainError) as refused:
        place(tariff=shop.hosting_start, os_image=None)
    assert "domain it serves" in refused.value.fields["host_name"]
    with pytest.raises(DomainError) as refused:
        place(tariff=shop.hosting_start, os_image=None, host_name="bad_name.ee")
    assert set(refused.value.fields) == {"host_name"}
    hosting = place(tariff=shop.hosting_start, os_image=None, host_name="Pood.EE")
    assert hosting.services.get().host_name == "pood.ee"
    plain = place()
    assert plain.services.get().host_name == ""
    named = place(host_name="web1.example.net")
    assert named.services.get().host_name == "web1.example.net"

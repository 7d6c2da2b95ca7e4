"""Domain renewals in the billing run (AUT-01, DOM-02): a domain is renewed at its registry
only after its renewal period is paid, once per period however often the run goes, from its
previous expiry; an unpaid domain moves through expired, grace, redemption and deleted by
the dates the registry's expiry and its zone's rule give, what the registry reports wins,
and the client is told at each stage."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from hostledger.automation.run import billing_run
from hostledger.domains.models import Domain, DomainStatus
from hostledger.flows.domain_registry import registry_sync
from hostledger.notifications.models import Notification
from hostledger.provisioning.models import ProvisioningOperation
from hostledger.subscriptions.models import ServiceStatus
from tests.subscriptions.factories import fund

TALLINN = ZoneInfo("Europe/Tallinn")


def moment(day: date, hour: int = 6) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=TALLINN)


@pytest.fixture
def run_as_of(django_capture_on_commit_callbacks, time_machine):
    """Run the billing run as of 06:00 on ``day``, the wall clock (and the registry's) moved
    there too, and what it hands to the workers carried out as a commit would."""

    def _run(day: date):
        time_machine.move_to(moment(day), tick=True)
        with django_capture_on_commit_callbacks(execute=True):
            return billing_run(as_of=moment(day))

    return _run


@pytest.fixture
def sync_as_of(django_capture_on_commit_callbacks, time_machine):
    def _sync(day: date):
        time_machine.move_to(moment(day, 7), tick=True)
        with django_capture_on_commit_callbacks(execute=True):
            return registry_sync()

    return _sync


@pytest.fixture
def order_paid_exactly(order_domain, client_record, apply_payments):
    """A domain ordered and paid with exactly the amount of its proforma: nothing is left on
    the balance for the renewal."""

    def _order(name: str, **values):
        order = order_domain(name, funded="", **values)
        gross = order.proforma.gross_minor
        fund(client_record, f"{gross // 100}.{gross % 100:02d}")
        apply_payments(client_record)
        return order.services.get().domain

    return _order


def _renewals_queued(domain: Domain) -> list[ProvisioningOperation]:
    return list(
        ProvisioningOperation.objects.filter(service=domain.service, operation="renew").order_by(
            "id"
        )
    )


def test_a_paid_renewal_renews_at_the_registry_once_from_the_previous_expiry__AUT_01_DOM_02(
    order_domain, registry, client_record, run_as_of
):
    domain = order_domain("uuenev.ee").services.get().domain
    assert domain.expires_on == date(2028, 3, 1)
    fund(client_record, "30.00")  # covers the next year's renewal

    counts = run_as_of(date(2028, 2, 20))
    assert counts["renewals_issued"] == 1
    assert _renewals_queued(domain) == []  # invoiced, not paid yet
    counts = run_as_of(date(2028, 3, 1))  # due by the period start: paid from the balance
    assert counts["periods_paid"] == 1
    (renewal,) = _renewals_queued(domain)
    assert renewal.key == "renew:2029-02-28"
    assert renewal.changes["current_expiry"] == "2028-03-01"
    assert renewal.changes["months"] == 12
    assert renewal.status == ProvisioningOperation.Status.DONE, renewal.message
    assert [(item["from"], item["to"]) for item in registry.renewals("uuenev.ee")] == [
        ("2028-03-01", "2029-03-01")
    ]
    domain.refresh_from_db()
    assert domain.expires_on == date(2029, 3, 1)
    assert domain.status == DomainStatus.REGISTERED

    run_as_of(date(2028, 3, 1))  # the same day again
    run_as_of(date(2028, 3, 2))
    assert len(_renewals_queued(domain)) == 1
    assert len(registry.renewals("uuenev.ee")) == 1


def test_a_renewal_paid_later_by_a_payment_renews_once_then__AUT_01_DOM_02(
    order_paid_exactly, registry, client_record, run_as_of
):
    domain = order_paid_exactly("hiline.ee")
    run_as_of(date(2028, 2, 20))  # the renewal is invoiced
    run_as_of(date(2028, 3, 2))  # the balance did not cover it: suspended, expired
    domain.refresh_from_db()
    assert domain.status == DomainStatus.EXPIRED
    assert _renewals_queued(domain) == []
    assert registry.renewals("hiline.ee") == []
    fund(client_record, "30.00", on=date(2028, 3, 2))
    run_as_of(date(2028, 3, 2))
    domain.refresh_from_db()
    assert domain.status == DomainStatus.REGISTERED
    assert domain.expires_on == date(2029, 3, 1)  # from the previous expiry, not the payment
    assert len(_renewals_queued(domain)) == 1
    assert len(registry.renewals("hiline.ee")) == 1
    run_as_of(date(2028, 3, 3))
    assert len(registry.renewals("hiline.ee")) == 1


def _stage_messages(domain) -> list[str]:
    return list(
        Notification.objects.filter(service=domain.service, event__startswith="domain_")
        .order_by("id")
        .values_list("event", flat=True)
    )


def test_an_unpaid_domain_moves_through_its_zones_stages_by_date__DOM_02(
    order_paid_exactly, registry, run_as_of
):
    domain = order_paid_exactly("unustatud.ee")
    steps = [
        (date(2028, 3, 1), DomainStatus.REGISTERED),  # the last day of the registration
        (date(2028, 3, 2), DomainStatus.EXPIRED),  # .ee: still in the zone for 30 days
        (date(2028, 3, 31), DomainStatus.EXPIRED),
        (date(2028, 4, 1), DomainStatus.GRACE),  # then 15 days off the zone
        (date(2028, 4, 15), DomainStatus.GRACE),
        (date(2028, 4, 16), DomainStatus.DELETED),  # .ee: no redemption; deleted
    ]
    for day, status in steps:
        run_as_of(day)
        domain.refresh_from_db()
        assert domain.status == status, day
    assert domain.service.status in (ServiceStatus.SUSPENDED, ServiceStatus.TERMINATED)
    assert _stage_messages(domain) == ["domain_expired", "domain_grace", "domain_deleted"]
    run_as_of(date(2028, 4, 16))
    assert _stage_messages(domain) == ["domain_expired", "domain_grace", "domain_deleted"]


def test_a_domain_whose_dates_passed_jumps_to_its_stage_and_tells_once__DOM_02(
    order_paid_exactly, domain_tariffs, run_as_of
):
    domain = order_paid_exactly("maha.com", tariff=domain_tariffs.com)
    run_as_of(date(2028, 4, 10))  # 40 days after the expiry: .com has 30 days of grace
    domain.refresh_from_db()
    assert domain.status == DomainStatus.REDEMPTION
    assert _stage_messages(domain) == ["domain_redemption"]


def test_the_registrys_statuses_win_over_the_dates__DOM_02(
    order_paid_exactly, registry, run_as_of, sync_as_of
):
    domain = order_paid_exactly("register.ee")
    run_as_of(date(2028, 3, 5))
    domain.refresh_from_db()
    assert domain.status == DomainStatus.EXPIRED  # by the .ee dates
    # The local registry keeps an expired domain renewable for 30 days, then in redemption:
    # once it reports redemptionPeriod the domain is in redemption whatever the dates say.
    sync_as_of(date(2028, 4, 2))
    domain.refresh_from_db()
    assert domain.status == DomainStatus.REDEMPTION
    assert "redemptionPeriod" in domain.registry_statuses
    run_as_of(date(2028, 4, 3))  # the .ee dates say grace: they never move a domain back
    domain.refresh_from_db()
    assert domain.status == DomainStatus.REDEMPTION


def test_the_poll_job_reads_the_registrys_messages__DOM_02(order_domain, registry, sync_as_of):
    domain = order_domain("kustub.ee").services.get().domain
    sync_as_of(date(2028, 5, 15))  # purged by the registry: 30 days grace, 30 redemption
    report = sync_as_of(date(2028, 5, 15))
    domain.refresh_from_db()
    assert domain.status == DomainStatus.DELETED
    assert registry.info("kustub.ee").registered is False
    assert report.messages == 0  # the message was read by the first pass
    assert _stage_messages(domain)[-1] == "domain_deleted"


def test_a_renewal_moved_at_the_registry_updates_the_expiry__DOM_02(
    order_domain, registry, sync_as_of
):
    domain = order_domain("valjas.ee").services.get().domain
    registry.renew("valjas.ee", years=2, current_expiry=date(2028, 3, 1), operation_key="x")
    sync_as_of(date(2028, 3, 10))  # past the old expiry: the sync asks the registry
    domain.refresh_from_db()
    assert domain.expires_on == date(2030, 3, 1)
    assert domain.status == DomainStatus.REGISTERED

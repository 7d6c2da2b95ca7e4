"""Erasure of a client (GDPR-04): plans from the declarations, refusals with their reasons,
execution with its report, held data restricted and erased when its legal term ends."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.apps import apps
from django.db import connection

from hostledger.accounts.models import (
    AccessGrant,
    ApiToken,
    Client,
    ClientSearchToken,
    Contact,
    LoginAttempt,
    Payer,
    StaffNote,
    User,
)
from hostledger.core import erasure as core_erasure
from hostledger.core.erasure import subject_rows
from hostledger.core.errors import DomainError
from hostledger.core.models import AuditEvent
from hostledger.core.personal_data import (
    Category,
    Erasure,
    ErasureStrategy,
    LegalBasis,
    LegalTerm,
    Personal,
    Retention,
    declaration_of,
    declare,
    subject_of,
)
from hostledger.core.registry import provider_setting_change
from hostledger.flows.privacy_erasure import client_erase
from hostledger.invoicing.models import Invoice
from hostledger.metering.models import UsageRecord
from hostledger.notifications.models import Delivery, Notification
from hostledger.privacy import actions as privacy_actions
from hostledger.privacy.erasure import erasure_plan, financial_year_end, held_until
from hostledger.privacy.models import (
    ErasureHold,
    ErasureReport,
    MarketingConsent,
    PolicyAcceptance,
    ProcessingRestriction,
    RestrictionReason,
)
from hostledger.privacy.retention import retention_run
from hostledger.privacy.selectors import client_is_restricted
from hostledger.subscriptions.actions import service_suspend
from hostledger.subscriptions.models import Service
from tests.api.money_factories import make_final_invoice, make_proforma
from tests.metering.factories import paid_vps
from tests.privacy.erasure.conftest import CONTACT_EMAIL, CONTACT_NAME, MARKERS, PAYER_NAME
from tests.subscriptions.factories import build_catalog, new_client, new_payer, services_staff


def _items(plan_or_report, model_label: str) -> list:
    items = plan_or_report.items
    return [
        item
        for item in items
        if (item["model_label"] if isinstance(item, dict) else item.model_label) == model_label
    ]


# ---------------------------------------------------------------------- strategies and terms


def test_every_declared_field_has_an_erasure_rule_and_a_default_per_retention__GDPR_04():
    """Each retention rule gives a strategy; declarations may name their own."""
    email = declaration_of("accounts.User")["email"]
    assert email.erasure_rule == Erasure(ErasureStrategy.BY_STEP, step="user_login_email_release")
    payer_name = declaration_of("accounts.Payer")["name"]
    assert payer_name.erasure is None
    assert payer_name.erasure_rule == Erasure(ErasureStrategy.HOLD, term=LegalTerm.BILLING)
    usage = declaration_of("metering.UsageRecord")["quantity_micro"].erasure_rule
    assert (usage.strategy, usage.term, usage.then) == ("hold", "year_of_use", "delete")
    assert declaration_of("accounts.LoginAttempt")["ip_address"].erasure_rule.strategy == "delete"


def test_billing_records_are_held_seven_years_after_the_financial_year_the_contract_ended__GDPR_04(
    db,
):
    assert financial_year_end(date(2027, 4, 2)) == date(2027, 12, 31)
    assert held_until(LegalTerm.BILLING, contract_ended=date(2027, 4, 2)) == date(2034, 12, 31)
    provider_setting_change(key="privacy.financial_year_end_month", raw_value=6)
    assert financial_year_end(date(2027, 4, 2)) == date(2027, 6, 30)
    assert financial_year_end(date(2027, 7, 1)) == date(2028, 6, 30)
    assert held_until(LegalTerm.BILLING, contract_ended=date(2027, 7, 1)) == date(2035, 6, 30)
    provider_setting_change(key="privacy.billing_records_years", raw_value=10)
    assert held_until(LegalTerm.BILLING, contract_ended=date(2027, 4, 2)) == date(2037, 6, 30)


def test_traffic_data_is_held_seven_years_after_the_year_of_use__GDPR_04(db):
    assert held_until(LegalTerm.YEAR_OF_USE, contract_ended=date(2030, 1, 1), year=2027) == date(
        2034, 12, 31
    )
    provider_setting_change(key="privacy.traffic_data_years", raw_value=5)
    assert held_until(LegalTerm.YEAR_OF_USE, contract_ended=date(2030, 1, 1), year=2027) == date(
        2032, 12, 31
    )


def test_consent_records_are_held_for_the_claims_period_after_the_contract__GDPR_04(db):
    assert held_until(LegalTerm.CLAIMS, contract_ended=date(2027, 4, 2)) == date(2030, 4, 2)
    assert held_until(LegalTerm.CLAIMS, contract_ended=date(2028, 2, 29)) == date(2031, 2, 28)


# ------------------------------------------------------------------------------------ plans


def test_plan_of_a_rich_client_covers_every_asset_by_its_declarations__GDPR_04(rich):
    plan = erasure_plan(rich.client)

    assert plan.allowed and plan.refusals == []
    assert plan.contract_ended_on == date(2027, 4, 2)
    client_items = {item.action: item for item in _items(plan, "accounts.Client")}
    assert set(client_items) == {"anonymise", "hold"}
    assert client_items["hold"].fields == ("age_declared_at",)
    client_item = client_items["anonymise"]
    assert client_item.rows == 1
    assert "first_name" in client_item.fields and "phone_index" in client_item.fields
    payer_items = _items(plan, "accounts.Payer")
    assert [(i.action, i.held_until, i.rows) for i in payer_items] == [
        ("hold", date(2034, 12, 31), 1)
    ]
    (usage_item,) = _items(plan, "metering.UsageRecord")
    assert (usage_item.action, usage_item.year, usage_item.rows, usage_item.held_until) == (
        "hold",
        2027,
        3,
        date(2034, 12, 31),
    )
    assert [i.action for i in _items(plan, "accounts.LoginAttempt")] == ["delete"]
    assert [i.action for i in _items(plan, "accounts.Contact")] == ["anonymise"]
    acceptance = _items(plan, "privacy.PolicyAcceptance")
    assert [(i.action, i.held_until) for i in acceptance] == [("hold", date(2030, 4, 2))]
    user_items = {i.action: i for i in _items(plan, "accounts.User")}
    assert user_items["by_step"].step == "user_login_email_release"
    assert user_items["by_step"].fields == ("email",)
    assert "email" not in user_items["anonymise"].fields
    # The client has no session open (its sessions would add "sessions_end_for_user").
    assert plan.steps == ["subject_keys_destroy", "user_login_email_release"]


def test_a_newly_declared_field_is_in_the_plan_without_code_changes__GDPR_04(rich):
    """Declaring a field personal (here the service's cancellation reason, as if it were new)
    puts it in the plan with its retention's default strategy, and an override changes it."""
    before = declaration_of("accounts.StaffNote")
    try:
        declare(
            "accounts.StaffNote",
            {
                "created_at": Personal(
                    Category.COMMUNICATION,
                    "when a note was written",
                    LegalBasis.LEGITIMATE_INTEREST,
                    Retention.ACCOUNT_LIFETIME,
                    erasure=Erasure(ErasureStrategy.HOLD, term=LegalTerm.CLAIMS),
                )
            },
        )
        plan = erasure_plan(rich.client)
        items = {(i.action, i.fields) for i in _items(plan, "accounts.StaffNote")}
        assert items == {("hold", ("created_at",)), ("anonymise", ("text",))}
    finally:
        declare("accounts.StaffNote", before)
    plan = erasure_plan(rich.client)
    assert {(i.action, i.fields) for i in _items(plan, "accounts.StaffNote")} == {
        ("anonymise", ("text",))
    }


# --------------------------------------------------------------------------------- refusals


def test_erasure_is_refused_while_a_service_is_active_or_a_debt_is_open__GDPR_04(
    db, django_capture_on_commit_callbacks
):
    client = new_client()
    payer = new_payer(client)
    proforma = make_proforma(client, payer, price="10.00")
    service_client = new_client()
    service_payer = new_payer(service_client)
    with django_capture_on_commit_callbacks(execute=True):
        service = paid_vps(service_client, service_payer, build_catalog())
    staff = new_client().owner

    with pytest.raises(DomainError) as refused:
        client_erase(client=client, actor=staff)
    assert refused.value.code == "erasure_refused"
    assert "1 invoice(s) unpaid, €12.40 in total" in refused.value.message
    assert Client.objects.get(pk=client.pk).first_name == client.first_name
    assert not ErasureReport.objects.exists()

    with pytest.raises(DomainError) as refused:
        client_erase(client=service_client, actor=staff)
    assert f"services are not terminated: {service.public_id} (provisioning)" in (
        refused.value.message
    )
    assert Payer.objects.get(pk=service_payer.pk).name == "Mari Tamm"
    assert not ErasureReport.objects.exists() and proforma.pk


# -------------------------------------------------------------------------------- execution


def test_erasure_deletes_anonymises_holds_and_reports__GDPR_04(rich):
    client, staff = rich.client, rich.staff
    owner_id, owner_email = client.owner_id, client.owner.email

    report = client_erase(client=client, actor=staff)

    erased = Client.objects.get(pk=client.pk)
    assert (erased.first_name, erased.last_name, erased.street, erased.phone) == ("", "", "", "")
    assert erased.phone_index == ""
    assert not ClientSearchToken.objects.filter(client=client).exists()
    assert not LoginAttempt.objects.filter(user_id=owner_id).exists()
    contact = Contact.objects.get(client=client)
    assert (contact.name, contact.email) == ("", "")
    assert StaffNote.objects.get(client=client).text == ""
    assert all(
        (d.subject, d.body, d.recipient) == ("", "", "")
        for d in Delivery.objects.filter(notification__client=client)
    )
    assert Delivery.objects.filter(notification__client=client).exists()
    notifications = list(Notification.objects.filter(client=client))
    assert notifications and all(n.context == {} for n in notifications)
    owner = User.objects.get(pk=owner_id)
    # The login e-mail is released by its own step: no sign-in, no address left.
    assert owner.full_name == ""
    assert owner.email == f"erased-{owner.public_id}@erased.invalid" != owner_email
    assert not owner.is_active and not owner.has_usable_password()
    # Tokens and grants revoked through the accounts app, with their audit events.
    assert not ApiToken.objects.filter(user_id=owner_id, revoked_at__isnull=True).exists()
    assert not AccessGrant.objects.filter(client=client, revoked_at__isnull=True).exists()
    assert AuditEvent.objects.filter(action="api_token.revoked").count() == 1
    assert AuditEvent.objects.filter(action="access_grant.revoked").count() == 1
    # Held: the payer and the invoice keep their billing identity, the usage its figures.
    payer = Payer.objects.get(pk=rich.payer.pk)
    assert payer.name == PAYER_NAME
    assert all(PAYER_NAME in i.payer_snapshot for i in Invoice.objects.filter(client=client))
    assert UsageRecord.objects.filter(client=client).count() == 3
    assert PolicyAcceptance.objects.filter(user_id=owner_id).get().ip_address == "192.0.2.44"
    # The report, stored and audited.
    assert report.contract_ended_on == date(2027, 4, 2)
    held = {
        (item["model_label"], item["held_until"])
        for item in report.items
        if item["action"] == "hold"
    }
    assert ("accounts.Payer", "2034-12-31") in held
    assert ("invoicing.Invoice", "2034-12-31") in held
    assert ("metering.UsageRecord", "2034-12-31") in held
    assert ("privacy.PolicyAcceptance", "2030-04-02") in held
    assert ("privacy.MarketingConsent", "2030-04-02") in held
    assert set(ErasureHold.objects.filter(report=report).values_list("model_label", flat=True)) >= {
        "accounts.Payer",
        "invoicing.Invoice",
        "metering.UsageRecord",
    }
    event = AuditEvent.objects.get(action="privacy.client_erased")
    assert event.subject_client_id == client.pk and event.object_id == report.public_id
    # Held data is restricted (GDPR-05).
    restriction = ProcessingRestriction.objects.get(client=client, lifted_at__isnull=True)
    assert restriction.reason == RestrictionReason.HELD_AFTER_ERASURE
    assert client_is_restricted(client)


@pytest.mark.parametrize("block_rows", [1, 500])
def test_held_values_move_to_the_field_keys_a_block_at_a_time__GDPR_04_GDPR_11(
    rich, monkeypatch, block_rows
):
    """Held values stay readable once the subject's key is destroyed, whether the rows fill
    several blocks of the re-encryption or none."""
    monkeypatch.setattr(core_erasure, "HOLD_BLOCK_ROWS", block_rows)
    client = rich.client
    make_final_invoice(client, rich.payer)
    make_final_invoice(client, rich.payer)
    invoice_ids = list(Invoice.objects.filter(client=client).values_list("pk", flat=True))
    assert len(invoice_ids) == 3

    client_erase(client=client, actor=rich.staff)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT payer_snapshot FROM invoicing_invoice WHERE id IN (%s, %s, %s)", invoice_ids
        )
        stored = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT name FROM accounts_payer WHERE id = %s", [rich.payer.pk])
        stored.append(cursor.fetchone()[0])
    assert stored and all(value.startswith("enc1:") for value in stored)
    assert all(
        PAYER_NAME in invoice.payer_snapshot
        for invoice in Invoice.objects.filter(pk__in=invoice_ids)
    )
    assert Payer.objects.get(pk=rich.payer.pk).name == PAYER_NAME


def test_no_identifying_string_is_left_outside_the_held_rows__GDPR_04(rich):
    """Every text column of every table that a declared client path reaches, decrypted:
    the client's names, address, phone and contact appear only in held rows."""
    client = rich.client
    client_erase(client=client, actor=rich.staff)
    markers = [MARKERS["first_name"], MARKERS["last_name"], MARKERS["street"], MARKERS["phone"]]
    markers += [CONTACT_NAME, CONTACT_EMAIL]
    held_labels = set(
        ErasureHold.objects.filter(client=client).values_list("model_label", flat=True)
    )
    found = []
    for model in apps.get_models(include_auto_created=True):
        subject = subject_of(model._meta.label)
        if subject is None or not subject.client_paths:
            continue
        if model._meta.label in held_labels or model._meta.label == "core.AuditEvent":
            continue
        for row in subject_rows(model, subject.client_paths, client.pk):
            for field in model._meta.concrete_fields:
                value = str(getattr(row, field.attname, ""))
                found += [(model._meta.label, field.name) for m in markers if m in value]
    assert found == []


def test_held_data_is_erased_when_its_term_ends_and_the_restriction_lifts__GDPR_04(
    rich, time_machine
):
    client = rich.client
    report = client_erase(client=client, actor=rich.staff)

    time_machine.move_to(datetime(2030, 4, 3, 9, 0, tzinfo=UTC), tick=False)
    run = retention_run()
    # The claims period: the policy acceptance, the marketing consent and its change, the
    # declared age of the client and of its history row.
    assert run.counts["legal_terms"] == 5
    acceptance = PolicyAcceptance.objects.get(user_id=client.owner_id)
    assert acceptance.ip_address is None
    assert Payer.objects.get(pk=rich.payer.pk).name == PAYER_NAME
    assert client_is_restricted(client)

    time_machine.move_to(datetime(2034, 12, 31, 12, 0, tzinfo=UTC), tick=False)
    assert retention_run().counts["legal_terms"] == 0

    time_machine.move_to(datetime(2035, 1, 1, 9, 0, tzinfo=UTC), tick=False)
    run = retention_run()
    assert Payer.objects.get(pk=rich.payer.pk).name == ""
    assert [i.payer_snapshot for i in Invoice.objects.filter(client=client)] == [""]
    assert UsageRecord.objects.filter(client=client).count() == 0
    billing_and_traffic = sum(
        item["rows"] for item in report.items if item["held_until"] == "2034-12-31"
    )
    assert billing_and_traffic == 8  # payer, its history, invoice, line, payment, 3 usage
    # The usage rows go by the traffic data rule, which ends the same day; their hold finds
    # nothing left.
    assert (run.counts["traffic_data"], run.counts["legal_terms"]) == (3, 5)
    assert not ErasureHold.objects.filter(client=client, released_at__isnull=True).exists()
    assert not client_is_restricted(client)
    restriction = ProcessingRestriction.objects.get(client=client)
    assert restriction.lifted_at == datetime(2035, 1, 1, 9, 0, tzinfo=UTC)
    assert MarketingConsent.objects.filter(client=client).exists()


def test_erasure_stops_when_a_later_step_fails_and_nothing_is_written__GDPR_04(rich, monkeypatch):
    """One transaction per client: a failure half-way leaves every row as it was."""
    client = rich.client

    def failing(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(privacy_actions, "processing_restriction_start", failing)
    with pytest.raises(RuntimeError):
        client_erase(client=client, actor=rich.staff)
    assert Client.objects.get(pk=client.pk).first_name == MARKERS["first_name"]
    assert ApiToken.objects.filter(user_id=client.owner_id, revoked_at__isnull=True).exists()
    assert not ErasureReport.objects.exists()


def test_suspended_service_refuses_erasure__GDPR_04(db, django_capture_on_commit_callbacks):
    client = new_client()
    payer = new_payer(client)
    with django_capture_on_commit_callbacks(execute=True):
        service = paid_vps(client, payer, build_catalog())
    staff = services_staff()
    Service.objects.filter(pk=service.pk).update(status="active")
    service.refresh_from_db()
    service_suspend(service=service, actor=staff, reason="Abuse check.")
    plan = erasure_plan(client)
    assert plan.refusals == [f"services are not terminated: {service.public_id} (suspended)"]

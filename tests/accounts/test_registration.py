"""Registration through the sign-up page: natural and legal persons (ACC-01), acceptance of
the policies in force (ACC-02) and the age declaration (ACC-03)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache

from hostledger.accounts.models import Client, Payer, User
from hostledger.core.audit import audit_ip_address
from hostledger.core.models import AuditEvent
from hostledger.core.registry import provider_setting_change
from hostledger.ledger.models import ClientPaymentReference
from hostledger.ledger.references import (
    creditor_reference_from_base,
    is_valid_reference_number,
    reference_number_from_base,
)
from hostledger.privacy.models import PolicyAcceptance, PolicyDocument
from hostledger.privacy.policies import policy_publish
from tests.accounts.conftest import (
    SIGNUP_IP,
    drop_empty,
    legal_signup,
    natural_signup,
    table_counts,
)

SIGNUP = "/accounts/signup/"


def _sign_up(client, data: dict):
    return client.post(SIGNUP, drop_empty(data), REMOTE_ADDR=SIGNUP_IP)


def _refused(client, data: dict) -> dict[str, list[str]]:
    """Post a sign-up that must be refused; return the form's errors, assert nothing stored."""
    counts = table_counts()
    response = _sign_up(client, data)
    assert response.status_code == 200
    assert table_counts() == counts
    assert mail.outbox == []
    return {field: list(problems) for field, problems in response.context["form"].errors.items()}


def test_natural_person_registers__ACC_01(client, policies):
    response = _sign_up(client, natural_signup(email="Mari.Maasikas@Example.com"))

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get()
    assert user.email == "mari.maasikas@example.com"
    assert user.full_name == "Mari Maasikas"
    assert user.is_staff is False
    client_record = Client.objects.get(owner=user)
    assert client_record.kind == "natural"
    assert (client_record.first_name, client_record.last_name) == ("Mari", "Maasikas")
    assert (client_record.company_name, client_record.registry_code) == ("", "")
    assert client_record.vat_number == ""
    assert (client_record.street, client_record.city) == ("Ahtri 12", "Tallinn")
    assert (client_record.postal_code, client_record.country) == ("10151", "EE")
    assert client_record.phone == "+37255550101"
    assert client_record.age_declared_at is not None
    payer = Payer.objects.get()
    assert payer.client == client_record
    assert payer.is_default is True
    assert (payer.kind, payer.name) == ("natural", "Mari Maasikas")
    assert (payer.street, payer.city, payer.postal_code, payer.country) == (
        "Ahtri 12",
        "Tallinn",
        "10151",
        "EE",
    )
    assert payer.invoice_email == "mari.maasikas@example.com"
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.primary, address.verified) == (
        "mari.maasikas@example.com",
        True,
        False,
    )
    event = AuditEvent.objects.get(action="client.registered")
    assert event.actor_id == user.pk
    assert event.object_id == client_record.public_id
    assert audit_ip_address(event) == SIGNUP_IP
    assert event.data == {"kind": "natural"}


def test_sign_up_gives_the_client_its_payment_reference__BIL_06(client, policies):
    """A client can pay by bank transfer from the first day: the reference is made with the
    account, from the prefix setting and the client's number, in the same transaction."""
    provider_setting_change(key="ledger.reference_number_prefix", raw_value="42")

    _sign_up(client, natural_signup())

    client_record = Client.objects.get()
    reference = ClientPaymentReference.objects.get(client=client_record)
    assert reference.reference_number == reference_number_from_base(f"42{client_record.pk}")
    assert is_valid_reference_number(reference.reference_number)
    assert reference.creditor_reference == creditor_reference_from_base(reference.reference_number)


def test_legal_person_registers__ACC_01(client, policies):
    response = _sign_up(client, legal_signup())

    assert response.status_code == 302
    client_record = Client.objects.get(owner__email="billing@pilvepood.example")
    assert client_record.kind == "legal"
    assert client_record.company_name == "Pilvepood OÜ"
    assert client_record.registry_code == "12345678"
    assert client_record.vat_number == "EE102329731"
    assert (client_record.first_name, client_record.last_name, client_record.phone) == ("", "", "")
    assert client_record.display_name == "Pilvepood OÜ"
    assert client_record.owner.full_name == "Pilvepood OÜ"
    payer = Payer.objects.get(client=client_record)
    assert payer.is_default is True
    assert (payer.kind, payer.name, payer.registry_code) == ("legal", "Pilvepood OÜ", "12345678")
    assert payer.vat_number == "EE102329731"
    assert payer.vat_number_format_valid is True
    assert (payer.street, payer.postal_code) == ("Narva mnt 5", "10117")


def test_legal_person_without_vat_number_registers__ACC_01(client, policies):
    response = _sign_up(client, legal_signup(vat_number=""))

    assert response.status_code == 302
    payer = Payer.objects.get()
    assert payer.vat_number == ""
    assert payer.vat_number_format_valid is False


def test_natural_person_needs_name_and_phone__ACC_01(client, policies):
    errors = _refused(client, natural_signup(first_name="", last_name="", phone=""))

    assert set(errors) == {"first_name", "last_name", "phone"}
    assert errors["first_name"] == ["This field is required."]


def test_legal_person_needs_company_and_registry_code__ACC_01(client, policies):
    errors = _refused(client, legal_signup(company_name="", registry_code=""))

    assert set(errors) == {"company_name", "registry_code"}


def test_every_person_needs_an_address__ACC_01(client, policies):
    errors = _refused(client, natural_signup(street="", city="", country=""))

    assert set(errors) == {"street", "city", "country"}
    assert errors["street"] == ["This field is required."]


def test_kind_must_be_natural_or_legal__ACC_01(client, policies):
    errors = _refused(client, natural_signup(kind="robot"))

    assert set(errors) == {"kind"}


def test_vat_number_is_normalised__ACC_01(client, policies):
    _sign_up(client, legal_signup(vat_number="ee 102.329-731"))

    assert Client.objects.get().vat_number == "EE102329731"
    assert Payer.objects.get().vat_number == "EE102329731"


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        (
            {"vat_number": "EE102329732"},
            "This is not a valid EU VAT number (country prefix and digits).",
        ),
        (
            {"vat_number": "102329731"},
            "This is not a valid EU VAT number (country prefix and digits).",
        ),
        (
            {"country": "LV"},
            "The VAT number's prefix EE does not match the country LV.",
        ),
        (
            {"country": "US", "phone": "+1 202 555 0143"},
            "A VAT number is only taken for countries of the European Union.",
        ),
        (
            {"country": "NO"},
            "A VAT number is only taken for countries of the European Union.",
        ),
    ],
)
def test_bad_vat_number_is_refused__ACC_01(client, policies, overrides, problem):
    errors = _refused(client, legal_signup(**overrides))

    assert errors == {"vat_number": [problem]}


@pytest.mark.parametrize(
    ("entered", "country", "stored"),
    [
        ("+372 5555 0101", "EE", "+37255550101"),
        ("5555 0101", "EE", "+37255550101"),
        ("(0)30 1234567", "DE", "+49301234567"),
        ("00372 5555 0101", "FI", "+37255550101"),
    ],
)
def test_phone_is_stored_in_e164__ACC_01(client, policies, entered, country, stored):
    response = _sign_up(client, natural_signup(phone=entered, country=country))

    assert response.status_code == 302
    assert Client.objects.get().phone == stored


@pytest.mark.parametrize("entered", ["12", "call me", "+372"])
def test_impossible_phone_is_refused__ACC_01(client, policies, entered):
    errors = _refused(client, natural_signup(phone=entered))

    assert set(errors) == {"phone"}


def test_acceptance_of_the_policies_in_force_is_stored__ACC_02(client, policies):
    moment = datetime(2026, 5, 4, 10, 15, tzinfo=UTC)
    with time_machine.travel(moment, tick=False):
        _sign_up(client, natural_signup())

    user = User.objects.get()
    acceptances = {
        acceptance.document.kind: acceptance
        for acceptance in PolicyAcceptance.objects.filter(user=user)
    }
    assert set(acceptances) == {"terms", "privacy"}
    for kind, acceptance in acceptances.items():
        assert acceptance.document == policies[kind]
        assert acceptance.document.version == "1.0"
        assert acceptance.accepted_at == moment
        assert acceptance.ip_address == SIGNUP_IP


def test_a_later_sign_up_accepts_the_new_versions__ACC_02(client, policies):
    _sign_up(client, natural_signup())
    client.logout()
    newer = {
        kind: policy_publish(kind=kind, version="2.0", title=kind, body=f"{kind} v2")
        for kind in (PolicyDocument.Kind.TERMS, PolicyDocument.Kind.PRIVACY)
    }

    _sign_up(client, legal_signup())

    first = User.objects.get(email="mari.maasikas@example.com")
    second = User.objects.get(email="billing@pilvepood.example")
    assert sorted(
        PolicyAcceptance.objects.filter(user=first).values_list(
            "document__kind", "document__version"
        )
    ) == [("privacy", "1.0"), ("terms", "1.0")]
    assert sorted(
        PolicyAcceptance.objects.filter(user=second).values_list("document_id", flat=True)
    ) == sorted(document.pk for document in newer.values())


def test_a_version_published_for_later_is_not_yet_accepted__ACC_02(client, policies):
    policy_publish(
        kind=PolicyDocument.Kind.TERMS,
        version="3.0",
        title="Terms",
        body="Terms v3",
        published_at=datetime(2099, 1, 1, tzinfo=UTC),
    )

    _sign_up(client, natural_signup())

    assert sorted(PolicyAcceptance.objects.values_list("document__kind", "document__version")) == [
        ("privacy", "1.0"),
        ("terms", "1.0"),
    ]


def test_policies_must_be_accepted__ACC_02(client, policies):
    data = natural_signup()
    del data["accept_policies"]

    errors = _refused(client, data)

    assert errors == {"accept_policies": ["Accept the terms and the privacy policy."]}


def test_sign_up_is_closed_without_published_policies__ACC_02(client, db):
    errors = _refused(client, natural_signup())

    assert errors == {
        "__all__": [
            "Sign-up is closed until the provider publishes its terms of service and privacy "
            "policy."
        ]
    }


def test_without_age_declaration_nothing_is_stored__ACC_03(client, policies):
    data = natural_signup()
    del data["age_declaration"]
    audit_events = AuditEvent.objects.count()  # publishing the policies is audited

    errors = _refused(client, data)

    assert errors == {"age_declaration": ["Declare that you are at least 16."]}
    assert User.objects.count() == 0
    assert EmailAddress.objects.count() == 0
    assert Client.objects.count() == 0
    assert Payer.objects.count() == 0
    assert PolicyAcceptance.objects.count() == 0
    assert AuditEvent.objects.count() == audit_events


def test_every_problem_is_shown_at_once__ACC_03(client, policies):
    data = natural_signup(first_name="", phone="")
    del data["age_declaration"]
    del data["accept_policies"]

    errors = _refused(client, data)

    assert set(errors) == {"age_declaration", "accept_policies", "first_name", "phone"}


def test_minimum_age_is_a_provider_setting_shown_in_the_label__ACC_03(client, policies):
    page = client.get(SIGNUP)
    assert page.context["form"].fields["age_declaration"].label == "I am 16 years old or older"
    assert "I am 16 years old or older" in page.content.decode()

    provider_setting_change(key="accounts.minimum_age", raw_value="18")

    page = client.get(SIGNUP)
    assert page.context["form"].fields["age_declaration"].label == "I am 18 years old or older"
    assert "I am 18 years old or older" in page.content.decode()
    data = natural_signup()
    del data["age_declaration"]
    assert _refused(client, data) == {"age_declaration": ["Declare that you are at least 18."]}


def test_a_failure_after_the_user_row_leaves_nothing_behind__ACC_03(client, policies, settings):
    """The verification mail is sent after the user, client and payer rows are written; when
    the mail server refuses, the whole sign-up is undone and can simply be repeated."""
    locmem = settings.MAILERS
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            # the discard port: nothing listens, the connection is refused
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
        }
    }
    counts = table_counts()

    with pytest.raises(OSError):
        _sign_up(client, natural_signup())

    assert table_counts() == counts
    assert User.objects.count() == 0

    settings.MAILERS = locmem
    cache.clear()  # past allauth's cooldown between two verification mails to one address
    response = _sign_up(client, natural_signup())
    assert response.status_code == 302
    assert User.objects.get().email == "mari.maasikas@example.com"
    assert len(mail.outbox) == 1

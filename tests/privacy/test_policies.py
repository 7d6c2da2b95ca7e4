"""Policy versions (GDPR-10, NTF-03): a published version is announced to every client with a
live service, every version stays readable with its dates, a version asking for re-acceptance
is asked at the next sign-in and blocks orders until accepted, and Markdown never runs HTML."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hostledger.core.errors import DomainError
from hostledger.flows.policies import policy_published
from hostledger.notifications.models import Announcement, Notification
from hostledger.privacy.models import PolicyAcceptance, PolicyDocument
from hostledger.privacy.policies import (
    DiffLine,
    check_policies_accepted_for_ordering,
    current_policy,
    policies_reaccept,
    policies_to_reaccept,
    policy_diff,
    policy_publish,
    policy_versions,
    render_policy_markdown,
)
from hostledger.subscriptions.actions import order_place
from hostledger.subscriptions.models import Order
from tests.notifications.conftest import make_client
from tests.subscriptions.factories import TODAY, new_payer
from tests.web.conftest import login, make_client_user
from tests.web.test_client_service_pages import vps_choices


def publish_v2(*, requires_reacceptance: bool, actor=None, kind="terms", version="2.0"):
    return policy_published(
        kind=kind,
        version=version,
        title="Terms of service",
        body="# Terms\n\n7. Notice of termination is **two** months.",
        requires_reacceptance=requires_reacceptance,
        change_summary="Section 7: the notice is two months.",
        actor=actor,
    )


@pytest.mark.django_db
def test_publishing_announces_to_every_client_with_a_live_service_once__NTF_03_GDPR_10(
    make_service, policies
):
    active, suspended = make_client(), make_client()
    make_service(active)
    make_service(suspended, status="suspended")
    make_service(make_client(), status="terminated")

    published = publish_v2(requires_reacceptance=True)

    assert published.recipients == 2
    announcement = published.announcement
    assert announcement.kind == Announcement.Kind.POLICY_CHANGE
    assert announcement.subject == "Terms of service: version 2.0"
    assert "Section 7: the notice is two months." in announcement.body
    assert "http://127.0.0.1:8000/policies/terms/" in announcement.body
    assert "asked to accept the new version the next time you sign in" in announcement.body
    assert sorted(
        Notification.objects.filter(announcement=announcement).values_list("client_id", flat=True)
    ) == sorted([active.pk, suspended.pk])
    assert set(
        Notification.objects.filter(announcement=announcement).values_list("event", flat=True)
    ) == {"policy_changed"}
    assert current_policy("terms") == published.document


@pytest.mark.django_db
def test_a_refused_version_publishes_and_announces_nothing__GDPR_10_NTF_03(policies):
    with pytest.raises(DomainError) as refused:
        policy_published(
            kind="terms",
            version="1.0",
            title="",
            body="   ",
            requires_reacceptance=False,
        )
    assert refused.value.fields == {
        "version": "already exists",
        "title": "required",
        "body": "required",
    }
    assert PolicyDocument.objects.count() == 2
    assert not Announcement.objects.exists()


@pytest.mark.django_db
def test_every_version_stays_with_the_dates_it_was_in_force__GDPR_10(policies):
    first = policies["terms"]
    PolicyDocument.objects.filter(pk=first.pk).update(
        published_at=timezone.now() - timedelta(days=30)
    )
    second = policy_publish(kind="terms", version="2.0", title="Terms", body="v2")

    versions = policy_versions("terms")

    assert [item.version for item in versions] == ["2.0", "1.0"]
    assert versions[0].in_force_until is None
    assert versions[1].in_force_until == second.published_at


@pytest.mark.django_db
def test_archive_and_version_pages_show_every_version__GDPR_10(client, policies):
    policy_publish(kind="terms", version="2.0", title="Terms of service", body="Second text.")

    archive = client.get(reverse("web:policy_archive", args=["terms"]))
    old = client.get(reverse("web:policy_version", args=["terms", "1.0"]))
    current = client.get(reverse("web:policy", args=["terms"]))

    assert archive.status_code == 200
    html = archive.content.decode()
    assert ">2.0</a>" in html and ">1.0</a>" in html and "in force" in html
    assert old.status_code == 200
    assert "This version is no longer in force" in old.content.decode()
    assert "The terms of service." in old.content.decode()
    assert "Second text." in current.content.decode()
    assert "no longer in force" not in current.content.decode()
    assert client.get(reverse("web:policy_version", args=["terms", "9.9"])).status_code == 404
    assert client.get(reverse("web:policy_archive", args=["cookies"])).status_code == 404


def test_markdown_is_rendered_and_raw_html_never_runs__GDPR_10():
    html = render_policy_markdown(
        "# Title\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1)) and [ok](/cookies/)"
    )
    assert "<h1>Title</h1>" in html
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="javascript' not in html
    assert '<a href="/cookies/">ok</a>' in html


def test_the_diff_shows_added_and_removed_lines_with_context__GDPR_10():
    previous = "1. Scope\n2. Prices\n3. Notice is one month\n4. Law\n"
    proposed = "1. Scope\n2. Prices\n3. Notice is two months\n4. Law\n"
    assert policy_diff(previous, proposed) == [
        DiffLine("same", "1. Scope"),
        DiffLine("same", "2. Prices"),
        DiffLine("removed", "3. Notice is one month"),
        DiffLine("added", "3. Notice is two months"),
        DiffLine("same", "4. Law"),
    ]
    assert policy_diff("same", "same") == []


@pytest.mark.django_db
def test_a_version_without_reacceptance_asks_nothing__GDPR_10(owner_a):
    publish_v2(requires_reacceptance=False)
    assert policies_to_reaccept(owner_a) == []
    check_policies_accepted_for_ordering(owner_a)  # does not raise


@pytest.mark.django_db
def test_reacceptance_is_asked_until_the_new_version_is_accepted__GDPR_10(owner_a, staff):
    published = publish_v2(requires_reacceptance=True)
    # a later minor version without re-acceptance still needs the earlier one accepted
    minor = policy_publish(kind="terms", version="2.1", title="Terms of service", body="v2.1")

    assert policies_to_reaccept(owner_a) == [minor]
    assert policies_to_reaccept(staff("administrator")) == []

    policies_reaccept(user=owner_a, documents=[minor], ip_address="192.0.2.7")

    assert policies_to_reaccept(owner_a) == []
    acceptance = PolicyAcceptance.objects.get(user=owner_a, document=minor)
    assert acceptance.ip_address == "192.0.2.7"
    assert published.document.requires_reacceptance is True


@pytest.mark.django_db
def test_only_the_version_in_force_can_be_accepted__GDPR_10(owner_a, policies):
    publish_v2(requires_reacceptance=True)
    before = PolicyAcceptance.objects.count()
    with pytest.raises(DomainError) as refused:
        policies_reaccept(user=owner_a, documents=[policies["terms"]], ip_address=None)
    assert refused.value.code == "policy_not_current"
    assert PolicyAcceptance.objects.count() == before


@pytest.mark.django_db
def test_an_order_is_refused_until_the_new_terms_are_accepted__GDPR_10(shop, policies):
    client = make_client()
    payer = new_payer(client)
    publish_v2(requires_reacceptance=True)

    def place():
        return order_place(
            client=client,
            payer=payer,
            tariff=shop.vps_start,
            period_months=1,
            os_image=shop.debian,
            actor=client.owner,
            today=TODAY,
        )

    with pytest.raises(DomainError) as refused:
        place()
    assert refused.value.code == "policy_acceptance_required"
    assert refused.value.message == (
        "The account holder must accept the new terms of service (version 2.0) before an "
        "order is placed; the client area asks for it at sign-in."
    )
    assert not Order.objects.filter(client=client).exists()

    policies_reaccept(user=client.owner, documents=[current_policy("terms")], ip_address=None)
    order = place()
    assert Order.objects.filter(client=client).get() == order


@pytest.mark.django_db
def test_signing_in_leads_to_the_accept_page_and_accepting_continues__GDPR_10(client, policies):
    user = make_client_user("kadri@example.com", password="Purple-lighthouse-2931")
    publish_v2(requires_reacceptance=True)

    signed_in = client.post(
        reverse("account_login"),
        {"login": "kadri@example.com", "password": "Purple-lighthouse-2931"},
    )

    assert signed_in.status_code == 302
    assert signed_in["Location"] == reverse("web:policy_reaccept") + "?next=%2F"
    page = client.get(signed_in["Location"])
    assert page.status_code == 200
    assert "Notice of termination is <strong>two</strong> months." in page.content.decode()

    unticked = client.post(reverse("web:policy_reaccept"), {"documents": ["terms:2.0"]})
    assert unticked.status_code == 400
    assert policies_to_reaccept(user) != []

    accepted = client.post(
        reverse("web:policy_reaccept"),
        {"documents": ["terms:2.0"], "accept": "on", "next": "/payers/"},
    )
    assert accepted.status_code == 302 and accepted["Location"] == "/payers/"
    assert policies_to_reaccept(user) == []
    assert PolicyAcceptance.objects.filter(user=user, document__version="2.0").count() == 1


@pytest.mark.django_db
def test_signing_in_without_a_version_to_accept_goes_to_the_dashboard__GDPR_10(client, policies):
    make_client_user("kadri@example.com", password="Purple-lighthouse-2931")
    publish_v2(requires_reacceptance=False)
    signed_in = client.post(
        reverse("account_login"),
        {"login": "kadri@example.com", "password": "Purple-lighthouse-2931"},
    )
    assert signed_in["Location"] == "/"


@pytest.mark.django_db
def test_the_order_form_says_why_an_order_waits__GDPR_10(client, shop, policies):
    user = make_client_user("kadri@example.com")
    publish_v2(requires_reacceptance=True)
    login(client, user)

    response = client.post(reverse("web:order_new"), vps_choices(shop, user.client.payers.get()))
    assert response.status_code == 400
    assert "must accept the new terms of service (version 2.0)" in response.content.decode()
    assert not Order.objects.filter(client=user.client).exists()


@pytest.mark.django_db
def test_staff_preview_shows_the_diff_and_saves_nothing__GDPR_10(client, staff, policies):
    login(client, staff("privacy_officer"))
    data = {
        "kind": "terms",
        "version": "2.0",
        "title": "Terms of service",
        "body": "The terms of service.\n\nA new section.",
        "requires_reacceptance": "on",
        "change_summary": "A new section.",
    }

    preview = client.post(reverse("web:staff_policy_preview"), data)

    assert preview.status_code == 200
    assert [line.change for line in preview.context["diff"]] == ["same", "added", "added"]
    assert PolicyDocument.objects.count() == 2 and not Announcement.objects.exists()

    published = client.post(reverse("web:staff_policy_publish"), data)

    assert published.status_code == 302
    document = current_policy("terms")
    assert (document.version, document.requires_reacceptance) == ("2.0", True)
    assert Announcement.objects.get().kind == Announcement.Kind.POLICY_CHANGE


@pytest.mark.django_db
def test_staff_publishing_a_used_version_is_refused_naming_the_field__GDPR_10(
    client, staff, policies
):
    login(client, staff("administrator"))
    response = client.post(
        reverse("web:staff_policy_publish"),
        {"kind": "terms", "version": "1.0", "title": "Terms", "body": "Text"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["version"] == ["already exists"]
    assert PolicyDocument.objects.count() == 2 and not Announcement.objects.exists()


@pytest.mark.django_db
def test_the_demo_ships_real_terms_and_privacy_texts__GDPR_10():
    from hostledger.privacy.demo import demo_policy_texts

    texts = {kind: (title, body) for kind, title, body in demo_policy_texts()}

    terms_title, terms = texts["terms"]
    privacy_title, privacy = texts["privacy"]
    assert (terms_title, privacy_title) == ("Terms of service", "Privacy policy")
    for body in (terms, privacy):
        assert "$" not in body  # every placeholder filled
        assert "SmartApe OÜ" in body  # the provider's legal name from the settings
    assert "Right of withdrawal" in terms and "14 days" in terms
    assert "0.1% of the overdue amount" in terms
    assert "Data Protection Inspectorate" in privacy
    assert "7 years after the end of the financial year" in privacy
    assert "| Data | Purpose | Legal basis | Kept for |" in privacy
    assert "<table>" in render_policy_markdown(privacy)

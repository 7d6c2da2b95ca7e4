"""Pages of the staff area: the two-factor gate, clients, staff users and roles, provider
settings and job runs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from hostledger.accounts.models import StaffRole, User
from hostledger.core.audit import PERSONAL_DATA_READ
from hostledger.core.models import AuditEvent, JobRun, ProviderSettingChange
from hostledger.core.registry import provider_setting_change, setting_value
from hostledger.web.templatetags.hostledger_display import moment
from tests.queued_tasks import run_queued_tasks
from tests.web.conftest import login, make_staff_user


@pytest.fixture
def admin(client, db):
    member = make_staff_user("administrator")
    login(client, member)
    return member


# ----------------------------------------------------------------------------- the gate


def test_staff_without_two_factor_are_sent_to_set_it_up__ACC_09(client, db):
    member = make_staff_user("administrator", with_authenticator=False)
    login(client, member)
    response = client.get(reverse("web:setting_list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    follow = client.get(reverse("web:staff_home"), follow=True)
    assert "Two-factor sign-in is mandatory for staff." in follow.content.decode()


def test_staff_without_two_factor_cannot_write_either__ACC_09(client, db):
    member = make_staff_user("administrator", with_authenticator=False)
    login(client, member)
    response = client.post(
        reverse("web:setting_detail", args=["accounts.minimum_age"]), {"value": "18", "reason": "x"}
    )
    assert response.status_code == 302
    assert setting_value("accounts.minimum_age") == 16


def test_clients_get_403_in_the_staff_area(client, owner_a):
    login(client, owner_a)
    response = client.get(reverse("web:staff_home"))
    assert response.status_code == 403
    assert "The staff area is for the provider" in response.content.decode()


def test_navigation_shows_only_what_the_role_allows__ACC_11(client, db):
    login(client, make_staff_user("support"))
    html = client.get(reverse("web:staff_home")).content.decode()
    assert reverse("web:staff_client_search") in html
    assert reverse("web:setting_list") not in html
    assert reverse("web:staff_user_list") not in html
    assert reverse("web:job_list") not in html


# ----------------------------------------------------------------------------- clients


def test_client_search_by_public_id_email_and_phone(admin, client, client_a, client_b):
    for query in (client_a.public_id, "ANNA@example.com", "+372 5555 0101"):
        html = client.post(
            reverse("web:staff_client_search"), {"q": query}, follow=True
        ).content.decode()
        assert client_a.public_id in html, query
        if query != "+372 5555 0101":  # both demo clients share the phone number
            assert client_b.public_id not in html, query
    html = client.post(
        reverse("web:staff_client_search"), {"q": "nobody@x.example"}, follow=True
    ).content
    assert "No client matches" in html.decode()


def test_client_detail_shows_personal_data_and_records_the_reading__GDPR_12(
    admin, client, client_a, contact_a
):
    response = client.get(reverse("web:staff_client_detail", args=[client_a.public_id]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Anna Tamm" in html and "anna@example.com" in html and "+37255550101" in html
    assert "Tiit Tehnik" in html
    event = AuditEvent.objects.get(action=PERSONAL_DATA_READ)
    assert (event.actor_id, event.subject_client_id, event.object_id) == (
        admin.pk,
        client_a.pk,
        client_a.public_id,
    )
    assert "payers" in event.data["what"]


def test_client_detail_hides_personal_data_without_the_permission__GDPR_12(
    client, client_a, contact_a
):
    login(client, make_staff_user("abuse"))
    response = client.get(reverse("web:staff_client_detail", args=[client_a.public_id]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Personal data is hidden" in html
    for personal in ("Anna", "anna@example.com", "+37255550101", "Ahtri", "Tiit Tehnik"):
        assert personal not in html
    assert not AuditEvent.objects.filter(action=PERSONAL_DATA_READ).exists()


def test_unknown_client_is_404(admin, client):
    assert client.get(reverse("web:staff_client_detail", args=["cli_nope"])).status_code == 404


# ----------------------------------------------------------------------------- staff users


def test_staff_user_is_created_with_roles_and_the_change_is_mailed__ACC_11(admin, client):
    response = client.post(
        reverse("web:staff_user_create"),
        {
            "email": "mart@staff.example",
            "full_name": "Mart Abi",
            "roles": ["support", "billing"],
            "permissions": ["audit.view"],
        },
    )
    member = User.objects.get(email="mart@staff.example")
    assert response.status_code == 302
    assert response["Location"] == reverse("web:staff_user_detail", args=[member.public_id])
    assert member.is_staff
    assert sorted(member.staff_roles.values_list("slug", flat=True)) == ["billing", "support"]
    assert member.extra_permissions == ["audit.view"]
    assert not member.has_usable_password()


def test_staff_change_notice_goes_out_after_commit__ACC_11(
    admin, client, django_capture_on_commit_callbacks
):
    run_queued_tasks()  # the notice of the administrator's own creation
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("web:staff_user_create"),
            {"email": "mart@staff.example", "full_name": "Mart Abi", "roles": ["support"]},
        )
    run_queued_tasks()
    assert [message.subject for message in mail.outbox] == [
        "[HostLedger] Staff user mart@staff.example created"
    ]


def test_staff_user_form_names_invalid_fields(admin, client):
    response = client.post(
        reverse("web:staff_user_create"),
        {"email": admin.email, "full_name": "Copy", "roles": ["support"]},
    )
    assert response.status_code == 400
    assert 'id="id_email_error"' in response.content.decode()
    assert User.objects.filter(is_staff=True).count() == 1


def test_staff_access_change_and_deactivation__ACC_11(admin, client):
    member = make_staff_user("support")
    response = client.post(
        reverse("web:staff_user_detail", args=[member.public_id]),
        {"roles": ["abuse"], "permissions": ["jobs.view"]},
    )  # "is_active" unticked
    assert response.status_code == 302
    member.refresh_from_db()
    assert list(member.staff_roles.values_list("slug", flat=True)) == ["abuse"]
    assert (member.extra_permissions, member.is_active) == (["jobs.view"], False)
    html = client.get(reverse("web:staff_user_list")).content.decode()
    assert "Inactive" in html


def test_staff_cannot_deactivate_themselves(admin, client):
    response = client.post(
        reverse("web:staff_user_detail", args=[admin.public_id]), {"roles": ["administrator"]}
    )
    assert response.status_code == 400
    assert "You cannot deactivate yourself." in response.content.decode()
    admin.refresh_from_db()
    assert admin.is_active


def test_role_permissions_are_changed__ACC_11(admin, client):
    response = client.post(
        reverse("web:role_detail", args=["support"]), {"permissions": ["clients.view", "jobs.view"]}
    )
    assert response.status_code == 302
    assert StaffRole.objects.get(slug="support").permissions == ["clients.view", "jobs.view"]
    assert client.get(reverse("web:role_detail", args=["nope"])).status_code == 404


def test_role_list_shows_member_counts(admin, client):
    make_staff_user("support")
    html = client.get(reverse("web:role_list")).content.decode()
    assert "Privacy officer" in html
    assert "clients.view_personal_data" in html


# ----------------------------------------------------------------------------- settings


def test_settings_are_listed_by_app_with_value_default_rule_and_unit(admin, client):
    provider_setting_change(key="accounts.lockout_failures", raw_value="7", actor=admin)
    html = client.get(reverse("web:setting_list")).content.decode()
    assert "<h2>Accounts</h2>" in html and "<h2>Privacy</h2>" in html
    assert "Minimum age to register" in html and "ACC-03" in html and "years" in html
    assert "<strong>7</strong>" in html and "Changed" in html


def test_setting_is_changed_with_a_reason_and_kept_in_history(admin, client):
    url = reverse("web:setting_detail", args=["accounts.minimum_age"])
    response = client.post(url, {"value": "18", "reason": "Local law asks for 18"})
    assert response.status_code == 302
    assert setting_value("accounts.minimum_age") == 18
    change = ProviderSettingChange.objects.get()
    assert (change.old_value, change.new_value, change.changed_by_id, change.reason) == (
        16,
        18,
        admin.pk,
        "Local law asks for 18",
    )
    html = client.get(url).content.decode()
    assert "Local law asks for 18" in html
    history = client.get(reverse("web:setting_history")).content.decode()
    assert "Minimum age to register" in history and "Local law asks for 18" in history


def test_setting_value_out_of_range_is_refused_on_its_field(admin, client):
    url = reverse("web:setting_detail", args=["accounts.minimum_age"])
    response = client.post(url, {"value": "99", "reason": "typo"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_value_error"' in html and "must be at most 21" in html
    response = client.post(url, {"value": "18", "reason": ""})
    assert 'id="id_reason_error"' in response.content.decode()
    assert not ProviderSettingChange.objects.exists()


def test_setting_is_reset_to_its_default(admin, client):
    provider_setting_change(key="accounts.minimum_age", raw_value="18", actor=admin)
    response = client.post(
        reverse("web:setting_reset", args=["accounts.minimum_age"]), {"reason": "Back to the seed"}
    )
    assert response.status_code == 302
    assert setting_value("accounts.minimum_age") == 16
    assert ProviderSettingChange.objects.filter(reset_to_default=True).count() == 1


def test_unknown_setting_is_404(admin, client):
    assert client.get(reverse("web:setting_detail", args=["no.such"])).status_code == 404


# ----------------------------------------------------------------------------- jobs


def test_job_list_shows_registered_jobs_and_runs(admin, client):
    html = client.get(reverse("web:job_list")).content.decode()
    assert "privacy.purge_expired_sessions" in html and "every day" in html
    assert "Run now" in html


def test_the_jobs_pages_say_a_run_was_abandoned_and_when_it_was_last_seen__AUT_01(admin, client):
    last_seen = timezone.now() - timedelta(minutes=3)
    run = JobRun.objects.create(
        job_name="automation.billing_run",
        status=JobRun.Status.ABANDONED,
        started_at=last_seen - timedelta(minutes=1),
        heartbeat_at=last_seen,
        host="billing-1",
        process_id=4242,
    )
    listing = client.get(reverse("web:job_list")).content.decode()
    assert "Abandoned" in listing
    detail = client.get(reverse("web:job_run_detail", args=[run.pk])).content.decode()
    assert "Abandoned" in detail
    assert f"Last seen</dt><dd>{moment(last_seen)}" in detail
    assert "process 4242 on billing-1" in detail
    assert "hx-trigger" not in detail


def test_run_now_queues_a_run_and_opens_it(admin, client):
    response = client.post(reverse("web:job_run_now"), {"name": "privacy.purge_expired_sessions"})
    run = JobRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("web:job_run_detail", args=[run.pk])
    assert (run.status, run.triggered_by_id, run.slot) == ("queued", admin.pk, None)


def test_run_now_refuses_an_unknown_job(admin, client):
    client.post(reverse("web:job_run_now"), {"name": "nothing.here"})
    assert not JobRun.objects.exists()


def test_running_job_page_polls_its_progress_and_stops_when_done(admin, client):
    run = JobRun.objects.create(
        job_name="privacy.purge_expired_sessions",
        status="running",
        progress_done=40,
        progress_total=100,
        log="line one",
    )
    detail = client.get(reverse("web:job_run_detail", args=[run.pk])).content.decode()
    progress_url = reverse("web:job_run_progress", args=[run.pk])
    assert f'hx-get="{progress_url}"' in detail and 'hx-trigger="every 2s"' in detail
    assert '<progress max="100" value="40"' in detail

    JobRun.objects.filter(pk=run.pk).update(
        status="succeeded", progress_done=100, counts={"deleted": 100}
    )
    fragment = client.get(progress_url, headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<div id="run-progress"')
    assert "<html" not in fragment
    assert "hx-get" not in fragment  # finished: polling stops
    assert "deleted: 100" in fragment


def test_job_views_need_jobs_view_and_run_needs_jobs_run__ACC_11(client, db):
    login(client, make_staff_user("billing"))
    html = client.get(reverse("web:job_list")).content.decode()
    assert "Run now" not in html
    response = client.post(reverse("web:job_run_now"), {"name": "privacy.purge_expired_sessions"})
    assert response.status_code == 403
    assert not JobRun.objects.exists()


def test_unknown_job_run_is_404(admin, client):
    assert client.get(reverse("web:job_run_detail", args=[999])).status_code == 404


def test_staff_home_lists_failed_runs(admin, client):
    JobRun.objects.create(job_name="privacy.purge_expired_sessions", status="failed", error="boom")
    html = client.get(reverse("web:staff_home")).content.decode()
    assert "Failed job runs" in html


def test_staff_member_without_roles_is_told_so_and_refused_everything__ACC_11(client, db):
    member = make_staff_user("support", email="x@staff.example")
    member.staff_roles.clear()
    login(client, member)
    html = client.get(reverse("web:staff_home")).content.decode()
    assert "no staff permissions yet" in html
    assert client.get(reverse("web:staff_client_search")).status_code == 403

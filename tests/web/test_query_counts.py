"""Query counts of the list pages are pinned: they stay the same however many rows a list
shows (habit 9). Each page is loaded with a dozen rows of everything it lists."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hostledger.accounts import actions
from hostledger.core.jobs import run_job_now
from hostledger.core.models import JobRun
from hostledger.core.registry import provider_setting_change
from tests.web.conftest import STAFF_ROLES, login, make_client_user, make_staff_user

ROWS = 12

CLIENT_LIST_PAGES = {
    "web:dashboard": 19,  # with the open data-verification request, if any (ACC-10), the
    # balance, what is due, services by state and recent messages (issue 11 §8)
    "web:payer_list": 8,
    "web:contact_list": 7,
    "web:access_grant_list": 7,
    "web:sign_in_history": 7,
    "web:api_token_list": 7,
    "web:account_switch": 8,
}
STAFF_LIST_PAGES = {
    "web:staff_home": 14,  # the queues of an administrator and today's payments
    "web:staff_client_search": 5,
    "web:staff_user_list": 7,
    "web:role_list": 5,
    "web:setting_list": 5,
    "web:setting_history": 5,
    "web:job_list": 7,  # intervals of the jobs whose period is a provider setting
}


@pytest.fixture
def busy_client(client, owner_a, client_a, policies):
    """Client A with a dozen payers (some archived), contacts, trusted users, tokens and
    sign-ins, and access to a dozen other accounts."""
    for number in range(ROWS):
        payer = actions.payer_create(
            client=client_a,
            actor=owner_a,
            data={
                "kind": "natural",
                "name": f"Payer {number}",
                "street": "Ahtri 1",
                "city": "Tallinn",
                "country": "EE",
            },
        )
        if number % 3 == 0:
            actions.payer_archive(payer=payer, actor=owner_a)
        actions.contact_create(
            client=client_a,
            actor=owner_a,
            data={
                "role": "billing",
                "name": f"Contact {number}",
                "email": f"contact{number}@example.com",
            },
        )
        other = make_client_user(f"other{number}@example.com")
        actions.access_grant_create(
            client=client_a, actor=owner_a, grantee_email=other.email, scopes=["billing"]
        )
        actions.access_grant_create(
            client=other.client, actor=other, grantee_email=owner_a.email, scopes=["read_only"]
        )
        actions.api_token_create(user=owner_a, name=f"Token {number}", scopes=["read"])
        actions.login_attempt_record(
            identifier=owner_a.email,
            user=owner_a,
            ip_address="198.51.100.7",
            succeeded=number % 2 == 0,
        )
    return login(client, owner_a)


@pytest.fixture
def busy_staff(client, policies):
    admin = make_staff_user("administrator")
    for role in STAFF_ROLES[:-1]:
        make_staff_user(role)
    for number in range(ROWS):
        make_client_user(f"client{number}@example.com")
        make_staff_user("support", email=f"support{number}@staff.example")
        run = run_job_now("privacy.purge_expired_sessions", actor=admin)
        JobRun.objects.filter(pk=run.pk).update(status="failed", error="boom")
        provider_setting_change(
            key="accounts.minimum_age",
            raw_value=str(16 + number % 3),
            actor=admin,
            reason=f"change {number}",
        )
    return login(client, admin)


@pytest.mark.parametrize(("url_name", "most"), CLIENT_LIST_PAGES.items())
def test_client_list_pages_have_a_fixed_query_count(
    busy_client, url_name, most, django_assert_max_num_queries
):
    with django_assert_max_num_queries(most):
        response = busy_client.get(reverse(url_name))
    assert response.status_code == 200


@pytest.mark.parametrize(("url_name", "most"), STAFF_LIST_PAGES.items())
def test_staff_list_pages_have_a_fixed_query_count(
    busy_staff, url_name, most, django_assert_max_num_queries
):
    with django_assert_max_num_queries(most):
        response = busy_staff.get(reverse(url_name))
    assert response.status_code == 200

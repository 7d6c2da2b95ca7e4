"""Requests for paper acts posted once a quarter (DOC-03)."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from hostledger.accounts.models import Payer
from hostledger.core.errors import DomainError, NotFound
from hostledger.core.models import AuditEvent
from hostledger.core.registry import provider_setting_change
from hostledger.invoicing.act_selectors import (
    acts_of_paper_request,
    client_paper_act_request,
    client_paper_act_requests,
    paper_act_requests_for_staff,
)
from hostledger.invoicing.actions import (
    paper_act_request_file,
    paper_act_request_mark_sent,
    paper_act_request_withdraw,
)
from hostledger.invoicing.models import PaperActRequest
from tests.invoicing.act_factories import (
    FEBRUARY,
    JANUARY,
    act_state,
    at,
    form,
    january_service,
    paid_invoice,
)
from tests.invoicing.conftest import line, make_client, make_payer

pytestmark = pytest.mark.django_db

FIRST_QUARTER = (date(2025, 1, 1), date(2025, 3, 31))


@pytest.fixture(autouse=True)
def _mid_february():
    with time_machine.travel(at(2025, 2, 10), tick=False):
        yield


@pytest.fixture
def owner(estonian_client):
    return estonian_client.owner


def file(client, payer, actor, **extra) -> PaperActRequest:
    return paper_act_request_file(client=client, payer=payer, actor=actor, **extra)


def test_paper_act_request_is_filed_once_per_payer_and_quarter__DOC_03(
    estonian_client, estonian_payer, owner
):
    request = file(estonian_client, estonian_payer, owner)

    assert (request.period_start, request.period_end) == FIRST_QUARTER
    assert (request.status, request.requested_by, request.requested_at) == (
        "requested",
        owner,
        at(2025, 2, 10),
    )
    assert request.postal_address["name"] == "Mari Maasikas"
    assert (request.postal_address["street"], request.postal_address["postal_code"]) == (
        "Hauptstraße 1",
        "10115",
    )
    before = act_state()
    with pytest.raises(DomainError) as again:
        file(estonian_client, estonian_payer, owner, quarter_of=date(2025, 3, 31))
    assert (again.value.code, again.value.status) == ("paper_acts_already_requested", 409)
    assert again.value.fields == {"quarter_of": "already requested for this payer"}
    assert act_state() == before

    company = make_payer(estonian_client, kind="legal", name="Maasikas OÜ", is_default=False)
    other_payer = file(estonian_client, company, owner)
    last_quarter = file(estonian_client, estonian_payer, owner, quarter_of=date(2024, 11, 5))
    assert other_payer.period_start == FIRST_QUARTER[0]
    assert (last_quarter.period_start, last_quarter.period_end) == (
        date(2024, 10, 1),
        date(2024, 12, 31),
    )


def test_a_withdrawn_request_can_be_filed_again__DOC_03(estonian_client, estonian_payer, owner):
    first = file(estonian_client, estonian_payer, owner)

    withdrawn = paper_act_request_withdraw(request=first, actor=owner)
    second = file(estonian_client, estonian_payer, owner)

    assert (withdrawn.status, withdrawn.withdrawn_at) == ("withdrawn", at(2025, 2, 10))
    assert second.status == "requested" and second.pk != first.pk


def test_staff_mark_a_request_sent_once_and_it_is_audited__DOC_03(
    estonian_client, estonian_payer, owner, staff
):
    request = file(estonian_client, estonian_payer, owner)

    sent = paper_act_request_mark_sent(request=request, actor=staff, note=" RR123456789EE ")

    assert (sent.status, sent.sent_by, sent.sent_at, sent.sent_note) == (
        "sent",
        staff,
        at(2025, 2, 10),
        "RR123456789EE",
    )
    event = AuditEvent.objects.get(action="paper_act_request.sent")
    assert (event.object_id, event.actor_id, event.subject_client_id) == (
        request.public_id,
        staff.pk,
        estonian_client.pk,
    )
    before = act_state()
    for attempt in (
        lambda: paper_act_request_mark_sent(request=request, actor=staff),
        lambda: paper_act_request_withdraw(request=request, actor=owner),
    ):
        with pytest.raises(DomainError) as closed:
            attempt()
        assert closed.value.fields == {"request": "status is sent"}
    assert act_state() == before


@pytest.mark.parametrize(
    ("quarter_of", "fields"),
    [
        (date(2025, 4, 1), {"quarter_of": "a period that has not begun"}),
        (at(2025, 1, 5), {"quarter_of": "expected a date"}),
        ("2025-01-05", {"quarter_of": "expected a date"}),
    ],
)
def test_bad_quarter_names_the_field_and_writes_nothing__DOC_03(
    estonian_client, estonian_payer, owner, quarter_of, fields
):
    before = act_state()

    with pytest.raises(DomainError) as error:
        file(estonian_client, estonian_payer, owner, quarter_of=quarter_of)

    assert error.value.fields == fields
    assert act_state() == before


def test_payer_must_be_the_clients_own_and_not_archived__DOC_03(
    estonian_client, estonian_payer, german_company_payer, owner
):
    before = act_state()
    with pytest.raises(DomainError) as foreign:
        file(estonian_client, german_company_payer, owner)
    Payer.objects.filter(pk=estonian_payer.pk).update(archived_at=at(2025, 2, 1))
    estonian_payer.refresh_from_db()
    with pytest.raises(DomainError) as archived:
        file(estonian_client, estonian_payer, owner)

    assert foreign.value.fields == {"payer": "not a payer of this client"}
    assert archived.value.fields == {"payer": "archived"}
    assert act_state() == before


def test_paper_acts_and_their_period_are_provider_settings__DOC_03(
    estonian_client, estonian_payer, owner
):
    provider_setting_change(key="invoicing.paper_act_period_months", raw_value="6")
    half_year = file(estonian_client, estonian_payer, owner)
    assert (half_year.period_start, half_year.period_end) == (date(2025, 1, 1), date(2025, 6, 30))

    provider_setting_change(key="invoicing.paper_acts_offered", raw_value="false")
    before = act_state()
    with pytest.raises(DomainError) as off:
        file(estonian_client, estonian_payer, owner, quarter_of=date(2024, 12, 1))
    assert (off.value.code, off.value.fields) == (
        "paper_acts_not_offered",
        {"paper_acts": "not offered"},
    )
    assert act_state() == before


def test_postal_address_is_kept_as_filed__DOC_03(estonian_client, estonian_payer, owner):
    request = file(estonian_client, estonian_payer, owner)

    Payer.objects.filter(pk=estonian_payer.pk).update(street="Uus 5", city="Tartu")
    request.refresh_from_db()

    assert (request.postal_address["street"], request.postal_address["city"]) == (
        "Hauptstraße 1",
        "Berlin",
    )


def test_another_clients_request_is_not_found__DOC_03(estonian_client, estonian_payer, owner):
    request = file(estonian_client, estonian_payer, owner)
    stranger = make_client("stranger@example.com")

    assert client_paper_act_request(estonian_client, request.public_id) == request
    assert list(client_paper_act_requests(stranger)) == []
    with pytest.raises(NotFound):
        client_paper_act_request(stranger, request.public_id)


def test_staff_list_shows_open_requests_with_the_acts_to_post__DOC_03(
    estonian_client, estonian_payer, owner, staff
):
    january_service(estonian_client, estonian_payer)
    paid_invoice(
        estonian_client,
        estonian_payer,
        [line("Domain maasikas.ee, one year", "1", "15.00")],
        issued_on=date(2025, 2, 2),
        paid_on=date(2025, 2, 3),
    )
    january_act = form(JANUARY)[0]
    february_act = form(FEBRUARY)[0]
    request = file(estonian_client, estonian_payer, owner)
    older = file(estonian_client, estonian_payer, owner, quarter_of=date(2024, 10, 1))
    paper_act_request_mark_sent(request=older, actor=staff)

    assert list(paper_act_requests_for_staff()) == [request]
    assert list(paper_act_requests_for_staff(status=None)) == [older, request]
    assert list(paper_act_requests_for_staff(status="sent")) == [older]
    assert list(paper_act_requests_for_staff(period_start=date(2025, 1, 1))) == [request]
    assert list(acts_of_paper_request(request)) == [january_act, february_act]
    with pytest.raises(DomainError) as bad_status:
        paper_act_requests_for_staff(status="posted")
    assert bad_status.value.fields == {"status": "unknown status"}

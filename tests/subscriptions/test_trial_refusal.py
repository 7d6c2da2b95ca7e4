"""Refusing a free trial whose continuation was paid ahead (CAT-04, annex 11 §4.3: "If the
Client wants to refuse the service, he will have the opportunity to return the previously
transferred funds"; SPEC CAT-04: a client who refuses the service at the end of a trial gets
back the money paid in advance for it).

A legal client starts a 10-day trial of a VPS Start on 1 March 2027 (free until 10 March) and
the same day orders and pays its one-month continuation, 11 March to 10 April (9.90 net +
24 % VAT = 12.28). Still on day 0 it refuses. The paid service was to begin on 11 March, so
its minimum period (one month) would run from then, not from the trial's first day; none of
it has begun, and everything paid for it comes back."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from hostledger.invoicing.models import CreditNote
from hostledger.ledger.selectors import balance_of
from hostledger.subscriptions.actions import (
    order_place_for_trial,
    service_cancellation_carry_out,
    service_cancellation_request,
)
from hostledger.subscriptions.actions.cancellation import minimum_period_last_day
from hostledger.subscriptions.models import ServiceStatus
from tests.subscriptions.factories import TODAY, eur, fund, new_client, new_payer

pytestmark = pytest.mark.django_db

CONTINUATION_STARTS = date(2027, 3, 11)


def test_a_refused_prepaid_trial_continuation_is_refunded_in_full__CAT_04(
    place, run_hooks, apply_payments
):
    client = new_client(kind="legal", company_name="Näide OÜ", registry_code="12345678")
    payer = new_payer(client, kind="legal", name="Näide OÜ")
    service = place(client=client, payer=payer, trial=True).service
    assert (service.status, service.trial_ends_on) == (ServiceStatus.TRIAL, date(2027, 3, 10))
    fund(client, "12.28")
    order = run_hooks(
        order_place_for_trial,
        service=service,
        payer=payer,
        period_months=1,
        actor=client.owner,
        today=TODAY,
    )
    apply_payments(client, today=TODAY)
    paid = Decimal(order.proforma.gross_minor) / 100
    assert paid == Decimal("12.28")  # 9.90 + 24 % VAT, paid ahead on day 0
    assert balance_of(client) == eur("0.00")
    service.refresh_from_db()
    assert minimum_period_last_day(service) == date(2027, 4, 10)  # from the continuation

    # Day 0: the client refuses, asking for the earliest day the notice period would allow.
    cancellation = service_cancellation_request(
        service=service, effective_on=date(2027, 3, 15), actor=client.owner, today=TODAY
    )
    assert cancellation.effective_on == CONTINUATION_STARTS  # the trial's end, no notice
    done = run_hooks(
        service_cancellation_carry_out, cancellation=cancellation, today=CONTINUATION_STARTS
    )

    service.refresh_from_db()
    assert service.status == ServiceStatus.TERMINATED
    note = CreditNote.objects.get()
    assert (note.net_minor, note.gross_minor) == (-990, -1228)
    assert done.refund_minor == 990
    assert balance_of(client) == eur(str(paid))  # everything paid ahead is back

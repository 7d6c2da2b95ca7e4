# ruff: noqa: S608 - table names come from model metadata and every value is a parameter
"""Paid periods, resumption, suspension, penalties, reminders, trials and termination
proposals, for the clients with ids in ``(low, high]`` (AUT-02 … AUT-06, BIL-07, CAT-04).

Like :mod:`hostledger.automation.renewals`, each function runs a few set-based statements in
the caller's transaction, which holds the clients' balance rows locked, and every effect is
keyed so that a second call writes nothing more: notifications by what they are about,
module calls by the status change that asked for them, decisions by their subject.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from hostledger.accounts.selectors import restricted_clients_sql
from hostledger.automation import conf, sql
from hostledger.automation.domain_renewals import paid_domain_renewals_queue
from hostledger.automation.models import AutomatedDecision, ServiceRenewal
from hostledger.automation.renewals import (
    BALANCE,
    ENTRY,
    INVOICE,
    PAYMENT,
    PENALTY,
    PERIOD,
    PPM,
    RENEWAL,
    SERVICE,
    TXN,
)
from hostledger.core.registry import setting_value
from hostledger.core.selections import SelectionPurpose, client_selection
from hostledger.invoicing.models import Invoice
from hostledger.ledger.chart import provider_account
from hostledger.ledger.models import LedgerAccount, Payment
from hostledger.notifications.bulk import notifications_enqueue_select
from hostledger.provisioning.bulk import operations_hand_over, operations_queue_select
from hostledger.subscriptions.models import ServiceStatus, ServiceStatusChange

STATUS_CHANGE = sql.table(ServiceStatusChange)
DECISION = sql.table(AutomatedDecision)
PAID = "automation_paid"
MOVED = "automation_moved"


def penalty_ppm(percent_per_day: Decimal) -> int:
    """The daily penalty rate in parts per million of the amount (0.1 % is 1,000)."""
    return int((Decimal(percent_per_day) * PPM / 100).to_integral_value())


def _accrue(*, low: int, high: int, through: str, where: str, ppm: int, covered: str) -> int:
    """Upsert the penalty of every renewal invoice ``where`` selects for the days from its due
    date to ``through`` (an SQL date expression), on the unpaid amount and at the rate stored
    when the delay began (BIL-07, 003 §7.9: 0.1 % of the unpaid amount). The unpaid amount is
    the gross less what the balance covered, ``covered`` (an SQL expression, clamped to
    between nothing and the gross). The amount is worked out afresh from the days and rounded
    half up to the cent, never added to, so it is exact however often the run goes, and a
    payment whose value date is earlier than the last accrual shortens it (§5.2)."""
    days = sql.days_between(through, "i.due_on")
    base = f"CAST((i.gross_minor - {_clamped(covered)}) AS bigint)"
    return sql.execute(
        f"""
        INSERT INTO {PENALTY} (invoice_id, client_id, base_minor, rate_ppm, days, amount_minor,
            currency, delay_from, accrued_through, settled)
        SELECT i.id, i.client_id, {base}, {ppm}, {days},
            ({base} * {ppm} * {days} + 500000) / 1000000, i.currency,
            {sql.next_day("i.due_on")}, {through}, false
        FROM {RENEWAL} r JOIN {INVOICE} i ON i.id = r.invoice_id
        LEFT JOIN {BALANCE} b ON b.client_id = i.client_id
        WHERE r.client_id > %s AND r.client_id <= %s AND i.gross_minor > 0
          AND {days} > 0 AND {base} > 0 AND {where}
        ON CONFLICT (invoice_id) DO UPDATE SET days = excluded.days,
            amount_minor = ({PENALTY}.base_minor * {PENALTY}.rate_ppm * excluded.days
                + 500000) / 1000000,
            accrued_through = excluded.accrued_through
        WHERE {PENALTY}.settled = false AND excluded.days <> {PENALTY}.days
        """,
        [low, high],
    )


def _clamped(amount: str) -> str:
    """``amount`` (SQL) held between zero and the invoice's gross."""
    return (
        f"(CASE WHEN {amount} <= 0 THEN 0 WHEN {amount} >= i.gross_minor THEN i.gross_minor "
        f"ELSE {amount} END)"
    )


def _covered_while_unpaid() -> str:
    """What the balance covers of an unpaid renewal invoice: the balance less the unpaid
    renewal invoices before it in the order the run pays them (due date, issue date, id)."""
    return f"""(COALESCE(b.balance_minor, 0) - COALESCE((SELECT SUM(e.gross_minor)
        FROM {RENEWAL} er JOIN {INVOICE} e ON e.id = er.invoice_id
        WHERE er.client_id = r.client_id AND er.state = '{ServiceRenewal.State.INVOICED}'
          AND e.status = '{Invoice.Status.ISSUED}'
          AND (e.due_on < i.due_on OR (e.due_on = i.due_on AND (e.issued_on < i.issued_on
               OR (e.issued_on = i.issued_on AND e.id < i.id))))), 0))"""


def _covered_when_due() -> str:
    """What the balance covered of a renewal invoice just paid, on its due date: the
    balance before the invoice was charged less the payments received after the due date
    (their value dates, §5.2)."""
    return f"""(COALESCE(b.balance_minor, 0) + i.gross_minor - COALESCE((SELECT
        SUM(p.amount_minor) FROM {PAYMENT} p WHERE p.client_id = i.client_id
          AND p.status = '{Payment.Status.MATCHED}' AND p.value_date > i.due_on), 0))"""


def penalties_accrue(*, low: int, high: int, today: date, ppm: int) -> int:
    """Accrue the late-payment penalty of every unpaid renewal invoice past its due date, up
    to ``today``, on the part the balance does not cover (BIL-07). Returns how many
    invoices' accruals were written."""
    if ppm <= 0:
        return 0
    return _accrue(
        low=low,
        high=high,
        through=sql.date_literal(today),
        where="r.state = 'invoiced' AND i.status = 'issued'",
        ppm=ppm,
        covered=_covered_while_unpaid(),
    )


def penalty_settle_at(*, invoice, through: date) -> None:
    """Work out the late-payment penalty of the unpaid renewal ``invoice`` to ``through`` and
    keep it at that (BIL-07): the debt of a terminated service (AUT-02). It is posted to the
    ledger when the invoice is paid, like every settled penalty. Runs in the caller's
    transaction, which holds the client's balance."""
    ppm = penalty_ppm(setting_value(conf.PENALTY_PERCENT_PER_DAY))
    if ppm > 0:
        _accrue(
            low=invoice.client_id - 1,
            high=invoice.client_id,
            through=sql.date_literal(through),
            where=f"i.id = {int(invoice.pk)}",
            ppm=ppm,
            covered=_covered_while_unpaid(),
        )
    sql.execute(
        f"UPDATE {PENALTY} SET settled = true WHERE invoice_id = %s AND settled = false",
        [invoice.pk],
    )


@client_selection(
    SelectionPurpose.CONTRACT,
    "renewal notices to the clients whose renewals were paid: carrying out the contract",
)
def paid_renewals_apply(*, low: int, high: int, now: datetime, ppm: int) -> int:
    """Record the periods of the renewal invoices of the clients in (low, high] that have been
    paid, by the run or by a payment (AUT-01, habit 1): each period is stored once, the
    service is paid through its end, the penalty of a late one stops and is posted to the
    ledger once, shown apart from the invoice (BIL-07), a domain's renewal at its registry is
    queued once per period (DOM-02), and the client is told. Returns how many renewals were
    applied."""
    sql.temp_table(
        PAID,
        "renewal_id bigint, service_id bigint, client_id bigint, invoice_id bigint, "
        "starts_on date, ends_on date, net_minor bigint, currency varchar(3), paid_on date",
    )
    count = sql.execute(
        f"""
        INSERT INTO {PAID}
        SELECT r.id, r.service_id, r.client_id, r.invoice_id, r.starts_on, r.ends_on,
            r.net_minor, r.currency, i.finalised_on
        FROM {RENEWAL} r JOIN {INVOICE} i ON i.id = r.invoice_id
        WHERE r.client_id > %s AND r.client_id <= %s AND r.state = 'invoiced'
          AND i.status = 'paid'
        """,
        [low, high],
    )
    if not count:
        return 0
    sql.analyze(PAID)
    stamp = sql.timestamp(now)
    sql.execute(
        f"""
        INSERT INTO {PERIOD} (service_id, starts_on, ends_on, invoice_id, amount_minor,
            currency, created_at)
        SELECT service_id, starts_on, ends_on, invoice_id, net_minor, currency, %s
        FROM {PAID} WHERE true
        ON CONFLICT (service_id, starts_on) DO NOTHING
        """,
        [stamp],
    )
    sql.execute(
        f"""
        UPDATE {RENEWAL} SET state = 'paid', paid_on = p.paid_on
        FROM {PAID} p WHERE {RENEWAL}.id = p.renewal_id
        """
    )
    sql.execute(
        f"""
        UPDATE {SERVICE} SET paid_through = p.ends_on, updated_at = %s
        FROM (SELECT service_id, MAX(ends_on) AS ends_on FROM {PAID} GROUP BY service_id) p
        WHERE {SERVICE}.id = p.service_id
          AND ({SERVICE}.paid_through IS NULL OR {SERVICE}.paid_through < p.ends_on)
        """,
        [stamp],
    )
    # A domain is renewed at its registry only now that its period is paid (DOM-02).
    paid_domain_renewals_queue(paid_table=PAID, stamp=stamp)
    if ppm > 0:
        _accrue(
            low=low,
            high=high,
            through="i.finalised_on",
            where=f"r.id IN (SELECT renewal_id FROM {PAID})",
            ppm=ppm,
            covered=_covered_when_due(),
        )
        # Paid by the due date after all (the value date, §5.2): no day of delay remains.
        sql.execute(
            f"""
            UPDATE {PENALTY} SET days = 0, amount_minor = 0
            WHERE settled = false AND invoice_id IN (SELECT p.invoice_id FROM {PAID} p
                JOIN {INVOICE} i ON i.id = p.invoice_id WHERE i.finalised_on <= i.due_on)
            """
        )
    sql.execute(
        f"UPDATE {PENALTY} SET settled = true WHERE settled = false "
        f"AND invoice_id IN (SELECT invoice_id FROM {PAID})"
    )
    _penalties_post(stamp)
    notifications_enqueue_select(
        event="service_renewed",
        select_sql=(
            "SELECT 'service_renewed:' || CAST(p.renewal_id AS varchar(20)), p.client_id, "
            f"p.service_id, p.invoice_id, i.gross_minor, p.ends_on FROM {PAID} p "
            f"JOIN {INVOICE} i ON i.id = p.invoice_id"
        ),
        params=[],
        now=now,
    )
    return count


@client_selection(
    SelectionPurpose.CONTRACT,
    "late-payment penalties of the invoices just paid: carrying out the contract",
)
def _penalties_post(stamp) -> None:
    """Post the settled penalties of the invoices just paid, once each (key ``penalty:<invoice
    public id>``): the client's balance gives the amount to the penalties account; the
    balance may go below zero, a debt the next payment covers (BIL-07, BIL-01)."""
    due = (
        f"FROM {PENALTY} p JOIN {INVOICE} i ON i.id = p.invoice_id "
        f"WHERE p.settled AND p.transaction_id IS NULL AND p.amount_minor > 0 "
        f"AND p.invoice_id IN (SELECT invoice_id FROM {PAID})"
    )
    posted = sql.execute(
        f"""
        INSERT INTO {TXN} (public_id, kind, idempotency_key, client_id, memo, created_at)
        SELECT {sql.random_public_id_sql("txn_")}, 'penalty', 'penalty:' || i.public_id,
            p.client_id, 'Late-payment penalty on ' || i.number_display, %s
        {due}
        """,
        [stamp],
    )
    if not posted:
        return
    penalties = provider_account(LedgerAccount.Kind.PENALTIES).pk
    sql.execute(
        f"""
        INSERT INTO {ENTRY} (transaction_id, account_id, client_id, amount_minor, currency)
        SELECT t.id, CASE x.part WHEN 1 THEN b.account_id ELSE %s END, p.client_id,
            CASE x.part WHEN 1 THEN -p.amount_minor ELSE p.amount_minor END, p.currency
        FROM {PENALTY} p JOIN {INVOICE} i ON i.id = p.invoice_id
        JOIN {TXN} t ON t.idempotency_key = 'penalty:' || i.public_id
        JOIN {BALANCE} b ON b.client_id = p.client_id
        CROSS JOIN (SELECT 1 AS part UNION ALL SELECT 2) x
        WHERE p.settled AND p.transaction_id IS NULL AND p.amount_minor > 0
          AND p.invoice_id IN (SELECT invoice_id FROM {PAID})
        ORDER BY t.id, x.part
        """,
        [penalties],
    )
    sql.execute(
        f"""
        UPDATE {BALANCE} SET balance_minor = {BALANCE}.balance_minor - s.total, updated_at = %s
        FROM (SELECT p.client_id, SUM(p.amount_minor) AS total {due} GROUP BY p.client_id) s
        WHERE {BALANCE}.client_id = s.client_id
        """,
        [stamp],
    )
    sql.execute(
        f"""
        UPDATE {PENALTY} SET transaction_id = t.id
        FROM {INVOICE} i, {TXN} t
        WHERE i.id = {PENALTY}.invoice_id AND t.idempotency_key = 'penalty:' || i.public_id
          AND {PENALTY}.transaction_id IS NULL
          AND {PENALTY}.invoice_id IN (SELECT invoice_id FROM {PAID})
        """
    )


@client_selection(
    SelectionPurpose.CONTRACT,
    "suspension and termination notices of the dunning steps: carrying out the contract",
)
def _move(
    *,
    select_sql: str,
    params: list,
    from_status: str,
    to_status: str,
    reason: str,
    operation: str | None,
    event: str,
    now: datetime,
    suspension_reason: str = "",
) -> int:
    """Move the services ``select_sql`` yields (service id, client id) from ``from_status`` to
    ``to_status`` (ORD-02): the status, a change row each, the module call keyed by the
    change, and a notification keyed by the change. Returns how many moved."""
    sql.temp_table(MOVED, "service_id bigint, client_id bigint")
    count = sql.execute(f"INSERT INTO {MOVED} {select_sql}", params)
    if not count:
        return 0
    sql.analyze(MOVED)
    stamp = sql.timestamp(now)
    terminated = ", terminated_at = %s" if to_status == "terminated" else ""
    moved = sql.execute(
        f"""
        UPDATE {SERVICE} SET status = %s, status_changed_at = %s, updated_at = %s,
            suspension_reason = %s {terminated}
        WHERE id IN (SELECT service_id FROM {MOVED}) AND status = %s
        """,
        [to_status, stamp, stamp, suspension_reason, *([stamp] if terminated else []), from_status],
    )
    if moved != count:
        raise RuntimeError(f"{count - moved} services changed state while being moved.")
    sql.execute(
        f"""
        INSERT INTO {STATUS_CHANGE} (service_id, from_status, to_status, reason, changed_at)
        SELECT service_id, %s, %s, %s, %s FROM {MOVED}
        """,
        [from_status, to_status, reason, stamp],
    )
    changes = (
        f"FROM {STATUS_CHANGE} c JOIN {MOVED} m ON m.service_id = c.service_id "
        f"JOIN {SERVICE} s ON s.id = c.service_id "
        "WHERE c.changed_at = %s AND c.to_status = %s"
    )
    if operation is not None:
        _operations_queue(operation=operation, changes=changes, stamp=stamp, to_status=to_status)
    notifications_enqueue_select(
        event=event,
        select_sql=(
            f"SELECT '{event}:' || CAST(c.id AS varchar(20)), m.client_id, c.service_id, "
            f"NULL, NULL, NULL {changes}"
        ),
        params=[stamp, to_status],
        now=now,
    )
    return count


def _operations_queue(*, operation: str, changes: str, stamp, to_status: str) -> None:
    """Queue the module call of each status change just written, keyed by the change."""
    key = (
        "'terminate'"
        if operation == "terminate"
        else f"'{operation}:' || CAST(c.id AS varchar(20))"
    )
    operations_queue_select(
        operation=operation,
        key_sql=key,
        changes_sql=sql.json_parameter(),
        changes_params=["{}"],
        source_sql=changes,
        source_params=[stamp, to_status],
        stamp=stamp,
    )
    operations_hand_over(services_table=MOVED, stamp=stamp)


def debt_services_resume(*, low: int, high: int, today: date, now: datetime) -> int:
    """Resume the services suspended for debt, or for an overdue data verification whose
    restriction has lifted, whose periods are paid up to today (AUT-03, ACC-10)."""
    restricted, restricted_params = restricted_clients_sql(today)
    return _move(
        select_sql=f"""
            SELECT s.id, s.client_id FROM {SERVICE} s
            WHERE s.client_id > %s AND s.client_id <= %s AND s.status = 'suspended'
              AND (s.suspension_reason = 'debt' OR (s.suspension_reason = 'verification'
                   AND s.client_id NOT IN ({restricted})))
              AND s.paid_through >= %s
              AND NOT EXISTS (SELECT 1 FROM {RENEWAL} r WHERE r.service_id = s.id
                  AND r.state = 'invoiced' AND r.starts_on <= %s)
        """,
        params=[low, high, *restricted_params, sql.day(today), sql.day(today)],
        from_status="suspended",
        to_status="active",
        reason="The unpaid renewal has been paid; resumed automatically (AUT-03).",
        operation="resume",
        event="service_resumed",
        now=now,
    )


def unpaid_services_suspend(*, low: int, high: int, today: date, now: datetime) -> int:
    """Suspend the active services whose current period has begun without its renewal
    invoice being paid (AUT-02); the suspension time stays payable (§2.2.10)."""
    return _move(
        select_sql=f"""
            SELECT s.id, s.client_id FROM {SERVICE} s
            WHERE s.client_id > %s AND s.client_id <= %s AND s.status = 'active'
              AND (s.paid_through IS NULL OR s.paid_through < %s)
              AND EXISTS (SELECT 1 FROM {RENEWAL} r WHERE r.service_id = s.id
                  AND r.state = 'invoiced' AND r.starts_on <= %s)
        """,
        params=[low, high, sql.day(today), sql.day(today)],
        from_status="active",
        to_status="suspended",
        reason="The renewal invoice is unpaid and the period is not covered (AUT-02).",
        operation="suspend",
        event="service_suspended",
        now=now,
        suspension_reason="debt",
    )


def restricted_services_suspend(*, low: int, high: int, today: date, now: datetime) -> int:
    """Suspend the active services whose current period has begun without being renewed
    because an overdue data verification request restricts their client (ACC-10, 003
    §2.2.9: no extension until the answer). The suspension time stays payable (§2.2.10):
    when the restriction lifts the missed periods are invoiced from where billing stopped,
    and the service resumes once they are paid."""
    restricted, restricted_params = restricted_clients_sql(today)
    return _move(
        select_sql=f"""
            SELECT s.id, s.client_id FROM {SERVICE} s
            WHERE s.client_id > %s AND s.client_id <= %s AND s.status = 'active'
              AND s.renewal_months IS NOT NULL AND s.invoiced_through < %s
              AND s.client_id IN ({restricted})
        """,
        params=[low, high, sql.day(today), *restricted_params],
        from_status="active",
        to_status="suspended",
        reason="Not renewed while a data verification request is unanswered (ACC-10).",
        operation="suspend",
        event="service_suspended_verification",
        now=now,
        suspension_reason="verification",
    )


@client_selection(
    SelectionPurpose.CONTRACT,
    "notices that a free trial ends: carrying out the contract",
)
def trials_end(*, low: int, high: int, today: date, now: datetime, notice_days: int) -> int:
    """Tell clients ``notice_days`` before a free trial ends; when it has run out, make a
    trial whose continuation is paid active (its paid period starts, ORD-02) and end the
    others (CAT-04). Returns how many trials ended unpaid."""
    notifications_enqueue_select(
        event="trial_ending",
        select_sql=(
            "SELECT 'trial_ending:' || CAST(s.id AS varchar(20)), s.client_id, s.id, NULL, "
            f"NULL, s.trial_ends_on FROM {SERVICE} s WHERE s.client_id > %s "
            f"AND s.client_id <= %s AND s.status = '{ServiceStatus.TRIAL}' "
            "AND s.trial_ends_on >= %s "
            "AND s.trial_ends_on <= %s"
        ),
        params=[low, high, sql.day(today), sql.day(today + timedelta(days=notice_days))],
        now=now,
    )
    _move(
        select_sql=f"""
            SELECT s.id, s.client_id FROM {SERVICE} s
            WHERE s.client_id > %s AND s.client_id <= %s AND s.status = '{ServiceStatus.TRIAL}'
              AND s.trial_ends_on < %s AND s.paid_through > s.trial_ends_on
        """,
        params=[low, high, sql.day(today)],
        from_status="trial",
        to_status="active",
        reason="The free trial ended and its paid continuation began (ORD-02, CAT-04).",
        operation=None,  # the resource runs on as it is
        event="trial_converted",
        now=now,
    )
    ended = _move(
        select_sql=f"""
            SELECT s.id, s.client_id FROM {SERVICE} s
            WHERE s.client_id > %s AND s.client_id <= %s AND s.status = '{ServiceStatus.TRIAL}'
              AND s.trial_ends_on < %s
        """,
        params=[low, high, sql.day(today)],
        from_status="trial",
        to_status="terminated",
        reason="The free trial ended without being paid for (CAT-04).",
        operation="terminate",
        event="trial_ended",
        now=now,
    )
    if ended:
        _unpaid_conversions_cancel()
    return ended


def _unpaid_conversions_cancel() -> None:
    """Withdraw the unpaid orders placed to keep the trials just ended."""
    from hostledger.subscriptions.actions.payments import open_orders_cancel
    from hostledger.subscriptions.models import Order, Service

    with_orders = Order.objects.filter(
        status=Order.Status.PLACED,
        trial_service_id__in=[row[0] for row in sql.fetchall(f"SELECT service_id FROM {MOVED}")],
    ).values_list("trial_service_id", flat=True)
    for service in Service.objects.filter(pk__in=list(with_orders)).order_by("id"):
        open_orders_cancel(service=service, actor=None, reason="The free trial ended (CAT-04).")


@client_selection(
    SelectionPurpose.CONTRACT,
    "payment reminders of open invoices: carrying out the contract and defending claims",
)
def reminders_send(
    *, low: int, high: int, today: date, now: datetime, before_due: int, before_suspension: int
) -> int:
    """Remind clients whose balance does not cover a renewal ``before_due`` days before it is
    due, and warn them ``before_suspension`` days before the unpaid period begins and the
    service would be suspended (AUT-04). One message of each kind per invoice, ever."""
    unpaid = (
        f"FROM {RENEWAL} r JOIN {INVOICE} i ON i.id = r.invoice_id "
        f"LEFT JOIN {BALANCE} b ON b.client_id = i.client_id "
        "WHERE r.client_id > %s AND r.client_id <= %s AND r.state = 'invoiced' "
        "AND i.status = 'issued' AND COALESCE(b.balance_minor, 0) < i.gross_minor "
    )
    sent = notifications_enqueue_select(
        event="payment_reminder",
        select_sql=(
            "SELECT 'payment_reminder:' || i.public_id, i.client_id, r.service_id, i.id, "
            f"i.gross_minor, i.due_on {unpaid} AND i.due_on > %s AND i.due_on <= %s"
        ),
        params=[low, high, sql.day(today), sql.day(today + timedelta(days=before_due))],
        now=now,
    )
    sent += notifications_enqueue_select(
        event="suspension_warning",
        select_sql=(
            "SELECT 'suspension_warning:' || i.public_id, i.client_id, r.service_id, i.id, "
            f"i.gross_minor, r.starts_on {unpaid} AND r.starts_on > %s AND r.starts_on <= %s "
            f"AND EXISTS (SELECT 1 FROM {SERVICE} s WHERE s.id = r.service_id "
            "AND s.status = 'active')"
        ),
        params=[low, high, sql.day(today), sql.day(today + timedelta(days=before_suspension))],
        now=now,
    )
    return sent


def debt_terminations_propose(
    *, low: int, high: int, today: date, now: datetime, after_days: int, automatic: bool
) -> int:
    """Propose ending the contract of every live service whose renewal invoice has been unpaid
    for more than ``after_days`` days from its invoice date (AUT-02, AUT-06), one decision per
    invoice with the facts it rests on. With ``automatic`` the decision is recorded as made
    by the run, and :func:`hostledger.automation.actions.decisions_apply_automatic` carries
    it out. Returns how many decisions are new."""
    inputs = sql.json_object(
        "'invoice'",
        "i.public_id",
        "'gross_minor'",
        "i.gross_minor",
        "'issued_on'",
        "CAST(i.issued_on AS varchar(10))",
        "'due_on'",
        "CAST(i.due_on AS varchar(10))",
        "'service'",
        "s.public_id",
        "'period_starts_on'",
        "CAST(r.starts_on AS varchar(10))",
        "'as_of'",
        "%s",
        "'termination_after_days'",
        "%s",
    )
    return sql.execute(
        f"""
        INSERT INTO {DECISION} (public_id, kind, subject_key, client_id, service_id, invoice_id,
            inputs, state, automatic, proposed_at, decision_note, review_reason,
            review_outcome)
        SELECT {sql.random_public_id_sql("dec_")}, 'terminate_for_debt',
            'invoice:' || i.public_id, i.client_id, r.service_id, i.id, {inputs}, 'proposed',
            %s, %s, '', '', ''
        FROM {RENEWAL} r JOIN {INVOICE} i ON i.id = r.invoice_id
        JOIN {SERVICE} s ON s.id = r.service_id
        WHERE r.client_id > %s AND r.client_id <= %s AND r.state = 'invoiced'
          AND i.status = 'issued' AND i.issued_on < %s
          AND s.status IN ('active', 'suspended')
        ON CONFLICT (kind, subject_key) DO NOTHING
        """,
        [
            today.isoformat(),
            after_days,
            automatic,
            sql.timestamp(now),
            low,
            high,
            sql.day(today - timedelta(days=after_days)),
        ],
    )

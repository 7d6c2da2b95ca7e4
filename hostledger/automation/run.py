# ruff: noqa: S608 - table names come from model metadata and every value is a parameter
"""The billing run (AUT-01): everything that falls due, as of a moment, exactly once.

:func:`billing_run` first does the few things that concern whole contracts (contract terms,
acts of acceptance of finished months not formed yet, cancellations that fall due, data
verification deadlines), credits the compensation of interruptions in months that have ended
(BIL-09), then walks the clients in chunks of about ``automation.chunk_clients`` services.
Each chunk is one transaction that locks the
:class:`~hostledger.automation.models.BillingClock` row, then the chunk's balance rows in
client order, then does, for those clients only and with a few statements each:

1. end free trials that ran out (CAT-04);
2. issue renewal proformas ``automation.renewal_invoice_days_ahead`` days ahead, except
   to clients an overdue data verification request restricts (ACC-10);
3. pay due renewals from the balance, oldest first, while it covers them, and send the
   proformas just issued that are left to pay;
4. record the periods paid (by the run or by payments since) and post settled penalties;
5. resume services suspended for debt, or for a verification whose restriction has
   lifted, that are paid up (AUT-03, ACC-10);
6. suspend services whose current period is unpaid (AUT-02), or was not renewed because
   of an overdue verification (ACC-10);
7. accrue penalties on unpaid renewals (BIL-07);
8. remind before the due date and warn before suspension (AUT-04);
9. propose (or make) terminations for debt older than ``automation.termination_after_days``
   (AUT-02, AUT-06).

Step 4 also queues the registry renewal of each domain whose period was paid, once per
period (DOM-02, :mod:`hostledger.automation.domain_renewals`); before the chunks, domains
whose expiry passed unrenewed move through their zone's stages by date.

A chunk commits whole or not at all, and every effect is keyed, so a run killed at any
point and started again, a second run at the same time (it waits for the clock row chunk by
chunk and then finds nothing left), or the same run repeated, all end as one clean run.
Memory holds one chunk. Messages are only stored here; the outbox job sends them, so a
failing channel never holds up billing (NTF-02).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.accounts.selectors import restricted_clients_sql
from hostledger.automation import conf, sql
from hostledger.automation.dunning import (
    debt_services_resume,
    debt_terminations_propose,
    paid_renewals_apply,
    penalties_accrue,
    penalty_ppm,
    reminders_send,
    restricted_services_suspend,
    trials_end,
    unpaid_services_suspend,
)
from hostledger.automation.models import BillingClock
from hostledger.automation.renewals import (
    BALANCE,
    INVOICE,
    RENEWAL,
    SERVICE,
    TXN,
    Pricing,
    issued_renewals_announce,
    renewals_charge,
    renewals_issue,
)
from hostledger.core.audit import record_audit_event
from hostledger.core.calendar import add_working_days
from hostledger.core.errors import DomainError
from hostledger.core.registry import setting_value
from hostledger.domains.actions import domains_lapse
from hostledger.incidents.actions import compensations_grant
from hostledger.invoicing import conf as invoicing_conf
from hostledger.invoicing.actions import acts_form_missing
from hostledger.invoicing.snapshots import provider_snapshot
from hostledger.ledger.models import ClientBalance
from hostledger.subscriptions.actions.payments import paid_services_start

logger = logging.getLogger("hostledger.automation")

CLOCK_ID = 1
LIVE = "('trial', 'provisioning', 'active', 'suspended')"
LIVE_BILLED = "('provisioning', 'active', 'suspended')"  # renewed period after period


@dataclass(frozen=True)
class RunSettings:
    """The provider settings in force for one run, read once at its start."""

    days_ahead: int
    before_due: int
    before_suspension: int
    termination_after_days: int
    auto_terminate: bool
    ppm: int
    trial_notice_days: int
    chunk: int

    @classmethod
    def read(cls) -> RunSettings:
        return cls(
            days_ahead=setting_value(conf.RENEWAL_INVOICE_DAYS_AHEAD),
            before_due=setting_value(conf.REMINDER_DAYS_BEFORE_DUE),
            before_suspension=setting_value(conf.SUSPENSION_WARNING_DAYS_BEFORE),
            termination_after_days=setting_value(conf.TERMINATION_AFTER_DAYS),
            auto_terminate=setting_value(conf.AUTO_TERMINATE_FOR_DEBT),
            ppm=penalty_ppm(setting_value(conf.PENALTY_PERCENT_PER_DAY)),
            trial_notice_days=setting_value(conf.TRIAL_ENDING_NOTICE_DAYS),
            chunk=setting_value(conf.CHUNK_CLIENTS),
        )


class Report:
    """Counts and progress of a run; a :class:`~hostledger.core.jobs.JobContext` when the
    run is a job, so staff watch it on the jobs page."""

    def __init__(self, context=None):
        self.context = context
        self.counts: dict[str, int] = {}

    def count(self, name: str, n: int) -> None:
        if n:
            self.counts[name] = self.counts.get(name, 0) + n
            if self.context is not None:
                self.context.count(name, n)

    def progress(self, done: int, total: int) -> None:
        if self.context is not None:
            self.context.progress(done, total)

    def log(self, line: str) -> None:
        if self.context is not None:
            self.context.log(line)


def _lock_clock() -> BillingClock:
    BillingClock.objects.get_or_create(pk=CLOCK_ID)
    return BillingClock.objects.select_for_update().get(pk=CLOCK_ID)


def clock_advance(as_of: datetime) -> None:
    """Record ``as_of`` as the run's moment; a moment before the latest one is refused,
    because time only moves forward (a run to catch up after downtime is later, not
    earlier)."""
    if timezone.is_naive(as_of):
        raise DomainError(
            "invalid_as_of", _("as_of: a moment with a time zone is needed."), {"as_of": "naive"}
        )
    with transaction.atomic():
        clock = _lock_clock()
        if clock.as_of is not None and as_of < clock.as_of:
            raise DomainError(
                "as_of_in_the_past",
                _("as_of: the billing run has already run as of %(date)s; time only moves forward.")
                % {"date": clock.as_of.isoformat()},
                fields={"as_of": f"before {clock.as_of.isoformat()}"},
                status=409,
            )
        BillingClock.objects.filter(pk=CLOCK_ID).update(as_of=as_of)


def _chunks(size: int):
    """(low, high] client id ranges covering every client with a live service, each holding
    about ``size`` services (a client's services are never split)."""
    low = 0
    while True:
        row = sql.fetchone(
            f"SELECT MAX(client_id) FROM (SELECT client_id FROM {SERVICE} "
            f"WHERE client_id > %s AND status IN {LIVE} "
            "ORDER BY client_id LIMIT %s) AS chunk",
            [low, size],
        )
        high = row[0] if row else None
        if high is None:
            return
        yield low, high
        low = high


def _lock_balances(low: int, high: int) -> None:
    """Lock the chunk's balance rows in client order, the ledger's lock order (locks.py)."""
    if connection.vendor == "postgresql":
        list(
            ClientBalance.objects.select_for_update()
            .filter(client_id__gt=low, client_id__lte=high)
            .order_by("client_id")
            .values_list("pk", flat=True)
        )


def chunk_run(
    *, low: int, high: int, today: date, now: datetime, settings: RunSettings, pricing: Pricing
) -> tuple[dict[str, int], list[str]]:
    """All the run's steps for the clients in (low, high], in one transaction; returns the
    counts and the problems met (services that could not be renewed)."""
    counts: dict[str, int] = {}
    with transaction.atomic():
        _lock_clock()
        _lock_balances(low, high)
        counts["trials_ended"] = trials_end(
            low=low, high=high, today=today, now=now, notice_days=settings.trial_notice_days
        )
        issued, errors = renewals_issue(
            low=low,
            high=high,
            pricing=pricing,
            horizon=today + timedelta(days=settings.days_ahead),
            now=now,
        )
        counts["renewals_issued"] = issued
        counts["renewal_errors"] = len(errors)
        counts["renewals_charged"] = renewals_charge(low=low, high=high, today=today, now=now)
        issued_renewals_announce(low=low, high=high, now=now)
        counts["periods_paid"] = paid_renewals_apply(low=low, high=high, now=now, ppm=settings.ppm)
        counts["resumed"] = debt_services_resume(low=low, high=high, today=today, now=now)
        counts["suspended"] = unpaid_services_suspend(low=low, high=high, today=today, now=now)
        counts["suspended_for_verification"] = restricted_services_suspend(
            low=low, high=high, today=today, now=now
        )
        counts["penalties_accrued"] = penalties_accrue(
            low=low, high=high, today=today, ppm=settings.ppm
        )
        counts["reminders"] = reminders_send(
            low=low,
            high=high,
            today=today,
            now=now,
            before_due=settings.before_due,
            before_suspension=settings.before_suspension,
        )
        counts["terminations_proposed"] = debt_terminations_propose(
            low=low,
            high=high,
            today=today,
            now=now,
            after_days=settings.termination_after_days,
            automatic=settings.auto_terminate,
        )
        written = {name: value for name, value in counts.items() if value}

        if written:
            record_audit_event(
                action="automation.billing_chunk",
                data={"clients": [low, high], "as_of": today.isoformat(), **written},
            )
    return counts, errors


def client_renewals_apply(*, client, today: date) -> dict[str, int]:
    """After money reached one client: record the renewals just paid and resume what they
    cover (AUT-03). Runs in the caller's transaction, which holds the client's balance."""
    now = timezone.now()
    low, high = client.pk - 1, client.pk
    ppm = penalty_ppm(setting_value(conf.PENALTY_PERCENT_PER_DAY))
    return {
        "periods_paid": paid_renewals_apply(low=low, high=high, now=now, ppm=ppm),
        "resumed": debt_services_resume(low=low, high=high, today=today, now=now),
    }


def _contract_terms_step(today: date, report: Report) -> None:
    """Extend the contracts whose term ended (ORD-08)."""
    from hostledger.subscriptions.actions import contracts_renew

    with transaction.atomic():
        _lock_clock()
        report.count("contract_terms_renewed", contracts_renew(today=today))


def _acts_step(as_of: datetime, report: Report) -> None:
    """Form the acts of acceptance of every finished month not formed yet (DOC-01), so a
    month missed while the scheduler was down is formed by the next run, like the run's
    other catch-up."""
    with transaction.atomic():
        clock = _lock_clock()
        formed, through = acts_form_missing(formed_through=clock.acts_formed_through, now=as_of)
        if through != clock.acts_formed_through:
            BillingClock.objects.filter(pk=CLOCK_ID).update(acts_formed_through=through)
        report.count("acts_formed", len(formed))


def _domains_step(today: date, now: datetime, report: Report) -> None:
    """Move the domains whose expiry passed unrenewed through their zone's stages (expired,
    grace, redemption, deleted) and tell their clients (DOM-02); this depends on the day
    alone, and what the registries report is stored by the registry sync job."""
    with transaction.atomic():
        _lock_clock()
        for status, count in domains_lapse(today=today, now=now).items():
            report.count(f"domains_{status}", count)


def _paid_starts_step(today: date, report: Report) -> None:
    """Start the paid consumer services whose withdrawal period is over (ORD-07); this
    depends on the day alone (a payment starts what may start at once)."""

    with transaction.atomic():
        _lock_clock()
        report.count("services_started", len(paid_services_start(today=today)))


def _contracts_step(today: date, as_of: datetime, report: Report) -> None:
    """Cancellations that fall due (ORD-06, ORD-08), then data verification deadlines
    (ACC-10)."""
    from hostledger.subscriptions.actions import service_cancellation_carry_out
    from hostledger.subscriptions.models import ServiceCancellation

    due = ServiceCancellation.objects.filter(
        state=ServiceCancellation.State.REQUESTED, effective_on__lte=today
    ).order_by("effective_on", "id")
    for cancellation_id in due.values_list("pk", flat=True).iterator():
        try:
            with transaction.atomic():
                _lock_clock()
                cancellation = ServiceCancellation.objects.get(pk=cancellation_id)
                if cancellation.state != ServiceCancellation.State.REQUESTED:
                    continue
                service_cancellation_carry_out(cancellation=cancellation, actor=None, today=today)
                report.count("cancellations_carried_out", 1)
        except DomainError as error:
            report.count("errors", 1)
            report.log(f"Cancellation {cancellation_id}: {error.message}")
    _verification_step(as_of, report)


def _verification_step(as_of: datetime, report: Report) -> None:
    """Data verification deadlines (ACC-10): restrict clients who did not answer in time,
    lift restrictions after an answer, and propose ending the contract of a client who has
    not answered by the termination day (AUT-06)."""
    from hostledger.accounts.actions.verification import (
        verification_deadlines_apply,
        verification_termination_candidates,
    )
    from hostledger.automation.actions import verification_terminations_propose

    with transaction.atomic():
        _lock_clock()
        for name, value in verification_deadlines_apply(as_of=as_of).items():
            report.count(f"verification_{name}", value)
        report.count(
            "verification_terminations_proposed",
            verification_terminations_propose(
                verification_termination_candidates(as_of=as_of), as_of=as_of
            ),
        )


def _day_completed(today: date) -> int | None:
    """The ledger transaction id recorded by the latest run that went through every client
    on ``today`` (:func:`_day_complete`), or None if no run has yet."""
    clock = BillingClock.objects.filter(pk=CLOCK_ID, completed_on=today)
    return clock.values_list("seen_transaction_id", flat=True).first()


def _day_settled(today: date, settings: RunSettings, seen: int) -> bool:
    """Whether a run as of ``today`` can leave the clients alone, when an earlier run went
    through every client on this billing day after ledger transaction ``seen``: none of the
    few things that can fall due later on the same day has (a renewal to invoice for a
    client no verification restricts, which includes one whose restriction lifted, a trial
    run out, or money posted since to a client with a due renewal it now covers, a renewal
    paid but not applied, or a debt-suspended service paid up). Each check reads a few
    index entries: the money check looks only at the clients with a transaction other than
    a charge (charges spend, and the payment that makes one applies its renewals at once)
    posted after ``seen``.

    What the run does for a day depends only on the day and the money, and payments apply
    their own renewals (:func:`client_renewals_apply`), so an hourly run after the first of
    the day finishes in moments however many services there are."""
    horizon = sql.day(today + timedelta(days=settings.days_ahead))
    day = sql.day(today)
    restricted, restricted_params = restricted_clients_sql(today)
    pending = sql.fetchone(
        f"""
        WITH funded AS (SELECT DISTINCT client_id FROM {TXN}
                        WHERE id > %s AND NOT (kind = 'charge'))
        SELECT
          EXISTS (SELECT 1 FROM {SERVICE} WHERE status IN {LIVE_BILLED}
                  AND invoiced_through < %s AND client_id NOT IN ({restricted})),
          EXISTS (SELECT 1 FROM {SERVICE} WHERE status = 'trial' AND trial_ends_on < %s),
          EXISTS (SELECT 1 FROM funded f JOIN {RENEWAL} r ON r.client_id = f.client_id
                  JOIN {INVOICE} i ON i.id = r.invoice_id
                  JOIN {BALANCE} b ON b.client_id = r.client_id
                  WHERE r.state = 'invoiced'
                  AND (i.status = 'paid' OR (i.status = 'issued' AND i.due_on <= %s
                       AND i.gross_minor <= b.balance_minor))),
          EXISTS (SELECT 1 FROM funded f JOIN {SERVICE} s ON s.client_id = f.client_id
                  WHERE s.status = 'suspended' AND s.suspension_reason = 'debt'
                  AND s.paid_through >= %s)
        """,
        [seen, horizon, *restricted_params, day, day, day],
    )
    return not any(pending)


def _transactions_seen() -> int:
    """The highest ledger transaction id now. Read before the run goes through the clients:
    a posting locks the client's balance before it takes its id, and each chunk locks the
    balances it works on, so every transaction with a lower id is seen by the chunk of its
    client; money posted later has a higher id and is looked at again (:func:`_day_settled`)."""
    return sql.fetchone(f"SELECT COALESCE(MAX(id), 0) FROM {TXN}")[0]


def _day_complete(today: date, seen: int) -> None:
    BillingClock.objects.filter(pk=CLOCK_ID).filter(
        Q(completed_on__isnull=True) | Q(completed_on__lte=today)
    ).update(completed_on=today, seen_transaction_id=seen)


def billing_run(*, as_of: datetime | None = None, context=None) -> dict[str, int]:
    """Run everything due as of ``as_of`` (default now) once (AUT-01); return the counts.

    ``context`` is the JobContext of the job run, if any."""
    as_of = as_of or timezone.now()
    clock_advance(as_of)
    today = timezone.localtime(as_of).date()
    now = timezone.now()
    report = Report(context)
    settings = RunSettings.read()
    seen = _day_completed(today)
    if seen is None:  # contract terms depend on the day alone: a completed day renewed them
        _contract_terms_step(today, report)
        _acts_step(as_of, report)
        _paid_starts_step(today, report)
    _contracts_step(today, as_of, report)
    _domains_step(today, now, report)
    # Compensation of interruptions in months that ended is credited before this run charges
    # the renewals of the next period from the balances (BIL-09, seed 003 §7.8).
    report.count("compensations", compensations_grant(now=as_of))
    if seen is not None and _day_settled(today, settings, seen):
        report.log(f"Every client was already billed for {today.isoformat()}; nothing new due.")
        report.progress(0, 0)
        return report.counts
    seen = _transactions_seen()
    total = sql.fetchone(f"SELECT COUNT(*) FROM {SERVICE} WHERE status IN {LIVE}")[0]
    pricing = Pricing(
        today=today,
        due_on=add_working_days(today, setting_value(invoicing_conf.DUE_WORKING_DAYS)),
        provider_snapshot=provider_snapshot(),
    )
    pricing.load_names()
    done = 0
    for low, high in _chunks(settings.chunk):
        counts, problems = chunk_run(
            low=low, high=high, today=today, now=now, settings=settings, pricing=pricing
        )
        for name, value in counts.items():
            report.count(name, value)
        for problem in problems:
            logger.warning("%s", problem)
            report.log(problem)
        done += sql.fetchone(
            f"SELECT COUNT(*) FROM {SERVICE} WHERE client_id > %s AND client_id <= %s",
            [low, high],
        )[0]
        report.progress(min(done, total), total)
    from hostledger.automation.actions import decisions_apply_automatic

    report.count("terminated", decisions_apply_automatic(today=today))
    _day_complete(today, seen)
    report.progress(total, total)
    return report.counts

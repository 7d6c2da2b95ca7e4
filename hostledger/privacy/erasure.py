"""Erasure plans (GDPR-04), computed from the personal-data declarations alone.

For one client, every installed model with personal fields and a declared client path is
looked at: its fields are grouped by their erasure rule (the declaration's own ``erasure``, or
the default of its retention rule) into plan items — rows to delete, fields to anonymise,
rows held until a date computed from the legal term, and fields left to a named step of the
erasure flow. A model or field declared tomorrow is in the plan without code changes.

The plan is refused, with every reason, while the client has a service that is not
terminated or owes money (a negative balance or an open invoice).
"""

from __future__ import annotations

import calendar
from dataclasses import asdict, dataclass, field
from datetime import date

from django.apps import apps
from django.db.models import Count, Max
from django.db.models.functions import ExtractYear
from django.utils import timezone

from hostledger.accounts.models import Client
from hostledger.core.erasure import subject_rows
from hostledger.core.errors import DomainError
from hostledger.core.money import format_money
from hostledger.core.personal_data import (
    ErasureStrategy,
    LegalTerm,
    Personal,
    date_field_of,
    personal_fields,
    subject_of,
)
from hostledger.core.registry import setting_value
from hostledger.invoicing.selectors import client_open_invoices
from hostledger.ledger.selectors import balance_of
from hostledger.subscriptions.selectors import client_services


@dataclass(frozen=True)
class PlanItem:
    """What erasure does to one asset (a model) of the client."""

    model_label: str
    asset: str
    action: str  # delete | anonymise | hold | by_step
    fields: tuple[str, ...]
    rows: int
    held_until: date | None = None
    then: str = ""
    year: int | None = None
    step: str = ""

    def as_dict(self) -> dict:
        data = asdict(self)
        data["fields"] = list(self.fields)
        data["held_until"] = self.held_until.isoformat() if self.held_until else None
        return data


@dataclass
class ErasurePlan:
    """The erasure of one client as it would run on ``as_of``."""

    client: Client
    as_of: date
    contract_ended_on: date
    refusals: list[str] = field(default_factory=list)
    items: list[PlanItem] = field(default_factory=list)

    @property
    def allowed(self) -> bool:
        return not self.refusals

    def refuse_if_not_allowed(self) -> None:
        """Raise the refusal with every reason, naming the client (GDPR-04)."""
        if self.refusals:
            raise DomainError(
                "erasure_refused",
                f"Client {self.client.public_id} cannot be erased: " + "; ".join(self.refusals),
                fields={"client": "; ".join(self.refusals)},
                status=409,
            )

    @property
    def held(self) -> list[PlanItem]:
        return [item for item in self.items if item.action == ErasureStrategy.HOLD]

    @property
    def steps(self) -> list[str]:
        return sorted({item.step for item in self.items if item.step})


def erasure_refusals(client: Client) -> list[str]:
    """Why ``client`` cannot be erased now: services not terminated, debt (GDPR-04)."""
    refusals = []
    live = list(
        client_services(client, include_terminated=False)
        .prefetch_related(None)
        .order_by("id")
        .values_list("public_id", "status")
    )
    if live:
        listed = ", ".join(f"{public_id} ({status})" for public_id, status in live)
        refusals.append(f"services are not terminated: {listed}")
    balance = balance_of(client)
    if balance.is_negative():
        refusals.append(f"the balance is in debt: {format_money(balance)}")
    _, open_count, open_total = client_open_invoices(client, limit=0)
    if open_count:
        refusals.append(f"{open_count} invoice(s) unpaid, {format_money(open_total)} in total")
    return refusals


def contract_ended_on(client: Client, as_of: date) -> date:
    """The day the client's contract ended: its last service's termination, or ``as_of``
    when it never had a service (the account closes with the erasure)."""
    last = client_services(client).aggregate(last=Max("terminated_at"))["last"]
    if last is None:
        return as_of
    return timezone.localdate(last)


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def financial_year_end(day: date) -> date:
    """The last day of the financial year that ``day`` falls in."""
    month = setting_value("privacy.financial_year_end_month")
    end = _last_day(day.year, month)
    return end if end >= day else _last_day(day.year + 1, month)


def held_until(term: str, *, contract_ended: date, year: int | None = None) -> date:
    """The last day data under legal ``term`` is held (GDPR-04)."""
    if term == LegalTerm.BILLING:
        end = financial_year_end(contract_ended)
        years = setting_value("privacy.billing_records_years")
        return _last_day(end.year + years, end.month)
    if term == LegalTerm.YEAR_OF_USE:
        return date(year + setting_value("privacy.traffic_data_years"), 12, 31)
    if term == LegalTerm.CLAIMS:
        return _years_later(contract_ended, setting_value("privacy.claims_period_years"))
    raise ValueError(f"Unknown legal term {term!r}.")


def declared_client_models() -> list:
    """Every installed model with personal fields, in a stable order."""
    models = [
        model
        for model in apps.get_models(include_auto_created=True)
        if personal_fields(model._meta.label)
    ]
    return sorted(models, key=lambda model: model._meta.label_lower)


def _asset(model) -> str:
    return f"{model._meta.app_label}: {model._meta.verbose_name_plural}"


def model_plan(model, client_id: int, *, contract_ended: date) -> list[PlanItem]:
    """The plan items of one model for one client, from its declarations."""
    label = model._meta.label
    declared: dict[str, Personal] = personal_fields(label)
    subject = subject_of(label)
    paths = subject.client_paths if subject is not None else ()
    rules = {name: item.erasure_rule for name, item in declared.items()}
    items: list[PlanItem] = []
    if not paths:
        for step in sorted({rule.step for rule in rules.values() if rule.step}):
            fields = tuple(sorted(name for name, rule in rules.items() if rule.step == step))
            items.append(
                PlanItem(label, _asset(model), ErasureStrategy.BY_STEP, fields, 0, step=step)
            )
        return items
    rows = subject_rows(model, paths, client_id)
    count = rows.count()
    if not count:
        return items
    by_strategy: dict[str, list[str]] = {}
    for name, rule in sorted(rules.items()):
        by_strategy.setdefault(rule.strategy, []).append(name)
    for step in sorted({rule.step for rule in rules.values() if rule.strategy == "by_step"}):
        fields = tuple(name for name, rule in sorted(rules.items()) if rule.step == step)
        items.append(
            PlanItem(label, _asset(model), ErasureStrategy.BY_STEP, fields, count, step=step)
        )
    held_names = by_strategy.get(ErasureStrategy.HOLD, [])
    groups: dict[tuple[str, str], list[str]] = {}
    for name in held_names:
        groups.setdefault((rules[name].term, rules[name].then), []).append(name)
    for (term, then), names in sorted(groups.items()):
        if term == LegalTerm.YEAR_OF_USE:
            dated_by = date_field_of(model, declared)
            per_year = (
                rows.annotate(year_of_use=ExtractYear(dated_by))
                .values("year_of_use")
                .annotate(n=Count("pk"))
                .order_by("year_of_use")
            )
            for row in per_year:
                year = row["year_of_use"]
                until = held_until(term, contract_ended=contract_ended, year=year)
                items.append(
                    PlanItem(
                        label,
                        _asset(model),
                        ErasureStrategy.HOLD,
                        tuple(names),
                        row["n"],
                        held_until=until,
                        then=then,
                        year=year,
                    )
                )
        else:
            until = held_until(term, contract_ended=contract_ended)
            items.append(
                PlanItem(
                    label,
                    _asset(model),
                    ErasureStrategy.HOLD,
                    tuple(names),
                    count,
                    held_until=until,
                    then=then,
                )
            )
    deleted = by_strategy.get(ErasureStrategy.DELETE, [])
    anonymised = by_strategy.get(ErasureStrategy.ANONYMISE, [])
    if deleted and not (anonymised or held_names or by_strategy.get(ErasureStrategy.BY_STEP)):
        items.append(PlanItem(label, _asset(model), ErasureStrategy.DELETE, tuple(deleted), count))
    elif deleted or anonymised:
        # A row that keeps a held or stepped field stays; its other fields are blanked.
        fields = tuple(sorted(deleted + anonymised))
        items.append(PlanItem(label, _asset(model), ErasureStrategy.ANONYMISE, fields, count))
    return items


def erasure_plan(client: Client, *, as_of: date | None = None) -> ErasurePlan:
    """What erasing ``client`` would do on ``as_of`` (today), and why it is refused if it is
    (GDPR-04). Reads only; computed from the declarations alone."""
    as_of = as_of or timezone.localdate()
    ended = contract_ended_on(client, as_of)
    plan = ErasurePlan(
        client=client, as_of=as_of, contract_ended_on=ended, refusals=erasure_refusals(client)
    )
    for model in declared_client_models():
        plan.items.extend(model_plan(model, client.pk, contract_ended=ended))
    return plan

"""Random sequences of orders, payments, charges, refunds and credit notes keep the money exact
(BIL-01, BIL-04, BIL-06, ORD-03).

A Hypothesis state machine works on one client with a small catalog: it places orders, records
bank payments and applies them (open proformas are paid from the balance oldest first while it
covers them, ORD-03), charges, refunds, issues full and partial credit notes on paid invoices,
and replays requests already made. A plain model follows the balance from what each step did.
After every step:

- the cached balance, the sum of the client's ledger entries and the model agree to the cent;
- no ledger entry written before has changed or gone;
- no final invoice has changed after it was issued, and final numbers have no gaps;
- each invoice is paid at most once: one charge per invoice, for its gross amount.
"""

from __future__ import annotations

import itertools

import pytest
from django.db.models import Max, Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from hostledger.core.errors import DomainError
from hostledger.core.money import Money
from hostledger.invoicing.actions import credit_note_issue
from hostledger.invoicing.lines import LineInput
from hostledger.invoicing.models import CreditNote, Invoice
from hostledger.ledger.actions import charge_post, payment_record, refund_post
from hostledger.ledger.models import Entry, LedgerAccount, LedgerTransaction
from hostledger.ledger.selectors import balance_from_entries, balance_of, verify_balances
from hostledger.subscriptions.actions import client_payments_apply, order_place
from tests.subscriptions.factories import (
    NOW,
    TODAY,
    build_catalog,
    new_client,
    new_payer,
    services_staff,
)

pytestmark = pytest.mark.long_running(65)

amounts = st.integers(min_value=1, max_value=20_000).map(Money.from_minor)
_keys = itertools.count()


def _paid_invoices(client) -> dict[str, tuple]:
    """Every final invoice of the client as it stands: number and amounts."""
    return {
        row[0]: row[1:]
        for row in Invoice.objects.filter(client=client, kind=Invoice.Kind.FINAL).values_list(
            "public_id", "number_display", "number", "net_minor", "vat_minor", "gross_minor"
        )
    }


def test_random_orders_payments_and_credit_notes_keep_money_exact__BIL_01_BIL_04_ORD_03(
    db, time_machine, django_capture_on_commit_callbacks
):
    """BIL-01 balance = entries = model, entries immutable; BIL-04 issued invoices never change
    and numbers have no gaps; BIL-06 replays change nothing; ORD-03 orders paid when covered."""
    time_machine.move_to(NOW, tick=False)
    shop = build_catalog()
    staff = services_staff()
    tariffs = [shop.vps_start, shop.vps_large, shop.hosting_start]

    class MoneyMachine(RuleBasedStateMachine):
        @initialize()
        def fresh_client(self):
            self.client = new_client()
            self.payer = new_payer(self.client)
            self.balance = 0
            self.paid_in = 0
            self.refunded = 0
            self.replayable: list = []
            self.entries: dict[int, tuple[int, int]] = {}
            self.finals: dict[str, tuple] = {}

        def _key(self, kind: str) -> str:
            return f"{kind}:{next(_keys)}"

        def _open_proformas(self):
            return Invoice.objects.filter(
                client=self.client, kind=Invoice.Kind.PROFORMA, status=Invoice.Status.ISSUED
            )

        def _settle(self, action, **kwargs):
            """Run an action that may pay proformas from the balance, and check it paid them
            as the model says: oldest due first while the balance covers them, never jumping
            over an older one (ORD-03)."""
            queue = list(
                self._open_proformas()
                .order_by("due_on", "issued_on", "id")
                .values_list("pk", flat=True)
            )
            last = Invoice.objects.aggregate(last=Max("pk"))["last"] or 0
            with django_capture_on_commit_callbacks(execute=True):
                result = action(**kwargs)
            created = Invoice.objects.filter(client=self.client, pk__gt=last).order_by("id")
            queue += list(created.values_list("pk", flat=True))  # due last: issued last
            blocked = False
            for invoice in [Invoice.objects.get(pk=pk) for pk in queue]:
                if not blocked and invoice.gross_minor <= self.balance:
                    assert invoice.status == Invoice.Status.PAID, invoice.public_id
                    self.balance -= invoice.gross_minor
                else:
                    blocked = True
                    assert invoice.status == Invoice.Status.ISSUED, invoice.public_id
            return result

        @rule(
            tariff=st.sampled_from(tariffs),
            months=st.sampled_from([1, 3, 6, 12]),
        )
        def order(self, tariff, months):
            self._settle(
                order_place,
                client=self.client,
                payer=self.payer,
                tariff=tariff,
                period_months=months,
                os_image=shop.debian if tariff.family_id == shop.vps.pk else None,
                actor=self.client.owner,
                today=TODAY,
                host_name="shop.example.ee",  # what a hosting order names (ORD-01)
            )

        @rule(amount=amounts)
        def pay_by_bank(self, amount):
            kwargs = {
                "client": self.client,
                "amount": amount,
                "value_date": TODAY,
                "reference": self._key("bank"),
                "actor": staff,
            }
            payment_record(**kwargs)
            self.replayable.append((payment_record, kwargs))
            self.balance += amount.minor
            self.paid_in += amount.minor
            self._settle(client_payments_apply, client=self.client, today=TODAY)

        @rule(amount=amounts)
        def charge(self, amount):
            kwargs = {
                "client": self.client,
                "amount": amount,
                "idempotency_key": self._key("charge"),
            }
            if self.balance < amount.minor:
                try:
                    charge_post(**kwargs)
                except DomainError:
                    return
                raise AssertionError("a charge above the balance should have been refused")
            charge_post(**kwargs)
            self.replayable.append((charge_post, kwargs))
            self.balance -= amount.minor

        @rule(amount=amounts)
        def refund(self, amount):
            kwargs = {
                "client": self.client,
                "amount": amount,
                "idempotency_key": self._key("refund"),
                "actor": staff,
            }
            allowed = amount.minor <= min(self.balance, self.paid_in - self.refunded)
            try:
                refund_post(**kwargs)
            except DomainError:
                assert not allowed
                return
            assert allowed
            self.replayable.append((refund_post, kwargs))
            self.balance -= amount.minor
            self.refunded += amount.minor

        @precondition(
            lambda self: Invoice.objects.filter(
                client=self.client, kind=Invoice.Kind.FINAL
            ).exists()
        )
        @rule(data=st.data(), partial_minor=st.integers(min_value=1, max_value=3_000))
        def credit_note(self, data, partial_minor):
            finals = list(
                Invoice.objects.filter(client=self.client, kind=Invoice.Kind.FINAL).order_by("pk")
            )
            invoice = data.draw(st.sampled_from(finals))
            credited = -(
                CreditNote.objects.filter(invoice=invoice).aggregate(total=Sum("gross_minor"))[
                    "total"
                ]
                or 0
            )
            whole = data.draw(st.booleans())
            kwargs = {"invoice": invoice, "reason": "Goodwill", "actor": staff, "issued_on": TODAY}
            if whole:
                kwargs["full"] = True
            else:
                unit = Money.from_minor(partial_minor)
                kwargs["lines"] = [LineInput(description="Goodwill", quantity=1, unit_price=unit)]
            try:
                note = credit_note_issue(**kwargs)
            except DomainError as refused:
                # Only a full credit of an invoice already credited, or a part larger than
                # what is left (VAT included), is refused.
                assert refused.code in {"invoice_partly_credited", "credit_exceeds_invoice"}
                assert credited > 0 or not whole
                return
            assert -note.gross_minor + credited <= invoice.gross_minor
            self.balance -= note.gross_minor  # negative: money back to the balance

        @precondition(lambda self: self.replayable)
        @rule(data=st.data())
        def replay(self, data):
            action, kwargs = data.draw(st.sampled_from(self.replayable))
            action(**kwargs)  # the same key again: nothing changes

        @invariant()
        def balance_equals_entries_and_model(self):
            expected = Money.from_minor(self.balance)
            assert balance_of(self.client) == expected
            assert balance_from_entries(self.client) == expected
            assert self.balance >= 0

        @invariant()
        def entries_never_change(self):
            stored = {
                entry_id: (transaction_id, amount)
                for entry_id, transaction_id, amount in Entry.objects.filter(
                    client=self.client
                ).values_list("id", "transaction_id", "amount_minor")
            }
            for entry_id, row in self.entries.items():
                assert stored.get(entry_id) == row
            self.entries = stored

        @invariant()
        def issued_invoices_never_change_and_are_charged_once(self):
            now = _paid_invoices(self.client)
            for public_id, row in self.finals.items():
                assert now[public_id] == row
            self.finals = now
            numbers = sorted(
                Invoice.objects.filter(kind=Invoice.Kind.FINAL).values_list("number", flat=True)
            )
            assert numbers == list(range(1, len(numbers) + 1))  # one series, one year
            for public_id, (_, _, _, _, gross) in now.items():
                charges = LedgerTransaction.objects.filter(idempotency_key=f"invoice:{public_id}")
                assert charges.count() == 1
                charged = Entry.objects.filter(
                    transaction__in=charges, account__kind=LedgerAccount.Kind.CLIENT_BALANCE
                ).aggregate(total=Sum("amount_minor"))["total"]
                assert charged == -gross

        def teardown(self):
            assert verify_balances() == []

    run_state_machine_as_test(
        MoneyMachine,
        settings=settings(
            max_examples=15,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )

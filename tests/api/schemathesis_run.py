"""Schemathesis over /api/v1/openapi.json, in process through the WSGI application.

Every operation of the OpenAPI document gets generated requests — valid ones and, in a
second pass, ones that break the schema — once as a client with a read+write token and once
as an administrator with a token (two-factor sign-in on, ACC-09). Each answer must not be a
server error, must have a status the document lists for the operation, must have the
documented content type and must match the documented body schema.

The operations are run in two halves per actor, each half in a test file of its own
(test_schemathesis_*.py), so that the four runs go side by side on the test workers.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from hostledger.abuse.actions import abuse_case_notify
from hostledger.abuse.intake import abuse_case_open
from hostledger.abuse.models import Category, Source
from hostledger.accounts import actions
from hostledger.catalog import actions as catalog_actions
from hostledger.incidents.actions import interruption_report
from hostledger.privacy.actions_requests import request_file
from tests.api import money_factories as money
from tests.api.conftest import make_staff_user, make_token

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_OPERATION = {GenerationMode.POSITIVE: 15, GenerationMode.NEGATIVE: 6}
HALVES = 2


def strategies(schema, operation, mode: GenerationMode, known: dict[str, str]):
    """Generated requests, the same with the ids of real objects (so changes reach objects
    that exist), and in the positive pass the document's own examples."""
    found = [operation.as_strategy(generation_mode=mode)]
    path = {p.name: known[p.name] for p in operation.path_parameters if p.name in known}
    query = {p.name: known[p.name] for p in operation.query if p.name in known}
    if path or query:
        found.append(operation.as_strategy(generation_mode=mode, path_parameters=path, query=query))
    if mode is GenerationMode.POSITIVE:
        found.extend(
            examples.map(lambda case: with_known_ids(case, known))
            for examples in schema.get_strategies_from_examples(operation)
        )
    return st.one_of(found)


def with_known_ids(case, known: dict[str, str]):
    """The documented example request, aimed at real objects instead of the sample ids."""
    for name in case.path_parameters or {}:
        if name in known:
            case.path_parameters[name] = known[name]
    if case.query and "client" in case.query and "client" in known:
        case.query["client"] = known["client"]
    return case


def run_every_operation(app, token: str, known: dict[str, str], *, half: int) -> list[str]:
    """Fuzz each operation of one ``half`` of the document (0 or 1: every other operation);
    return one line per operation and pass that failed a check."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    headers = {"Authorization": f"Bearer {token}"}
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 275, [operation.label for operation in operations]
    for operation in operations[half::HALVES]:
        for mode, examples in EXAMPLES_PER_OPERATION.items():

            @given(case=strategies(schema, operation, mode, known))
            @settings(
                max_examples=examples,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def exercise(case):
                case.call_and_validate(headers=headers, checks=CHECKS)

            try:
                exercise()
            except (Exception, FailureGroup) as error:  # one run names every failing operation
                failures.append(f"{operation.label} [{mode.value}]: {error}")
    return failures


def abuse_case_of(account):
    """An abuse case about ``account``, notified to it by a member of the abuse team."""
    officer = make_staff_user("abuse")
    case = abuse_case_open(
        source=Source.STAFF, category=Category.SPAM, text="Spam from you.", client=account
    )
    return abuse_case_notify(case=case, actor=officer)


def money_world(account, payer) -> dict[str, str]:
    """The catalog, services with a cloud pool and its server, acts of acceptance with a
    paper-act request, a paid balance, an unmatched payment, a proforma, a final invoice and a
    credit note of ``account``, by the names of the path parameters that address them."""
    items = money.make_catalog()
    money.enable_local_gateway()
    services = money.make_services(account, payer, items, money.make_operator())
    acts = money.make_acts(account, payer, account.owner)
    payment = money.record_payment(account, None, "100.00", "FUZZ-1")
    unmatched = money.unmatched_payment("30.00", "FUZZ-UNMATCHED-1")
    reversal = money.waiting_reversal("100.00", "FUZZ-REVERSAL-1")
    money.make_proforma(account, payer)
    invoice = money.make_final_invoice(account, payer)
    credit_note = money.make_credit_note(invoice)
    interruption = interruption_report(
        client=account, service=services["pool"], description="No ping.", actor=account.owner
    )
    draft_price_version = catalog_actions.price_version_create(
        tariff=items["tariff"], new_fee="11.90", effective_from=money.later_date(90)
    )
    return {
        "price_version_id": draft_price_version.public_id,
        "tariff_id": items["tariff"].public_id,
        "add_on_id": items["add_on"].public_id,
        "metered_item_id": items["metered_item"].public_id,
        "os_image_id": items["os_image"].public_id,
        "payment_id": payment.public_id,
        "unmatched_payment_id": unmatched.public_id,
        "invoice_id": invoice.public_id,
        "credit_note_id": credit_note.public_id,
        "order_id": services["order"].public_id,
        "service_id": services["pool"].public_id,
        "server_id": services["server"].public_id,
        "act_id": acts["act"].public_id,
        "request_id": acts["paper_request"].public_id,
        "reversal_id": reversal.public_id,
        "interruption_id": interruption.public_id,
    }


def client_operations_conform(app, client_a, *, half: int) -> None:
    """A client with a read+write token: no server error, no undocumented status, and every
    body as documented."""
    account = client_a.client
    payer = actions.payer_create(
        client=account,
        actor=client_a,
        data={
            "kind": "legal",
            "name": "Pilvepood OÜ",
            "registry_code": "12345678",
            "street": "Narva mnt 5",
            "city": "Tallinn",
            "country": "EE",
        },
    )
    contact = actions.contact_create(
        client=account,
        actor=client_a,
        data={"role": "technical", "name": "Jaan Tamm", "email": "jaan@example.com"},
    )
    other_token, _ = actions.api_token_create(user=client_a, name="spare", scopes=["read"])
    known = {
        "client": account.public_id,
        "payer_id": payer.public_id,
        "contact_id": contact.public_id,
        "grant_id": account.access_grants.get().public_id,
        "token_id": other_token.public_id,
        "privacy_request_id": request_file(
            client=account, actor=client_a, kind="access", channel="api"
        ).public_id,
        "case_id": abuse_case_of(account).public_id,
        **money_world(account, payer),
    }
    failures = run_every_operation(app, make_token(client_a, ("read", "write")), known, half=half)
    assert failures == [], "\n\n".join(failures)


def staff_operations_conform(app, client_a, *, half: int) -> None:
    """An administrator (two-factor sign-in on, ACC-09) with a read+write token: the same
    checks as a client's."""
    administrator = make_staff_user("administrator")
    support = make_staff_user("support")
    payer = actions.payer_create(
        client=client_a.client,
        actor=client_a,
        data={
            "kind": "natural",
            "name": "Mari Maasikas",
            "street": "Ahtri 12",
            "city": "Tallinn",
            "country": "EE",
        },
    )
    known = {
        "client_id": client_a.client.public_id,
        "user_id": support.public_id,
        "slug": "abuse",
        "privacy_request_id": request_file(
            client=client_a.client,
            actor=client_a,
            kind="rectification",
            reauthentication="password_reauthentication",
        ).public_id,
        "case_id": abuse_case_of(client_a.client).public_id,
        **money_world(client_a.client, payer),
    }
    known["payment_id"] = known.pop("unmatched_payment_id")
    failures = run_every_operation(
        app, make_token(administrator, ("read", "write")), known, half=half
    )
    assert failures == [], "\n\n".join(failures)

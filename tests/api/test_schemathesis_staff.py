"""Schemathesis over every API operation as an administrator with a token (ACC-09).

The generation, the real objects and the checks are those of test_schemathesis.py.
"""

from __future__ import annotations

from hostledger.accounts import actions
from hostledger.privacy.actions_requests import request_file
from tests.api.conftest import make_staff_user, make_token
from tests.api.test_schemathesis import abuse_case_of, money_world, run_every_operation, wsgi_app

__all__ = ["wsgi_app"]


def test_every_operation_conforms_for_an_administrator_with_a_token__ACC_09(wsgi_app, client_a):
    """An administrator (two-factor sign-in on, ACC-09) with a read+write token."""
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
    failures = run_every_operation(wsgi_app, make_token(administrator, ("read", "write")), known)
    assert failures == [], "\n\n".join(failures)

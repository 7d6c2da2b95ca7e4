"""API v1 (django-ninja): OpenAPI 3.1 at /api/v1/openapi.json, docs at /api/v1/docs.

Every operation accepts a personal API token (``Authorization: Bearer hl_…``) or the browser
session of the client area, answers errors in one format (see :mod:`hostledger.api.errors`)
and documents every status it answers. Paths carry opaque public ids, never database keys;
another client's object answers 404 (habit 6).
"""

import copy

from ninja import NinjaAPI

from hostledger.api.auth import BearerToken, BrowserSession
from hostledger.api.docs import ApiDocs
from hostledger.api.errors import install_handlers
from hostledger.api.routers import (
    abuse,
    acts,
    billing,
    catalog,
    catalog_staff,
    contacts,
    decisions,
    dns,
    domains,
    equipment,
    grants,
    interruptions,
    invoices,
    knowledge,
    licences,
    me,
    notifications,
    orders,
    payers,
    payment_reversals,
    policies,
    privacy,
    privacy_requests,
    privacy_staff,
    promotions,
    service_changes,
    service_controls,
    services,
    signup,
    staff,
    staff_reads,
    tickets,
    usage,
    verification,
)

DESCRIPTION = """\
The HostLedger API: the client's profile, payers, contact persons and trusted access; the
catalog; the prepaid balance, payments and top-ups; invoices and credit notes with PDF and
e-invoice downloads; and staff client, catalog and billing management.

**Money** is `{"amount": "12.40", "currency": "EUR"}`: the amount is a decimal string with
the currency's decimals, never a JSON number. Staff money movements take an
`idempotency_key`: the same request sent again moves money once.

**Authentication.** Send a personal API token as `Authorization: Bearer hl_…` (create one in
the client area; the secret is shown once). A token with scope `read` may use GET; POST,
PATCH and DELETE need scope `write`. In the browser, the client-area session works too, with
the CSRF token in the `X-CSRFToken` header on changes. Staff need two-factor sign-in turned on.
Without a browser, sign up with `POST /signup`, confirm the e-mail address with the link
mailed, and create the first token with `POST /signin/token` (e-mail address, password and,
when two-factor sign-in is on, its code); these two operations take no credential.

**Acting for another client.** A user who was granted access to another client's account
passes `?client=<client id>` to act in it, within the scopes granted.

**Errors** always have the shape `{"code": "...", "message": "...", "fields": {...}}`:
`fields` names each input field at fault. Bad input answers 400 (`invalid_input`), a missing
or invalid credential 401, a denied permission 403, an unknown object or one of another
client 404.

**Lists** take `limit` (1-100, default 50) and `offset` and answer
`{"items": [...], "count": n, "limit": l, "offset": o}` in a stable order.
"""


ERROR_DESCRIPTIONS = {
    "400": "Bad input (code `invalid_input`: `fields` names each field at fault) or a "
    "business rule refused the change.",
    "401": "No valid credential: no token or session, or the token is unknown, expired or revoked.",
    "403": "Not allowed: a missing permission or token scope, a failed CSRF check, or a staff "
    "member without two-factor sign-in.",
    "404": "No such object, or not one of this client's: another client's object answers 404.",
    "413": "The request body is larger than the server accepts (code `request_too_large`).",
}


class HostLedgerApi(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        """Operation ids are the handler names (``payer_list``), short and stable."""
        return operation.view_func.__name__

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """Ninja's document, with the error answers described in HostLedger's words. Every
        operation that takes a body may answer 413: the server refuses a body over its limit
        before any handler runs."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema["paths"].values():
            for operation in operations.values():
                answers = operation.get("responses", {})
                error_answer = answers.get("400") or answers.get(400)
                if "requestBody" in operation and error_answer and "413" not in answers:
                    answers.setdefault(413, copy.deepcopy(error_answer))
                for status, answer in operation.get("responses", {}).items():
                    if str(status) in ERROR_DESCRIPTIONS:
                        answer["description"] = ERROR_DESCRIPTIONS[str(status)]
        return schema


api = HostLedgerApi(
    title="HostLedger API",
    version="1.0.0",
    urls_namespace="api",
    description=DESCRIPTION,
    auth=[BearerToken(), BrowserSession()],
    docs=ApiDocs(),
)
install_handlers(api)

api.add_router("", signup.router)
api.add_router("", me.router)
api.add_router("", payers.router)
api.add_router("", contacts.router)
api.add_router("", grants.router)
api.add_router("", staff.router)
api.add_router("", staff_reads.router)
api.add_router("", catalog.router)
api.add_router("", catalog_staff.router)
api.add_router("", promotions.router)
api.add_router("", billing.router)
api.add_router("", payment_reversals.router)
api.add_router("", invoices.router)
api.add_router("", orders.router)
api.add_router("", services.router)
api.add_router("", service_controls.router)
api.add_router("", domains.router)
api.add_router("", service_changes.router)
api.add_router("", interruptions.router)
api.add_router("", acts.router)
api.add_router("", usage.router)
api.add_router("", notifications.router)
api.add_router("", verification.router)
api.add_router("", decisions.router)
api.add_router("", abuse.router)
api.add_router("", equipment.router)
api.add_router("", dns.router)
api.add_router("", policies.router)
api.add_router("", privacy_staff.router)
api.add_router("", privacy_requests.router)
api.add_router("", privacy.router)
api.add_router("", tickets.router)
api.add_router("", licences.router)
api.add_router("", knowledge.router)

"""Who may call what: every API v1 operation for every kind of caller, from one table.

Sign-up and the first token are public: every caller gets the same answer, since the
credential sent is not used (decision 0023).

Callers: nobody (anonymous), client A (who owns the objects addressed), client B (another
client), a read-only trusted user of A (ACC-06), and one staff member of each default role
(ACC-11) with two-factor sign-in on (ACC-09). Client-scoped rows act in A's account with
``?client=<A>``: B and staff have no access to it and get 404, as for any other client's
object (habit 6). Every refused call must leave the database exactly as it was: no statement
that changes data may run and be kept (tests/write_detection.py).

Each row runs once with a browser session and once with a read+write API token. The one
difference: a token cannot create tokens (403 ``session_required``), so a leaked token cannot
outlive its own expiry.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hostledger.abuse.actions import abuse_case_answer, abuse_case_notify
from hostledger.abuse.intake import abuse_case_open
from hostledger.abuse.models import Category, Source
from hostledger.accounts import actions
from hostledger.accounts.models import PhoneConfirmation, User
from hostledger.accounts.selectors import client_access
from hostledger.catalog import actions as catalog_actions
from hostledger.datacenter import actions as datacenter
from hostledger.dns import actions as dns_actions
from hostledger.dns.models import PushStatus, ZonePush
from hostledger.domains.registrars import registry as registrars
from hostledger.flows.privacy_erasure import client_erase
from hostledger.incidents.actions import interruption_confirm, interruption_report
from hostledger.ledger.actions import payment_record
from hostledger.privacy.actions import legal_hold_start, processing_restriction_start
from hostledger.privacy.actions_requests import request_file
from hostledger.privacy.exports import personal_data_export_start
from hostledger.privacy.models import PersonalDataExport
from hostledger.subscriptions.actions import (
    QuoteLineInput,
    client_payments_apply,
    order_place,
    quote_create,
    quote_send,
)
from hostledger.support.actions import ticket_open, ticket_staff_reply
from hostledger.support.models import Department
from tests.api import money_factories as money
from tests.api.conftest import (
    api_by_session,
    api_by_token,
    error_of,
    make_client_user,
    make_staff_user,
    make_user,
    publish_policies,
)
from tests.api.test_notifications_api import make_notifications
from tests.api.test_service_changes_api import make_service_changes
from tests.domain_helpers import (
    PERSONAL_CODE,
    ee_domain_tariff,
    local_registry_in_memory,
    registered_domain,
)
from tests.knowledge.helpers import help_article
from tests.ledger.camt import Line, camt053
from tests.module_world import kept_for_the_module
from tests.support.conftest import ensure_default_departments
from tests.write_detection import recorded_writes

pytestmark = pytest.mark.long_running(330)

ACTORS = (
    "anonymous",
    "client_a",
    "client_b",
    "trusted_reader",
    "support",
    "billing",
    "abuse",
    "privacy_officer",
    "administrator",
)
CLIENT_SCOPED = (
    "/payers",
    "/contacts",
    "/grants",
    "/billing",
    "/invoices",
    "/credit-notes",
    "/orders",
    "/services",
    "/interruptions",
    "/compensations",
    "/acts",
    "/paper-act-requests",
    "/verification-requests",
    "/notifications",
    "/notification-preferences",
    "/decisions",
    "/abuse",
    "/equipment",
    "/ip-allocations",
    "/dns",
    "/privacy-requests",
    "/personal-data",
    "/tickets",
    "/domains",
    "/coupon-checks",
    "/quotes",
)
"""Rows under these paths act in A's account: ``?client=<A>`` is added to them."""

#   method    path                              anon A    B    T    sup  bil  abu  prv  adm
TABLE = [
    ("GET",    "/me",                           401, 200, 200, 200, 200, 200, 200, 200, 200),
    ("PATCH",  "/me",                           401, 200, 200, 200, 404, 404, 404, 404, 404),
    ("GET",    "/me/login-history",             401, 200, 200, 200, 200, 200, 200, 200, 200),
    ("POST",   "/me/phone/code",                401, 200, 200, 200, 404, 404, 404, 404, 404),
    ("POST",   "/me/phone/confirm",             401, 200, 400, 400, 404, 404, 404, 404, 404),
    ("GET",    "/tokens",                       401, 200, 200, 200, 200, 200, 200, 200, 200),
    ("POST",   "/tokens",                       401, 201, 201, 201, 201, 201, 201, 201, 201),
    ("POST",   "/signup",                       201, 201, 201, 201, 201, 201, 201, 201, 201),
    ("POST",   "/signin/token",                 201, 201, 201, 201, 201, 201, 201, 201, 201),
    ("DELETE", "/tokens/{token}",               401, 200, 404, 404, 404, 404, 404, 404, 404),
    ("GET",    "/payers",                       401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("POST",   "/payers",                       401, 201, 404, 403, 404, 404, 404, 404, 404),
    ("GET",    "/payers/{payer}",               401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("PATCH",  "/payers/{payer}",               401, 200, 404, 403, 404, 404, 404, 404, 404),
    ("POST",   "/payers/{payer}/archive",       401, 200, 404, 403, 404, 404, 404, 404, 404),
    ("GET",    "/contacts",                     401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("POST",   "/contacts",                     401, 201, 404, 403, 404, 404, 404, 404, 404),
    ("GET",    "/contacts/{contact}",           401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("PATCH",  "/contacts/{contact}",           401, 200, 404, 403, 404, 404, 404, 404, 404),
    ("POST",   "/contacts/{contact}/archive",   401, 200, 404, 403, 404, 404, 404, 404, 404),
    ("GET",    "/contacts/{contact}/history",   401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("GET",    "/grants",                       401, 200, 404, 403, 404, 404, 404, 404, 404),
    ("POST",   "/grants",                       401, 201, 404, 403, 404, 404, 404, 404, 404),
    ("POST",   "/grants/{grant}/revoke",        401, 200, 404, 404, 404, 404, 404, 404, 404),
    ("GET",    "/staff/clients",                401, 403, 403, 403, 200, 200, 200, 200, 200),
    ("POST",   "/staff/clients/search",         401, 403, 403, 403, 200, 200, 200, 200, 200),
    ("GET",    "/staff/clients/{client}",       401, 403, 403, 403, 200, 200, 200, 200, 200),
    ("GET",    "/staff/users",                  401, 403, 403, 403, 403, 403, 403, 403, 200),
    ("POST",   "/staff/users",                  401, 403, 403, 403, 403, 403, 403, 403, 201),
    ("PATCH",  "/staff/users/{staff_member}",   401, 403, 403, 403, 403, 403, 403, 403, 200),
    ("GET",    "/staff/roles",                  401, 403, 403, 403, 403, 403, 403, 403, 200),
    ("GET",    "/staff/settings",               401, 403, 403, 403, 403, 403, 403, 403, 200),
    ("GET",    "/staff/vat-rates",              401, 403, 403, 403, 403, 200, 403, 403, 200),
    ("GET",    "/staff/job-runs",               401, 403, 403, 403, 403, 200, 403, 403, 200),
    ("PATCH",  "/staff/roles/abuse",            401, 403, 403, 403, 403, 403, 403, 403, 200),
    ("GET",    "/catalog/families",             401, 200, 200, 200, 200, 200, 200, 200, 200),
    ("GET",    "/catalog/sellers",              401, 200, 200, 200, 200, 200, 200, 200, 200),
    ("GET",    "/catalog/tariffs/{tariff}",     401, 200, 200, 200, 200, 200, 200, 200, 200),
    ("GET",    "/catalog/price-changes",        401, 200, 200, 200, 200, 200, 200, 200, 200),
    ("GET",    "/staff/catalog/tariffs",        401, 403, 403, 403, 403, 403, 403, 403, 200),
    ("POST",   "/staff/catalog/tariffs",        401, 403, 403, 403, 403, 403, 403, 403, 201),
    ("PATCH",  "/staff/catalog/tariffs/{tariff}", 401, 403, 403, 403, 403, 403, 403, 403, 200),
    ("POST",   "/staff/catalog/tariffs/{tariff}/deactivate",
                                                401, 403, 403, 403, 403, 403, 403, 403, 200),
    ("POST",   "/staff/catalog/tariffs/{old_tariff}/activate",
                                                401, 403, 403, 403, 403, 403, 403, 403, 200),
    ("POST",   "/staff/catalog/tariffs/{draft_tariff}/publish",
                                                401, 403, 403, 403, 403, 403, 403, 403, 200),
    ("GET",    "/staff/catalog/add-ons?family=vps",
                                                401, 403, 403, 403, 403, 403, 403, 403, 200),
    ("POST",   "/staff/catalog/add-ons",        401, 403, 403, 403, 403, 403, 403, 403, 201),
    ("PATCH",  "/staff/catalog/add-ons/{add_on}", 401, 403, 403, 403, 403, 403, 403, 403, 200),
    ("POST",   "/staff/catalog/add-ons/{add_on}/deactivate",
                                                401, 403, 403, 403, 403, 403, 403, 403, 200),
    ("POST",   "/staff/catalog/add-ons/{old_add_on}/activate",
                                                401, 403, 403, 403, 403, 403, 403, 403, 200),
    ("GET",    "/staff/catalog/metered-items?family=vps",
                                                401, 403, 403, 403, 403, 403, 403, 403, 200),
    ("POST",   "/staff/catalog/metered-items",  401, 403, 403, 403, 403, 403, 403, 403, 201),
    ("PATCH",  "/staff/catalog/metered-items/{metered_item}",
                                                401, 403, 403, 403, 403, 403, 403, 403, 200),
    ("POST",   "/staff/catalog/metered-items/{metered_item}/deactivate",
                                                401, 403, 403, 403, 403, 403, 403, 403, 200),
    ("POST",   "/staff/catalog/metered-items/{old_metered_item}/activate",
                                                401, 403, 403, 403, 403, 403, 403, 403, 200),
    ("GET",    "/staff/catalog/os-images",      401, 403, 403, 403, 403, 403, 403, 403, 200),
    ("POST",   "/staff/catalog/os-images",      401, 403, 403, 403, 403, 403, 403, 403, 201),
    ("PATCH",  "/staff/catalog/os-images/{os_image}",
                                                401, 403, 403, 403, 403, 403, 403, 403, 200),
    ("POST",   "/staff/catalog/os-images/{os_image}/deactivate",
                                                401, 403, 403, 403, 403, 403, 403, 403, 200),
    ("POST",   "/staff/catalog/os-images/{old_os_image}/activate",
                                                401, 403, 403, 403, 403, 403, 403, 403, 200),
    ("GET",    "/staff/catalog/price-versions?tariff={tariff}",
                                                401, 403, 403, 403, 403, 403, 403, 403, 200),
    ("POST",   "/staff/catalog/price-versions", 401, 403, 403, 403, 403, 403, 403, 403, 201),
    ("POST",   "/staff/catalog/price-versions/{draft_price_version}/publish",
                                                401, 403, 403, 403, 403, 403, 403, 403, 200),
    ("GET",    "/billing/balance",              401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("GET",    "/billing/bank-transfer",        401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("GET",    "/billing/statement",            401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("GET",    "/billing/payments",             401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("GET",    "/billing/gateways",             401, 200, 200, 200, 200, 200, 200, 200, 200),
    ("POST",   "/billing/top-ups",              401, 201, 404, 403, 404, 404, 404, 404, 404),
    ("POST",   "/invoices/{proforma}/pay",      401, 200, 404, 403, 404, 404, 404, 404, 404),
    ("GET",    "/staff/clients/{client}/balance", 401, 403, 403, 403, 403, 200, 403, 403, 200),
    ("GET",    "/staff/clients/{client}/statement",
                                                401, 403, 403, 403, 403, 200, 403, 403, 200),
    ("GET",    "/staff/clients/{client}/payments",
                                                401, 403, 403, 403, 403, 200, 403, 403, 200),
    ("POST",   "/staff/clients/{client}/payments",
                                                401, 403, 403, 403, 403, 201, 403, 403, 201),
    ("GET",    "/staff/payments/unmatched",     401, 403, 403, 403, 403, 200, 403, 403, 200),
    ("POST",   "/staff/payments/{unmatched_payment}/assign",
                                                401, 403, 403, 403, 403, 200, 403, 403, 200),
    ("POST",   "/staff/bank-statements",        401, 403, 403, 403, 403, 201, 403, 403, 201),
    ("POST",   "/staff/payments/{payment}/reverse",
                                                401, 403, 403, 403, 403, 201, 403, 403, 201),
    ("GET",    "/staff/payment-reversals/waiting",
                                                401, 403, 403, 403, 403, 200, 403, 403, 200),
    ("POST",   "/staff/payment-reversals/{waiting_reversal}/resolve",
                                                401, 403, 403, 403, 403, 200, 403, 403, 200),
    ("POST",   "/staff/clients/{client}/refunds", 401, 403, 403, 403, 403, 201, 403, 403, 201),
    ("POST",   "/staff/clients/{client}/credits", 401, 403, 403, 403, 403, 201, 403, 403, 201),
    ("POST",   "/staff/clients/{client}/corrections",
                                                401, 403, 403, 403, 403, 201, 403, 403, 201),
    ("GET",    "/invoices",                     401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("GET",    "/invoices/{invoice}",           401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("GET",    "/invoices/{invoice}/pdf",       401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("GET",    "/invoices/{invoice}/xml",       401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("GET",    "/invoices/{invoice}/ubl",       401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("GET",    "/credit-notes",                 401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("GET",    "/credit-notes/{credit_note}",   401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("GET",    "/credit-notes/{credit_note}/pdf", 401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("GET",    "/credit-notes/{credit_note}/xml", 401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("GET",    "/credit-notes/{credit_note}/ubl", 401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("GET",    "/staff/invoices",               401, 403, 403, 403, 403, 200, 403, 403, 200),
    ("GET",    "/staff/invoices/{invoice}",     401, 403, 403, 403, 403, 200, 403, 403, 200),
    ("POST",   "/staff/invoices/{invoice}/credit-notes",
                                                401, 403, 403, 403, 403, 201, 403, 403, 201),
    ("POST",   "/staff/invoices/{proforma}/cancel",
                                                401, 403, 403, 403, 403, 200, 403, 403, 200),
    ("POST",   "/coupon-checks",                401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("GET",    "/quotes",                       401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("GET",    "/quotes/{quote}",               401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("POST",   "/quotes/{quote}/accept",        401, 200, 404, 403, 404, 404, 404, 404, 404),
    ("POST",   "/quotes/{quote}/decline",       401, 200, 404, 403, 404, 404, 404, 404, 404),
    ("GET",    "/staff/coupons",                401, 403, 403, 403, 403, 403, 403, 403, 200),
    ("POST",   "/staff/coupons",                401, 403, 403, 403, 403, 403, 403, 403, 201),
    ("POST",   "/staff/coupons/{coupon}/deactivate",
                                                401, 403, 403, 403, 403, 403, 403, 403, 200),
    ("GET",    "/orders",                       401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("GET",    "/orders/{order}",               401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("POST",   "/orders",                       401, 201, 404, 403, 404, 404, 404, 404, 404),
    ("POST",   "/orders/{order}/cancel",        401, 200, 404, 403, 404, 404, 404, 404, 404),
    ("GET",    "/staff/orders",                 401, 403, 403, 403, 200, 200, 200, 200, 200),
    ("GET",    "/staff/orders/{order}",         401, 403, 403, 403, 200, 200, 200, 200, 200),
    ("GET",    "/services",                     401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("GET",    "/services/{pool}",              401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("POST",   "/services/{trial_service}/trial-continuation",
                                                401, 201, 404, 403, 404, 404, 404, 404, 404),
    ("GET",    "/services/{pool}/servers",      401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("POST",   "/services/{pool}/servers",      401, 201, 404, 403, 404, 404, 404, 404, 404),
    ("PATCH",  "/services/{pool}/servers/{server}",
                                                401, 200, 404, 403, 404, 404, 404, 404, 404),
    ("DELETE", "/services/{pool}/servers/{server}",
                                                401, 200, 404, 403, 404, 404, 404, 404, 404),
    # Access and controls of a running service (PRV-01); the pool runs on the manual module, so a
    # reboot becomes an application for staff and no console is offered.
    ("GET",    "/services/{pool}/access",       401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("POST",   "/services/{pool}/access/reveal",
                                                401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("POST",   "/services/{pool}/controls",     401, 202, 404, 403, 404, 404, 404, 404, 404),
    ("POST",   "/services/{pool}/console",      401, 400, 404, 403, 404, 404, 404, 404, 404),
    ("GET",    "/services/{pool}/calls",        401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("PUT",    "/staff/services/{pool}/access", 401, 403, 403, 403, 200, 403, 403, 403, 200),
    ("GET",    "/staff/services",               401, 403, 403, 403, 200, 200, 200, 200, 200),
    ("GET",    "/staff/services/activation-queue",
                                                401, 403, 403, 403, 200, 200, 200, 200, 200),
    ("GET",    "/staff/services/{pool}",        401, 403, 403, 403, 200, 200, 200, 200, 200),
    ("POST",   "/staff/services/{provisioning_service}/activate",
                                                401, 403, 403, 403, 200, 403, 403, 403, 200),
    ("POST",   "/staff/services/{pool}/suspend",
                                                401, 403, 403, 403, 200, 403, 403, 403, 200),
    ("POST",   "/staff/services/{suspended_service}/resume",
                                                401, 403, 403, 403, 200, 403, 403, 403, 200),
    ("POST",   "/staff/services/{pool}/terminate",
                                                401, 403, 403, 403, 200, 403, 403, 403, 200),
    ("GET",    "/interruptions",                401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("POST",   "/interruptions",                401, 201, 404, 403, 404, 404, 404, 404, 404),
    ("GET",    "/interruptions/{interruption}", 401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("GET",    "/compensations",                401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("GET",    "/services/{pool}/maintenance",  401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("GET",    "/staff/interruptions",          401, 403, 403, 403, 200, 403, 403, 403, 200),
    ("POST",   "/staff/interruptions/{interruption}/confirm",
                                                401, 403, 403, 403, 200, 403, 403, 403, 200),
    ("POST",   "/staff/interruptions/{interruption}/reject",
                                                401, 403, 403, 403, 200, 403, 403, 403, 200),
    ("POST",   "/staff/interruptions/{confirmed_interruption}/restore",
                                                401, 403, 403, 403, 200, 403, 403, 403, 200),
    ("GET",    "/staff/maintenance-windows",    401, 403, 403, 403, 200, 403, 403, 403, 200),
    ("POST",   "/staff/maintenance-windows",    401, 403, 403, 403, 201, 403, 403, 403, 201),
    ("POST",   "/staff/repairs",                401, 403, 403, 403, 400, 403, 403, 403, 400),
    ("GET",    "/acts",                         401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("GET",    "/acts/{act}",                   401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("POST",   "/acts/{act}/dispute",           401, 201, 404, 403, 404, 404, 404, 404, 404),
    ("POST",   "/acts/{act}/confirm",           401, 200, 404, 403, 404, 404, 404, 404, 404),
    ("GET",    "/paper-act-requests",           401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("POST",   "/paper-act-requests",           401, 201, 404, 403, 404, 404, 404, 404, 404),
    ("POST",   "/paper-act-requests/{paper_request}/withdraw",
                                                401, 200, 404, 403, 404, 404, 404, 404, 404),
    ("GET",    "/staff/acts",                   401, 403, 403, 403, 403, 200, 403, 403, 200),
    ("GET",    "/staff/acts/{act}",             401, 403, 403, 403, 403, 200, 403, 403, 200),
    ("GET",    "/staff/act-disputes",           401, 403, 403, 403, 403, 200, 403, 403, 200),
    ("POST",   "/staff/acts/{disputed_act}/dispute-resolution",
                                                401, 403, 403, 403, 403, 200, 403, 403, 200),
    ("GET",    "/staff/paper-act-requests",     401, 403, 403, 403, 403, 200, 403, 403, 200),
    ("POST",   "/staff/paper-act-requests/{paper_request}/sent",
                                                401, 403, 403, 403, 403, 200, 403, 403, 200),
    ("GET",    "/services/{provisioning_service}/usage",
                                                401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("POST",   "/staff/usage-records",          401, 403, 403, 403, 200, 403, 403, 403, 200),
    ("GET",    "/services/{pool}/changes",      401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("GET",    "/services/{pool}/plan-change/preview",
                                                401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("POST",   "/services/{pool}/plan-change",  401, 201, 404, 403, 404, 404, 404, 404, 404),
    ("POST",   "/services/{provisioning_service}/plan-change/withdraw",
                                                401, 200, 404, 403, 404, 404, 404, 404, 404),
    ("POST",   "/services/{pool}/cancellation", 401, 201, 404, 403, 404, 404, 404, 404, 404),
    ("POST",   "/services/{provisioning_service}/cancellation/withdraw",
                                                401, 200, 404, 403, 404, 404, 404, 404, 404),
    ("POST",   "/services/{pool}/withdrawal",   401, 201, 404, 403, 404, 404, 404, 404, 404),
    ("POST",   "/services/{pool}/contract-notice",
                                                401, 201, 404, 403, 404, 404, 404, 404, 404),
    ("GET",    "/staff/cancellations",          401, 403, 403, 403, 200, 200, 200, 200, 200),
    ("POST",   "/staff/cancellations/{due_cancellation}/carry-out",
                                                401, 403, 403, 403, 200, 403, 403, 403, 200),
    ("GET",    "/verification-requests",        401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("POST",   "/verification-requests/{verification_request}/answer",
                                                401, 200, 404, 403, 404, 404, 404, 404, 404),
    ("POST",   "/staff/clients/{client}/verification-requests",
                                                401, 403, 403, 403, 403, 403, 403, 201, 201),
    ("POST",   "/staff/verification-requests/{answered_verification}/accept",
                                                401, 403, 403, 403, 403, 403, 403, 200, 200),
    ("POST",   "/staff/verification-requests/{answered_verification}/reject",
                                                401, 403, 403, 403, 403, 403, 403, 200, 200),
    ("GET",    "/staff/clients/{client}/erasure-plan",
                                                401, 403, 403, 403, 403, 403, 403, 200, 200),
    ("POST",   "/staff/clients/{erasable_client}/erasure",
                                                401, 403, 403, 403, 403, 403, 403, 201, 201),
    ("GET",    "/staff/erasure-reports/{erasure_report}",
                                                401, 403, 403, 403, 403, 403, 403, 200, 200),
    ("GET",    "/staff/clients/{client}/restrictions",
                                                401, 403, 403, 403, 403, 403, 403, 200, 200),
    ("POST",   "/staff/clients/{client}/restrictions",
                                                401, 403, 403, 403, 403, 403, 403, 201, 201),
    ("POST",   "/staff/restrictions/{restriction}/lift",
                                                401, 403, 403, 403, 403, 403, 403, 200, 200),
    ("POST",   "/staff/clients/{client}/legal-holds",
                                                401, 403, 403, 403, 403, 403, 403, 201, 201),
    ("POST",   "/staff/legal-holds/{legal_hold}/lift",
                                                401, 403, 403, 403, 403, 403, 403, 200, 200),
    ("GET",    "/staff/retention/preview",      401, 403, 403, 403, 403, 403, 403, 200, 200),
    ("GET",    "/notifications",                401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("POST",   "/notifications/{notification}/read",
                                                401, 200, 404, 403, 404, 404, 404, 404, 404),
    ("POST",   "/notifications/read-all",       401, 200, 404, 403, 404, 404, 404, 404, 404),
    ("GET",    "/notification-preferences",     401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("PUT",    "/notification-preferences",     401, 200, 404, 403, 404, 404, 404, 404, 404),
    ("GET",    "/staff/outbox",                 401, 403, 403, 403, 200, 200, 403, 200, 200),
    ("POST",   "/staff/outbox/{failed_delivery}/resend",
                                                401, 403, 403, 403, 200, 200, 403, 200, 200),
    ("GET",    "/staff/notification-templates", 401, 403, 403, 403, 403, 403, 403, 403, 200),
    ("PUT",    "/staff/notification-templates/payment_reminder/et",
                                                401, 403, 403, 403, 403, 403, 403, 403, 200),
    ("POST",   "/staff/notification-templates/payment_reminder/et/preview",
                                                401, 403, 403, 403, 403, 403, 403, 403, 200),
    ("GET",    "/decisions",                    401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("POST",   "/decisions/{decision}/review",  401, 200, 404, 403, 404, 404, 404, 404, 404),
    ("GET",    "/staff/decisions",              401, 403, 403, 403, 200, 200, 200, 200, 200),
    ("POST",   "/staff/decisions/{decision}/confirm",
                                                401, 403, 403, 403, 200, 403, 403, 403, 200),
    ("POST",   "/staff/decisions/{decision}/reject",
                                                401, 403, 403, 403, 200, 403, 403, 403, 200),
    ("POST",   "/staff/decisions/{reviewed_decision}/review-answer",
                                                401, 403, 403, 403, 200, 403, 403, 403, 200),
    ("GET",    "/abuse/cases",                  401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("GET",    "/abuse/cases/{abuse_case}",     401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("POST",   "/abuse/cases/{abuse_case}/answer",
                                                401, 200, 404, 403, 404, 404, 404, 404, 404),
    ("GET",    "/staff/abuse/cases",            401, 403, 403, 403, 403, 403, 200, 403, 200),
    ("POST",   "/staff/abuse/cases",            401, 403, 403, 403, 403, 403, 201, 403, 201),
    ("GET",    "/staff/abuse/cases/{abuse_case}",
                                                401, 403, 403, 403, 403, 403, 200, 403, 200),
    ("POST",   "/staff/abuse/cases/{new_abuse_case}/notify",
                                                401, 403, 403, 403, 403, 403, 200, 403, 200),
    ("POST",   "/staff/abuse/cases/{abuse_case}/services",
                                                401, 403, 403, 403, 403, 403, 200, 403, 200),
    ("POST",   "/staff/abuse/cases/{abuse_case}/notes",
                                                401, 403, 403, 403, 403, 403, 200, 403, 200),
    ("POST",   "/staff/abuse/cases/{claimed_abuse_case}/remedy-reject",
                                                401, 403, 403, 403, 403, 403, 200, 403, 200),
    ("POST",   "/staff/abuse/cases/{abuse_case}/lift",
                                                401, 403, 403, 403, 403, 403, 200, 403, 200),
    ("POST",   "/staff/abuse/cases/{abuse_case}/dismiss",
                                                401, 403, 403, 403, 403, 403, 200, 403, 200),
    ("POST",   "/staff/abuse/cases/{abuse_case}/propose-termination",
                                                401, 403, 403, 403, 403, 403, 400, 403, 400),
    ("GET",    "/equipment",                    401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("GET",    "/equipment/applications",       401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("POST",   "/equipment/applications",       401, 201, 404, 403, 404, 404, 404, 404, 404),
    ("GET",    "/ip-allocations",               401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("POST",   "/ip-allocations/{allocation}/usage",
                                                401, 200, 404, 403, 404, 404, 404, 404, 404),
    ("POST",   "/ip-allocations/{allocation}/reverse-dns",
                                                401, 200, 404, 403, 404, 404, 404, 404, 404),
    ("GET",    "/staff/equipment-applications", 401, 403, 403, 403, 200, 200, 200, 200, 200),
    ("POST",   "/staff/equipment-applications/{equipment_application}/work",
                                                401, 403, 403, 403, 200, 403, 403, 403, 200),
    ("POST",   "/staff/ip-allocations/{allocation}/probe",
                                                401, 403, 403, 403, 200, 403, 403, 403, 200),
    ("GET",    "/staff/licences",               401, 403, 403, 403, 200, 200, 200, 200, 200),
    ("POST",   "/staff/licences/keys",          401, 403, 403, 403, 201, 403, 403, 403, 201),
    ("GET",    "/dns/zones",                    401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("POST",   "/dns/zones",                    401, 201, 404, 403, 404, 404, 404, 404, 404),
    ("GET",    "/dns/zones/{zone}",             401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("DELETE", "/dns/zones/{zone}",             401, 200, 404, 403, 404, 404, 404, 404, 404),
    ("GET",    "/dns/zones/{zone}/records",     401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("POST",   "/dns/zones/{zone}/records",     401, 201, 404, 403, 404, 404, 404, 404, 404),
    ("PATCH",  "/dns/zones/{zone}/records/{record}",
                                                401, 200, 404, 403, 404, 404, 404, 404, 404),
    ("DELETE", "/dns/zones/{zone}/records/{record}",
                                                401, 200, 404, 403, 404, 404, 404, 404, 404),
    ("GET",    "/staff/dns/pushes",             401, 403, 403, 403, 200, 200, 200, 200, 200),
    ("POST",   "/staff/dns/pushes/{failed_push}/retry",
                                                401, 403, 403, 403, 200, 403, 403, 403, 200),
    ("GET",    "/policies/current?kind=terms",  401, 200, 200, 200, 200, 200, 200, 200, 200),
    ("GET",    "/policies?kind=privacy",        401, 200, 200, 200, 200, 200, 200, 200, 200),
    ("POST",   "/policies/accept",              401, 200, 200, 200, 200, 200, 200, 200, 200),
    ("POST",   "/staff/policies",               401, 403, 403, 403, 403, 403, 403, 201, 201),
    ("GET",    "/privacy-requests",             401, 200, 404, 403, 404, 404, 404, 404, 404),
    ("POST",   "/privacy-requests",             401, 201, 404, 403, 404, 404, 404, 404, 404),
    ("GET",    "/privacy-requests/{privacy_request}",
                                                401, 200, 404, 403, 404, 404, 404, 404, 404),
    ("POST",   "/privacy-requests/{privacy_request}/withdraw",
                                                401, 200, 404, 403, 404, 404, 404, 404, 404),
    ("GET",    "/staff/privacy-requests",       401, 403, 403, 403, 403, 403, 403, 200, 200),
    ("GET",    "/staff/privacy-requests/{privacy_request}",
                                                401, 403, 403, 403, 403, 403, 403, 200, 200),
    ("POST",   "/staff/clients/{client}/privacy-requests",
                                                401, 403, 403, 403, 403, 403, 403, 201, 201),
    ("POST",   "/staff/privacy-requests/{privacy_request}/verify",
                                                401, 403, 403, 403, 403, 403, 403, 200, 200),
    ("POST",   "/staff/privacy-requests/{privacy_request}/extend",
                                                401, 403, 403, 403, 403, 403, 403, 200, 200),
    ("POST",   "/staff/privacy-requests/{verified_privacy_request}/respond",
                                                401, 403, 403, 403, 403, 403, 403, 200, 200),
    ("POST",   "/staff/privacy-requests/{privacy_request}/refuse",
                                                401, 403, 403, 403, 403, 403, 403, 200, 200),
    ("POST",   "/staff/clients/{client}/rectification",
                                                401, 403, 403, 403, 403, 403, 403, 200, 200),
    ("GET",    "/personal-data/exports",        401, 200, 404, 403, 404, 404, 404, 404, 404),
    ("POST",   "/personal-data/exports",        401, 202, 404, 403, 404, 404, 404, 404, 404),
    ("GET",    "/personal-data/exports/{export}",
                                                401, 200, 404, 403, 404, 404, 404, 404, 404),
    ("GET",    "/support/departments",          401, 200, 200, 200, 200, 200, 200, 200, 200),
    ("GET",    "/domains",                      401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("GET",    "/domains/{domain}",             401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("POST",   "/domains/{domain}/check",       401, 200, 404, 403, 404, 404, 404, 404, 404),
    ("POST",   "/domains/{domain}/name-servers", 401, 200, 404, 403, 404, 404, 404, 404, 404),
    ("POST",   "/domains/{domain}/lock",        401, 200, 404, 403, 404, 404, 404, 404, 404),
    ("POST",   "/domains/{domain}/auth-code",   401, 200, 404, 403, 404, 404, 404, 404, 404),
    ("POST",   "/domains/transfers",            401, 201, 404, 403, 404, 404, 404, 404, 404),
    ("GET",    "/staff/domains",                401, 403, 403, 403, 200, 200, 200, 200, 200),
    ("GET",    "/tickets",                      401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("POST",   "/tickets",                      401, 201, 404, 403, 404, 404, 404, 404, 404),
    ("GET",    "/tickets/{ticket}",             401, 200, 404, 200, 404, 404, 404, 404, 404),
    ("POST",   "/tickets/{ticket}/replies",     401, 201, 404, 403, 404, 404, 404, 404, 404),
    ("POST",   "/tickets/{ticket}/close",       401, 200, 404, 403, 404, 404, 404, 404, 404),
    ("POST",   "/tickets/{ticket}/rating",      401, 200, 404, 403, 404, 404, 404, 404, 404),
    ("GET",    "/staff/tickets",                401, 403, 403, 403, 200, 200, 403, 403, 200),
    ("POST",   "/staff/tickets/search",         401, 403, 403, 403, 200, 200, 403, 403, 200),
    ("GET",    "/staff/tickets/{ticket}",       401, 403, 403, 403, 200, 200, 403, 403, 200),
    ("POST",   "/staff/tickets/{ticket}/replies",
                                                401, 403, 403, 403, 201, 201, 403, 403, 201),
    ("POST",   "/staff/tickets/{ticket}/notes", 401, 403, 403, 403, 201, 201, 403, 403, 201),
    ("POST",   "/staff/tickets/{ticket}/assignee",
                                                401, 403, 403, 403, 200, 200, 403, 403, 200),
    ("POST",   "/staff/tickets/{ticket}/status",
                                                401, 403, 403, 403, 200, 200, 403, 403, 200),
    ("GET",    "/knowledge/articles?q=root",    200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("GET",    "/knowledge/articles/{knowledge_article}",
                                                200, 200, 200, 200, 200, 200, 200, 200, 200),
]  # fmt: skip

COMPANY = {
    "kind": "legal",
    "name": "Pilvepood OÜ",
    "registry_code": "12345678",
    "street": "Narva mnt 5",
    "city": "Tallinn",
    "country": "EE",
}
TECHNICAL = {"role": "technical", "name": "Jaan Tamm", "email": "jaan@example.com"}
SIGNIN_PASSWORD = "Tallinn harbour 2024 wind"
BODIES = {
    ("POST", "/interruptions"): {"service": "{trial_service}", "description": "Console dark."},
    ("POST", "/staff/interruptions/{interruption}/reject"): {"reason": "No outage seen."},
    ("POST", "/staff/maintenance-windows"): {
        "title": "Core switch replacement",
        "description": "Up to 10 minutes.",
        "starts_at": "2099-03-04T02:00:00+02:00",
        "ends_at": "2099-03-04T04:00:00+02:00",
        "scope": "services",
        "service_ids": ["{pool}"],
    },
    ("POST", "/staff/repairs"): {
        "service": "{pool}",
        "part": "Disk 2",
        "started_at": "2020-03-04T02:00:00+02:00",
        "ended_at": "2020-03-05T04:00:00+02:00",
    },
    ("POST", "/staff/clients/search"): {"q": "Tamm"},
    ("POST", "/staff/licences/keys"): {
        "product": "windows-server-std",
        "product_name": "Windows Server Standard",
        "keys": "VK7JG-NPHTM-C97JM-9MPGT-3V66T\nWC2BQ-8NRM3-FDDYY-2BFGV-KHKQY",
    },
    ("POST", "/policies/accept"): {"kind": "terms", "version": "1.0"},
    ("POST", "/staff/policies"): {
        "kind": "terms",
        "version": "2.0",
        "title": "Terms of service",
        "body": "# Terms\n\nSection 7 changes.",
        "requires_reacceptance": True,
        "change_summary": "Section 7 changes.",
    },
    ("POST", "/signup"): {
        "email": "kadri.kask@example.com",
        "password": SIGNIN_PASSWORD,
        "kind": "natural",
        "first_name": "Kadri",
        "last_name": "Kask",
        "street": "Pikk 1",
        "city": "Tartu",
        "country": "EE",
        "phone": "+372 5123 4567",
        "age_declaration": True,
        "accept_policies": True,
    },
    ("POST", "/signin/token"): {
        "email": "signin@example.com",
        "password": SIGNIN_PASSWORD,
        "name": "First token",
        "scopes": ["read"],
    },
    ("PUT", "/notification-preferences"): {"sms": {"billing": True}},
    ("PUT", "/staff/notification-templates/payment_reminder/et"): {
        "subject": "Meeldetuletus: arve {{ invoice_number }}",
        "body": "Tere, {{ client_name }}!",
    },
    ("POST", "/staff/notification-templates/payment_reminder/et/preview"): {
        "subject": "Arve {{ invoice_number }}",
        "body": "Tere!",
    },
    ("POST", "/staff/usage-records"): {
        "rows": [
            {
                "service": "{provisioning_service}",
                "metered_item": "{metered_item}",
                "quantity": "12.5",
                "window_start": "{usage_moment}",
                "window_end": "{usage_moment}",
                "source": "matrix",
                "external_id": "matrix-1",
            }
        ]
    },
    ("POST", "/services/{pool}/plan-change"): {"tariff": "{large_pool_tariff}"},
    ("POST", "/services/{pool}/cancellation"): {"effective_on": money.in_days(60)},
    ("POST", "/services/{pool}/contract-notice"): {"kind": "termination"},
    ("PATCH", "/me"): {"city": "Tartu"},
    ("POST", "/me/phone/confirm"): {"code": "{phone_code}"},
    ("POST", "/tokens"): {"name": "Matrix", "scopes": ["read"]},
    ("POST", "/payers"): COMPANY,
    ("PATCH", "/payers/{payer}"): {"city": "Tartu"},
    ("POST", "/contacts"): TECHNICAL,
    ("PATCH", "/contacts/{contact}"): {"name": "J. Tamm"},
    ("POST", "/grants"): {"grantee_email": "newcomer@example.com", "scopes": ["tickets"]},
    ("POST", "/staff/users"): {
        "email": "new@provider.example",
        "full_name": "New Member",
        "roles": ["support"],
    },
    ("PATCH", "/staff/users/{staff_member}"): {"roles": ["billing"]},
    ("PATCH", "/staff/roles/abuse"): {"permissions": ["clients.view"]},
    ("POST", "/staff/catalog/tariffs"): {
        "family": "vps",
        "code": "vps-pro",
        "name": "VPS Pro",
        "monthly_fee": money.money("19.90"),
        "specs": {"cpu": 4, "ram_gb": 8, "disk_gb": 160},
    },
    ("PATCH", "/staff/catalog/tariffs/{tariff}"): {"name": "VPS Start 2"},
    ("POST", "/staff/catalog/add-ons"): {
        "family": "vps",
        "code": "backup",
        "name": "Backup",
        "monthly_fee": money.money("3.00"),
    },
    ("PATCH", "/staff/catalog/add-ons/{add_on}"): {"max_quantity": 8},
    ("POST", "/staff/catalog/metered-items"): {
        "family": "vps",
        "code": "vps-cpu-hours",
        "name": "CPU time",
        "unit": "vCPU-hour",
        "unit_price": "0.0120",
    },
    ("PATCH", "/staff/catalog/metered-items/{metered_item}"): {"included_quantity": "200"},
    ("POST", "/staff/catalog/os-images"): {
        "code": "ubuntu-24-04",
        "name": "Ubuntu 24.04",
        "families": ["vps", "dedicated"],
    },
    ("PATCH", "/staff/catalog/os-images/{os_image}"): {"name": "Debian 12 (bookworm)"},
    ("POST", "/staff/catalog/price-versions"): {
        "tariff": "{tariff}",
        "new_fee": money.money("10.90"),
        "effective_from": money.in_days(60),
    },
    ("POST", "/billing/top-ups"): {"gateway": "local", "amount": money.money("25.00")},
    ("POST", "/staff/clients/{client}/payments"): {
        "amount": money.money("40.00"),
        "value_date": money.in_days(0),
        "reference": "MATRIX-1",
    },
    ("POST", "/staff/payments/{unmatched_payment}/assign"): {"client": "{client}"},
    ("POST", "/staff/payments/{payment}/reverse"): {"reason": "Recorded by mistake"},
    ("POST", "/staff/payment-reversals/{waiting_reversal}/resolve"): {"payment": "{payment}"},
    ("POST", "/staff/clients/{client}/refunds"): {
        "amount": money.money("5.00"),
        "reason": "Overpaid",
        "idempotency_key": "matrix-refund",
    },
    ("POST", "/staff/clients/{client}/credits"): {
        "amount": money.money("5.00"),
        "reason": "Outage",
        "idempotency_key": "matrix-credit",
    },
    ("POST", "/staff/clients/{client}/corrections"): {
        "amount": money.money("-5.00"),
        "reason": "Entered twice",
        "idempotency_key": "matrix-correction",
    },
    ("POST", "/staff/invoices/{invoice}/credit-notes"): {
        "reason": "Goodwill",
        "lines": [{"description": "Goodwill", "quantity": "1", "unit_price": money.money("1.00")}],
    },
    ("POST", "/staff/invoices/{proforma}/cancel"): {"reason": "Ordered by mistake"},
    ("POST", "/orders"): {
        "tariff": "{tariff}",
        "payer": "{payer}",
        "period_months": 1,
        "os_image": "{os_image}",
        "add_ons": [{"add_on": "{add_on}", "quantity": 2}],
    },
    ("POST", "/coupon-checks"): {"tariff": "{tariff}", "code": "worldcoupon", "period_months": 3},
    ("POST", "/staff/coupons"): {"code": "MATRIX-NEW", "kind": "fixed", "value": "5.00"},
    ("POST", "/quotes/{quote}/accept"): {"start_at_once": True},
    ("POST", "/orders/{order}/cancel"): {"reason": "Ordered by mistake"},
    ("POST", "/services/{trial_service}/trial-continuation"): {
        "payer": "{payer}",
        "period_months": 3,
    },
    ("POST", "/services/{pool}/servers"): {
        "name": "db-1",
        "cpu": 2,
        "ram_gb": 4,
        "disk_gb": 40,
        "os_image": "{os_image}",
    },
    ("PATCH", "/services/{pool}/servers/{server}"): {"cpu": 4},
    ("POST", "/staff/services/{provisioning_service}/activate"): {"note": "Built by hand"},
    ("POST", "/services/{pool}/controls"): {"operation": "reboot", "token": "matrix-token-1"},
    ("PUT", "/staff/services/{pool}/access"): {"address": "192.0.2.44", "password": "Pa55-word-1"},
    ("POST", "/staff/services/{pool}/suspend"): {"reason": "Abuse report"},
    ("POST", "/staff/services/{suspended_service}/resume"): {"reason": "Abuse handled"},
    ("POST", "/staff/services/{pool}/terminate"): {"reason": "Contract ended"},
    ("POST", "/acts/{act}/dispute"): {"reasons": "The server was down for two days."},
    ("POST", "/paper-act-requests"): {"payer": "{payer}", "quarter_of": money.in_days(-100)},
    ("POST", "/staff/acts/{disputed_act}/dispute-resolution"): {
        "outcome": "upheld",
        "note": "Outage confirmed.",
    },
    ("POST", "/staff/paper-act-requests/{paper_request}/sent"): {"note": "RR123456789EE"},
    ("POST", "/verification-requests/{verification_request}/answer"): {"answer": "Pikk 1"},
    ("POST", "/staff/clients/{client}/verification-requests"): {"question": "Confirm your name."},
    ("POST", "/staff/clients/{erasable_client}/erasure"): {"confirm": True},
    ("POST", "/staff/clients/{client}/restrictions"): {"reason": "requested", "note": "By letter."},
    ("POST", "/staff/restrictions/{restriction}/lift"): {"note": "The address is corrected."},
    ("POST", "/staff/clients/{client}/legal-holds"): {"reason": "Court case 2-27-1."},
    ("POST", "/staff/verification-requests/{answered_verification}/accept"): {"note": ""},
    ("POST", "/staff/verification-requests/{answered_verification}/reject"): {
        "note": "The number does not answer."
    },
    ("POST", "/decisions/{decision}/review"): {"reason": "I answered by phone."},
    ("POST", "/staff/decisions/{decision}/confirm"): {"note": "Unanswered for weeks."},
    ("POST", "/staff/decisions/{decision}/reject"): {"note": "The client called us."},
    ("POST", "/staff/decisions/{reviewed_decision}/review-answer"): {
        "outcome": "The call is on record."
    },
    ("POST", "/abuse/cases/{abuse_case}/answer"): {"text": "We stopped the mailing."},
    ("POST", "/staff/abuse/cases"): {"category": "spam", "text": "Spam from shop.example.com."},
    ("POST", "/staff/abuse/cases/{new_abuse_case}/notify"): {"note": "With the headers."},
    ("POST", "/staff/abuse/cases/{abuse_case}/services"): {"service": "{pool}"},
    ("POST", "/staff/abuse/cases/{abuse_case}/notes"): {"note": "Asked for headers."},
    ("POST", "/staff/abuse/cases/{claimed_abuse_case}/remedy-reject"): {"note": "Still sends."},
    ("POST", "/staff/abuse/cases/{abuse_case}/lift"): {"note": "Fixed."},
    ("POST", "/staff/abuse/cases/{abuse_case}/dismiss"): {"note": "Forged report."},
    ("POST", "/equipment/applications"): {"action": "reboot", "equipment_ids": ["SRV-A1"]},
    ("POST", "/ip-allocations/{allocation}/usage"): {"addresses_in_use": 5},
    ("POST", "/ip-allocations/{allocation}/reverse-dns"): {
        "address": "192.0.2.17",
        "host_name": "mail.example.com",
    },
    ("POST", "/staff/equipment-applications/{equipment_application}/work"): {
        "status": "done",
        "result": "Rebooted at 10:02.",
    },
    ("POST", "/staff/ip-allocations/{allocation}/probe"): {
        "addresses_seen": ["192.0.2.17", "192.0.2.18"]
    },
    ("POST", "/dns/zones"): {"service": "{dns_service}", "name": "second.example"},
    ("POST", "/dns/zones/{zone}/records"): {"type": "A", "name": "api", "content": "192.0.2.81"},
    ("PATCH", "/dns/zones/{zone}/records/{record}"): {"content": "192.0.2.82"},
    ("POST", "/privacy-requests"): {"kind": "portability", "details": "My data as JSON."},
    ("POST", "/staff/clients/{client}/privacy-requests"): {
        "kind": "objection",
        "channel": "letter",
        "verification_note": "Signature matches the contract.",
    },
    ("POST", "/staff/privacy-requests/{privacy_request}/verify"): {"note": "Called back."},
    ("POST", "/staff/privacy-requests/{privacy_request}/extend"): {
        "months": 1,
        "reason": "Ten years of records.",
    },
    ("POST", "/staff/privacy-requests/{verified_privacy_request}/respond"): {
        "response": "Your data is attached."
    },
    ("POST", "/staff/privacy-requests/{privacy_request}/refuse"): {"reason": "Unverified."},
    ("POST", "/staff/clients/{client}/rectification"): {
        "corrections": {"street": "Pikk 2"},
        "reason": "Letter of 3 May.",
    },
}
BODIES.update(
    {
        ("POST", "/domains/{domain}/name-servers"): {"name_servers": ["ns1.example.net"]},
        # Unlocking leaves the registry as every case finds it; the call is still recorded.
        ("POST", "/domains/{domain}/lock"): {"locked": False},
        ("POST", "/domains/transfers"): {
            "tariff": "{domain_tariff}",
            "payer": "{payer}",
            "host_name": "kolib.ee",
            "transfer_auth_code": "code-1",
            "admin_ident": PERSONAL_CODE,
            "admin_ident_type": "priv",
            "admin_ident_country": "EE",
        },
        ("POST", "/tickets"): {"department": "billing", "subject": "Copy", "body": "Please."},
        ("POST", "/tickets/{ticket}/replies"): {"body": "Thanks."},
        ("POST", "/tickets/{ticket}/rating"): {"rating": 5, "comment": "Fast."},
        ("POST", "/staff/tickets/search"): {"q": "backups"},
        ("POST", "/staff/tickets/{ticket}/replies"): {"body": "Done.", "status": "on_hold"},
        ("POST", "/staff/tickets/{ticket}/notes"): {"body": "Host 7."},
        ("POST", "/staff/tickets/{ticket}/assignee"): {"assignee": "{staff_member}"},
        ("POST", "/staff/tickets/{ticket}/status"): {"status": "on_hold"},
    }
)
UPLOADS = {
    ("POST", "/staff/bank-statements"): lambda: {
        "file": SimpleUploadedFile(
            "statement.xml",
            camt053([Line(amount="12.00", bank_reference="MATRIX-LINE-1")]),
            content_type="application/xml",
        )
    },
}
"""Rows whose request is a multipart upload instead of a JSON body."""


def filled(body, ids: dict[str, str]):
    """``body`` with the ``{name}`` placeholders of its texts replaced by the world's ids."""
    if isinstance(body, dict):
        return {key: filled(value, ids) for key, value in body.items()}
    if isinstance(body, list):
        return [filled(value, ids) for value in body]
    if isinstance(body, str) and "{" in body:
        return body.format(**ids)
    return body


READS_BY_POST = {
    ("POST", "/staff/notification-templates/payment_reminder/et/preview"),
    ("POST", "/staff/tickets/search"),
    ("POST", "/staff/clients/search"),
    ("POST", "/coupon-checks"),
}
"""Rows that POST a body to compute an answer and change nothing."""

CODE_OF_STATUS = {401: {"not_authenticated"}, 403: {"permission_denied"}, 404: {"not_found"}}
CODE_OF_ROW = {
    ("POST", "/me/phone/confirm"): {400: {"phone_code_expired"}},
    ("POST", "/staff/abuse/cases/{abuse_case}/propose-termination"): {400: {"case_not_suspended"}},
    # The world has no dedicated server: staff allowed to record a repair are refused by the
    # product check, after the permission check (SUP-07).
    ("POST", "/staff/repairs"): {400: {"not_dedicated"}},
    # The manual module of the world's pool offers no console (PRV-01).
    ("POST", "/services/{pool}/console"): {400: {"module_cannot"}},
}
"""Rows where some callers are refused by a business rule: B and the trusted user were sent
no phone code, so A's code is no code of theirs."""


@dataclass
class World:
    """Client A's account with one object of each kind, and the staff member and role that
    staff rows change."""

    client_a: User
    ids: dict[str, str]
    actors: dict[str, User | None]


@pytest.fixture(scope="module")
def built_world(django_db_setup, django_db_blocker) -> Iterator[World]:
    """The world, built once for this module's thousands of cases (tests/module_world.py):
    whatever a case writes is undone before the next one starts from the same world."""
    with kept_for_the_module(django_db_blocker), local_registry_in_memory():
        publish_policies()
        yield build_world()


@pytest.fixture
def world(built_world, db) -> World:
    return built_world


def build_world() -> World:
    owner = make_client_user("mari@example.com")
    account = owner.client
    payer = actions.payer_create(client=account, actor=owner, data=COMPANY)
    contact = actions.contact_create(client=account, actor=owner, data=TECHNICAL)
    # First, while A has no other proforma its payment could settle instead.
    domains = make_domains(account, payer)
    helper = make_client_user("helper@example.com")
    grant = actions.access_grant_create(
        client=account, actor=owner, grantee_email=helper.email, scopes=["billing"]
    )
    make_user("newcomer@example.com")
    # A code sent to A's phone a while ago, so that A may confirm it or ask for another.
    phone_confirmation, phone_code = actions.phone_confirmation_create(client=account, actor=owner)
    PhoneConfirmation.objects.filter(pk=phone_confirmation.pk).update(
        sent_at=timezone.now() - timedelta(minutes=5),
        expires_at=timezone.now() + timedelta(days=3),
    )
    signs_in = make_client_user("signin@example.com")
    signs_in.set_password(SIGNIN_PASSWORD)
    signs_in.save(update_fields=["password"])
    token, _ = actions.api_token_create(user=owner, name="A's script", scopes=["read"])
    actions.staff_roles_ensure_defaults()
    member = actions.staff_user_create(
        actor=None,
        email="member@provider.example",
        full_name="Staff Member",
        role_slugs=["support"],
    )
    items = {**money.make_catalog(), **money.make_retired_catalog()}
    items.update(make_drafts(items["tariff"]))
    money.enable_local_gateway()
    operator = money.make_operator()
    dns_ids = make_dns(account, payer, items)  # paid while nothing else is open
    services = money.make_services(account, payer, items, operator)
    services.update(make_service_changes(account, services))  # while the balance is 0.00
    acts = money.make_acts(account, payer, owner)
    payment = money.record_payment(account, None, "100.00", "WORLD-1")
    unmatched = money.unmatched_payment("30.00", "WORLD-UNMATCHED-1")
    waiting_reversal = money.waiting_reversal("100.00", "WORLD-REVERSAL-1")
    proforma = money.make_proforma(account, payer)
    invoice = money.make_final_invoice(account, payer)
    credit_note = money.make_credit_note(invoice)
    verifications = make_verification_requests(account, owner)
    return World(
        client_a=owner,
        actors=make_actors(owner),
        ids={
            "client": account.public_id,
            "payer": payer.public_id,
            "contact": contact.public_id,
            "grant": grant.public_id,
            "token": token.public_id,
            "phone_code": phone_code,
            "staff_member": member.public_id,
            **{name: item.public_id for name, item in items.items()},
            "payment": payment.public_id,
            "unmatched_payment": unmatched.public_id,
            "waiting_reversal": waiting_reversal.public_id,
            "proforma": proforma.public_id,
            "invoice": invoice.public_id,
            "credit_note": credit_note.public_id,
            **{name: item.public_id for name, item in services.items()},
            **{name: item.public_id for name, item in acts.items()},
            "usage_moment": timezone.localtime().replace(microsecond=0).isoformat(),
            **verifications,
            **make_notifications(account),
            **make_decisions(account, owner),
            **make_abuse_cases(account, owner),
            **make_datacenter(owner, services["pool"], operator),
            **dns_ids,
            **make_privacy_records(account),
            "coupon": catalog_actions.coupon_create(
                code="WORLDCOUPON", kind="percentage", value="10"
            ).public_id,
            "quote": make_quote(account, payer, items),
            **make_privacy_requests(account, owner),
            "export": make_failed_export(account, owner),
            **make_interruptions(account, services),
            "ticket": make_ticket(account, owner, member),
            "knowledge_article": help_article().slug,
            **domains,
        },
    )


def make_domains(account, payer) -> dict[str, str]:
    """A's registered domain pood.ee at the in-memory local registry, and kolib.ee held at
    another registrar, to transfer in with its code (DOM-02)."""
    domain = registered_domain(account, payer=payer, name="pood.ee")
    registrars.get_registrar("local").register_elsewhere(
        "kolib.ee", expires_on=domain.expires_on, auth_code="code-1"
    )
    return {"domain": domain.public_id, "domain_tariff": ee_domain_tariff().public_id}


def make_datacenter(owner, service, operator) -> dict[str, str]:
    """A's server SRV-A1 with an application to reboot it, and 192.0.2.16/29 allocated to
    the service (SUP-02, SUP-05, SUP-06)."""
    datacenter.equipment_register(
        actor=operator, service=service, equipment_id="SRV-A1", kind="server"
    )
    application = datacenter.application_file(
        access=client_access(owner, None), actor=owner, action="reboot", equipment_ids="SRV-A1"
    )
    pool = datacenter.ip_pool_create(actor=operator, name="Tallinn", network="192.0.2.0/24")
    allocation = datacenter.ip_allocate(
        actor=operator, pool=pool, service=service, network="192.0.2.16/29"
    )
    return {"equipment_application": application.public_id, "allocation": allocation.public_id}


def make_dns(account, payer, items) -> dict[str, str]:
    """A's VPS with the DNS hosting add-on, ordered and paid before anything else of A is open,
    its zone with one record, and a push of the zone that PowerDNS refused (DOM-04,
    PRV-02)."""
    tariff = items["tariff"]
    add_on = catalog_actions.add_on_create(
        family=tariff.family, code="vps-dns-hosting", name="DNS hosting", monthly_fee="0.90"
    )
    order = order_place(
        client=account,
        payer=payer,
        tariff=tariff,
        period_months=1,
        add_ons=[add_on],
        os_image=items["os_image"],
        start_at_once=True,
        actor=account.owner,
    )
    payment_record(
        client=account,
        amount=order.proforma.gross,
        value_date=timezone.localdate(),
        reference=f"ORDER-{order.public_id}",
        actor=None,
    )
    client_payments_apply(client=account)
    service = order.services.get()
    access = client_access(account.owner, None)
    zone = dns_actions.zone_create(
        service=service, name="matrix.example", actor=account.owner, access=access
    )
    record = dns_actions.record_create(
        zone=zone,
        actor=account.owner,
        access=access,
        name="www",
        record_type="A",
        content="192.0.2.80",
    )
    ZonePush.objects.filter(zone=zone).update(status=PushStatus.FAILED, message="Matrix")
    push = ZonePush.objects.filter(zone=zone).latest("serial")
    return {
        "dns_service": service.public_id,
        "zone": zone.public_id,
        "record": record.public_id,
        "failed_push": push.public_id,
    }


def make_interruptions(account, services) -> dict[str, str]:
    """A reported interruption of A's cloud pool and a confirmed one of its provisioning VPS
    (SUP-03)."""
    operator = User.objects.get(email="operator@provider.example")
    reported = interruption_report(
        client=account, service=services["pool"], description="No ping.", actor=account.owner
    )
    confirmed = interruption_report(
        client=account,
        service=services["provisioning_service"],
        description="Disk errors.",
        actor=account.owner,
    )
    interruption_confirm(interruption=confirmed, actor=operator)
    return {"interruption": reported.public_id, "confirmed_interruption": confirmed.public_id}


def make_ticket(account, owner, agent) -> str:
    """A ticket of A that staff answered, so that A may rate it (SUP-01)."""
    ensure_default_departments()
    ticket = ticket_open(
        client=account,
        department=Department.objects.get(slug="support"),
        subject="Backups fail",
        body="Since Monday.",
        author=owner,
    )
    ticket_staff_reply(ticket=ticket, body="Looking.", author=agent)
    return ticket.public_id


def make_failed_export(account, owner) -> str:
    """An export of A's personal data whose build failed, so that starting one makes a new
    one (GDPR-02)."""
    export = personal_data_export_start(client=account, requested_by=owner)
    PersonalDataExport.objects.filter(pk=export.pk).update(
        status=PersonalDataExport.Status.FAILED, error="Matrix: not built"
    )
    return export.public_id


def make_quote(account, payer, items) -> str:
    """A quote sent to A: one VPS with the world's OS image for a month (decision 0055)."""
    quote = quote_create(
        client=account,
        payer=payer,
        valid_until=timezone.localdate() + timedelta(days=10),
        lines=[QuoteLineInput(tariff=items["tariff"], period_months=1, os_image=items["os_image"])],
    )
    return quote_send(quote=quote).public_id


def make_drafts(tariff) -> dict:
    """A draft tariff and a draft price change of ``tariff``, to be published (CAT-02)."""
    draft_tariff = catalog_actions.tariff_create(
        family=tariff.family,
        code="vps-draft",
        name="VPS Draft",
        monthly_fee="12.90",
        specs={"cpu": 2, "ram_gb": 4, "disk_gb": 80},
    )
    draft_price_version = catalog_actions.price_version_create(
        tariff=tariff, new_fee="11.90", effective_from=timezone.localdate() + timedelta(days=90)
    )
    return {"draft_tariff": draft_tariff, "draft_price_version": draft_price_version}


def make_verification_requests(account, owner) -> dict[str, str]:
    """One data verification request of A awaiting an answer and one answered (ACC-10)."""
    verifier = actions.staff_user_create(
        actor=None,
        email="verifier@provider.example",
        full_name="Verifier",
        role_slugs=["privacy_officer"],
    )
    awaiting = actions.verification_request_open(
        client=account, question="Please confirm your address.", actor=verifier
    )
    answered = actions.verification_request_open(
        client=account, question="Please confirm your phone number.", actor=verifier
    )
    actions.verification_request_answer(request=answered, answer="+372 5123 4567", actor=owner)
    return {
        "verification_request": awaiting.public_id,
        "answered_verification": answered.public_id,
    }


def make_decisions(account, owner) -> dict[str, str]:
    """Two terminations of A's contract proposed by the run on unanswered data verification
    requests (AUT-06), one of which A asked to have reviewed."""
    from hostledger.automation.actions import (
        decision_review_request,
        verification_terminations_propose,
    )
    from hostledger.automation.models import AutomatedDecision

    officer = actions.staff_user_create(
        actor=None,
        email="decisions@provider.example",
        full_name="Decision Officer",
        role_slugs=["privacy_officer"],
    )
    requests = [
        actions.verification_request_open(client=account, question=question, actor=officer)
        for question in ("Please confirm your name.", "Please confirm your email.")
    ]
    verification_terminations_propose(requests, as_of=timezone.now())
    proposed, reviewed = (
        AutomatedDecision.objects.get(subject_key=f"verification:{request.public_id}")
        for request in requests
    )
    decision_review_request(decision=reviewed, client=account, reason="I answered by email.")
    return {"decision": proposed.public_id, "reviewed_decision": reviewed.public_id}


def make_abuse_cases(account, owner) -> dict[str, str]:
    """Three abuse cases about A (ABU-01): one notified to A, one new, and one whose remedy
    A claimed."""
    officer = actions.staff_user_create(
        actor=None,
        email="abuse-desk@provider.example",
        full_name="Abuse Desk",
        role_slugs=["abuse"],
    )

    def case(text):
        return abuse_case_open(
            source=Source.STAFF, category=Category.SPAM, text=text, client=account
        )

    notified = abuse_case_notify(case=case("Spam from your server."), actor=officer)
    claimed = abuse_case_notify(case=case("Malware on your site."), actor=officer)
    abuse_case_answer(case=claimed, client=account, author=owner, text="Clean.", remedied=True)
    return {
        "abuse_case": notified.public_id,
        "new_abuse_case": case("Another report.").public_id,
        "claimed_abuse_case": claimed.public_id,
    }


def make_privacy_records(account) -> dict[str, str]:
    """A client that can be erased, the report of one that was, and an open restriction of
    processing and a legal hold on A (GDPR-04, GDPR-05, GDPR-08)."""
    officer = actions.staff_user_create(
        actor=None,
        email="privacy@provider.example",
        full_name="Privacy Officer",
        role_slugs=["privacy_officer"],
    )
    erasable = make_client_user("leaving@example.com")
    erased = make_client_user("gone@example.com")
    report = client_erase(client=erased.client, actor=officer)
    restriction = processing_restriction_start(
        client=account, reason="dispute", note="The address is disputed.", actor=officer
    )
    hold = legal_hold_start(client=account, reason="Court case 2-27-1.", actor=officer)
    return {
        "erasable_client": erasable.client.public_id,
        "erasure_report": report.public_id,
        "restriction": restriction.public_id,
        "legal_hold": hold.public_id,
    }


def make_privacy_requests(account, owner) -> dict[str, str]:
    """A request of A filed through the API, awaiting verification, and one filed in the
    client area after re-authentication, in progress (GDPR-07)."""
    waiting = request_file(client=account, actor=owner, kind="access", channel="api")
    verified = request_file(
        client=account,
        actor=owner,
        kind="rectification",
        details="My street is Pikk 2.",
        reauthentication="password_reauthentication",
    )
    return {"privacy_request": waiting.public_id, "verified_privacy_request": verified.public_id}


def make_actors(owner: User) -> dict[str, User | None]:
    """Every caller of the table, made once with the world: a case's own writes are undone
    before the next case, so each case meets them as they were made here."""
    reader = make_client_user("accountant@example.com")
    actions.access_grant_create(
        client=owner.client, actor=owner, grantee_email=reader.email, scopes=["read_only"]
    )
    return {
        "anonymous": None,
        "client_a": owner,
        "client_b": make_client_user("peeter@example.com"),
        "trusted_reader": reader,
        **{actor: make_staff_user(actor) for actor in ACTORS[4:]},
    }


def cases(by: str) -> list:
    """Every row of the table for every actor, called with a session or with a token
    (``by``); the token cases run from test_authorization_matrix_tokens.py, so that the two
    halves can run side by side."""
    return [
        pytest.param(method, path, actor, statuses[index], by, id=f"{method} {path} | {actor}")
        for method, path, *statuses in TABLE
        for index, actor in enumerate(ACTORS)
    ]


def test_the_table_covers_every_operation_of_the_api(anonymous, db):
    documented = {
        (method.upper(), path.removeprefix("/api/v1"))
        for path, operations in anonymous.get("/openapi.json").json()["paths"].items()
        for method in operations
    }
    placeholders = {
        "{token}": "{token_id}",
        "{knowledge_article}": "{slug}",
        "{payer}": "{payer_id}",
        "{contact}": "{contact_id}",
        "{grant}": "{grant_id}",
        "/staff/clients/{client}": "/staff/clients/{client_id}",
        "/staff/clients/{erasable_client}": "/staff/clients/{client_id}",
        "{erasure_report}": "{report_id}",
        "{restriction}": "{restriction_id}",
        "{legal_hold}": "{hold_id}",
        "{staff_member}": "{user_id}",
        "/staff/roles/abuse": "/staff/roles/{slug}",
        "{old_tariff}": "{tariff_id}",
        "{draft_tariff}": "{tariff_id}",
        "{draft_price_version}": "{price_version_id}",
        "{tariff}": "{tariff_id}",
        "{coupon}": "{coupon_id}",
        "{quote}": "{quote_id}",
        "{old_add_on}": "{add_on_id}",
        "{add_on}": "{add_on_id}",
        "{old_metered_item}": "{metered_item_id}",
        "{metered_item}": "{metered_item_id}",
        "{old_os_image}": "{os_image_id}",
        "{os_image}": "{os_image_id}",
        "{unmatched_payment}": "{payment_id}",
        "{payment}": "{payment_id}",
        "{waiting_reversal}": "{reversal_id}",
        "{proforma}": "{invoice_id}",
        "{invoice}": "{invoice_id}",
        "{credit_note}": "{credit_note_id}",
        "{order}": "{order_id}",
        "{pool}": "{service_id}",
        "{trial_service}": "{service_id}",
        "{provisioning_service}": "{service_id}",
        "{suspended_service}": "{service_id}",
        "{server}": "{server_id}",
        "{disputed_act}": "{act_id}",
        "{act}": "{act_id}",
        "{paper_request}": "{request_id}",
        "{due_cancellation}": "{cancellation_id}",
        "{verification_request}": "{request_id}",
        "{answered_verification}": "{request_id}",
        "{notification}": "{notification_id}",
        "{failed_delivery}": "{delivery_id}",
        "/payment_reminder/et": "/{event}/{language}",
        "{decision}": "{decision_id}",
        "{new_abuse_case}": "{case_id}",
        "{claimed_abuse_case}": "{case_id}",
        "{abuse_case}": "{case_id}",
        "{allocation}": "{allocation_id}",
        "{equipment_application}": "{application_id}",
        "{reviewed_decision}": "{decision_id}",
        "{privacy_request}": "{privacy_request_id}",
        "{verified_privacy_request}": "{privacy_request_id}",
        "{export}": "{export_id}",
        "{confirmed_interruption}": "{interruption_id}",
        "{interruption}": "{interruption_id}",
        "{ticket}": "{ticket_id}",
        "{zone}": "{zone_id}",
        "{record}": "{record_id}",
        "{failed_push}": "{push_id}",
        "{domain}": "{domain_id}",
    }
    covered = set()
    for method, path, *_ in TABLE:
        path = path.split("?")[0]
        for placeholder, parameter in placeholders.items():
            path = path.replace(placeholder, parameter)
        covered.add((method, path))
    assert covered == documented


@pytest.mark.parametrize(("method", "path", "actor", "expected", "by"), cases("session"))
def test_authorization_matrix__ACC_06_ACC_09_ACC_11(world, method, path, actor, expected, by):
    """ACC-06 (trusted access), ACC-09 (staff with two-factor), ACC-11 (staff roles); another
    client's object is a 404 (habit 6); a refused call changes nothing. Signed in with a
    session."""
    check_case(world, method, path, actor, expected, by)


def check_case(world: World, method: str, path: str, actor: str, expected: int, by: str) -> None:
    """Call ``method path`` as ``actor`` by session or token and check the answer and what
    changed."""
    user = world.actors[actor]
    if user is None:
        api = api_by_session(None)
    else:
        api = api_by_token(user) if by == "token" else api_by_session(user)
    expected_codes = {**CODE_OF_STATUS, **CODE_OF_ROW.get((method, path), {})}.get(expected, set())
    if by == "token" and (method, path) == ("POST", "/tokens") and expected == 201:
        expected, expected_codes = 403, {"session_required"}
    address = path + ("?client={client}" if path.startswith(CLIENT_SCOPED) else "")
    allowed_write = expected < 400 and method != "GET" and (method, path) not in READS_BY_POST

    with recorded_writes() as writes:
        if (method, path) in UPLOADS:
            response = api.upload(address.format(**world.ids), UPLOADS[(method, path)]())
        else:
            body = filled(BODIES.get((method, path)), world.ids)
            response = api.call(method, address.format(**world.ids), body)

    assert response.status_code == expected, response.content
    if expected >= 400:
        assert error_of(response)["code"] in expected_codes
        assert writes.kept == [], "a refused call changed data"
    elif allowed_write:
        assert writes.kept, "an allowed write changed nothing"

"""Staff permission codes and the default roles (ACC-11).

A staff member holds the union of the permissions of their roles and their explicit extra
permissions. Codes are stable strings; pages and API endpoints name the code they need.
"""

from __future__ import annotations

CLIENTS_VIEW = "clients.view"
CLIENTS_VIEW_PERSONAL_DATA = "clients.view_personal_data"
CLIENTS_EDIT = "clients.edit"
CLIENTS_VIEW_AS = "clients.view_as"
STAFF_MANAGE = "staff.manage"
SETTINGS_EDIT = "settings.edit"
JOBS_VIEW = "jobs.view"
JOBS_RUN = "jobs.run"
BILLING_MANAGE = "billing.manage"
ABUSE_MANAGE = "abuse.manage"
PRIVACY_MANAGE = "privacy.manage"
AUDIT_VIEW = "audit.view"
CATALOG_MANAGE = "catalog.manage"
SERVICES_MANAGE = "services.manage"
TICKETS_ANSWER = "tickets.answer"
TICKETS_MANAGE = "tickets.manage"
REPORTS_VIEW = "reports.view"
KNOWLEDGE_MANAGE = "knowledge.manage"

ALL_PERMISSIONS: dict[str, str] = {
    CLIENTS_VIEW: "See the list of clients and their accounts",
    CLIENTS_VIEW_PERSONAL_DATA: "Read clients' personal data (each read is audited)",
    CLIENTS_EDIT: "Correct clients' data, payers and contacts",
    CLIENTS_VIEW_AS: "See the client area as a client sees it, read-only (each view is audited)",
    STAFF_MANAGE: "Manage staff users, roles and permissions",
    SETTINGS_EDIT: "Change provider settings",
    JOBS_VIEW: "See job runs",
    JOBS_RUN: "Start jobs",
    BILLING_MANAGE: "Manage payments, invoices and balances",
    ABUSE_MANAGE: "Handle abuse cases",
    PRIVACY_MANAGE: "Handle data-subject requests and personal-data records",
    AUDIT_VIEW: "Read the audit trail",
    CATALOG_MANAGE: "Manage products, tariffs, add-ons, OS images and announced prices",
    SERVICES_MANAGE: "Activate, suspend, resume and terminate clients' services",
    TICKETS_ANSWER: "Read and answer support tickets, add internal notes, assign and merge",
    TICKETS_MANAGE: "Manage support departments and canned replies",
    REPORTS_VIEW: "See revenue, MRR, receivables, VAT, payment and usage reports",
    KNOWLEDGE_MANAGE: "Write and publish knowledge-base categories and articles",
}

DEFAULT_ROLES: dict[str, tuple[str, list[str]]] = {
    "support": (
        "Support",
        [
            CLIENTS_VIEW,
            CLIENTS_VIEW_PERSONAL_DATA,
            CLIENTS_VIEW_AS,
            SERVICES_MANAGE,
            TICKETS_ANSWER,
            KNOWLEDGE_MANAGE,
        ],
    ),
    "billing": (
        "Billing",
        [
            CLIENTS_VIEW,
            CLIENTS_VIEW_PERSONAL_DATA,
            BILLING_MANAGE,
            JOBS_VIEW,
            TICKETS_ANSWER,
            REPORTS_VIEW,
        ],
    ),
    "abuse": ("Abuse", [CLIENTS_VIEW, ABUSE_MANAGE]),
    "privacy_officer": (
        "Privacy officer",
        [CLIENTS_VIEW, CLIENTS_VIEW_PERSONAL_DATA, CLIENTS_EDIT, PRIVACY_MANAGE, AUDIT_VIEW],
    ),
    "administrator": ("Administrator", sorted(ALL_PERMISSIONS)),
}


def permissions_of(user) -> set[str]:
    """Every permission code the user holds; empty for anyone who is not active staff."""
    if not (user and user.is_authenticated and user.is_active and user.is_staff):
        return set()
    cached = getattr(user, "_hostledger_permissions", None)
    if cached is not None:
        return cached
    codes = set(user.extra_permissions or [])
    for role_permissions in user.staff_roles.values_list("permissions", flat=True):
        codes.update(role_permissions or [])
    if user.is_superuser:
        codes.update(ALL_PERMISSIONS)
    codes &= set(ALL_PERMISSIONS)
    user._hostledger_permissions = codes
    return codes


def has_permission(user, code: str) -> bool:
    return code in permissions_of(user)

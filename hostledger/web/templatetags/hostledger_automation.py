"""Template helpers that put what the billing run produced on existing pages (AUT-01,
AUT-06, BIL-07): a service's renewals, penalties and decisions, and an invoice's late-payment
penalty. Each tag loads its rows through :mod:`hostledger.automation.selectors` for the
object the page already shows, so the page's own view needs no change.
"""

from __future__ import annotations

from django import template

from hostledger.automation import selectors

register = template.Library()


def _penalty_row(accrual) -> dict:
    return {
        "accrual": accrual,
        "rate_percent": selectors.rate_percent_per_day(accrual),
        "invoice": accrual.invoice,
    }


@register.inclusion_tag("web/client/decisions/_invoice_penalty.html")
def invoice_penalty_panel(invoice):
    """The late-payment penalty of ``invoice``, accrued so far or posted, shown apart from
    the invoice's own total (BIL-07); nothing when there is none."""
    accrual = selectors.invoice_penalty(invoice)
    return {"penalty": _penalty_row(accrual) if accrual else None, "invoice": invoice}


@register.inclusion_tag("web/client/decisions/_service_renewals.html")
def service_renewal_panel(service):
    """How far ``service`` is paid and billed, its next renewal and its renewal invoices."""
    renewals = selectors.service_renewals(service)
    return {
        "service": service,
        "outlook": selectors.renewal_outlook(service, renewals),
        "renewals": renewals,
    }


@register.inclusion_tag("web/staff/decisions/_service_automation.html", takes_context=True)
def staff_service_automation(context, service):
    """A service's renewals, penalties and decisions on its staff page."""
    renewals = selectors.service_renewals(service)
    return {
        "service": service,
        "outlook": selectors.renewal_outlook(service, renewals),
        "renewals": renewals,
        "penalties": [_penalty_row(item) for item in selectors.service_penalties(service)],
        "decisions": selectors.service_decisions(service),
        "staff_permissions": context.get("staff_permissions", ()),
    }

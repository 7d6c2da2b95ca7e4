"""Template helpers of the client and staff areas: form fields, badges, navigation state."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

STATUS_BADGES = {
    "succeeded": "success",
    "active": "success",
    "failed": "danger",
    "revoked": "danger",
    "expired": "warning",
    "abandoned": "warning",
    "running": "info",
    "queued": "neutral",
    "archived": "neutral",
}


@register.inclusion_tag("web/includes/field.html")
def field(bound_field, wide=False, hide_optional=False, kind=""):
    """One form field with its label, help text and errors, linked for screen readers
    (aria-describedby, aria-invalid). ``kind`` marks a field shown only for that person kind."""
    return {
        "field": bound_field,
        "wide": wide,
        "hide_optional": hide_optional,
        "kind": kind,
    }


@register.inclusion_tag("web/includes/form_errors.html")
def form_errors(form):
    """A summary of what to correct, above the form, each item linking to its field."""
    if form is None or not form.is_bound:
        return {}
    return {
        "non_field_errors": form.non_field_errors(),
        "field_errors": [(bound, bound.errors[0]) for bound in form if bound.errors],
    }


@register.filter
def badge_class(status: str) -> str:
    return "badge-" + STATUS_BADGES.get(str(status), "neutral")


@register.simple_tag(takes_context=True)
def nav_current(context, *url_names: str) -> str:
    """``aria-current="page"`` when the current page is one of ``url_names`` (a trailing *
    matches every name with that prefix)."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    current = match.view_name
    for name in url_names:
        if current == name or (name.endswith("*") and current.startswith(name[:-1])):
            return mark_safe('aria-current="page"')
    return ""


@register.filter
def setting_display(value) -> str:
    """A provider setting's value as staff read it."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


@register.filter
def duration(value) -> str:
    """A timedelta as "1 h 02 min", "3.4 s"."""
    if not isinstance(value, timedelta):
        return "—"
    seconds = value.total_seconds()
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, seconds = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


@register.filter
def every(value) -> str:
    """A job's interval in words: "every day", "every 15 min"."""
    if not isinstance(value, timedelta):
        return "on demand"
    seconds = int(value.total_seconds())
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "min")):
        if seconds % size == 0:
            count = seconds // size
            if count == 1:
                return f"every {unit}"
            return f"every {count} {unit}{'s' if unit != 'min' else ''}"
    return f"every {seconds} s"


@register.filter
def percent_of(done, total) -> int:
    try:
        return max(0, min(100, int(int(done) * 100 / int(total))))
    except (TypeError, ValueError, ZeroDivisionError):
        return 0


@register.filter
def initial(text) -> str:
    text = str(text or "").strip()
    return text[:1].upper() if text else "?"


@register.filter
def get_item(mapping, key):
    try:
        return mapping.get(key, key)
    except AttributeError:
        return key


@register.simple_tag
def current_policy_documents():
    """The terms and privacy policy in force, for the sign-up declarations (ACC-02)."""
    from hostledger.privacy.policies import current_policies

    return current_policies()


@register.filter
def scope_label(scope: str) -> str:
    """A trusted-access scope in words (ACC-06)."""
    from hostledger.accounts.models import AccessGrant

    if scope == "owner":
        return "Owner"
    return dict(AccessGrant.Scope.choices).get(scope, scope)

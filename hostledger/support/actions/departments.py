"""Departments and canned replies, managed by staff (SUP-01)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from hostledger.accounts import permissions as perms
from hostledger.accounts.validation import FieldErrors
from hostledger.core.errors import DomainError
from hostledger.core.registry import setting_value
from hostledger.support import conf
from hostledger.support.models import CannedReply, Department

MAX_TARGET_HOURS = 24 * 365


def _require_manager(actor) -> None:
    if not perms.has_permission(actor, perms.TICKETS_MANAGE):
        raise DomainError(
            "invalid_input",
            _("Only staff who manage the ticket system can do this."),
            fields={"actor": "lacks tickets.manage"},
        )


def _cleaned_department(data: dict, *, current: Department | None) -> dict:
    errors = FieldErrors()
    name = " ".join(str(data.get("name", current.name if current else "")).split())
    if not name or len(name) > 100:
        errors.add("name", _("Required, at most 100 characters."))
    address = str(data.get("mail_address", current.mail_address if current else "")).strip()
    address = address.lower()
    if address:
        try:
            validate_email(address)
        except ValidationError:
            errors.add("mail_address", _("Enter a valid e-mail address."))
        if "+" in address.partition("@")[0]:
            errors.add("mail_address", _("The address cannot contain '+' (reply tags use it)."))
    hours = {}
    for key, setting in (
        ("first_response_hours", conf.FIRST_RESPONSE_HOURS),
        ("resolution_hours", conf.RESOLUTION_HOURS),
    ):
        default = getattr(current, key) if current else setting_value(setting)
        raw = data.get(key, default)
        try:
            value = int(raw)
        except (TypeError, ValueError):
            value = 0
        if not 1 <= value <= MAX_TARGET_HOURS:
            errors.add(
                key,
                _("A whole number of hours from 1 to %(max_target_hours)s.")
                % {"max_target_hours": MAX_TARGET_HOURS},
            )
        hours[key] = value
    if not errors and hours["resolution_hours"] < hours["first_response_hours"]:
        errors.add("resolution_hours", _("Cannot be shorter than the first response target."))
    errors.raise_if_any()
    return {"name": name, "mail_address": address, **hours}


@transaction.atomic
def department_create(*, actor, data: dict, now=None) -> Department:
    """Add a department (SUP-01) with its address and target hours."""
    _require_manager(actor)
    values = _cleaned_department(data, current=None)
    slug = slugify(str(data.get("slug") or values["name"]))[:40]
    if not slug or Department.objects.filter(slug=slug).exists():
        raise DomainError(
            "invalid_input",
            _("A department with this short name exists."),
            fields={"slug": "already used" if slug else "required"},
        )
    if (
        values["mail_address"]
        and Department.objects.filter(mail_address=values["mail_address"]).exists()
    ):
        raise DomainError(
            "invalid_input",
            _("Another department has this address."),
            fields={"mail_address": "already used"},
        )
    position = Department.objects.count()
    return Department.objects.create(
        slug=slug, position=position, created_at=now or timezone.now(), **values
    )


@transaction.atomic
def department_update(*, department: Department, actor, data: dict) -> Department:
    """Change a department's name, address, targets or whether it takes new tickets
    (SUP-01); its tickets stay where they are."""
    _require_manager(actor)
    department = Department.objects.select_for_update().get(pk=department.pk)
    values = _cleaned_department(data, current=department)
    if values["mail_address"] and (
        Department.objects.filter(mail_address=values["mail_address"])
        .exclude(pk=department.pk)
        .exists()
    ):
        raise DomainError(
            "invalid_input",
            _("Another department has this address."),
            fields={"mail_address": "already used"},
        )
    for key, value in values.items():
        setattr(department, key, value)
    if "is_active" in data:
        department.is_active = bool(data["is_active"])
    department.save()
    return department


@transaction.atomic
def canned_reply_create(*, actor, title: str, body: str, department=None, now=None) -> CannedReply:
    """Add a prepared answer staff can insert into replies (SUP-01)."""
    _require_manager(actor)
    title, body = _cleaned_canned(title, body)
    return CannedReply.objects.create(
        title=title,
        body=body,
        department=department,
        created_by=actor,
        created_at=now or timezone.now(),
    )


@transaction.atomic
def canned_reply_update(
    *, reply: CannedReply, actor, title: str, body: str, is_active: bool = True
) -> CannedReply:
    """Change or retire a canned reply (SUP-01)."""
    _require_manager(actor)
    reply = CannedReply.objects.select_for_update().get(pk=reply.pk)
    reply.title, reply.body = _cleaned_canned(title, body)
    reply.is_active = bool(is_active)
    reply.save(update_fields=["title", "body", "is_active"])
    return reply


def _cleaned_canned(title: str, body: str) -> tuple[str, str]:
    errors = FieldErrors()
    title = " ".join(str(title or "").split())
    body = str(body or "").replace("\r\n", "\n").strip()
    if not title or len(title) > 120:
        errors.add("title", _("Required, at most 120 characters."))
    if not body or len(body) > 20_000:
        errors.add("body", _("Required, at most 20,000 characters."))
    errors.raise_if_any()
    return title, body

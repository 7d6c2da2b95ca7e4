"""Staff users, roles and permissions; every change recorded and notified (ACC-11)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from hostledger.accounts import permissions as perms
from hostledger.accounts.models import (
    StaffRole,
    User,
)
from hostledger.accounts.tasks import send_staff_change_notice
from hostledger.accounts.validation import (
    FieldErrors,
    clean_email,
    clean_text,
)
from hostledger.core.audit import record_audit_event
from hostledger.core.errors import DomainError
from hostledger.core.jobs import enqueue_in_transaction
from hostledger.core.registry import setting_value


def _notify_responsible_personnel(subject: str, lines: list[str]) -> None:
    """ACC-11: every change to staff users, roles or permissions is mailed. The mail is a task
    enqueued in the change's own transaction, so it is sent exactly when the change commits,
    even if the process dies right after the COMMIT."""
    recipient = setting_value("accounts.responsible_personnel_email")
    body = "\n".join(lines) + "\n\nThis notice is sent for every change of staff access.\n"
    enqueue_in_transaction(send_staff_change_notice, recipient, f"[HostLedger] {subject}", body)


def _clean_roles(role_slugs) -> list[StaffRole]:
    slugs = sorted(set(role_slugs or []))
    roles = list(StaffRole.objects.filter(slug__in=slugs))
    if len(roles) != len(slugs):
        known = {role.slug for role in roles}
        unknown = ", ".join(slug for slug in slugs if slug not in known)
        raise DomainError(
            "invalid_input",
            _("roles: unknown role %(unknown)s.") % {"unknown": unknown},
            fields={"roles": f"Unknown role {unknown}."},
        )
    return roles


def _clean_permissions(codes) -> list[str]:
    chosen = sorted(set(codes or []))
    unknown = [code for code in chosen if code not in perms.ALL_PERMISSIONS]
    if unknown:
        raise DomainError(
            "invalid_input",
            _("permissions: unknown %(unknown)s.") % {"unknown": ", ".join(unknown)},
            fields={"permissions": f"Unknown {', '.join(unknown)}."},
        )
    return chosen


def staff_roles_ensure_defaults() -> None:
    """Create the five default roles if missing (ACC-11); existing roles are left as edited."""
    for slug, (name, codes) in perms.DEFAULT_ROLES.items():
        StaffRole.objects.get_or_create(slug=slug, defaults={"name": name, "permissions": codes})


@transaction.atomic
def staff_user_create(
    *,
    actor: User | None,
    email: str,
    full_name: str,
    role_slugs,
    password: str | None = None,
    extra_permissions=None,
) -> User:
    """Create a staff member with roles; two-factor sign-in is required before any staff
    page opens (ACC-09). The change is recorded and mailed (ACC-11)."""
    errors = FieldErrors()
    email = clean_email(email, "email", errors, required=True).lower()
    full_name = clean_text(full_name, "full_name", errors, required=True)
    errors.raise_if_any()
    if User.objects.filter(email=email).exists():
        raise DomainError(
            "invalid_input",
            _("email: a user with this email already exists."),
            fields={"email": "Already registered."},
        )
    roles = _clean_roles(role_slugs)
    codes = _clean_permissions(extra_permissions)
    user = User.objects.create_user(
        email=email, password=password, full_name=full_name, is_staff=True, extra_permissions=codes
    )
    if not password:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    user.staff_roles.set(roles)
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    role_names = sorted(role.slug for role in roles)
    record_audit_event(
        action="staff.created",
        actor=actor,
        obj=user,
        data={"roles": role_names, "extra_permissions": codes},
    )
    _notify_responsible_personnel(
        f"Staff user {email} created",
        [
            f"Staff user: {email}",
            f"Roles: {', '.join(role_names) or '-'}",
            f"Extra permissions: {', '.join(codes) or '-'}",
            f"Changed by: {actor.email if actor else 'system'}",
        ],
    )
    return user


@transaction.atomic
def staff_user_access_change(
    *,
    actor: User,
    staff_user: User,
    role_slugs=None,
    extra_permissions=None,
    is_active: bool | None = None,
) -> User:
    """Change a staff member's roles, extra permissions or active state (ACC-11)."""
    if not staff_user.is_staff:
        raise DomainError("not_staff", _("This user is not a staff member."), status=404)
    before = {
        "roles": sorted(staff_user.staff_roles.values_list("slug", flat=True)),
        "extra_permissions": sorted(staff_user.extra_permissions or []),
        "is_active": staff_user.is_active,
    }
    if role_slugs is not None:
        staff_user.staff_roles.set(_clean_roles(role_slugs))
    if extra_permissions is not None:
        staff_user.extra_permissions = _clean_permissions(extra_permissions)
    if is_active is not None:
        if staff_user.pk == actor.pk and not is_active:
            raise DomainError(
                "invalid_input",
                _("is_active: you cannot deactivate yourself."),
                fields={"is_active": "You cannot deactivate yourself."},
            )
        staff_user.is_active = is_active
    staff_user.save(update_fields=["extra_permissions", "is_active"])
    staff_user.__dict__.pop("_hostledger_permissions", None)
    after = {
        "roles": sorted(staff_user.staff_roles.values_list("slug", flat=True)),
        "extra_permissions": sorted(staff_user.extra_permissions or []),
        "is_active": staff_user.is_active,
    }
    if after != before:
        record_audit_event(
            action="staff.access_changed",
            actor=actor,
            obj=staff_user,
            data={"before": before, "after": after},
        )
        _notify_responsible_personnel(
            f"Staff access of {staff_user.email} changed",
            [
                f"Staff user: {staff_user.email}",
                f"Before: {before}",
                f"After: {after}",
                f"Changed by: {actor.email}",
            ],
        )
    return staff_user


@transaction.atomic
def staff_role_change(*, actor: User, role: StaffRole, permissions) -> StaffRole:
    """Change the permissions a role grants (ACC-11); recorded and mailed."""
    codes = _clean_permissions(permissions)
    before = sorted(role.permissions or [])
    if codes != before:
        role.permissions = codes
        role.save(update_fields=["permissions"])
        record_audit_event(
            action="staff.role_changed",
            actor=actor,
            obj=role,
            data={"role": role.slug, "before": before, "after": codes},
        )
        _notify_responsible_personnel(
            f"Staff role {role.name} changed",
            [
                f"Role: {role.slug}",
                f"Before: {before}",
                f"After: {codes}",
                f"Changed by: {actor.email}",
            ],
        )
    return role

"""Personal API tokens: hashed at rest, shown once, scoped, expiring, revocable."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.accounts.models import (
    ApiToken,
    User,
)
from hostledger.accounts.validation import (
    FieldErrors,
    clean_text,
)
from hostledger.core.audit import record_audit_event
from hostledger.core.registry import setting_value

TOKEN_SCOPES = ("read", "write")


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *, user: User, name: str, scopes=("read",), days: int | None = None
) -> tuple[ApiToken, str]:
    """Issue a personal API token. Returns the record and the secret, which is shown once
    and stored only as its SHA-256."""
    errors = FieldErrors()
    name = clean_text(name, "name", errors, required=True, max_length=100)
    chosen = sorted(set(scopes or []))
    if not chosen or any(scope not in TOKEN_SCOPES for scope in chosen):
        errors.add("scopes", _("Choose read, write or both."))
    longest = setting_value("accounts.api_token_days")
    if days is None:
        days = longest
    elif not isinstance(days, int) or days < 1 or days > longest:
        errors.add("days", _("Between 1 and %(longest)s days.") % {"longest": longest})
    errors.raise_if_any()
    prefix = secrets.token_hex(4)
    raw = f"hl_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=prefix,
        secret_hash=_token_hash(raw),
        scopes=chosen,
        expires_at=timezone.now() + timedelta(days=days),
    )
    record_audit_event(
        action="api_token.created",
        actor=user,
        obj=token,
        subject_client_id=getattr(getattr(user, "client", None), "pk", None),
        data={"scopes": chosen, "days": days},
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_audit_event(action="api_token.revoked", actor=actor, obj=token)
    return token


def api_token_authenticate(raw: str) -> ApiToken | None:
    """The live token for a presented secret, or None; marks when it was last used."""
    if not raw or not raw.startswith("hl_"):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(
            secret_hash=_token_hash(raw),
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
            user__is_active=True,
        )
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token

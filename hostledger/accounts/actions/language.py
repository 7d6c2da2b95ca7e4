"""The language a person reads HostLedger in (pages, e-mails, documents)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from hostledger.accounts.models import User
from hostledger.core.audit import record_audit_event
from hostledger.core.errors import DomainError


def language_codes() -> tuple[str, ...]:
    """The languages the interface is offered in (``settings.LANGUAGES``)."""
    return tuple(code for code, _name in settings.LANGUAGES)


def clean_language(language) -> str:
    """``language`` as one of the offered language codes; refused naming the field."""
    code = language.strip().lower() if isinstance(language, str) else ""
    if code not in language_codes():
        raise DomainError(
            "invalid_input",
            f"language: one of {', '.join(language_codes())}.",
            fields={"language": "not an offered language"},
        )
    return code


@transaction.atomic
def user_language_set(*, user: User, language: str) -> User:
    """Save the language ``user`` reads pages, e-mails and documents in; audited like other
    changes of a person's own profile. Saving the language already saved writes nothing."""
    code = clean_language(language)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.preferred_language == code:
        return user
    previous = user.preferred_language
    user.preferred_language = code
    user.save(update_fields=["preferred_language"])
    record_audit_event(
        action="user.language_changed",
        actor=user,
        obj=user,
        data={"from": previous, "to": code},
    )
    return user

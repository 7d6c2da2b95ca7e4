"""Cookie consent by category (GDPR-13, GDPR-06): the register of every cookie HostLedger
sets, the consent of signed-in persons (rows of :class:`CookieConsent`) and of anonymous
visitors (one necessary cookie holding only the choice and the version).

Necessary categories (authorisation, settings, security) need no consent; optional ones
(analytics, marketing) are allowed only after a person chose them, and a page includes
optional scripts only when ``analytics_allowed`` / ``marketing_allowed`` say so. A cookie
that is not in :data:`COOKIES` must not be set; a browser test checks it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from hostledger.core.audit import record_audit_event
from hostledger.core.errors import DomainError
from hostledger.core.registry import setting_value
from hostledger.privacy.models import CookieConsent

AUTHORISATION = "authorisation"
SETTINGS = "settings"
SECURITY = "security"
ANALYTICS = "analytics"
MARKETING = "marketing"


@dataclass(frozen=True)
class CookieCategory:
    code: str
    name: str
    description: str
    necessary: bool


CATEGORIES: tuple[CookieCategory, ...] = (
    CookieCategory(
        AUTHORISATION,
        "Authorisation",
        "Keep you signed in while you move from page to page of the client area.",
        True,
    ),
    CookieCategory(
        SETTINGS,
        "Settings",
        "Remember your language and your cookie choice.",
        True,
    ),
    CookieCategory(
        SECURITY,
        "Security",
        "Protect forms against cross-site request forgery and remember a trusted device.",
        True,
    ),
    CookieCategory(
        ANALYTICS,
        "Analytics",
        "Measure how the site is used so that it can be improved. Off unless you allow it.",
        False,
    ),
    CookieCategory(
        MARKETING,
        "Marketing",
        "Measure the effect of advertising campaigns. Off unless you allow it.",
        False,
    ),
)
CATEGORY_CODES = tuple(category.code for category in CATEGORIES)
NECESSARY = tuple(category.code for category in CATEGORIES if category.necessary)
OPTIONAL = tuple(category.code for category in CATEGORIES if not category.necessary)

CONSENT_COOKIE_NAME = "hl_cookie_consent"
COOKIE_POLICY_VERSION = "1"
"""Raised whenever :data:`COOKIES` gains a cookie of an optional category, so that every
visitor is asked again."""


@dataclass(frozen=True)
class CookieDescription:
    name: str
    category: str
    purpose: str
    lifetime: str
    set_by: str


def _cookies() -> tuple[CookieDescription, ...]:
    """Every cookie HostLedger sets, read from the settings that name them."""
    return (
        CookieDescription(
            settings.SESSION_COOKIE_NAME,
            AUTHORISATION,
            "Your signed-in session; set when you sign in or fill a multi-step form.",
            f"{settings.SESSION_COOKIE_AGE // 3600} hours, or until you sign out",
            "HostLedger (Django sessions)",
        ),
        CookieDescription(
            settings.CSRF_COOKIE_NAME,
            SECURITY,
            "A random token that proves a form was sent from this site.",
            "1 year",
            "HostLedger (Django CSRF protection)",
        ),
        CookieDescription(
            "mfa_trusted",
            SECURITY,
            "Remembers a device you chose to trust for two-factor sign-in, when offered.",
            "14 days",
            "HostLedger (allauth two-factor sign-in)",
        ),
        CookieDescription(
            "messages",
            SETTINGS,
            "Carries a short confirmation (such as 'saved') to the next page.",
            "until the next page is shown",
            "HostLedger (Django messages)",
        ),
        CookieDescription(
            settings.LANGUAGE_COOKIE_NAME,
            SETTINGS,
            "The language you chose for the pages.",
            "1 year",
            "HostLedger (Django internationalisation)",
        ),
        CookieDescription(
            CONSENT_COOKIE_NAME,
            SETTINGS,
            "Your cookie choice and the version of this policy; nothing else.",
            "as set in the provider's settings (one year by default)",
            "HostLedger (cookie consent)",
        ),
    )


def cookie_register() -> tuple[CookieDescription, ...]:
    """Every cookie HostLedger may set, with its category (GDPR-13)."""
    return _cookies()


def necessary_cookie_names() -> set[str]:
    return {cookie.name for cookie in _cookies() if cookie.category in NECESSARY}


@dataclass(frozen=True)
class CookieChoice:
    """The categories a person allowed, under a version of the cookie policy."""

    categories: tuple[str, ...]
    policy_version: str

    @property
    def is_current(self) -> bool:
        return self.policy_version == COOKIE_POLICY_VERSION

    def allows(self, category: str) -> bool:
        return category in NECESSARY or (self.is_current and category in self.categories)


def checked_categories(categories) -> tuple[str, ...]:
    """The optional categories chosen, in register order; unknown names are refused."""
    chosen = {str(category) for category in categories or ()}
    unknown = sorted(chosen - set(CATEGORY_CODES))
    if unknown:
        raise DomainError(
            "invalid_input",
            gettext("categories: unknown cookie category %(unknown)s.")
            % {"unknown": ", ".join(unknown)},
            fields={"categories": "unknown " + ", ".join(unknown)},
        )
    return tuple(code for code in OPTIONAL if code in chosen)


def consent_cookie_value(choice: CookieChoice) -> str:
    """The consent cookie: the version and the optional categories allowed, nothing more."""
    return f"v{choice.policy_version}:{'.'.join(choice.categories) or 'none'}"


def choice_from_cookie(value: str | None) -> CookieChoice | None:
    """The choice a consent cookie holds, or None when it is missing or malformed."""
    if not value or not value.startswith("v") or ":" not in value:
        return None
    version, _, listed = value[1:].partition(":")
    names = () if listed == "none" else tuple(listed.split("."))
    if not version or any(name not in OPTIONAL for name in names):
        return None
    return CookieChoice(tuple(code for code in OPTIONAL if code in names), version)


def latest_cookie_consent(user) -> CookieConsent | None:
    """The consent in force for a signed-in person: their latest choice."""
    if user is None or not user.is_authenticated:
        return None
    return CookieConsent.objects.filter(user=user).order_by("-decided_at", "-id").first()


def cookie_choice_of(user, cookie_value: str | None) -> CookieChoice | None:
    """The choice in force: the stored one of a signed-in person, else the browser's."""
    stored = latest_cookie_consent(user)
    if stored is not None:
        return CookieChoice(tuple(stored.categories), stored.policy_version)
    return choice_from_cookie(cookie_value)


@transaction.atomic
def cookie_consent_record(
    *, user, categories, source: str, now: datetime | None = None
) -> CookieChoice:
    """Record a choice of cookie categories (GDPR-13); a withdrawal takes effect at once
    (GDPR-06). For a signed-in person a row is appended with the policy version, the time,
    the categories and the source; an anonymous visitor's choice is only returned, for the
    caller to keep in the consent cookie."""
    chosen = checked_categories(categories)
    if source not in CookieConsent.Source.values:
        raise DomainError(
            "invalid_input", gettext("source: unknown source."), fields={"source": "unknown"}
        )
    choice = CookieChoice(chosen, COOKIE_POLICY_VERSION)
    if user is not None and user.is_authenticated:
        consent = CookieConsent.objects.create(
            user=user,
            categories=list(chosen),
            policy_version=COOKIE_POLICY_VERSION,
            source=source,
            decided_at=now or timezone.now(),
        )
        record_audit_event(
            action="privacy.cookie_consent_recorded",
            actor=user,
            obj=consent,
            data={"categories": list(chosen), "source": source},
        )
    return choice


def set_consent_cookie(response, choice: CookieChoice) -> None:
    """Keep ``choice`` in the browser's consent cookie: necessary, HTTP-only, same-site."""
    response.set_cookie(
        CONSENT_COOKIE_NAME,
        consent_cookie_value(choice),
        max_age=setting_value("privacy.cookie_choice_days") * 24 * 3600,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def cookie_choice_sync_at_sign_in(request, response, user) -> None:
    """At sign-in, one choice for both places (GDPR-13): a current choice made in this
    browser before signing in is recorded for the person (source ``sign_in``) unless it is
    what they stored already; otherwise the person's stored choice is put in the cookie, so
    the banner does not ask again."""
    in_browser = choice_from_cookie(request.COOKIES.get(CONSENT_COOKIE_NAME))
    stored = latest_cookie_consent(user)
    if in_browser is not None and in_browser.is_current:
        if stored is None or (
            tuple(stored.categories) != in_browser.categories
            or stored.policy_version != in_browser.policy_version
        ):
            cookie_consent_record(
                user=user, categories=in_browser.categories, source=CookieConsent.Source.SIGN_IN
            )
    elif stored is not None and stored.policy_version == COOKIE_POLICY_VERSION:
        set_consent_cookie(response, CookieChoice(tuple(stored.categories), COOKIE_POLICY_VERSION))

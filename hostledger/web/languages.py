"""Which language a page is written in.

Before sign-in Django's ``LocaleMiddleware`` decides: the language chosen with the switcher
(a cookie, ``settings.LANGUAGE_COOKIE_NAME``), else the browser's ``Accept-Language``, else
English. Once signed in, the language saved on the person (``User.preferred_language``, the
language their e-mails and documents are written in too) wins; the switcher saves it.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation


def saved_language(user) -> str | None:
    """The offered language ``user`` saved, or None (anonymous, or nothing usable saved)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    code = (getattr(user, "preferred_language", "") or "").lower()
    offered = {language for language, _name in settings.LANGUAGES}
    if code in offered:
        return code
    base = code.split("-")[0]
    return base if base in offered else None


class SavedLanguageMiddleware:
    """After ``AuthenticationMiddleware``: a signed-in person reads pages in their saved
    language, whatever the browser asks for."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = saved_language(getattr(request, "user", None))
        if language is not None and language != translation.get_language():
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)

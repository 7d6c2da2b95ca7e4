"""Passwords are stored only as Argon2 hashes and never appear in logs, audit records, the
sign-in log, mails, pages or any stored row (ACC-07)."""

from __future__ import annotations

import json
import logging
import re

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.core import mail
from django.db import connection
from django.test import Client as WebClient

import config.settings as production_settings
from hostledger.accounts.models import LoginAttempt, SignInSession, User
from hostledger.core.models import AuditEvent
from tests.accounts.conftest import PASSWORD, SIGNUP_IP, drop_empty, natural_signup

EMAIL = "mari.maasikas@example.com"
WRONG_PASSWORD = "Mistyped harbour 2024 wind"
NEW_PASSWORD = "Narva castle 1223 river stone"
SECRETS = (PASSWORD, WRONG_PASSWORD, NEW_PASSWORD)
LINK = re.compile(r"http://testserver(/accounts/confirm-email/[^/\s]+/)")


class _EverythingHandler(logging.Handler):
    """Keeps every record with its message, arguments, extras and traceback rendered."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.rendered: list[str] = []
        self.formatter = logging.Formatter()

    def emit(self, record: logging.LogRecord) -> None:
        parts = [record.getMessage(), repr(record.args), repr(vars(record))]
        if record.exc_info:
            parts.append(self.formatter.formatException(record.exc_info))
        if record.stack_info:
            parts.append(record.stack_info)
        self.rendered.append("\n".join(parts))


@pytest.fixture
def all_logs(capfd):
    """Every logger at DEBUG, propagating to a handler on the root, SQL included; output
    written to the process's stdout and stderr is captured too."""
    handler = _EverythingHandler()
    root = logging.getLogger()
    saved_root = root.level
    saved = {}
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if isinstance(logger, logging.Logger):
            saved[name] = (logger.level, logger.propagate, logger.disabled)
            logger.setLevel(logging.DEBUG)
            logger.propagate = True
            logger.disabled = False
    root.setLevel(logging.DEBUG)
    root.addHandler(handler)
    connection.force_debug_cursor = True  # every SQL statement and its parameters are logged
    try:
        yield handler
    finally:
        connection.force_debug_cursor = False
        root.removeHandler(handler)
        root.setLevel(saved_root)
        for name, (level, propagate, disabled) in saved.items():
            logger = logging.getLogger(name)
            logger.setLevel(level)
            logger.propagate = propagate
            logger.disabled = disabled


def _every_stored_value() -> str:
    """The text of every column of every row of every table, and the decoded sessions."""
    chunks = []
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"SELECT * FROM {table}")
            chunks.extend(repr(row) for row in cursor.fetchall())
    chunks.extend(repr(session.get_decoded()) for session in SignInSession.objects.all())
    return "\n".join(chunks)


def _mails() -> str:
    chunks = []
    for message in mail.outbox:
        chunks.extend([message.subject, message.body, repr(message.alternatives)])
        chunks.append(message.message().as_string())
    return "\n".join(chunks)


def test_password_never_appears_anywhere__ACC_07(db, policies, all_logs, capfd):
    browser = WebClient()
    pages = []

    mismatched = natural_signup(password2=WRONG_PASSWORD)
    pages.append(browser.post("/accounts/signup/", drop_empty(mismatched), REMOTE_ADDR=SIGNUP_IP))
    assert pages[-1].status_code == 200
    pages.append(
        browser.post("/accounts/signup/", drop_empty(natural_signup()), REMOTE_ADDR=SIGNUP_IP)
    )
    (link,) = LINK.findall(mail.outbox[0].body)
    pages.append(browser.post(link))
    assert EmailAddress.objects.get(email=EMAIL).verified is True
    pages.append(browser.post("/accounts/logout/"))  # confirming signed in (ACC-01)

    failed = browser.post(
        "/accounts/login/", {"login": EMAIL, "password": WRONG_PASSWORD}, REMOTE_ADDR=SIGNUP_IP
    )
    assert failed.status_code == 200
    assert failed.context["form"].errors
    pages.append(failed)
    pages.append(
        browser.post(
            "/accounts/login/", {"login": EMAIL, "password": PASSWORD}, REMOTE_ADDR=SIGNUP_IP
        )
    )
    assert browser.session["_auth_user_id"] == str(User.objects.get(email=EMAIL).pk)

    wrong_old = browser.post(
        "/accounts/password/change/",
        {"oldpassword": WRONG_PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert wrong_old.status_code == 200
    assert wrong_old.context["form"].errors
    pages.append(wrong_old)
    changed = browser.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert changed.status_code == 302
    pages.append(changed)
    user = User.objects.get(email=EMAIL)
    assert user.check_password(NEW_PASSWORD)

    assert len(all_logs.rendered) > 20  # the capture did see the SQL and request logs
    logs = "\n".join(all_logs.rendered)
    output = capfd.readouterr()
    audit = json.dumps(list(AuditEvent.objects.values()), default=str)
    attempts = repr(list(LoginAttempt.objects.values_list()))
    bodies = "\n".join(page.content.decode() + repr(page.headers) for page in pages)
    stored = _every_stored_value()
    mails = _mails()
    for secret in SECRETS:
        assert secret not in logs
        assert secret not in output.out
        assert secret not in output.err
        assert secret not in audit
        assert secret not in attempts
        assert secret not in mails
        assert secret not in bodies
        assert secret not in stored
    assert len(mail.outbox) >= 1
    assert LoginAttempt.objects.filter(reason="bad_credentials").count() >= 1
    assert AuditEvent.objects.filter(action="client.registered").count() == 1


def test_passwords_are_hashed_with_argon2__ACC_07(policies):
    assert production_settings.PASSWORD_HASHERS[0] == (
        "django.contrib.auth.hashers.Argon2PasswordHasher"
    )
    browser = WebClient()
    browser.post("/accounts/signup/", drop_empty(natural_signup()), REMOTE_ADDR=SIGNUP_IP)

    user = User.objects.get(email=EMAIL)

    assert user.password.startswith("argon2$argon2id$")
    assert PASSWORD not in user.password
    assert user.check_password(PASSWORD)
    other = User.objects.create_user(email="other@example.com", password=PASSWORD)
    assert other.password != user.password  # salted: the same password hashes differently

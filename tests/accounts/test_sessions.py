"""Sessions hold no personal data in clear, expired ones are deleted daily, and a person's
sessions can be ended without decoding any (GDPR-11, GDPR-08, GDPR-04)."""

from __future__ import annotations

import base64
import binascii
import contextlib
import re
import zlib
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.contrib.sessions.models import Session as DjangoSession
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test import Client as WebClient

from hostledger.accounts.actions import sessions_end_for_user, sessions_expired_purge
from hostledger.accounts.models import SignInSession, User
from hostledger.accounts.sessions import SessionStore, session_user_id
from hostledger.core.jobs import execute_job_run, run_job_now
from hostledger.core.models import JobRun
from tests.accounts.conftest import (
    PASSWORD,
    SIGNUP_IP,
    drop_empty,
    make_client_user,
    natural_signup,
)

EMAIL = "mari.maasikas@example.com"
LINK = re.compile(r"http://testserver(/accounts/confirm-email/[^/\s]+/)")


def _stored_session_texts() -> list[str]:
    """Each stored session as the database holds it, and every decoding an outsider could try:
    base64 of the signed value's payload, decompressed when compressed."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT session_data FROM accounts_signinsession")
        stored = [row[0] for row in cursor.fetchall()]
    texts = list(stored)
    for value in stored:
        for part in re.split(r"[:.]", value):
            padded = part + "=" * (-len(part) % 4)
            try:
                raw = base64.urlsafe_b64decode(padded)
            except (binascii.Error, ValueError):
                continue
            texts.append(raw.decode("latin-1"))
            with contextlib.suppress(zlib.error):
                texts.append(zlib.decompress(raw).decode("latin-1"))
    return texts


def _assert_no_session_holds(*values: str) -> None:
    assert SignInSession.objects.exists()
    for text in _stored_session_texts():
        for value in values:
            assert value.lower() not in text.lower()


def test_sign_up_verification_and_sign_in_leave_no_email_in_any_session__GDPR_11(policies):
    browser = WebClient()
    signed_up = browser.post(
        "/accounts/signup/", drop_empty(natural_signup()), REMOTE_ADDR=SIGNUP_IP
    )
    assert signed_up.status_code == 302
    _assert_no_session_holds(EMAIL, "Maasikas")
    (message,) = mail.outbox
    (path,) = LINK.findall(message.body)

    assert browser.post(path, REMOTE_ADDR=SIGNUP_IP)["Location"] == "/"
    _assert_no_session_holds(EMAIL)
    browser.logout()
    cache.clear()

    signed_in = browser.post(
        "/accounts/login/", {"login": EMAIL, "password": PASSWORD}, REMOTE_ADDR=SIGNUP_IP
    )

    assert signed_in.status_code == 302
    user = User.objects.get(email=EMAIL)
    assert browser.session["_auth_user_id"] == str(user.pk)
    # allauth keeps the address signed in with in the session: it is there, encrypted.
    assert EMAIL in repr(dict(browser.session))
    _assert_no_session_holds(EMAIL)
    assert DjangoSession.objects.count() == 0
    (session,) = SignInSession.objects.filter(user=user)
    assert session.session_data.startswith("enc1:") is False  # the field decrypts it
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT session_data FROM accounts_signinsession WHERE session_key = %s",
            [session.session_key],
        )
        assert cursor.fetchone()[0].startswith(("enc1:", "enc2:"))  # the person's own key


def test_a_pending_sign_in_belongs_to_the_person_signing_in__GDPR_04(policies):
    browser = WebClient()
    browser.post("/accounts/signup/", drop_empty(natural_signup()), REMOTE_ADDR=SIGNUP_IP)
    user = User.objects.get(email=EMAIL)
    assert EmailAddress.objects.get(user=user).verified is False

    (pending,) = SignInSession.objects.all()

    assert pending.user_id == user.pk
    assert "_auth_user_id" not in browser.session


@pytest.mark.parametrize("pk", [7, 39, 1_000_003])
def test_a_pending_sign_in_is_read_in_allauths_base_36__GDPR_04(pk):
    """allauth writes the pending person's id in base 36: id 39 is "13", which is not person 13."""
    person = User(pk=pk)

    data = {"account_login": {"user_pk": user_pk_to_url_str(person), "signup": True}}

    assert session_user_id(data) == pk
    assert session_user_id({"_auth_user_id": str(pk)}) == pk
    assert session_user_id({"language": "et"}) is None


def test_ending_a_persons_sessions_signs_out_only_that_person__GDPR_04(policies):
    mari = make_client_user(EMAIL)
    jaan = make_client_user("jaan.tamm@example.com")
    browsers = {}
    for name, email in (("mari_phone", EMAIL), ("mari_laptop", EMAIL), ("jaan", jaan.email)):
        browsers[name] = WebClient()
        response = browsers[name].post(
            "/accounts/login/", {"login": email, "password": PASSWORD}, REMOTE_ADDR=SIGNUP_IP
        )
        assert response.status_code == 302
    assert SignInSession.objects.filter(user=mari).count() == 2

    ended = sessions_end_for_user(user_id=mari.pk)

    assert ended == 2
    assert SignInSession.objects.filter(user=mari).count() == 0
    assert SignInSession.objects.filter(user=jaan).count() == 1
    assert browsers["mari_phone"].get("/")["Location"].startswith("/accounts/login/")
    assert browsers["mari_laptop"].get("/")["Location"].startswith("/accounts/login/")
    assert browsers["jaan"].get("/").status_code == 200


def _stored_session(key: str, expires: datetime, user=None) -> None:
    store = SessionStore(session_key=None)
    store["language"] = "et"
    if user is not None:
        store["_auth_user_id"] = str(user.pk)
    store.set_expiry(expires)
    store.save(must_create=True)
    SignInSession.objects.filter(session_key=store.session_key).update(session_key=key)


def test_the_daily_job_deletes_expired_sessions_only__GDPR_08(db):
    start = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        _stored_session("expired-yesterday", start + timedelta(hours=1))
        _stored_session("expires-in-two-days", start + timedelta(days=3))
        _stored_session("expired-long-ago", start + timedelta(minutes=5))
    with time_machine.travel(start + timedelta(days=1), tick=False):
        staff = User.objects.create_user(email="admin@example.com", password=PASSWORD)
        queued = run_job_now("privacy.purge_expired_sessions", actor=staff)
        execute_job_run.call(queued.pk)

    run = JobRun.objects.get(pk=queued.pk)
    assert run.status == "succeeded", run.error
    assert run.counts == {"deleted": 2}
    assert list(SignInSession.objects.values_list("session_key", flat=True)) == [
        "expires-in-two-days"
    ]


def test_the_expired_session_purge_works_in_chunks__GDPR_08(db):
    now = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    with time_machine.travel(now - timedelta(days=2), tick=False):
        for number in range(5):
            _stored_session(f"old-{number}", now - timedelta(days=1))
        _stored_session("current", now + timedelta(hours=1))
    totals: list[int] = []

    deleted = sessions_expired_purge(now=now, chunk_size=2, on_chunk=totals.append)

    assert deleted == 5
    assert totals == [2, 4, 5]
    assert list(SignInSession.objects.values_list("session_key", flat=True)) == ["current"]


def test_a_session_no_key_opens_is_no_session__GDPR_11(db, settings):
    _stored_session("under-an-old-key", datetime(2099, 1, 1, tzinfo=UTC))
    settings.FIELD_ENCRYPTION_KEYS = ["K" * 43 + "="]

    store = SessionStore(session_key="under-an-old-key")

    assert dict(store.items()) == {}

"""The accounts commands: ``demo``, ``createstaff`` and ``token`` (ACC-07, ACC-09, ACC-11)."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from io import StringIO

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from hostledger.accounts.actions import api_token_authenticate
from hostledger.accounts.management.commands.demo import DEMO_CLIENT_EMAIL, DEMO_STAFF_EMAIL
from hostledger.accounts.models import ApiToken, Client, StaffRole, User
from hostledger.core.models import AuditEvent
from hostledger.core.registry import provider_setting_change, setting_value
from hostledger.ledger.conf import LOCAL_GATEWAY_ENABLED
from hostledger.ledger.models import ClientPaymentReference
from hostledger.privacy.models import PolicyAcceptance, PolicyDocument
from tests.accounts.conftest import PASSWORD, make_client_user, table_counts
from tests.queued_tasks import run_queued_tasks


def _run(*args, **options) -> str:
    out = StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def var_dir(settings, tmp_path):
    """Demo secrets go to a folder of the test's own."""
    settings.VAR_DIR = tmp_path
    return tmp_path


def test_demo_seeds_accounts__ACC_11(db, var_dir, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        output = _run("demo")

    password = (var_dir / "demo_password").read_text().strip()
    staff = User.objects.get(email=DEMO_STAFF_EMAIL)
    assert staff.is_staff is True
    assert list(staff.staff_roles.values_list("slug", flat=True)) == ["administrator"]
    assert staff.check_password(password)
    assert sorted(Authenticator.objects.filter(user=staff).values_list("type", flat=True)) == [
        "recovery_codes",
        "totp",
    ]
    client_user = User.objects.get(email=DEMO_CLIENT_EMAIL)
    assert client_user.check_password(password)
    assert EmailAddress.objects.get(user=client_user).verified is True
    client = Client.objects.get(owner=client_user)
    assert (client.kind, client.first_name, client.phone) == ("natural", "Mari", "+37255550101")
    assert client.payers.get().is_default is True
    assert ClientPaymentReference.objects.filter(client=client).count() == 1  # BIL-06
    assert sorted(PolicyDocument.objects.values_list("kind", "version")) == [
        ("privacy", "1.0"),
        ("terms", "1.0"),
    ]
    assert PolicyAcceptance.objects.filter(user=client_user).count() == 2
    assert StaffRole.objects.count() == 5
    assert password not in output
    run_queued_tasks()
    assert len(mail.outbox) == 1  # the staff-change notice of the demo administrator


def test_demo_switches_the_local_gateway_on_once__BIL_06(db, var_dir):
    """A demo client can top up; a staff member who switches the gateway off keeps it off."""
    _run("demo")
    assert setting_value(LOCAL_GATEWAY_ENABLED) is True

    provider_setting_change(key=LOCAL_GATEWAY_ENABLED, raw_value=False, reason="Going live")
    _run("demo")

    assert setting_value(LOCAL_GATEWAY_ENABLED) is False


def test_demo_is_idempotent__ACC_11(db, var_dir):
    _run("demo")
    counts = table_counts()
    password = (var_dir / "demo_password").read_text()

    _run("demo")

    assert table_counts() == counts
    assert (var_dir / "demo_password").read_text() == password


def test_createstaff_reads_the_password_from_stdin__ACC_11(
    db, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        output = _run(
            "createstaff",
            "tiina@provider.example",
            "--name",
            "Tiina Tugi",
            "--role",
            "support",
            "--role",
            "billing",
            "--password-stdin",
            stdin=StringIO(PASSWORD + "\n"),
        )

    assert output == "Staff user tiina@provider.example created with roles: support, billing.\n"
    user = User.objects.get(email="tiina@provider.example")
    assert user.is_staff is True
    assert user.full_name == "Tiina Tugi"
    assert user.check_password(PASSWORD)
    assert user.password.startswith("argon2")
    assert sorted(user.staff_roles.values_list("slug", flat=True)) == ["billing", "support"]
    assert AuditEvent.objects.filter(action="staff.created", object_id=user.public_id).count() == 1
    run_queued_tasks()
    (message,) = mail.outbox
    assert message.to == ["security@localhost"]
    assert PASSWORD not in message.body


@pytest.mark.parametrize(
    ("password", "problem"),
    [("Kass12", "password: "), ("tiina@provider.example", "password: "), ("", "password: ")],
)
def test_createstaff_refuses_a_weak_password__ACC_07(db, password, problem):
    with pytest.raises(CommandError) as refused:
        _run(
            "createstaff",
            "tiina@provider.example",
            "--name",
            "Tiina Tugi",
            "--password-stdin",
            stdin=StringIO(password + "\n"),
        )

    assert str(refused.value).startswith(problem)
    if password:
        assert password not in str(refused.value)
    assert User.objects.count() == 0
    assert StaffRole.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_createstaff_refuses_an_existing_email_and_changes_nothing__ACC_11(policies):
    make_client_user("taken@example.com")
    counts = table_counts()

    with pytest.raises(CommandError) as refused:
        _run(
            "createstaff",
            "taken@example.com",
            "--name",
            "Someone",
            "--role",
            "support",
            "--password-stdin",
            stdin=StringIO(PASSWORD + "\n"),
        )

    assert str(refused.value) == "email: a user with this email already exists."
    assert table_counts() == counts


def test_token_secret_is_printed_once_and_stored_hashed(policies):
    user = make_client_user("api@example.com")

    with time_machine.travel(datetime(2026, 3, 2, 9, 30, tzinfo=UTC), tick=False):
        output = _run(
            "token",
            "create",
            "API@example.com",
            "--name",
            "backup",
            "--scope",
            "read",
            "--days",
            "30",
        )

    match = re.fullmatch(r"Token (tok\S+) created; it is shown only now:\n(hl_\S+)\n", output)
    assert match is not None, output
    public_id, secret = match.groups()
    token = ApiToken.objects.get(public_id=public_id)
    assert token.user == user
    assert token.name == "backup"
    assert token.scopes == ["read"]
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(f"hl_{token.prefix}_")
    stored = " ".join(str(value) for value in ApiToken.objects.values_list().get(pk=token.pk))
    assert secret not in stored
    assert secret[len(f"hl_{token.prefix}_") :] not in stored
    assert token.created_at == datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    assert token.expires_at == datetime(2026, 4, 1, 9, 30, tzinfo=UTC)
    with time_machine.travel(datetime(2026, 4, 1, 9, 29, tzinfo=UTC), tick=False):
        assert api_token_authenticate(secret) == token
    with time_machine.travel(datetime(2026, 4, 1, 9, 30, tzinfo=UTC), tick=False):
        assert api_token_authenticate(secret) is None

    listing = _run("token", "list", "api@example.com")

    assert listing == f"{token.public_id}  {token.prefix}…  backup  read  expires 2026-04-01\n"
    assert secret not in listing


def test_token_revoke_ends_the_token(policies):
    make_client_user("api@example.com")
    output = _run("token", "create", "api@example.com", "--name", "ci", "--scope", "write")
    public_id, secret = re.findall(r"Token (tok\S+) created.*\n(hl_\S+)", output)[0]

    assert _run("token", "revoke", public_id) == f"Token {public_id} revoked.\n"

    token = ApiToken.objects.get(public_id=public_id)
    assert token.revoked_at is not None
    assert api_token_authenticate(secret) is None
    assert _run("token", "list", "api@example.com").endswith("  ci  write  revoked\n")
    assert AuditEvent.objects.filter(action="api_token.revoked", object_id=public_id).count() == 1


def test_token_commands_refuse_unknown_users_and_tokens(policies):
    make_client_user("api@example.com")

    with pytest.raises(CommandError) as no_user:
        _run("token", "create", "nobody@example.com", "--name", "x")
    with pytest.raises(CommandError) as no_token:
        _run("token", "revoke", "tok_missing")
    with pytest.raises(CommandError) as too_long:
        _run("token", "create", "api@example.com", "--name", "x", "--days", "9999")

    assert str(no_user.value) == "email: no user nobody@example.com."
    assert str(no_token.value) == "token_id: no token tok_missing."
    assert str(too_long.value) == "days: Between 1 and 90 days."
    assert ApiToken.objects.count() == 0

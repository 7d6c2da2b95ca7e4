"""The development mail backend's files: pruned after their retention, deleted on erasure
when they name the person, and a warning when the backend is used outside development
(GDPR-08, GDPR-04, GDPR-11)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from hostledger.core.mail_files import file_mail_backend_warning
from hostledger.privacy.actions import mail_files_erase_for, mail_files_purge

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 5, 20, 3, 0, tzinfo=UTC)


@pytest.fixture
def mail_dir(tmp_path, settings):
    directory = tmp_path / "mail"
    settings.VAR_DIR = tmp_path
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(directory)},
        }
    }
    return directory


def _send(to: str, body: str):
    """One message in a file of its own, written as Django's file backend writes it (one file
    per connection, named by the second and the connection's id)."""
    message = EmailMessage("Your invoice", body, "billing@example.com", [to])
    mail_dir = next(Path(mailer["OPTIONS"]["file_path"]) for mailer in settings.MAILERS.values())
    mail_dir.mkdir(exist_ok=True)
    path = mail_dir / f"20260520-030000-{len(list(mail_dir.iterdir()))}.log"
    path.write_bytes(message.message().as_bytes() + b"\n" + b"-" * 79 + b"\n")
    return path


def test_the_file_backend_writes_what_the_purge_and_erasure_read__GDPR_04(mail_dir):
    EmailMessage("Your invoice", "Tere", "billing@example.com", ["mari@example.com"]).send()
    (written,) = mail_dir.iterdir()

    assert mail_files_erase_for(addresses=["MARI@example.com"]) == 1
    assert not written.exists()


def _age(path, days: float) -> None:
    moment = (NOW - timedelta(days=days)).timestamp()
    os.utime(path, (moment, moment))


def test_mail_files_older_than_the_retention_are_deleted__GDPR_08(mail_dir):
    old = _send("old@example.com", "old")
    _age(old, 7.01)
    recent = _send("recent@example.com", "recent")
    _age(recent, 6.9)

    deleted = mail_files_purge(now=NOW)

    assert deleted == 1
    assert list(mail_dir.iterdir()) == [recent]


def test_erasure_deletes_the_files_that_name_the_person__GDPR_04(mail_dir):
    _send("Mari.Maasikas@Example.com", "Tere, Mari!")
    _send("jaan@example.com", "Your contact is mari.maasikas@example.com, " + "ä" * 80)
    _send("jaan@example.com", "Nothing about her")
    assert len(list(mail_dir.iterdir())) == 3
    kept = [path for path in mail_dir.iterdir() if b"Nothing" in path.read_bytes()]
    # The second body is quoted-printable or base64 in the file: the address is found decoded.
    assert any(b"mari.maasikas@example.com" not in path.read_bytes() for path in mail_dir.iterdir())

    deleted = mail_files_erase_for(addresses=["mari.maasikas@example.com"])

    assert deleted == 2
    assert list(mail_dir.iterdir()) == kept


def test_erasure_with_no_address_deletes_nothing__GDPR_04(mail_dir):
    _send("jaan@example.com", "hello")

    assert mail_files_erase_for(addresses=["", "  "]) == 0
    assert len(list(mail_dir.iterdir())) == 1


def test_the_file_backend_is_flagged_outside_development__GDPR_11(mail_dir, settings):
    settings.DEBUG = False
    message = file_mail_backend_warning()
    assert message is not None and "development file backend" in message

    with pytest.raises(SystemCheckError, match=r"hostledger\.W001"):
        call_command("check", "--deploy", "--fail-level", "WARNING")

    settings.DEBUG = True
    assert file_mail_backend_warning() is None


def test_no_warning_for_smtp__GDPR_11(settings):
    settings.DEBUG = False
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend"}}

    assert file_mail_backend_warning() is None

"""The logs keep paths without URL secrets, the access log keeps no query values outside a safe
list and no IP address (GDPR-08), and the demo's staff two-factor secret is not
written to the log (ACC-07, issue 11 item 10): whoever reads a log cannot confirm an address,
reset a password or withdraw a consent with what it shows."""

from __future__ import annotations

import io
import logging
from datetime import timedelta

import pytest
from django.core.management import call_command
from gunicorn.config import Config

from hostledger.core.access_log import (
    RedactingGunicornLogger,
    SecretRedactingLogFilter,
    redact_secrets,
)


@pytest.mark.parametrize(
    ("logged", "kept"),
    [
        (
            "GET /accounts/confirm-email/MjA:1tX9:abcDEF/ HTTP/1.1",
            "/accounts/confirm-email/[redacted]/",
        ),
        (
            "/accounts/password/reset/key/4-cx2x-0a1b2c3d4e/",
            "/accounts/password/reset/key/[redacted]/",
        ),
        ("/notifications/unsubscribe/eyJjIjoiY2xp.sig/", "/notifications/unsubscribe/[redacted]/"),
        ("/notifications/opt-in/abc.def/", "/notifications/opt-in/[redacted]/"),
        (
            "/accounts/google/login/callback/?code=4/0Ad&state=xyz",
            "?code=[redacted]&state=[redacted]",
        ),
        ("/billing/top-ups/t_1/?session_id=cs_live_1", "?session_id=[redacted]"),
    ],
)
def test_secrets_in_urls_are_redacted(logged, kept):
    redacted = redact_secrets(logged)
    assert kept in redacted
    assert "abcDEF" not in redacted and "0a1b2c3d4e" not in redacted and "sig" not in redacted


def test_ordinary_paths_are_kept_as_they_are():
    for path in ("/billing/?from=2026-01-01&to=2026-02-01", "/accounts/password/reset/key/done/"):
        assert redact_secrets(path) == path


def test_the_web_servers_access_log_line_has_no_confirmation_key():
    logger = RedactingGunicornLogger(Config())

    class Request:
        method, uri, version = "GET", "/accounts/confirm-email/MjA:1tX9:abcDEF/", (1, 1)
        path, query, headers = "/accounts/confirm-email/MjA:1tX9:abcDEF/", "", []

    class Response:
        status, sent, headers = "302 Found", 0, []

    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": Request.uri,
        "PATH_INFO": Request.path,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": "https://mail.example/?key=secret-key",
    }
    atoms = logger.atoms(Response(), Request(), environ, timedelta(seconds=0.01))
    line = " ".join(str(value) for value in atoms.values())
    assert "abcDEF" not in line and "secret-key" not in line
    assert "/accounts/confirm-email/[redacted]/" in atoms["r"]


def test_log_records_are_redacted_before_they_are_written():
    record = logging.LogRecord(
        "django.request",
        logging.WARNING,
        __file__,
        1,
        "Not Found: %s",
        ("/notifications/unsubscribe/tok.en/",),
        None,
    )
    SecretRedactingLogFilter().filter(record)
    assert record.getMessage() == "Not Found: /notifications/unsubscribe/[redacted]/"


@pytest.mark.django_db
def test_the_demo_writes_the_staff_two_factor_secret_to_no_log(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    out = io.StringIO()  # not a terminal: the output of ``hostledger run`` going to a log
    call_command("demo", stdout=out)
    secret = (tmp_path / "demo_staff_totp_secret").read_text().strip()
    assert secret and secret not in out.getvalue()
    assert "two-factor secret in var/demo_staff_totp_secret" in out.getvalue()


def _access_atoms(uri: str, *, referrer: str = "-", address: str = "198.51.100.23") -> dict:
    logger = RedactingGunicornLogger(Config())
    path, _, query = uri.partition("?")

    class Request:
        method, version, headers = "GET", (1, 1), [("X-FORWARDED-FOR", address)]

    Request.uri, Request.path, Request.query = uri, path, query

    class Response:
        status, sent, headers = "200 OK", 10, []

    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": uri,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": address,
        "HTTP_REFERER": referrer,
    }
    return logger.atoms(Response(), Request(), environ, timedelta(seconds=0.01))


@pytest.mark.django_db
def test_the_access_log_keeps_no_typed_personal_data__GDPR_08():
    atoms = _access_atoms(
        "/staff/orders/?client=mari%40example.com&status=paid&page=2&q=Maasikas",
        referrer="https://panel.example/staff/clients/?q=%2B372+5555+0101",
    )

    line = " ".join(str(value) for value in atoms.values())
    assert atoms["r"] == (
        "GET /staff/orders/?client=[removed]&status=paid&page=2&q=[removed] HTTP/1.1"
    )
    assert atoms["q"] == "client=[removed]&status=paid&page=2&q=[removed]"
    assert atoms["f"] == "https://panel.example/staff/clients/?q=[removed]"
    for personal in ("mari", "Maasikas", "5555", "%2B372"):
        assert personal not in line


@pytest.mark.django_db
def test_safe_parameters_keep_only_plain_values__GDPR_08():
    atoms = _access_atoms("/billing/?from=2026-01-01&to=2026-02-01&status=a%20b&page=x@y")

    assert atoms["q"] == "from=2026-01-01&to=2026-02-01&status=[removed]&page=[removed]"


@pytest.mark.django_db
def test_the_access_log_shows_a_keyed_hash_for_the_ip_address__GDPR_08(settings):
    first = _access_atoms("/", address="198.51.100.23")
    again = _access_atoms("/billing/", address="198.51.100.23")
    other = _access_atoms("/", address="203.0.113.9")

    assert first["h"].startswith("ip-") and len(first["h"]) == 19
    assert first["h"] == again["h"] != other["h"]
    assert first["{x-forwarded-for}i"] == first["h"]
    assert first["{remote_addr}e"] == first["h"]
    line = " ".join(str(value) for value in first.values())
    assert "198.51.100.23" not in line
    settings.BLIND_INDEX_KEY = "another key"
    assert _access_atoms("/", address="198.51.100.23")["h"] != first["h"]


@pytest.mark.django_db
def test_the_web_server_writes_its_access_log_to_a_file_by_day__GDPR_08(tmp_path, settings):
    settings.LOG_DIR = tmp_path
    config = Config()
    config.set("accesslog", "-")
    logger = RedactingGunicornLogger(config)

    class Request:
        method, uri, version, headers = "GET", "/?q=secret-name", (1, 1), []
        path, query = "/", "q=secret-name"

    class Response:
        status, sent, headers = "200 OK", 10, []

    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": Request.uri,
        "PATH_INFO": "/",
        "QUERY_STRING": Request.query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "198.51.100.23",
    }

    logger.access(Response(), Request(), environ, timedelta(seconds=0.01))
    for handler in list(logger.access_log.handlers):
        logger.access_log.removeHandler(handler)
        handler.close()

    (written,) = tmp_path.iterdir()
    assert written.name.startswith("access-") and written.name.endswith(".log")
    text = written.read_text()
    assert '"GET /?q=[removed] HTTP/1.1" 200 10' in text
    assert "secret-name" not in text and "198.51.100.23" not in text

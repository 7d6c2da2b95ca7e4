"""The WHMCS reader's connection settings and its refusals, which need no database."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from hostledger.core.errors import DomainError
from hostledger.imports.whmcs import ConnectionSettings, WhmcsDatabase, cents, day, moment


def test_a_database_url_gives_host_port_user_password_and_database():
    settings = ConnectionSettings.from_url("mysql://whmcs:p%40ss@db.example:3307/whmcs_live")
    assert settings == ConnectionSettings("db.example", 3307, "whmcs", "p@ss", "whmcs_live")
    assert settings.label == "db.example:3307/whmcs_live"  # no credentials in reports


def test_the_password_may_come_from_outside_the_url():
    settings = ConnectionSettings.from_url("mariadb://root@127.0.0.1/whmcs", password="secret")
    assert (settings.port, settings.password) == (3306, "secret")


@pytest.mark.parametrize("url", ["", "postgres://x@h/db", "mysql://root@127.0.0.1:3306/"])
def test_anything_but_a_mysql_url_naming_a_database_is_refused_naming_the_field(url):
    with pytest.raises(DomainError) as refused:
        ConnectionSettings.from_url(url)
    assert refused.value.fields == {"source": "mysql://user[:password]@host[:port]/database"}


def test_an_unreachable_server_is_a_clear_error_not_a_traceback():
    with pytest.raises(DomainError, match=r"cannot open the WHMCS database 127\.0\.0\.1:1/w"):
        WhmcsDatabase(ConnectionSettings("127.0.0.1", 1, "root", "", "w"))


def test_the_command_reports_an_unreachable_server_and_a_bad_product_choice(db):
    with pytest.raises(CommandError, match="cannot open the WHMCS database"):
        call_command("import", "whmcs", "mysql://root@127.0.0.1:1/whmcs")
    with pytest.raises(CommandError, match="WHMCS_PRODUCT_ID=TARIFF_CODE"):
        call_command("import", "whmcs", "mysql://root@127.0.0.1:1/whmcs", "--product", "vps")


def test_whmcs_zero_dates_are_none_and_amounts_are_exact_cents():
    assert day("0000-00-00") is None and moment("0000-00-00 00:00:00") is None
    assert day(datetime(2025, 3, 3, 10, 0)) == date(2025, 3, 3)
    assert cents(Decimal("24.80")) == 2480 and cents(Decimal("-5.00")) == -500

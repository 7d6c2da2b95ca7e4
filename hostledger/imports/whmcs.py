# ruff: noqa: S608 - the SQL is fixed text; ids are only ever bound as parameters (%s)
"""Reading a WHMCS database (MySQL or MariaDB) through WHMCS's documented schema.

Only the tables and columns of the import are read (``tblclients``, ``tblcontacts``,
``tblcurrencies``, ``tblproductgroups``, ``tblproducts``, ``tblpricing``, ``tblhosting``,
``tbldomains``, ``tblinvoices``, ``tblinvoiceitems``, ``tblaccounts``, ``tblcredit``,
``tbltickets``, ``tblticketreplies``, ``tblticketdepartments`` when present); nothing is
written there. Clients are read in chunks, each with all its rows, so memory stays flat
whatever the number of clients. Amounts arrive as ``Decimal``; WHMCS's "no date"
(``0000-00-00``) becomes ``None``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import unquote, urlsplit

import pymysql
import pymysql.cursors
from django.utils.translation import gettext as _

from hostledger.core.errors import DomainError

CLIENT_CHUNK = 200
CONNECT_TIMEOUT_SECONDS = 10


@dataclass(frozen=True, slots=True)
class ConnectionSettings:
    """Where the WHMCS database is; the password is never shown."""

    host: str
    port: int
    user: str
    password: str
    database: str

    @classmethod
    def from_url(cls, url: str, *, password: str = "") -> ConnectionSettings:
        """``mysql://user[:password]@host[:port]/database``; ``password`` is used when the URL
        has none (so it need not appear in a process list)."""
        parts = urlsplit(url or "")
        if parts.scheme not in ("mysql", "mariadb") or not parts.path.strip("/"):
            raise DomainError(
                "invalid_input",
                _("source: a database URL such as mysql://user@127.0.0.1:3306/whmcs."),
                fields={"source": "mysql://user[:password]@host[:port]/database"},
            )
        return cls(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 3306,
            user=unquote(parts.username or "root"),
            password=unquote(parts.password) if parts.password else password,
            database=parts.path.strip("/"),
        )

    @property
    def label(self) -> str:
        return f"{self.host}:{self.port}/{self.database}"


def day(value) -> date | None:
    """A WHMCS date column: ``None`` for its zero date or an empty value."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return None


def moment(value) -> datetime | None:
    """A WHMCS datetime column: ``None`` for its zero date."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    return None


def cents(value) -> int:
    """A WHMCS ``decimal(10,2)`` amount in minor units."""
    return int((Decimal(value or 0) * 100).to_integral_value())


@dataclass
class ClientRows:
    """One WHMCS client and every row of it the import reads."""

    client: dict
    contacts: list[dict] = field(default_factory=list)
    services: list[dict] = field(default_factory=list)
    domains: list[dict] = field(default_factory=list)
    invoices: list[dict] = field(default_factory=list)
    invoice_items: dict[int, list[dict]] = field(default_factory=lambda: defaultdict(list))
    transactions: list[dict] = field(default_factory=list)
    credits: list[dict] = field(default_factory=list)
    tickets: list[dict] = field(default_factory=list)
    ticket_replies: dict[int, list[dict]] = field(default_factory=lambda: defaultdict(list))

    @property
    def id(self) -> int:
        return int(self.client["id"])


class WhmcsDatabase:
    """A read-only view of one WHMCS database."""

    def __init__(self, settings: ConnectionSettings):
        self.settings = settings
        try:
            self.connection = pymysql.connect(
                host=settings.host,
                port=settings.port,
                user=settings.user,
                password=settings.password,
                database=settings.database,
                charset="utf8mb4",
                cursorclass=pymysql.cursors.DictCursor,
                connect_timeout=CONNECT_TIMEOUT_SECONDS,
                read_timeout=300,
                autocommit=True,
            )
        except pymysql.MySQLError as error:
            raise DomainError(
                "source_unreachable",
                _("source: cannot open the WHMCS database %(label)s: %(args)s")
                % {"label": settings.label, "args": error.args[-1]},
                fields={"source": "unreachable"},
            ) from error
        self._tables = set(self._column("SHOW TABLES"))

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> WhmcsDatabase:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _rows(self, sql: str, params=()) -> list[dict]:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return list(cursor.fetchall())

    def _column(self, sql: str) -> list:
        with self.connection.cursor(pymysql.cursors.Cursor) as cursor:
            cursor.execute(sql)
            return [row[0] for row in cursor.fetchall()]

    def has_table(self, name: str) -> bool:
        return name in self._tables

    def currencies(self) -> dict[int, str]:
        """Currency id → ISO code; id 0 (used by some rows for "the client's") is absent."""
        rows = self._rows("SELECT id, code, `default` FROM tblcurrencies ORDER BY id")
        return {int(row["id"]): str(row["code"]).strip().upper() for row in rows}

    def default_currency_id(self) -> int | None:
        rows = self._rows("SELECT id FROM tblcurrencies WHERE `default` = 1 ORDER BY id LIMIT 1")
        return int(rows[0]["id"]) if rows else None

    def product_groups(self) -> dict[int, dict]:
        return {int(row["id"]): row for row in self._rows("SELECT id, name FROM tblproductgroups")}

    def products(self) -> list[dict]:
        return self._rows(
            "SELECT id, type, gid, name, description, hidden, retired FROM tblproducts ORDER BY id"
        )

    def product_prices(self) -> dict[tuple[int, int], dict]:
        """(product id, currency id) → the row of prices per billing cycle (-1: not sold)."""
        rows = self._rows(
            "SELECT relid, currency, monthly, quarterly, semiannually, annually, biennially,"
            " triennially FROM tblpricing WHERE type = 'product'"
        )
        return {(int(row["relid"]), int(row["currency"])): row for row in rows}

    def ticket_departments(self) -> dict[int, str]:
        if not self.has_table("tblticketdepartments"):
            return {}
        return {
            int(row["id"]): str(row["name"])
            for row in self._rows("SELECT id, name FROM tblticketdepartments")
        }

    def visitor_ticket_ids(self) -> list[int]:
        """Tickets opened by visitors who have no client account (``userid`` 0)."""
        return [int(value) for value in self._column("SELECT id FROM tbltickets WHERE userid = 0")]

    def client_ids(self) -> list[int]:
        return [int(value) for value in self._column("SELECT id FROM tblclients ORDER BY id")]

    def clients(self, *, chunk: int = CLIENT_CHUNK) -> Iterator[ClientRows]:
        """Every client with its rows, in the order of their ids."""
        ids = self.client_ids()
        for start in range(0, len(ids), chunk):
            yield from self._chunk(ids[start : start + chunk])

    def _by_client(self, sql: str, ids: list[int], column: str = "userid") -> dict[int, list]:
        marks = ", ".join(["%s"] * len(ids))
        grouped: dict[int, list] = defaultdict(list)
        for row in self._rows(sql.format(column=column, ids=marks), ids):
            grouped[int(row[column])].append(row)
        return grouped

    def _chunk(self, ids: list[int]) -> Iterator[ClientRows]:
        marks = ", ".join(["%s"] * len(ids))
        clients = self._rows(
            "SELECT id, firstname, lastname, companyname, email, address1, address2, city,"
            " state, postcode, country, phonenumber, tax_id, currency, credit, datecreated,"
            f" status, language FROM tblclients WHERE id IN ({marks}) ORDER BY id",
            ids,
        )
        contacts = self._by_client(
            "SELECT id, userid, firstname, lastname, companyname, email, phonenumber,"
            " subaccount, invoiceemails, supportemails, productemails, domainemails"
            " FROM tblcontacts WHERE {column} IN ({ids}) ORDER BY id",
            ids,
        )
        services = self._by_client(
            "SELECT id, userid, orderid, packageid, regdate, domain, amount, billingcycle,"
            " nextduedate, domainstatus FROM tblhosting WHERE {column} IN ({ids}) ORDER BY id",
            ids,
        )
        domains = self._by_client(
            "SELECT id, userid, domain, status FROM tbldomains"
            " WHERE {column} IN ({ids}) ORDER BY id",
            ids,
        )
        invoices = self._by_client(
            "SELECT id, userid, invoicenum, date, duedate, datepaid, subtotal, credit, tax,"
            " tax2, total, taxrate, taxrate2, status FROM tblinvoices"
            " WHERE {column} IN ({ids}) ORDER BY id",
            ids,
        )
        items = self._by_client(
            "SELECT id, invoiceid, userid, type, relid, description, amount, taxed"
            " FROM tblinvoiceitems WHERE {column} IN ({ids}) ORDER BY invoiceid, id",
            ids,
        )
        transactions = self._by_client(
            "SELECT id, userid, currency, gateway, date, description, amountin, fees,"
            " amountout, transid, invoiceid, refundid FROM tblaccounts"
            " WHERE {column} IN ({ids}) ORDER BY date, id",
            ids,
        )
        credits = self._by_client(
            "SELECT id, clientid, date, description, amount, relid FROM tblcredit"
            " WHERE {column} IN ({ids}) ORDER BY date, id",
            ids,
            column="clientid",
        )
        tickets = self._by_client(
            "SELECT id, tid, did, userid, date, title, message, status, urgency, attachment,"
            " merged_ticket_id FROM tbltickets WHERE {column} IN ({ids}) ORDER BY id",
            ids,
        )
        ticket_ids = [int(row["id"]) for rows in tickets.values() for row in rows]
        replies: dict[int, list] = defaultdict(list)
        if ticket_ids:
            for row in self._by_client(
                "SELECT id, tid, userid, date, message, admin, attachment FROM tblticketreplies"
                " WHERE {column} IN ({ids}) ORDER BY date, id",
                ticket_ids,
                column="tid",
            ).values():
                for reply in row:
                    replies[int(reply["tid"])].append(reply)
        for row in clients:
            client_id = int(row["id"])
            bundle = ClientRows(
                client=row,
                contacts=contacts.get(client_id, []),
                services=services.get(client_id, []),
                domains=domains.get(client_id, []),
                invoices=invoices.get(client_id, []),
                transactions=transactions.get(client_id, []),
                credits=credits.get(client_id, []),
                tickets=tickets.get(client_id, []),
            )
            for item in items.get(client_id, []):
                bundle.invoice_items[int(item["invoiceid"])].append(item)
            for ticket in bundle.tickets:
                bundle.ticket_replies[int(ticket["id"])] = replies.get(int(ticket["id"]), [])
            yield bundle

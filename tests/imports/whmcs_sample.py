"""A small WHMCS installation as a provider would have it: two currencies, hosting, VPS and
dedicated products, and four clients whose rows cover what the import maps and what it
cannot.

Client 1 (Mari, EUR) is the full case. Her money, as WHMCS booked it:

* invoice 100 "2025-0100", paid by bank transfer: 4.99 + 24 % VAT 1.20 = 6.19;
* invoice 101 "2025-0101", 10.00 + 2.40 = 12.40, of which 5.00 from her credit, 7.40 paid;
* invoice 102 (no custom number), unpaid: 20.00 + 4.80 = 24.80, 10.00 paid by PayPal, 14.80 due;
* invoice 103, an Add Funds invoice of 30.00 paid by card: 30.00 of credit;
* invoice 104 a draft, 105 cancelled;
* invoice 106 "2025-0106", 50.00 + 12.00 = 62.00, paid, then refunded in full;
* 2.50 of credit added by WHMCS staff by hand ("goodwill").

So her WHMCS credit is 30.00 - 5.00 + 2.50 = 27.50 and she owes 14.80 on invoice 102.
"""

from __future__ import annotations

from datetime import date, datetime

from tests.imports.whmcs_source import SourceDatabase

EUR, USD = 1, 2
MARI, COMPANY, JOHN, NO_PHONE = 1, 2, 3, 4
START, BUSINESS, VPS_S, DEDICATED, SETUP = 1, 2, 3, 4, 5


def _client(db: SourceDatabase, **values) -> int:
    defaults = {
        "companyname": "",
        "address2": "",
        "state": "",
        "tax_id": "",
        "currency": EUR,
        "credit": "0.00",
        "datecreated": date(2025, 3, 1),
        "status": "Active",
        "language": "english",
    }
    return db.insert("tblclients", **(defaults | values))


def build(db: SourceDatabase) -> None:
    db.insert("tblcurrencies", id=EUR, code="EUR", prefix="€", suffix="", format=2, default=1)
    db.insert(
        "tblcurrencies", id=USD, code="USD", prefix="$", suffix="", format=2, rate="1.08", default=0
    )
    db.insert("tblproductgroups", id=1, name="Shared Hosting", orderfrmtpl="", disabledgateways="")
    db.insert("tblproductgroups", id=2, name="VPS Servers", orderfrmtpl="", disabledgateways="")
    db.insert(
        "tblproductgroups", id=3, name="Dedicated Servers", orderfrmtpl="", disabledgateways=""
    )
    products = (
        (START, "hostingaccount", 1, "Start", ("4.99", "-1.00", "-1.00", "49.90")),
        (BUSINESS, "hostingaccount", 1, "Business", ("-1.00", "29.97", "-1.00", "-1.00")),
        (VPS_S, "server", 2, "VPS S", ("9.00", "-1.00", "-1.00", "-1.00")),
        (DEDICATED, "server", 3, "Dedicated E3", ("89.00", "-1.00", "-1.00", "-1.00")),
        (SETUP, "other", 1, "Site set-up", ("25.00", "-1.00", "-1.00", "-1.00")),
    )
    for product_id, kind, group, name, (monthly, quarterly, semi, annual) in products:
        db.insert(
            "tblproducts", id=product_id, type=kind, gid=group, name=name, description=f"{name}."
        )
        db.insert(
            "tblpricing",
            type="product",
            currency=EUR,
            relid=product_id,
            monthly=monthly,
            quarterly=quarterly,
            semiannually=semi,
            annually=annual,
            biennially="-1.00",
            triennially="-1.00",
        )
    db.insert("tblticketdepartments", id=1, name="Technical Support", description="", email="")
    db.insert("tblticketdepartments", id=2, name="Billing", description="", email="")
    _mari(db)
    _company(db)
    _john(db)
    _no_phone(db)
    db.insert(
        "tbltickets",
        id=710,
        tid="VIS-710",
        did=1,
        userid=0,
        name="A visitor",
        email="visitor@example.org",
        date=datetime(2026, 11, 2, 9, 0),
        title="Do you host Python apps?",
        message="Hello, do you host Django?",
        status="Open",
        urgency="Low",
    )


def _invoice(db: SourceDatabase, client: int, invoice_id: int, status: str, **values) -> None:
    defaults = {
        "invoicenum": "",
        "date": date(2025, 3, 1),
        "duedate": date(2025, 3, 8),
        "subtotal": "0.00",
        "credit": "0.00",
        "tax": "0.00",
        "tax2": "0.00",
        "total": "0.00",
        "taxrate": "24.00",
        "taxrate2": "0.00",
        "paymentmethod": "banktransfer",
        "notes": "",
    }
    db.insert("tblinvoices", id=invoice_id, userid=client, status=status, **(defaults | values))


def _item(db, client, invoice_id, kind, description, amount, taxed=1, relid=0) -> None:
    db.insert(
        "tblinvoiceitems",
        invoiceid=invoice_id,
        userid=client,
        type=kind,
        relid=relid,
        description=description,
        amount=amount,
        taxed=taxed,
        paymentmethod="banktransfer",
        notes="",
    )


def _payment(db, client, transaction_id, amount, invoice_id, gateway, when, **values) -> None:
    db.insert(
        "tblaccounts",
        id=transaction_id,
        userid=client,
        currency=0,
        gateway=gateway,
        date=when,
        description=values.pop("description", f"Invoice Payment (#{invoice_id})"),
        amountin=amount,
        transid=values.pop("transid", f"T{transaction_id}"),
        invoiceid=invoice_id,
        **values,
    )


def _mari(db: SourceDatabase) -> None:
    _client(
        db,
        id=MARI,
        firstname="Mari",
        lastname="Maasikas",
        email="mari@example.ee",
        address1="Pikk 12",
        address2="korter 3",
        city="Tallinn",
        postcode="10123",
        country="EE",
        phonenumber="+372.5123456",
        credit="27.50",
        language="estonian",
    )
    db.insert(
        "tblcontacts",
        id=20,
        userid=MARI,
        firstname="Jaan",
        lastname="Tamm",
        email="jaan@example.ee",
        phonenumber="+372.5550001",
        subaccount=1,
        invoiceemails=1,
    )
    db.insert(
        "tblcontacts",
        id=21,
        userid=MARI,
        firstname="Tiit",
        lastname="Tehnik",
        email="tiit@example.ee",
        phonenumber="",
        supportemails=1,
    )
    hosting = {"orderid": 40, "paymentmethod": "banktransfer", "server": 0}
    db.insert(
        "tblhosting",
        id=10,
        userid=MARI,
        packageid=START,
        regdate=date(2025, 3, 1),
        domain="mari.ee",
        amount="4.99",
        billingcycle="Monthly",
        nextduedate=date(2027, 1, 1),
        domainstatus="Active",
        **hosting,
    )
    db.insert(
        "tblhosting",
        id=11,
        userid=MARI,
        packageid=VPS_S,
        regdate=date(2025, 4, 1),
        domain="vps.mari.ee",
        amount="9.00",
        billingcycle="Monthly",
        nextduedate=date(2027, 1, 1),
        domainstatus="Active",
        **hosting,
    )
    db.insert(
        "tblhosting",
        id=12,
        userid=MARI,
        packageid=BUSINESS,
        regdate=date(2025, 5, 1),
        domain="shop.mari.ee",
        amount="29.97",
        billingcycle="Quarterly",
        nextduedate=date(2026, 2, 1),
        domainstatus="Terminated",
        **hosting,
    )
    db.insert(
        "tblhosting",
        id=13,
        userid=MARI,
        packageid=START,
        regdate=date(2026, 11, 30),
        domain="new.mari.ee",
        amount="4.99",
        billingcycle="Monthly",
        nextduedate=date(2026, 11, 30),
        domainstatus="Pending",
        **hosting,
    )
    db.insert(
        "tbldomains",
        id=30,
        userid=MARI,
        orderid=40,
        type="Register",
        registrationdate=date(2025, 3, 1),
        domain="mari.ee",
        recurringamount="15.00",
        registrar="eurid",
        status="Active",
        paymentmethod="banktransfer",
    )

    _invoice(
        db,
        MARI,
        100,
        "Paid",
        invoicenum="2025-0100",
        datepaid=datetime(2025, 3, 3, 10, 0),
        subtotal="4.99",
        tax="1.20",
        total="6.19",
    )
    _item(db, MARI, 100, "Hosting", "Start - mari.ee (01/03/2025 - 31/03/2025)", "4.99", relid=10)
    _payment(
        db,
        MARI,
        500,
        "6.19",
        100,
        "banktransfer",
        datetime(2025, 3, 3, 10, 0),
        transid="LHV-2025-0301",
    )

    _invoice(
        db,
        MARI,
        101,
        "Paid",
        invoicenum="2025-0101",
        date=date(2025, 4, 1),
        duedate=date(2025, 4, 8),
        datepaid=datetime(2025, 4, 2, 9, 30),
        subtotal="10.00",
        tax="2.40",
        credit="5.00",
        total="7.40",
    )
    _item(db, MARI, 101, "Hosting", "Start - mari.ee, two months", "10.00", relid=10)
    _payment(db, MARI, 501, "7.40", 101, "banktransfer", datetime(2025, 4, 2, 9, 30))

    _invoice(
        db,
        MARI,
        102,
        "Unpaid",
        date=date(2026, 11, 20),
        duedate=date(2026, 11, 27),
        subtotal="20.00",
        tax="4.80",
        total="24.80",
    )
    _item(db, MARI, 102, "Hosting", "Start - mari.ee, four months", "20.00", relid=10)
    _payment(
        db, MARI, 502, "10.00", 102, "paypal", datetime(2026, 11, 21, 12, 0), transid="PAYPAL-9KX"
    )

    _invoice(
        db,
        MARI,
        103,
        "Paid",
        date=date(2025, 6, 1),
        datepaid=datetime(2025, 6, 1, 8, 0),
        subtotal="30.00",
        total="30.00",
        taxrate="0.00",
    )
    _item(db, MARI, 103, "AddFunds", "Add Funds", "30.00", taxed=0)
    _payment(db, MARI, 503, "30.00", 103, "stripe", datetime(2025, 6, 1, 8, 0), transid="ch_3Q1")

    _invoice(db, MARI, 104, "Draft", subtotal="3.00", total="3.00")
    _item(db, MARI, 104, "Item", "Draft item", "3.00")

    _invoice(
        db, MARI, 105, "Cancelled", date=date(2025, 7, 1), subtotal="8.00", tax="1.92", total="9.92"
    )
    _item(db, MARI, 105, "Hosting", "Business - shop.mari.ee", "8.00", relid=12)

    _invoice(
        db,
        MARI,
        106,
        "Refunded",
        invoicenum="2025-0106",
        date=date(2025, 8, 1),
        datepaid=datetime(2025, 8, 2, 11, 0),
        subtotal="50.00",
        tax="12.00",
        total="62.00",
    )
    _item(db, MARI, 106, "Item", "Migration service", "50.00")
    _payment(db, MARI, 504, "62.00", 106, "banktransfer", datetime(2025, 8, 2, 11, 0))
    db.insert(
        "tblaccounts",
        id=505,
        userid=MARI,
        currency=0,
        gateway="banktransfer",
        date=datetime(2025, 8, 20, 15, 0),
        description="Refund of Invoice #106",
        amountout="62.00",
        transid="LHV-REFUND-106",
        invoiceid=106,
        refundid=504,
    )

    for credit_id, when, description, amount, relid in (
        (900, date(2025, 6, 1), "Add Funds Invoice #103", "30.00", 103),
        (901, date(2025, 4, 2), "Credit Applied to Invoice #101", "-5.00", 101),
        (902, date(2025, 9, 1), "Goodwill for the outage of 28 August", "2.50", 0),
    ):
        db.insert(
            "tblcredit",
            id=credit_id,
            clientid=MARI,
            date=when,
            description=description,
            amount=amount,
            relid=relid,
        )

    _ticket(
        db,
        700,
        MARI,
        1,
        "Open",
        "Website is down",
        "mari.ee shows an error 500 since 9:00.",
        datetime(2026, 11, 2, 9, 5),
    )
    db.insert(
        "tblticketreplies",
        tid=700,
        userid=0,
        date=datetime(2026, 11, 2, 9, 40),
        message="We restarted PHP-FPM; please check again.",
        admin="Anna Admin",
    )
    db.insert(
        "tblticketreplies",
        tid=700,
        userid=MARI,
        date=datetime(2026, 11, 2, 10, 0),
        message="Works now, thank you!",
        admin="",
    )
    _ticket(
        db,
        701,
        MARI,
        2,
        "Closed",
        "Question about invoice 2025-0101",
        "Why was credit applied to this invoice?",
        datetime(2025, 4, 3, 8, 0),
        attachment="123_invoice.pdf",
    )
    db.insert(
        "tblticketreplies",
        tid=701,
        userid=0,
        date=datetime(2025, 4, 3, 9, 0),
        message="Your credit balance paid 5.00 of it automatically.",
        admin="Bert Billing",
    )
    _ticket(
        db,
        702,
        MARI,
        1,
        "Closed",
        "Website is down (again)",
        "Same as before.",
        datetime(2026, 11, 2, 9, 10),
        merged_ticket_id=700,
    )


def _ticket(db, ticket_id, client, department, status, title, message, when, **values) -> None:
    db.insert(
        "tbltickets",
        id=ticket_id,
        tid=f"ABC-{ticket_id}",
        did=department,
        userid=client,
        date=when,
        title=title,
        message=message,
        status=status,
        urgency=values.pop("urgency", "Medium"),
        lastreply=when,
        **values,
    )


def _company(db: SourceDatabase) -> None:
    _client(
        db,
        id=COMPANY,
        firstname="Peeter",
        lastname="Kask",
        companyname="Näidis OÜ",
        email="arved@naidis.ee",
        address1="Tartu mnt 2",
        city="Tallinn",
        postcode="10115",
        country="EE",
        phonenumber="+372.6001234",
        tax_id="EE100247019",
    )
    db.insert(
        "tblhosting",
        id=14,
        userid=COMPANY,
        orderid=41,
        packageid=DEDICATED,
        regdate=date(2026, 1, 15),
        domain="srv1.naidis.ee",
        amount="89.00",
        billingcycle="Monthly",
        nextduedate=date(2026, 12, 15),
        domainstatus="Suspended",
        paymentmethod="banktransfer",
    )
    _invoice(
        db,
        COMPANY,
        110,
        "Paid",
        invoicenum="2026-0110",
        date=date(2026, 11, 15),
        datepaid=datetime(2026, 11, 16, 10, 0),
        subtotal="89.00",
        total="89.00",
        taxrate="0.00",
    )
    _item(db, COMPANY, 110, "Hosting", "Dedicated E3 - srv1.naidis.ee", "89.00", taxed=0, relid=14)
    _payment(db, COMPANY, 510, "89.00", 110, "banktransfer", datetime(2026, 11, 16, 10, 0))


def _john(db: SourceDatabase) -> None:
    _client(
        db,
        id=JOHN,
        firstname="John",
        lastname="Smith",
        email="john@example.com",
        address1="1600 Pennsylvania Ave",
        city="Washington",
        state="DC",
        postcode="20500",
        country="US",
        phonenumber="+1.2025550143",
        currency=USD,
        credit="5.00",
    )
    db.insert(
        "tblhosting",
        id=15,
        userid=JOHN,
        orderid=42,
        packageid=START,
        regdate=date(2026, 6, 1),
        domain="smith.example.com",
        amount="5.49",
        billingcycle="Monthly",
        nextduedate=date(2027, 1, 1),
        domainstatus="Active",
        paymentmethod="paypal",
    )
    _invoice(
        db,
        JOHN,
        120,
        "Paid",
        date=date(2026, 11, 1),
        datepaid=datetime(2026, 11, 1, 7, 0),
        subtotal="5.49",
        total="5.49",
        taxrate="0.00",
    )
    _item(db, JOHN, 120, "Hosting", "Start - smith.example.com", "5.49", taxed=0, relid=15)
    _payment(db, JOHN, 520, "5.49", 120, "paypal", datetime(2026, 11, 1, 7, 0))


def _no_phone(db: SourceDatabase) -> None:
    _client(
        db,
        id=NO_PHONE,
        firstname="Pille",
        lastname="Puudu",
        email="pille@example.ee",
        address1="Rüütli 1",
        city="Tartu",
        postcode="51007",
        country="EE",
        phonenumber="",
    )
    _invoice(db, NO_PHONE, 130, "Unpaid", subtotal="4.99", tax="1.20", total="6.19")
    _item(db, NO_PHONE, 130, "Hosting", "Start", "4.99")

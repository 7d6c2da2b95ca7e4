"""URLs of the client-area money pages (catalog, balance, payments, invoices).

In the ``web`` namespace; included by hostledger/web/urls.py."""

from django.urls import path

from hostledger.web.views import client_invoices, client_money, gateway_webhooks

urlpatterns: list = [
    # Catalog (CAT-01…06)
    path("catalog/", client_money.catalog, name="catalog"),
    # Balance, statement, top-ups (BIL-01, BIL-06)
    path("billing/", client_money.billing, name="billing"),
    path("billing/statement.csv", client_money.statement_csv, name="statement_csv"),
    path("billing/top-up/", client_money.top_up, name="top_up"),
    path("billing/top-up/<str:top_up_id>/done/", client_money.top_up_done, name="top_up_done"),
    # The local gateway's page; its path is LocalGateway's PAY_PATH.
    path(
        "billing/local-gateway/<str:top_up_id>/",
        client_money.local_gateway_pay,
        name="local_gateway_pay",
    ),
    path("gateways/<str:name>/webhook/", gateway_webhooks.gateway_webhook, name="gateway_webhook"),
    # Invoices and credit notes (BIL-03, BIL-04, BIL-10)
    path("invoices/", client_invoices.invoice_list, name="invoice_list"),
    path("invoices/<str:public_id>/", client_invoices.invoice_detail, name="invoice_detail"),
    path("invoices/<str:public_id>/pay/", client_invoices.invoice_pay, name="invoice_pay"),
    path("invoices/<str:public_id>/pdf/", client_invoices.invoice_pdf, name="invoice_pdf"),
    path("invoices/<str:public_id>/xml/", client_invoices.invoice_xml, name="invoice_xml"),
    path("invoices/<str:public_id>/ubl/", client_invoices.invoice_ubl, name="invoice_ubl"),
    path(
        "credit-notes/<str:public_id>/",
        client_invoices.credit_note_detail,
        name="credit_note_detail",
    ),
    path(
        "credit-notes/<str:public_id>/pdf/",
        client_invoices.credit_note_pdf,
        name="credit_note_pdf",
    ),
    path(
        "credit-notes/<str:public_id>/xml/",
        client_invoices.credit_note_xml,
        name="credit_note_xml",
    ),
    path(
        "credit-notes/<str:public_id>/ubl/",
        client_invoices.credit_note_ubl,
        name="credit_note_ubl",
    ),
]

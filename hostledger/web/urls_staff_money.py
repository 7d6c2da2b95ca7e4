"""URLs of the staff-area money pages (catalog, payments, credit notes, refunds).

In the ``web`` namespace; included by hostledger/web/urls.py."""

from django.urls import path

from hostledger.web.views import staff_catalog, staff_invoices, staff_money

urlpatterns: list = [
    # Catalog (CAT-01 … CAT-06), catalog.manage
    path("staff/catalog/", staff_catalog.catalog_overview, name="staff_catalog"),
    path(
        "staff/catalog/families/<str:code>/",
        staff_catalog.catalog_family,
        name="staff_catalog_family",
    ),
    path(
        "staff/catalog/families/<str:code>/tariffs/new/",
        staff_catalog.catalog_tariff_create,
        name="staff_catalog_tariff_create",
    ),
    path(
        "staff/catalog/families/<str:code>/add-ons/new/",
        staff_catalog.catalog_add_on_create,
        name="staff_catalog_add_on_create",
    ),
    path(
        "staff/catalog/families/<str:code>/metered-items/new/",
        staff_catalog.catalog_metered_item_create,
        name="staff_catalog_metered_item_create",
    ),
    path(
        "staff/catalog/tariffs/<str:public_id>/",
        staff_catalog.catalog_tariff,
        name="staff_catalog_tariff",
    ),
    path(
        "staff/catalog/add-ons/<str:public_id>/",
        staff_catalog.catalog_add_on,
        name="staff_catalog_add_on",
    ),
    path(
        "staff/catalog/metered-items/<str:public_id>/",
        staff_catalog.catalog_metered_item,
        name="staff_catalog_metered_item",
    ),
    path(
        "staff/catalog/os-images/",
        staff_catalog.catalog_os_images,
        name="staff_catalog_os_images",
    ),
    path(
        "staff/catalog/os-images/<str:public_id>/",
        staff_catalog.catalog_os_image,
        name="staff_catalog_os_image",
    ),
    path(
        "staff/catalog/price-changes/",
        staff_catalog.catalog_price_changes,
        name="staff_catalog_price_changes",
    ),
    path(
        "staff/catalog/<str:kind>/<str:public_id>/availability/",
        staff_catalog.catalog_availability,
        name="staff_catalog_availability",
    ),
    path(
        "staff/catalog/<str:kind>/<str:public_id>/price-changes/",
        staff_catalog.catalog_price_change_announce,
        name="staff_catalog_price_change_announce",
    ),
    path(
        "staff/catalog/<str:kind>/<str:public_id>/price-changes/<str:version_id>/publish/",
        staff_catalog.catalog_price_change_publish,
        name="staff_catalog_price_change_publish",
    ),
    path(
        "staff/catalog/tariffs/<str:public_id>/publish/",
        staff_catalog.catalog_tariff_publish,
        name="staff_catalog_tariff_publish",
    ),
    path(
        "staff/catalog/<str:kind>/<str:public_id>/price-changes/<str:version_id>/withdraw/",
        staff_catalog.catalog_price_change_withdraw,
        name="staff_catalog_price_change_withdraw",
    ),
    # Payments (BIL-01, BIL-06), billing.manage
    path("staff/payments/", staff_money.payment_list, name="staff_payments"),
    path("staff/payments/record/", staff_money.payment_record, name="staff_payment_record"),
    path(
        "staff/payments/unmatched/",
        staff_money.unmatched_payments,
        name="staff_payments_unmatched",
    ),
    path(
        "staff/payments/unmatched/<str:public_id>/assign/",
        staff_money.payment_assign,
        name="staff_payment_assign",
    ),
    path(
        "staff/payments/reversals/<str:public_id>/resolve/",
        staff_money.reversal_resolve,
        name="staff_reversal_resolve",
    ),
    path(
        "staff/payments/<str:public_id>/reverse/",
        staff_money.payment_reverse,
        name="staff_payment_reverse",
    ),
    path(
        "staff/payments/statements/",
        staff_money.bank_statement_upload,
        name="staff_payment_statements",
    ),
    path(
        "staff/payments/statements/<str:public_id>/",
        staff_money.bank_statement_import_detail,
        name="staff_payment_import",
    ),
    # A client's balance (BIL-01), billing.manage
    path(
        "staff/clients/<str:public_id>/balance/",
        staff_money.client_balance,
        name="staff_client_balance",
    ),
    path(
        "staff/clients/<str:public_id>/balance/refund/",
        staff_money.client_refund,
        name="staff_client_refund",
    ),
    path(
        "staff/clients/<str:public_id>/balance/credit/",
        staff_money.client_credit,
        name="staff_client_credit",
    ),
    path(
        "staff/clients/<str:public_id>/balance/correction/",
        staff_money.client_correction,
        name="staff_client_correction",
    ),
    # Invoices and credit notes (BIL-03, BIL-04), billing.manage
    path("staff/invoices/", staff_invoices.invoice_list, name="staff_invoices"),
    path("staff/invoices/<str:public_id>/", staff_invoices.invoice_detail, name="staff_invoice"),
    path(
        "staff/invoices/<str:public_id>/credit-note/",
        staff_invoices.credit_note_issue,
        name="staff_invoice_credit_note",
    ),
    path(
        "staff/invoices/<str:public_id>/cancel/",
        staff_invoices.proforma_cancel,
        name="staff_invoice_cancel",
    ),
]

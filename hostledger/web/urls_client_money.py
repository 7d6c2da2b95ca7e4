"""URLs of the client-area money pages (catalog, balance, payments, invoices).

In the ``web`` namespace; included by hostledger/web/urls.py."""

urlpatterns: list = []

"""URLs of the staff-area money pages (catalog, payments, credit notes, refunds).

In the ``web`` namespace; included by hostledger/web/urls.py."""

urlpatterns: list = []

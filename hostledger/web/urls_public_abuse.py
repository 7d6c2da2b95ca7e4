"""The public abuse report form (ABU-01). In the ``web`` namespace; included by
hostledger/web/urls.py."""

from django.urls import path

from hostledger.web.views import public_abuse

urlpatterns = [
    path("abuse/report/", public_abuse.abuse_report, name="abuse_report"),
]

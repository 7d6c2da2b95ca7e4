"""Client-area pages of personal data: accepting a new version of the terms or the privacy
policy (GDPR-10). In the ``web`` namespace; included by hostledger/web/urls.py."""

from django.urls import path

from hostledger.web.views import client_privacy

urlpatterns = [
    path("profile/policies/", client_privacy.policy_reaccept, name="policy_reaccept"),
]

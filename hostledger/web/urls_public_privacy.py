"""Public pages about personal data (GDPR-09, GDPR-10, GDPR-13): policy archives, the
processors, the cookie policy and the cookie choice. In the ``web`` namespace; included by
hostledger/web/urls.py."""

from django.urls import path

from hostledger.web.views import public_privacy

urlpatterns = [
    path("policies/<str:kind>/archive/", public_privacy.policy_archive, name="policy_archive"),
    path(
        "policies/<str:kind>/versions/<str:version>/",
        public_privacy.policy_version_page,
        name="policy_version",
    ),
    path("privacy/processors/", public_privacy.processors, name="processors"),
    path("cookies/", public_privacy.cookie_policy, name="cookie_policy"),
    path("cookies/consent/", public_privacy.cookie_consent, name="cookie_consent"),
]

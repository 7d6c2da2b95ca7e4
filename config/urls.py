from allauth.account.views import SignupView
from allauth.socialaccount.views import SignupView as SocialSignupView
from django.db import transaction
from django.urls import include, path

urlpatterns = [
    # Sign-up writes the user, the client, its payer and the policy acceptances, then sends
    # the verification mail; one transaction, so a failure half-way stores nothing (ACC-03).
    path("accounts/signup/", transaction.atomic(SignupView.as_view())),
    path("accounts/3rdparty/signup/", transaction.atomic(SocialSignupView.as_view())),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", include("hostledger.api.urls")),
    path("", include("hostledger.web.urls")),
]

handler500 = "hostledger.web.views.errors.server_error"

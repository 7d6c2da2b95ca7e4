"""URLs of the client area's abuse cases (ABU-01 … ABU-03). In the ``web`` namespace;
included by hostledger/web/urls.py."""

from django.urls import path

from hostledger.web.views import client_abuse

urlpatterns: list = [
    path("abuse/", client_abuse.abuse_case_list, name="abuse_case_list"),
    path("abuse/<str:public_id>/", client_abuse.abuse_case_detail, name="abuse_case_detail"),
    path(
        "abuse/<str:public_id>/answer/",
        client_abuse.abuse_case_answer_view,
        name="abuse_case_answer",
    ),
    path(
        "abuse/<str:public_id>/files/<str:sha256>/",
        client_abuse.abuse_evidence_file,
        name="abuse_evidence_file",
    ),
]

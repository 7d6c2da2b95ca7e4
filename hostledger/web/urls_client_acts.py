"""URLs of the client-area acts pages: acts of acceptance and paper-act requests
(DOC-01, DOC-02, DOC-03).

In the ``web`` namespace; included by hostledger/web/urls.py."""

from django.urls import path

from hostledger.web.views import client_acts

urlpatterns: list = [
    path("acts/", client_acts.act_list, name="act_list"),
    # Before acts/<public_id>/, which would otherwise take "paper-requests" for an act id.
    path("acts/paper-requests/", client_acts.paper_act_requests, name="paper_act_requests"),
    path(
        "acts/paper-requests/<str:public_id>/withdraw/",
        client_acts.paper_act_request_cancel,
        name="paper_act_request_withdraw",
    ),
    path("acts/<str:public_id>/", client_acts.act_detail, name="act_detail"),
    path("acts/<str:public_id>/pdf/", client_acts.act_pdf_download, name="act_pdf"),
    path("acts/<str:public_id>/dispute/", client_acts.act_dispute_raise, name="act_dispute"),
    path("acts/<str:public_id>/confirm/", client_acts.act_confirm_accept, name="act_confirm"),
]

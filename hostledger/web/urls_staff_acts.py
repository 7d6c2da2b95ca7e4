"""URLs of the staff-area acts pages: acts of acceptance, their disputes and paper-act
requests (DOC-01, DOC-02, DOC-03), all needing ``billing.manage``.

In the ``web`` namespace; included by hostledger/web/urls.py."""

from django.urls import path

from hostledger.web.views import staff_acts

urlpatterns: list = [
    path("staff/acts/", staff_acts.act_list, name="staff_acts"),
    # Before staff/acts/<public_id>/, which would otherwise take these words for act ids.
    path("staff/acts/disputes/", staff_acts.act_disputes, name="staff_act_disputes"),
    path(
        "staff/acts/paper-requests/",
        staff_acts.paper_act_requests,
        name="staff_paper_act_requests",
    ),
    path(
        "staff/acts/paper-requests/<str:public_id>/sent/",
        staff_acts.paper_act_request_sent,
        name="staff_paper_act_request_sent",
    ),
    path("staff/acts/<str:public_id>/", staff_acts.act_detail, name="staff_act"),
    path("staff/acts/<str:public_id>/pdf/", staff_acts.act_pdf_download, name="staff_act_pdf"),
    path(
        "staff/acts/<str:public_id>/resolve/",
        staff_acts.act_dispute_resolve,
        name="staff_act_resolve",
    ),
]

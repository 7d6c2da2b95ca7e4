"""URLs of the staff area's abuse desk (ABU-01 … ABU-03); every page needs
``abuse.manage``. In the ``web`` namespace; included by hostledger/web/urls.py."""

from django.urls import path

from hostledger.web.views import staff_abuse

urlpatterns: list = [
    path("staff/abuse/", staff_abuse.abuse_queue, name="staff_abuse_queue"),
    path("staff/abuse/new/", staff_abuse.abuse_case_new, name="staff_abuse_new"),
    path("staff/abuse/<str:public_id>/", staff_abuse.abuse_case_detail, name="staff_abuse_case"),
    path(
        "staff/abuse/<str:public_id>/notify/",
        staff_abuse.abuse_case_notify_view,
        name="staff_abuse_notify",
    ),
    path(
        "staff/abuse/<str:public_id>/link/",
        staff_abuse.abuse_case_link_view,
        name="staff_abuse_link",
    ),
    path(
        "staff/abuse/<str:public_id>/note/",
        staff_abuse.abuse_case_note_view,
        name="staff_abuse_note",
    ),
    path(
        "staff/abuse/<str:public_id>/remedy-reject/",
        staff_abuse.abuse_remedy_reject_view,
        name="staff_abuse_remedy_reject",
    ),
    path(
        "staff/abuse/<str:public_id>/lift/",
        staff_abuse.abuse_case_lift_view,
        name="staff_abuse_lift",
    ),
    path(
        "staff/abuse/<str:public_id>/dismiss/",
        staff_abuse.abuse_case_dismiss_view,
        name="staff_abuse_dismiss",
    ),
    path(
        "staff/abuse/<str:public_id>/propose-termination/",
        staff_abuse.abuse_termination_propose_view,
        name="staff_abuse_propose_termination",
    ),
    path(
        "staff/abuse/<str:public_id>/files/<str:sha256>/",
        staff_abuse.abuse_evidence_file,
        name="staff_abuse_evidence_file",
    ),
]

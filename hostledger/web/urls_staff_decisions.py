"""URLs of the staff-area pages of automated decisions (AUT-06): reading needs
``clients.view``, confirming, rejecting and answering a review ``services.manage``.

In the ``web`` namespace; included by hostledger/web/urls.py."""

from django.urls import path

from hostledger.web.views import staff_decisions

urlpatterns: list = [
    path("staff/decisions/", staff_decisions.decision_list, name="staff_decisions"),
    path(
        "staff/decisions/<str:public_id>/", staff_decisions.decision_detail, name="staff_decision"
    ),
    path(
        "staff/decisions/<str:public_id>/confirm/",
        staff_decisions.decision_confirm_view,
        name="staff_decision_confirm",
    ),
    path(
        "staff/decisions/<str:public_id>/reject/",
        staff_decisions.decision_reject_view,
        name="staff_decision_reject",
    ),
    path(
        "staff/decisions/<str:public_id>/review-answer/",
        staff_decisions.decision_review_answer_view,
        name="staff_decision_review_answer",
    ),
]

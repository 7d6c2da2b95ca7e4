"""Staff pages of personal data (``privacy.manage``): policy versions (GDPR-10, NTF-03), the
register of processors and the record of processing activities (GDPR-09). In the ``web``
namespace; included by hostledger/web/urls.py."""

from django.urls import path

from hostledger.web.views import staff_privacy

urlpatterns = [
    # Policy versions (GDPR-10, NTF-03)
    path("staff/privacy/policies/", staff_privacy.policy_list, name="staff_policies"),
    path("staff/privacy/policies/new/", staff_privacy.policy_new, name="staff_policy_new"),
    path(
        "staff/privacy/policies/preview/",
        staff_privacy.policy_preview,
        name="staff_policy_preview",
    ),
    path(
        "staff/privacy/policies/publish/",
        staff_privacy.policy_publish_view,
        name="staff_policy_publish",
    ),
    # Processors (GDPR-09)
    path("staff/privacy/processors/", staff_privacy.processor_list, name="staff_processors"),
    path("staff/privacy/processors/new/", staff_privacy.processor_new, name="staff_processor_new"),
    path(
        "staff/privacy/processors/<str:public_id>/",
        staff_privacy.processor_edit,
        name="staff_processor_edit",
    ),
    # Record of processing activities (GDPR-09, GDPR art. 30)
    path("staff/privacy/activities/", staff_privacy.activity_list, name="staff_activities"),
    path(
        "staff/privacy/activities/export.csv",
        staff_privacy.activity_export_csv,
        name="staff_activities_csv",
    ),
    path(
        "staff/privacy/activities/export.pdf",
        staff_privacy.activity_export_pdf,
        name="staff_activities_pdf",
    ),
    path(
        "staff/privacy/activities/<str:key>/",
        staff_privacy.activity_edit,
        name="staff_activity_edit",
    ),
]

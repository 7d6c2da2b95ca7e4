from django.urls import path

from hostledger.web import (
    urls_client_abuse,
    urls_client_acts,
    urls_client_datacenter,
    urls_client_decisions,
    urls_client_dns,
    urls_client_domains,
    urls_client_incidents,
    urls_client_knowledge,
    urls_client_money,
    urls_client_notifications,
    urls_client_personal_data,
    urls_client_privacy,
    urls_client_requests,
    urls_client_service_changes,
    urls_client_services,
    urls_client_tickets,
    urls_client_verification,
    urls_promotions,
    urls_public_abuse,
    urls_public_knowledge,
    urls_public_notifications,
    urls_public_privacy,
    urls_staff_abuse,
    urls_staff_acts,
    urls_staff_bulk,
    urls_staff_datacenter,
    urls_staff_decisions,
    urls_staff_dns,
    urls_staff_domains,
    urls_staff_erasure,
    urls_staff_incidents,
    urls_staff_knowledge,
    urls_staff_licences,
    urls_staff_money,
    urls_staff_notifications,
    urls_staff_personal_data,
    urls_staff_privacy,
    urls_staff_reports,
    urls_staff_requests,
    urls_staff_service_changes,
    urls_staff_services,
    urls_staff_tickets,
    urls_staff_tools,
    urls_staff_verification,
)
from hostledger.web.views import client, public, staff, staff_entities

app_name = "web"
urlpatterns = [
    # Client area (ACC-01…09)
    path("", client.dashboard, name="dashboard"),
    path("profile/", client.profile, name="profile"),
    path("profile/edit/", client.profile_edit, name="profile_edit"),
    path("profile/phone/", client.profile_phone, name="profile_phone"),
    path("payers/", client.payer_list, name="payer_list"),
    path("payers/new/", client.payer_create, name="payer_create"),
    path("payers/<str:public_id>/edit/", client.payer_edit, name="payer_edit"),
    path("payers/<str:public_id>/archive/", client.payer_archive, name="payer_archive"),
    path("payers/<str:public_id>/default/", client.payer_make_default, name="payer_make_default"),
    path("contacts/", client.contact_list, name="contact_list"),
    path("contacts/new/", client.contact_create, name="contact_create"),
    path("contacts/<str:public_id>/", client.contact_detail, name="contact_detail"),
    path("contacts/<str:public_id>/edit/", client.contact_edit, name="contact_edit"),
    path("contacts/<str:public_id>/archive/", client.contact_archive, name="contact_archive"),
    path("access/", client.access_grant_list, name="access_grant_list"),
    path("access/<str:public_id>/revoke/", client.access_grant_revoke, name="access_grant_revoke"),
    path("switch/", client.account_switch, name="account_switch"),
    path("sign-ins/", client.sign_in_history, name="sign_in_history"),
    path("api-tokens/", client.api_token_list, name="api_token_list"),
    path("api-tokens/<str:public_id>/revoke/", client.api_token_revoke, name="api_token_revoke"),
    # Public pages
    path("policies/<str:kind>/", public.policy, name="policy"),
    path("language/", public.language_set, name="language"),
    # Staff area (ACC-09, ACC-11)
    path("staff/", staff.staff_home, name="staff_home"),
    path("staff/clients/", staff.client_search, name="staff_client_search"),
    path(
        "staff/client-searches/<str:search_id>/",
        staff.client_search_results,
        name="staff_client_search_results",
    ),
    path("staff/clients/<str:public_id>/", staff.client_detail, name="staff_client_detail"),
    path("staff/clients/<str:public_id>/notes/", staff.staff_note_add, name="staff_note_add"),
    path("staff/users/", staff.staff_user_list, name="staff_user_list"),
    path("staff/users/new/", staff.staff_user_create, name="staff_user_create"),
    path("staff/users/<str:public_id>/", staff.staff_user_detail, name="staff_user_detail"),
    path("staff/roles/", staff.role_list, name="role_list"),
    path("staff/roles/<slug:slug>/", staff.role_detail, name="role_detail"),
    path("staff/settings/", staff.setting_list, name="setting_list"),
    path("staff/settings/history/", staff.setting_history, name="setting_history"),
    path("staff/settings/<str:key>/", staff.setting_detail, name="setting_detail"),
    path("staff/settings/<str:key>/reset/", staff.setting_reset, name="setting_reset"),
    path("staff/entities/", staff_entities.entity_list, name="staff_entity_list"),
    path("staff/entities/new/", staff_entities.entity_create, name="staff_entity_create"),
    path(
        "staff/entities/<str:public_id>/",
        staff_entities.entity_detail,
        name="staff_entity_detail",
    ),
    path("staff/jobs/", staff.job_list, name="job_list"),
    path("staff/jobs/run/", staff.job_run_now, name="job_run_now"),
    path("staff/jobs/runs/<int:run_id>/", staff.job_run_detail, name="job_run_detail"),
    path("staff/jobs/runs/<int:run_id>/progress/", staff.job_run_progress, name="job_run_progress"),
]
# Money: catalog, orders, services, balance, payments, invoices (their own modules)
urlpatterns += urls_client_money.urlpatterns + urls_staff_money.urlpatterns
# Promotions: coupons and quotes (decision 0055)
urlpatterns += urls_promotions.urlpatterns
# Interruptions, maintenance and repairs (SUP-03, SUP-04, SUP-07)
urlpatterns += urls_client_incidents.urlpatterns + urls_staff_incidents.urlpatterns
# Orders and services; acts of acceptance
urlpatterns += urls_client_services.urlpatterns + urls_staff_services.urlpatterns
urlpatterns += urls_client_service_changes.urlpatterns + urls_staff_service_changes.urlpatterns
urlpatterns += urls_client_acts.urlpatterns + urls_staff_acts.urlpatterns
urlpatterns += urls_public_notifications.urlpatterns  # links in messages, without sign-in
# Messages, notification settings; staff templates, outbox and announcements
urlpatterns += urls_client_notifications.urlpatterns + urls_staff_notifications.urlpatterns
# Data verification requests (ACC-10)
urlpatterns += urls_client_verification.urlpatterns + urls_staff_verification.urlpatterns
# Decisions of the billing run and their human review (AUT-06)
urlpatterns += urls_client_decisions.urlpatterns + urls_staff_decisions.urlpatterns
# Personal data: policy versions and their acceptance, processors, the record of processing
# activities, cookie consent (GDPR-09, GDPR-10, GDPR-13, NTF-03)
urlpatterns += (
    urls_public_privacy.urlpatterns
    + urls_client_privacy.urlpatterns
    + urls_staff_privacy.urlpatterns
)
# Erasure, restriction of processing, legal holds and retention (GDPR-04, GDPR-05, GDPR-08)
urlpatterns += urls_staff_erasure.urlpatterns
# Data-subject requests and corrections of personal data (GDPR-03, GDPR-07)
urlpatterns += urls_client_requests.urlpatterns + urls_staff_requests.urlpatterns
# Your data: exports of personal data (GDPR-02)
urlpatterns += urls_client_personal_data.urlpatterns + urls_staff_personal_data.urlpatterns
# Abuse desk: the public report form first (its path would otherwise read as a case id),
# then the client's cases and the staff queue (ABU-01 … ABU-03)
urlpatterns += (
    urls_public_abuse.urlpatterns + urls_client_abuse.urlpatterns + urls_staff_abuse.urlpatterns
)
# The data centre: equipment, applications for actions on it, colocation, IP addresses
# (SUP-02, SUP-05, SUP-06)
urlpatterns += urls_client_datacenter.urlpatterns + urls_staff_datacenter.urlpatterns
# Support tickets (SUP-01)
urlpatterns += urls_client_tickets.urlpatterns + urls_staff_tickets.urlpatterns
# Microsoft licence rental: the pool of keys and the monthly usage report (CAT-01, PRV-01)
urlpatterns += urls_staff_licences.urlpatterns
# DNS hosting: clients' zones and records, staff's zones and pushes (DOM-04, PRV-02)
urlpatterns += urls_client_dns.urlpatterns + urls_staff_dns.urlpatterns
# Domains: the client's domains at their registries, transfers in; the staff list (DOM-02)
urlpatterns += urls_client_domains.urlpatterns + urls_staff_domains.urlpatterns
# Staff reports with charts, and CSV/XLSX exports of the staff lists
urlpatterns += urls_staff_reports.urlpatterns
# Staff tools on a client's account: viewing as the client, the activity timeline
urlpatterns += urls_staff_tools.urlpatterns
urlpatterns += urls_staff_bulk.urlpatterns
# Knowledge base: the public help pages, the suggestions on the new-ticket form, the editors
urlpatterns += (
    urls_public_knowledge.urlpatterns
    + urls_client_knowledge.urlpatterns
    + urls_staff_knowledge.urlpatterns
)

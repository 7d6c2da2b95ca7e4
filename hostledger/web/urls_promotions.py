"""URLs of coupons (staff) and quotes (staff and client area), decision 0055."""

from django.urls import path

from hostledger.web.views import client_quotes, staff_coupons, staff_quotes

urlpatterns = [
    # Coupons, catalog.manage
    path("staff/catalog/coupons/", staff_coupons.coupon_list, name="staff_coupons"),
    path(
        "staff/catalog/coupons/<str:public_id>/",
        staff_coupons.coupon_detail,
        name="staff_coupon",
    ),
    path(
        "staff/catalog/coupons/<str:public_id>/accepted/",
        staff_coupons.coupon_availability,
        name="staff_coupon_availability",
    ),
    # Quotes for staff, services.manage
    path("staff/quotes/", staff_quotes.quote_list, name="staff_quotes"),
    path("staff/quotes/new/", staff_quotes.quote_new, name="staff_quote_new"),
    path("staff/quotes/<str:public_id>/", staff_quotes.quote_detail, name="staff_quote"),
    path(
        "staff/quotes/<str:public_id>/send/",
        staff_quotes.quote_send_view,
        name="staff_quote_send",
    ),
    path(
        "staff/quotes/<str:public_id>/withdraw/",
        staff_quotes.quote_withdraw_view,
        name="staff_quote_withdraw",
    ),
    # Quotes in the client area
    path("quotes/", client_quotes.quote_list, name="quote_list"),
    path("quotes/<str:public_id>/", client_quotes.quote_detail, name="quote_detail"),
    path(
        "quotes/<str:public_id>/accept/",
        client_quotes.quote_accept_view,
        name="quote_accept",
    ),
    path(
        "quotes/<str:public_id>/decline/",
        client_quotes.quote_decline_view,
        name="quote_decline",
    ),
]

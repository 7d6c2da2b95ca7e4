"""URLs of coupons (staff) and quotes (decision 0053)."""

from django.urls import path

from hostledger.web.views import staff_coupons

urlpatterns = [
    # Coupons, catalog.manage
    path("staff/catalog/coupons/", staff_coupons.coupon_list, name="staff_coupons"),
    path(
        "staff/catalog/coupons/<str:public_id>/",
        staff_coupons.coupon_detail,
        name="staff_coupon",
    ),
    path(
        "staff/catalog/coupons/<str:public_id>/availability/",
        staff_coupons.coupon_availability,
        name="staff_coupon_availability",
    ),
]

"""Personal data held by the catalog, field by field (GDPR-01).

The catalog describes what the provider sells; none of it is about a person. The one link to
a person is the staff user who announced a price change, a reference whose own fields are
declared by the accounts app.
"""

from hostledger.core.personal_data import NOT_PERSONAL, NotPersonal, declare

ROW_KEY = NotPersonal("internal row key")
PUBLIC_ID = NotPersonal("random opaque id for URLs and the API")
REFERENCE = NotPersonal("reference to another record, whose own fields are declared there")
RECORD_TIME = NotPersonal("when the record was made or changed")
CATALOG_DATA = NotPersonal("catalog data: what the provider sells and at what price")


def _catalog_fields(*names: str) -> dict[str, NotPersonal]:
    return dict.fromkeys(names, CATALOG_DATA)


declare(
    "catalog.ProductFamily",
    {
        "id": ROW_KEY,
        "updated_at": RECORD_TIME,
        "entity": REFERENCE,
        **_catalog_fields(
            "code",
            "name",
            "description",
            "is_active",
            "sort_order",
            "minimum_service_months",
            "commencement_working_days",
        ),
    },
)

_PRICED_ITEM = {
    "id": ROW_KEY,
    "public_id": PUBLIC_ID,
    "created_at": RECORD_TIME,
    "updated_at": RECORD_TIME,
    **_catalog_fields("code", "name", "currency", "is_active", "sort_order"),
}

declare(
    "catalog.Tariff",
    {
        **_PRICED_ITEM,
        "family": REFERENCE,
        "published_at": RECORD_TIME,
        **_catalog_fields("description", "monthly_fee_minor", "specs", "status"),
    },
)

declare(
    "catalog.AddOn",
    {
        **_PRICED_ITEM,
        "family": REFERENCE,
        "tariff": REFERENCE,
        **_catalog_fields("description", "monthly_fee_minor", "max_quantity"),
    },
)

declare(
    "catalog.MeteredItem",
    {
        **_PRICED_ITEM,
        "family": REFERENCE,
        "tariff": REFERENCE,
        **_catalog_fields("unit", "unit_price_micro", "included_quantity_micro"),
    },
)

declare(
    "catalog.OsImage",
    {
        **_PRICED_ITEM,
        **_catalog_fields("requires_paid_licence", "licence_monthly_fee_minor"),
    },
)

declare(
    "catalog.OsImage_families",
    {"id": ROW_KEY, "osimage": REFERENCE, "productfamily": REFERENCE},
)

declare(
    "catalog.PriceVersion",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "tariff": REFERENCE,
        "add_on": REFERENCE,
        "monthly_fee_minor": CATALOG_DATA,
        "currency": CATALOG_DATA,
        "announced_at": RECORD_TIME,
        "effective_from": CATALOG_DATA,
        "announced_by": REFERENCE,
        "note": NOT_PERSONAL,
        "status": CATALOG_DATA,
        "withdrawn_at": RECORD_TIME,
    },
)

declare(
    "catalog.Coupon",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "created_at": RECORD_TIME,
        "updated_at": RECORD_TIME,
        "created_by": REFERENCE,
        **_catalog_fields(
            "code",
            "currency",
            "is_active",
            "description",
            "kind",
            "percent",
            "amount_minor",
            "recurrence",
            "max_redemptions",
            "max_per_client",
            "redemption_count",
            "valid_from",
            "valid_until",
        ),
    },
)
declare("catalog.Coupon_tariffs", {"id": ROW_KEY, "coupon": REFERENCE, "tariff": REFERENCE})
declare("catalog.Coupon_families", {"id": ROW_KEY, "coupon": REFERENCE, "productfamily": REFERENCE})
declare(
    "catalog.CouponRedemption",
    {
        "id": ROW_KEY,
        "coupon": REFERENCE,
        "client": REFERENCE,
        "order_reference": REFERENCE,
        "discount_minor": CATALOG_DATA,
        "currency": CATALOG_DATA,
        "redeemed_at": RECORD_TIME,
    },
)

"""Every write of the catalog (CAT). Each action is one transaction, complete, and audited.

The actions live in one module per area; they are all importable from here.
"""

from hostledger.catalog.actions.add_ons import (
    add_on_activate,
    add_on_create,
    add_on_deactivate,
    add_on_update,
    metered_item_activate,
    metered_item_create,
    metered_item_deactivate,
    metered_item_update,
)
from hostledger.catalog.actions.coupons import (
    coupon_activate,
    coupon_create,
    coupon_deactivate,
    coupon_redeem,
    coupon_update,
)
from hostledger.catalog.actions.families import family_update
from hostledger.catalog.actions.os_images import (
    os_image_activate,
    os_image_create,
    os_image_deactivate,
    os_image_update,
)
from hostledger.catalog.actions.prices import (
    price_change_announce,
    price_change_withdraw,
    price_version_create,
    price_version_publish,
)
from hostledger.catalog.actions.tariffs import (
    tariff_activate,
    tariff_create,
    tariff_deactivate,
    tariff_publish,
    tariff_update,
)

__all__ = [
    "add_on_activate",
    "add_on_create",
    "add_on_deactivate",
    "add_on_update",
    "coupon_activate",
    "coupon_create",
    "coupon_deactivate",
    "coupon_redeem",
    "coupon_update",
    "family_update",
    "metered_item_activate",
    "metered_item_create",
    "metered_item_deactivate",
    "metered_item_update",
    "os_image_activate",
    "os_image_create",
    "os_image_deactivate",
    "os_image_update",
    "price_change_announce",
    "price_change_withdraw",
    "price_version_create",
    "price_version_publish",
    "tariff_activate",
    "tariff_create",
    "tariff_deactivate",
    "tariff_publish",
    "tariff_update",
]

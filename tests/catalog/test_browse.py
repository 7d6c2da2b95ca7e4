"""Clients browse the catalog: active families, tariffs, add-ons, metered items and images
with the fees in force and the next announced change (CAT-01, CAT-02, CAT-05, CAT-06)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine

from hostledger.catalog import actions
from hostledger.catalog.demo import seed_demo_catalog
from hostledger.catalog.models import Tariff
from hostledger.catalog.selectors import PriceChange, catalog_for_browsing
from hostledger.core.money import Money
from tests.catalog_helpers import create_published_tariff

TALLINN = ZoneInfo("Europe/Tallinn")


def _by_code(offered):
    return {family.family.code: family for family in offered}


def test_browse_shows_active_items_with_fees_in_force__CAT_02(families):
    vps = families["vps"]
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=TALLINN), tick=False):
        vps_s = create_published_tariff(
            family=vps,
            code="vps-s",
            name="VPS S",
            monthly_fee="5.49",
            specs={"cpu": 1, "ram_gb": 2, "disk_gb": 40},
        )
        hidden = create_published_tariff(
            family=vps,
            code="vps-old",
            name="VPS Old",
            monthly_fee="3.00",
            specs={"cpu": 1, "ram_gb": 1, "disk_gb": 10},
        )
        actions.tariff_deactivate(tariff=hidden)
        ipv4 = actions.add_on_create(family=vps, code="ipv4", name="IPv4", monthly_fee="2.00")
        actions.price_change_announce(
            tariff=vps_s, new_fee="5.99", effective_from=date(2026, 4, 15)
        )
        actions.price_change_announce(add_on=ipv4, new_fee="2.50", effective_from=date(2026, 5, 1))
        actions.os_image_create(code="debian-12", name="Debian 12", families=["vps"])
        actions.family_update(family=families["colocation"], data={"is_active": False})

    before = _by_code(catalog_for_browsing(today=date(2026, 4, 14)))
    assert "colocation" not in before
    assert len(before) == 7
    (offered,) = before["vps"].tariffs
    assert offered.tariff.code == "vps-s"
    assert offered.monthly_fee == Money(549)
    assert offered.next_change == PriceChange(Money(599), date(2026, 4, 15))
    (add_on,) = offered.add_ons
    assert (add_on.monthly_fee, add_on.next_change) == (
        Money(200),
        PriceChange(Money(250), date(2026, 5, 1)),
    )
    assert [image.code for image in before["vps"].os_images] == ["debian-12"]
    assert before["vps"].trial.max_days == 10
    assert before["domain"].terms.commencement_working_days == 5

    after = _by_code(catalog_for_browsing(today=date(2026, 5, 1)))
    (offered,) = after["vps"].tariffs
    assert (offered.monthly_fee, offered.next_change) == (Money(599), None)
    assert offered.add_ons[0].monthly_fee == Money(250)


def test_browse_takes_a_fixed_number_of_queries__CAT_01(db, django_assert_num_queries):
    """Settings, families, tariffs, add-ons, metered items, OS images: six queries whatever
    the size of the catalog."""
    seed_demo_catalog()
    with django_assert_num_queries(6):
        offered = catalog_for_browsing()
        # Reading everything a page shows costs nothing more.
        shown = [
            (
                family.family.name,
                family.terms.minimum_service_months,
                [
                    (
                        tariff.tariff.name,
                        tariff.monthly_fee,
                        [a.add_on.name for a in tariff.add_ons],
                        [m.unit for m in tariff.metered_items],
                    )
                    for tariff in family.tariffs
                ],
                [image.name for image in family.os_images],
            )
            for family in offered
        ]
    assert len(shown) == 8

    family = offered[0].family
    for number in range(10):
        create_published_tariff(
            family=family, code=f"extra-{number}", name=f"Extra {number}", monthly_fee="1"
        )
    with django_assert_num_queries(6):
        catalog_for_browsing()
    assert Tariff.objects.count() > 30

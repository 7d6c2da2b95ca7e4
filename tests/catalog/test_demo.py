"""The demonstration catalog covers every family and can be seeded any number of times
(CAT-01 … CAT-06)."""

from __future__ import annotations

from hostledger.catalog.demo import seed_demo_catalog
from hostledger.catalog.models import FamilyCode, MeteredItem, OsImage, PriceVersion, Tariff
from hostledger.catalog.pricing import metered_charge
from hostledger.catalog.selectors import catalog_for_browsing, tariff_by_code
from hostledger.core.models import AuditEvent
from hostledger.core.money import Money
from tests.catalog.conftest import catalog_state


def test_demo_catalog_offers_every_family__CAT_01(db):
    created = seed_demo_catalog()
    assert created["tariffs"] >= 24
    offered = catalog_for_browsing()
    assert {family.family.code for family in offered} == set(FamilyCode.values)
    for family in offered:
        assert len(family.tariffs) >= 3, family.family.code
        assert all(tariff.monthly_fee.is_positive() for tariff in family.tariffs)
        assert all(tariff.add_ons for tariff in family.tariffs), family.family.code


def test_demo_cloud_metered_prices_are_finer_than_a_cent__CAT_02(db):
    seed_demo_catalog()
    vcpu = MeteredItem.objects.get(code="cloud-vcpu-hour")
    disk = MeteredItem.objects.get(code="cloud-disk-gb-hour")
    assert (vcpu.unit, vcpu.unit_price_micro) == ("vCPU-hour", 6200)
    assert (disk.unit, disk.unit_price_micro) == ("GB-disk-hour", 140)
    # 2 burst vCPUs for a 30-day month: 1440 vCPU-hours x €0.0062 = €8.928 → €8.93
    assert metered_charge(vcpu, quantity=1440) == Money(893)
    assert tariff_by_code("vps-m").monthly_fee == Money(999)


def test_demo_marks_paid_licence_images__CAT_05(db):
    seed_demo_catalog()
    paid = dict(
        OsImage.objects.filter(requires_paid_licence=True).values_list(
            "code", "licence_monthly_fee_minor"
        )
    )
    assert paid["windows-server-2022"] == 1690
    assert paid["almalinux-9-cpanel"] == 1799
    assert not OsImage.objects.get(code="debian-12").requires_paid_licence


def test_demo_announces_a_price_change__CAT_06(db):
    seed_demo_catalog()
    (version,) = PriceVersion.objects.all()
    assert version.tariff.code == "vps-s"
    offered = {t.tariff.code: t for f in catalog_for_browsing() for t in f.tariffs}
    assert offered["vps-s"].next_change.monthly_fee == Money(599)


def test_demo_seed_is_idempotent_and_keeps_staff_edits__CAT_01(db):
    seed_demo_catalog()
    Tariff.objects.filter(code="vps-s").update(name="VPS Small")
    before = catalog_state()
    events = AuditEvent.objects.count()

    assert set(seed_demo_catalog().values()) == {0}
    assert catalog_state() == before
    assert AuditEvent.objects.count() == events
    assert Tariff.objects.get(code="vps-s").name == "VPS Small"

"""Operating-system images for VPS, cloud and dedicated servers; paid licences marked (CAT-05)."""

from __future__ import annotations

import pytest

from hostledger.catalog import actions
from hostledger.catalog.selectors import check_os_image_offered, os_images_for_family
from hostledger.core.errors import DomainError
from hostledger.core.models import AuditEvent
from hostledger.core.money import Money
from tests.catalog.conftest import catalog_state


def test_free_and_paid_licence_images_per_family__CAT_05(families, staff):
    debian = actions.os_image_create(
        code="debian-12", name="Debian 12", families=["vps", "cloud", "dedicated"], actor=staff
    )
    windows = actions.os_image_create(
        code="windows-server-2022",
        name="Windows Server 2022 Standard",
        families=[families["vps"], families["dedicated"]],
        requires_paid_licence=True,
        licence_monthly_fee="16.90",
        actor=staff,
    )
    assert debian.requires_paid_licence is False
    assert debian.licence_monthly_fee == Money(0)
    assert windows.requires_paid_licence is True
    assert windows.licence_monthly_fee == Money(1690)
    assert [i.code for i in os_images_for_family(families["vps"])] == [
        "debian-12",
        "windows-server-2022",
    ]
    assert [i.code for i in os_images_for_family(families["cloud"])] == ["debian-12"]
    assert os_images_for_family(families["shared_hosting"]) == []
    check_os_image_offered(family=families["dedicated"], os_image=windows)
    with pytest.raises(DomainError) as error:
        check_os_image_offered(family=families["cloud"], os_image=windows)
    assert error.value.fields == {"os_image": "not offered for this product"}
    event = AuditEvent.objects.get(object_id=windows.public_id)
    assert event.data["requires_paid_licence"] is True
    assert event.data["licence_monthly_fee"] == "16.90 EUR"


def test_paid_licence_needs_a_fee_and_a_free_image_has_none__CAT_05(families):
    before = catalog_state()
    with pytest.raises(DomainError) as error:
        actions.os_image_create(
            code="windows", name="Windows", families=["vps"], requires_paid_licence=True
        )
    assert list(error.value.fields) == ["licence_monthly_fee"]
    with pytest.raises(DomainError) as error:
        actions.os_image_create(
            code="windows",
            name="Windows",
            families=["vps"],
            requires_paid_licence=True,
            licence_monthly_fee=16.9,
        )
    assert error.value.code == "invalid_input"
    assert list(error.value.fields) == ["licence_monthly_fee"]
    with pytest.raises(DomainError) as error:
        actions.os_image_create(
            code="debian", name="Debian", families=["vps"], licence_monthly_fee="5.00"
        )
    assert list(error.value.fields) == ["licence_monthly_fee"]
    assert catalog_state() == before


def test_images_are_only_for_server_families__CAT_05(families):
    before = catalog_state()
    with pytest.raises(DomainError) as error:
        actions.os_image_create(code="debian", name="Debian", families=["shared_hosting"])
    assert list(error.value.fields) == ["families"]
    with pytest.raises(DomainError):
        actions.os_image_create(code="debian", name="Debian", families=[])
    assert catalog_state() == before


def test_image_update_and_deactivation__CAT_05(families, staff):
    image = actions.os_image_create(code="almalinux-9", name="AlmaLinux 9", families=["vps"])
    image = actions.os_image_update(
        os_image=image,
        data={
            "name": "AlmaLinux 9 with cPanel",
            "requires_paid_licence": True,
            "licence_monthly_fee": "17.99",
            "families": ["vps", "dedicated"],
        },
        actor=staff,
    )
    assert image.licence_monthly_fee == Money(1799)
    assert {f.code for f in image.families.all()} == {"vps", "dedicated"}
    assert AuditEvent.objects.get(action="catalog.os_image.updated").data["fields"] == [
        "name",
        "requires_paid_licence",
        "licence_monthly_fee_minor",
        "families",
    ]
    image = actions.os_image_update(os_image=image, data={"requires_paid_licence": False})
    assert image.licence_monthly_fee == Money(0)

    actions.os_image_deactivate(os_image=image, actor=staff)
    assert os_images_for_family(families["vps"]) == []

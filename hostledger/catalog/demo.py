"""The demonstration catalog: a realistic offer for every product family (CAT-01 … CAT-06).

:func:`seed_demo_catalog` creates what is missing through the catalog actions, so every item
passes the same checks as one entered by staff and is recorded in the audit trail. It is
keyed by codes: an item whose code exists is left alone (staff may have edited it), so the
function can run on every start. Prices are monthly, in EUR, in the range of European
hosting providers; cloud resources are metered per hour at fractions of a cent.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from hostledger.core.registry import setting_value

from . import actions, conf
from .models import AddOn, FamilyCode, MeteredItem, OsImage, PriceVersion, ProductFamily, Tariff

# (family, code, name, monthly fee, specs, description)
TARIFFS: list[tuple[str, str, str, str, dict, str]] = [
    (FamilyCode.DOMAIN, "domain-ee", ".ee domain", "1.25", {"zone": "ee"}, "Estonian domain."),
    (FamilyCode.DOMAIN, "domain-eu", ".eu domain", "0.85", {"zone": "eu"}, "European domain."),
    (FamilyCode.DOMAIN, "domain-com", ".com domain", "1.15", {"zone": "com"}, ""),
    (FamilyCode.DOMAIN, "domain-net", ".net domain", "1.39", {"zone": "net"}, ""),
    (FamilyCode.DOMAIN, "domain-org", ".org domain", "1.29", {"zone": "org"}, ""),
    (FamilyCode.DOMAIN, "domain-io", ".io domain", "4.49", {"zone": "io"}, ""),
    (
        FamilyCode.SHARED_HOSTING,
        "hosting-start",
        "Hosting Start",
        "2.49",
        {"sites": 3, "disk_gb": 10, "mailboxes": 10},
        "For a personal site or a small shop.",
    ),
    (
        FamilyCode.SHARED_HOSTING,
        "hosting-standard",
        "Hosting Standard",
        "4.99",
        {"sites": "unlimited", "disk_gb": "unlimited", "mailboxes": 100},
        "Unlimited sites and databases.",
    ),
    (
        FamilyCode.SHARED_HOSTING,
        "hosting-business",
        "Hosting Business",
        "8.99",
        {"sites": "unlimited", "disk_gb": "unlimited", "mailboxes": "unlimited", "php_workers": 8},
        "More PHP workers and priority support.",
    ),
    (
        FamilyCode.CMS_HOSTING,
        "cms-wordpress",
        "WordPress Pro",
        "6.90",
        {"sites": 5, "disk_gb": 30, "object_cache": "redis"},
        "WordPress with object cache and staging.",
    ),
    (
        FamilyCode.CMS_HOSTING,
        "cms-bitrix-start",
        "1C-Bitrix Start",
        "9.90",
        {"sites": 1, "disk_gb": 20, "ram_gb": 2},
        "Tuned for 1C-Bitrix: Site Management.",
    ),
    (
        FamilyCode.CMS_HOSTING,
        "cms-bitrix-business",
        "1C-Bitrix Business",
        "19.90",
        {"sites": 3, "disk_gb": 60, "ram_gb": 6},
        "For online shops on 1C-Bitrix.",
    ),
    (FamilyCode.VPS, "vps-s", "VPS S", "5.49", {"cpu": 1, "ram_gb": 2, "disk_gb": 40}, "NVMe."),
    (FamilyCode.VPS, "vps-m", "VPS M", "9.99", {"cpu": 2, "ram_gb": 4, "disk_gb": 80}, "NVMe."),
    (FamilyCode.VPS, "vps-l", "VPS L", "18.99", {"cpu": 4, "ram_gb": 8, "disk_gb": 160}, ""),
    (FamilyCode.VPS, "vps-xl", "VPS XL", "35.99", {"cpu": 8, "ram_gb": 16, "disk_gb": 320}, ""),
    (
        FamilyCode.CLOUD,
        "cloud-pool-s",
        "Cloud Pool S",
        "29.00",
        {"cpu": 4, "ram_gb": 8, "disk_gb": 200},
        "A resource pool for any number of servers; bursts beyond it are metered.",
    ),
    (
        FamilyCode.CLOUD,
        "cloud-pool-m",
        "Cloud Pool M",
        "55.00",
        {"cpu": 8, "ram_gb": 16, "disk_gb": 400},
        "",
    ),
    (
        FamilyCode.CLOUD,
        "cloud-pool-l",
        "Cloud Pool L",
        "105.00",
        {"cpu": 16, "ram_gb": 32, "disk_gb": 800},
        "",
    ),
    (
        FamilyCode.DEDICATED,
        "dedicated-entry",
        "Dedicated Entry",
        "59.00",
        {"cpu_model": "Intel Xeon E-2314", "cores": 4, "ram_gb": 32, "disks": "2 x 480 GB SSD"},
        "",
    ),
    (
        FamilyCode.DEDICATED,
        "dedicated-pro",
        "Dedicated Pro",
        "89.00",
        {"cpu_model": "Intel Xeon E-2388G", "cores": 8, "ram_gb": 64, "disks": "2 x 1 TB NVMe"},
        "",
    ),
    (
        FamilyCode.DEDICATED,
        "dedicated-epyc",
        "Dedicated EPYC",
        "229.00",
        {"cpu_model": "AMD EPYC 7443P", "cores": 24, "ram_gb": 256, "disks": "2 x 3.84 TB NVMe"},
        "",
    ),
    (FamilyCode.COLOCATION, "colo-1u", "Colocation 1U", "49.00", {"units": 1, "power_w": 150}, ""),
    (FamilyCode.COLOCATION, "colo-2u", "Colocation 2U", "79.00", {"units": 2, "power_w": 300}, ""),
    (
        FamilyCode.COLOCATION,
        "colo-quarter-rack",
        "Quarter rack",
        "249.00",
        {"units": 10, "power_w": 1000},
        "Lockable quarter rack.",
    ),
    (
        FamilyCode.COLOCATION,
        "colo-full-rack",
        "Full rack",
        "699.00",
        {"units": 42, "power_w": 3500},
        "Lockable 42U rack with two power feeds.",
    ),
    (
        FamilyCode.LICENCE,
        "licence-windows-server-standard",
        "Windows Server Standard (up to 8 cores)",
        "16.90",
        {"cores": 8},
        "Rented through the provider's Microsoft SPLA agreement (annexes 8 and 9).",
    ),
    (
        FamilyCode.LICENCE,
        "licence-windows-server-datacenter",
        "Windows Server Datacenter (up to 8 cores)",
        "89.00",
        {"cores": 8},
        "",
    ),
    (FamilyCode.LICENCE, "licence-rds-cal", "Remote Desktop Services SAL", "6.90", {}, "Per user."),
    (FamilyCode.LICENCE, "licence-sql-web", "SQL Server Web (2 cores)", "14.90", {"cores": 2}, ""),
    (
        FamilyCode.LICENCE,
        "licence-sql-standard",
        "SQL Server Standard (2 cores)",
        "169.00",
        {"cores": 2},
        "",
    ),
]

# (family, tariff code or None for family-wide, code, name, monthly fee, max quantity)
ADD_ONS: list[tuple[str, str | None, str, str, str, int]] = [
    (FamilyCode.DOMAIN, None, "domain-whois-privacy", "WHOIS privacy", "0.50", 1),
    (FamilyCode.DOMAIN, None, "domain-premium-dns", "Premium DNS hosting", "1.00", 1),
    (FamilyCode.SHARED_HOSTING, None, "hosting-daily-backup", "Daily backups, 30 days", "1.50", 1),
    (FamilyCode.SHARED_HOSTING, None, "hosting-dedicated-ipv4", "Dedicated IPv4", "2.50", 1),
    (FamilyCode.SHARED_HOSTING, None, "hosting-wildcard-ssl", "Wildcard SSL", "5.90", 5),
    (FamilyCode.CMS_HOSTING, None, "cms-daily-backup", "Daily backups, 30 days", "1.50", 1),
    (FamilyCode.CMS_HOSTING, "cms-bitrix-business", "cms-bitrix-cdn", "CDN for Bitrix", "4.90", 1),
    (FamilyCode.VPS, None, "vps-extra-ipv4", "Extra IPv4 address", "2.00", 16),
    (FamilyCode.VPS, None, "vps-backups", "Automatic backups", "2.00", 1),
    (FamilyCode.VPS, None, "vps-dns-hosting", "DNS hosting", "0.90", 1),
    (FamilyCode.CLOUD, None, "cloud-extra-ipv4", "Extra IPv4 address", "2.00", 64),
    (FamilyCode.CLOUD, None, "cloud-backups", "Pool backups", "5.00", 1),
    (FamilyCode.DEDICATED, None, "dedicated-extra-ipv4", "Extra IPv4 address", "2.00", 32),
    (FamilyCode.DEDICATED, None, "dedicated-kvm", "KVM-over-IP console", "10.00", 1),
    (FamilyCode.DEDICATED, None, "dedicated-backup-500", "Backup storage 500 GB", "7.50", 4),
    (FamilyCode.COLOCATION, None, "colo-ipv4-29", "IPv4 block /29", "12.00", 4),
    (FamilyCode.COLOCATION, None, "colo-extra-power-100w", "Extra 100 W of power", "15.00", 10),
    (FamilyCode.COLOCATION, "colo-full-rack", "colo-cross-connect", "Cross-connect", "40.00", 8),
    (FamilyCode.LICENCE, None, "licence-priority-support", "Licence support", "5.00", 1),
]

# (family, code, name, unit, unit price, included quantity per period)
METERED_ITEMS: list[tuple[str, str, str, str, str, str]] = [
    (FamilyCode.CLOUD, "cloud-vcpu-hour", "Burst vCPU", "vCPU-hour", "0.0062", "0"),
    (FamilyCode.CLOUD, "cloud-ram-gb-hour", "Burst memory", "GB-RAM-hour", "0.0031", "0"),
    (FamilyCode.CLOUD, "cloud-disk-gb-hour", "Extra disk", "GB-disk-hour", "0.00014", "0"),
    (FamilyCode.CLOUD, "cloud-traffic-gb", "Outbound traffic", "GB", "0.0095", "1000"),
    (FamilyCode.DEDICATED, "dedicated-traffic-gb", "Traffic over 30 TB", "GB", "0.0045", "30000"),
    (FamilyCode.COLOCATION, "colo-power-kwh", "Power over the allowance", "kWh", "0.2850", "0"),
    (FamilyCode.COLOCATION, "colo-traffic-gb", "Traffic over 10 TB", "GB", "0.0040", "10000"),
]

_SERVERS = [FamilyCode.VPS, FamilyCode.CLOUD, FamilyCode.DEDICATED]
_VPS_AND_DEDICATED = [FamilyCode.VPS, FamilyCode.DEDICATED]
# (code, name, families, licence monthly fee or None for a free image)
OS_IMAGES: list[tuple[str, str, list[str], str | None]] = [
    ("debian-12", "Debian 12", _SERVERS, None),
    ("ubuntu-24-04", "Ubuntu 24.04 LTS", _SERVERS, None),
    ("almalinux-9", "AlmaLinux 9", _SERVERS, None),
    ("rocky-linux-9", "Rocky Linux 9", _SERVERS, None),
    ("freebsd-14", "FreeBSD 14", _VPS_AND_DEDICATED, None),
    ("windows-server-2022", "Windows Server 2022 Standard", _SERVERS, "16.90"),
    ("windows-server-2025", "Windows Server 2025 Standard", _SERVERS, "17.90"),
    ("almalinux-9-cpanel", "AlmaLinux 9 with cPanel", _VPS_AND_DEDICATED, "17.99"),
    ("debian-12-plesk", "Debian 12 with Plesk Web Admin", [FamilyCode.VPS], "12.90"),
]

DEMO_PRICE_CHANGE = ("vps-s", "5.99")
"""An announced increase, so that the catalog shows a coming price change (CAT-06)."""


@transaction.atomic
def seed_demo_catalog() -> dict[str, int]:
    """Create the demonstration catalog where missing; return how many rows were created.

    Idempotent and keyed by codes: a second run creates nothing and changes nothing.
    """
    families = {family.code: family for family in ProductFamily.objects.all()}
    created = {"tariffs": 0, "add_ons": 0, "metered_items": 0, "os_images": 0, "price_changes": 0}

    existing = set(Tariff.objects.values_list("code", flat=True))
    for order, (family, code, name, fee, specs, description) in enumerate(TARIFFS):
        if code not in existing:
            tariff = actions.tariff_create(
                family=families[family],
                code=code,
                name=name,
                monthly_fee=fee,
                specs=specs,
                description=description,
                sort_order=order,
            )
            actions.tariff_publish(tariff=tariff)
            created["tariffs"] += 1
    tariffs = {tariff.code: tariff for tariff in Tariff.objects.all()}

    existing = set(AddOn.objects.values_list("code", flat=True))
    for order, (family, tariff_code, code, name, fee, max_quantity) in enumerate(ADD_ONS):
        if code not in existing:
            actions.add_on_create(
                family=families[family],
                tariff=tariffs[tariff_code] if tariff_code else None,
                code=code,
                name=name,
                monthly_fee=fee,
                max_quantity=max_quantity,
                sort_order=order,
            )
            created["add_ons"] += 1

    existing = set(MeteredItem.objects.values_list("code", flat=True))
    for order, (family, code, name, unit, price, included) in enumerate(METERED_ITEMS):
        if code not in existing:
            actions.metered_item_create(
                family=families[family],
                code=code,
                name=name,
                unit=unit,
                unit_price=price,
                included_quantity=included,
                sort_order=order,
            )
            created["metered_items"] += 1

    existing = set(OsImage.objects.values_list("code", flat=True))
    for order, (code, name, family_codes, licence_fee) in enumerate(OS_IMAGES):
        if code not in existing:
            actions.os_image_create(
                code=code,
                name=name,
                families=family_codes,
                requires_paid_licence=licence_fee is not None,
                licence_monthly_fee=licence_fee,
                sort_order=order,
            )
            created["os_images"] += 1

    tariff_code, new_fee = DEMO_PRICE_CHANGE
    tariff = tariffs[tariff_code]
    if not PriceVersion.objects.filter(tariff=tariff).exists():
        notice = timedelta(days=setting_value(conf.PRICE_CHANGE_NOTICE_DAYS) + 14)
        actions.price_change_announce(
            tariff=tariff,
            new_fee=new_fee,
            effective_from=timezone.localdate() + notice,
            note="Higher energy prices in the data center.",
        )
        created["price_changes"] += 1
    return created

"""Reference data every installation has: the eight product families of the contract (CAT-01,
seed 003 annexes 1-9).

Their minimum service period and commencement term are left empty, so the provider settings
apply (CAT-03) until staff set a family's own values. Seeded by migration 0002 and again after
every ``migrate`` or ``flush`` (``post_migrate``), so a database emptied by a test run or by hand
gets them back; rows staff have edited are left as they are.
"""

FAMILIES = [
    (
        "domain",
        "Domain registration",
        "Registration and renewal of domain names in the zones the provider offers.",
    ),
    (
        "shared_hosting",
        "Unlimited shared hosting",
        "Websites, databases and mailboxes on the provider's shared servers.",
    ),
    (
        "cms_hosting",
        "CMS-optimised hosting",
        "Shared hosting tuned for content management systems such as 1C-Bitrix and WordPress.",
    ),
    (
        "vps",
        "Virtual server (VPS)",
        "A virtual server with guaranteed CPU, memory and disk; free trial available.",
    ),
    (
        "cloud",
        "Cloud data center",
        "A pool of CPU, memory and disk in which the client creates any number of servers.",
    ),
    (
        "dedicated",
        "Dedicated server",
        "A physical server rented whole, installed with the operating system chosen.",
    ),
    (
        "colocation",
        "Colocation",
        "Placement of the client's own equipment in the provider's data center.",
    ),
    (
        "licence",
        "Microsoft licence rental",
        "Microsoft software licences rented monthly for use on the provider's servers.",
    ),
]


def ensure_product_families(apps=None, **kwargs) -> None:
    """Create any missing family; ``apps`` is the migration state when called from one."""
    from django.apps import apps as global_apps

    ProductFamily = (apps or global_apps).get_model("catalog", "ProductFamily")
    for position, (code, name, description) in enumerate(FAMILIES, start=1):
        ProductFamily.objects.get_or_create(
            code=code,
            defaults={"name": name, "description": description, "sort_order": position * 10},
        )

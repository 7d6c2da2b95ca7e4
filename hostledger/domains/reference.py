"""The zone rules every installation starts with (DOM-03): .ee, .ru and .su, whose registries
set rules of their own (seed 003, annex 1 §1.4), and the generic zones of the demo catalog.

They are data, not code: staff change a rule as its registry changes its regulations, and add
zones. Every zone starts sold through the ``local`` registrar, the development registry that
registers nothing real and is switched off (``domains.local_registrar_enabled``) until the
provider either switches it on for a demonstration or names the real registrar of the zone.
The day counts after an unrenewed expiry are defaults; what the registry reports wins.

Seeded by migration 0002 and again after every ``migrate`` or ``flush`` (``post_migrate``),
so a database emptied by a test run gets them back; rules staff have edited are left as they
are.
"""

from __future__ import annotations

from django.apps import apps as global_apps

ESTONIAN_IDENTS = [{"type": "priv", "country": "EE"}, {"type": "org", "country": "EE"}]
RUSSIAN_IDENTS = [{"type": "passport", "country": ""}, {"type": "org", "country": ""}]

GENERIC = {
    "sells_years": True,
    "min_years": 1,
    "max_years": 10,
    "admin_idents": [],
    "idn_allowed": True,
    "min_label_length": 1,
    "max_label_length": 63,
    "expired_days": 0,
    "grace_days": 30,
    "redemption_days": 30,
    "description": "Generic zone: registered for 1 to 10 years; after the expiry about 30 days "
    "renewable, then 30 days restorable from redemption (RFC 3915) before deletion.",
}

ZONE_RULES: dict[str, dict] = {
    "ee": {
        **GENERIC,
        "admin_idents": ESTONIAN_IDENTS,
        "expired_days": 30,
        "grace_days": 15,
        "redemption_days": 0,
        "description": ".ee Domain Regulation (Eesti Interneti SA): the administrator contact "
        "is identified by an Estonian personal code (priv) or an Estonian registry code "
        "(org). An expired domain stays in the zone for 30 days, is then held off the zone "
        "and deleted 45 days after its expiry.",
    },
    "ru": {
        **GENERIC,
        "max_years": 1,
        "admin_idents": RUSSIAN_IDENTS,
        "idn_allowed": False,
        "min_label_length": 2,
        "expired_days": 0,
        "grace_days": 30,
        "redemption_days": 0,
        "description": "Rules of registration of domain names in the RU domain (Coordination "
        "Center): registered and renewed a year at a time; the administrator is identified "
        "by passport (a person) or registration code (an organisation); Latin names only. "
        "An unrenewed domain leaves the zone at its expiry and may be renewed for 30 days.",
    },
    "su": {
        **GENERIC,
        "max_years": 1,
        "admin_idents": RUSSIAN_IDENTS,
        "idn_allowed": False,
        "min_label_length": 2,
        "expired_days": 0,
        "grace_days": 30,
        "redemption_days": 0,
        "description": "Regulations on registration of domain names in the SU domain (Foundation "
        "for Internet Development): as .ru — a year at a time, the administrator identified, "
        "30 days to renew after the expiry.",
    },
    "eu": {
        **GENERIC,
        "min_label_length": 2,
        "grace_days": 0,
        "redemption_days": 40,
        "description": ".eu (EURid): an unrenewed domain is suspended at its expiry and can be "
        "restored for 40 days (quarantine) before it is released.",
    },
    "com": dict(GENERIC),
    "net": dict(GENERIC),
    "org": dict(GENERIC),
    "io": dict(GENERIC),
}

DEFAULT_REGISTRAR = "local"


def ensure_zone_rules(apps=None, **kwargs) -> None:
    """Create any missing zone rule; ``apps`` is the migration state when called from one."""
    ZoneRule = (apps or global_apps).get_model("domains", "ZoneRule")
    for zone, values in ZONE_RULES.items():
        ZoneRule.objects.get_or_create(
            zone=zone, defaults={"registrar_name": DEFAULT_REGISTRAR, **values}
        )

"""Provider settings of the catalog (CAT): terms of the product families and price changes.

Declared once here with the seed's values as defaults (habit 7); read them with
``hostledger.core.registry.setting_value(key)`` or, for a family, through
``hostledger.catalog.selectors.family_terms``. A family may override the minimum service
period and the commencement term on its own row; an empty override follows these settings.
"""

from hostledger.core.registry import ProviderSetting, declare

MINIMUM_SERVICE_MONTHS = "catalog.minimum_service_months"
COMMENCEMENT_WORKING_DAYS = "catalog.commencement_working_days"
DOMAIN_COMMENCEMENT_WORKING_DAYS = "catalog.domain_commencement_working_days"
VPS_TRIAL_DAYS = "catalog.vps_trial_days"
VPS_TRIAL_ONCE_PER_CLIENT = "catalog.vps_trial_once_per_client"
LICENCE_TRIAL_MAX_DAYS = "catalog.licence_trial_max_days"
LICENCE_TRIAL_ONCE_PER_CLIENT = "catalog.licence_trial_once_per_client"
PRICE_CHANGE_NOTICE_DAYS = "catalog.price_change_notice_days"

declare(
    ProviderSetting(
        key=MINIMUM_SERVICE_MONTHS,
        default=1,
        kind="int",
        label="Minimum service period",
        help_text=(
            "Months a service is provided at least; money for the rest of this period is not "
            "returned on early cancellation (seed 003 annexes 1-9, §7.11, §11.4). Applies to "
            "every product family that does not set its own period."
        ),
        rule="CAT-03",
        unit="months",
        minimum=0,
        maximum=36,
    ),
    ProviderSetting(
        key=COMMENCEMENT_WORKING_DAYS,
        default=1,
        kind="int",
        label="Commencement term",
        help_text=(
            "Working days after payment within which a service starts (seed 003 annexes 2-9, "
            "§1.2/1.3). Applies to every family except domains that does not set its own term."
        ),
        rule="CAT-03",
        unit="working days",
        minimum=0,
        maximum=60,
    ),
    ProviderSetting(
        key=DOMAIN_COMMENCEMENT_WORKING_DAYS,
        default=5,
        kind="int",
        label="Commencement term of domain registration",
        help_text=(
            "Working days after payment within which a domain registration starts "
            "(seed 003 annex 1 §1.7), unless the domain family sets its own term."
        ),
        rule="CAT-03",
        unit="working days",
        minimum=0,
        maximum=60,
    ),
    ProviderSetting(
        key=VPS_TRIAL_DAYS,
        default=10,
        kind="int",
        label="Free trial of a virtual server",
        help_text=(
            "Days a client may use a virtual server of any tariff free of charge "
            "(seed 003 annex 11 §4.3); 0 switches the trial off."
        ),
        rule="CAT-04",
        unit="days",
        minimum=0,
        maximum=90,
    ),
    ProviderSetting(
        key=VPS_TRIAL_ONCE_PER_CLIENT,
        default=True,
        kind="bool",
        label="Virtual server trial only once per client",
        help_text="A client gets the free virtual server trial once (seed 003 annex 11 §4.3).",
        rule="CAT-04",
    ),
    ProviderSetting(
        key=LICENCE_TRIAL_MAX_DAYS,
        default=30,
        kind="int",
        label="Longest free trial of a rented licence",
        help_text=(
            "A rented Microsoft licence may be tried for at most this many days from the order "
            "(seed 003 annex 9 §1.4); 0 switches the trial off."
        ),
        rule="CAT-04",
        unit="days",
        minimum=0,
        maximum=90,
    ),
    ProviderSetting(
        key=LICENCE_TRIAL_ONCE_PER_CLIENT,
        default=True,
        kind="bool",
        label="Licence trial only once per client",
        help_text=(
            "The seed does not limit how often a licence may be tried; repeated trials would "
            "let a licence be used free indefinitely, so by default a client gets one."
        ),
        rule="CAT-04",
    ),
    ProviderSetting(
        key=PRICE_CHANGE_NOTICE_DAYS,
        default=30,
        kind="int",
        label="Notice of a price change",
        help_text=(
            "Calendar days between announcing a new price and the day it may take effect, so "
            "that clients can terminate before it applies (seed 003 §2.2.6 requires an "
            "announcement before new tariffs are introduced but names no period; 30 days is "
            "the usual notice of hosting providers and matches the contract's notice, §11.2)."
        ),
        rule="CAT-06",
        unit="days",
        minimum=0,
        maximum=365,
    ),
)

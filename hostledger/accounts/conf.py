"""Provider settings of accounts and access (ACC)."""

from hostledger.core.registry import ProviderSetting, declare

VERIFICATION_ANSWER_DAYS = "accounts.verification_answer_days"
VERIFICATION_LIFT_WORKING_DAYS = "accounts.verification_lift_working_days"
VERIFICATION_TERMINATION_DAYS = "accounts.verification_termination_days"

declare(
    ProviderSetting(
        key="accounts.phone_code_minutes",
        default=10,
        kind="int",
        label="Phone confirmation code lifetime",
        help_text="A code sent by SMS to confirm a phone number is accepted this long.",
        rule="CAT-04",
        unit="minutes",
        minimum=1,
        maximum=1440,
    ),
    ProviderSetting(
        key="accounts.phone_code_attempts",
        default=5,
        kind="int",
        label="Phone confirmation attempts",
        help_text="Wrong codes accepted before the code is void and a new one must be sent.",
        rule="CAT-04",
        minimum=1,
        maximum=20,
    ),
    ProviderSetting(
        key="accounts.phone_code_resend_seconds",
        default=60,
        kind="int",
        label="Wait between two phone confirmation codes",
        help_text="A new code is sent no sooner than this after the previous one.",
        rule="CAT-04",
        unit="seconds",
        minimum=0,
        maximum=3600,
    ),
    ProviderSetting(
        key="accounts.phone_codes_per_day",
        default=5,
        kind="int",
        label="Phone confirmation codes per day",
        help_text="At most this many codes are sent to one client in 24 hours.",
        rule="CAT-04",
        minimum=1,
        maximum=100,
    ),
    ProviderSetting(
        key="accounts.minimum_age",
        default=16,
        kind="int",
        label="Minimum age to register",
        help_text="People must declare they are at least this old; no data is kept otherwise.",
        rule="ACC-03",
        unit="years",
        minimum=13,
        maximum=21,
    ),
    ProviderSetting(
        key="accounts.lockout_failures",
        default=5,
        kind="int",
        label="Failed sign-ins before a lockout",
        help_text="Consecutive failures of one identifier that lock it.",
        rule="ACC-08",
        minimum=1,
        maximum=100,
    ),
    ProviderSetting(
        key="accounts.lockout_first_seconds",
        default=60,
        kind="int",
        label="First lockout",
        help_text="Length of the first lockout; each further lockout doubles it.",
        rule="ACC-08",
        unit="seconds",
        minimum=1,
    ),
    ProviderSetting(
        key="accounts.lockout_longest_seconds",
        default=86400,
        kind="int",
        label="Longest lockout",
        help_text="The doubling lockout never exceeds this.",
        rule="ACC-08",
        unit="seconds",
        minimum=1,
    ),
    ProviderSetting(
        key="accounts.responsible_personnel_email",
        default="security@localhost",
        kind="str",
        label="Responsible personnel address",
        help_text="Receives a notice of every change to staff users, roles and permissions.",
        rule="ACC-11",
    ),
    ProviderSetting(
        key="accounts.api_token_days",
        default=90,
        kind="int",
        label="API token lifetime",
        help_text="Days a new personal API token stays valid unless a shorter time is chosen.",
        unit="days",
        minimum=1,
        maximum=730,
    ),
    ProviderSetting(
        key=VERIFICATION_ANSWER_DAYS,
        default=3,
        kind="int",
        label="Time to answer a data verification request",
        help_text=(
            "Calendar days after the request within which the client answers; after them the "
            "client cannot order, upgrade or extend services and staff may suspend them."
        ),
        rule="ACC-10",
        unit="days",
        minimum=1,
        maximum=60,
    ),
    ProviderSetting(
        key=VERIFICATION_LIFT_WORKING_DAYS,
        default=3,
        kind="int",
        label="Lifting restrictions after an answer",
        help_text=(
            "Working days after the client's answer by which the restrictions of an overdue "
            "verification request lift, if staff have not accepted the answer sooner."
        ),
        rule="ACC-10",
        unit="working days",
        minimum=0,
        maximum=30,
    ),
    ProviderSetting(
        key=VERIFICATION_TERMINATION_DAYS,
        default=10,
        kind="int",
        label="Termination after an unanswered verification request",
        help_text=(
            "Calendar days after the first request from which, still unanswered, the "
            "contract may be terminated."
        ),
        rule="ACC-10",
        unit="days",
        minimum=1,
        maximum=365,
    ),
)

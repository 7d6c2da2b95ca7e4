"""Provider settings of the abuse desk (ABU-01 … ABU-03), with the terms' values as defaults
(seed 003 §7.5, annexes 2-7 and annex 10). Read them with
``hostledger.core.registry.setting_value(key)``.
"""

from __future__ import annotations

from hostledger.core.registry import ProviderSetting, declare

GRACE_HOURS_SPAM = "abuse.grace_hours_spam"
GRACE_HOURS_PROHIBITED_CONTENT = "abuse.grace_hours_prohibited_content"
GRACE_HOURS_RESOURCE_OVERUSE = "abuse.grace_hours_resource_overuse"
GRACE_HOURS_SECURITY_THREAT = "abuse.grace_hours_security_threat"
GRACE_HOURS_AUTHORITY_ORDER = "abuse.grace_hours_authority_order"
CLAIM_WORKING_DAYS = "abuse.third_party_claim_working_days"
TERMINATION_AFTER_DAYS = "abuse.termination_after_days"
LIFT_WITHIN_HOURS = "abuse.lift_within_hours"
INTAKE_PER_HOUR = "abuse.intake_reports_per_hour"
EVIDENCE_FILE_MAX_BYTES = "abuse.evidence_file_max_bytes"
EVIDENCE_FILE_TYPES = "abuse.evidence_file_types"
REPORT_TEXT_MAX_CHARS = "abuse.report_text_max_chars"
REPORTER_RETENTION_DAYS = "abuse.reporter_retention_days"

_GRACE = (
    "Hours the client has, after being notified of a violation of this kind, to remedy it "
    "before the services concerned are suspended."
)

declare(
    ProviderSetting(
        key=GRACE_HOURS_SPAM,
        default=72,
        kind="int",
        label="Abuse: time to remedy spam",
        help_text=_GRACE + " Annexes 2-7: notice within three days.",
        rule="ABU-02",
        unit="hours",
        minimum=0,
        maximum=720,
    ),
    ProviderSetting(
        key=GRACE_HOURS_PROHIBITED_CONTENT,
        default=72,
        kind="int",
        label="Abuse: time to remedy prohibited content or software",
        help_text=_GRACE + " Annexes 2-7: notice within three days.",
        rule="ABU-02",
        unit="hours",
        minimum=0,
        maximum=720,
    ),
    ProviderSetting(
        key=GRACE_HOURS_RESOURCE_OVERUSE,
        default=24,
        kind="int",
        label="Abuse: time to remedy resource overuse",
        help_text=_GRACE + " Annex 10 §2: notice within 24 hours.",
        rule="ABU-02",
        unit="hours",
        minimum=0,
        maximum=720,
    ),
    ProviderSetting(
        key=GRACE_HOURS_SECURITY_THREAT,
        default=24,
        kind="int",
        label="Abuse: time to remedy a threat to the network",
        help_text=_GRACE + " Annex 10 §5: notice within 24 hours.",
        rule="ABU-02",
        unit="hours",
        minimum=0,
        maximum=720,
    ),
    ProviderSetting(
        key=GRACE_HOURS_AUTHORITY_ORDER,
        default=24,
        kind="int",
        label="Abuse: time to comply with an authority's order",
        help_text=_GRACE + " Annexes 2-7: notice within 24 hours for unlawful activity.",
        rule="ABU-02",
        unit="hours",
        minimum=0,
        maximum=720,
    ),
    ProviderSetting(
        key=CLAIM_WORKING_DAYS,
        default=5,
        kind="int",
        label="Abuse: working days to answer a third-party claim",
        help_text="After being sent a third party's claim the client has this many working "
        "days (provider's calendar) to settle it or remove the disputed content before the "
        "service is suspended (annex 10 §7).",
        rule="ABU-03",
        unit="working days",
        minimum=1,
        maximum=60,
    ),
    ProviderSetting(
        key=TERMINATION_AFTER_DAYS,
        default=20,
        kind="int",
        label="Abuse: days before termination is proposed",
        help_text="A violation not remedied this many days after it was reported leads to a "
        "termination proposal for staff to confirm (003 §7.5, AUT-06).",
        rule="ABU-02",
        unit="days",
        minimum=1,
        maximum=365,
    ),
    ProviderSetting(
        key=LIFT_WITHIN_HOURS,
        default=24,
        kind="int",
        label="Abuse: lift a block after proof of remedy within",
        help_text="Staff lift a suspension within this many hours of the client's proof of "
        "remedy; the abuse queue orders such cases by this deadline (annex 10 §5).",
        rule="ABU-02",
        unit="hours",
        minimum=1,
        maximum=168,
    ),
    ProviderSetting(
        key=INTAKE_PER_HOUR,
        default=5,
        kind="int",
        label="Abuse: public reports per hour from one address",
        help_text="How many reports the public abuse form accepts from one network address "
        "per hour; the address is kept only as a keyed hash.",
        rule="ABU-01",
        unit="reports",
        minimum=1,
        maximum=1000,
    ),
    ProviderSetting(
        key=EVIDENCE_FILE_MAX_BYTES,
        default=2 * 1024 * 1024,
        kind="int",
        label="Abuse: largest evidence file",
        help_text="Files of evidence larger than this are refused. A page upload is also "
        "capped by the server's request size limit (2.5 MB by default).",
        rule="ABU-01",
        unit="bytes",
        minimum=1024,
        maximum=100 * 1024 * 1024,
    ),
    ProviderSetting(
        key=EVIDENCE_FILE_TYPES,
        default="text/plain,message/rfc822,image/png,image/jpeg,application/pdf",
        kind="str",
        label="Abuse: accepted evidence file types",
        help_text="Comma-separated media types accepted as evidence files; the type is read "
        "from the file's content, not from its name.",
        rule="ABU-01",
    ),
    ProviderSetting(
        key=REPORT_TEXT_MAX_CHARS,
        default=50_000,
        kind="int",
        label="Abuse: longest report text",
        help_text="Report and evidence text beyond this many characters is cut, and the cut "
        "recorded on the case.",
        rule="ABU-01",
        unit="characters",
        minimum=1000,
        maximum=1_000_000,
    ),
    ProviderSetting(
        key=REPORTER_RETENTION_DAYS,
        default=730,
        kind="int",
        label="Abuse: keep reporters' contact details for",
        help_text="The reporter's name and e-mail address are erased this many days after "
        "the case is closed.",
        rule="ABU-01",
        unit="days",
        minimum=1,
        maximum=3650,
    ),
)

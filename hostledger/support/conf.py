"""Provider settings of the support app (SUP-01, GDPR-08).

Declared once here with their defaults (habit 7); read them with
``hostledger.core.registry.setting_value(key)``. The target hours are the defaults a new
department starts with; each department keeps its own.
"""

from __future__ import annotations

from hostledger.core.registry import ProviderSetting, declare

ATTACHMENT_MAX_BYTES = "support.attachment_max_bytes"
ATTACHMENTS_PER_MESSAGE = "support.attachments_per_message"
ATTACHMENT_TYPES = "support.attachment_types"
MESSAGE_MAX_CHARS = "support.message_max_chars"
SUBJECT_MAX_CHARS = "support.subject_max_chars"
FIRST_RESPONSE_HOURS = "support.first_response_hours"
RESOLUTION_HOURS = "support.resolution_hours"
MAIL_MAX_BYTES = "support.mail_max_bytes"
QUEUE_PAGE_SIZE = "support.queue_page_size"

DEFAULT_ATTACHMENT_TYPES = (
    "application/pdf,image/png,image/jpeg,image/gif,image/webp,text/plain,application/zip"
)

declare(
    ProviderSetting(
        key=ATTACHMENT_MAX_BYTES,
        default=10 * 1024 * 1024,
        kind="int",
        label="Largest ticket attachment",
        help_text="A larger file is refused with the limit named, by web, API and mail.",
        rule="SUP-01",
        unit="bytes",
        minimum=1024,
        maximum=100 * 1024 * 1024,
    ),
    ProviderSetting(
        key=ATTACHMENTS_PER_MESSAGE,
        default=5,
        kind="int",
        label="Attachments per ticket message",
        help_text="More files in one message are refused; mail beyond it is kept as a note.",
        rule="SUP-01",
        unit="files",
        minimum=0,
        maximum=50,
    ),
    ProviderSetting(
        key=ATTACHMENT_TYPES,
        default=DEFAULT_ATTACHMENT_TYPES,
        kind="str",
        label="Allowed attachment types",
        help_text="Comma-separated media types. The type is recognised from the file's "
        "content, never from its name or the type the sender claimed.",
        rule="SUP-01",
    ),
    ProviderSetting(
        key=MESSAGE_MAX_CHARS,
        default=50_000,
        kind="int",
        label="Longest ticket message",
        rule="SUP-01",
        unit="characters",
        minimum=100,
        maximum=1_000_000,
    ),
    ProviderSetting(
        key=SUBJECT_MAX_CHARS,
        default=200,
        kind="int",
        label="Longest ticket subject",
        rule="SUP-01",
        unit="characters",
        minimum=20,
        maximum=1000,
    ),
    ProviderSetting(
        key=FIRST_RESPONSE_HOURS,
        default=24,
        kind="int",
        label="First response target of a new department",
        help_text="Each department keeps its own target; this is what a new one starts with.",
        rule="SUP-01",
        unit="hours",
        minimum=1,
        maximum=24 * 90,
    ),
    ProviderSetting(
        key=RESOLUTION_HOURS,
        default=72,
        kind="int",
        label="Resolution target of a new department",
        help_text="Each department keeps its own target; this is what a new one starts with.",
        rule="SUP-01",
        unit="hours",
        minimum=1,
        maximum=24 * 365,
    ),
    ProviderSetting(
        key=MAIL_MAX_BYTES,
        default=50 * 1024 * 1024,
        kind="int",
        label="Largest incoming support mail",
        help_text="Mail to the support addresses larger than this is refused by the receiver "
        "(the sender's server returns it) and never read (003 annex 2 §2.11: 50 MB).",
        rule="SUP-01",
        unit="bytes",
        minimum=64 * 1024,
        maximum=200 * 1024 * 1024,
    ),
    ProviderSetting(
        key=QUEUE_PAGE_SIZE,
        default=50,
        kind="int",
        label="Tickets per page of the staff queue",
        rule="SUP-01",
        unit="tickets",
        minimum=10,
        maximum=500,
    ),
)

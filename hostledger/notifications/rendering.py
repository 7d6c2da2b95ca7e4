"""Rendering of messages from templates per language (NTF-02).

The text in force for an event and language is the newest :class:`MessageTemplate` version
staff saved, or the default from :mod:`hostledger.notifications.events`. Texts are Django
templates rendered from a string without HTML escaping (they are plain text). The context
holds only plain strings built from the notification, never model instances, so a template
cannot reach anything but what :data:`~hostledger.notifications.events.CONTEXT_VARIABLES`
lists and the notification's own ``context``.

Every marketing message carries the link that withdraws the consent (NTF-01): when a
template leaves it out, it is appended.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import Lexer, TokenType
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from hostledger.core.errors import DomainError
from hostledger.core.money import DEFAULT_CURRENCY, Money, format_money
from hostledger.ledger.bank_transfer import bank_transfer_instructions
from hostledger.notifications.events import (
    EVENTS,
    MessageText,
    default_text,
    event_definition,
    normalised_language,
)
from hostledger.notifications.models import Category, Channel, MessageTemplate, Notification
from hostledger.notifications.sources import extra_context_of
from hostledger.notifications.tokens import absolute_url, unsubscribe_url

_ENGINE = Engine(autoescape=False)

UNSUBSCRIBE_LINE = {
    "en": "Unsubscribe: {url}",
    "et": "Loobu: {url}",
    "ru": "Отписаться: {url}",
}

SUBJECT_MAX_CHARS = 250

MONEY_SUFFIX = "_minor"
"""A stored context value named ``x_minor`` (an amount in cents) is offered formatted in the
message's language as ``x`` (``balance_minor`` → ``balance``)."""

STORED_TEXT_VARIABLES = (
    "addresses_allocated",
    "addresses_in_use",
    "network",
    "required_percent",
    "order_id",
    "payment_reference",
    "product_name",
    "question",
    "request_id",
    "reason",
    "case_id",
    "case_category",
    "deadline",
    "ticket_number",
    "ticket_subject",
    "ticket_reply",
    "ticket_url",
    "domain_name",
)
"""Variables that only the stored context of a notification fills; empty when it does not."""


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    body: str
    sms: str


def provider_name() -> str:
    return getattr(settings, "SITE_NAME", "") or "HostLedger"


def template_in_force(event: str, language: str) -> MessageText:
    """The text used now for ``event`` in ``language``: staff's newest version, or the
    default from the code."""
    return templates_in_force({event}, language)[event]


def templates_in_force(events, language: str) -> dict[str, MessageText]:
    """The text in force of each of ``events`` in ``language``, read in one query (pages
    that list messages of several events)."""
    language = normalised_language(language)
    latest: dict[str, MessageTemplate] = {}
    rows = MessageTemplate.objects.filter(event__in=set(events), language=language)
    for row in rows.order_by("event", "-version"):
        latest.setdefault(row.event, row)
    texts = {}
    for event in events:
        row = latest.get(event)
        if row is None or row.restores_default:
            texts[event] = default_text(event, language)
        else:
            texts[event] = MessageText(subject=row.subject, body=row.body, sms=row.sms_text)
    return texts


SAFE_TAGS = frozenset(
    {"if", "elif", "else", "endif", "with", "endwith", "firstof", "comment", "endcomment"}
)
"""The template tags a message text may use. Everything else is refused when it is saved:
``include``, ``extends`` and ``load`` reach other templates and code, ``for`` and ``cycle``
can multiply the rendering time (the context holds only strings, so a loop has nothing
useful to iterate), ``url``, ``now``, ``debug``, ``csrf_token`` … have no place in a message."""

SAFE_FILTERS = frozenset(
    {
        "default",
        "default_if_none",
        "upper",
        "lower",
        "title",
        "capfirst",
        "length",
        "yesno",
        "truncatechars",
        "truncatewords",
        "first",
        "last",
        "pluralize",
        "cut",
        "striptags",
        "add",
    }
)
"""Filters a message text may use: cheap ones whose output is no longer than their input
(padding filters such as ``center:999999999`` would allocate without bound)."""

TEMPLATE_MAX_CHARS = 20_000
RENDERED_MAX_CHARS = 100_000
_FILTER_NAME = re.compile(r"\|\s*([A-Za-z_][A-Za-z0-9_]*)")


def _refuse_unsafe_template(source: str, field: str) -> None:
    """DomainError naming ``field`` when ``source`` uses a tag or filter outside the safe
    lists or is too long to be a message (NTF-02)."""
    if len(source) > TEMPLATE_MAX_CHARS:
        raise DomainError(
            "invalid_template",
            _("The %(field)s is longer than %(template_max_chars)s characters.")
            % {"field": field, "template_max_chars": f"{TEMPLATE_MAX_CHARS:,}"},
            fields={field: f"at most {TEMPLATE_MAX_CHARS:,} characters"},
        )
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            tag = (token.contents.split() or [""])[0]
            if tag not in SAFE_TAGS:
                allowed = ", ".join(sorted(SAFE_TAGS))
                raise DomainError(
                    "template_tag_not_allowed",
                    _(
                        "The %(field)s uses {%% %(tag)s %%}, which messages cannot use; allowed "
                        "tags: %(allowed)s."
                    )
                    % {"field": field, "tag": tag, "allowed": allowed},
                    fields={field: f"the tag {{% {tag} %}} is not allowed"},
                )
        if token.token_type in (TokenType.BLOCK, TokenType.VAR):
            for name in _FILTER_NAME.findall(token.contents):
                if name not in SAFE_FILTERS:
                    raise DomainError(
                        "template_filter_not_allowed",
                        _("The %(field)s uses the filter |%(name)s, which messages cannot use.")
                        % {"field": field, "name": name},
                        fields={field: f"the filter |{name} is not allowed"},
                    )


def render_text(source: str, context: dict, *, field: str = "body") -> str:
    """``source`` rendered as a template with ``context``; DomainError naming ``field`` when
    it is not a valid template, uses a tag or filter outside :data:`SAFE_TAGS` and
    :data:`SAFE_FILTERS`, or renders to more than :data:`RENDERED_MAX_CHARS`. With only
    those tags and a context of strings, rendering takes time proportional to the text."""
    _refuse_unsafe_template(source or "", field)
    try:
        template = _ENGINE.from_string(source or "")
        rendered = template.render(Context(context, autoescape=False))
    except TemplateSyntaxError as error:
        raise DomainError(
            "invalid_template",
            _("The %(field)s is not a valid template: %(error)s")
            % {"field": field, "error": error},
            fields={field: str(error)},
        ) from None
    if len(rendered) > RENDERED_MAX_CHARS:
        raise DomainError(
            "invalid_template",
            _("The %(field)s renders to more than %(rendered_max_chars)s characters.")
            % {"field": field, "rendered_max_chars": f"{RENDERED_MAX_CHARS:,}"},
            fields={field: "renders too long a text"},
        )
    return rendered


def check_template_source(source: str, *, field: str) -> None:
    """DomainError naming ``field`` when ``source`` does not compile as a template."""
    render_text(source, sample_context("en", event=None), field=field)


def _formatted_date(value: date | None, language: str) -> str:
    if value is None:
        return ""
    with translation.override(language):
        return formats.date_format(value, "DATE_FORMAT")


def _formatted_datetime(value: datetime | None, language: str) -> str:
    if value is None:
        return ""
    with translation.override(language):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _formatted_moment(value: datetime | None, language: str) -> str:
    """A moment as the date in the language's format and the local time (``1. juuni 2026
    11:00``): Django has no date-and-time format for every language of the messages."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{_formatted_date(local.date(), language)} {local:%H:%M}"


def _formatted_money(minor: int | None, currency: str, language: str) -> str:
    if minor is None:
        return ""
    return format_money(Money.from_minor(int(minor), currency or DEFAULT_CURRENCY), language)


BANK_TRANSFER_VARIABLES = (
    "iban",
    "bic",
    "bank_name",
    "beneficiary",
    "reference_number",
    "creditor_reference",
)


def notification_context(
    notification: Notification, *, language: str, channel: str, uses: str | None = None
) -> dict:
    """The template context of ``notification`` in ``language`` for ``channel``."""
    client = notification.client
    language = normalised_language(language)
    context: dict = {
        key: value
        for key, value in (notification.context or {}).items()
        if isinstance(key, str) and isinstance(value, str | int | float | bool)
    }
    for key, value in list(context.items()):
        if key.endswith(MONEY_SUFFIX) and isinstance(value, int) and not isinstance(value, bool):
            context[key.removesuffix(MONEY_SUFFIX)] = _formatted_money(
                value, notification.currency, language
            )
    for key in STORED_TEXT_VARIABLES:
        context.setdefault(key, "")
    context.setdefault("order_paid", False)
    context.update(
        provider_name=provider_name(),
        occurred_at=_formatted_moment(notification.created_at, language),
        client_name=client.display_name or client.public_id,
        client_id=client.public_id,
        client_area_url=absolute_url("web:dashboard"),
        preferences_url=absolute_url("web:notification_preferences"),
        amount=_formatted_money(notification.amount_minor, notification.currency, language),
        on_date=_formatted_date(notification.on_date, language),
        service_name="",
        service_id="",
        service_url="",
        invoice_number="",
        invoice_total="",
        invoice_url="",
        announcement_subject="",
        announcement_body="",
        starts_at="",
        ends_at="",
        unsubscribe_url="",
    )
    service = notification.service
    if service is not None:
        context.update(
            service_name=service.tariff.name,
            service_id=service.public_id,
            service_url=absolute_url("web:service_detail", service.public_id),
        )
    invoice = notification.invoice
    if invoice is not None:
        context.update(
            invoice_number=invoice.number_display or invoice.public_id,
            invoice_total=_formatted_money(invoice.gross_minor, invoice.currency, language),
            invoice_url=absolute_url("web:invoice_detail", invoice.public_id),
        )
        if notification.amount_minor is None:
            context["amount"] = context["invoice_total"]
    # The provider's account and the client's references are read only for a text that prints
    # them (``uses``: the template source about to be rendered; None: any text).
    if uses is None or any(name in uses for name in BANK_TRANSFER_VARIABLES):
        context.update(_bank_transfer_context(client))
    else:
        context.update(dict.fromkeys(BANK_TRANSFER_VARIABLES, ""))
    announcement = notification.announcement
    if announcement is not None:
        subject, body = announcement.text_in(language)
        context.update(
            announcement_subject=subject,
            announcement_body=body,
            starts_at=_formatted_datetime(announcement.starts_at, language),
            ends_at=_formatted_datetime(announcement.ends_at, language),
        )
    if notification.category == Category.MARKETING:
        context["unsubscribe_url"] = unsubscribe_url(
            client_public_id=client.public_id, channel=channel
        )
    context.update(extra_context_of(notification))
    return context


def _bank_transfer_context(client) -> dict:
    """How the client pays by bank transfer (AUT-04, BIL-06): the provider's account and the
    client's references, for the messages that ask for money."""
    instructions = bank_transfer_instructions(client)
    return {
        "iban": instructions.iban,
        "bic": instructions.bic,
        "bank_name": instructions.bank_name,
        "beneficiary": instructions.beneficiary,
        "reference_number": instructions.reference_number,
        "creditor_reference": instructions.creditor_reference,
    }


def _finished(text: MessageText, context: dict, *, language: str, marketing: bool):
    subject = " ".join(render_text(text.subject, context, field="subject").split())
    body = render_text(text.body, context, field="body").strip()
    sms = " ".join(render_text(text.sms, context, field="sms_text").split())
    if marketing:
        line = UNSUBSCRIBE_LINE[language].format(url=context["unsubscribe_url"])
        if context["unsubscribe_url"] not in body:
            body = f"{body}\n\n{line}"
        if sms and context["unsubscribe_url"] not in sms:
            sms = f"{sms} {line}"
    return RenderedMessage(subject=subject[:SUBJECT_MAX_CHARS], body=body, sms=sms)


def render_notification(
    notification: Notification, *, language: str, channel: str = Channel.EMAIL
) -> RenderedMessage:
    """The message of ``notification`` as it goes out in ``language`` by ``channel``."""
    language = normalised_language(language)
    text = template_in_force(notification.event, language)
    context = notification_context(
        notification,
        language=language,
        channel=channel,
        uses=text.subject + text.body + text.sms,
    )
    return _finished(
        text,
        context,
        language=language,
        marketing=notification.category == Category.MARKETING,
    )


def sample_context(language: str, *, event: str | None) -> dict:
    """A context with example values of every variable, for previews."""
    language = normalised_language(language)
    example_day = date(2027, 3, 15)
    marketing = event is not None and EVENTS[event].category == Category.MARKETING
    return {
        "provider_name": provider_name(),
        "client_name": "Mari Tamm",
        "client_id": "cli_example000000000",
        "service_name": "VPS Start",
        "service_id": "svc_example000000000",
        "invoice_number": "2027-000123",
        "invoice_total": _formatted_money(1234, DEFAULT_CURRENCY, language),
        "amount": _formatted_money(1234, DEFAULT_CURRENCY, language),
        "on_date": _formatted_date(example_day, language),
        "client_area_url": settings.SITE_URL + "/",
        "invoice_url": settings.SITE_URL + "/invoices/inv_example/",
        "service_url": settings.SITE_URL + "/services/svc_example/",
        "preferences_url": settings.SITE_URL + "/settings/notifications/",
        "announcement_subject": "Example announcement",
        "announcement_body": "The text of the announcement.",
        "starts_at": _formatted_date(example_day, language) + " 02:00",
        "ends_at": _formatted_date(example_day, language) + " 04:00",
        "confirm_url": settings.SITE_URL + "/notifications/opt-in/example/",
        "unsubscribe_url": (
            settings.SITE_URL + "/notifications/unsubscribe/example/" if marketing else ""
        ),
        "question": "Please confirm the address of your company.",
        "occurred_at": _formatted_date(example_day, language) + " 14:05",
        "order_id": "2026-01042",
        "order_paid": False,
        "payment_reference": "RF78100421",
        "balance": _formatted_money(2500, DEFAULT_CURRENCY, language),
        "product_name": "VPS Start",
        "old_fee": _formatted_money(1000, DEFAULT_CURRENCY, language),
        "new_fee": _formatted_money(1200, DEFAULT_CURRENCY, language),
        "iban": "EE382200221020145685",
        "bic": "DEMOEE22",
        "bank_name": "Demo Bank AS",
        "beneficiary": "Example OÜ",
        "reference_number": "100421",
        "creditor_reference": "RF78100421",
        "ticket_number": "T-000123",
        "ticket_subject": "The server does not answer",
        "ticket_reply": "We restarted the server; it answers again.",
        "ticket_url": settings.SITE_URL + "/tickets/tkt_example/",
    }


def template_preview(
    *, event: str, language: str, subject: str, body: str, sms_text: str = ""
) -> RenderedMessage:
    """``subject``, ``body`` and ``sms_text`` of ``event`` rendered in ``language`` with
    example values, without saving anything (NTF-02). DomainError naming the field when a
    text is not a valid template."""
    definition = event_definition(event)
    language = normalised_language(language)
    context = sample_context(language, event=event)
    return _finished(
        MessageText(subject=subject, body=body, sms=sms_text),
        context,
        language=language,
        marketing=definition.category == Category.MARKETING,
    )

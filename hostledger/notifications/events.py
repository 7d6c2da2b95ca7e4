"""The catalogue of events a client is told about: code → category, rule, description and
the default texts in English, Estonian and Russian (NTF-02).

Staff override a text per event and language with a :class:`MessageTemplate` row; these
defaults apply where there is none. Texts are Django templates rendered with the context
built in :mod:`hostledger.notifications.rendering`, whose variables are listed in
:data:`CONTEXT_VARIABLES`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from hostledger.core.errors import DomainError
from hostledger.notifications.models import LANGUAGES, Category
from hostledger.notifications.texts_en import TEXTS as TEXTS_EN
from hostledger.notifications.texts_et import TEXTS as TEXTS_ET
from hostledger.notifications.texts_ru import TEXTS as TEXTS_RU


@dataclass(frozen=True)
class MessageText:
    """One event's message in one language: email subject and body, and the SMS text."""

    subject: str
    body: str
    sms: str


@dataclass(frozen=True)
class EventDefinition:
    code: str
    category: str
    rule: str
    description: str


CONTEXT_VARIABLES = {
    "provider_name": "the provider's name",
    "client_name": "the client's name",
    "client_id": "the client's account id",
    "service_name": "the service's tariff name",
    "service_id": "the service's id",
    "invoice_number": "the invoice's number",
    "invoice_total": "the invoice's total, formatted",
    "amount": "the amount of the message, formatted as money",
    "on_date": "the date of the message (due date, suspension day, term end …)",
    "client_area_url": "link to the client area",
    "invoice_url": "link to the invoice",
    "service_url": "link to the service",
    "preferences_url": "link to the client's notification settings",
    "announcement_subject": "the announcement's subject",
    "announcement_body": "the announcement's text",
    "starts_at": "start of a maintenance window",
    "ends_at": "end of a maintenance window",
    "confirm_url": "link confirming a marketing opt-in",
    "unsubscribe_url": "link withdrawing the marketing consent (marketing messages only)",
    "question": "the question of a data verification request",
    "occurred_at": "date and time of the event (security notices)",
    "order_id": "the order's number, as the client area shows it",
    "order_paid": "whether the balance paid the order at once (true or false)",
    "payment_reference": "the reference the payment arrived with (or its receipt id)",
    "balance": "the client's prepaid balance after the payment",
    "product_name": "the tariff or add-on whose price changes",
    "old_fee": "the monthly fee before a price change, without VAT",
    "new_fee": "the monthly fee after a price change, without VAT",
    "iban": "the provider's bank account to pay to",
    "bic": "the BIC of the provider's bank",
    "bank_name": "the provider's bank",
    "beneficiary": "the provider's legal name, the beneficiary of a transfer",
    "reference_number": "the client's reference number for bank transfers",
    "creditor_reference": "the client's RF creditor reference for transfers from abroad",
    "request_id": "the data-subject request's id",
    "reason": "the reason staff gave (a request's extension or refusal, a data correction)",
    "case_id": "the abuse case's id",
    "case_category": "what the abuse case is about (spam, a third-party claim …)",
    "deadline": "the moment the services are suspended unless the violation is remedied",
    "network": "the IP network of an allocation (SUP-06)",
    "addresses_in_use": "how many addresses of the allocation are in use (SUP-06)",
    "addresses_allocated": "how many addresses the allocation has (SUP-06)",
    "required_percent": "the share of addresses that must be in use, in percent (SUP-06)",
    "ticket_number": "the support ticket's number (T-000123)",
    "ticket_subject": "the support ticket's subject",
    "ticket_reply": "the text of the staff answer to a support ticket",
    "ticket_url": "link to the support ticket in the client area",
    "domain_name": "the domain a message is about, as it is written (DOM-02)",
}

MARKETING_ANNOUNCEMENT = "marketing_announcement"
OPT_IN_CONFIRM = "marketing_opt_in_confirm"
POLICY_CHANGED = "policy_changed"
MAINTENANCE_PLANNED = "maintenance_planned"
ORDER_RECEIVED = "order_received"
PROFORMA_ISSUED = "proforma_issued"
PAYMENT_RECEIVED = "payment_received"
SERVICE_ACTIVATED = "service_activated"
SERVICE_SUSPENDED_BY_STAFF = "service_suspended_by_staff"
SERVICE_RESUMED_BY_STAFF = "service_resumed_by_staff"
INTERRUPTION_CONFIRMED = "interruption_confirmed"
INTERRUPTION_RESTORED = "interruption_restored"
INTERRUPTION_REJECTED = "interruption_rejected"
TRIAL_STARTED = "trial_started"
PASSWORD_CHANGED = "password_changed"
EMAIL_CHANGED = "email_changed"
TWO_FACTOR_ENABLED = "two_factor_enabled"
TWO_FACTOR_DISABLED = "two_factor_disabled"
RECOVERY_CODES_REGENERATED = "recovery_codes_regenerated"
PRICE_CHANGE_ANNOUNCED = "price_change_announced"
PROCESSING_RESTRICTED = "processing_restricted"
PROCESSING_RESTRICTION_LIFTED = "processing_restriction_lifted"
PRIVACY_REQUEST_RECEIVED = "privacy_request_received"
PRIVACY_REQUEST_EXTENDED = "privacy_request_extended"
PRIVACY_REQUEST_COMPLETED = "privacy_request_completed"
PRIVACY_REQUEST_REFUSED = "privacy_request_refused"
PRIVACY_DATA_RECTIFIED = "privacy_data_rectified"
ABUSE_CASE_NOTIFIED = "abuse_case_notified"
ABUSE_SERVICES_SUSPENDED = "abuse_services_suspended"
ABUSE_CASE_LIFTED = "abuse_case_lifted"
IP_USAGE_BELOW_MINIMUM = "ip_usage_below_minimum"
TICKET_ANSWERED = "ticket_answered"
DOMAIN_EXPIRED = "domain_expired"
DOMAIN_GRACE = "domain_grace"
DOMAIN_REDEMPTION = "domain_redemption"
DOMAIN_DELETED = "domain_deleted"

EVENTS: dict[str, EventDefinition] = {
    item.code: item
    for item in (
        EventDefinition(
            ABUSE_CASE_NOTIFIED,
            Category.SERVICE,
            "ABU-02",
            "A complaint about the client's services: case_id, case_category and the "
            "deadline to remedy it before suspension (ABU-02, ABU-03).",
        ),
        EventDefinition(
            ABUSE_SERVICES_SUSPENDED,
            Category.SERVICE,
            "ABU-02",
            "The deadline of an abuse case passed unremedied and its services were "
            "suspended; case_id names the case.",
        ),
        EventDefinition(
            ABUSE_CASE_LIFTED,
            Category.SERVICE,
            "ABU-02",
            "An abuse case was lifted and any service it suspended resumed.",
        ),
        EventDefinition(
            ORDER_RECEIVED,
            Category.BILLING,
            "ORD-01",
            "An order was placed; amount is its total with VAT, the invoice its proforma, "
            "order_paid whether the balance paid it at once.",
        ),
        EventDefinition(
            PROFORMA_ISSUED,
            Category.BILLING,
            "BIL-03",
            "A proforma to pay was issued for an order or a plan change; on_date is its due "
            "date. Prints how to pay by bank transfer.",
        ),
        EventDefinition(
            PAYMENT_RECEIVED,
            Category.BILLING,
            "BIL-06",
            "A receipt: money arrived on the client's balance; on_date is the payment date.",
        ),
        EventDefinition(
            SERVICE_ACTIVATED,
            Category.SERVICE,
            "ORD-02",
            "A service became active (welcome); its access details are in the client area, "
            "never in the message.",
        ),
        EventDefinition(
            SERVICE_SUSPENDED_BY_STAFF,
            Category.SERVICE,
            "ORD-02",
            "Staff suspended a service.",
        ),
        EventDefinition(
            SERVICE_RESUMED_BY_STAFF,
            Category.SERVICE,
            "ORD-02",
            "Staff resumed a suspended service.",
        ),
        EventDefinition(
            INTERRUPTION_CONFIRMED,
            Category.SERVICE,
            "SUP-03",
            "Staff confirmed the client's report of an interruption; it counts from on_date's "
            "confirmation until the service is back.",
        ),
        EventDefinition(
            INTERRUPTION_RESTORED,
            Category.SERVICE,
            "SUP-03",
            "The notice that an interrupted service works again: the interruption stops "
            "counting (seed 003 §3.2).",
        ),
        EventDefinition(
            INTERRUPTION_REJECTED,
            Category.SERVICE,
            "SUP-03",
            "Staff did not confirm the client's report of an interruption; reason says why. "
            "Nothing counts for it.",
        ),
        EventDefinition(
            TRIAL_STARTED,
            Category.SERVICE,
            "CAT-04",
            "A free trial started; on_date is its last day.",
        ),
        EventDefinition(
            PASSWORD_CHANGED,
            Category.ACCOUNT,
            "NTF-01",
            "The password of the client's sign-in was changed, set or reset.",
        ),
        EventDefinition(
            EMAIL_CHANGED,
            Category.ACCOUNT,
            "NTF-01",
            "The e-mail address of the client's sign-in was changed; sent to the new and "
            "the previous address.",
        ),
        EventDefinition(
            TWO_FACTOR_ENABLED,
            Category.ACCOUNT,
            "ACC-09",
            "Two-factor authentication was turned on.",
        ),
        EventDefinition(
            TWO_FACTOR_DISABLED,
            Category.ACCOUNT,
            "ACC-09",
            "Two-factor authentication was turned off.",
        ),
        EventDefinition(
            RECOVERY_CODES_REGENERATED,
            Category.ACCOUNT,
            "ACC-09",
            "New two-factor recovery codes were made; the old ones no longer work.",
        ),
        EventDefinition(
            PRICE_CHANGE_ANNOUNCED,
            Category.BILLING,
            "CAT-06",
            "The monthly fee of a tariff or add-on the client uses changes; on_date is when "
            "it takes effect (from the client's next period on or after it).",
        ),
        EventDefinition(
            "renewal_invoice_issued",
            Category.BILLING,
            "AUT-04",
            "A renewal invoice was issued; on_date is its due date.",
        ),
        EventDefinition(
            "payment_reminder",
            Category.BILLING,
            "AUT-04",
            "Reminder before an invoice's due date; on_date is the due date.",
        ),
        EventDefinition(
            "payment_reversed",
            Category.BILLING,
            "BIL-06",
            "A payment was taken back (by the bank or corrected by staff); amount is what "
            "left the balance, on_date the day.",
        ),
        EventDefinition(
            "suspension_warning",
            Category.BILLING,
            "AUT-04",
            "An unpaid invoice will suspend services; on_date is the day of suspension.",
        ),
        EventDefinition(
            "vat_rate_changed",
            Category.BILLING,
            "BIL-05",
            "The VAT rate in force on the payment date raised an invoice's gross; amount is "
            "the difference that stays due, on_date the invoice date.",
        ),
        EventDefinition(
            "service_renewed",
            Category.SERVICE,
            "AUT-01",
            "A service's next period was charged; on_date is the end of the new period.",
        ),
        EventDefinition(
            "service_suspended",
            Category.SERVICE,
            "AUT-02",
            "A service was suspended for non-payment.",
        ),
        EventDefinition(
            "service_suspended_verification",
            Category.SERVICE,
            "ACC-10",
            "A service was suspended because it could not be renewed while a data "
            "verification request is unanswered.",
        ),
        EventDefinition(
            "service_resumed", Category.SERVICE, "AUT-03", "A suspended service was resumed."
        ),
        EventDefinition(
            "service_terminated",
            Category.SERVICE,
            "AUT-02",
            "A service's contract was terminated; amount is the debt that remains (AUT-06).",
        ),
        EventDefinition(
            "trial_ending",
            Category.SERVICE,
            "CAT-04",
            "A free trial ends soon; on_date is its last day.",
        ),
        EventDefinition("trial_ended", Category.SERVICE, "CAT-04", "A free trial ended."),
        EventDefinition(
            "trial_converted",
            Category.SERVICE,
            "ORD-02",
            "A free trial ended and its paid continuation began; the service is active.",
        ),
        EventDefinition(
            "contract_renewed",
            Category.SERVICE,
            "ORD-08",
            "A contract was renewed for another term; on_date is the new term's end.",
        ),
        EventDefinition(
            "contract_ended",
            Category.SERVICE,
            "ORD-08",
            "A contract ends after notice; on_date is its last day.",
        ),
        EventDefinition(
            "verification_requested",
            Category.ACCOUNT,
            "ACC-10",
            "Staff ask the client to confirm or complete their data; on_date is the last day "
            "to answer.",
        ),
        EventDefinition(
            "verification_overdue",
            Category.ACCOUNT,
            "ACC-10",
            "A data verification request is unanswered; ordering and renewals are blocked.",
        ),
        EventDefinition(
            PRIVACY_REQUEST_RECEIVED,
            Category.ACCOUNT,
            "GDPR-07",
            "A data-subject request was received; on_date is the day it is answered by.",
        ),
        EventDefinition(
            PRIVACY_REQUEST_EXTENDED,
            Category.ACCOUNT,
            "GDPR-07",
            "The deadline of a data-subject request was extended; on_date is the new day, "
            "reason why (GDPR art. 12(3)).",
        ),
        EventDefinition(
            PRIVACY_REQUEST_COMPLETED,
            Category.ACCOUNT,
            "GDPR-07",
            "A data-subject request was answered; the answer is in the client area.",
        ),
        EventDefinition(
            PRIVACY_REQUEST_REFUSED,
            Category.ACCOUNT,
            "GDPR-07",
            "A data-subject request was refused; reason says why (GDPR art. 12(4)).",
        ),
        EventDefinition(
            PRIVACY_DATA_RECTIFIED,
            Category.ACCOUNT,
            "GDPR-03",
            "Staff corrected the client's data; reason says why.",
        ),
        EventDefinition(
            IP_USAGE_BELOW_MINIMUM,
            Category.SERVICE,
            "SUP-06",
            "Fewer of the IP addresses allocated to a service are in use than the terms ask; "
            "on_date is the last day to remedy it before staff may reclaim them.",
        ),
        EventDefinition(
            TICKET_ANSWERED,
            Category.SERVICE,
            "SUP-01",
            "Staff answered a support ticket; the answer is mailed with a reply address that "
            "brings the client's answer by mail back into the ticket.",
        ),
        EventDefinition(
            OPT_IN_CONFIRM,
            Category.ACCOUNT,
            "NTF-01",
            "Asks the client to confirm a marketing opt-in by email (double opt-in).",
        ),
        EventDefinition(
            POLICY_CHANGED,
            Category.ANNOUNCEMENTS,
            "NTF-03",
            "The terms or a policy change; on_date is when the change takes effect.",
        ),
        EventDefinition(
            MAINTENANCE_PLANNED,
            Category.ANNOUNCEMENTS,
            "SUP-04",
            "Planned maintenance affecting the client's services.",
        ),
        EventDefinition(
            MARKETING_ANNOUNCEMENT,
            Category.MARKETING,
            "NTF-01",
            "An offer or news, sent only to clients who opted in.",
        ),
        EventDefinition(
            DOMAIN_EXPIRED,
            Category.SERVICE,
            "DOM-02",
            "A domain's registration expired unrenewed; on_date is the expiry, domain_name "
            "the domain.",
        ),
        EventDefinition(
            DOMAIN_GRACE,
            Category.SERVICE,
            "DOM-02",
            "An expired domain was taken off the zone and can still be renewed; on_date is "
            "the expiry.",
        ),
        EventDefinition(
            DOMAIN_REDEMPTION,
            Category.SERVICE,
            "DOM-02",
            "An expired domain entered the registry's redemption period: it can only be "
            "restored; on_date is the expiry.",
        ),
        EventDefinition(
            DOMAIN_DELETED,
            Category.SERVICE,
            "DOM-02",
            "A domain was deleted at its registry; on_date is its last expiry.",
        ),
        EventDefinition(
            PROCESSING_RESTRICTED,
            Category.ACCOUNT,
            "GDPR-05",
            "Processing of the client's personal data is restricted (requested or disputed).",
        ),
        EventDefinition(
            PROCESSING_RESTRICTION_LIFTED,
            Category.ACCOUNT,
            "GDPR-05",
            "A restriction of processing of the client's personal data is lifted.",
        ),
    )
}

_TEXTS = {"en": TEXTS_EN, "et": TEXTS_ET, "ru": TEXTS_RU}


def event_definition(code: str) -> EventDefinition:
    """The definition of event ``code``; DomainError ``unknown_event`` if there is none."""
    try:
        return EVENTS[code]
    except KeyError:
        raise DomainError(
            "unknown_event",
            _("No message event is called %(code)s.") % {"code": f"{code!r}"},
            fields={"event": "unknown event"},
        ) from None


def normalised_language(language: str | None) -> str:
    """``language`` if messages exist in it (``"et-ee"`` counts as ``"et"``), else English."""
    code = (language or "").lower().split("-")[0]
    return code if code in LANGUAGES else LANGUAGES[0]


def default_text(code: str, language: str) -> MessageText:
    """The text from the code for event ``code`` in ``language``."""
    event_definition(code)
    subject, body, sms = _TEXTS[normalised_language(language)][code]
    return MessageText(subject=subject, body=body, sms=sms)

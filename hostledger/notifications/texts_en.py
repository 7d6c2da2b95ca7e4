"""Default message texts in English: event code → (subject, email body, SMS text)."""
# ruff: noqa: RUF001  (Cyrillic letters and dashes are meant)

SIGNATURE = "\n\n{{ provider_name }}"

PAY_BY_TRANSFER = (
    "{% if iban %}\n\nTo pay by bank transfer:\n"
    "Beneficiary: {{ beneficiary }}\n"
    "IBAN: {{ iban }}{% if bic %}, BIC {{ bic }}{% endif %}"
    "{% if bank_name %} ({{ bank_name }}){% endif %}\n"
    "Amount: {{ amount }}\n"
    "{% if reference_number %}Reference number: {{ reference_number }}"
    "{% if creditor_reference %} (from abroad: {{ creditor_reference }}){% endif %}"
    "{% else %}Description: {{ invoice_number }}{% endif %}{% endif %}"
)

SECURITY_TAIL = "\n\nYour account: {{ client_area_url }}" + SIGNATURE

TEXTS: dict[str, tuple[str, str, str]] = {
    "domain_expired": (
        "Your domain {{ domain_name }} has expired",
        "Hello {{ client_name }},\n\n"
        "the registration of your domain {{ domain_name }} expired on {{ on_date }} without "
        "being renewed. Pay its renewal to keep the domain; if it stays unrenewed, the "
        "registry takes it off the zone and later deletes it, and anyone may register it.\n\n"
        "Your domain: {{ service_url }}" + SIGNATURE,
        "Domain {{ domain_name }} expired on {{ on_date }}. Renew it: {{ service_url }}",
    ),
    "domain_grace": (
        "Your domain {{ domain_name }} no longer works",
        "Hello {{ client_name }},\n\n"
        "your domain {{ domain_name }}, expired on {{ on_date }}, was taken off the zone: "
        "websites and mail under it no longer work. It can still be renewed at the normal "
        "price for a short time.\n\n"
        "Your domain: {{ service_url }}" + SIGNATURE,
        "Domain {{ domain_name }} is off the zone; renew it now: {{ service_url }}",
    ),
    "domain_redemption": (
        "Your domain {{ domain_name }} is about to be deleted",
        "Hello {{ client_name }},\n\n"
        "your domain {{ domain_name }}, expired on {{ on_date }}, entered the registry's "
        "redemption period: it can only be restored now, after which it is deleted. Contact "
        "us at once if you want to keep it.\n\n"
        "Your domain: {{ service_url }}" + SIGNATURE,
        "Domain {{ domain_name }} is in redemption and will be deleted. {{ service_url }}",
    ),
    "domain_deleted": (
        "Your domain {{ domain_name }} was deleted",
        "Hello {{ client_name }},\n\n"
        "your domain {{ domain_name }} was deleted at the registry and is free for anyone to "
        "register.\n\n"
        "Your services: {{ client_area_url }}" + SIGNATURE,
        "Domain {{ domain_name }} was deleted at the registry.",
    ),
    "abuse_case_notified": (
        "Abuse complaint {{ case_id }} about your services",
        "Hello {{ client_name }},\n\n"
        "we received a complaint about your services ({{ case_category }}), case "
        "{{ case_id }}. Please read it in the client area and remedy the violation or answer "
        "us there by {{ deadline }}. If it is not remedied by then, the services concerned "
        "will be suspended under our terms of use.\n\n"
        "Your abuse cases: {{ client_area_url }}" + SIGNATURE,
        "Abuse complaint {{ case_id }}: please act by {{ deadline }}. See the client area.",
    ),
    "abuse_services_suspended": (
        "Services suspended: abuse case {{ case_id }}",
        "Hello {{ client_name }},\n\n"
        "the violation of abuse case {{ case_id }} ({{ case_category }}) was not remedied in "
        "time, so the services concerned are suspended. Once you have remedied it, answer "
        "the case in the client area with your proof and we will lift the block.\n\n"
        "Your abuse cases: {{ client_area_url }}" + SIGNATURE,
        "Services suspended for abuse case {{ case_id }}. See the client area.",
    ),
    "abuse_case_lifted": (
        "Abuse case {{ case_id }} is closed",
        "Hello {{ client_name }},\n\n"
        "abuse case {{ case_id }} is closed and any service it suspended is running "
        "again.\n\n"
        "Your abuse cases: {{ client_area_url }}" + SIGNATURE,
        "Abuse case {{ case_id }} is closed.",
    ),
    "renewal_invoice_issued": (
        "Invoice {{ invoice_number }} for the renewal of your services",
        "Hello {{ client_name }},\n\n"
        "we have issued invoice {{ invoice_number }} of {{ amount }} for the next period of "
        "your services. Please pay it by {{ on_date }}.\n\n"
        "See and pay the invoice: {{ invoice_url }}" + PAY_BY_TRANSFER + SIGNATURE,
        "Invoice {{ invoice_number }}: {{ amount }}, due {{ on_date }}. {{ invoice_url }}",
    ),
    "payment_reminder": (
        "Reminder: invoice {{ invoice_number }} is due on {{ on_date }}",
        "Hello {{ client_name }},\n\n"
        "invoice {{ invoice_number }} of {{ amount }} is due on {{ on_date }} and is not paid "
        "yet. If you have already paid it, please ignore this message.\n\n"
        "See and pay the invoice: {{ invoice_url }}" + PAY_BY_TRANSFER + SIGNATURE,
        "Reminder: invoice {{ invoice_number }}, {{ amount }}, due {{ on_date }}.",
    ),
    "payment_reversed": (
        "A payment of {{ amount }} was reversed",
        "Hello {{ client_name }},\n\n"
        "a payment of {{ amount }} recorded on your account was reversed on {{ on_date }} "
        "(the bank took it back, or it had been recorded by mistake), so that amount was taken "
        "off your balance. If your balance is now below zero, the difference is due like any "
        "other unpaid amount.\n\n"
        "Your balance: {{ client_area_url }}" + SIGNATURE,
        "A payment of {{ amount }} was reversed on {{ on_date }}; see your balance.",
    ),
    "suspension_warning": (
        "Your services will be suspended on {{ on_date }}",
        "Hello {{ client_name }},\n\n"
        "invoice {{ invoice_number }} of {{ amount }} is overdue. Unless it is paid, the "
        "services it covers will be suspended on {{ on_date }}. The time a service is "
        "suspended stays payable.\n\n"
        "Pay the invoice: {{ invoice_url }}" + PAY_BY_TRANSFER + SIGNATURE,
        "Invoice {{ invoice_number }} ({{ amount }}) is overdue: services are suspended on "
        "{{ on_date }} unless paid.",
    ),
    "vat_rate_changed": (
        "Invoice {{ invoice_number }}: VAT rate changed, {{ amount }} due",
        "Hello {{ client_name }},\n\n"
        "your payment was received on {{ on_date }}, when a new VAT rate was in force, so "
        "invoice {{ invoice_number }} charges VAT at that rate and its total is "
        "{{ invoice_total }}. The difference of {{ amount }} was not covered by your payment "
        "and is due on your balance.\n\n"
        "See the invoice: {{ invoice_url }}" + SIGNATURE,
        "Invoice {{ invoice_number }}: new VAT rate, {{ amount }} due. {{ invoice_url }}",
    ),
    "service_renewed": (
        "{{ service_name }} renewed until {{ on_date }}",
        "Hello {{ client_name }},\n\n"
        "your service {{ service_name }} ({{ service_id }}) was renewed until {{ on_date }}; "
        "{{ amount }} was charged.\n\n"
        "Your service: {{ service_url }}" + SIGNATURE,
        "{{ service_name }} renewed until {{ on_date }} ({{ amount }}).",
    ),
    "service_suspended": (
        "{{ service_name }} is suspended for non-payment",
        "Hello {{ client_name }},\n\n"
        "your service {{ service_name }} ({{ service_id }}) was suspended because invoice "
        "{{ invoice_number }} of {{ amount }} is not paid. The service resumes automatically "
        "when the debt is paid; the time it is suspended stays payable.\n\n"
        "Pay the invoice: {{ invoice_url }}" + SIGNATURE,
        "{{ service_name }} is suspended: invoice {{ invoice_number }} ({{ amount }}) unpaid.",
    ),
    "service_suspended_verification": (
        "{{ service_name }} is suspended until you answer our data verification request",
        "Hello {{ client_name }},\n\n"
        "the period of your service {{ service_name }} ({{ service_id }}) has ended and it "
        "could not be renewed, because our request to verify the data of your account is "
        "unanswered. The service is suspended. After your answer the restriction is lifted, "
        "the renewal from the end of the last paid period is invoiced (the time the service "
        "is suspended stays payable) and the service resumes once it is paid.\n\n"
        "Answer the request: {{ client_area_url }}" + SIGNATURE,
        "{{ service_name }} is suspended: please answer our data verification request.",
    ),
    "service_resumed": (
        "{{ service_name }} is running again",
        "Hello {{ client_name }},\n\n"
        "thank you for your payment. Your service {{ service_name }} ({{ service_id }}) "
        "was resumed.\n\n"
        "Your service: {{ service_url }}" + SIGNATURE,
        "{{ service_name }} was resumed. Thank you for your payment.",
    ),
    "service_terminated": (
        "The contract of {{ service_name }} was terminated",
        "Hello {{ client_name }},\n\n"
        "the contract of your service {{ service_name }} ({{ service_id }}) was terminated "
        "because of non-payment."
        "{% if amount %} The debt of {{ amount }} remains payable.{% endif %}\n\n"
        "This decision was prepared automatically and confirmed under our terms. You have the "
        "right to ask for a review of it by a person: reply to this message or write to us "
        "from the client area.\n\n"
        "Client area: {{ client_area_url }}" + SIGNATURE,
        "The contract of {{ service_name }} was terminated.{% if amount %} Debt: {{ amount }}."
        "{% endif %} You may ask for a human review.",
    ),
    "trial_ending": (
        "Your free trial of {{ service_name }} ends on {{ on_date }}",
        "Hello {{ client_name }},\n\n"
        "the free trial of {{ service_name }} ({{ service_id }}) ends on {{ on_date }}. To "
        "keep the service, continue it as a paid service in the client area.\n\n"
        "Your service: {{ service_url }}" + SIGNATURE,
        "Your free trial of {{ service_name }} ends on {{ on_date }}.",
    ),
    "trial_converted": (
        "{{ service_name }}: your free trial ended, the paid period has begun",
        "Hello {{ client_name }},\n\n"
        "the free trial of {{ service_name }} ({{ service_id }}) has ended and the period you "
        "paid for has begun; the service runs on as it is.\n\n"
        "Your service: {{ service_url }}" + SIGNATURE,
        "{{ service_name }}: the trial ended, the paid period has begun.",
    ),
    "trial_ended": (
        "Your free trial of {{ service_name }} has ended",
        "Hello {{ client_name }},\n\n"
        "the free trial of {{ service_name }} ({{ service_id }}) has ended. Thank you for "
        "trying it.\n\n"
        "Client area: {{ client_area_url }}" + SIGNATURE,
        "Your free trial of {{ service_name }} has ended.",
    ),
    "contract_renewed": (
        "The contract of {{ service_name }} was renewed until {{ on_date }}",
        "Hello {{ client_name }},\n\n"
        "the contract of {{ service_name }} ({{ service_id }}) was renewed for another term, "
        "until {{ on_date }}. Either party may give notice 30 days before a term ends.\n\n"
        "Your service: {{ service_url }}" + SIGNATURE,
        "Contract of {{ service_name }} renewed until {{ on_date }}.",
    ),
    "contract_ended": (
        "The contract of {{ service_name }} ends on {{ on_date }}",
        "Hello {{ client_name }},\n\n"
        "following the notice given, the contract of {{ service_name }} ({{ service_id }}) "
        "ends on {{ on_date }}.\n\n"
        "Your service: {{ service_url }}" + SIGNATURE,
        "The contract of {{ service_name }} ends on {{ on_date }}.",
    ),
    "verification_requested": (
        "Please confirm the data of your account by {{ on_date }}",
        "Hello {{ client_name }},\n\n"
        "we need you to confirm or complete the data of your account ({{ client_id }}):\n\n"
        "{{ question }}\n\n"
        "Please answer in the client area by {{ on_date }}. Without an answer by then, you "
        "cannot order or renew services until you answer, and services may be suspended.\n\n"
        "Answer in the client area: {{ client_area_url }}" + SIGNATURE,
        "Please answer our data verification request in the client area by {{ on_date }}.",
    ),
    "verification_overdue": (
        "Please answer our data verification request",
        "Hello {{ client_name }},\n\n"
        "we asked you to verify the data of your account and have not received an answer. "
        "Until you answer, you cannot order or renew services, and services may be suspended. "
        "Restrictions are lifted after your answer.\n\n"
        "Client area: {{ client_area_url }}" + SIGNATURE,
        "Please answer our data verification request in the client area.",
    ),
    "privacy_request_received": (
        "We received your data protection request {{ request_id }}",
        "Hello {{ client_name }},\n\n"
        "we received your data protection request {{ request_id }}. We will answer it by "
        "{{ on_date }}. If we need to verify that the request comes from you, we will tell "
        "you how.\n\n"
        "Your requests: {{ client_area_url }}" + SIGNATURE,
        "We received your data protection request {{ request_id }}; answer by {{ on_date }}.",
    ),
    "privacy_request_extended": (
        "We need more time for your request {{ request_id }}",
        "Hello {{ client_name }},\n\n"
        "we need more time to answer your data protection request {{ request_id }}. We will "
        "answer it by {{ on_date }}.\n\nWhy: {{ reason }}\n\n"
        "Your requests: {{ client_area_url }}" + SIGNATURE,
        "Your data protection request {{ request_id }} will be answered by {{ on_date }}.",
    ),
    "privacy_request_completed": (
        "Your data protection request {{ request_id }} is answered",
        "Hello {{ client_name }},\n\n"
        "we have answered your data protection request {{ request_id }}. Read the answer in "
        "the client area.\n\n"
        "Your requests: {{ client_area_url }}" + SIGNATURE,
        "Your data protection request {{ request_id }} is answered; see the client area.",
    ),
    "privacy_request_refused": (
        "Your data protection request {{ request_id }} was refused",
        "Hello {{ client_name }},\n\n"
        "we cannot carry out your data protection request {{ request_id }}.\n\n"
        "Why: {{ reason }}\n\n"
        "You may lodge a complaint with the data protection supervisory authority or seek a "
        "judicial remedy.\n\n"
        "Your requests: {{ client_area_url }}" + SIGNATURE,
        "Your data protection request {{ request_id }} was refused; see the client area.",
    ),
    "ticket_answered": (
        "[{{ ticket_number }}] {{ ticket_subject }}",
        "Hello {{ client_name }},\n\n"
        "{{ ticket_reply }}\n\n"
        "---\n"
        "Answer this message to add to ticket {{ ticket_number }}, or read it in the client "
        "area: {{ ticket_url }}" + SIGNATURE,
        "We answered your ticket {{ ticket_number }}: {{ ticket_url }}",
    ),
    "privacy_data_rectified": (
        "We corrected the data of your account",
        "Hello {{ client_name }},\n\n"
        "we corrected the data of your account ({{ client_id }}).\n\nWhy: {{ reason }}\n\n"
        "Invoices and other documents already issued keep the data they were issued with.\n\n"
        "Your profile: {{ client_area_url }}" + SIGNATURE,
        "We corrected the data of your account {{ client_id }}.",
    ),
    "marketing_opt_in_confirm": (
        "Please confirm that you want our offers and news",
        "Hello {{ client_name }},\n\n"
        "you asked to receive offers and news from us by email. Please confirm it by opening "
        "this link:\n\n{{ confirm_url }}\n\n"
        "If you did not ask for this, ignore this message: you will not receive any." + SIGNATURE,
        "",
    ),
    "policy_changed": (
        "{{ announcement_subject }}",
        "Hello {{ client_name }},\n\n"
        "{{ announcement_body }}\n\n"
        "{% if on_date %}The change takes effect on {{ on_date }}.\n\n{% endif %}"
        "Client area: {{ client_area_url }}" + SIGNATURE,
        "{{ announcement_subject }}{% if on_date %} (from {{ on_date }}){% endif %}",
    ),
    "maintenance_planned": (
        "Planned maintenance: {{ announcement_subject }}",
        "Hello {{ client_name }},\n\n"
        "{{ announcement_body }}\n\n"
        "{% if starts_at %}Maintenance window: {{ starts_at }}"
        "{% if ends_at %} – {{ ends_at }}{% endif %}\n\n{% endif %}"
        "Client area: {{ client_area_url }}" + SIGNATURE,
        "Planned maintenance{% if starts_at %} from {{ starts_at }}{% endif %}: "
        "{{ announcement_subject }}",
    ),
    "marketing_announcement": (
        "{{ announcement_subject }}",
        "Hello {{ client_name }},\n\n{{ announcement_body }}" + SIGNATURE + "\n\n"
        "You receive this because you agreed to our offers and news. "
        "Unsubscribe: {{ unsubscribe_url }}",
        "{{ announcement_subject }}",
    ),
    "order_received": (
        "Order {{ order_id }} received: {{ service_name }}",
        "Hello {{ client_name }},\n\n"
        "thank you for your order {{ order_id }} of {{ service_name }}: {{ amount }} for its "
        "first period. {% if order_paid %}It was paid from your balance and the service is "
        "being set up now.{% else %}Proforma {{ invoice_number }} waits for payment; the "
        "service is set up once it is paid.{% endif %}\n\n"
        "Your order and service: {{ service_url }}" + SIGNATURE,
        "Order {{ order_id }} received: {{ service_name }}.",
    ),
    "proforma_issued": (
        "Proforma {{ invoice_number }}: {{ amount }} to pay by {{ on_date }}",
        "Hello {{ client_name }},\n\n"
        "we have issued proforma {{ invoice_number }} of {{ amount }}. Please pay it by "
        "{{ on_date }}; what it bills starts once it is paid.\n\n"
        "See and pay the proforma: {{ invoice_url }}" + PAY_BY_TRANSFER + SIGNATURE,
        "Proforma {{ invoice_number }}: {{ amount }}, due {{ on_date }}. {{ invoice_url }}",
    ),
    "payment_received": (
        "Payment received: {{ amount }}",
        "Hello {{ client_name }},\n\n"
        "thank you, we have received your payment.\n\n"
        "Amount: {{ amount }}\n"
        "Date: {{ on_date }}\n"
        "Reference: {{ payment_reference }}\n"
        "Your balance now: {{ balance }}\n\n"
        "Your account statement: {{ client_area_url }}" + SIGNATURE,
        "Payment of {{ amount }} received on {{ on_date }}. Balance: {{ balance }}.",
    ),
    "service_activated": (
        "Welcome: {{ service_name }} is active",
        "Hello {{ client_name }},\n\n"
        "your service {{ service_name }} ({{ service_id }}) is active. Its access details "
        "are on the service's page in the client area; for your security we never send "
        "passwords by e-mail.\n\n"
        "Your service: {{ service_url }}" + SIGNATURE,
        "{{ service_name }} is active. Access details: client area.",
    ),
    "service_suspended_by_staff": (
        "{{ service_name }} is suspended",
        "Hello {{ client_name }},\n\n"
        "your service {{ service_name }} ({{ service_id }}) was suspended on {{ on_date }}. "
        "The reason and what to do are on the service's page in the client area; please "
        "contact us if anything is unclear.\n\n"
        "Your service: {{ service_url }}" + SIGNATURE,
        "{{ service_name }} was suspended. See the client area.",
    ),
    "service_resumed_by_staff": (
        "{{ service_name }} is running again",
        "Hello {{ client_name }},\n\n"
        "your service {{ service_name }} ({{ service_id }}) was resumed on {{ on_date }}.\n\n"
        "Your service: {{ service_url }}" + SIGNATURE,
        "{{ service_name }} was resumed.",
    ),
    "interruption_confirmed": (
        "We confirmed the interruption of {{ service_name }}",
        "Hello {{ client_name }},\n\n"
        "we confirmed your report that {{ service_name }} ({{ service_id }}) is interrupted; "
        "the interruption counts from our confirmation on {{ on_date }} until we tell you the "
        "service is back.\n\n"
        "Your reports: {{ client_area_url }}" + SIGNATURE,
        "Interruption of {{ service_name }} confirmed; we are on it.",
    ),
    "interruption_restored": (
        "{{ service_name }} works again",
        "Hello {{ client_name }},\n\n"
        "your service {{ service_name }} ({{ service_id }}) works again since {{ on_date }}. "
        "The interruption and the time it counted are in your client area; compensation, if "
        "any, is credited after the month ends.\n\n"
        "Your service: {{ service_url }}" + SIGNATURE,
        "{{ service_name }} works again.",
    ),
    "interruption_rejected": (
        "We could not confirm the interruption of {{ service_name }}",
        "Hello {{ client_name }},\n\n"
        "we looked into your report that {{ service_name }} ({{ service_id }}) is interrupted "
        "and could not confirm it on {{ on_date }}: {{ reason }}\n\n"
        "If the service still does not work for you, report it again or answer in a ticket.\n\n"
        "Your reports: {{ client_area_url }}" + SIGNATURE,
        "Interruption of {{ service_name }} not confirmed: {{ reason }}",
    ),
    "trial_started": (
        "Your free trial of {{ service_name }} has started",
        "Hello {{ client_name }},\n\n"
        "your free trial of {{ service_name }} ({{ service_id }}) has started and lasts "
        "until {{ on_date }}. Its access details are on the service's page in the client "
        "area. To keep the service after the trial, order its continuation there before the "
        "trial ends; otherwise it ends on its own and nothing is charged.\n\n"
        "Your service: {{ service_url }}" + SIGNATURE,
        "Free trial of {{ service_name }} started, until {{ on_date }}.",
    ),
    "password_changed": (
        "Your password was changed",
        "Hello {{ client_name }},\n\n"
        "the password of your account ({{ client_id }}) was changed on {{ occurred_at }}.\n\n"
        "If you did not do this, reset your password at once and contact us." + SECURITY_TAIL,
        "Your {{ provider_name }} password was changed. Not you? Contact us at once.",
    ),
    "email_changed": (
        "The e-mail address of your account was changed",
        "Hello {{ client_name }},\n\n"
        "the e-mail address you sign in with to your account ({{ client_id }}) was changed "
        "on {{ occurred_at }}. We send this notice to both the new and the previous "
        "address.\n\n"
        "If you did not do this, contact us at once." + SECURITY_TAIL,
        "The e-mail of your {{ provider_name }} account was changed. Not you? Contact us.",
    ),
    "two_factor_enabled": (
        "Two-factor authentication is on",
        "Hello {{ client_name }},\n\n"
        "two-factor authentication was turned on for your account ({{ client_id }}) on "
        "{{ occurred_at }}. Keep your recovery codes in a safe place.\n\n"
        "If you did not do this, contact us at once." + SECURITY_TAIL,
        "Two-factor authentication was turned on. Not you? Contact us.",
    ),
    "two_factor_disabled": (
        "Two-factor authentication was turned off",
        "Hello {{ client_name }},\n\n"
        "two-factor authentication was turned off for your account ({{ client_id }}) on "
        "{{ occurred_at }}. Your account is now protected by the password alone.\n\n"
        "If you did not do this, change your password and contact us at once." + SECURITY_TAIL,
        "Two-factor authentication was turned off. Not you? Contact us at once.",
    ),
    "recovery_codes_regenerated": (
        "New two-factor recovery codes were made",
        "Hello {{ client_name }},\n\n"
        "new two-factor recovery codes were made for your account ({{ client_id }}) on "
        "{{ occurred_at }}; the earlier codes no longer work.\n\n"
        "If you did not do this, change your password and contact us at once." + SECURITY_TAIL,
        "New recovery codes were made. Not you? Contact us.",
    ),
    "price_change_announced": (
        "Price change of {{ product_name }} from {{ on_date }}",
        "Hello {{ client_name }},\n\n"
        "the monthly fee of {{ product_name }}, which you use, changes from {{ old_fee }} to "
        "{{ new_fee }} (without VAT). The new fee applies to you from your first billing "
        "period that starts on or after {{ on_date }}.\n\n"
        "If you do not accept the change, you may terminate the service before it takes "
        "effect, in the client area.\n\n"
        "Your services: {{ client_area_url }}" + SIGNATURE,
        "{{ product_name }}: monthly fee {{ new_fee }} (was {{ old_fee }}) from {{ on_date }}.",
    ),
    "processing_restricted": (
        "Processing of your personal data is restricted",
        "Hello {{ client_name }},\n\n"
        "from {{ on_date }} we restrict the processing of the personal data of your account "
        "({{ client_id }}): we keep it and use it only to defend legal claims, and send you "
        "no offers, news or statistics-based messages until the restriction is lifted. We "
        "will tell you before we lift it.\n\n"
        "Client area: {{ client_area_url }}" + SIGNATURE,
        "Processing of your personal data is restricted from {{ on_date }}.",
    ),
    "processing_restriction_lifted": (
        "The restriction of processing of your personal data is lifted",
        "Hello {{ client_name }},\n\n"
        "from {{ on_date }} the restriction of processing of the personal data of your "
        "account ({{ client_id }}) is lifted.\n\n"
        "Client area: {{ client_area_url }}" + SIGNATURE,
        "The restriction of processing of your personal data is lifted from {{ on_date }}.",
    ),
    "ip_usage_below_minimum": (
        "Too few of your IP addresses {{ network }} are in use",
        "Hello {{ client_name }},\n\n"
        "of the {{ addresses_allocated }} IP addresses of {{ network }} allocated to your "
        "service {{ service_id }}, {{ addresses_in_use }} are in use. Our terms (and the rules "
        "of RIPE NCC) ask that at least {{ required_percent }} % of them be in use.\n\n"
        "Please put the addresses to use, report their use in the client area, or release "
        "the ones you do not need by {{ on_date }}. After that day we may reclaim them.\n\n"
        "Your IP addresses: {{ client_area_url }}" + SIGNATURE,
        "{{ addresses_in_use }} of {{ addresses_allocated }} addresses of {{ network }} in use; "
        "{{ required_percent }} % required by {{ on_date }}.",
    ),
}

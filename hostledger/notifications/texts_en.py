"""Default message texts in English: event code → (subject, email body, SMS text)."""
# ruff: noqa: RUF001  (Cyrillic letters and dashes are meant)

SIGNATURE = "\n\n{{ provider_name }}"

TEXTS: dict[str, tuple[str, str, str]] = {
    "renewal_invoice_issued": (
        "Invoice {{ invoice_number }} for the renewal of your services",
        "Hello {{ client_name }},\n\n"
        "we have issued invoice {{ invoice_number }} of {{ amount }} for the next period of "
        "your services. Please pay it by {{ on_date }}.\n\n"
        "See and pay the invoice: {{ invoice_url }}" + SIGNATURE,
        "Invoice {{ invoice_number }}: {{ amount }}, due {{ on_date }}. {{ invoice_url }}",
    ),
    "payment_reminder": (
        "Reminder: invoice {{ invoice_number }} is due on {{ on_date }}",
        "Hello {{ client_name }},\n\n"
        "invoice {{ invoice_number }} of {{ amount }} is due on {{ on_date }} and is not paid "
        "yet. If you have already paid it, please ignore this message.\n\n"
        "See and pay the invoice: {{ invoice_url }}" + SIGNATURE,
        "Reminder: invoice {{ invoice_number }}, {{ amount }}, due {{ on_date }}.",
    ),
    "suspension_warning": (
        "Your services will be suspended on {{ on_date }}",
        "Hello {{ client_name }},\n\n"
        "invoice {{ invoice_number }} of {{ amount }} is overdue. Unless it is paid, the "
        "services it covers will be suspended on {{ on_date }}. The time a service is "
        "suspended stays payable.\n\n"
        "Pay the invoice: {{ invoice_url }}" + SIGNATURE,
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
}

"""Default message texts in Russian: event code → (subject, email body, SMS text)."""
# ruff: noqa: RUF001  (Cyrillic letters and dashes are meant)

SIGNATURE = "\n\nС уважением,\n{{ provider_name }}"

TEXTS: dict[str, tuple[str, str, str]] = {
    "renewal_invoice_issued": (
        "Счёт {{ invoice_number }} за продление ваших услуг",
        "Здравствуйте, {{ client_name }}!\n\n"
        "Мы выставили счёт {{ invoice_number }} на сумму {{ amount }} за следующий период "
        "ваших услуг. Пожалуйста, оплатите его до {{ on_date }}.\n\n"
        "Посмотреть и оплатить счёт: {{ invoice_url }}" + SIGNATURE,
        "Счёт {{ invoice_number }}: {{ amount }}, оплатить до {{ on_date }}. {{ invoice_url }}",
    ),
    "payment_reminder": (
        "Напоминание: срок оплаты счёта {{ invoice_number }} — {{ on_date }}",
        "Здравствуйте, {{ client_name }}!\n\n"
        "Срок оплаты счёта {{ invoice_number }} на сумму {{ amount }} — {{ on_date }}, а счёт "
        "ещё не оплачен. Если вы уже оплатили его, не обращайте внимания на это письмо.\n\n"
        "Посмотреть и оплатить счёт: {{ invoice_url }}" + SIGNATURE,
        "Напоминание: счёт {{ invoice_number }}, {{ amount }}, оплатить до {{ on_date }}.",
    ),
    "suspension_warning": (
        "Ваши услуги будут приостановлены {{ on_date }}",
        "Здравствуйте, {{ client_name }}!\n\n"
        "Счёт {{ invoice_number }} на сумму {{ amount }} просрочен. Если он не будет оплачен, "
        "услуги по нему будут приостановлены {{ on_date }}. Время приостановки также "
        "оплачивается.\n\n"
        "Оплатить счёт: {{ invoice_url }}" + SIGNATURE,
        "Счёт {{ invoice_number }} ({{ amount }}) просрочен: услуги будут приостановлены "
        "{{ on_date }}, если он не будет оплачен.",
    ),
    "vat_rate_changed": (
        "Счёт {{ invoice_number }}: изменилась ставка НДС, к оплате {{ amount }}",
        "Здравствуйте, {{ client_name }}!\n\n"
        "ваш платёж поступил {{ on_date }}, когда действовала новая ставка НДС, поэтому "
        "счёт {{ invoice_number }} начисляет НДС по этой ставке, его сумма "
        "{{ invoice_total }}. Разница {{ amount }} не покрыта платежом и числится долгом на "
        "вашем балансе.\n\n"
        "Счёт: {{ invoice_url }}" + SIGNATURE,
        "Счёт {{ invoice_number }}: новая ставка НДС, к оплате {{ amount }}. {{ invoice_url }}",
    ),
    "service_renewed": (
        "Услуга {{ service_name }} продлена до {{ on_date }}",
        "Здравствуйте, {{ client_name }}!\n\n"
        "Ваша услуга {{ service_name }} ({{ service_id }}) продлена до {{ on_date }}; "
        "списано {{ amount }}.\n\n"
        "Ваша услуга: {{ service_url }}" + SIGNATURE,
        "Услуга {{ service_name }} продлена до {{ on_date }} ({{ amount }}).",
    ),
    "service_suspended": (
        "Услуга {{ service_name }} приостановлена за неуплату",
        "Здравствуйте, {{ client_name }}!\n\n"
        "Ваша услуга {{ service_name }} ({{ service_id }}) приостановлена, потому что счёт "
        "{{ invoice_number }} на сумму {{ amount }} не оплачен. Услуга возобновится "
        "автоматически после оплаты долга; время приостановки также оплачивается.\n\n"
        "Оплатить счёт: {{ invoice_url }}" + SIGNATURE,
        "Услуга {{ service_name }} приостановлена: счёт {{ invoice_number }} ({{ amount }}) "
        "не оплачен.",
    ),
    "service_suspended_verification": (
        "Услуга {{ service_name }} приостановлена до ответа на запрос о проверке данных",
        "Здравствуйте, {{ client_name }}!\n\n"
        "Период вашей услуги {{ service_name }} ({{ service_id }}) закончился, и её не "
        "удалось продлить, потому что наш запрос о проверке данных вашей учётной записи "
        "остался без ответа. Услуга приостановлена. После вашего ответа ограничение "
        "снимается, продление выставляется с конца последнего оплаченного периода (время "
        "приостановки также оплачивается), и услуга возобновляется после оплаты.\n\n"
        "Ответить на запрос: {{ client_area_url }}" + SIGNATURE,
        "Услуга {{ service_name }} приостановлена: ответьте на запрос о проверке данных.",
    ),
    "service_resumed": (
        "Услуга {{ service_name }} снова работает",
        "Здравствуйте, {{ client_name }}!\n\n"
        "Спасибо за оплату. Ваша услуга {{ service_name }} ({{ service_id }}) "
        "возобновлена.\n\n"
        "Ваша услуга: {{ service_url }}" + SIGNATURE,
        "Услуга {{ service_name }} возобновлена. Спасибо за оплату.",
    ),
    "service_terminated": (
        "Договор на услугу {{ service_name }} расторгнут",
        "Здравствуйте, {{ client_name }}!\n\n"
        "Договор на вашу услугу {{ service_name }} ({{ service_id }}) расторгнут из-за "
        "неуплаты.{% if amount %} Долг в размере {{ amount }} остаётся к оплате.{% endif %}\n\n"
        "Это решение подготовлено автоматически и подтверждено по нашим условиям. Вы вправе "
        "потребовать, чтобы его пересмотрел человек: ответьте на это письмо или напишите нам "
        "из личного кабинета.\n\n"
        "Личный кабинет: {{ client_area_url }}" + SIGNATURE,
        "Договор на услугу {{ service_name }} расторгнут.{% if amount %} Долг: {{ amount }}."
        "{% endif %} Вы можете потребовать пересмотра решения человеком.",
    ),
    "trial_ending": (
        "Бесплатный период {{ service_name }} заканчивается {{ on_date }}",
        "Здравствуйте, {{ client_name }}!\n\n"
        "Бесплатный пробный период услуги {{ service_name }} ({{ service_id }}) заканчивается "
        "{{ on_date }}. Чтобы сохранить услугу, продолжите её как платную в личном "
        "кабинете.\n\n"
        "Ваша услуга: {{ service_url }}" + SIGNATURE,
        "Пробный период {{ service_name }} заканчивается {{ on_date }}.",
    ),
    "trial_converted": (
        "{{ service_name }}: бесплатный период закончился, начался оплаченный",
        "Здравствуйте, {{ client_name }}!\n\n"
        "бесплатный тестовый период услуги {{ service_name }} ({{ service_id }}) закончился, "
        "начался оплаченный вами период; услуга работает как прежде.\n\n"
        "Ваша услуга: {{ service_url }}" + SIGNATURE,
        "{{ service_name }}: тестовый период закончился, начался оплаченный.",
    ),
    "trial_ended": (
        "Бесплатный период {{ service_name }} закончился",
        "Здравствуйте, {{ client_name }}!\n\n"
        "Бесплатный пробный период услуги {{ service_name }} ({{ service_id }}) закончился. "
        "Спасибо, что попробовали.\n\n"
        "Личный кабинет: {{ client_area_url }}" + SIGNATURE,
        "Пробный период {{ service_name }} закончился.",
    ),
    "contract_renewed": (
        "Договор на услугу {{ service_name }} продлён до {{ on_date }}",
        "Здравствуйте, {{ client_name }}!\n\n"
        "Договор на услугу {{ service_name }} ({{ service_id }}) продлён на следующий срок, "
        "до {{ on_date }}. Любая из сторон может заявить об отказе за 30 дней до окончания "
        "срока.\n\n"
        "Ваша услуга: {{ service_url }}" + SIGNATURE,
        "Договор на {{ service_name }} продлён до {{ on_date }}.",
    ),
    "contract_ended": (
        "Договор на услугу {{ service_name }} заканчивается {{ on_date }}",
        "Здравствуйте, {{ client_name }}!\n\n"
        "В связи с заявлением о расторжении договор на услугу {{ service_name }} "
        "({{ service_id }}) заканчивается {{ on_date }}.\n\n"
        "Ваша услуга: {{ service_url }}" + SIGNATURE,
        "Договор на {{ service_name }} заканчивается {{ on_date }}.",
    ),
    "verification_requested": (
        "Пожалуйста, подтвердите данные учётной записи до {{ on_date }}",
        "Здравствуйте, {{ client_name }}!\n\n"
        "Просим вас подтвердить или дополнить данные вашей учётной записи ({{ client_id }}):"
        "\n\n{{ question }}\n\n"
        "Пожалуйста, ответьте в личном кабинете до {{ on_date }}. Если ответа к этому сроку "
        "не будет, до ответа вы не сможете заказывать и продлевать услуги, а услуги могут "
        "быть приостановлены.\n\n"
        "Ответить в личном кабинете: {{ client_area_url }}" + SIGNATURE,
        "Пожалуйста, ответьте на запрос о проверке данных в личном кабинете до {{ on_date }}.",
    ),
    "verification_overdue": (
        "Пожалуйста, ответьте на запрос о проверке данных",
        "Здравствуйте, {{ client_name }}!\n\n"
        "Мы попросили вас подтвердить данные вашей учётной записи, но ответа не получили. "
        "До ответа вы не можете заказывать и продлевать услуги, а услуги могут быть "
        "приостановлены. Ограничения снимаются после вашего ответа.\n\n"
        "Личный кабинет: {{ client_area_url }}" + SIGNATURE,
        "Пожалуйста, ответьте на запрос о проверке данных в личном кабинете.",
    ),
    "marketing_opt_in_confirm": (
        "Подтвердите, что хотите получать наши предложения и новости",
        "Здравствуйте, {{ client_name }}!\n\n"
        "Вы попросили присылать вам наши предложения и новости по электронной почте. "
        "Подтвердите это, открыв ссылку:\n\n{{ confirm_url }}\n\n"
        "Если вы этого не просили, просто проигнорируйте письмо: рассылки не будет." + SIGNATURE,
        "",
    ),
    "policy_changed": (
        "{{ announcement_subject }}",
        "Здравствуйте, {{ client_name }}!\n\n"
        "{{ announcement_body }}\n\n"
        "{% if on_date %}Изменение вступает в силу {{ on_date }}.\n\n{% endif %}"
        "Личный кабинет: {{ client_area_url }}" + SIGNATURE,
        "{{ announcement_subject }}{% if on_date %} (с {{ on_date }}){% endif %}",
    ),
    "maintenance_planned": (
        "Плановые работы: {{ announcement_subject }}",
        "Здравствуйте, {{ client_name }}!\n\n"
        "{{ announcement_body }}\n\n"
        "{% if starts_at %}Время работ: {{ starts_at }}"
        "{% if ends_at %} – {{ ends_at }}{% endif %}\n\n{% endif %}"
        "Личный кабинет: {{ client_area_url }}" + SIGNATURE,
        "Плановые работы{% if starts_at %} с {{ starts_at }}{% endif %}: "
        "{{ announcement_subject }}",
    ),
    "marketing_announcement": (
        "{{ announcement_subject }}",
        "Здравствуйте, {{ client_name }}!\n\n{{ announcement_body }}" + SIGNATURE + "\n\n"
        "Вы получили это письмо, потому что согласились на наши предложения и новости. "
        "Отписаться: {{ unsubscribe_url }}",
        "{{ announcement_subject }}",
    ),
}

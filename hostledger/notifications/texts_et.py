"""Default message texts in Estonian: event code → (subject, email body, SMS text)."""
# ruff: noqa: RUF001  (Cyrillic letters and dashes are meant)

SIGNATURE = "\n\nLugupidamisega\n{{ provider_name }}"

PAY_BY_TRANSFER = (
    "{% if iban %}\n\nPangaülekandega tasumiseks:\n"
    "Saaja: {{ beneficiary }}\n"
    "IBAN: {{ iban }}{% if bic %}, BIC {{ bic }}{% endif %}"
    "{% if bank_name %} ({{ bank_name }}){% endif %}\n"
    "Summa: {{ amount }}\n"
    "{% if reference_number %}Viitenumber: {{ reference_number }}"
    "{% if creditor_reference %} (välismaalt: {{ creditor_reference }}){% endif %}"
    "{% else %}Selgitus: {{ invoice_number }}{% endif %}{% endif %}"
)

SECURITY_TAIL = "\n\nTeie konto: {{ client_area_url }}" + SIGNATURE

TEXTS: dict[str, tuple[str, str, str]] = {
    "domain_expired": (
        "Teie domeen {{ domain_name }} on aegunud",
        "Tere, {{ client_name }}!\n\n"
        "Teie domeeni {{ domain_name }} registreering aegus {{ on_date }} ja seda ei "
        "pikendatud. Domeeni säilitamiseks tasuge selle pikendamine; pikendamata domeeni "
        "eemaldab register tsoonist ja hiljem kustutab, misjärel võib selle registreerida "
        "igaüks.\n\n"
        "Teie domeen: {{ service_url }}" + SIGNATURE,
        "Domeen {{ domain_name }} aegus {{ on_date }}. Pikendage: {{ service_url }}",
    ),
    "domain_grace": (
        "Teie domeen {{ domain_name }} ei tööta enam",
        "Tere, {{ client_name }}!\n\n"
        "Teie domeen {{ domain_name }}, mis aegus {{ on_date }}, eemaldati tsoonist: selle "
        "all olevad veebilehed ja e-post ei tööta. Lühikest aega saab seda veel tavahinnaga "
        "pikendada.\n\n"
        "Teie domeen: {{ service_url }}" + SIGNATURE,
        "Domeen {{ domain_name }} on tsoonist eemaldatud; pikendage kohe: {{ service_url }}",
    ),
    "domain_redemption": (
        "Teie domeen {{ domain_name }} kustutatakse peagi",
        "Tere, {{ client_name }}!\n\n"
        "Teie domeen {{ domain_name }}, mis aegus {{ on_date }}, on registri "
        "taastamisperioodis: seda saab nüüd ainult taastada, seejärel see kustutatakse. Kui "
        "soovite domeeni säilitada, võtke meiega kohe ühendust.\n\n"
        "Teie domeen: {{ service_url }}" + SIGNATURE,
        "Domeen {{ domain_name }} on taastamisperioodis ja kustutatakse. {{ service_url }}",
    ),
    "domain_deleted": (
        "Teie domeen {{ domain_name }} on kustutatud",
        "Tere, {{ client_name }}!\n\n"
        "Teie domeen {{ domain_name }} kustutati registrist ja igaüks võib selle nüüd "
        "registreerida.\n\n"
        "Teie teenused: {{ client_area_url }}" + SIGNATURE,
        "Domeen {{ domain_name }} kustutati registrist.",
    ),
    "abuse_case_notified": (
        "Kaebus {{ case_id }} teie teenuste kohta",
        "Tere, {{ client_name }}!\n\n"
        "saime kaebuse teie teenuste kohta ({{ case_category }}), juhtum {{ case_id }}. "
        "Palun lugege seda iseteeninduses ning kõrvaldage rikkumine või vastake meile seal "
        "hiljemalt {{ deadline }}. Kui rikkumist selleks ajaks kõrvaldatud ei ole, "
        "peatatakse asjaomased teenused kasutustingimuste alusel.\n\n"
        "Teie kaebused: {{ client_area_url }}" + SIGNATURE,
        "Kaebus {{ case_id }}: palun tegutsege hiljemalt {{ deadline }}. Vt iseteenindust.",
    ),
    "abuse_services_suspended": (
        "Teenused peatatud: kaebus {{ case_id }}",
        "Tere, {{ client_name }}!\n\n"
        "kaebuse {{ case_id }} ({{ case_category }}) rikkumist ei kõrvaldatud tähtajaks, "
        "seega on asjaomased teenused peatatud. Kui olete rikkumise kõrvaldanud, vastake "
        "iseteeninduses koos tõendiga ja me tühistame piirangu.\n\n"
        "Teie kaebused: {{ client_area_url }}" + SIGNATURE,
        "Teenused peatati kaebuse {{ case_id }} tõttu. Vt iseteenindust.",
    ),
    "abuse_case_lifted": (
        "Kaebus {{ case_id }} on lõpetatud",
        "Tere, {{ client_name }}!\n\n"
        "kaebus {{ case_id }} on lõpetatud ja selle tõttu peatatud teenused töötavad "
        "taas.\n\n"
        "Teie kaebused: {{ client_area_url }}" + SIGNATURE,
        "Kaebus {{ case_id }} on lõpetatud.",
    ),
    "renewal_invoice_issued": (
        "Arve {{ invoice_number }} teenuste pikendamiseks",
        "Tere, {{ client_name }}!\n\n"
        "Koostasime teie teenuste järgmise perioodi eest arve {{ invoice_number }} summas "
        "{{ amount }}. Palun tasuge see hiljemalt {{ on_date }}.\n\n"
        "Arve vaatamine ja tasumine: {{ invoice_url }}" + PAY_BY_TRANSFER + SIGNATURE,
        "Arve {{ invoice_number }}: {{ amount }}, maksetähtaeg {{ on_date }}. {{ invoice_url }}",
    ),
    "payment_reminder": (
        "Meeldetuletus: arve {{ invoice_number }} maksetähtaeg on {{ on_date }}",
        "Tere, {{ client_name }}!\n\n"
        "Arve {{ invoice_number }} summas {{ amount }} maksetähtaeg on {{ on_date }} ja see on "
        "veel tasumata. Kui olete arve juba tasunud, pole sellele kirjale vaja vastata.\n\n"
        "Arve vaatamine ja tasumine: {{ invoice_url }}" + PAY_BY_TRANSFER + SIGNATURE,
        "Meeldetuletus: arve {{ invoice_number }}, {{ amount }}, tähtaeg {{ on_date }}.",
    ),
    "payment_reversed": (
        "Makse summas {{ amount }} tühistati",
        "Tere, {{ client_name }}!\n\n"
        "Teie kontole kirjendatud makse summas {{ amount }} tühistati {{ on_date }} (pank "
        "võttis selle tagasi või see oli kirjendatud ekslikult), seega vähendati teie saldot "
        "selle summa võrra. Kui saldo on nüüd negatiivne, tuleb vahe tasuda nagu iga muu "
        "tasumata summa.\n\n"
        "Teie saldo: {{ client_area_url }}" + SIGNATURE,
        "Makse summas {{ amount }} tühistati {{ on_date }}; vaadake oma saldot.",
    ),
    "suspension_warning": (
        "Teie teenused peatatakse {{ on_date }}",
        "Tere, {{ client_name }}!\n\n"
        "Arve {{ invoice_number }} summas {{ amount }} on tähtajaks tasumata. Kui arvet ei "
        "tasuta, peatatakse sellega seotud teenused {{ on_date }}. Teenuse peatamise aeg on "
        "samuti tasuline.\n\n"
        "Arve tasumine: {{ invoice_url }}" + PAY_BY_TRANSFER + SIGNATURE,
        "Arve {{ invoice_number }} ({{ amount }}) on tasumata: teenused peatatakse "
        "{{ on_date }}, kui arvet ei tasuta.",
    ),
    "vat_rate_changed": (
        "Arve {{ invoice_number }}: käibemaksumäär muutus, tasuda {{ amount }}",
        "Tere, {{ client_name }}!\n\n"
        "Teie makse laekus {{ on_date }}, kui kehtis uus käibemaksumäär, seega arvestab arve "
        "{{ invoice_number }} käibemaksu selle määra järgi ja arve summa on "
        "{{ invoice_total }}. Vahe {{ amount }} jäi makstust katmata ja on tasumisele kuuluv "
        "võlg teie saldol.\n\n"
        "Vaata arvet: {{ invoice_url }}" + SIGNATURE,
        "Arve {{ invoice_number }}: uus käibemaksumäär, tasuda {{ amount }}. {{ invoice_url }}",
    ),
    "service_renewed": (
        "{{ service_name }} on pikendatud kuni {{ on_date }}",
        "Tere, {{ client_name }}!\n\n"
        "Teie teenus {{ service_name }} ({{ service_id }}) on pikendatud kuni {{ on_date }}; "
        "tasu {{ amount }} on arvestatud.\n\n"
        "Teie teenus: {{ service_url }}" + SIGNATURE,
        "{{ service_name }} on pikendatud kuni {{ on_date }} ({{ amount }}).",
    ),
    "service_suspended": (
        "{{ service_name }} on maksmata arve tõttu peatatud",
        "Tere, {{ client_name }}!\n\n"
        "Teie teenus {{ service_name }} ({{ service_id }}) on peatatud, sest arve "
        "{{ invoice_number }} summas {{ amount }} on tasumata. Teenus taastub automaatselt "
        "pärast võla tasumist; peatamise aeg on samuti tasuline.\n\n"
        "Arve tasumine: {{ invoice_url }}" + SIGNATURE,
        "{{ service_name }} on peatatud: arve {{ invoice_number }} ({{ amount }}) on tasumata.",
    ),
    "service_suspended_verification": (
        "{{ service_name }} on peatatud kuni vastate andmete kontrollimise päringule",
        "Tere, {{ client_name }}!\n\n"
        "Teie teenuse {{ service_name }} ({{ service_id }}) periood on lõppenud ja seda ei "
        "saanud pikendada, sest meie päring teie konto andmete kontrollimiseks on vastuseta. "
        "Teenus on peatatud. Pärast teie vastust piirang kaob, pikendus arveldatakse alates "
        "viimase tasutud perioodi lõpust (peatamise aeg on samuti tasuline) ja teenus taastub "
        "pärast selle tasumist.\n\n"
        "Päringule vastamine: {{ client_area_url }}" + SIGNATURE,
        "{{ service_name }} on peatatud: palun vastake andmete kontrollimise päringule.",
    ),
    "service_resumed": (
        "{{ service_name }} töötab taas",
        "Tere, {{ client_name }}!\n\n"
        "Täname makse eest. Teie teenus {{ service_name }} ({{ service_id }}) on taastatud.\n\n"
        "Teie teenus: {{ service_url }}" + SIGNATURE,
        "{{ service_name }} on taastatud. Täname makse eest.",
    ),
    "service_terminated": (
        "Teenuse {{ service_name }} leping on lõpetatud",
        "Tere, {{ client_name }}!\n\n"
        "Teie teenuse {{ service_name }} ({{ service_id }}) leping on maksete puudumise tõttu "
        "lõpetatud.{% if amount %} Võlg summas {{ amount }} jääb tasumisele.{% endif %}\n\n"
        "Otsus valmistati ette automaatselt ja kinnitati meie tingimuste alusel. Teil on "
        "õigus nõuda, et otsuse vaataks üle inimene: vastake sellele kirjale või kirjutage "
        "meile kliendikeskkonnast.\n\n"
        "Kliendikeskkond: {{ client_area_url }}" + SIGNATURE,
        "Teenuse {{ service_name }} leping on lõpetatud.{% if amount %} Võlg: {{ amount }}."
        "{% endif %} Võite nõuda otsuse ülevaatamist inimese poolt.",
    ),
    "trial_ending": (
        "Teenuse {{ service_name }} tasuta prooviperiood lõpeb {{ on_date }}",
        "Tere, {{ client_name }}!\n\n"
        "Teenuse {{ service_name }} ({{ service_id }}) tasuta prooviperiood lõpeb "
        "{{ on_date }}. Teenuse jätkamiseks valige kliendikeskkonnas tasuline jätkamine.\n\n"
        "Teie teenus: {{ service_url }}" + SIGNATURE,
        "Teenuse {{ service_name }} prooviperiood lõpeb {{ on_date }}.",
    ),
    "trial_converted": (
        "{{ service_name }}: tasuta prooviperiood lõppes, tasutud periood algas",
        "Tere, {{ client_name }}!\n\n"
        "teenuse {{ service_name }} ({{ service_id }}) tasuta prooviperiood on lõppenud ja "
        "teie tasutud periood on alanud; teenus töötab edasi nagu seni.\n\n"
        "Teie teenus: {{ service_url }}" + SIGNATURE,
        "{{ service_name }}: prooviperiood lõppes, tasutud periood algas.",
    ),
    "trial_ended": (
        "Teenuse {{ service_name }} tasuta prooviperiood on lõppenud",
        "Tere, {{ client_name }}!\n\n"
        "Teenuse {{ service_name }} ({{ service_id }}) tasuta prooviperiood on lõppenud. "
        "Täname, et proovisite.\n\n"
        "Kliendikeskkond: {{ client_area_url }}" + SIGNATURE,
        "Teenuse {{ service_name }} prooviperiood on lõppenud.",
    ),
    "contract_renewed": (
        "Teenuse {{ service_name }} leping on pikendatud kuni {{ on_date }}",
        "Tere, {{ client_name }}!\n\n"
        "Teenuse {{ service_name }} ({{ service_id }}) leping on pikendatud järgmiseks "
        "perioodiks kuni {{ on_date }}. Kumbki pool võib lepingu üles öelda 30 päeva enne "
        "perioodi lõppu.\n\n"
        "Teie teenus: {{ service_url }}" + SIGNATURE,
        "Teenuse {{ service_name }} leping on pikendatud kuni {{ on_date }}.",
    ),
    "contract_ended": (
        "Teenuse {{ service_name }} leping lõpeb {{ on_date }}",
        "Tere, {{ client_name }}!\n\n"
        "Vastavalt ülesütlemisele lõpeb teenuse {{ service_name }} ({{ service_id }}) leping "
        "{{ on_date }}.\n\n"
        "Teie teenus: {{ service_url }}" + SIGNATURE,
        "Teenuse {{ service_name }} leping lõpeb {{ on_date }}.",
    ),
    "verification_requested": (
        "Palun kinnitage oma konto andmed hiljemalt {{ on_date }}",
        "Tere, {{ client_name }}!\n\n"
        "Palume teil kinnitada või täiendada oma konto ({{ client_id }}) andmeid:\n\n"
        "{{ question }}\n\n"
        "Palun vastake kliendikeskkonnas hiljemalt {{ on_date }}. Kui vastust selleks ajaks "
        "ei ole, ei saa te kuni vastamiseni teenuseid tellida ega pikendada ning teenuseid "
        "võidakse peatada.\n\n"
        "Vastake kliendikeskkonnas: {{ client_area_url }}" + SIGNATURE,
        "Palun vastake kliendikeskkonnas meie andmete kontrollimise päringule hiljemalt "
        "{{ on_date }}.",
    ),
    "verification_overdue": (
        "Palun vastake meie andmete kontrollimise päringule",
        "Tere, {{ client_name }}!\n\n"
        "Palusime teil kinnitada oma konto andmed, kuid vastust pole saabunud. Kuni vastuse "
        "saamiseni ei saa te teenuseid tellida ega pikendada ning teenuseid võidakse peatada. "
        "Piirangud kaovad pärast teie vastust.\n\n"
        "Kliendikeskkond: {{ client_area_url }}" + SIGNATURE,
        "Palun vastake kliendikeskkonnas meie andmete kontrollimise päringule.",
    ),
    "privacy_request_received": (
        "Saime teie andmekaitsetaotluse {{ request_id }}",
        "Tere, {{ client_name }}!\n\n"
        "Saime teie andmekaitsetaotluse {{ request_id }}. Vastame sellele hiljemalt "
        "{{ on_date }}. Kui peame kontrollima, et taotlus on teilt, anname teada, kuidas.\n\n"
        "Teie taotlused: {{ client_area_url }}" + SIGNATURE,
        "Saime teie andmekaitsetaotluse {{ request_id }}; vastame hiljemalt {{ on_date }}.",
    ),
    "privacy_request_extended": (
        "Vajame teie taotlusele {{ request_id }} vastamiseks rohkem aega",
        "Tere, {{ client_name }}!\n\n"
        "Vajame teie andmekaitsetaotlusele {{ request_id }} vastamiseks rohkem aega. Vastame "
        "hiljemalt {{ on_date }}.\n\nPõhjus: {{ reason }}\n\n"
        "Teie taotlused: {{ client_area_url }}" + SIGNATURE,
        "Vastame teie andmekaitsetaotlusele {{ request_id }} hiljemalt {{ on_date }}.",
    ),
    "privacy_request_completed": (
        "Teie andmekaitsetaotlusele {{ request_id }} on vastatud",
        "Tere, {{ client_name }}!\n\n"
        "Vastasime teie andmekaitsetaotlusele {{ request_id }}. Vastust näete "
        "iseteeninduses.\n\n"
        "Teie taotlused: {{ client_area_url }}" + SIGNATURE,
        "Teie andmekaitsetaotlusele {{ request_id }} on vastatud; vt iseteenindust.",
    ),
    "privacy_request_refused": (
        "Teie andmekaitsetaotlus {{ request_id }} jäeti rahuldamata",
        "Tere, {{ client_name }}!\n\n"
        "Me ei saa teie andmekaitsetaotlust {{ request_id }} täita.\n\n"
        "Põhjus: {{ reason }}\n\n"
        "Teil on õigus esitada kaebus andmekaitse järelevalveasutusele või pöörduda "
        "kohtusse.\n\n"
        "Teie taotlused: {{ client_area_url }}" + SIGNATURE,
        "Teie andmekaitsetaotlus {{ request_id }} jäeti rahuldamata; vt iseteenindust.",
    ),
    "ticket_answered": (
        "[{{ ticket_number }}] {{ ticket_subject }}",
        "Tere, {{ client_name }}!\n\n"
        "{{ ticket_reply }}\n\n"
        "---\n"
        "Vastake sellele kirjale, et lisada pöördumisele {{ ticket_number }}, või lugege seda "
        "kliendialas: {{ ticket_url }}" + SIGNATURE,
        "Vastasime teie pöördumisele {{ ticket_number }}: {{ ticket_url }}",
    ),
    "privacy_data_rectified": (
        "Parandasime teie konto andmeid",
        "Tere, {{ client_name }}!\n\n"
        "Parandasime teie konto ({{ client_id }}) andmeid.\n\nPõhjus: {{ reason }}\n\n"
        "Juba väljastatud arved ja muud dokumendid jäävad väljastamisaegsete andmetega.\n\n"
        "Teie profiil: {{ client_area_url }}" + SIGNATURE,
        "Parandasime teie konto {{ client_id }} andmeid.",
    ),
    "marketing_opt_in_confirm": (
        "Palun kinnitage, et soovite meie pakkumisi ja uudiseid",
        "Tere, {{ client_name }}!\n\n"
        "Soovisite saada meilt e-postiga pakkumisi ja uudiseid. Palun kinnitage see, avades "
        "lingi:\n\n{{ confirm_url }}\n\n"
        "Kui te seda ei soovinud, jätke kiri tähelepanuta: te ei saa meilt pakkumisi." + SIGNATURE,
        "",
    ),
    "policy_changed": (
        "{{ announcement_subject }}",
        "Tere, {{ client_name }}!\n\n"
        "{{ announcement_body }}\n\n"
        "{% if on_date %}Muudatus jõustub {{ on_date }}.\n\n{% endif %}"
        "Kliendikeskkond: {{ client_area_url }}" + SIGNATURE,
        "{{ announcement_subject }}{% if on_date %} (alates {{ on_date }}){% endif %}",
    ),
    "maintenance_planned": (
        "Planeeritud hooldustööd: {{ announcement_subject }}",
        "Tere, {{ client_name }}!\n\n"
        "{{ announcement_body }}\n\n"
        "{% if starts_at %}Hooldusaeg: {{ starts_at }}"
        "{% if ends_at %} – {{ ends_at }}{% endif %}\n\n{% endif %}"
        "Kliendikeskkond: {{ client_area_url }}" + SIGNATURE,
        "Planeeritud hooldustööd{% if starts_at %} alates {{ starts_at }}{% endif %}: "
        "{{ announcement_subject }}",
    ),
    "marketing_announcement": (
        "{{ announcement_subject }}",
        "Tere, {{ client_name }}!\n\n{{ announcement_body }}" + SIGNATURE + "\n\n"
        "Saate selle kirja, sest nõustusite meie pakkumiste ja uudistega. "
        "Loobu: {{ unsubscribe_url }}",
        "{{ announcement_subject }}",
    ),
    "order_received": (
        "Tellimus {{ order_id }} on vastu võetud: {{ service_name }}",
        "Tere, {{ client_name }}!\n\n"
        "Täname tellimuse {{ order_id }} eest: {{ service_name }}, esimese perioodi eest "
        "{{ amount }}. {% if order_paid %}See tasuti teie saldost ja teenust seadistatakse "
        "kohe.{% else %}Ettemaksuarve {{ invoice_number }} ootab tasumist; teenus "
        "seadistatakse pärast selle tasumist.{% endif %}\n\n"
        "Teie tellimus ja teenus: {{ service_url }}" + SIGNATURE,
        "Tellimus {{ order_id }} on vastu võetud: {{ service_name }}.",
    ),
    "proforma_issued": (
        "Ettemaksuarve {{ invoice_number }}: {{ amount }}, tähtaeg {{ on_date }}",
        "Tere, {{ client_name }}!\n\n"
        "Koostasime ettemaksuarve {{ invoice_number }} summas {{ amount }}. Palun tasuge "
        "see hiljemalt {{ on_date }}; arvel olev algab pärast tasumist.\n\n"
        "Arve vaatamine ja tasumine: {{ invoice_url }}" + PAY_BY_TRANSFER + SIGNATURE,
        "Ettemaksuarve {{ invoice_number }}: {{ amount }}, tähtaeg {{ on_date }}. "
        "{{ invoice_url }}",
    ),
    "payment_received": (
        "Makse on laekunud: {{ amount }}",
        "Tere, {{ client_name }}!\n\n"
        "Täname, teie makse on laekunud.\n\n"
        "Summa: {{ amount }}\n"
        "Kuupäev: {{ on_date }}\n"
        "Viide: {{ payment_reference }}\n"
        "Teie saldo nüüd: {{ balance }}\n\n"
        "Teie konto väljavõte: {{ client_area_url }}" + SIGNATURE,
        "Makse {{ amount }} laekus {{ on_date }}. Saldo: {{ balance }}.",
    ),
    "service_activated": (
        "Tere tulemast: {{ service_name }} on aktiivne",
        "Tere, {{ client_name }}!\n\n"
        "Teie teenus {{ service_name }} ({{ service_id }}) on aktiivne. Juurdepääsuandmed "
        "leiate kliendiala teenuse lehelt; teie turvalisuse huvides ei saada me paroole "
        "e-postiga.\n\n"
        "Teie teenus: {{ service_url }}" + SIGNATURE,
        "{{ service_name }} on aktiivne. Juurdepääsuandmed: kliendialas.",
    ),
    "service_suspended_by_staff": (
        "{{ service_name }} on peatatud",
        "Tere, {{ client_name }}!\n\n"
        "Teie teenus {{ service_name }} ({{ service_id }}) peatati {{ on_date }}. Põhjuse "
        "ja edasised sammud leiate kliendiala teenuse lehelt; küsimuste korral võtke meiega "
        "ühendust.\n\n"
        "Teie teenus: {{ service_url }}" + SIGNATURE,
        "{{ service_name }} on peatatud. Vaadake kliendiala.",
    ),
    "service_resumed_by_staff": (
        "{{ service_name }} töötab taas",
        "Tere, {{ client_name }}!\n\n"
        "Teie teenus {{ service_name }} ({{ service_id }}) taastati {{ on_date }}.\n\n"
        "Teie teenus: {{ service_url }}" + SIGNATURE,
        "{{ service_name }} on taastatud.",
    ),
    "interruption_confirmed": (
        "Kinnitasime teenuse {{ service_name }} katkestuse",
        "Tere, {{ client_name }}!\n\n"
        "kinnitasime Teie teate, et teenus {{ service_name }} ({{ service_id }}) on katkenud; "
        "katkestust arvestatakse meie kinnitusest {{ on_date }} kuni teatame teenuse "
        "taastumisest.\n\n"
        "Teie teated: {{ client_area_url }}" + SIGNATURE,
        "Teenuse {{ service_name }} katkestus on kinnitatud.",
    ),
    "interruption_restored": (
        "{{ service_name }} töötab taas",
        "Tere, {{ client_name }}!\n\n"
        "Teie teenus {{ service_name }} ({{ service_id }}) töötab taas alates {{ on_date }}. "
        "Katkestus ja selle arvestatud aeg on kliendikeskkonnas; hüvitis, kui see on ette "
        "nähtud, kantakse kuu lõppedes.\n\n"
        "Teie teenus: {{ service_url }}" + SIGNATURE,
        "{{ service_name }} töötab taas.",
    ),
    "interruption_rejected": (
        "Me ei saanud teenuse {{ service_name }} katkestust kinnitada",
        "Tere, {{ client_name }}!\n\n"
        "vaatasime üle Teie teate, et teenus {{ service_name }} ({{ service_id }}) on katkenud, "
        "ega saanud seda {{ on_date }} kinnitada: {{ reason }}\n\n"
        "Kui teenus ei tööta endiselt, teatage uuesti või vastake pöördumises.\n\n"
        "Teie teated: {{ client_area_url }}" + SIGNATURE,
        "Teenuse {{ service_name }} katkestust ei kinnitatud: {{ reason }}",
    ),
    "trial_started": (
        "Teenuse {{ service_name }} tasuta prooviperiood algas",
        "Tere, {{ client_name }}!\n\n"
        "Teenuse {{ service_name }} ({{ service_id }}) tasuta prooviperiood algas ja kestab "
        "kuni {{ on_date }}. Juurdepääsuandmed leiate kliendiala teenuse lehelt. Kui soovite "
        "teenust pärast prooviperioodi jätkata, tellige jätk seal enne prooviperioodi lõppu; "
        "muidu teenus lõpeb ise ja tasu ei võeta.\n\n"
        "Teie teenus: {{ service_url }}" + SIGNATURE,
        "Teenuse {{ service_name }} prooviperiood algas, kuni {{ on_date }}.",
    ),
    "password_changed": (
        "Teie parool muudeti",
        "Tere, {{ client_name }}!\n\n"
        "Teie konto ({{ client_id }}) parool muudeti {{ occurred_at }}.\n\n"
        "Kui see polnud teie, lähtestage parool kohe ja võtke meiega ühendust." + SECURITY_TAIL,
        "Teie {{ provider_name }} parool muudeti. Polnud teie? Võtke kohe ühendust.",
    ),
    "email_changed": (
        "Teie konto e-posti aadress muudeti",
        "Tere, {{ client_name }}!\n\n"
        "E-posti aadress, millega teie kontole ({{ client_id }}) sisse logite, muudeti "
        "{{ occurred_at }}. Saadame selle teate nii uuele kui ka varasemale aadressile.\n\n"
        "Kui see polnud teie, võtke meiega kohe ühendust." + SECURITY_TAIL,
        "Teie {{ provider_name }} konto e-post muudeti. Polnud teie? Võtke ühendust.",
    ),
    "two_factor_enabled": (
        "Kaheastmeline autentimine on sisse lülitatud",
        "Tere, {{ client_name }}!\n\n"
        "Teie konto ({{ client_id }}) kaheastmeline autentimine lülitati sisse "
        "{{ occurred_at }}. Hoidke taastekoode turvalises kohas.\n\n"
        "Kui see polnud teie, võtke meiega kohe ühendust." + SECURITY_TAIL,
        "Kaheastmeline autentimine lülitati sisse. Polnud teie? Võtke ühendust.",
    ),
    "two_factor_disabled": (
        "Kaheastmeline autentimine lülitati välja",
        "Tere, {{ client_name }}!\n\n"
        "Teie konto ({{ client_id }}) kaheastmeline autentimine lülitati välja "
        "{{ occurred_at }}. Kontot kaitseb nüüd ainult parool.\n\n"
        "Kui see polnud teie, muutke parooli ja võtke meiega kohe ühendust." + SECURITY_TAIL,
        "Kaheastmeline autentimine lülitati välja. Polnud teie? Võtke kohe ühendust.",
    ),
    "recovery_codes_regenerated": (
        "Loodi uued taastekoodid",
        "Tere, {{ client_name }}!\n\n"
        "Teie kontole ({{ client_id }}) loodi {{ occurred_at }} uued kaheastmelise "
        "autentimise taastekoodid; varasemad koodid enam ei kehti.\n\n"
        "Kui see polnud teie, muutke parooli ja võtke meiega kohe ühendust." + SECURITY_TAIL,
        "Loodi uued taastekoodid. Polnud teie? Võtke ühendust.",
    ),
    "price_change_announced": (
        "{{ product_name }} hind muutub alates {{ on_date }}",
        "Tere, {{ client_name }}!\n\n"
        "Teie kasutatava teenuse {{ product_name }} kuutasu muutub: {{ old_fee }} asemel "
        "{{ new_fee }} (käibemaksuta). Uus tasu kehtib teie jaoks alates esimesest "
        "arveldusperioodist, mis algab {{ on_date }} või hiljem.\n\n"
        "Kui te muudatusega ei nõustu, võite teenuse enne muudatuse jõustumist kliendialas "
        "lõpetada.\n\n"
        "Teie teenused: {{ client_area_url }}" + SIGNATURE,
        "{{ product_name }}: kuutasu {{ new_fee }} (varem {{ old_fee }}) alates {{ on_date }}.",
    ),
    "processing_restricted": (
        "Teie isikuandmete töötlemine on piiratud",
        "Tere, {{ client_name }}!\n\n"
        "Alates {{ on_date }} piirame teie konto ({{ client_id }}) isikuandmete töötlemist: "
        "hoiame neid ja kasutame ainult õigusnõuete kaitsmiseks ega saada teile pakkumisi "
        "ega uudiseid, kuni piirang on lõpetatud. Anname teile enne piirangu lõpetamist "
        "teada.\n\n"
        "Kliendikeskkond: {{ client_area_url }}" + SIGNATURE,
        "Teie isikuandmete töötlemine on piiratud alates {{ on_date }}.",
    ),
    "processing_restriction_lifted": (
        "Teie isikuandmete töötlemise piirang on lõpetatud",
        "Tere, {{ client_name }}!\n\n"
        "Alates {{ on_date }} on teie konto ({{ client_id }}) isikuandmete töötlemise "
        "piirang lõpetatud.\n\n"
        "Kliendikeskkond: {{ client_area_url }}" + SIGNATURE,
        "Teie isikuandmete töötlemise piirang on lõpetatud alates {{ on_date }}.",
    ),
    "ip_usage_below_minimum": (
        "Liiga vähe teie IP-aadressidest {{ network }} on kasutusel",
        "Tere, {{ client_name }}!\n\n"
        "Teie teenusele {{ service_id }} eraldatud võrgu {{ network }} "
        "{{ addresses_allocated }} IP-aadressist on kasutusel {{ addresses_in_use }}. "
        "Meie tingimused (ja RIPE NCC reeglid) nõuavad, et kasutusel oleks vähemalt "
        "{{ required_percent }} % neist.\n\n"
        "Palun võtke aadressid kasutusele, teatage nende kasutusest kliendialas või "
        "loobuge mittevajalikest hiljemalt {{ on_date }}. Pärast seda võime need tagasi "
        "võtta.\n\n"
        "Teie IP-aadressid: {{ client_area_url }}" + SIGNATURE,
        "Võrgust {{ network }} on kasutusel {{ addresses_in_use }}/{{ addresses_allocated }} "
        "aadressi; nõutud {{ required_percent }} % hiljemalt {{ on_date }}.",
    ),
}

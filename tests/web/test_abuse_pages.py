"""The abuse desk's pages with hostile and malformed input (ABU-01): HTML and script in a
report are shown as text, a file lying about its type is refused with the field named and
nothing written, the public form's limit answers 429, and the client never sees the
reporter or staff notes."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hostledger.abuse.actions import abuse_case_note_add, abuse_case_notify
from hostledger.abuse.intake import abuse_case_open
from hostledger.abuse.models import AbuseCase, Category, Source
from hostledger.core.registry import provider_setting_change
from tests.web.conftest import login, make_staff_user

SCRIPT = "<script>alert('xss')</script>"


def _case(client, text=SCRIPT + " spam"):
    return abuse_case_open(
        source=Source.STAFF,
        category=Category.SPAM,
        text=text,
        subject="<b>bold</b> subject",
        reporter_name="Rene Reporter",
        reporter_email="rene@reports.example",
        client=client,
    )


def test_script_in_a_report_is_shown_as_text_to_staff_and_client__ABU_01(client_a, owner_a, client):
    officer = make_staff_user("abuse")
    case = abuse_case_notify(case=_case(client_a), actor=officer)
    abuse_case_note_add(case=case, actor=officer, note="Internal: reporter is reliable.")

    staff_page = login(client, officer).get(reverse("web:staff_abuse_case", args=[case.public_id]))
    assert staff_page.status_code == 200
    body = staff_page.content.decode()
    assert SCRIPT not in body and "&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;" in body
    assert "&lt;b&gt;bold&lt;/b&gt;" in body
    assert "rene@reports.example" in body

    client.logout()
    page = login(client, owner_a).get(reverse("web:abuse_case_detail", args=[case.public_id]))
    body = page.content.decode()
    assert SCRIPT not in body and "&lt;script&gt;" in body
    assert "rene@reports.example" not in body and "Rene Reporter" not in body
    assert "Internal: reporter is reliable." not in body


def test_a_new_case_is_not_shown_to_the_client_yet__ABU_01(client_a, owner_a, client):
    case = _case(client_a)
    page = login(client, owner_a).get(reverse("web:abuse_case_detail", args=[case.public_id]))
    assert page.status_code == 404


def test_a_file_lying_about_its_type_is_refused_on_the_public_form__ABU_01(db, client):
    upload = SimpleUploadedFile("cat.png", b"MZ\x90\x00 not a picture", content_type="image/png")
    response = client.post(
        reverse("web:abuse_report"),
        {"category": "spam", "text": "See attached.", "files": [upload]},
    )
    assert response.status_code == 400
    assert "application/x-msdownload" in response.content.decode()
    assert AbuseCase.objects.count() == 0


def test_the_public_form_answers_429_beyond_the_hourly_limit__ABU_01(db, client):
    provider_setting_change(
        key="abuse.intake_reports_per_hour", raw_value="1", actor=None, reason="test"
    )
    data = {"category": "spam", "text": "Spam."}
    first = client.post(reverse("web:abuse_report"), data)
    assert first.status_code == 200 and "reference" in first.content.decode()
    second = client.post(reverse("web:abuse_report"), data)
    assert second.status_code == 429
    assert "Too many reports" in second.content.decode()
    assert AbuseCase.objects.count() == 1


def test_a_bad_category_names_the_field__ABU_01(db, client):
    response = client.post(reverse("web:abuse_report"), {"category": "gossip", "text": "x"})
    assert response.status_code == 400
    assert AbuseCase.objects.count() == 0


def _queries(http, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert http.get(url).status_code == 200
    return len(queries)


def test_abuse_lists_make_as_many_queries_for_many_cases_as_for_few__ABU_01(
    client_a, owner_a, client
):
    officer = make_staff_user("abuse")
    cases = [abuse_case_notify(case=_case(client_a), actor=officer) for _ in range(2)]
    staff_http = login(client, officer)
    staff_few = _queries(staff_http, reverse("web:staff_abuse_queue"))
    detail_few = _queries(staff_http, reverse("web:staff_abuse_case", args=[cases[0].public_id]))
    client.logout()
    client_few = _queries(login(client, owner_a), reverse("web:abuse_case_list"))
    for _ in range(10):
        case = abuse_case_notify(case=_case(client_a), actor=officer)
        abuse_case_note_add(case=case, actor=officer, note="More.")
        abuse_case_note_add(case=cases[0], actor=officer, note="More on the first.")
    client.logout()
    assert _queries(login(client, owner_a), reverse("web:abuse_case_list")) == client_few
    client.logout()
    staff_http = login(client, officer)
    assert _queries(staff_http, reverse("web:staff_abuse_queue")) == staff_few
    assert (
        _queries(staff_http, reverse("web:staff_abuse_case", args=[cases[0].public_id]))
        == detail_few
    )

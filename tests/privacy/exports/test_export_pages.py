"""The client area's "Your data" pages: request, progress, download after re-authentication,
and the public JSON Schema (GDPR-02)."""

from __future__ import annotations

import io
import json
import time
import zipfile

from django.urls import reverse

from hostledger.core.models import AuditEvent
from hostledger.privacy.models import PersonalDataExport
from hostledger.privacy.portable import export_schema, published_schema
from tests.privacy.export_helpers import BUILD_TASK, built_export
from tests.queued_tasks import run_queued_tasks
from tests.web.conftest import login

PASSWORD = "a long and careful passphrase"


def reauthenticated(http, user):
    """Sign ``user`` in and record a fresh re-authentication in the session, as allauth's
    re-authentication form does."""
    login(http, user)
    session = http.session
    session["account_authentication_methods_user"] = str(user.pk)
    session["account_authentication_methods"] = [
        {"method": "password", "at": time.time(), "reauthenticated": True}
    ]
    session.save()
    return http


def test_owner_requests_an_export_and_sees_its_progress__GDPR_02(client, client_a, owner_a):
    http = login(client, owner_a)

    page = http.get(reverse("web:personal_data"))
    assert page.status_code == 200
    assert b"Prepare a copy of my data" in page.content
    response = http.post(reverse("web:personal_data"))

    export = PersonalDataExport.objects.get(client=client_a)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:personal_data_export", args=[export.public_id])
    queued = http.get(response["Location"])
    assert b'hx-trigger="every 2s"' in queued.content
    assert b"Queued" in queued.content
    assert run_queued_tasks(BUILD_TASK) == 1
    ready = http.get(response["Location"], HTTP_HX_REQUEST="true")
    assert ready.status_code == 200
    assert b"hx-trigger" not in ready.content
    assert b"Download the ZIP" in ready.content
    assert ready.content.lstrip().startswith(b'<div id="export-progress"')


def test_download_asks_to_reauthenticate_first__GDPR_02(client, client_a, owner_a):
    owner_a.set_password(PASSWORD)
    owner_a.save()
    export = built_export(client_a, owner_a)
    url = reverse("web:personal_data_export_download", args=[export.public_id])

    response = login(client, owner_a).get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not AuditEvent.objects.filter(action="personal_data_export.downloaded").exists()
    export.refresh_from_db()
    assert export.downloads == 0


def test_download_after_reauthentication_is_the_zip_as_an_attachment__GDPR_02(
    client, client_a, owner_a
):
    owner_a.set_password(PASSWORD)
    owner_a.save()
    export = built_export(client_a, owner_a)
    url = reverse("web:personal_data_export_download", args=[export.public_id])

    response = reauthenticated(client, owner_a).get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == (
        f'attachment; filename="personal-data-{client_a.public_id}-'
        f'{export.finished_at.date().isoformat()}.zip"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    content = b"".join(response.streaming_content)
    assert len(content) == export.file_size == int(response["Content-Length"])
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert "personal-data.json" in archive.namelist()
    assert (
        AuditEvent.objects.filter(
            action="personal_data_export.downloaded", actor=owner_a, object_id=export.public_id
        ).count()
        == 1
    )


def test_trusted_users_and_other_clients_cannot_see_or_download__GDPR_02(
    client, client_a, owner_a, readonly_user, owner_b
):
    export = built_export(client_a, owner_a)
    detail = reverse("web:personal_data_export", args=[export.public_id])
    download = reverse("web:personal_data_export_download", args=[export.public_id])

    other = reauthenticated(client, owner_b)
    assert other.get(detail).status_code == 404
    assert other.get(download).status_code == 404
    trusted = login(client, readonly_user, client_public_id=client_a.public_id)
    assert trusted.get(reverse("web:personal_data")).status_code == 403
    assert trusted.get(detail).status_code == 403
    assert trusted.post(reverse("web:personal_data")).status_code == 403
    assert PersonalDataExport.objects.count() == 1
    export.refresh_from_db()
    assert export.downloads == 0


def test_expired_export_is_not_downloaded__GDPR_02(client, client_a, owner_a):
    export = built_export(client_a, owner_a)
    PersonalDataExport.objects.filter(pk=export.pk).update(status=PersonalDataExport.Status.EXPIRED)

    response = reauthenticated(client, owner_a).get(
        reverse("web:personal_data_export_download", args=[export.public_id])
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("web:personal_data_export", args=[export.public_id])
    assert not AuditEvent.objects.filter(action="personal_data_export.downloaded").exists()


def test_schema_is_published_with_its_own_address_as_id__GDPR_02(client, db):
    response = client.get("/privacy/export-schema.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/schema+json"
    schema = json.loads(response.content)
    assert schema["$id"] == "http://testserver/privacy/export-schema.json"
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert "portable" in schema["properties"]


def test_published_schema_file_is_the_one_the_models_make__GDPR_02():
    """Regenerate with hostledger.privacy.portable.write_schema_file() after a change."""
    assert published_schema() == json.loads(json.dumps(export_schema()))

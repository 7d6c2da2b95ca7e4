"""Ticket attachments (SUP-01): size, count and type limits, the type recognised from the
content and never from the sender's claim, bytes kept once per client, encrypted."""

from __future__ import annotations

import pytest
from django.db import connection

from hostledger.core.errors import DomainError
from hostledger.core.registry import provider_setting_change
from hostledger.support import actions
from hostledger.support.actions import AttachmentUpload
from hostledger.support.models import Attachment, AttachmentContent, Ticket
from hostledger.support.selectors import attachment_bytes
from hostledger.support.sniffing import sniffed_type
from tests.support.conftest import PDF, PNG, png_upload


def _open(client, owner, department, files):
    return actions.ticket_open(
        client=client,
        department=department,
        subject="Look at this",
        body="Attached.",
        author=owner,
        files=files,
    )


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (PNG, "image/png"),
        (PDF, "application/pdf"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (b"GIF89a\x01\x00", "image/gif"),
        (b"PK\x03\x04rest", "application/zip"),
        (b"plain words\nand lines\n", "text/plain"),
        ("Tere, õun ja ülo\n".encode(), "text/plain"),
        (b"<!DOCTYPE html><script>alert(1)</script>", "text/html"),
        (b"  <svg onload=alert(1)>", "text/html"),
        (b"hello <script>x</script>", "text/html"),
        (b"MZ\x90\x00", "application/x-msdownload"),
        (b"\x00\x01\x02\x03binary", "application/octet-stream"),
    ],
)
def test_the_type_is_recognised_from_the_content__SUP_01(data, expected):
    assert sniffed_type(data) == expected


def test_an_attachment_is_stored_encrypted_with_its_sniffed_type__SUP_01(
    client_a, owner_a, support_department
):
    ticket = _open(client_a, owner_a, support_department, [png_upload("../../etc/shot.png")])
    attachment = Attachment.objects.get(message__ticket=ticket)
    assert (attachment.file_name, attachment.content_type, attachment.size) == (
        "shot.png",
        "image/png",
        len(PNG),
    )
    assert attachment_bytes(attachment) == PNG
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT data FROM support_attachmentcontent WHERE id = %s", [attachment.content_id]
        )
        (stored,) = cursor.fetchone()
    assert stored.startswith("enc2:")


def test_the_same_file_twice_is_stored_once_per_client__SUP_01(
    client_a, owner_a, client_b, owner_b, support_department
):
    _open(client_a, owner_a, support_department, [png_upload("a.png")])
    _open(client_a, owner_a, support_department, [png_upload("b.png")])
    _open(client_b, owner_b, support_department, [png_upload("c.png")])
    assert Attachment.objects.count() == 3
    assert AttachmentContent.objects.filter(client=client_a).count() == 1
    assert AttachmentContent.objects.filter(client=client_b).count() == 1


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (
            AttachmentUpload("invoice.pdf", b"<html><script>steal()</script>", "application/pdf"),
            "attachment_type_not_allowed",
        ),
        (
            AttachmentUpload("photo.png", b"MZ\x90\x00\x03", "image/png"),
            "attachment_type_not_allowed",
        ),
        (AttachmentUpload("empty.txt", b"", "text/plain"), "empty_attachment"),
    ],
)
def test_a_file_whose_content_lies_about_its_type_is_refused_and_nothing_is_written__SUP_01(
    client_a, owner_a, support_department, upload, code
):
    with pytest.raises(DomainError) as refused:
        _open(client_a, owner_a, support_department, [png_upload(), upload])
    assert refused.value.code == code
    assert "attachments" in refused.value.fields
    assert Ticket.objects.count() == 0 and AttachmentContent.objects.count() == 0


def test_size_and_count_limits_are_provider_settings__SUP_01(
    client_a, owner_a, support_department, administrator
):
    provider_setting_change(
        key="support.attachment_max_bytes", raw_value="1024", actor=administrator
    )
    big = AttachmentUpload("big.txt", b"a" * 1025, "text/plain")
    with pytest.raises(DomainError) as refused:
        _open(client_a, owner_a, support_department, [big])
    assert refused.value.code == "attachment_too_large"

    provider_setting_change(
        key="support.attachments_per_message", raw_value="1", actor=administrator
    )
    with pytest.raises(DomainError) as refused:
        _open(client_a, owner_a, support_department, [png_upload(), png_upload()])
    assert refused.value.code == "too_many_attachments"
    assert Ticket.objects.count() == 0

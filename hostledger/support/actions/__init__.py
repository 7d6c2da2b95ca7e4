"""Every write of the support app (SUP-01): keyword-only, atomic, one module per subject."""

from hostledger.support.actions.attachments import (
    AttachmentUpload,
    attachment_content_store,
    attachments_check,
    attachments_store,
)
from hostledger.support.actions.departments import (
    canned_reply_create,
    canned_reply_update,
    department_create,
    department_update,
)
from hostledger.support.actions.imports import ImportedMessage, ticket_import
from hostledger.support.actions.merging import ticket_client_link, ticket_merge
from hostledger.support.actions.search import (
    ticket_search_tokens_add,
    ticket_search_tokens_rebuild,
)
from hostledger.support.actions.tickets import (
    TICKET_ANSWERED_EVENT,
    clean_body,
    clean_subject,
    ticket_assign,
    ticket_client_reply,
    ticket_close,
    ticket_department_set,
    ticket_note_add,
    ticket_open,
    ticket_open_for_review,
    ticket_priority_set,
    ticket_rate,
    ticket_staff_reply,
    ticket_status_set,
)

__all__ = [
    "TICKET_ANSWERED_EVENT",
    "AttachmentUpload",
    "ImportedMessage",
    "attachment_content_store",
    "attachments_check",
    "attachments_store",
    "canned_reply_create",
    "canned_reply_update",
    "clean_body",
    "clean_subject",
    "department_create",
    "department_update",
    "ticket_assign",
    "ticket_client_link",
    "ticket_client_reply",
    "ticket_close",
    "ticket_department_set",
    "ticket_import",
    "ticket_merge",
    "ticket_note_add",
    "ticket_open",
    "ticket_open_for_review",
    "ticket_priority_set",
    "ticket_rate",
    "ticket_search_tokens_add",
    "ticket_search_tokens_rebuild",
    "ticket_staff_reply",
    "ticket_status_set",
]

"""Every write of invoicing: one transaction each, keyword-only, SPEC ids in the docstrings."""

from hostledger.invoicing.actions.acts import (
    act_confirm,
    act_dispute,
    act_dispute_resolve,
    acts_accept_overdue,
    acts_form,
    acts_form_missing,
)
from hostledger.invoicing.actions.credit_notes import credit_note_issue
from hostledger.invoicing.actions.imports import ImportedLine, import_series, invoice_import
from hostledger.invoicing.actions.invoices import (
    invoice_finalise,
    payer_vat_decision,
    proforma_cancel,
    proforma_create,
)
from hostledger.invoicing.actions.issued_files import issued_files_store_pending
from hostledger.invoicing.actions.paper_acts import (
    paper_act_request_file,
    paper_act_request_mark_sent,
    paper_act_request_withdraw,
)
from hostledger.invoicing.actions.series import series_open
from hostledger.invoicing.actions.settlement import (
    client_proformas_settle,
    invoice_charge_key,
    invoice_pay_from_balance,
    invoice_vat_at_tax_point,
    proforma_lines_reduce,
)
from hostledger.invoicing.actions.vat_rates import vat_rate_schedule

__all__ = [
    "ImportedLine",
    "act_confirm",
    "act_dispute",
    "act_dispute_resolve",
    "acts_accept_overdue",
    "acts_form",
    "acts_form_missing",
    "client_proformas_settle",
    "credit_note_issue",
    "import_series",
    "invoice_charge_key",
    "invoice_finalise",
    "invoice_import",
    "invoice_pay_from_balance",
    "invoice_vat_at_tax_point",
    "issued_files_store_pending",
    "paper_act_request_file",
    "paper_act_request_mark_sent",
    "paper_act_request_withdraw",
    "payer_vat_decision",
    "proforma_cancel",
    "proforma_create",
    "proforma_lines_reduce",
    "series_open",
    "vat_rate_schedule",
]

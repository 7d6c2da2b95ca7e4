"""Staff reports with their charts and downloads, and CSV/XLSX exports of the staff lists.

Reports need ``reports.view``; they hold sums, never a person's data. Each list export needs
the permission of its list, applies the filters of the list on screen (the same query
string), holds the columns the list shows and nothing more, and is recorded in the audit
trail with the filters used and the number of rows (GDPR-12); a client list that shows names
records each client whose name it wrote, as the screen does.
"""

from __future__ import annotations

from django.db.models import Max
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from hostledger.accounts import permissions as perms
from hostledger.core.audit import record_audit_event, record_personal_data_read
from hostledger.core.errors import NotFound
from hostledger.core.registry import setting_value
from hostledger.invoicing import staff_selectors as invoice_selectors
from hostledger.ledger import staff_selectors as payment_selectors
from hostledger.reports import conf
from hostledger.reports.periods import default_period
from hostledger.subscriptions import selectors as service_selectors
from hostledger.support import selectors as support
from hostledger.web.decorators import staff_area
from hostledger.web.exports import FORMATS, Table, table_response
from hostledger.web.forms_reports import ReportPeriodForm
from hostledger.web.forms_services import ServiceFilterForm
from hostledger.web.forms_staff_money import InvoiceFilterForm, PaymentFilterForm
from hostledger.web.forms_tickets import QueueFilterForm
from hostledger.web.overviews import find_clients
from hostledger.web.report_pages import REPORTS, ReportPage, payment_source_name
from hostledger.web.searches import search_recall
from hostledger.web.views.staff import CLIENT_SEARCH_KIND

VIEW = perms.REPORTS_VIEW
LIST_EXPORTED = "staff.list_exported"


def _page(slug: str) -> ReportPage:
    page = REPORTS.get(slug)
    if page is None:
        raise NotFound("report")
    return page


def _format(file_format: str) -> str:
    if file_format not in FORMATS:
        raise NotFound("file format")
    return file_format


def _bad_request(form) -> HttpResponse:
    problems = "; ".join(f"{field}: {' '.join(errors)}" for field, errors in form.errors.items())
    return HttpResponse(
        _("The filters are not valid (%(problems)s).") % {"problems": problems},
        status=400,
        content_type="text/plain; charset=utf-8",
    )


# ----------------------------------------------------------------------------- reports


@require_GET
@staff_area(VIEW)
def report_index(request):
    """The list of reports."""
    return render(request, "web/staff/reports/index.html", {"reports": REPORTS.values()})


@require_GET
@staff_area(VIEW)
def report(request, slug):
    """One report for the months chosen (by default the last ``reports.default_months``):
    its chart, the table of the same numbers and links to download them."""
    page = _page(slug)
    form = ReportPeriodForm(request.GET or None, default=default_period(timezone.localdate()))
    valid = not form.is_bound or form.is_valid()
    period = form.period()
    query = request.GET.urlencode() if valid and form.is_bound else ""
    context = {
        "page": page,
        "reports": REPORTS.values(),
        "form": form,
        "period": period,
        "content": page.build(period) if valid else None,
        "downloads": [
            (
                file_format.upper(),
                reverse("web:staff_report_download", args=[slug, file_format])
                + (f"?{query}" if query else ""),
            )
            for file_format in FORMATS
        ],
    }
    return render(request, "web/staff/reports/report.html", context, status=200 if valid else 400)


@require_GET
@staff_area(VIEW)
def report_download(request, slug, file_format):
    """The tables of a report as CSV or XLSX, for the same months as the page."""
    page = _page(slug)
    file_format = _format(file_format)
    form = ReportPeriodForm(request.GET or None, default=default_period(timezone.localdate()))
    if form.is_bound and not form.is_valid():
        return _bad_request(form)
    period = form.period()
    content = page.build(period)
    name = f"{slug}-{period.first_month:%Y-%m}-{period.last_month:%Y-%m}"
    return table_response(content.tables, file_name=name, file_format=file_format)


# ----------------------------------------------------------------------------- lists


def _export(request, *, list_name: str, table: Table, filters: dict, file_format: str):
    record_audit_event(
        action=LIST_EXPORTED,
        actor=request.user,
        data={
            "list": list_name,
            "format": file_format,
            "rows": len(table.rows),
            "filters": sorted(key for key, value in filters.items() if value),
        },
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return table_response([table], file_name=f"{list_name}-{stamp}", file_format=file_format)


def _limit() -> int:
    return setting_value(conf.EXPORT_MAX_ROWS)


@require_GET
@staff_area(perms.CLIENTS_VIEW)
def clients_export(request, file_format):
    """The client list: the newest clients, or the results of a search kept in the session
    (``?search=<id>``); names only for holders of clients.view_personal_data, and only for
    search results, as on screen, each client so shown recorded (GDPR-12)."""
    file_format = _format(file_format)
    query = ""
    search_id = request.GET.get("search", "")[:64]
    if search_id:
        query = search_recall(request, kind=CLIENT_SEARCH_KIND, search_id=search_id)
        if query is None:
            return HttpResponse(
                _("search: that search has expired; search again."),
                status=400,
                content_type="text/plain; charset=utf-8",
            )
    shows_names = bool(query) and perms.has_permission(
        request.user, perms.CLIENTS_VIEW_PERSONAL_DATA
    )
    clients = find_clients(query, limit=_limit(), with_names=shows_names)
    columns = [
        _("Client"),
        *([_("Name")] if shows_names else []),
        _("Type"),
        _("Country"),
        _("Joined"),
    ]
    rows = []
    for client in clients:
        if shows_names:
            record_personal_data_read(
                actor=request.user,
                client=client,
                what="client list export: name",
                request=request,
            )
        name = [client.display_name or ""] if shows_names else []
        rows.append(
            [
                client.public_id,
                *name,
                client.get_kind_display(),
                client.country,
                timezone.localdate(client.created_at),
            ]
        )
    table = Table(_("Clients"), columns, rows)
    return _export(
        request,
        list_name="clients",
        table=table,
        filters={"search": query},
        file_format=file_format,
    )


@require_GET
@staff_area(perms.CLIENTS_VIEW)
def services_export(request, file_format):
    """The service list with the filters on screen (status, product, client)."""
    file_format = _format(file_format)
    form = ServiceFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return _bad_request(form)
    filters = form.filters()
    services = (
        service_selectors.services_for_staff(**filters)
        .annotate(paid_until=Max("periods__ends_on"))
        .order_by("-created_at", "-id")[: _limit()]
    )
    rows = [
        [
            f"no. {service.pk}",
            service.public_id,
            service.tariff.name,
            service.client.public_id,
            service.family.name,
            service.get_status_display(),
            service.paid_until,
            service.trial_ends_on if service.status == "trial" else None,
            service.commencement_deadline if not service.activated_at else None,
            service.module_name,
        ]
        for service in services
    ]
    table = Table(
        _("Services"),
        [
            _("Service"),
            _("Service id"),
            _("Tariff"),
            _("Client"),
            _("Product"),
            _("Status"),
            _("Paid until"),
            _("Trial until"),
            _("Starts by"),
            _("Module"),
        ],
        rows,
    )
    return _export(
        request, list_name="services", table=table, filters=filters, file_format=file_format
    )


@require_GET
@staff_area(perms.BILLING_MANAGE)
def invoices_export(request, file_format):
    """The invoice list with the filters on screen (status, kind, client, issue dates)."""
    file_format = _format(file_format)
    form = InvoiceFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return _bad_request(form)
    filters = form.filters()
    invoices = invoice_selectors.invoices_for_staff(**filters, limit=_limit())
    rows = [
        [
            invoice.number_display or _("Proforma"),
            invoice.public_id,
            invoice.client.public_id,
            invoice.issued_on,
            invoice.due_on,
            invoice.finalised_on,
            invoice.get_status_display(),
            invoice.net,
            invoice.vat,
            invoice.gross,
            invoice.currency,
        ]
        for invoice in invoices
    ]
    table = Table(
        _("Invoices"),
        [
            _("Invoice"),
            _("Invoice id"),
            _("Client"),
            _("Issued"),
            _("Due"),
            _("Paid"),
            _("Status"),
            _("Net"),
            _("VAT"),
            _("Total"),
            _("Currency"),
        ],
        rows,
    )
    return _export(
        request, list_name="invoices", table=table, filters=filters, file_format=file_format
    )


@require_GET
@staff_area(perms.BILLING_MANAGE)
def payments_export(request, file_format):
    """The payment list with the filters on screen (source, status, value dates)."""
    file_format = _format(file_format)
    form = PaymentFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return _bad_request(form)
    filters = form.filters()
    payments = payment_selectors.payments_for_staff(**filters, limit=_limit())
    rows = [
        [
            payment.public_id,
            payment.value_date,
            payment.recorded_at,
            payment_source_name(payment.source),
            payment.reference,
            payment.client.public_id if payment.client else "",
            payment.get_status_display(),
            payment.amount,
            payment.currency,
        ]
        for payment in payments
    ]
    table = Table(
        _("Payments"),
        [
            _("Payment"),
            _("Paid"),
            _("Recorded"),
            _("Source"),
            _("Reference"),
            _("Client"),
            _("Status"),
            _("Amount"),
            _("Currency"),
        ],
        rows,
    )
    return _export(
        request, list_name="payments", table=table, filters=filters, file_format=file_format
    )


@require_GET
@staff_area(perms.TICKETS_ANSWER)
def tickets_export(request, file_format):
    """The ticket queue with the filters on screen (department, status, assignee, review)."""
    file_format = _format(file_format)
    form = QueueFilterForm(
        request.GET or None,
        departments=list(support.active_departments()),
        answerers=support.ticket_answerers(),
    )
    if form.is_bound and not form.is_valid():
        return _bad_request(form)
    filters = support.QueueFilters()
    if form.is_bound:
        filters = support.QueueFilters(
            department=form.cleaned_data["department"],
            status=form.cleaned_data["status"],
            assignee=form.cleaned_data["assignee"],
            review=form.cleaned_data["review"],
        )
    tickets = support.staff_tickets(request.user, filters)[: _limit()]
    rows = [
        [
            ticket.number_display,
            ticket.created_at,
            ticket.subject,
            ticket.client.public_id if ticket.client else _("Unknown sender"),
            ticket.department.name,
            ticket.get_status_display(),
            ticket.get_priority_display(),
            ticket.assignee.email if ticket.assignee else "",
        ]
        for ticket in tickets
    ]
    table = Table(
        _("Tickets"),
        [
            _("Ticket"),
            _("Opened"),
            _("Subject"),
            _("Client"),
            _("Department"),
            _("Status"),
            _("Priority"),
            _("Assignee"),
        ],
        rows,
    )
    used = {
        "department": filters.department,
        "status": filters.status,
        "assignee": filters.assignee,
        "review": filters.review,
    }
    return _export(request, list_name="tickets", table=table, filters=used, file_format=file_format)

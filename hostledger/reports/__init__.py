"""Staff reports: revenue, MRR, receivables ageing, VAT, payments and usage (read only).

Every figure is computed from the rows of record — issued invoices and credit notes, ledger
entries, services, usage records — by set-based aggregates, never from cached totals. This
app writes nothing and has no tables of its own; its one migration grants ``reports.view``
to the roles that already exist.
"""

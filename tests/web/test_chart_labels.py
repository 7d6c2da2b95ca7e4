"""The server-drawn report charts keep their category names apart."""

from __future__ import annotations

from decimal import Decimal

from hostledger.web.charts import Series, bar_chart


def _labels(categories):
    chart = bar_chart(
        title="t",
        description="d",
        categories=categories,
        series=[Series("Amount due", [Decimal(1)] * len(categories))],
        y_label="EUR",
    )
    return chart.labels


def test_category_names_too_long_for_their_slot_are_drawn_smaller():
    buckets = [
        "Not yet due",
        "0 to 30 days past due",
        "31 to 60 days past due",
        "61 to 90 days past due",
        "More than 90 days past due",
    ]
    assert all(label.tight for label in _labels(buckets))  # one size for all
    assert not any(label.tight for label in _labels([f"2026-{m:02}" for m in range(1, 13)]))

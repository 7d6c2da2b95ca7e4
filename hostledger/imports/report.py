"""The report of an import: per source table, how many rows were imported, how many were
skipped because an earlier run imported them, and which could not be mapped and why.

Reasons name source tables, row ids and HostLedger's rules, never the source's personal data,
so the report can be printed, stored with the run and shown to staff.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_LISTED_REASONS = 1000


@dataclass
class TableReport:
    imported: int = 0
    skipped: int = 0
    unmapped: list[tuple[str, str]] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)
    unmapped_count: int = 0


@dataclass
class ImportReport:
    """Counts and reasons per source table, in the order the tables were first met."""

    tables: dict[str, TableReport] = field(default_factory=dict)

    def table(self, name: str) -> TableReport:
        return self.tables.setdefault(name, TableReport())

    def imported(self, table: str, count: int = 1) -> None:
        self.table(table).imported += count

    def skipped(self, table: str, count: int = 1) -> None:
        self.table(table).skipped += count

    def unmapped(self, table: str, key, reason: str) -> None:
        report = self.table(table)
        report.unmapped_count += 1
        if len(report.unmapped) < MAX_LISTED_REASONS:
            report.unmapped.append((str(key), reason))

    def note(self, table: str, key, text: str) -> None:
        report = self.table(table)
        if len(report.notes) < MAX_LISTED_REASONS:
            report.notes.append((str(key), text))

    def merge(self, other: ImportReport) -> None:
        """Add ``other``'s counts and reasons to this report (one client's, once committed)."""
        for name, part in other.tables.items():
            mine = self.table(name)
            mine.imported += part.imported
            mine.skipped += part.skipped
            mine.unmapped_count += part.unmapped_count
            room = MAX_LISTED_REASONS - len(mine.unmapped)
            mine.unmapped.extend(part.unmapped[: max(room, 0)])
            room = MAX_LISTED_REASONS - len(mine.notes)
            mine.notes.extend(part.notes[: max(room, 0)])

    def as_dict(self) -> dict:
        return {
            name: {
                "imported": part.imported,
                "skipped": part.skipped,
                "unmapped": part.unmapped_count,
                "unmapped_reasons": [{"key": key, "reason": text} for key, text in part.unmapped],
                "notes": [{"key": key, "note": text} for key, text in part.notes],
            }
            for name, part in self.tables.items()
        }

    def text(self, *, reasons_per_table: int = 20) -> str:
        """The summary for people: one line of counts per table, then the reasons."""
        width = max((len(name) for name in self.tables), default=5)
        lines = [f"{'table':<{width}}  imported  skipped  unmapped"]
        for name, part in self.tables.items():
            lines.append(
                f"{name:<{width}}  {part.imported:>8}  {part.skipped:>7}  {part.unmapped_count:>8}"
            )
        for name, part in self.tables.items():
            if part.unmapped:
                lines.append("")
                lines.append(f"{name}: not imported")
                for key, text in part.unmapped[:reasons_per_table]:
                    lines.append(f"  {key}: {text}")
                if part.unmapped_count > reasons_per_table:
                    lines.append(f"  … and {part.unmapped_count - reasons_per_table} more")
            if part.notes:
                lines.append("")
                lines.append(f"{name}: imported with a note")
                for key, text in part.notes[:reasons_per_table]:
                    lines.append(f"  {key}: {text}")
                if len(part.notes) > reasons_per_table:
                    lines.append(f"  … and {len(part.notes) - reasons_per_table} more")
        return "\n".join(lines)

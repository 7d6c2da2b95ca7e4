"""The retention of backups (GDPR-14: backups expire).

Kept: every backup of the last ``privacy.backup_daily_retention_days`` days, the first backup
of each calendar month (UTC) for ``privacy.backup_monthly_retention_months`` months, and
always the newest backup. Times are read from the file names, so a file copied back is judged
by when it was taken, not by when it was copied.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from hostledger.core.registry import setting_value
from hostledger.privacy.backup_format import NAME_PATTERN, NAME_TIME, backup_dir, manifest_path_for


def _months_before(moment: datetime, months: int) -> datetime:
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    day = moment.day
    while True:
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            day -= 1


def backups_in(directory: Path) -> list[tuple[datetime, Path]]:
    """The backups in ``directory`` by the time in their names, oldest first."""
    if not directory.is_dir():
        return []
    found = []
    for path in directory.iterdir():
        matched = NAME_PATTERN.match(path.name)
        if matched:
            moment = datetime.strptime(matched.group(1), NAME_TIME).replace(tzinfo=UTC)
            found.append((moment, path))
    return sorted(found)


def backups_to_keep(backups: list[tuple[datetime, Path]], *, now: datetime) -> set[Path]:
    """Which backups the retention policy keeps (GDPR-14).

    Kept: every backup of the last ``privacy.backup_daily_retention_days`` days; the first
    backup of each calendar month (UTC) for ``privacy.backup_monthly_retention_months``
    months; and always the newest backup.
    """
    if not backups:
        return set()
    daily_cutoff = now - timedelta(days=setting_value("privacy.backup_daily_retention_days"))
    monthly_cutoff = _months_before(
        now.astimezone(UTC), setting_value("privacy.backup_monthly_retention_months")
    )
    kept = {backups[-1][1]}
    months_seen: set[tuple[int, int]] = set()
    for moment, path in backups:
        month = (moment.year, moment.month)
        first_of_month = month not in months_seen
        months_seen.add(month)
        if moment >= daily_cutoff or (first_of_month and moment >= monthly_cutoff):
            kept.add(path)
    return kept


def backups_prune(*, now: datetime, directory: Path | None = None) -> list[Path]:
    """Delete the backups (and their manifests) the retention policy no longer keeps."""
    directory = directory or backup_dir()
    backups = backups_in(directory)
    kept = backups_to_keep(backups, now=now)
    deleted = []
    for _moment, path in backups:
        if path not in kept:
            path.unlink(missing_ok=True)
            manifest_path_for(path).unlink(missing_ok=True)
            deleted.append(path)
    return deleted

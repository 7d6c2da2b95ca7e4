"""Application and access logs are written one file per day and their lines older than
``privacy.access_log_retention_days`` are removed by the daily job (GDPR-08)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
import time_machine

from hostledger.core.jobs import execute_job_run, run_job_now
from hostledger.core.log_files import DatedFileHandler
from hostledger.core.models import JobRun
from hostledger.core.registry import provider_setting_change
from hostledger.privacy.actions import log_files_purge

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 5, 20, 3, 0, tzinfo=UTC)  # the cutoff is 2026-03-21 03:00 UTC


@pytest.fixture
def log_dir(tmp_path, settings):
    settings.LOG_DIR = tmp_path / "log"
    return settings.LOG_DIR


def _write(log_dir, stem: str, moment: datetime, message: str) -> None:
    handler = DatedFileHandler(log_dir, stem)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    record = logging.LogRecord("hostledger", logging.INFO, __file__, 1, message, (), None)
    record.created = moment.timestamp()
    handler.emit(record)
    handler.close()


def test_each_record_goes_to_the_file_of_its_utc_day_with_its_time__GDPR_08(log_dir):
    _write(log_dir, "application", datetime(2026, 3, 21, 23, 59, 59, tzinfo=UTC), "late")
    _write(log_dir, "application", datetime(2026, 3, 22, 0, 0, 1, tzinfo=UTC), "early")

    assert sorted(path.name for path in log_dir.iterdir()) == [
        "application-2026-03-21.log",
        "application-2026-03-22.log",
    ]
    assert (log_dir / "application-2026-03-21.log").read_text() == (
        "2026-03-21T23:59:59.000Z INFO late\n"
    )
    assert (log_dir / "application-2026-03-22.log").read_text() == (
        "2026-03-22T00:00:01.000Z INFO early\n"
    )


def test_lines_older_than_the_retention_are_removed__GDPR_08(log_dir):
    for stem in ("application", "access"):
        _write(log_dir, stem, datetime(2026, 3, 1, 12, 0, tzinfo=UTC), f"{stem} march 1")
        _write(log_dir, stem, datetime(2026, 3, 21, 2, 59, 59, tzinfo=UTC), f"{stem} too old")
        _write(log_dir, stem, datetime(2026, 3, 21, 3, 0, 0, tzinfo=UTC), f"{stem} kept")
        _write(log_dir, stem, datetime(2026, 5, 19, 8, 0, tzinfo=UTC), f"{stem} yesterday")
    (log_dir / "notes.txt").write_text("not a log file of ours")

    counts = log_files_purge(now=NOW)

    assert counts == {"files_deleted": 2, "lines_removed": 2}
    assert sorted(path.name for path in log_dir.iterdir()) == [
        "access-2026-03-21.log",
        "access-2026-05-19.log",
        "application-2026-03-21.log",
        "application-2026-05-19.log",
        "notes.txt",
    ]
    assert (log_dir / "access-2026-03-21.log").read_text() == (
        "2026-03-21T03:00:00.000Z INFO access kept\n"
    )
    assert "yesterday" in (log_dir / "application-2026-05-19.log").read_text()


def test_a_traceback_goes_with_its_line__GDPR_08(log_dir):
    path = log_dir / "application-2026-03-21.log"
    log_dir.mkdir()
    path.write_text(
        "2026-03-21T01:00:00.000Z ERROR failed\nTraceback (most recent call last):\n  boom\n"
        "2026-03-21T04:00:00.000Z INFO later\n  detail of later\n"
    )

    counts = log_files_purge(now=NOW)

    assert counts == {"files_deleted": 0, "lines_removed": 3}
    assert path.read_text() == "2026-03-21T04:00:00.000Z INFO later\n  detail of later\n"


def test_the_daily_job_honours_the_retention_setting__GDPR_08(log_dir):
    _write(log_dir, "access", datetime(2026, 4, 1, 12, 0, tzinfo=UTC), "April")
    _write(log_dir, "access", datetime(2026, 5, 1, 12, 0, tzinfo=UTC), "May")
    provider_setting_change(key="privacy.access_log_retention_days", raw_value=30)

    with time_machine.travel(NOW, tick=False):
        queued = run_job_now("privacy.purge_log_files")
        execute_job_run.call(queued.pk)

    run = JobRun.objects.get(pk=queued.pk)
    assert run.status == JobRun.Status.SUCCEEDED, run.error
    assert run.counts == {"files_deleted": 1, "lines_removed": 0}
    assert [path.name for path in log_dir.iterdir()] == ["access-2026-05-01.log"]


def test_nothing_to_do_without_a_log_directory__GDPR_08(tmp_path, settings):
    settings.LOG_DIR = tmp_path / "absent"

    assert log_files_purge(now=NOW) == {"files_deleted": 0, "lines_removed": 0}

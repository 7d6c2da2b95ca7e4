"""Log files by day, so that the retention job can remove old lines (GDPR-08).

Each record is written to ``<directory>/<stem>-YYYY-MM-DD.log`` (the UTC day of the record),
its first line prefixed with the record's UTC time in ISO form. A new day starts a new file,
with no renaming, so the several processes of ``hostledger run`` (web workers, the worker,
the scheduler) can append to the same files safely: each record is one ``write`` to a file
opened for appending. :func:`hostledger.privacy.actions.log_files_purge` deletes the files
of days past the retention period and trims the lines older than it from the oldest day kept.
"""

from __future__ import annotations

import logging
import re
import threading
from datetime import UTC, date, datetime
from pathlib import Path

LOG_FILE_NAME = re.compile(r"^(?P<stem>[a-z][a-z0-9_-]*)-(?P<day>\d{4}-\d{2}-\d{2})\.log$")
TIME_PREFIX = re.compile(r"^(?P<moment>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z) ")


def log_file_name(stem: str, day: date) -> str:
    return f"{stem}-{day.isoformat()}.log"


def log_file_day(path: Path) -> date | None:
    """The day a log file written by :class:`DatedFileHandler` holds, None for other files."""
    match = LOG_FILE_NAME.match(path.name)
    if match is None:
        return None
    try:
        return date.fromisoformat(match.group("day"))
    except ValueError:
        return None


def line_moment(line: str) -> datetime | None:
    """The UTC time a log line starts with, None for a continuation line (a traceback's)."""
    match = TIME_PREFIX.match(line)
    if match is None:
        return None
    return datetime.fromisoformat(match.group("moment").replace("Z", "+00:00"))


class DatedFileHandler(logging.Handler):
    """Writes each record to the file of its UTC day under ``directory``."""

    def __init__(self, directory: str | Path, stem: str, level: int = logging.NOTSET) -> None:
        super().__init__(level)
        self.directory = Path(directory)
        self.stem = stem
        self._day: date | None = None
        self._stream = None
        self._lock = threading.Lock()

    def _stream_for(self, day: date):
        if self._stream is None or day != self._day:
            if self._stream is not None:
                self._stream.close()
            self.directory.mkdir(parents=True, exist_ok=True)
            path = self.directory / log_file_name(self.stem, day)
            self._stream = open(path, "a", encoding="utf-8")  # noqa: SIM115 - kept open
            self._day = day
        return self._stream

    def emit(self, record: logging.LogRecord) -> None:
        try:
            moment = datetime.fromtimestamp(record.created, tz=UTC)
            text = self.format(record)
            line = f"{moment.strftime('%Y-%m-%dT%H:%M:%S.%f')[:-3]}Z {text}\n"
            with self._lock:
                stream = self._stream_for(moment.date())
                stream.write(line)
                stream.flush()
        except Exception:
            self.handleError(record)

    def close(self) -> None:
        with self._lock:
            if self._stream is not None:
                self._stream.close()
                self._stream = None
        super().close()

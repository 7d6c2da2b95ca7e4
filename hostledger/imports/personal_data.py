"""Personal data held by the imports app, field by field (GDPR-01).

None: a source record is a pair of keys (the source system's row id and the HostLedger
object's), and an import run's summary holds table names, counts, row ids and reasons, never
names, addresses or texts of the source. The personal data that arrives lives in the owning
apps' models and is declared there.
"""

from hostledger.core.personal_data import NotPersonal, declare

ROW_KEY = NotPersonal("internal row key")
REFERENCE = NotPersonal("reference to another record, whose own fields are declared there")
RECORD_TIME = NotPersonal("when the record was made or changed")
SOURCE = NotPersonal("which system the data came from")

declare(
    "imports.ImportRun",
    {
        "id": ROW_KEY,
        "source": SOURCE,
        "source_database": NotPersonal("host, port and name of the source database"),
        "started_at": RECORD_TIME,
        "finished_at": RECORD_TIME,
        "summary": NotPersonal("counts, source row ids and reasons per source table"),
    },
)

declare(
    "imports.SourceRecord",
    {
        "id": ROW_KEY,
        "source": SOURCE,
        "table": SOURCE,
        "source_key": NotPersonal("the row id in the source system"),
        "target_model": REFERENCE,
        "target_id": REFERENCE,
        "client": REFERENCE,
        "run": REFERENCE,
        "imported_at": RECORD_TIME,
    },
)

"""Personal data held by the knowledge base, field by field (GDPR-01): none. Categories and
articles are the provider's published help texts; the staff member who last changed an
article is a reference to a staff user, whose own fields are declared by accounts."""

from hostledger.core.personal_data import NotPersonal, declare

ROW_KEY = NotPersonal("internal row key")
PUBLIC_ID = NotPersonal("random opaque id for URLs and the API")
REFERENCE = NotPersonal("reference to another record, whose own fields are declared there")
RECORD_TIME = NotPersonal("when the record was made, published or changed")
STATE = NotPersonal("state or order of the record, not about a person")
HELP_TEXT = NotPersonal("the provider's published help text, written by staff for everyone")

declare(
    "knowledge.Category",
    {"id": ROW_KEY, "slug": HELP_TEXT, "position": STATE, "created_at": RECORD_TIME},
)
declare(
    "knowledge.CategoryName",
    {"id": ROW_KEY, "category": REFERENCE, "language": STATE, "name": HELP_TEXT},
)
declare(
    "knowledge.Article",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "slug": HELP_TEXT,
        "category": REFERENCE,
        "status": STATE,
        "published_at": RECORD_TIME,
        "created_at": RECORD_TIME,
        "updated_at": RECORD_TIME,
        "updated_by": REFERENCE,
    },
)
declare(
    "knowledge.ArticleText",
    {
        "id": ROW_KEY,
        "article": REFERENCE,
        "language": STATE,
        "title": HELP_TEXT,
        "body": HELP_TEXT,
    },
)

"""Shared input types, pagination and helpers of API v1."""

from __future__ import annotations

import re
from typing import Annotated, Any

from django.db.models import QuerySet
from ninja import Field, Schema
from pydantic import AfterValidator, ConfigDict, create_model

CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
NO_CONTROL_CHARACTERS = r"^[^\x00-\x1f\x7f]*$"

PUBLIC_ID_PATTERN = r"^[a-z]{3}_[0-9a-z]{16}$"
"""Opaque public ids: a three-letter kind, an underscore and 16 base32 characters."""


def _refuse_control_characters(value: str) -> str:
    if CONTROL_CHARACTERS.search(value):
        raise ValueError("Control characters are not allowed.")
    return value


def text(max_length: int, description: str, examples: list[str]) -> Any:
    """A text field without control characters (they have no place in names or addresses,
    and PostgreSQL cannot store NUL)."""
    return Annotated[
        str,
        Field(
            max_length=max_length,
            description=description,
            examples=examples,
            json_schema_extra={"pattern": NO_CONTROL_CHARACTERS},
        ),
        AfterValidator(_refuse_control_characters),
    ]


class InputSchema(Schema):
    """Request bodies: unknown fields are refused, so a misspelt field is not silently lost."""

    model_config = ConfigDict(extra="forbid")

    def changes(self) -> dict[str, Any]:
        """The fields the caller sent (for PATCH: only these change)."""
        return self.model_dump(exclude_unset=True)


class PageParams(Schema):
    """``limit`` and ``offset`` of every list; lists have a stable order."""

    limit: int = Field(50, ge=1, le=100, description="Items per page (1-100).")
    offset: int = Field(0, ge=0, le=1_000_000_000, description="Items to skip.")


_PAGES: dict[type, type] = {}


def page_of(item: type[Schema]) -> type[Schema]:
    """The page schema of a list of ``item``: ``{items, count, limit, offset}``."""
    if item not in _PAGES:
        name = item.__name__.removesuffix("Out") + "Page"
        _PAGES[item] = create_model(
            name,
            __base__=Schema,
            __doc__=f"One page of a list of {item.__name__.removesuffix('Out')} items.",
            items=(list[item], Field(description="The items of this page, in list order.")),
            count=(int, Field(description="Items in the whole list.", examples=[1])),
            limit=(int, Field(description="The page size asked for.", examples=[50])),
            offset=(int, Field(description="Items skipped before this page.", examples=[0])),
        )
    return _PAGES[item]


def paginate(items: QuerySet | list, params: PageParams) -> dict[str, Any]:
    """One page of an ordered queryset or list."""
    count = items.count() if isinstance(items, QuerySet) else len(items)
    window = list(items[params.offset : params.offset + params.limit])
    return {"items": window, "count": count, "limit": params.limit, "offset": params.offset}


PublicIdText = Annotated[
    str,
    Field(
        pattern=PUBLIC_ID_PATTERN,
        description="An opaque public id.",
        examples=["pay_3k9d2m7q8w1x4z6v"],
    ),
]


class ActingClient(Schema):
    """Which client account to act in: the caller's own unless ``client`` names an account
    the caller was granted access to (ACC-06)."""

    client: str | None = Field(
        None,
        pattern=PUBLIC_ID_PATTERN,
        description=(
            "Public id of the client account to act in; omit for your own. A trusted user "
            "names the account that granted them access."
        ),
        examples=["cli_7m2k9d3q8w1x4z6v"],
    )


def path_id(kind: str, example: str) -> dict[str, Any]:
    """The options of a path parameter holding a public id of ``kind``."""
    return {
        "pattern": PUBLIC_ID_PATTERN,
        "description": f"Public id of the {kind}.",
        "example": example,
    }

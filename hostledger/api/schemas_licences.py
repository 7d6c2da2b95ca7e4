"""Schemas of the licence rental API (CAT-01, PRV-01; seed 003, annex 9) and their
conversions. Keys go in, never out: no answer carries a licence key."""

from __future__ import annotations

from ninja import Field, Schema

from hostledger.api.schemas import InputSchema, text
from hostledger.licences.actions import NAME_MAX, UPLOAD_MAX_CHARS
from hostledger.licences.conf import CODE, PRODUCT_CODE_MAX

EXAMPLE_PRODUCT = "windows-server-std"


class LicencePoolOut(Schema):
    """A licensed product and how many of its keys are free, allocated and retired."""

    id: str = Field(examples=["lpr_3k9d2m7q8w1x4z6v"])
    product: str = Field(description="The product's code.", examples=[EXAMPLE_PRODUCT])
    name: str = Field(examples=["Windows Server Standard"])
    available: int = Field(description="Free keys, ready for new services.", examples=[12])
    allocated: int = Field(description="Keys services hold now.", examples=[30])
    retired: int = Field(description="Keys out of use for good.", examples=[1])
    tariffs: list[str] = Field(
        description="Codes of the licence tariffs that draw their keys from this product.",
        examples=[[EXAMPLE_PRODUCT]],
    )


def pool_row(pool) -> dict:
    return {
        "id": pool.product.public_id,
        "product": pool.product.code,
        "name": pool.product.name,
        "available": pool.available,
        "allocated": pool.allocated,
        "retired": pool.retired,
        "tariffs": list(pool.tariffs),
    }


class KeysUploadIn(InputSchema):
    """Keys to add to the pool of a product, all or none."""

    product: str = Field(
        max_length=PRODUCT_CODE_MAX,
        pattern=CODE.pattern,
        description="The product's code; the first upload of a code creates the product.",
        examples=[EXAMPLE_PRODUCT],
    )
    product_name: text(  # type: ignore[valid-type]
        NAME_MAX,
        "The product's name: names a new product, renames an existing one.",
        ["Windows Server Standard"],
    ) = ""
    keys: str = Field(
        max_length=UPLOAD_MAX_CHARS,
        description=(
            "One key per line, or CSV with the key in the first column; blank lines, lines "
            "starting with # and a first line naming the column are skipped."
        ),
        examples=["VK7JG-NPHTM-C97JM-9MPGT-3V66T\nWC2BQ-8NRM3-FDDYY-2BFGV-KHKQY"],
    )


class KeysUploadOut(Schema):
    pool: LicencePoolOut
    added: int = Field(description="Keys added by this upload.", examples=[2])
    product_created: bool = Field(description="Whether this upload created the product.")

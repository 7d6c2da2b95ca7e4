"""Model fields for personal data encrypted at rest, and their blind indexes (GDPR-11)."""

from __future__ import annotations

from django.core import checks
from django.db import models

from hostledger.core.crypto import blind_index, decrypt_text, encrypt_text


class EncryptedTextField(models.TextField):
    """Text stored encrypted with the field keys; Python code sees the plain text.

    The column cannot be searched or ordered: give the model a :class:`BlindIndexField` for
    exact look-ups. An empty string is stored as an empty string so that "not given" stays
    visible without decrypting.
    """

    description = "Text encrypted at rest"

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt_text(str(value))

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt_text(value)

    def get_lookup(self, lookup_name):
        # Each encryption is randomised, so only "is it null" can be asked of the column;
        # exact matches go through the field's BlindIndexField.
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)


class BlindIndexField(models.CharField):
    """An HMAC of another field's value, filled on save, for exact look-ups of that value.

    ``source`` names the encrypted field; ``purpose`` keys the index so that indexes of
    different kinds never match each other.
    """

    def __init__(self, *args, source: str = "", purpose: str = "", **kwargs):
        self.source = source
        self.purpose = purpose or source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs["purpose"] = self.purpose
        for key, default in (("max_length", 64), ("editable", False), ("db_index", True)):
            if kwargs.get(key) == default:
                kwargs.pop(key)
        kwargs.pop("blank", None)
        return name, path, args, kwargs

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        if not self.source:
            errors.append(checks.Error("BlindIndexField needs source=", obj=self))
        return errors

    def pre_save(self, model_instance, add):
        plain = getattr(model_instance, self.source)
        value = blind_index(plain, purpose=self.purpose) if plain else ""
        setattr(model_instance, self.attname, value)
        return value

    def index_of(self, plain: str) -> str:
        """The index value to filter on for ``plain``."""
        return blind_index(plain, purpose=self.purpose)


def encrypted_field_paths(model, through: str = "") -> list[str]:
    """The names of ``model``'s encrypted fields, prefixed with ``through__`` when given, for
    ``QuerySet.defer()``: a list that shows none of them need not decrypt them (each value
    costs a decryption, which on a list of hundreds of rows costs more than the query)."""
    prefix = f"{through}__" if through else ""
    return [
        prefix + field.name
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField)
    ]

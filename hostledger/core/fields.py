"""Model fields for personal data encrypted at rest, and their blind indexes (GDPR-11)."""

from __future__ import annotations

import ipaddress

from django.core import checks
from django.db import models
from django.db.models.signals import post_save

from hostledger.core.crypto import blind_index, encrypt_text
from hostledger.core.subject_keys import (
    decrypt_stored,
    encrypt_for_subject,
    is_encrypted_token,
    is_its_own_subject,
    subject_of_row,
)

_PENDING = "_values_await_subject_key"


class SubjectText(str):
    """Plain text on its way to an encrypted column, with the subject whose key encrypts it.

    :meth:`EncryptedTextField.pre_save` wraps a row's values in it; code that writes an
    encrypted column with ``QuerySet.update()`` (which calls no ``pre_save``) passes
    :func:`for_subject_of` instead of the bare text, so the value still goes under the
    subject's key."""

    subject: str | None = None

    @classmethod
    def of(cls, plain: str, subject: str | None) -> SubjectText:
        text = cls(plain)
        text.subject = subject
        return text


def for_subject_of(instance, plain: str) -> str:
    """``plain`` marked to be encrypted under the key of ``instance``'s subject, for
    ``QuerySet.update()`` of an encrypted field of ``instance``'s model (GDPR-11)."""
    if plain in (None, ""):
        return plain
    return SubjectText.of(str(plain), subject_of_row(instance))


class EncryptedTextField(models.TextField):
    """Text stored encrypted; Python code sees the plain text (GDPR-11).

    A row that belongs to a data subject (see the ``subject`` of its model's personal-data
    declaration) is encrypted under that subject's own data key, found on save
    (``enc2:<key id>:…``); other rows under the field keys (``enc1:…``). A value whose subject
    key was destroyed reads as an empty string (``ErasedText``).

    The column cannot be searched or ordered: give the model a :class:`BlindIndexField` for
    exact look-ups. An empty string is stored as an empty string so that "not given" stays
    visible without decrypting.
    """

    description = "Text encrypted at rest"

    def contribute_to_class(self, cls, name, *args, **kwargs):
        super().contribute_to_class(cls, name, *args, **kwargs)
        if not cls._meta.abstract:
            post_save.connect(
                _values_under_new_subject_key,
                sender=cls,
                weak=False,
                dispatch_uid=f"encrypted-fields-{cls._meta.label_lower}",
            )

    def pre_save(self, model_instance, add):
        value = super().pre_save(model_instance, add)
        if value is None or value == "" or isinstance(value, SubjectText):
            return value
        if model_instance.pk is None and is_its_own_subject(model_instance):
            # A new client or person: its key is known once the row has its id.
            setattr(model_instance, _PENDING, True)
        return SubjectText.of(str(value), subject_of_row(model_instance))

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        subject = value.subject if isinstance(value, SubjectText) else None
        return encrypt_for_subject(str(value), subject)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt_stored(value)

    def get_lookup(self, lookup_name):
        # Each encryption is randomised, so only "is it null" can be asked of the column;
        # exact matches go through the field's BlindIndexField.
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)


def _values_under_new_subject_key(sender, instance, created, raw=False, **kwargs):
    """Put the values of a row that is its own subject (a new client or person) under its
    key once the row has its id: one UPDATE of its non-empty encrypted columns."""
    if raw or not instance.__dict__.pop(_PENDING, False):
        return
    values = {
        field.attname: for_subject_of(instance, getattr(instance, field.attname))
        for field in sender._meta.concrete_fields
        if isinstance(field, EncryptedTextField) and getattr(instance, field.attname)
    }
    if values:
        sender._base_manager.filter(pk=instance.pk).update(**values)


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


def encrypt_clear_column(
    connection, table: str, column: str, *, normalise=None, chunk_size: int = 1000
) -> int:
    """Encrypt, under the field keys, the values of a column that held them in clear until a
    migration made it an :class:`EncryptedTextField`; returns how many were encrypted.
    ``hostledger rotate-keys --subject-keys`` then moves them under their subjects' keys.
    ``normalise`` turns a stored value into the text to keep (an ``inet`` read as text keeps
    its ``/32``)."""
    quote = connection.ops.quote_name
    done = 0
    last_id = None
    while True:
        with connection.cursor() as cursor:
            where = "" if last_id is None else f"AND {quote('id')} > %s "
            cursor.execute(
                f"SELECT {quote('id')}, {quote(column)} FROM {quote(table)} "  # noqa: S608 - quoted identifiers
                f"WHERE {quote(column)} IS NOT NULL AND {quote(column)} <> '' {where}"
                f"ORDER BY {quote('id')} LIMIT {int(chunk_size)}",
                [] if last_id is None else [last_id],
            )
            rows = cursor.fetchall()
            if not rows:
                return done
            for row_id, value in rows:
                if is_encrypted_token(value):
                    continue
                plain = normalise(value) if normalise else value
                cursor.execute(
                    f"UPDATE {quote(table)} SET {quote(column)} = %s WHERE {quote('id')} = %s",  # noqa: S608
                    [encrypt_text(plain), row_id],
                )
                done += 1
        last_id = rows[-1][0]


def ip_text(value: str) -> str:
    """An address as text without the prefix length PostgreSQL's ``inet`` adds."""
    return str(ipaddress.ip_interface(value).ip) if value else value

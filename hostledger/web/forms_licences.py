"""Forms of the staff pages of licence rental (CAT-01, PRV-01; seed 003, annex 9).

They only shape input; every rule (what a key looks like, duplicates, the product code) is
checked by :mod:`hostledger.licences.actions`, whose refusals are shown on the field they
name.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hostledger.licences.actions import NAME_MAX, REASON_MAX, UPLOAD_MAX_CHARS
from hostledger.licences.conf import PRODUCT_CODE_MAX


class KeysUploadForm(forms.Form):
    product = forms.CharField(
        max_length=PRODUCT_CODE_MAX,
        label=_("Product code"),
        help_text=(
            _(
                "e.g. windows-server-std. A licence tariff draws its keys from the "
                "product named like the tariff, unless the setting "
                "licences.tariff_products says otherwise."
            )
        ),
    )
    product_name = forms.CharField(
        required=False,
        max_length=NAME_MAX,
        label=_("Product name"),
        help_text=_("Names a new product; renames an existing one. Optional."),
    )
    keys = forms.CharField(
        required=False,
        max_length=UPLOAD_MAX_CHARS,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false", "autocomplete": "off"}),
        label=_("Keys"),
        help_text=(
            _(
                "One key per line, or paste a CSV whose first column is the key. All or "
                "none: a line at fault is named and nothing is added."
            )
        ),
    )
    keys_file = forms.FileField(
        required=False,
        label=_("Or a text or CSV file"),
        help_text=_("UTF-8, at most 1 MB."),
    )

    def clean(self):
        data = super().clean()
        upload = data.get("keys_file")
        if upload is not None and (data.get("keys") or "").strip():
            self.add_error("keys_file", "Paste the keys or choose a file, not both.")
        elif upload is not None:
            if upload.size > UPLOAD_MAX_CHARS:
                self.add_error("keys_file", "At most 1 MB.")
                return data
            try:
                data["keys"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                self.add_error("keys_file", "Not a UTF-8 text file.")
        return data


class KeyRetireForm(forms.Form):
    reason = forms.CharField(
        max_length=REASON_MAX,
        label=_("Why the key is retired"),
        help_text=_("e.g. revoked by the licensor. An allocated key leaves its service."),
    )

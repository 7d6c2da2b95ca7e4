"""Forms of the knowledge-base pages: the staff editors of categories and articles (one
title and body, or one name, per language of the site) and the public search box. They
only collect input; the knowledge actions check it and name each field that is wrong."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hostledger.accounts.forms import DomainErrorFormMixin
from hostledger.knowledge.actions import (
    MAX_BODY_LENGTH,
    MAX_NAME_LENGTH,
    MAX_TITLE_LENGTH,
    languages,
)
from hostledger.knowledge.models import FALLBACK_LANGUAGE

LANGUAGE_NAMES = dict(settings.LANGUAGES)


class KnowledgeSearchForm(forms.Form):
    q = forms.CharField(max_length=200, required=False, label=_("Search the help pages"))


class CategoryForm(DomainErrorFormMixin, forms.Form):
    slug = forms.CharField(
        max_length=60, label=_("Address"), help_text=_("Lower-case letters, digits and hyphens.")
    )
    position = forms.IntegerField(min_value=0, max_value=10_000, initial=0, label=_("Position"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for language in languages():
            self.fields[f"name_{language}"] = forms.CharField(
                max_length=MAX_NAME_LENGTH,
                required=language == FALLBACK_LANGUAGE,
                label=gettext("Name (%(language)s)") % {"language": LANGUAGE_NAMES[language]},
            )

    def names(self) -> dict[str, str]:
        return {language: self.cleaned_data.get(f"name_{language}", "") for language in languages()}


class ArticleForm(DomainErrorFormMixin, forms.Form):
    slug = forms.CharField(
        max_length=60, label=_("Address"), help_text=_("Lower-case letters, digits and hyphens.")
    )
    category = forms.ChoiceField(label=_("Category"))
    published = forms.BooleanField(
        required=False, label=_("Published"), help_text=_("Drafts are seen by staff only.")
    )

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [
            (category.slug, category.slug) for category in categories
        ]
        for language in languages():
            required = language == FALLBACK_LANGUAGE
            name = LANGUAGE_NAMES[language]
            self.fields[f"title_{language}"] = forms.CharField(
                max_length=MAX_TITLE_LENGTH,
                required=required,
                label=gettext("Title (%(name)s)") % {"name": name},
            )
            self.fields[f"body_{language}"] = forms.CharField(
                max_length=MAX_BODY_LENGTH,
                required=required,
                label=gettext("Body (%(name)s)") % {"name": name},
                widget=forms.Textarea(attrs={"rows": 8}),
                help_text="Plain text or Markdown; HTML is shown as text."
                + ("" if required else " Leave title and body empty to show the English text."),
            )

    def texts(self) -> dict[str, tuple[str, str]]:
        return {
            language: (
                self.cleaned_data.get(f"title_{language}", ""),
                self.cleaned_data.get(f"body_{language}", ""),
            )
            for language in languages()
        }

"""One cleaning rule for the free text a person types, and the form/API fields that apply it.

Names, addresses, notes and titles are shown to officers and printed on labels: text
made only of invisible characters must not pass for a name, and right-to-left overrides
or NUL bytes must not reach the database. The rule: Unicode NFC; format characters
(category Cf: zero-width and bidi controls), control characters, lone surrogates and
NUL removed; whitespace collapsed (single-line fields: one space; multi-line fields keep
their line breaks, at most one blank line). A field that is empty after cleaning is
refused with that field's usual "required" message.
"""

from __future__ import annotations

import re
import unicodedata

from django import forms
from django.core.validators import EMPTY_VALUES
from django.db import models
from rest_framework import serializers

# Categories removed outright: Cf (format: ZWSP, ZWJ, bidi controls, BOM...), Cc (control,
# NUL included; line breaks and tabs are turned into spaces before this), Cs (lone
# surrogates, from JSON's "\ud800"), Co/Cn are kept (private use and new emoji are text).
_DROPPED_CATEGORIES = frozenset({"Cf", "Cc", "Cs"})
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\u2028\u2029\x85\x0b\x0c]")
_SPACES = re.compile(r"\s+")
_BLANK_LINES = re.compile(r"\n{3,}")


def _drop_invisible(text: str) -> str:
    return "".join(
        ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in _DROPPED_CATEGORIES
    )


def text_clean(value: str, *, multiline: bool = False) -> str:
    """The cleaned form of ``value`` (may be empty: the caller decides whether that is ok)."""
    # Lone surrogates cannot be NFC-normalised or encoded: drop them first.
    text = "".join(ch for ch in str(value) if not 0xD800 <= ord(ch) <= 0xDFFF)
    text = unicodedata.normalize("NFC", text)
    text = _LINE_BREAKS.sub("\n", text)
    text = _drop_invisible(text)
    if not multiline:
        return _SPACES.sub(" ", text).strip()
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def has_nul(value: str) -> bool:
    return "\x00" in value


# --- Forms --------------------------------------------------------------------------------


class CleanCharField(forms.CharField):
    """A form text field that applies :func:`text_clean` before every other check."""

    multiline = False

    def __init__(self, *args, multiline: bool | None = None, **kwargs):
        if multiline is not None:
            self.multiline = multiline
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = text_clean(value, multiline=self.multiline)
        return super().to_python(value)


class CleanTextField(CleanCharField):
    """Multi-line text (notes, descriptions): line breaks are kept."""

    multiline = True
    widget = forms.Textarea


# Exact model field types only: slugs, e-mails and URLs keep their own form fields.
TEXT_FORM_CLASSES: dict[type[models.Field], type[forms.CharField]] = {
    models.CharField: CleanCharField,
    models.TextField: CleanTextField,
}


def text_form_class(db_field: models.Field) -> type[forms.CharField] | None:
    """The cleaning form field for a free-text column, or None for any other column."""
    if db_field.choices:
        return None
    return TEXT_FORM_CLASSES.get(type(db_field))


def clean_formfield(db_field: models.Field, **kwargs) -> forms.Field | None:
    """``formfield_callback`` for model forms: free-text columns get the cleaning fields."""
    form_class = text_form_class(db_field)
    if form_class is not None:
        kwargs.setdefault("form_class", form_class)
    return db_field.formfield(**kwargs)


# --- API ----------------------------------------------------------------------------------


class CleanCharSerializerField(serializers.CharField):
    """A DRF text field that applies :func:`text_clean`; empty after cleaning is "blank"."""

    multiline = False

    def __init__(self, *args, multiline: bool | None = None, **kwargs):
        if multiline is not None:
            self.multiline = multiline
        super().__init__(*args, **kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        value = text_clean(value, multiline=self.multiline)
        if value in EMPTY_VALUES and not self.allow_blank:
            self.fail("blank")
        return value


class CleanTextSerializerField(CleanCharSerializerField):
    multiline = True


class CleanTextModelSerializerMixin:
    """Model serializers: text columns map to the cleaning fields."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: CleanCharSerializerField,
        models.TextField: CleanTextSerializerField,
    }

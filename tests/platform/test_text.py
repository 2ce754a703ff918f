"""The text-cleaning rule: NFC, invisible characters out, whitespace collapsed."""

from __future__ import annotations

import unicodedata

from django import forms
from hypothesis import given
from hypothesis import strategies as st
from rest_framework import serializers

from core.text import CleanCharField, CleanCharSerializerField, CleanTextField, text_clean


def test_decomposed_vietnamese_is_composed():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hòa")
    assert decomposed != "Nguyễn Thị Hòa"
    assert text_clean(decomposed) == "Nguyễn Thị Hòa"


def test_zero_width_bidi_and_nul_are_removed():
    typed = "\u200bTrần\u200d Văn\u202e Bình\x00\ufeff\u2066"
    assert text_clean(typed) == "Trần Văn Bình"


def test_only_invisible_characters_leave_nothing():
    assert text_clean("\u200b\u200c\u200d\u2060\ufeff\u202e \t") == ""


def test_whitespace_collapses_and_multiline_keeps_line_breaks():
    assert text_clean("  Ấp   4 \n\n xã  Tân\tPhước ") == "Ấp 4 xã Tân Phước"
    assert text_clean("gọi  trước\r\n\r\n\r\n\r\ngiao   sáng", multiline=True) == (
        "gọi trước\n\ngiao sáng"
    )


def test_lone_surrogates_are_dropped():
    assert text_clean("Bình\ud800") == "Bình"


def test_emoji_and_sql_or_html_fragments_stay_as_text():
    # Cleaning is not escaping: fragments are stored as typed and escaped when shown.
    assert text_clean("<b>An</b>'; DROP TABLE x;-- 🎒") == "<b>An</b>'; DROP TABLE x;-- 🎒"


@given(st.text())
def test_cleaning_is_idempotent_and_leaves_no_invisible_character(value):
    once = text_clean(value)
    assert text_clean(once) == once
    assert once == once.strip()
    assert "  " not in once
    assert not any(unicodedata.category(ch) in ("Cf", "Cc", "Cs") for ch in once)
    assert unicodedata.is_normalized("NFC", once)


def test_form_field_refuses_invisible_only_text_with_its_required_message():
    class NameForm(forms.Form):
        name = CleanCharField(max_length=20, error_messages={"required": "Hãy nhập họ tên."})
        note = CleanTextField(required=False)

    form = NameForm({"name": "\u200b\u200b\u202e", "note": "\u200b"})
    assert not form.is_valid()
    assert form.errors["name"] == ["Hãy nhập họ tên."]
    ok = NameForm({"name": " An\u200b ", "note": "a\n\n\n\nb"})
    assert ok.is_valid()
    assert ok.cleaned_data == {"name": "An", "note": "a\n\nb"}


def test_serializer_field_refuses_invisible_only_text_as_blank():
    class NameSerializer(serializers.Serializer):
        name = CleanCharSerializerField(max_length=20)

    body = NameSerializer(data={"name": "\u200b\u2060\u202e"})
    assert not body.is_valid()
    assert body.errors["name"][0].code == "blank"
    ok = NameSerializer(data={"name": "\u202eBình\x00"})
    assert ok.is_valid()
    assert ok.validated_data["name"] == "Bình"

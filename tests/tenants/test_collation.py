"""Vietnamese alphabetical order: letters as the alphabet has them, tones after letters."""

from __future__ import annotations

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from tenants.collation import vi_sort_key, vi_sorted


def test_cai_be_comes_before_cho_gao():
    assert vi_sorted(["Chợ Gạo", "Cái Bè"]) == ["Cái Bè", "Chợ Gạo"]


def test_dong_thap_comes_right_after_the_d_words_not_last():
    names = ["Vĩnh Long", "Đồng Tháp", "Cà Mau", "Điện Biên", "Đà Nẵng", "Dương", "An Giang"]
    assert vi_sorted(names) == [
        "An Giang", "Cà Mau", "Dương", "Đà Nẵng", "Điện Biên", "Đồng Tháp", "Vĩnh Long",
    ]  # fmt: skip


def test_shaped_vowels_are_letters_of_their_own():
    assert vi_sorted(["ơ", "o", "ô", "â", "ă", "a", "ư", "u", "ê", "e"]) == [
        "a", "ă", "â", "e", "ê", "o", "ô", "ơ", "u", "ư",
    ]  # fmt: skip


def test_tones_order_after_the_letters_in_dictionary_order():
    assert vi_sorted(["mạ", "má", "mã", "mả", "mà", "ma"]) == ["ma", "mà", "mả", "mã", "má", "mạ"]
    # A tone never beats a letter: "mà" (m-a) still comes before "mac".
    assert vi_sorted(["mac", "mà"]) == ["mà", "mac"]


def test_case_and_composition_do_not_change_the_order():
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "Đồng Tháp")
    assert vi_sort_key(decomposed)[:2] == vi_sort_key("Đồng Tháp")[:2]
    assert vi_sorted(["bình", "an", "Bảo", "An"]) == ["an", "An", "Bảo", "bình"]


VIETNAMESE_WORDS = st.lists(
    st.text(
        alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ",
        min_size=1,
        max_size=8,
    ),
    min_size=2,
    max_size=12,
)


@pytest.mark.django_db
@settings(max_examples=60, deadline=None)
@given(words=VIETNAMESE_WORDS)
def test_matches_postgresql_vietnamese_icu_collation_on_lower_case_words(words):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_collation WHERE collname = 'vi-x-icu'")
        if cursor.fetchone() is None:
            pytest.skip("this PostgreSQL has no ICU Vietnamese collation to compare with")
        cursor.execute(
            'SELECT w FROM unnest(%s::text[]) AS w ORDER BY w COLLATE "vi-x-icu", w', [words]
        )
        expected = [row[0] for row in cursor.fetchall()]
    assert vi_sorted(words) == expected

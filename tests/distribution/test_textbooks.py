"""Textbook sets in the services: the shipped data, quick intake, asking for a whole set."""

from __future__ import annotations

import pytest

from catalog.models import Item
from catalog.stock import ledger_sum
from distribution.models import SetRequest, Textbook, TextbookSeries, TextbookSubject, Wish
from distribution.textbooks import set_request_place, set_titles, textbook_intake
from distribution.wishes import wish_claim
from tests.catalog.factories import recipient_make
from tests.conftest import in_stall

pytestmark = pytest.mark.django_db


def test_every_stall_starts_with_the_three_series_and_every_grades_subjects(stall_a):
    with in_stall(stall_a):
        assert sorted(TextbookSeries.objects.values_list("name", flat=True)) == [
            "Chân trời sáng tạo",
            "Cánh Diều",
            "Kết nối tri thức với cuộc sống",
        ]
        per_grade = {g: TextbookSubject.objects.filter(grade=g).count() for g in range(1, 13)}
        assert set(per_grade) == set(range(1, 13))
        assert all(n >= 8 for n in per_grade.values())
        assert TextbookSubject.objects.filter(grade=6, name="Khoa học tự nhiên").exists()
        assert TextbookSubject.objects.filter(
            grade=10, name="Giáo dục quốc phòng và an ninh"
        ).exists()


def test_asking_for_a_set_orders_what_is_there_and_wishes_for_the_rest(
    stall_a, django_capture_on_commit_callbacks
):
    with in_stall(stall_a):
        series = TextbookSeries.objects.get(slug="ket-noi-tri-thuc")
        subjects = list(TextbookSubject.objects.filter(grade=6).order_by("position"))
        with django_capture_on_commit_callbacks(execute=True):
            textbook_intake(series=series, quantities={s.pk: 1 for s in subjects[:8]})
        assert Textbook.objects.filter(series=series).count() == 8
        assert sum(t.in_stock for t in set_titles(grade=6, series=series)) == 8

        asked = set_request_place(grade=6, series=series, recipient=recipient_make())
        assert asked.order is not None
        assert asked.order.lines.count() == 8
        assert sorted(w.subject for w in asked.wishes) == sorted(s.name for s in subjects[8:])
        assert all(w.series == series and w.grade == 6 for w in asked.wishes)
        assert asked.set_request.titles_given == 8
        assert asked.set_request.completed_at is None

        # A missing title comes in (another series does not answer the wish).
        other = TextbookSeries.objects.get(slug="canh-dieu")
        with django_capture_on_commit_callbacks(execute=True):
            textbook_intake(series=other, quantities={subjects[8].pk: 1})
        assert Wish.objects.filter(state="offered").count() == 0
        with django_capture_on_commit_callbacks(execute=True):
            textbook_intake(series=series, quantities={subjects[8].pk: 1})
        wish = Wish.objects.get(state="offered")
        assert wish.subject == subjects[8].name
        wish_claim(wish=wish, recipient=recipient_make(phone=wish.phone))
        assert SetRequest.objects.get().titles_given == 9
        for item in Item.objects.all():
            assert item.available == ledger_sum(item=item)

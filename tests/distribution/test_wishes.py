"""Wanted lists: new stock goes to the oldest matching wishes, holds pass on, the public
counts say what, never who."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from catalog.models import Category, Order
from catalog.stock import donation_record, ledger_sum, stock_change
from distribution.models import Message, Wish
from distribution.wishes import wanted_counts, wish_claim, wish_holds_expire_due, wish_leave
from privacy.services import retention_run
from tests.catalog.factories import item_make, recipient_make
from tests.conftest import in_stall
from tests.privacy.test_registry import CANARY, _texts_containing

pytestmark = pytest.mark.django_db

State = Wish.State


def _shoes() -> Category:
    return Category.objects.get(slug="giay-dep")


def _wishes_for_size_37(count: int) -> list[Wish]:
    made = []
    start = timezone.now() - dt.timedelta(days=count)
    for n in range(count):
        wish = wish_leave(phone=f"09123400{n:02d}", category=_shoes(), size="37", note="")
        # Left on different days, the later ones first in id order: age decides, not id.
        Wish.objects.filter(pk=wish.pk).update(created_at=start + dt.timedelta(days=count - n))
        made.append(wish)
    return made


def test_an_intake_that_matches_three_wishes_offers_to_the_oldest_first(
    stall_a, django_capture_on_commit_callbacks
):
    with in_stall(stall_a):
        made = _wishes_for_size_37(4)  # made[3] is the oldest, made[0] the newest
        other = wish_leave(phone="0912340099", category=_shoes(), size="40")
        shoes = item_make(
            title="Giày vải", quantity=0, category="giay-dep", size_kind="shoe", size="37"
        )
        with django_capture_on_commit_callbacks(execute=True):
            donation_record(received_on=timezone.localdate(), lines=[(shoes, 3)])

        states = {w.pk: w.state for w in Wish.objects.all()}
        assert [states[w.pk] for w in made] == [
            State.WAITING,
            State.OFFERED,
            State.OFFERED,
            State.OFFERED,
        ]
        assert states[other.pk] == State.WAITING  # another size
        shoes.refresh_from_db()
        assert shoes.available == 0  # held for them
        assert ledger_sum(item=shoes) == 0
        texts = list(Message.objects.filter(kind="offered").values_list("text", flat=True))
        assert len(texts) == 3
        assert all("Giày vải" in t for t in texts)


def test_a_hold_that_expires_passes_on_to_the_next_wish(
    stall_a, django_capture_on_commit_callbacks
):
    with in_stall(stall_a):
        newer, older = _wishes_for_size_37(2)
        shoes = item_make(
            title="Giày vải", quantity=0, category="giay-dep", size_kind="shoe", size="37"
        )
        with django_capture_on_commit_callbacks(execute=True):
            stock_change(item=shoes, kind="intake", quantity=1)
        older.refresh_from_db()
        assert older.state == State.OFFERED

        assert wish_holds_expire_due(now=timezone.now() + dt.timedelta(days=1)) == 0
        assert wish_holds_expire_due(now=timezone.now() + dt.timedelta(days=4)) == 1

        older.refresh_from_db()
        newer.refresh_from_db()
        assert older.state == State.EXPIRED
        assert newer.state == State.OFFERED
        assert newer.offered_item_id == shoes.pk
        assert Message.objects.filter(wish=older, kind="passed").exists()
        shoes.refresh_from_db()
        assert shoes.available == 0
        assert ledger_sum(item=shoes) == 0


def test_an_offered_wish_is_claimed_as_an_ordinary_order(
    stall_a, django_capture_on_commit_callbacks
):
    with in_stall(stall_a):
        (wish,) = _wishes_for_size_37(1)
        shoes = item_make(
            title="Giày vải", quantity=0, category="giay-dep", size_kind="shoe", size="37"
        )
        with django_capture_on_commit_callbacks(execute=True):
            stock_change(item=shoes, kind="intake", quantity=2)
        order = wish_claim(wish=wish, recipient=recipient_make(phone=wish.phone))
        wish.refresh_from_db()
        assert wish.state == State.MET
        assert wish.order == order
        assert order.state in (Order.State.PLACED, Order.State.CONFIRMED)
        shoes.refresh_from_db()
        assert shoes.available == 1  # the other pair is on the shelf
        assert ledger_sum(item=shoes) == 1


def test_the_public_counts_carry_no_personal_data(stall_a, client_for):
    with in_stall(stall_a):
        for n in range(3):
            wish_leave(
                phone=f"09887766{n:02d}",
                category=_shoes(),
                size=str(36 + n),
                note=f"{CANARY} con tôi học lớp 3",
            )
        counts = wanted_counts()
        assert counts == [
            {"count": 3, "category": "Giày dép", "grade": None, "subject": "", "sizes": "36–38"}
        ]
    page = client_for(stall_a).get("/").content.decode()
    assert "Cần 3 món giày dép cỡ 36–38" in page
    public = client_for(stall_a).get("/can-tim/").content.decode()
    for text in (page, public):
        assert CANARY not in text
        assert "98877660" not in text
        assert "0988 776" not in text


def test_leaving_a_wish_through_the_page_and_reading_it_back(stall_a, client_for):
    client = client_for(stall_a)
    with in_stall(stall_a):
        shoes_id = _shoes().pk
    unconsented = client.post("/can-tim/", {"category": shoes_id, "phone": "0912345678"})
    assert "Hãy đánh dấu đồng ý" in unconsented.content.decode()
    bad = client.post(
        "/can-tim/", {"category": shoes_id, "size": "99", "phone": "0912345678", "consent": "on"}
    )
    assert "Cỡ giày dép từ 28 đến 45" in bad.content.decode()
    with in_stall(stall_a):
        assert Wish.objects.count() == 0
    response = client.post(
        "/can-tim/",
        {"category": shoes_id, "size": "37", "phone": "0912 345 678", "consent": "on"},
    )
    assert response.status_code == 302
    assert "Đang chờ" in client.get(response["Location"]).content.decode()


def test_expired_wishes_are_forgotten_with_retention(stall_a):
    with in_stall(stall_a):
        wish = wish_leave(phone="0912777888", category=_shoes(), note=f"{CANARY} ghi chú")
        with time_machine.travel(timezone.now() + dt.timedelta(days=100), tick=False):
            from distribution.wishes import wishes_expire_due

            assert wishes_expire_due() == 1
        with time_machine.travel(timezone.now() + dt.timedelta(days=300), tick=False):
            done = retention_run()
        assert done["wisher"] == 1
        assert _texts_containing(CANARY) == []
        assert _texts_containing("912777888") == []
        assert Wish.objects.get(pk=wish.pk).anonymised_at is not None

"""Rounds through the pages: an officer (signed in through the login form) opens, closes and
draws a round; recipients ask without JavaScript; anyone checks the draw."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

from distribution.models import Request, Round
from privacy.models import AccessLog
from tests.catalog.factories import commune_current, item_make
from tests.conftest import in_stall
from tests.distribution.factories import round_window_end

pytestmark = pytest.mark.django_db


def _request_data(round_item_id: int, phone: str, **overrides) -> dict:
    commune = commune_current()
    data = {
        "round_item": str(round_item_id),
        "name": "Trần Văn Bình",
        "phone": phone,
        "address_mode": "current",
        "province": str(commune.parent_id),
        "commune": str(commune.pk),
        "address_line": "Ấp Mỹ Hòa",
        "consent": "on",
        "place": "1",
    }
    data.update(overrides)
    return data


def _round_opened_by_officer(stall, officer_client) -> tuple[Round, int]:
    with in_stall(stall):
        bike = item_make(title="Xe đạp mini", quantity=2)
    page = officer_client.get("/can-bo/dot-phat/")
    assert page.status_code == 200
    assert "Mở đợt phát mới" in page.content.decode()
    response = officer_client.post(
        "/can-bo/dot-phat/",
        {
            "title": "Xe đạp đến trường",
            "eligibility": "Học sinh của trường",
            "priority_group": "Hộ nghèo",
            "opens_at": "01/01/2026 07:00",
            "closes_at": "31/12/2030 17:00",
            "hold_days": "3",
            "item_1": str(bike.pk),
            "quantity_1": "2",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    with in_stall(stall):
        round_ = Round.objects.get(title="Xe đạp đến trường")
        return round_, round_.items.get().pk


def test_a_round_from_opening_to_a_checked_draw(stall_a, officer_factory, client_for):
    officer = client_for(stall_a, officer_factory(stall_a))  # through the real login form
    round_, round_item_id = _round_opened_by_officer(stall_a, officer)
    public = client_for(stall_a)
    assert "Xe đạp đến trường" in public.get("/dot-phat/").content.decode()

    page = public.get(f"/dot-phat/{round_.pk}/")
    assert "Gửi đăng ký" in page.content.decode()
    for n in range(4):
        visitor = client_for(stall_a)
        response = visitor.post(
            f"/dot-phat/{round_.pk}/", _request_data(round_item_id, f"09076543{n:02d}")
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        assert "Chờ bốc thăm" in visitor.get(response["Location"]).content.decode()

    # The same phone again: refused with a clear message, nothing saved.
    again = public.post(f"/dot-phat/{round_.pk}/", _request_data(round_item_id, "0907654300"))
    assert again.status_code == 200
    assert "đã đăng ký trong đợt phát này" in again.content.decode()
    # A bad phone: the checkout's message beside the field.
    bad = public.post(f"/dot-phat/{round_.pk}/", _request_data(round_item_id, "12345"))
    assert "Số điện thoại chưa đúng" in bad.content.decode()

    with in_stall(stall_a):
        assert Request.objects.filter(round=round_).count() == 4
        round_window_end(round_)
    late = public.post(f"/dot-phat/{round_.pk}/", _request_data(round_item_id, "0907654399"))
    assert "đã đóng đăng ký" in late.content.decode()
    with in_stall(stall_a):
        assert Request.objects.filter(round=round_).count() == 4

    with in_stall(stall_a):
        before = AccessLog.objects.count()
    officer_page = officer.get(f"/can-bo/dot-phat/{round_.pk}/")
    assert "Trần Văn Bình" in officer_page.content.decode()
    with in_stall(stall_a):
        assert AccessLog.objects.count() > before  # personal data shown: logged

    assert officer.post(f"/can-bo/dot-phat/{round_.pk}/dong/").status_code == 302
    after_close = public.post(f"/dot-phat/{round_.pk}/", _request_data(round_item_id, "0907654398"))
    assert after_close.status_code == 409
    assert "đã đóng đăng ký" in after_close.content.decode()
    closed = public.get(f"/dot-phat/{round_.pk}/").content.decode()
    assert "Danh sách đã khóa" in closed
    assert "0907" not in closed
    assert "Trần Văn Bình" not in closed

    bad_number = officer.post(f"/can-bo/dot-phat/{round_.pk}/boc-tham/", {"public_number": "x"})
    assert bad_number.status_code == 302
    with in_stall(stall_a):
        assert Round.objects.get(pk=round_.pk).state == Round.State.CLOSED
    officer.post(f"/can-bo/dot-phat/{round_.pk}/boc-tham/", {"public_number": "041273"})
    with in_stall(stall_a):
        assert Round.objects.get(pk=round_.pk).state == Round.State.DRAWN
        winners = list(Request.objects.filter(round=round_, state=Request.State.WON))
        assert len(winners) == 2
        assert all(w.order_id for w in winners)

    check = public.get(f"/dot-phat/{round_.pk}/kiem-tra/").content.decode()
    assert "Khớp" in check
    for winner in winners:
        assert winner.code in check


def test_a_winner_confirms_on_their_request_page(stall_a, officer_factory, client_for):
    officer = client_for(stall_a, officer_factory(stall_a))
    round_, round_item_id = _round_opened_by_officer(stall_a, officer)
    visitor = client_for(stall_a)
    response = visitor.post(f"/dot-phat/{round_.pk}/", _request_data(round_item_id, "0907111222"))
    code = re.search(r"/dot-phat/dang-ky/([^/]+)/", response["Location"]).group(1)
    with in_stall(stall_a):
        round_window_end(round_)
    officer.post(f"/can-bo/dot-phat/{round_.pk}/dong/")
    officer.post(f"/can-bo/dot-phat/{round_.pk}/boc-tham/", {"public_number": "123456"})

    # Another browser needs the code and the last four digits.
    stranger = client_for(stall_a)
    assert stranger.get(f"/dot-phat/dang-ky/{code}/").status_code == 302
    wrong = stranger.post("/dot-phat/dang-ky/", {"code": code, "phone_last4": "0000"})
    assert "Không tìm thấy" in wrong.content.decode()
    found = stranger.post("/dot-phat/dang-ky/", {"code": code, "phone_last4": "1222"})
    assert found.status_code == 302
    page = stranger.get(found["Location"]).content.decode()
    assert "Chúc mừng" in page
    stranger.post(f"/dot-phat/dang-ky/{code}/")
    with in_stall(stall_a):
        assert Request.objects.get(code=code).confirmed_at is not None


def test_the_verify_command_reruns_a_draw_from_the_published_list_alone(
    stall_a, officer_factory, client_for, tmp_path, capsys
):
    officer = client_for(stall_a, officer_factory(stall_a))
    round_, round_item_id = _round_opened_by_officer(stall_a, officer)
    for n in range(5):
        client_for(stall_a).post(
            f"/dot-phat/{round_.pk}/", _request_data(round_item_id, f"09072223{n:02d}")
        )
    with in_stall(stall_a):
        round_window_end(round_)
    officer.post(f"/can-bo/dot-phat/{round_.pk}/dong/")
    officer.post(f"/can-bo/dot-phat/{round_.pk}/boc-tham/", {"public_number": "987654"})
    with in_stall(stall_a):
        round_.refresh_from_db()
        stored = list(
            Request.objects.filter(round=round_)
            .order_by("draw_position")
            .values_list("code", flat=True)
        )
        winners = set(
            Request.objects.filter(round=round_, state="won").values_list("code", flat=True)
        )
    listing = tmp_path / "danh-sach.txt"
    listing.write_text(round_.published_list, encoding="utf-8")

    call_command(
        "draw", "verify", "--list", str(listing), "--number", "987654",
        "--quantity", f"{round_item_id}=2",
    )  # fmt: skip
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"khóa {round_.draw_key}"
    assert [line.split("\t")[1] for line in lines[1:]] == stored
    assert {line.split("\t")[1] for line in lines[1:] if "được nhận" in line} == winners

    call_command("draw", "verify", "--stall", stall_a.slug, "--round", str(round_.pk))
    assert "Khớp với kết quả đã công bố." in capsys.readouterr().out


def test_the_check_page_and_the_command_say_when_a_stored_result_was_changed(
    stall_a, officer_factory, client_for
):
    from django.core.management.base import CommandError

    officer = client_for(stall_a, officer_factory(stall_a))
    round_, round_item_id = _round_opened_by_officer(stall_a, officer)
    for n in range(3):
        client_for(stall_a).post(
            f"/dot-phat/{round_.pk}/", _request_data(round_item_id, f"09073334{n:02d}")
        )
    with in_stall(stall_a):
        round_window_end(round_)
    officer.post(f"/can-bo/dot-phat/{round_.pk}/dong/")
    officer.post(f"/can-bo/dot-phat/{round_.pk}/boc-tham/", {"public_number": "112233"})
    with in_stall(stall_a):
        first, last = (
            Request.objects.filter(round=round_).order_by("draw_position")[i] for i in (0, 2)
        )
        # Someone swaps two places in the database after the draw.
        Request.objects.filter(pk=first.pk).update(draw_position=3)
        Request.objects.filter(pk=last.pk).update(draw_position=1)
    page = client_for(stall_a).get(f"/dot-phat/{round_.pk}/kiem-tra/").content.decode()
    assert "Không khớp" in page
    with pytest.raises(CommandError, match="Không khớp"):
        call_command("draw", "verify", "--stall", stall_a.slug, "--round", str(round_.pk))


def test_the_round_and_wish_pages_read_in_english_when_chosen(stall_a, client_for):
    client = client_for(stall_a)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    rounds = client.get("/dot-phat/").content.decode()
    assert "Being fastest does not decide who receives." in rounds
    wishes = client.get("/can-tim/").content.decode()
    assert "Leave a wish" in wishes
    assert "Ghi mong muốn" not in wishes

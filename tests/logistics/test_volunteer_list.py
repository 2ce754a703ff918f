"""The officers' volunteer page: school-list order, adding one, signing up for Saturday."""

from __future__ import annotations

import pytest

from logistics.models import RunSignup, Volunteer
from logistics.runs import run_for_new_stops
from logistics.volunteers import volunteer_may_deliver
from tests.conftest import in_stall
from tests.logistics.factories import volunteer_make

pytestmark = pytest.mark.django_db


def test_volunteers_are_listed_by_given_name_in_vietnamese_order(
    stall_a, client_for, officer_factory
):
    with in_stall(stall_a):
        for name in ("Trần Văn Đức", "Lê Thị Dung", "Nguyễn Văn An", "Phạm Thị Bích"):
            volunteer_make(name=name)
    body = client_for(stall_a, user=officer_factory(stall_a)).get("/can-bo/tinh-nguyen-vien/")
    text = body.content.decode()
    order = ["Nguyễn Văn An", "Phạm Thị Bích", "Lê Thị Dung", "Trần Văn Đức"]
    positions = [text.index(name) for name in order]
    assert positions == sorted(positions)


def test_officer_adds_a_minor_with_guardian_consent_and_signs_them_up(
    stall_a, client_for, officer_factory
):
    with in_stall(stall_a):
        run = run_for_new_stops()
    client = client_for(stall_a, user=officer_factory(stall_a))
    response = client.post(
        "/can-bo/tinh-nguyen-vien/",
        {
            "name": " Võ  Minh Khoa ",
            "chi_doan": "10a2",
            "phone": "0912 345 678",
            "is_minor": "on",
            "guardian_name": "Võ Văn Tám",
            "guardian_phone": "0912 000 999",
            "consent": "on",
        },
        follow=True,
    )
    assert "Đã thêm đoàn viên Võ Minh Khoa" in response.content.decode()
    with in_stall(stall_a):
        volunteer = Volunteer.objects.get()
        assert volunteer.chi_doan == "10A2"
        assert volunteer.phone == "+84912345678"
        assert volunteer_may_deliver(volunteer)
    client.post(f"/giao-nhan/chuyen/{run.pk}/dang-ky/", {"volunteer": volunteer.pk})
    with in_stall(stall_a):
        assert RunSignup.objects.filter(run=run, volunteer=volunteer).exists()
    page = client.get("/can-bo/tinh-nguyen-vien/").content.decode()
    assert "Đã đăng ký chuyến" in page


def test_a_bad_phone_is_refused_and_what_was_typed_stays(stall_a, client_for, officer_factory):
    client = client_for(stall_a, user=officer_factory(stall_a))
    response = client.post(
        "/can-bo/tinh-nguyen-vien/",
        {"name": "Võ Minh Khoa", "chi_doan": "10A2", "phone": "123"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'value="Võ Minh Khoa"' in body
    assert "điện thoại" in body
    with in_stall(stall_a):
        assert not Volunteer.objects.exists()

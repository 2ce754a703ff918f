"""A volunteer sees, downloads and asks to delete their own data through a personal link."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import pytest
import time_machine
from django.utils import timezone

from catalog.models import Order
from logistics.models import Route, RunStop, Volunteer
from logistics.routing import order_route
from logistics.runs import run_for_new_stops, run_plan, run_start, stop_mark, volunteer_signup
from logistics.selectors import volunteer_day_summary
from logistics.volunteers import volunteer_may_deliver
from privacy.models import AccessLog, ConsentRecord, DataRequest
from privacy.notices import NOTICE_CURRENT
from tests.conftest import in_stall
from tests.logistics.factories import order_make, school_commune, stall_place, volunteer_make

pytestmark = pytest.mark.django_db

NAME = "Phạm Thị Hoa Mai"
PARTNER = "Lê Văn Đồng Hành"
RECIPIENT = "Nguyễn Thị Người Nhận"
OTHER_STALL = "Võ Minh Trường Khác"


@pytest.fixture(autouse=True)
def _fresh_limits(stall_a, stall_b, fresh_limits):
    """Rate-limit counters live in real Redis: start each test from zero."""
    fresh_limits(stall_a)
    fresh_limits(stall_b)


def _stall_with_a_delivered_run(stall) -> dict:
    """A minor and a partner who delivered one order together last Saturday."""
    stall_place(stall)
    with in_stall(stall):
        order = order_make(area=school_commune(), state=Order.State.PACKED, name=RECIPIENT)
        order_route(order_id=order.pk)
        run = run_for_new_stops()
        volunteer = volunteer_make(name=NAME, chi_doan="10a3")
        partner = volunteer_make(name=PARTNER)
        for person in (volunteer, partner):
            volunteer_signup(volunteer=person, run=run)
        run_plan(run=run, seconds=0)
        run_start(run=run)
        stop_mark(stop=RunStop.objects.get(order=order), outcome=RunStop.Outcome.DELIVERED)
        run.refresh_from_db()
        return {
            "volunteer": volunteer,
            "partner": partner,
            "order": order,
            "run": run,
            "route": Route.objects.get(run=run),
        }


def _link_from_the_workspace(client, volunteer) -> str:
    """What an officer does: the volunteers list, the volunteer's data page, the link."""
    listing = client.get("/can-bo/tinh-nguyen-vien/").content.decode()
    officer_page = f"/can-bo/bao-mat/doan-vien/{volunteer.pk}/"
    assert officer_page in listing
    page = client.get(officer_page)
    assert page.status_code == 200
    found = re.search(r'id="own-link" readonly value="([^"]+)"', page.content.decode())
    assert found, "the officer's page shows the volunteer's link"
    url = html.unescape(found.group(1))
    return url[url.index("/bao-mat/doan-vien/") :]


@pytest.fixture
def world(stall_a, stall_b, officer_factory, client_for):
    people = _stall_with_a_delivered_run(stall_a)
    stall_place(stall_b)
    with in_stall(stall_b):
        people["other_stall"] = volunteer_make(name=OTHER_STALL)
    people["officer"] = officer = officer_factory(stall_a)
    people["officer_client"] = client_for(stall_a, officer)  # the real login form
    people["link"] = _link_from_the_workspace(people["officer_client"], people["volunteer"])
    return people


def test_a_volunteer_opens_their_own_page_with_the_link_the_officer_gave(
    world, stall_a, client_for
):
    volunteer, partner = world["volunteer"], world["partner"]
    phone = client_for(stall_a)  # the volunteer's phone: no account
    page = phone.get(world["link"])
    assert page.status_code == 200
    body = page.content.decode()
    for shown in (NAME, "10A3", volunteer.phone, "Trần Văn Hải", "+84988000111", NOTICE_CURRENT):
        assert shown in body, shown
    assert world["run"].date.strftime("%d/%m/%Y") in body
    assert "giao được 1" in body
    for hidden in (PARTNER, partner.phone, RECIPIENT, world["order"].phone, OTHER_STALL):
        assert hidden not in body, hidden
    assert "no-store" in page["Cache-Control"]
    with in_stall(stall_a):
        entry = AccessLog.objects.filter(user_id=0).get()
        assert DataRequest.objects.filter(
            subject_kind="volunteer", subject_id=volunteer.pk, kind="access", state="done"
        ).exists()
    assert entry.username == f"đoàn viên #{volunteer.pk} (tự xem)"
    assert (entry.action, entry.object_type) == ("view", "logistics.volunteer")
    assert entry.object_id == str(volunteer.pk)
    token = world["link"].split("/")[3]
    assert token not in entry.path
    # The officers read the line in their access log.
    assert f"đoàn viên #{volunteer.pk} (tự xem)" in (
        world["officer_client"].get("/can-bo/bao-mat/nhat-ky/").content.decode()
    )


def test_the_route_page_leads_a_volunteer_to_their_own_data_on_the_same_phone(
    world, stall_a, client_for
):
    from logistics.runs import route_link_token

    with in_stall(stall_a):
        route_url = f"/giao/{route_link_token(route=world['route'])}/"
    phone = client_for(stall_a)
    route_page = phone.get(route_url).content.decode()
    assert "/bao-mat/doan-vien/" in route_page
    assert "Dữ liệu của bạn" in route_page
    # Before the personal link was opened here: how to get one, and no one's data.
    start = phone.get("/bao-mat/doan-vien/")
    assert start.status_code == 200
    assert "đường dẫn riêng" in start.content.decode()
    assert NAME not in start.content.decode()
    phone.get(world["link"])
    again = phone.get("/bao-mat/doan-vien/", follow=True)
    assert NAME in again.content.decode()
    # The partner's phone, which opened only the route link, gets no one's data.
    partners_phone = client_for(stall_a)
    partners_phone.get(route_url)
    assert NAME not in partners_phone.get("/bao-mat/doan-vien/", follow=True).content.decode()


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_the_copy_holds_the_volunteers_data_and_nobody_elses(world, stall_a, client_for, fmt):
    volunteer, partner = world["volunteer"], world["partner"]
    phone = client_for(stall_a)
    response = phone.get(f"{world['link']}ban-sao.{fmt}")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    body = response.content.decode("utf-8-sig")
    if fmt == "json":
        data = json.loads(body)
        assert (data["name"], data["phone"], data["chi_doan"]) == (
            NAME,
            volunteer.phone,
            "10A3",
        )
        assert (data["guardian_name"], data["guardian_phone"]) == ("Trần Văn Hải", "+84988000111")
        assert [c["notice_version"] for c in data["consents"]] == [NOTICE_CURRENT]
        assert data["routes"][0]["run_date"] == world["run"].date.isoformat()
        assert data["routes"][0]["delivered"] == 1
        assert data["records"]["logistics.volunteer"][0]["pk"] == volunteer.pk
    for shown in (NAME, volunteer.phone, "+84988000111", NOTICE_CURRENT):
        assert shown in body, shown
    for hidden in (PARTNER, partner.phone, RECIPIENT, world["order"].phone, OTHER_STALL):
        assert hidden not in body, hidden
    with in_stall(stall_a):
        entry = AccessLog.objects.filter(user_id=0).get()
        assert (entry.action, entry.object_id) == ("export", str(volunteer.pk))
        assert DataRequest.objects.filter(kind="export", state="done").count() == 1


def test_a_deletion_asked_on_the_page_and_handled_by_the_officer_anonymises_the_volunteer(
    world, stall_a, client_for
):
    volunteer, partner = world["volunteer"], world["partner"]
    phone = client_for(stall_a)
    asked = phone.post(world["link"], {"kind": "delete"}, follow=True)
    assert asked.status_code == 200
    assert "Đã gửi yêu cầu" in asked.content.decode()
    assert "Xóa dữ liệu" in asked.content.decode()  # shown as waiting
    officer = world["officer_client"]
    register = officer.get("/can-bo/bao-mat/yeu-cau/").content.decode()
    assert f"Đoàn viên tình nguyện #{volunteer.pk}" in register
    with in_stall(stall_a):
        request = DataRequest.objects.get(kind="delete", state="pending")
        assert (request.subject_kind, request.subject_id) == ("volunteer", volunteer.pk)
        counted = volunteer_day_summary(day=world["run"].date)
    assert counted == (2, 6.0)  # the pair went out: two volunteers, 3 hours each
    assert officer.post(f"/can-bo/bao-mat/yeu-cau/{request.pk}/").status_code == 302
    with in_stall(stall_a):
        assert volunteer_day_summary(day=world["run"].date) == counted  # reports unchanged
        volunteer.refresh_from_db()
        assert (volunteer.name, volunteer.phone, volunteer.guardian_name) == ("", "", "")
        assert (volunteer.guardian_phone, volunteer.birth_year) == ("", None)
        assert volunteer.anonymised_at is not None
        assert not volunteer.is_active  # never planned into a run with a blank name
        consent = ConsentRecord.objects.get(subject_kind="volunteer", subject_id=volunteer.pk)
        assert (consent.guardian_name, consent.guardian_phone) == ("", "")
        assert Volunteer.objects.get(pk=partner.pk).name == PARTNER
        request.refresh_from_db()
        assert request.state == "done"
        assert AccessLog.objects.filter(action="delete", object_id=str(volunteer.pk)).exists()
    # The link no longer opens anything.
    after = phone.get(world["link"])
    assert after.status_code == 403
    assert "Đường dẫn không dùng được" in after.content.decode()
    assert NAME not in after.content.decode()


def test_withdrawing_consent_stops_volunteering_and_marks_the_consent(world, stall_a, client_for):
    volunteer = world["volunteer"]
    phone = client_for(stall_a)
    assert "Rút lại đồng ý" in phone.get(world["link"]).content.decode()
    phone.post(world["link"], {"kind": "withdraw"})
    with in_stall(stall_a):
        request = DataRequest.objects.get(kind="withdraw", state="pending")
    world["officer_client"].post(f"/can-bo/bao-mat/yeu-cau/{request.pk}/")
    with in_stall(stall_a):
        volunteer.refresh_from_db()
        assert not volunteer.is_active
        assert volunteer.left_at is not None
        assert volunteer.name == NAME  # kept until the retention period ends
        assert not volunteer_may_deliver(volunteer)
        volunteer.is_active = True  # set active again by mistake: still no run for a minor
        assert not volunteer_may_deliver(volunteer)
        consent = ConsentRecord.objects.get(subject_kind="volunteer", subject_id=volunteer.pk)
        assert consent.withdrawn_at is not None
    page = phone.get(world["link"]).content.decode()
    assert "đã rút lại" in page
    assert 'value="withdraw"' not in page


def test_a_bad_request_kind_is_refused_politely(world, stall_a, client_for):
    response = client_for(stall_a).post(world["link"], {"kind": "drop"}, follow=True)
    assert response.status_code == 200
    assert "Yêu cầu không hợp lệ" in response.content.decode()
    with in_stall(stall_a):
        assert not DataRequest.objects.exclude(kind="access").exists()


def test_an_expired_link_is_refused_in_vietnamese(world, stall_a, client_for, settings):
    later = timezone.now() + dt.timedelta(days=settings.GIANHANG_PERSONAL_LINK_DAYS, hours=1)
    with time_machine.travel(later, tick=False):
        response = client_for(stall_a).get(world["link"])
    assert response.status_code == 403
    body = response.content.decode()
    assert "đã hết hạn" in body
    assert NAME not in body
    with in_stall(stall_a):
        assert not AccessLog.objects.filter(user_id=0).exists()


def test_a_forged_or_altered_link_is_refused(world, stall_a, client_for):
    token = world["link"].split("/")[3]
    schema, kind, subject_id, version, stamp, signature = token.split(":")
    forged = [
        f"{schema}:{kind}:{world['partner'].pk}:{version}:{stamp}:{signature}",  # another id
        token[:-2] + ("AA" if not token.endswith("AA") else "BB"),  # another signature
        "truong_a:volunteer:1:1",  # no signature at all
    ]
    phone = client_for(stall_a)
    for bad in forged:
        for url in (f"/bao-mat/doan-vien/{bad}/", f"/bao-mat/doan-vien/{bad}/ban-sao.json"):
            response = phone.get(url)
            assert response.status_code == 403, url
            assert "Đường dẫn không dùng được" in response.content.decode()
            assert PARTNER not in response.content.decode()
    with in_stall(stall_a):
        assert not AccessLog.objects.filter(user_id=0).exists()


def test_a_new_link_from_the_officer_ends_the_old_one(world, stall_a, client_for):
    officer = world["officer_client"]
    volunteer = world["volunteer"]
    renewed = officer.post(f"/can-bo/bao-mat/doan-vien/{volunteer.pk}/", follow=True)
    assert "Đã cấp đường dẫn mới" in renewed.content.decode()
    phone = client_for(stall_a)
    assert phone.get(world["link"]).status_code == 403
    new_link = _link_from_the_workspace(officer, volunteer)
    assert new_link != world["link"]
    assert NAME in phone.get(new_link).content.decode()


def test_a_link_of_one_stall_opens_nothing_on_another(world, stall_b, client_for):
    # Same id in both schemas: only the signature's stall keeps them apart.
    assert world["other_stall"].pk == world["volunteer"].pk
    response = client_for(stall_b).get(world["link"])
    assert response.status_code == 403
    body = response.content.decode()
    assert OTHER_STALL not in body
    assert NAME not in body
    with in_stall(stall_b):
        assert not AccessLog.objects.exists()


def test_officers_of_another_stall_cannot_open_a_volunteers_page(
    world, stall_b, officer_factory, client_for
):
    officer_b = officer_factory(stall_b, username="canbo-b@example.vn")
    client = client_for(stall_b, officer_b)
    response = client.get(f"/can-bo/bao-mat/doan-vien/{world['volunteer'].pk}/")
    assert response.status_code == 200  # stall B's own volunteer with the same id
    assert OTHER_STALL in response.content.decode()
    assert NAME not in response.content.decode()
    foreign = client_for(stall_b, world["officer"])  # stall A's officer on stall B's host
    refused = foreign.get(f"/can-bo/bao-mat/doan-vien/{world['volunteer'].pk}/")
    assert refused.status_code == 403


def test_opening_a_link_too_often_is_throttled(world, stall_a, client_for, settings):
    settings.GIANHANG_PERSONAL_LINK_LIMIT_PER_SUBJECT = 3
    phone = client_for(stall_a)
    statuses = [phone.get(world["link"]).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    blocked = phone.get(world["link"])
    assert "quá nhiều lần" in blocked.content.decode()
    assert int(blocked["Retry-After"]) > 0


def test_guessing_links_from_one_address_is_throttled(world, stall_a, client_for, settings):
    settings.GIANHANG_PRIVACY_LOOKUP_LIMIT_PER_IP = 5
    phone = client_for(stall_a)
    statuses = [phone.get(f"/bao-mat/doan-vien/doan{n}/").status_code for n in range(5)]
    assert statuses == [403] * 5
    assert phone.get(world["link"]).status_code == 429  # even the right link, for a while


def test_the_volunteers_page_reads_in_english_too(world, stall_a, client_for):
    phone = client_for(stall_a)
    phone.cookies["django_language"] = "en"
    body = phone.get(world["link"]).content.decode()
    assert "Your data" in body
    assert "Download a copy (JSON)" in body
    assert NAME in body

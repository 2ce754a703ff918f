"""The guardian rule, written once per kind of person, and every entry point that uses it.

Volunteers: ``logistics.volunteers.volunteer_guardian`` (under 18, the union's rule);
recipients: ``catalog.services.recipient_guardian_clean`` (under 16, the law's child).
Entry points are checked by what they answer: the rule's own messages, for the same input.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError

from catalog.services import recipient_guardian_clean
from logistics.admin import VolunteerForm as AdminVolunteerForm
from logistics.models import Volunteer
from logistics.runs import RunError, run_for_new_stops, volunteer_signup
from logistics.volunteers import (
    VOLUNTEER_GUARDIAN_AGE,
    volunteer_guardian,
    volunteer_may_deliver,
    volunteer_needs_guardian,
    volunteer_register,
)
from tests.catalog.factories import item_make
from tests.conftest import in_stall

TODAY = dt.date(2026, 6, 1)
PAGE = "/can-bo/tinh-nguyen-vien/"


def _problems(**kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        volunteer_guardian(**kwargs)
    return refused.value.message_dict


# --- The rule itself ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "needed"),
    [
        (TODAY.year - VOLUNTEER_GUARDIAN_AGE + 1, True),  # 17 this year
        (TODAY.year - VOLUNTEER_GUARDIAN_AGE, True),  # 18 this year: 17 until the birthday
        (TODAY.year - VOLUNTEER_GUARDIAN_AGE - 1, False),  # 19 this year: 18 for sure
        (TODAY.year - 40, False),
    ],
)
def test_the_birth_year_decides_with_the_doubt_going_to_the_child(born, needed):
    assert volunteer_needs_guardian(is_minor=False, birth_year=born, today=TODAY) is needed


def test_the_officers_tick_is_enough_and_no_birth_year_trusts_it():
    assert volunteer_needs_guardian(is_minor=True, birth_year=TODAY.year - 30, today=TODAY)
    assert volunteer_needs_guardian(is_minor=True, today=TODAY)
    assert not volunteer_needs_guardian(is_minor=False, today=TODAY)


def test_a_minor_needs_the_guardians_name_and_a_valid_mobile():
    assert set(_problems(is_minor=True, today=TODAY)) == {"guardian_name", "guardian_phone"}
    bad_phone = _problems(
        is_minor=True, guardian_name="Lê Văn Ba", guardian_phone="0281234567", today=TODAY
    )
    assert set(bad_phone) == {"guardian_phone"}
    guardian = volunteer_guardian(
        is_minor=True, guardian_name="  Lê  Văn Ba ", guardian_phone="0912 345 678", today=TODAY
    )
    assert (guardian.needed, guardian.name, guardian.phone) == (True, "Lê Văn Ba", "+84912345678")


def test_an_adult_keeps_no_guardian_details():
    guardian = volunteer_guardian(
        is_minor=False,
        birth_year=TODAY.year - 25,
        guardian_name="Lê Văn Ba",
        guardian_phone="0912345678",
        today=TODAY,
    )
    assert (guardian.needed, guardian.name, guardian.phone) == (False, "", "")


@pytest.mark.parametrize("born", [TODAY.year + 1, TODAY.year - 101])
def test_an_impossible_birth_year_is_refused(born):
    assert set(_problems(is_minor=False, birth_year=born, today=TODAY)) == {"birth_year"}


# --- Volunteers' entry points -------------------------------------------------------------


def _rule_messages(**kwargs) -> list[str]:
    return [m for ms in _problems(**kwargs).values() for m in ms]


@pytest.mark.django_db
def test_the_officers_form_shows_the_rules_messages_and_saves_nothing(
    stall_a, officer_factory, client_for
):
    client = client_for(stall_a, officer_factory(stall_a))  # the real login form
    response = client.post(
        PAGE,
        {
            "name": "Phan Thị Lẻ",
            "chi_doan": "10A1",
            "phone": "0912345003",
            "is_minor": "on",
            "guardian_name": "",
            "guardian_phone": "",
            "consent": "on",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    for message in _rule_messages(is_minor=True):
        assert message in body
    with in_stall(stall_a):
        assert not Volunteer.objects.exists()


@pytest.mark.django_db
def test_registering_a_member_whose_birth_year_says_minor_needs_a_guardian(stall_a):
    born = dt.date.today().year - VOLUNTEER_GUARDIAN_AGE
    with in_stall(stall_a):
        with pytest.raises(ValidationError) as refused:
            volunteer_register(
                name="Phan Thị Lẻ",
                chi_doan="12A1",
                phone="0912345003",
                is_minor=False,
                birth_year=born,
            )
        assert set(refused.value.message_dict) == {"guardian_name", "guardian_phone"}
        assert not Volunteer.objects.exists()
        volunteer = volunteer_register(
            name="Phan Thị Lẻ",
            chi_doan="12A1",
            phone="0912345003",
            is_minor=False,
            birth_year=born,
            guardian_name="Phan Văn Tư",
            guardian_phone="0912345004",
        )
        assert volunteer.is_minor
        assert volunteer.guardian_consent_at is not None
        assert volunteer_may_deliver(volunteer)


@pytest.mark.django_db
def test_sign_up_for_a_run_asks_the_rule_not_the_stored_tick(stall_a):
    born = dt.date.today().year - VOLUNTEER_GUARDIAN_AGE + 2
    with in_stall(stall_a):
        # Saved around the rule (as an old row or a bulk import would be): ticked adult.
        volunteer = Volunteer.objects.create(
            name="Lê Văn Tí",
            chi_doan="10A1",
            phone="+84912345009",
            is_minor=False,
            birth_year=born,
        )
        assert not volunteer_may_deliver(volunteer)
        with pytest.raises(RunError):
            volunteer_signup(volunteer=volunteer, run=run_for_new_stops())


@pytest.mark.django_db
def test_the_volunteer_list_shows_who_waits_for_a_parent_by_the_rule(
    stall_a, officer_factory, client_for
):
    born = dt.date.today().year - VOLUNTEER_GUARDIAN_AGE + 2
    with in_stall(stall_a):
        Volunteer.objects.create(
            name="Lê Văn Tí",
            chi_doan="10A1",
            phone="+84912345009",
            is_minor=False,
            birth_year=born,
        )
        Volunteer.objects.create(
            name="Trần Thị Lớn",
            chi_doan="12A1",
            phone="+84912345010",
            is_minor=False,
            birth_year=born - 10,
        )
    page = client_for(stall_a, officer_factory(stall_a)).get(PAGE).content.decode()
    waiting = page.split("Chờ cha mẹ đồng ý")
    assert len(waiting) == 2  # one badge, for the minor by birth year
    assert "Lê Văn Tí" in waiting[0].rsplit("<li", 1)[-1]


@pytest.mark.django_db
def test_the_admin_form_uses_the_rule(stall_a):
    born = dt.date.today().year - VOLUNTEER_GUARDIAN_AGE + 2
    base = {"name": "Lê Văn Tí", "chi_doan": "10A1", "phone": "+84912345009", "is_active": "on"}
    with in_stall(stall_a):
        # With the consent form ticked, a minor by birth year needs the guardian's details.
        form = AdminVolunteerForm(data={**base, "birth_year": born, "consent_confirmed": "on"})
        assert not form.is_valid()
        assert set(form.errors) == {"guardian_name", "guardian_phone"}
        for message in _rule_messages(is_minor=True):
            assert message in str(form.errors)
        # Without it the member may be saved, as a minor (who cannot deliver yet).
        form = AdminVolunteerForm(data={**base, "birth_year": born})
        assert form.is_valid(), form.errors
        assert form.save().is_minor
        form = AdminVolunteerForm(data={**base, "phone": "+84912345010", "birth_year": 3000})
        assert set(form.errors) == {"birth_year"}


# --- Recipients' entry points -------------------------------------------------------------


def _recipient_messages() -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        recipient_guardian_clean(is_minor=True, guardian_name="", guardian_phone="12")
    return refused.value.message_dict


def test_a_recipient_who_is_not_a_minor_needs_no_guardian():
    assert recipient_guardian_clean(is_minor=False, guardian_name="x", guardian_phone="y") == {
        "recipient_is_minor": False
    }
    assert set(_recipient_messages()) == {"guardian_name", "guardian_phone"}


@pytest.mark.django_db
def test_the_api_answers_the_recipient_rules_messages(stall_a, client_for):
    with in_stall(stall_a):
        item = item_make()
    body = {
        "lines": [{"item": item.pk, "quantity": 1}],
        "name": "Trần Văn Bình",
        "phone": "0912345678",
        "commune_code": "28327",
        "address_line": "Ấp 4",
        "consent": True,
        "recipient_is_minor": True,
        "guardian_phone": "12",
    }
    response = client_for(stall_a).post(
        "/api/v1/orders/", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {**response.json(), **_recipient_messages()}

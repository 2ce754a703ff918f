"""Volunteers' consent (and a parent's for minors) is a consent record with the notice version."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from logistics.models import Volunteer
from logistics.runs import RunError, run_for_new_stops, volunteer_signup
from logistics.volunteers import volunteer_leave, volunteer_register
from privacy.models import ConsentRecord, SubjectKind
from privacy.notices import NOTICE_CURRENT
from tests.conftest import in_stall

pytestmark = pytest.mark.django_db


PAGE = "/can-bo/tinh-nguyen-vien/"


def _form(**overrides) -> dict:
    data = {
        "name": "Nguyễn Hoàng Yến",
        "chi_doan": "10A3",
        "phone": "0912345001",
        "is_minor": "on",
        "guardian_name": "Nguyễn Văn Tư",
        "guardian_phone": "0912345002",
        "consent": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_an_officer_signs_up_a_minor_with_the_parents_form_and_a_record_is_kept(
    stall_a, officer_factory, client_for
):
    client = client_for(stall_a, officer_factory(stall_a))  # the real login form
    page = client.get(PAGE).content.decode()
    assert NOTICE_CURRENT in page  # the officer sees which notice the form must match
    response = client.post(PAGE, _form())
    assert response.status_code == 302, response.content.decode()[:2000]
    with in_stall(stall_a):
        volunteer = Volunteer.objects.get()
        record = ConsentRecord.objects.get(
            subject_kind=SubjectKind.VOLUNTEER, subject_id=volunteer.pk
        )
        assert record.notice_version == NOTICE_CURRENT
        assert record.subject_is_minor
        assert (record.guardian_name, record.guardian_phone) == ("Nguyễn Văn Tư", "+84912345002")
        assert record.recorded_by_id is not None  # typed in from a paper form
        assert volunteer.guardian_consent_at == record.guardian_accepted_at
        volunteer_signup(volunteer=volunteer, run=run_for_new_stops())


def test_without_the_consent_form_nobody_is_added(stall_a, officer_factory, client_for):
    client = client_for(stall_a, officer_factory(stall_a))
    response = client.post(PAGE, _form(consent=None))
    assert response.status_code == 200
    assert "Cần có phiếu đồng ý" in response.content.decode()
    with in_stall(stall_a):
        assert not Volunteer.objects.exists()
        assert not ConsentRecord.objects.filter(subject_kind=SubjectKind.VOLUNTEER).exists()


def test_a_minor_without_the_parents_consent_cannot_go_on_a_run(stall_a):
    with in_stall(stall_a):
        volunteer = Volunteer.objects.create(
            name="Lê Văn Tí", chi_doan="10A1", phone="+84912345009", is_minor=True
        )
        with pytest.raises(RunError):
            volunteer_signup(volunteer=volunteer, run=run_for_new_stops())


def test_registering_a_minor_without_a_parent_saves_nothing(stall_a):
    with in_stall(stall_a):
        with pytest.raises(ValidationError) as refused:
            volunteer_register(
                name="Phan Thị Lẻ", chi_doan="10A1", phone="0912345003", is_minor=True
            )
        assert "cha mẹ" in " ".join(refused.value.messages)
        assert not Volunteer.objects.exists()


def test_leaving_sets_the_date_retention_counts_from(stall_a, officer_factory, client_for):
    client = client_for(stall_a, officer_factory(stall_a))
    client.post(PAGE, _form())
    with in_stall(stall_a):
        volunteer = volunteer_leave(volunteer=Volunteer.objects.get())
        assert volunteer.left_at is not None
        assert not volunteer.is_active

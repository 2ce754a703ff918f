"""Consent records: which notice each person accepted and when; guardians for under-16s."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from privacy.models import ConsentRecord, SubjectKind
from privacy.notices import NOTICE_CURRENT
from privacy.services import consent_record
from tests.conftest import in_stall


def test_consent_records_the_notice_version_and_time(stall_a):
    at = timezone.now() - dt.timedelta(minutes=3)
    with in_stall(stall_a):
        record = consent_record(subject_kind=SubjectKind.RECIPIENT, subject_id=7, accepted_at=at)
        assert (record.notice_version, record.accepted_at) == (NOTICE_CURRENT, at)
        assert record.guardian_accepted_at is None


def test_a_volunteer_under_16_needs_a_guardian(stall_a):
    with in_stall(stall_a):
        with pytest.raises(ValidationError, match="cha mẹ hoặc người giám hộ"):
            consent_record(subject_kind=SubjectKind.VOLUNTEER, subject_id=3, subject_is_minor=True)
        assert not ConsentRecord.objects.exists()


def test_a_minor_with_a_guardian_is_recorded_with_the_guardians_acceptance(stall_a):
    with in_stall(stall_a):
        record = consent_record(
            subject_kind=SubjectKind.VOLUNTEER,
            subject_id=3,
            subject_is_minor=True,
            guardian_name="Trần Văn Cha",
            guardian_phone="0912000111",
        )
        assert record.guardian_name == "Trần Văn Cha"
        assert record.guardian_accepted_at is not None


def test_the_database_refuses_a_minors_consent_without_a_guardian(stall_a):
    with in_stall(stall_a), pytest.raises(IntegrityError), transaction.atomic():
        ConsentRecord.objects.create(
            subject_kind=SubjectKind.RECIPIENT,
            subject_id=1,
            notice_version=NOTICE_CURRENT,
            accepted_at=timezone.now(),
            subject_is_minor=True,
        )


def test_recording_the_same_consent_twice_keeps_one_record(stall_a):
    with in_stall(stall_a):
        first = consent_record(subject_kind=SubjectKind.RECIPIENT, subject_id=9)
        second = consent_record(subject_kind=SubjectKind.RECIPIENT, subject_id=9)
        assert first.pk == second.pk
        assert ConsentRecord.objects.count() == 1


def test_an_unknown_notice_version_is_refused(stall_a):
    with in_stall(stall_a), pytest.raises(ValidationError, match="không tồn tại"):
        consent_record(subject_kind=SubjectKind.RECIPIENT, subject_id=1, notice_version="1999-01")


def test_the_notice_page_shows_its_version_in_vietnamese_and_english(stall_a, client_for):
    response = client_for(stall_a).get("/bao-mat/thong-bao/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Thông báo xử lý dữ liệu cá nhân" in body
    assert "Personal data notice" in body
    assert NOTICE_CURRENT in body
    assert stall_a.name in body


def test_an_unknown_notice_version_page_is_404(stall_a, client_for):
    assert client_for(stall_a).get("/bao-mat/thong-bao/1999-01/").status_code == 404

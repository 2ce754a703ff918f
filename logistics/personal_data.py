"""What logistics holds about people, declared to the privacy registry.

Recipients (by their order): the outbox's phone, text and Zalo parameters, a failed stop's
note, a returned parcel's reason and its carrier tracking number. Volunteers are a kind of subject of their
own: forgotten a retention period after they leave.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from logistics.models import (
    MessageOptOut,
    Notification,
    Parcel,
    Route,
    RoutingDecision,
    RunStop,
    SaturdayRun,
    StopMark,
    Volunteer,
)
from logistics.volunteers import volunteer_leave
from privacy import registry
from privacy.models import SubjectKind
from privacy.selectors import consents_of
from privacy.services import subjects_anonymise


def volunteers_due_for_anonymising(cutoff: dt.datetime) -> QuerySet[Volunteer]:
    return Volunteer.objects.filter(is_active=False, left_at__lt=cutoff)


def _routes_of(volunteer: Volunteer) -> list[dict]:
    """The routes the volunteer went on and what came of each stop: no recipient's name,
    phone or address (their data, not the volunteer's), no partner's name."""
    routes = (
        Route.objects.filter(Q(volunteer_a=volunteer) | Q(volunteer_b=volunteer))
        .select_related("run")
        .order_by("run__date", "number")
    )
    out = []
    for route in routes:
        stops = list(route.stops.order_by("position", "pk"))
        out.append(
            {
                "run_date": route.run.date.isoformat(),
                "route_number": route.number,
                "delivered": sum(s.outcome == RunStop.Outcome.DELIVERED for s in stops),
                "failed": sum(s.outcome == RunStop.Outcome.FAILED for s in stops),
                "stops": [
                    {
                        "position": stop.position,
                        "outcome": stop.outcome,
                        "marked_at": stop.marked_at.isoformat() if stop.marked_at else None,
                    }
                    for stop in stops
                ],
            }
        )
    return out


def volunteer_withdraw(*, subject_id: int, actor=None) -> None:
    """Consent withdrawn: the member stops volunteering (planning leaves out whoever has
    left, and a minor without a guardian's consent on file even if set active again by
    mistake); their data goes a retention period later, or at once on a deletion request."""
    volunteer = Volunteer.objects.filter(pk=subject_id).first()
    if volunteer is not None:
        volunteer_leave(volunteer=volunteer)
        Volunteer.objects.filter(pk=subject_id).update(guardian_consent_at=None)


def volunteer_forget(*, subject_id: int, actor=None) -> None:
    """A deletion request: the member leaves (no run is planned with a blank name), then
    their data is erased in every app now."""
    with transaction.atomic():
        volunteer_withdraw(subject_id=subject_id, actor=actor)
        subjects_anonymise(kind=SubjectKind.VOLUNTEER, ids=[subject_id])


def volunteer_personal_data(subject_id: int) -> dict:
    volunteer = Volunteer.objects.get(pk=subject_id)
    return {
        "name": volunteer.name,
        "chi_doan": volunteer.chi_doan,
        "phone": volunteer.phone,
        "birth_year": volunteer.birth_year,
        "is_minor": volunteer.is_minor,
        "guardian_name": volunteer.guardian_name,
        "guardian_phone": volunteer.guardian_phone,
        "is_active": volunteer.is_active,
        "left_at": volunteer.left_at.isoformat() if volunteer.left_at else None,
        "runs": sorted(
            run.date.isoformat()
            for run in SaturdayRun.objects.filter(signups__volunteer=volunteer).distinct()
        ),
        "routes": _routes_of(volunteer),
        "consents": [
            {
                "notice_version": c.notice_version,
                "accepted_at": c.accepted_at.isoformat(),
                "subject_is_minor": c.subject_is_minor,
                "guardian_name": c.guardian_name,
                "guardian_accepted_at": (
                    c.guardian_accepted_at.isoformat() if c.guardian_accepted_at else None
                ),
                "withdrawn_at": c.withdrawn_at.isoformat() if c.withdrawn_at else None,
            }
            for c in consents_of(subject_kind=SubjectKind.VOLUNTEER, subject_id=volunteer.pk)
        ],
    }


def personal_data_declare() -> None:
    """Called from ``LogisticsConfig.ready``."""
    # The outbox forgets with its order: anonymising the order blanks its messages.
    # Zalo's parameters carry the order code and tracking link; Zalo's and the gateway's
    # answers may repeat the phone number.
    registry.personal_data_register(
        Notification,
        fields={
            "phone": "",
            "text": "",
            "last_error": "",
            "template_data": {},
            "zalo_error": "",
            "provider_id": "",
        },
        lookup="order_id",
    )
    # Kept after the orders are forgotten, or the request would stop being honoured; a salted
    # hash cannot be turned back into the number.
    registry.personal_data_exempt(
        MessageOptOut,
        fields=["phone_hash"],
        why=_("mã băm có muối của số đã xin ngừng nhận tin; giữ để tiếp tục tôn trọng yêu cầu"),
    )
    registry.personal_data_register(RunStop, fields={"reason_note": ""}, lookup="order_id")
    registry.personal_data_register(
        Parcel,
        # A carrier's refusal may quote the address it could not place.
        fields={"return_reason": "", "tracking_number": "", "carrier_message": ""},
        lookup="order_id",
    )
    registry.subject_register(
        SubjectKind.VOLUNTEER,
        model=Volunteer,
        due=volunteers_due_for_anonymising,
        delete=volunteer_forget,
        withdraw=volunteer_withdraw,
        export=volunteer_personal_data,
        label=lambda subject_id: f"#{subject_id}",
    )
    registry.personal_data_register(
        Volunteer,
        fields={
            "name": "",
            "phone": "",
            "birth_year": None,
            "guardian_name": "",
            "guardian_phone": "",
        },
        subjects=(SubjectKind.VOLUNTEER,),
    )
    generated = _("câu do hệ thống tự viết (khoảng cách, lý do chọn tuyến), không có tên hay số")
    registry.personal_data_exempt(RoutingDecision, fields=["reason"], why=generated)
    registry.personal_data_exempt(SaturdayRun, fields=["plan_note"], why=generated)
    registry.personal_data_exempt(RunStop, fields=["reason"], why=_("mã lý do chọn từ danh sách"))
    registry.personal_data_exempt(StopMark, fields=["reason"], why=_("mã lý do chọn từ danh sách"))

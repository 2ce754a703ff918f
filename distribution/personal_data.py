"""What distribution holds about people who asked in a round, declared to the privacy registry.

A person who asked is known by their request (its code is what they hold); a winner's
order is a recipient of catalog's and is forgotten with catalog's rules. A request is kept
until its round has been drawn for a retention period and it holds no open order.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from catalog.models import Order
from catalog.personal_data import code_and_phone_match
from distribution.models import (
    Message,
    Request,
    Round,
    TextbookSeries,
    TextbookSubject,
    Wish,
)
from privacy import registry
from privacy.models import SubjectKind
from privacy.selectors import consents_of

APPLICANT = SubjectKind.APPLICANT
WISHER = SubjectKind.WISHER
REQUEST_FIELDS = {
    "recipient_name": "",
    "phone": "",
    "phone_last4": "",
    "phone_hash": "",
    "address_line": "",
    "legacy_address": "",
    "note": "",
    "guardian_name": "",
    "guardian_phone": "",
}


def requests_due_for_anonymising(cutoff: dt.datetime) -> QuerySet[Request]:
    """Requests of rounds drawn before ``cutoff`` that hold no open order."""
    return Request.objects.filter(round__drawn_at__lt=cutoff).exclude(
        Q(state=Request.State.WON) & Q(order__state__in=Order.OPEN_STATES)
    )


def request_personal_data(subject_id: int) -> dict[str, Any]:
    request = Request.objects.select_related("round", "round_item__item", "order").get(
        pk=subject_id
    )
    return {
        "request_code": request.code,
        "round": request.round.title,
        "item": request.round_item.item.title,
        "state": request.state,
        "recipient_name": request.recipient_name,
        "phone": request.phone,
        "address_line": request.address_line,
        "legacy_address": request.legacy_address,
        "note": request.note,
        "recipient_is_minor": request.recipient_is_minor,
        "guardian_name": request.guardian_name,
        "guardian_phone": request.guardian_phone,
        "priority_claimed": request.priority_claimed,
        "priority_verified_at": (
            request.priority_verified_at.isoformat() if request.priority_verified_at else None
        ),
        "draw_position": request.draw_position,
        "order_code": request.order.code if request.order else None,
        "requested_at": request.created_at.isoformat(),
        "messages": [m.text for m in request.messages.all()],
        "consents": [
            {"notice_version": c.notice_version, "accepted_at": c.accepted_at.isoformat()}
            for c in consents_of(subject_kind=APPLICANT, subject_id=request.pk)
        ],
        "retention_days_after_draw": settings.GIANHANG_RETENTION_DAYS,
    }


def wishes_due_for_anonymising(cutoff: dt.datetime) -> QuerySet[Wish]:
    """Wishes closed (met, expired, cancelled) before ``cutoff``."""
    return Wish.objects.filter(
        state__in=[Wish.State.MET, Wish.State.EXPIRED, Wish.State.CANCELLED],
        updated_at__lt=cutoff,
    )


def wish_personal_data(subject_id: int) -> dict[str, Any]:
    wish = Wish.objects.select_related("category").get(pk=subject_id)
    return {
        "wish_code": wish.code,
        "state": wish.state,
        "category": wish.category.name,
        "size": wish.size,
        "grade": wish.grade,
        "subject": wish.subject,
        "note": wish.note,
        "phone": wish.phone,
        "left_at": wish.created_at.isoformat(),
        "expires_at": wish.expires_at.isoformat(),
        "messages": [m.text for m in wish.messages.all()],
        "retention_days_after_closing": settings.GIANHANG_RETENTION_DAYS,
    }


def _message_of(kind: str, ids) -> Q:
    if kind == WISHER:
        return Q(wish_id__in=list(ids))
    return Q(request_id__in=list(ids))


def request_verify(*, code: str, last4: str, phone: str) -> Request | None:
    """The request with this code, if the phone given is really the one that asked."""
    return code_and_phone_match(Request.objects.all(), code=code, last4=last4, phone=phone)


def _verify(*, code: str, last4: str, phone: str) -> int | None:
    request = request_verify(code=code, last4=last4, phone=phone)
    return request.pk if request else None


def personal_data_declare() -> None:
    """Called from ``DistributionConfig.ready``."""
    registry.subject_register(
        APPLICANT,
        model=Request,
        due=requests_due_for_anonymising,
        export=request_personal_data,
        label=lambda subject_id: (
            Request.objects.filter(pk=subject_id).values_list("code", flat=True).first() or ""
        ),
        find=lambda code: Request.objects.filter(code=code).values_list("pk", flat=True).first(),
        verify=_verify,
    )
    registry.personal_data_register(Request, fields=REQUEST_FIELDS, subjects=(APPLICANT,))
    registry.personal_data_register(
        Message,
        fields={"phone": "", "text": "", "last_error": ""},
        subjects=(APPLICANT, WISHER),
        subject_q=_message_of,
    )
    registry.subject_register(
        WISHER,
        model=Wish,
        due=wishes_due_for_anonymising,
        export=wish_personal_data,
        label=lambda subject_id: (
            Wish.objects.filter(pk=subject_id).values_list("code", flat=True).first() or ""
        ),
        find=lambda code: Wish.objects.filter(code=code).values_list("pk", flat=True).first(),
    )
    registry.personal_data_register(
        Wish,
        fields={"note": "", "phone": "", "phone_last4": "", "phone_hash": ""},
        subjects=(WISHER,),
    )
    about_books = _("tên bộ sách hoặc môn học, không nói về người")
    registry.personal_data_exempt(TextbookSeries, fields=["name"], why=about_books)
    registry.personal_data_exempt(TextbookSubject, fields=["name"], why=about_books)
    registry.personal_data_exempt(
        Round,
        fields=["eligibility", "published_list", "title"],
        why=_("điều kiện của đợt phát và danh sách mã đăng ký công khai, không có thông tin người"),
    )

"""A volunteer's own data, opened with the personal signed link an officer gave them.

Volunteers are often minors, on a phone, without an account. A phone number is no proof
(classmates know it), so the key is a signed link that names one volunteer of one stall,
expires, and stops working when an officer issues a new one (SECURITY.md). The officer's
side, in the workspace, shows the same data and the link to pass on.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from core import ratelimit
from core.client_address import client_ip
from core.security import personal_data_page
from core.tenancy import current_schema
from privacy import registry
from privacy.audit import audited
from privacy.models import DataRequest, SubjectKind
from privacy.selectors import data_requests_pending, subject_export
from privacy.services import (
    PersonalLinkRefused,
    data_request_open,
    personal_link_renew,
    personal_link_subject,
    personal_link_token,
    retention_days,
)
from privacy.views import export_response
from tenants.permissions import stall_officer_required

VOLUNTEER = SubjectKind.VOLUNTEER
SUBJECT_WINDOW_SECONDS = 15 * 60
# The link last opened in this browser, so the route page's "your data" finds it again.
_REMEMBERED = "privacy_volunteer_link"
# What the visitor is called in the access log: the volunteer, by id, never by name.
_VISITOR = "đoàn viên #%(id)s (tự xem)"


def _shown(data: dict) -> dict:
    """The export with its ISO dates as dates, for pages that print them as 07/03/2026."""

    def when(value):
        if not value:
            return None
        parsed = dt.datetime.fromisoformat(value)
        return timezone.localtime(parsed) if timezone.is_aware(parsed) else parsed.date()

    shown = dict(data)
    shown["left_at"] = when(data.get("left_at"))
    shown["consents"] = [
        {
            **c,
            **{k: when(c.get(k)) for k in ("accepted_at", "guardian_accepted_at", "withdrawn_at")},
        }
        for c in data.get("consents", [])
    ]
    shown["routes"] = [{**r, "run_date": when(r["run_date"])} for r in data.get("routes", [])]
    return shown


def _refused(request, *, status: int, title, text, retry_after: int | None = None):
    response = render(
        request, "privacy/volunteer_refused.html", {"title": title, "text": text}, status=status
    )
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


def _too_many(request, verdicts):
    refused = [v for v in verdicts if not v.allowed]
    if not refused:
        return None
    wait = max(v.retry_after for v in refused)
    return _refused(
        request,
        status=429,
        title=_("Bạn đã mở quá nhiều lần"),
        text=_("Hãy đợi khoảng %(minutes)d phút rồi thử lại, hoặc nhờ cán bộ Đoàn trường giúp.")
        % {"minutes": max(1, wait // 60)},
        retry_after=wait,
    )


def _volunteer_of(request, link: str) -> tuple[int | None, HttpResponse | None]:
    """The volunteer the link opens, or the answer that refuses it (throttled or invalid)."""
    throttled = _too_many(
        request,
        [
            ratelimit.hit(
                scope="privacy-own-link-ip",
                subject=client_ip(request),
                limit=settings.GIANHANG_PRIVACY_LOOKUP_LIMIT_PER_IP,
                window_seconds=settings.GIANHANG_IP_LIMIT_WINDOW_SECONDS,
                fail_open=False,
            )
        ],
    )
    if throttled:
        return None, throttled
    try:
        subject_id = personal_link_subject(token=link, kind=VOLUNTEER)
    except PersonalLinkRefused:
        return None, _refused(
            request,
            status=403,
            title=_("Đường dẫn không dùng được"),
            text=_(
                "Đường dẫn này sai, đã hết hạn hoặc đã được thay bằng đường dẫn mới. Hãy xin "
                "cán bộ Đoàn trường đường dẫn mới. Dữ liệu của bạn không bị thay đổi."
            ),
        )
    throttled = _too_many(
        request,
        [
            ratelimit.hit(
                scope="privacy-own-link-subject",
                subject=str(subject_id),
                limit=settings.GIANHANG_PERSONAL_LINK_LIMIT_PER_SUBJECT,
                window_seconds=SUBJECT_WINDOW_SECONDS,
                fail_open=False,
            )
        ],
    )
    if throttled:
        return None, throttled
    # The access log names the volunteer themselves as the one who looked.
    request.personal_data_object_id = subject_id
    request.personal_data_visitor = _VISITOR % {"id": subject_id}
    return subject_id, None


def _remember(request, *, link: str, subject_id: int) -> None:
    """Keep the link for this browser's session; file the access once per session."""
    held = request.session.get(_REMEMBERED) or {}
    if held.get("schema") == current_schema() and held.get("link") == link:
        return
    request.session[_REMEMBERED] = {"schema": current_schema(), "link": link}
    data_request_open(subject_kind=VOLUNTEER, subject_id=subject_id, kind=DataRequest.Kind.ACCESS)


@personal_data_page
@require_GET
def volunteer_start(request):
    """Where the route page's "your data" leads: the link opened before on this phone, or
    how to get one."""
    held = request.session.get(_REMEMBERED) or {}
    if held.get("schema") == current_schema() and held.get("link"):
        try:
            personal_link_subject(token=held["link"], kind=VOLUNTEER)
        except PersonalLinkRefused:
            request.session.pop(_REMEMBERED, None)
        else:
            return redirect("privacy:volunteer-data", link=held["link"])
    return render(request, "privacy/volunteer_start.html")


@personal_data_page
@audited(object_type="logistics.volunteer", link_visitor="đoàn viên", masked_kwarg="link")
@require_http_methods(["GET", "POST"])
def volunteer_data(request, link: str):
    subject_id, refused = _volunteer_of(request, link)
    if refused:
        return refused
    assert subject_id is not None
    subject = registry.subject_of(VOLUNTEER)
    if request.method == "POST":
        kind = request.POST.get("kind")
        allowed = [DataRequest.Kind.DELETE.value]
        if subject.withdraw is not None:
            allowed.append(DataRequest.Kind.WITHDRAW.value)
        if kind not in allowed:
            messages.error(request, _("Yêu cầu không hợp lệ. Hãy chọn một nút bên dưới."))
        else:
            data_request_open(subject_kind=VOLUNTEER, subject_id=subject_id, kind=kind)
            messages.success(
                request,
                _("Đã gửi yêu cầu. Cán bộ Đoàn trường sẽ xử lý trong vòng 72 giờ."),
            )
        return redirect("privacy:volunteer-data", link=link)
    _remember(request, link=link, subject_id=subject_id)
    return render(
        request,
        "privacy/volunteer_data.html",
        {
            "link": link,
            "data": _shown(subject_export(kind=VOLUNTEER, subject_id=subject_id)),
            "pending": data_requests_pending(subject_kind=VOLUNTEER, subject_id=subject_id),
            "may_withdraw": subject.withdraw is not None,
            "retention_days": retention_days(VOLUNTEER),
        },
    )


@personal_data_page
@audited(object_type="logistics.volunteer", link_visitor="đoàn viên", masked_kwarg="link")
@require_GET
def volunteer_copy(request, link: str, fmt: str):
    """The volunteer's own copy, from the same registry-driven export officers use."""
    if fmt not in ("json", "csv"):
        raise Http404
    subject_id, refused = _volunteer_of(request, link)
    if refused:
        return refused
    assert subject_id is not None
    data_request_open(
        subject_kind=VOLUNTEER,
        subject_id=subject_id,
        kind=DataRequest.Kind.EXPORT,
        answered=True,
    )
    data = subject_export(kind=VOLUNTEER, subject_id=subject_id)
    return export_response(data, filename="du-lieu-cua-toi", fmt=fmt)


# --- The officer's side ------------------------------------------------------------------


@stall_officer_required
@audited(object_type="logistics.volunteer", id_kwarg="volunteer_id")
@require_http_methods(["GET", "POST"])
def officer_volunteer_data(request, volunteer_id: int):
    """A volunteer's data as the registry holds it, and their personal link to pass on."""
    subject = registry.subject_of(VOLUNTEER)
    row = subject.model._default_manager.filter(pk=volunteer_id).first()
    if row is None:
        raise Http404
    erased = getattr(row, subject.stamp[0]) is not None
    if request.method == "POST":
        if not erased:
            personal_link_renew(kind=VOLUNTEER, subject_id=volunteer_id, officer=request.user)
            messages.success(
                request,
                _("Đã cấp đường dẫn mới. Các đường dẫn cũ của đoàn viên này không mở được nữa."),
            )
        return redirect("privacy:volunteer-officer", volunteer_id=volunteer_id)
    link = expires = None
    if not erased:
        token = personal_link_token(kind=VOLUNTEER, subject_id=volunteer_id)
        link = request.build_absolute_uri(reverse("privacy:volunteer-data", args=[token]))
        expires = timezone.localtime() + dt.timedelta(days=settings.GIANHANG_PERSONAL_LINK_DAYS)
    return render(
        request,
        "privacy/officer_volunteer.html",
        {
            "volunteer_id": volunteer_id,
            "erased": erased,
            "data": _shown(subject_export(kind=VOLUNTEER, subject_id=volunteer_id)),
            "link": link,
            "expires": expires,
            "pending": data_requests_pending(subject_kind=VOLUNTEER, subject_id=volunteer_id),
        },
    )

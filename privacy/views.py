"""Privacy pages: the notice, a person's own data and requests, the officers' registers."""

from __future__ import annotations

import csv
import io
import json
import time

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import select_template
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import ratelimit
from core.client_address import client_ip
from core.security import personal_data_page
from core.tenancy import current_schema
from core.text import CleanCharField
from privacy import registry
from privacy.audit import audited
from privacy.models import AccessLog, DataRequest, SubjectKind
from privacy.notices import NOTICE_CURRENT, NOTICE_VERSIONS, notice_template
from privacy.selectors import (
    access_log_entries,
    data_requests_for_officers,
    data_requests_pending,
    subject_export,
)
from privacy.services import (
    DataRequestStateError,
    data_request_open,
    data_request_process,
    retention_days,
)
from tenants.permissions import stall_officer_required

# A recipient gets a few tries per code per quarter hour: enough for a typo, far too few to
# guess four digits. The per-IP count is only a burst guard (settings): one carrier address
# is shared by many households.
LOOKUP_LIMIT_PER_CODE = 5
LOOKUP_WINDOW_SECONDS = 15 * 60
VERIFIED_SECONDS = 15 * 60
_SESSION_KEY = "privacy_verified"


@require_GET
def notice(request, version: str | None = None):
    version = version or NOTICE_CURRENT
    if version not in NOTICE_VERSIONS:
        raise Http404
    template = select_template([notice_template(version)])
    return HttpResponse(
        template.render(
            {
                "version": version,
                "effective": NOTICE_VERSIONS[version],
                "is_current": version == NOTICE_CURRENT,
                "versions": sorted(NOTICE_VERSIONS),
                "retention_days": retention_days(SubjectKind.RECIPIENT),
                "volunteer_retention_days": retention_days(SubjectKind.VOLUNTEER),
                "donor_retention_days": retention_days(SubjectKind.DONOR),
            },
            request,
        )
    )


class LookupForm(forms.Form):
    code = CleanCharField(label=_("Mã đơn"), max_length=16)
    last4 = forms.RegexField(
        label=_("4 số cuối điện thoại"),
        regex=r"^\d{4}$",
        error_messages={"invalid": _("Nhập đúng 4 chữ số cuối.")},
    )
    phone = CleanCharField(label=_("Số điện thoại đầy đủ"), max_length=20)


def _recipients() -> registry.Subject:
    return registry.subject_of(SubjectKind.RECIPIENT)


def _verified_subject(request) -> int | None:
    """The recipient this browser proved to be in the last minutes, if still not forgotten."""
    held = request.session.get(_SESSION_KEY) or {}
    if held.get("schema") != current_schema() or held.get("until", 0) < time.time():
        return None
    subject = _recipients()
    subject_id = held.get("order_id")
    alive = subject.model._default_manager.filter(
        pk=subject_id, **{f"{subject.stamp[0]}__isnull": True}
    )
    return subject_id if alive.exists() else None


@personal_data_page
@require_http_methods(["GET", "POST"])
def recipient_lookup(request):
    form = LookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"].strip().upper()
        verdicts = [
            ratelimit.hit(
                scope="privacy-lookup-ip",
                subject=client_ip(request),
                limit=settings.GIANHANG_PRIVACY_LOOKUP_LIMIT_PER_IP,
                window_seconds=settings.GIANHANG_IP_LIMIT_WINDOW_SECONDS,
                fail_open=False,
            ),
            ratelimit.hit(
                scope="privacy-lookup-code",
                subject=code,
                limit=LOOKUP_LIMIT_PER_CODE,
                window_seconds=LOOKUP_WINDOW_SECONDS,
                fail_open=False,
            ),
        ]
        refused = [v for v in verdicts if not v.allowed]
        if refused:
            minutes = max(1, max(v.retry_after for v in refused) // 60)
            response = render(
                request,
                "privacy/lookup.html",
                {
                    "form": form,
                    "error": gettext(
                        "Bạn đã thử quá nhiều lần. Hãy đợi khoảng %(minutes)d phút rồi thử "
                        "lại, hoặc nhờ cán bộ Đoàn trường giúp."
                    )
                    % {"minutes": minutes},
                },
                status=429,
            )
            response["Retry-After"] = str(max(v.retry_after for v in refused))
            return response
        verify = _recipients().verify
        subject_id = (
            verify(code=code, last4=form.cleaned_data["last4"], phone=form.cleaned_data["phone"])
            if verify
            else None
        )
        if subject_id is not None:
            request.session.cycle_key()
            request.session[_SESSION_KEY] = {
                "schema": current_schema(),
                "order_id": subject_id,
                "until": time.time() + VERIFIED_SECONDS,
            }
            data_request_open(subject_id=subject_id, kind=DataRequest.Kind.ACCESS)
            return redirect("privacy:my-data")
        form.add_error(
            None,
            _(
                "Mã đơn hoặc số điện thoại không khớp. Hãy kiểm tra lại tin nhắn "
                "xác nhận đơn; số điện thoại là số bạn đã ghi khi đặt."
            ),
        )
    return render(request, "privacy/lookup.html", {"form": form})


@personal_data_page
@require_http_methods(["GET", "POST"])
def recipient_data(request):
    subject_id = _verified_subject(request)
    if subject_id is None:
        messages.info(request, _("Hãy nhập lại mã đơn và số điện thoại để xem dữ liệu."))
        return redirect("privacy:lookup")
    if request.method == "POST":
        kind = request.POST.get("kind")
        if kind not in (DataRequest.Kind.DELETE, DataRequest.Kind.EXPORT):
            messages.error(request, _("Yêu cầu không hợp lệ. Hãy chọn một nút bên dưới."))
        else:
            data_request_open(subject_id=subject_id, kind=kind)
            messages.success(
                request,
                _(
                    "Đã gửi yêu cầu. Cán bộ Đoàn trường sẽ xử lý trong vòng "
                    "72 giờ và liên hệ qua số điện thoại của bạn."
                ),
            )
        return redirect("privacy:my-data")
    return render(
        request,
        "privacy/my_data.html",
        {
            "data": subject_export(kind=SubjectKind.RECIPIENT, subject_id=subject_id),
            "pending": data_requests_pending(
                subject_kind=SubjectKind.RECIPIENT, subject_id=subject_id
            ),
        },
    )


@stall_officer_required
@audited(object_type="privacy.datarequest")
@require_GET
def officer_requests(request):
    page = Paginator(data_requests_for_officers(), 50).get_page(request.GET.get("trang"))
    return render(request, "privacy/officer_requests.html", {"page": page})


@stall_officer_required
@require_POST
def officer_request_process(request, request_id: int):
    data_request = get_object_or_404(DataRequest, pk=request_id)
    try:
        data_request_process(
            data_request=data_request,
            officer=request.user,
            reject=request.POST.get("reject") == "1",
        )
    except DataRequestStateError:
        messages.warning(request, _("Yêu cầu này đã được xử lý rồi; không cần làm lại."))
    else:
        messages.success(request, _("Đã xử lý yêu cầu."))
    return redirect("privacy:requests")


@stall_officer_required
@audited(object_type="catalog.order", id_kwarg="code", action="export")
@require_GET
def officer_order_export(request, code: str, fmt: str):
    subject = _recipients()
    subject_id = subject.find(code) if subject.find else None
    if subject_id is None or fmt not in ("json", "csv"):
        raise Http404
    data = subject_export(kind=SubjectKind.RECIPIENT, subject_id=subject_id)
    return export_response(data, filename=f"du-lieu-{code}", fmt=fmt)


@stall_officer_required
@audited(object_type="privacy.subject", id_kwarg="subject_id", action="export")
@require_GET
def officer_subject_export(request, subject_kind: str, subject_id: int, fmt: str):
    """A volunteer's or a donor's data (or a recipient's, by order id), from every app."""
    if subject_kind not in SubjectKind.values or fmt not in ("json", "csv"):
        raise Http404
    subject = registry.subject_of(subject_kind)
    if not subject.model._default_manager.filter(pk=subject_id).exists():
        raise Http404
    data = subject_export(kind=subject_kind, subject_id=subject_id)
    return export_response(data, filename=f"du-lieu-{subject_kind}-{subject_id}", fmt=fmt)


def _cell(value) -> str:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula."""
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else value
    text = "" if text is None else str(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def export_response(data: dict, *, filename: str, fmt: str) -> HttpResponse:
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    else:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["field", "value"])
        # Values as stored, numbers plain: a copy of the person's data, to be read back by
        # a program as well as by eye (the same as the JSON), not a report for people.
        for key, value in data.items():
            writer.writerow([key, _cell(value)])
        # A BOM so Excel on an officer's PC opens the Vietnamese text correctly.
        response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


@stall_officer_required
@audited(object_type="privacy.accesslog")
@require_GET
def officer_access_log(request):
    user_id = request.GET.get("tai_khoan")
    entries = access_log_entries(user_id=int(user_id) if (user_id or "").isdigit() else None)
    page = Paginator(entries, 100).get_page(request.GET.get("trang"))
    return render(request, "privacy/access_log.html", {"page": page, "actions": AccessLog.Action})

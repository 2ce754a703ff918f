"""Privacy pages: the notice, a recipient's own data and requests, the officers' registers."""

from __future__ import annotations

import csv
import io
import json
import time

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import select_template
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from catalog.codes import tracking_code_clean
from catalog.models import Order
from catalog.privacy import (
    NOTICE_CURRENT,
    NOTICE_VERSIONS,
    DataRequestStateError,
    access_log_entries,
    data_request_open,
    data_request_process,
    data_requests_for_officers,
    order_personal_data,
    recipient_order_verify,
)
from catalog.privacy_audit import audited
from catalog.privacy_models import AccessLog, DataRequest
from gianhang import ratelimit
from gianhang.security import personal_data_page
from gianhang.text import CleanCharField
from tenants.permissions import stall_officer_required

# A recipient gets a few tries per quarter hour: enough for a typo, far too few to guess
# a code and four digits.
LOOKUP_LIMIT_PER_IP = 10
LOOKUP_LIMIT_PER_CODE = 5
LOOKUP_WINDOW_SECONDS = 15 * 60
VERIFIED_SECONDS = 15 * 60
_SESSION_KEY = "privacy_verified"


@require_GET
def notice(request, version: str | None = None):
    version = version or NOTICE_CURRENT
    if version not in NOTICE_VERSIONS:
        raise Http404
    template = select_template([f"catalog/privacy/notice_{version.replace('-', '_')}.html"])
    return HttpResponse(
        template.render(
            {
                "version": version,
                "effective": NOTICE_VERSIONS[version],
                "is_current": version == NOTICE_CURRENT,
                "versions": sorted(NOTICE_VERSIONS),
                "retention_days": settings.GIANHANG_RETENTION_DAYS,
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


def _client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _verified_order(request) -> Order | None:
    held = request.session.get(_SESSION_KEY) or {}
    if held.get("schema") != connection.schema_name or held.get("until", 0) < time.time():
        return None
    return Order.objects.filter(pk=held.get("order_id"), anonymised_at__isnull=True).first()


@personal_data_page
@require_http_methods(["GET", "POST"])
def recipient_lookup(request):
    form = LookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = tracking_code_clean(form.cleaned_data["code"]) or form.cleaned_data["code"]
        verdicts = [
            ratelimit.hit(
                scope="privacy-lookup-ip",
                subject=_client_ip(request),
                limit=LOOKUP_LIMIT_PER_IP,
                window_seconds=LOOKUP_WINDOW_SECONDS,
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
                "catalog/privacy/lookup.html",
                {
                    "form": form,
                    "error": _t(
                        "Bạn đã thử quá nhiều lần. Hãy đợi khoảng %(minutes)d phút rồi thử "
                        "lại, hoặc nhờ cán bộ Đoàn trường giúp."
                    )
                    % {"minutes": minutes},
                },
                status=429,
            )
            response["Retry-After"] = str(max(v.retry_after for v in refused))
            return response
        order = recipient_order_verify(
            code=code, last4=form.cleaned_data["last4"], phone=form.cleaned_data["phone"]
        )
        if order is not None:
            request.session.cycle_key()
            request.session[_SESSION_KEY] = {
                "schema": connection.schema_name,
                "order_id": order.pk,
                "until": time.time() + VERIFIED_SECONDS,
            }
            data_request_open(order=order, kind=DataRequest.Kind.ACCESS)
            return redirect("privacy:my-data")
        form.add_error(
            None,
            _(
                "Mã đơn hoặc số điện thoại không khớp. Hãy kiểm tra lại tin nhắn "
                "xác nhận đơn; số điện thoại là số bạn đã ghi khi đặt."
            ),
        )
    return render(request, "catalog/privacy/lookup.html", {"form": form})


@personal_data_page
@require_http_methods(["GET", "POST"])
def recipient_data(request):
    order = _verified_order(request)
    if order is None:
        messages.info(request, _("Hãy nhập lại mã đơn và số điện thoại để xem dữ liệu."))
        return redirect("privacy:lookup")
    if request.method == "POST":
        kind = request.POST.get("kind")
        if kind not in (DataRequest.Kind.DELETE, DataRequest.Kind.EXPORT):
            messages.error(request, _("Yêu cầu không hợp lệ. Hãy chọn một nút bên dưới."))
        else:
            data_request_open(order=order, kind=kind)
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
        "catalog/privacy/my_data.html",
        {
            "data": order_personal_data(order=order),
            "pending": order.data_requests.filter(state=DataRequest.State.PENDING),
        },
    )


@stall_officer_required
@audited(object_type="catalog.datarequest")
@require_GET
def officer_requests(request):
    page = Paginator(data_requests_for_officers(), 50).get_page(request.GET.get("trang"))
    return render(request, "catalog/privacy/officer_requests.html", {"page": page})


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
    order = get_object_or_404(Order, code=code)
    if fmt not in ("json", "csv"):
        raise Http404
    data = order_personal_data(order=order)
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    else:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["field", "value"])
        for key, value in data.items():
            writer.writerow(
                [
                    key,
                    json.dumps(value, ensure_ascii=False)
                    if isinstance(value, list | dict)
                    else value,
                ]
            )
        # A BOM so Excel on an officer's PC opens the Vietnamese text correctly.
        response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="du-lieu-{order.code}.{fmt}"'
    return response


@stall_officer_required
@require_GET
def officer_access_log(request):
    user_id = request.GET.get("tai_khoan")
    entries = access_log_entries(user_id=int(user_id) if (user_id or "").isdigit() else None)
    page = Paginator(entries, 100).get_page(request.GET.get("trang"))
    return render(
        request, "catalog/privacy/access_log.html", {"page": page, "actions": AccessLog.Action}
    )

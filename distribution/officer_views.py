"""Officers' pages of rounds in the workspace: the list and a new round, one round's page
(requests, priority checks, closing, the draw), each step a POST to a thin view."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from catalog.phones import phone_display
from distribution import selectors
from distribution.forms import DrawForm, RoundForm
from distribution.models import Request, Round
from distribution.services import (
    RoundError,
    allocation_confirm,
    priority_verify,
    round_close,
    round_draw,
    round_open,
)
from privacy.audit import audited
from tenants.permissions import stall_officer_required


@require_http_methods(["GET", "POST"])
@stall_officer_required
def rounds(request):
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = round_open(
                title=data["title"],
                eligibility=data.get("eligibility", ""),
                priority_group=data.get("priority_group", ""),
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
                hold_days=data["hold_days"],
                items=form.lines(),
                actor=request.user,
            )
        except ValidationError as error:
            for problem in error.messages:
                form.add_error(None, problem)
        else:
            messages.success(request, _("Đã mở đợt phát “%(t)s”.") % {"t": made.title})
            return redirect("workspace:round", round_id=made.pk)
    elif request.method == "GET":
        now = timezone.localtime()
        form = RoundForm(
            initial={
                "opens_at": now.replace(second=0, microsecond=0),
                "closes_at": (now + dt.timedelta(days=7)).replace(
                    hour=17, minute=0, second=0, microsecond=0
                ),
                "hold_days": 3,
            }
        )
    return render(
        request,
        "distribution/officer/rounds.html",
        {"form": form, "rounds": selectors.rounds_for_officers()},
    )


@require_GET
@stall_officer_required
@audited(object_type="distribution.round", id_kwarg="round_id")
def round_page(request, round_id: int):
    round_ = get_object_or_404(Round.objects.prefetch_related("items__item"), pk=round_id)
    requests = list(selectors.round_requests(round_=round_))
    for req in requests:
        req.phone_national = phone_display(req.phone)  # type: ignore[attr-defined]
    return render(
        request,
        "distribution/officer/round.html",
        {
            "round": round_,
            "requests": requests,
            "draw_form": DrawForm(),
            "State": Round.State,
            "RState": Request.State,
        },
    )


def _round_step(request, round_id: int, step) -> None:
    round_ = get_object_or_404(Round, pk=round_id)
    try:
        message = step(round_)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, message)


@require_POST
@stall_officer_required
def round_close_view(request, round_id: int):
    def step(round_: Round) -> str:
        round_close(round_=round_, actor=request.user)
        return _("Đã đóng đăng ký và công bố danh sách mã.")

    _round_step(request, round_id, step)
    return redirect("workspace:round", round_id=round_id)


@require_POST
@stall_officer_required
def round_draw_view(request, round_id: int):
    form = DrawForm(request.POST)

    def step(round_: Round) -> str:
        if not form.is_valid():
            raise RoundError(_("Hãy nhập số công khai."))
        round_draw(
            round_=round_, public_number=form.cleaned_data["public_number"], actor=request.user
        )
        return _("Đã bốc thăm. Người được nhận đã có đơn; những người còn lại trong danh sách chờ.")

    _round_step(request, round_id, step)
    return redirect("workspace:round", round_id=round_id)


@require_POST
@stall_officer_required
def request_step(request, round_id: int, request_id: int):
    """Verify a priority claim in person, or record a winner's confirmation by phone."""
    req = get_object_or_404(Request, pk=request_id, round_id=round_id)
    action = request.POST.get("buoc")
    try:
        if action == "uu-tien":
            priority_verify(request=req, actor=request.user)
            messages.success(request, _("Đã ghi nhận: cán bộ đã xem giấy tờ ưu tiên."))
        elif action == "xac-nhan":
            allocation_confirm(request=req, actor=request.user)
            messages.success(request, _("Đã ghi nhận người nhận xác nhận suất."))
        else:
            messages.error(request, _("Bước này không có. Hãy bấm lại nút trên trang."))
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect("workspace:round", round_id=round_id)

"""Recipient pages of rounds on a stall's host, without JavaScript: the list, a round's page
with its request form, a request's status, and the draw's public check."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from catalog.codes import tracking_code_clean
from catalog.limits import order_attempt_allowed, tracking_lookup_allowed
from catalog.services import Recipient
from distribution import draw, selectors
from distribution.forms import RequestForm, RequestLookupForm, VerifyForm
from distribution.models import Request, Round
from distribution.services import (
    Asking,
    RequestRefused,
    RoundError,
    allocation_confirm,
    request_submit,
)
from privacy.notices import NOTICE_CURRENT

_FIELD_OF = {
    "name": "name",
    "phone": "phone",
    "commune": "commune",
    "address_line": "address_line",
    "guardian_name": "guardian_name",
    "guardian_phone": "guardian_phone",
}
SESSION_KEY = "distribution_requests"


@require_GET
def round_list(request):
    return render(request, "distribution/round_list.html", {"rounds": selectors.rounds_public()})


def _round_get(pk: int) -> Round:
    return get_object_or_404(Round.objects.prefetch_related("items__item"), pk=pk)


@require_http_methods(["GET", "POST"])
def round_page(request, pk: int):
    round_ = _round_get(pk)
    form = None
    if round_.state == Round.State.OPEN:
        if request.method == "POST" and "place" not in request.POST:
            form = RequestForm(initial=request.POST.dict(), round_=round_)
        elif request.method == "POST":
            form = RequestForm(request.POST, round_=round_)
            if form.is_valid():
                made = _submit(request, form, round_)
                if made is not None:
                    request.session[SESSION_KEY] = [
                        *request.session.get(SESSION_KEY, [])[-9:],
                        made.code,
                    ]
                    return redirect("distribution:request", code=made.code)
        else:
            form = RequestForm(round_=round_)
    elif request.method == "POST":
        return render(
            request,
            "distribution/round.html",
            {
                "round": round_,
                "closed_error": _("Đợt phát đã đóng đăng ký. Yêu cầu chưa được ghi nhận."),
            },
            status=409,
        )
    return render(
        request,
        "distribution/round.html",
        {
            "round": round_,
            "form": form,
            "legacy": bool(form and (form["address_mode"].value() or "") == form.MODE_LEGACY),
        },
    )


def _submit(request, form: RequestForm, round_: Round) -> Request | None:
    data = form.cleaned_data
    verdict = order_attempt_allowed(request=request, phone=data["phone"])
    if not verdict.allowed:
        form.add_error(
            None,
            _("Đã có quá nhiều yêu cầu từ máy hoặc số này. Hãy thử lại sau khoảng %(m)d phút.")
            % {"m": max(verdict.retry_after // 60, 1)},
        )
        return None
    asking = Asking(
        round_item_id=data["round_item"].pk,
        priority_claimed=data.get("priority_claimed", False),
        consent_version=data.get("notice_version") or NOTICE_CURRENT,
        recipient=Recipient.from_checkout_form(data),
    )
    try:
        return request_submit(stall=request.tenant, round_=round_, asking=asking)
    except ValidationError as error:
        for field, problems in error.message_dict.items():
            form.add_error(_FIELD_OF.get(field), problems)
    except RequestRefused as refused:
        form.add_error(None, refused.message)
    return None


def _own(request, code: str) -> Request | None:
    """A request this browser made, or one looked up with code + 4 digits."""
    cleaned = tracking_code_clean(code)
    if cleaned is None or cleaned not in request.session.get(SESSION_KEY, []):
        return None
    return (
        Request.objects.filter(code=cleaned, anonymised_at__isnull=True)
        .select_related("round", "round_item__item", "order")
        .first()
    )


@require_http_methods(["GET", "POST"])
def request_lookup(request):
    form = RequestLookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = tracking_code_clean(form.cleaned_data["code"])
        verdict = tracking_lookup_allowed(request=request, code=code)
        if not verdict.allowed:
            form.add_error(None, _("Đã thử quá nhiều lần. Hãy thử lại sau ít phút."))
        else:
            found = (
                Request.objects.filter(
                    code=code,
                    phone_last4=form.cleaned_data["phone_last4"],
                    anonymised_at__isnull=True,
                ).first()
                if code
                else None
            )
            if found is None:
                form.add_error(None, _("Không tìm thấy đăng ký với mã và 4 số cuối này."))
            else:
                request.session[SESSION_KEY] = [
                    *request.session.get(SESSION_KEY, [])[-9:],
                    found.code,
                ]
                return redirect("distribution:request", code=found.code)
    return render(request, "distribution/request_lookup.html", {"form": form})


@require_http_methods(["GET", "POST"])
def request_page(request, code: str):
    own = _own(request, code)
    if own is None:
        return redirect("distribution:request-lookup")
    error = ""
    if request.method == "POST":
        try:
            own = allocation_confirm(request=own)
        except RoundError as exc:
            error = exc.messages[0]
    return render(request, "distribution/request.html", {"req": own, "error": error})


@require_http_methods(["GET", "POST"])
def draw_check(request, pk: int):
    """Re-run a round's draw from its published list and number, for anyone to see; or run
    the draw on a list and number someone pastes in."""
    round_ = _round_get(pk)
    if round_.state != Round.State.DRAWN:
        raise Http404
    check = selectors.round_draw_check(round_=round_)
    form = VerifyForm(request.POST or None)
    pasted = None
    if request.method == "POST" and form.is_valid():
        try:
            entries = draw.published_parse(form.cleaned_data["published_list"])
            quantities = {str(ri.pk): ri.quantity for ri in round_.items.all()}
            pasted = draw.draw_run(entries, quantities, form.cleaned_data["public_number"])
        except ValueError:
            form.add_error(
                "published_list",
                _("Mỗi dòng là một mã, một khoảng trắng rồi số của món (thêm * nếu ưu tiên)."),
            )
    return render(
        request,
        "distribution/draw_check.html",
        {"round": round_, "check": check, "form": form, "pasted": pasted},
    )

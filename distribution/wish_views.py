"""Wanted-list pages: the public list (counts) with the form to leave a wish, a person's own
wish with the claim form, and the officers' grouped view."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from catalog.codes import tracking_code_clean
from catalog.forms import CheckoutForm
from catalog.limits import order_attempt_allowed, tracking_lookup_allowed
from catalog.phones import phone_display
from catalog.services import Recipient
from distribution.forms import RequestLookupForm, WishForm
from distribution.models import Wish
from distribution.wishes import wanted_counts, wish_claim, wish_leave
from privacy.audit import audited
from privacy.notices import NOTICE_CURRENT
from tenants.permissions import stall_officer_required

SESSION_KEY = "distribution_wishes"


def _remember(request, code: str) -> None:
    request.session[SESSION_KEY] = [*request.session.get(SESSION_KEY, [])[-19:], code]


def _errors_to_form(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


@require_http_methods(["GET", "POST"])
def wishes(request):
    form = WishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        verdict = order_attempt_allowed(request=request, phone=data["phone"])
        if not verdict.allowed:
            form.add_error(None, _("Đã có quá nhiều yêu cầu từ máy hoặc số này. Hãy thử lại sau."))
        else:
            try:
                wish = wish_leave(
                    phone=data["phone"],
                    category=data["category"],
                    size=data.get("size", ""),
                    grade=data.get("grade"),
                    subject=data.get("subject", ""),
                    note=data.get("note", ""),
                )
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                _remember(request, wish.code)
                return redirect("distribution:wish", code=wish.code)
    return render(
        request, "distribution/wishes.html", {"form": form, "needs": wanted_counts()[:30]}
    )


@require_http_methods(["GET", "POST"])
def wish_lookup(request):
    form = RequestLookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = tracking_code_clean(form.cleaned_data["code"])
        if not tracking_lookup_allowed(request=request, code=code).allowed:
            form.add_error(None, _("Đã thử quá nhiều lần. Hãy thử lại sau ít phút."))
        else:
            wish = Wish.objects.filter(
                code=code or "",
                phone_last4=form.cleaned_data["phone_last4"],
                anonymised_at__isnull=True,
            ).first()
            if wish is None:
                form.add_error(None, _("Không tìm thấy mong muốn với mã và 4 số cuối này."))
            else:
                _remember(request, wish.code)
                return redirect("distribution:wish", code=wish.code)
    return render(request, "distribution/request_lookup.html", {"form": form, "wish": True})


@require_http_methods(["GET", "POST"])
def wish_page(request, code: str):
    cleaned = tracking_code_clean(code)
    if cleaned is None or cleaned not in request.session.get(SESSION_KEY, []):
        return redirect("distribution:wish-lookup")
    wish = (
        Wish.objects.filter(code=cleaned, anonymised_at__isnull=True)
        .select_related("category", "offered_item", "order")
        .first()
    )
    if wish is None:
        return redirect("distribution:wish-lookup")
    form = None
    if wish.state == Wish.State.OFFERED:
        if request.method == "POST" and "place" not in request.POST:
            form = CheckoutForm(initial=request.POST.dict())
        elif request.method == "POST":
            form = CheckoutForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    wish_claim(
                        wish=wish,
                        consent_version=data.get("notice_version") or NOTICE_CURRENT,
                        recipient=Recipient.from_checkout_form(data),
                    )
                except ValidationError as error:
                    _errors_to_form(form, error)
                else:
                    return redirect("distribution:wish", code=wish.code)
        else:
            form = CheckoutForm(initial={"phone": phone_display(wish.phone)})
    return render(
        request,
        "distribution/wish.html",
        {
            "wish": wish,
            "form": form,
            "legacy": bool(form and (form["address_mode"].value() or "") == form.MODE_LEGACY),
        },
    )


@require_GET
@stall_officer_required
@audited(object_type="distribution.wish")
def officer_wishes(request):
    """Wishes grouped by what is needed, each group oldest first, with the phones to call."""
    groups: dict[tuple, dict] = {}
    rows = (
        Wish.objects.filter(
            state__in=[Wish.State.WAITING, Wish.State.OFFERED], anonymised_at__isnull=True
        )
        .select_related("category", "offered_item")
        .order_by("category__position", "grade", "subject", "size", "created_at", "pk")
    )
    for wish in rows:
        key = (wish.category.name, wish.grade, wish.subject, wish.size)
        group = groups.setdefault(key, {"key": key, "wishes": []})
        wish.phone_national = phone_display(wish.phone)  # type: ignore[attr-defined]
        group["wishes"].append(wish)
    return render(request, "distribution/officer/wishes.html", {"groups": list(groups.values())})

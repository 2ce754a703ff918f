"""Textbook set pages: the officers' quick intake by grade, series and subject; the
storefront's set page (which titles are in stock) with asking for the whole set."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from catalog.forms import CheckoutForm
from catalog.limits import order_attempt_allowed
from catalog.services import Recipient
from distribution.forms import SetPickForm, TextbookIntakeForm
from distribution.models import SetRequest, TextbookSubject
from distribution.textbooks import set_request_place, set_titles, textbook_intake
from distribution.wish_views import SESSION_KEY as WISHES_KEY
from privacy.notices import NOTICE_CURRENT
from tenants.permissions import stall_officer_required

SESSION_KEY = "distribution_sets"


def _picked(request):
    pick = SetPickForm(request.GET or None)
    if request.GET and pick.is_valid():
        return pick, pick.cleaned_data["lop"], pick.cleaned_data["bo"]
    return pick, None, None


@require_http_methods(["GET", "POST"])
@stall_officer_required
def textbook_intake_page(request):
    pick, grade, series = _picked(request)
    form = None
    if grade and series:
        subjects = TextbookSubject.objects.filter(grade=grade).order_by("position", "name")
        form = TextbookIntakeForm(request.POST or None, subjects=subjects)
        if request.method == "POST" and form.is_valid():
            try:
                taken = textbook_intake(
                    series=series, quantities=form.quantities(), actor=request.user
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(
                    request,
                    _("Đã nhập %(n)d cuốn (%(t)d đầu sách) lớp %(g)d, bộ %(s)s.")
                    % {
                        "n": sum(q for _item, q in taken),
                        "t": len(taken),
                        "g": grade,
                        "s": series.name,
                    },
                )
                return redirect(request.get_full_path())
    return render(
        request,
        "distribution/officer/textbooks.html",
        {"pick": pick, "form": form, "grade": grade, "series": series},
    )


@require_http_methods(["GET", "POST"])
def set_page(request):
    pick, grade, series = _picked(request)
    titles, form = [], None
    if grade and series:
        titles = set_titles(grade=grade, series=series)
        if request.method == "POST" and "place" not in request.POST:
            form = CheckoutForm(initial=request.POST.dict())
        elif request.method == "POST":
            form = CheckoutForm(request.POST)
            if form.is_valid():
                asked = _ask(request, form, grade, series)
                if asked is not None:
                    request.session[SESSION_KEY] = [
                        *request.session.get(SESSION_KEY, [])[-9:],
                        asked.set_request.pk,
                    ]
                    request.session[WISHES_KEY] = [
                        *request.session.get(WISHES_KEY, [])[-19:],
                        *[w.code for w in asked.wishes],
                    ]
                    return redirect("distribution:set-asked", pk=asked.set_request.pk)
        else:
            form = CheckoutForm()
    return render(
        request,
        "distribution/set.html",
        {
            "pick": pick,
            "grade": grade,
            "series": series,
            "titles": titles,
            "in_stock": sum(1 for t in titles if t.in_stock),
            "form": form,
            "legacy": bool(form and (form["address_mode"].value() or "") == form.MODE_LEGACY),
        },
    )


def _ask(request, form: CheckoutForm, grade: int, series):
    data = form.cleaned_data
    if not order_attempt_allowed(request=request, phone=data["phone"]).allowed:
        form.add_error(None, _("Đã có quá nhiều yêu cầu từ máy hoặc số này. Hãy thử lại sau."))
        return None
    try:
        return set_request_place(
            grade=grade,
            series=series,
            consent_version=data.get("notice_version") or NOTICE_CURRENT,
            recipient=Recipient.from_checkout_form(data),
        )
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            form.add_error(None, error.messages)
    return None


@require_GET
def set_asked(request, pk: int):
    if pk not in request.session.get(SESSION_KEY, []):
        return redirect("distribution:sets")
    asked = SetRequest.objects.select_related("series", "order").filter(pk=pk).first()
    if asked is None:
        return redirect("distribution:sets")
    lines = list(asked.order.lines.select_related("item")) if asked.order else []
    return render(
        request,
        "distribution/set_asked.html",
        {"asked": asked, "lines": lines, "wishes": list(asked.wishes.all())},
    )

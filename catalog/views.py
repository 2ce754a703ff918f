"""Storefront pages: home, item list and page, basket, checkout, order tracking."""

from __future__ import annotations

import hashlib
import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from catalog import selectors
from catalog.basket import (
    basket_clear,
    basket_count,
    basket_lines,
    basket_remove,
    basket_set,
    tracked_allow,
    tracked_allowed,
)
from catalog.cache import cached_fragment
from catalog.codes import tracking_code_clean
from catalog.forms import CheckoutForm, TrackingForm
from catalog.limits import order_attempt_allowed, tracking_lookup_allowed
from catalog.models import Item, Order
from catalog.services import (
    RECIPIENT_CANCELLABLE,
    OrderRefused,
    OrderStateError,
    Recipient,
    order_cancel_by_recipient,
    order_find,
    order_place,
)
from core.input_guard import bad_request
from core.text import text_clean
from privacy.notices import NOTICE_CURRENT

PAGE_SIZE = 24
# Service field names → checkout form field names, to put each error beside its field.
_FIELD_OF = {
    "name": "name",
    "phone": "phone",
    "commune": "commune",
    "address_line": "address_line",
    "guardian_name": "guardian_name",
    "guardian_phone": "guardian_phone",
}


def _int_or_none(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 1 <= number <= 12 else None


def _language(request) -> str:
    return getattr(request, "LANGUAGE_CODE", "vi")


def _share(request, *, title: str, description: str, image: str = "", kind: str = "website"):
    """What a link preview (OpenGraph, Twitter card) and the share button say about a page."""
    return {
        "title": title,
        "description": " ".join(description.split())[:200],
        "url": request.build_absolute_uri(request.path),
        "image": request.build_absolute_uri(image or static("catalog/share.png")),
        "type": kind,
    }


@require_GET
def home(request):
    language = _language(request)
    body = cached_fragment(
        f"home:{language}",
        lambda: render_to_string(
            "catalog/_home_body.html",
            {
                "categories": selectors.categories_with_counts(),
                "items": selectors.items_available()[:8],
                "LANGUAGE_CODE": language,
            },
        ),
    )
    stall = request.tenant
    share = _share(
        request,
        title=stall.name,
        description=_(
            "Gian hàng 0 đồng của %(name)s: quần áo, sách vở, mũ nón, giày dép được tặng miễn "
            "phí. Chọn món, để lại địa chỉ, đoàn viên giao tận nơi."
        )
        % {"name": stall.name},
    )
    return render(
        request,
        "catalog/home.html",
        {"body": body, "basket_count": basket_count(request), "share": share},
    )


_CATEGORY_SLUG = re.compile(r"^[-a-z0-9_]{1,80}$")


def _list_filters(request) -> dict | None:
    """The item list's filters, or None when one cannot be a real filter (a 400)."""
    category = request.GET.get("danh-muc") or ""
    size = text_clean(request.GET.get("co") or "")
    grade_text = request.GET.get("lop") or ""
    page_text = request.GET.get("trang") or "1"
    if category and not _CATEGORY_SLUG.match(category):
        return None
    if len(size) > 8 or (grade_text and _int_or_none(grade_text) is None):
        return None
    if not (page_text.isascii() and page_text.isdigit() and 1 <= int(page_text) <= 99_999):
        return None
    return {
        "category": category,
        "size": size,
        "grade": _int_or_none(grade_text),
        "query": text_clean(request.GET.get("q") or "")[:100],
        "page_number": page_text,
    }


@require_GET
def item_list(request):
    filters = _list_filters(request)
    if filters is None:
        return bad_request(
            request,
            _(
                "Bộ lọc không hợp lệ: lớp từ 1 đến 12, trang là số từ 1, cỡ tối đa 8 ký tự. "
                "Hãy chọn lại từ danh sách hàng."
            ),
        )
    category, size, grade = filters["category"], filters["size"], filters["grade"]
    query, page_number = filters["query"], filters["page_number"]
    kept = {
        k: v
        for k, v in (("q", query), ("danh-muc", category), ("co", size), ("lop", grade or ""))
        if v
    }
    language = _language(request)

    def draw() -> str:
        items = selectors.items_available(
            category=category or None, size=size or None, grade=grade, query=query or None
        )
        page = Paginator(items, PAGE_SIZE).get_page(page_number)
        return render_to_string(
            "catalog/_item_list_body.html",
            {
                "page": page,
                "items": page.object_list,
                "query": query,
                "category": category,
                "size": size,
                "grade": grade,
                "categories": selectors.categories_active(),
                "sizes": selectors.sizes_in_stock(),
                "grades": range(1, 13),
                "kept_query": urlencode(kept),
                "LANGUAGE_CODE": language,
            },
        )

    # Same filters, same page, same catalog version → the same HTML: drawn once.
    key = (
        "list:"
        + hashlib.sha256(f"{language}|{urlencode(kept)}|{page_number}".encode()).hexdigest()[:32]
    )
    return render(
        request,
        "catalog/item_list.html",
        {"body": cached_fragment(key, draw), "basket_count": basket_count(request)},
    )


@require_GET
def item_detail(request, pk: int):
    item = selectors.item_for_storefront(pk=pk)
    if item is None:
        raise Http404
    return render(
        request,
        "catalog/item_detail.html",
        {
            "item": item,
            "photos": list(item.photos.all()),
            "max_quantity": range(1, min(item.available, request.tenant.max_same_item) + 1),
            "basket_count": basket_count(request),
            "share": _item_share(request, item),
        },
    )


def _item_share(request, item: Item) -> dict:
    photo = item.first_photo
    image = ""
    if photo is not None:
        image = (photo.thumbnail or photo.image).url
    facts = [str(item.get_condition_display())]
    if item.size:
        facts.append(_("cỡ %(size)s") % {"size": item.size})
    if item.grade:
        facts.append(_("lớp %(grade)d") % {"grade": item.grade})
    description = item.description or _("Tặng miễn phí tại %(name)s.") % {
        "name": request.tenant.name
    }
    return _share(
        request,
        title=f"{item.title} – {request.tenant.name}",
        description=f"{', '.join(facts)}. {description}",
        image=image,
        kind="product",
    )


@require_http_methods(["GET", "POST"])
def basket(request):
    if request.method == "POST":
        item_pk = _int_or_none_any(request.POST.get("item"))
        item = (
            Item.objects.filter(pk=item_pk, is_listed=True).first() if item_pk is not None else None
        )
        if item is None:
            messages.error(request, _("Món này không còn trên gian hàng."))
        elif "remove" in request.POST:
            basket_remove(request, item_id=item.pk)
            messages.info(request, _("Đã bỏ “%(t)s” khỏi giỏ.") % {"t": item.title})
        else:
            kept = basket_set(
                request,
                item=item,
                quantity=_int_or_none_any(request.POST.get("quantity")) or 1,
                max_same_item=request.tenant.max_same_item,
            )
            if kept:
                messages.success(request, _("Đã thêm “%(t)s” vào giỏ.") % {"t": item.title})
            else:
                messages.error(
                    request, _("“%(t)s” đã hết hàng hoặc giỏ đã đủ món.") % {"t": item.title}
                )
        return redirect(
            request.POST.get("next") if _safe_next(request.POST.get("next")) else "catalog:basket"
        )
    return render(
        request,
        "catalog/basket.html",
        {
            "lines": basket_lines(request),
            "basket_count": basket_count(request),
            "stall_limits": request.tenant,
        },
    )


def _int_or_none_any(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _safe_next(target: str | None) -> bool:
    return target is not None and target.startswith("/") and not target.startswith("//")


@require_http_methods(["GET", "POST"])
def checkout(request):
    lines = basket_lines(request)
    if request.method == "POST" and "place" not in request.POST:
        # A picker changed (no JavaScript): redraw with the new lists, keep what was typed.
        form = CheckoutForm(initial=request.POST.dict())
    elif request.method == "POST":
        form = CheckoutForm(request.POST)
        if not lines:
            form.add_error(None, _("Giỏ hàng đang trống. Hãy chọn món trước khi đặt."))
        elif form.is_valid():
            order = _place(request, form, lines)
            if order is not None:
                basket_clear(request)
                tracked_allow(request, order.code)
                request.session["just_placed"] = order.code
                return redirect("catalog:placed")
    else:
        form = CheckoutForm(initial=_checkout_initial(request))
    return render(
        request,
        "catalog/checkout.html",
        {
            "form": form,
            "lines": lines,
            "basket_count": basket_count(request),
            "legacy": (form["address_mode"].value() or "") == CheckoutForm.MODE_LEGACY,
        },
    )


def _checkout_initial(request) -> dict:
    """Most recipients live in the stall's own province: start the address there."""
    commune = getattr(request.tenant, "commune", None)
    if commune is None or commune.era != commune.Era.CURRENT:
        return {}
    province_id = commune.parent_id if commune.level == commune.Level.COMMUNE else commune.pk
    return {"province": province_id} if province_id else {}


def _place(request, form: CheckoutForm, lines) -> Order | None:
    data = form.cleaned_data
    verdict = order_attempt_allowed(request=request, phone=data["phone"])
    if not verdict.allowed:
        form.add_error(
            None,
            _(
                "Đã có quá nhiều đơn từ máy hoặc số điện thoại này. "
                "Hãy thử lại sau khoảng %(m)d phút."
            )
            % {"m": max(verdict.retry_after // 60, 1)},
        )
        return None
    recipient = Recipient.from_checkout_form(data)
    try:
        return order_place(
            stall=request.tenant,
            recipient=recipient,
            lines={item.pk: quantity for item, quantity in lines},
            consent_version=data.get("notice_version") or NOTICE_CURRENT,
        )
    except ValidationError as error:
        for field, problems in error.message_dict.items():
            form.add_error(_FIELD_OF.get(field), problems)
    except OrderRefused as refused:
        form.add_error(None, refused.message)
    return None


@require_GET
def placed(request):
    code = request.session.get("just_placed")
    order = Order.objects.filter(code=code).first() if code else None
    if order is None:
        return redirect("catalog:track")
    return render(request, "catalog/placed.html", {"order": order})


@require_http_methods(["GET", "POST"])
def track(request):
    if request.method == "POST":
        form = TrackingForm(request.POST)
        if form.is_valid():
            verdict = tracking_lookup_allowed(request=request, code=form.cleaned_data["code"])
            if not verdict.allowed:
                form.add_error(
                    None,
                    _("Bạn đã tra cứu quá nhiều lần. Hãy thử lại sau %(m)d phút.")
                    % {"m": max(verdict.retry_after // 60, 1)},
                )
            else:
                order = order_find(
                    code=form.cleaned_data["code"], phone_last4=form.cleaned_data["phone_last4"]
                )
                if order is None:
                    form.add_error(
                        None,
                        _(
                            "Không tìm thấy đơn với mã và 4 số cuối điện thoại "
                            "này. Hãy kiểm tra lại."
                        ),
                    )
                else:
                    tracked_allow(request, order.code)
                    return redirect("catalog:order", code=order.code)
    else:
        form = TrackingForm(initial={"code": tracking_code_clean(request.GET.get("ma", "")) or ""})
    return render(
        request, "catalog/track.html", {"form": form, "basket_count": basket_count(request)}
    )


def _tracked(request, code: str) -> Order | None:
    if not tracked_allowed(request, code):
        return None
    return Order.objects.prefetch_related("lines__item", "events").filter(code=code).first()


@require_GET
def order_detail(request, code: str):
    order = _tracked(request, code)
    if order is None:
        return redirect(reverse("catalog:track") + "?" + urlencode({"ma": code}))
    return render(
        request,
        "catalog/order.html",
        {
            "order": order,
            "can_cancel": order.state in RECIPIENT_CANCELLABLE,
            "basket_count": basket_count(request),
        },
    )


@require_http_methods(["GET", "POST"])
def order_cancel(request, code: str):
    """Cancelling takes two steps (a page that asks, then a confirmed POST), without JavaScript."""
    order = _tracked(request, code)
    if order is None:
        return redirect(reverse("catalog:track") + "?" + urlencode({"ma": code}))
    if order.state not in RECIPIENT_CANCELLABLE:
        if order.state != Order.State.CANCELLED:
            messages.error(
                request, _("Đơn đã được đóng gói nên không hủy được nữa. Hãy liên hệ Đoàn trường.")
            )
        return redirect("catalog:order", code=code)
    if request.method == "GET" or request.POST.get("confirm") != "1":
        return render(
            request,
            "catalog/order_cancel.html",
            {"order": order, "basket_count": basket_count(request)},
        )
    try:
        order_cancel_by_recipient(order=order)
        messages.success(request, _("Đã hủy đơn %(code)s. Cảm ơn bạn đã báo.") % {"code": code})
    except OrderStateError:
        messages.error(
            request, _("Đơn đã được đóng gói nên không hủy được nữa. Hãy liên hệ Đoàn trường.")
        )
    return redirect("catalog:order", code=code)


@require_GET
def privacy_notice(request):
    # One notice: the storefront's old address leads to the versioned text people accept.
    return redirect("privacy:notice")

"""Officers' item pages: list, create with photo and stock, edit, list/unlist, stock and ledger,
and donations of several lines."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog.items import item_create, item_listing_set, item_update
from catalog.models import Donation, Item, StockEntry
from catalog.officer_forms import (
    DonationForm,
    DonationLineFormSet,
    ItemCreateForm,
    ItemForm,
    StockChangeForm,
    items_for_choice,
)
from catalog.selectors import search_terms
from catalog.stock import StockError, donation_record, stock_change
from privacy.audit import audited
from tenants.collation import vi_sorted
from tenants.geography import search_key
from tenants.permissions import stall_officer_required

LIST_LIMIT = 500
FILTERS = {
    "": Q(),
    "dang-hien": Q(is_listed=True),
    "da-an": Q(is_listed=False),
    "het-hang": Q(available=0),
}


def _errors_of(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


@stall_officer_required
def item_list(request):
    query = (request.GET.get("q") or "").strip()[:100]
    shown = request.GET.get("loc", "")
    items = Item.objects.filter(FILTERS.get(shown, Q())).prefetch_related("photos")
    words, _grade = search_terms(query) if query else ([], None)
    for word in words:
        items = items.filter(search_text__contains=search_key(word))
    items = items.annotate(wanted=Count("order_lines"))
    rows = vi_sorted(items[:LIST_LIMIT], key=lambda item: item.title)
    return render(
        request,
        "catalog/officer/item_list.html",
        {"items": rows, "query": query, "shown": shown, "truncated": len(rows) >= LIST_LIMIT},
    )


@stall_officer_required
def item_new(request):
    form = ItemCreateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = item_create(
                fields=form.item_fields(),
                quantity=form.cleaned_data["quantity"],
                photo=form.cleaned_data.get("photo"),
                actor=request.user,
            )
        except ValidationError as exc:
            for message in _errors_of(exc):
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("Đã thêm “%(title)s” với %(n)d món trong kho.")
                % {"title": item.title, "n": item.available},
            )
            if "them-tiep" in request.POST:
                return redirect("workspace:item-new")
            return redirect("workspace:items")
    return render(request, "catalog/officer/item_form.html", {"form": form, "item": None})


@stall_officer_required
def item_edit(request, pk: int):
    item = get_object_or_404(Item, pk=pk)
    form = ItemForm(request.POST or None, request.FILES or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            item_update(item=item, fields=form.item_fields(), photo=form.cleaned_data.get("photo"))
        except ValidationError as exc:
            for message in _errors_of(exc):
                form.add_error(None, message)
        else:
            messages.success(request, _("Đã lưu “%(title)s”.") % {"title": item.title})
            return redirect("workspace:item-stock", pk=item.pk)
    return render(request, "catalog/officer/item_form.html", {"form": form, "item": item})


@require_POST
@stall_officer_required
def item_listing(request, pk: int):
    item = get_object_or_404(Item, pk=pk)
    listed = request.POST.get("hien") == "1"
    item_listing_set(item=item, listed=listed)
    if listed:
        messages.success(request, _("“%(title)s” đã hiện trên gian hàng.") % {"title": item.title})
    else:
        messages.success(request, _("Đã ẩn “%(title)s” khỏi gian hàng.") % {"title": item.title})
    if request.POST.get("back") == "stock":
        return redirect("workspace:item-stock", pk=item.pk)
    return redirect("workspace:items")


@stall_officer_required
def item_stock(request, pk: int):
    """The item's stock: change it with a reason, and read its ledger in plain words."""
    item = get_object_or_404(Item.objects.prefetch_related("photos"), pk=pk)
    form = StockChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            stock_change(
                item=item,
                kind=form.cleaned_data["kind"],
                quantity=form.cleaned_data["quantity"],
                actor=request.user,
                note=form.cleaned_data["note"].strip(),
            )
        except StockError as exc:
            for message in _errors_of(exc):
                form.add_error("quantity", message)
        else:
            messages.success(request, _("Đã ghi sổ kho. Còn %(n)d món.") % {"n": item.available})
            return redirect("workspace:item-stock", pk=item.pk)
    entries = item.stock_entries.select_related("order", "donation")[:100]
    return render(
        request,
        "catalog/officer/item_stock.html",
        {"item": item, "form": form, "entries": [_ledger_row(e) for e in entries]},
    )


def _ledger_row(entry: StockEntry) -> dict:
    """One ledger line as a sentence an officer reads without knowing the model."""
    kind = StockEntry.Kind(entry.kind).label
    if entry.kind == StockEntry.Kind.HANDOUT:
        change = _("trao %(n)s món") % {"n": entry.note or "?"}
        note = ""
    else:
        change = f"{entry.quantity:+d}"
        note = entry.note
    if entry.order_id and entry.order is not None:
        source = _("đơn %(code)s") % {"code": entry.order.code}
    elif entry.donation_id and entry.donation is not None:
        source = _("quyên góp ngày %(d)s") % {"d": f"{entry.donation.received_on:%d/%m/%Y}"}
    else:
        source = ""
    return {"at": entry.created_at, "kind": kind, "change": change, "note": note, "source": source}


@stall_officer_required
@audited(object_type="catalog.donation")
def donations(request):
    """Record a donation of several lines at once; each line becomes an intake."""
    choices = [(item.pk, item.title) for item in items_for_choice()]
    form = DonationForm(request.POST or None)
    lines = DonationLineFormSet(
        request.POST or None, prefix="dong", form_kwargs={"item_choices": choices}
    )
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        picked = [
            (f.cleaned_data["item"], f.cleaned_data["quantity"])
            for f in lines.forms
            if f.cleaned_data.get("item")
        ]
        items = Item.objects.in_bulk([pk for pk, _q in picked])
        try:
            donation = donation_record(
                received_on=form.cleaned_data["received_on"],
                lines=[(items[pk], quantity) for pk, quantity in picked if pk in items],
                donor_name=form.cleaned_data["donor_name"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except StockError as exc:
            for message in _errors_of(exc):
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("Đã ghi lượt quyên góp với %(n)d món vào kho.")
                % {"n": sum(line.quantity for line in donation.lines.all())},
            )
            return redirect("workspace:donations")
    recent = Donation.objects.prefetch_related("lines__item")[:30]
    return render(
        request,
        "catalog/officer/donations.html",
        {"form": form, "lines": lines, "recent": recent, "has_items": bool(choices)},
    )

"""Officer pages in the stall admin (/quan-tri/): catalog, donations, ledger, order board."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from catalog.forms import ItemAdminForm, ItemPhotoForm
from catalog.items import item_save, items_listing_set
from catalog.models import (
    Category,
    Donation,
    DonationLine,
    Item,
    ItemPhoto,
    Order,
    OrderEvent,
    OrderLine,
    StockEntry,
)
from catalog.photos import photo_rerender
from catalog.selectors import order_state_counts
from catalog.services import OrderStateError, order_transition
from catalog.stock import donation_line_intake
from tenants.admin_sites import StallModelAdmin, stall_admin_site
from tenants.permissions import request_is_stall_officer

State = Order.State


@admin.register(Category, site=stall_admin_site)
class CategoryAdmin(StallModelAdmin):
    list_display = ["name", "name_en", "position", "is_active"]
    list_editable = ["position", "is_active"]
    prepopulated_fields = {"slug": ["name"]}


class OfficerInline(admin.TabularInline):
    """Inlines follow the stall's officer rule, not Django's per-model permissions."""

    def has_view_permission(self, request, obj=None):
        return request_is_stall_officer(request)

    def has_add_permission(self, request, obj=None):
        return request_is_stall_officer(request)

    def has_change_permission(self, request, obj=None):
        return request_is_stall_officer(request)

    def has_delete_permission(self, request, obj=None):
        return request_is_stall_officer(request)


class ItemPhotoInline(OfficerInline):
    model = ItemPhoto
    form = ItemPhotoForm
    extra = 1
    fields = ["image", "position"]


@admin.register(Item, site=stall_admin_site)
class ItemAdmin(StallModelAdmin):
    form = ItemAdminForm
    inlines = [ItemPhotoInline]
    list_display = ["title", "category", "size", "grade", "available", "is_listed", "ledger"]
    list_filter = ["category", "is_listed", "condition", "size_kind", "grade"]
    search_fields = ["title", "search_text"]
    readonly_fields = ["available"]
    actions = ["list_items", "unlist_items"]
    list_per_page = 50

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # the ledger and orders refer to items: unlist instead

    def save_model(self, request, obj, form, change):
        item_save(item=obj)

    @admin.display(description=_("sổ kho"))
    def ledger(self, item):
        url = (
            reverse("stall_admin:catalog_stockentry_changelist")
            + "?"
            + urlencode({"item__id__exact": item.pk})
        )
        return format_html('<a href="{}">{}</a>', url, _("xem"))

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is not ItemPhoto:
            return
        for photo_form in formset.forms:
            photo = photo_form.instance
            if (
                photo.pk
                and "image" in photo_form.changed_data
                and photo
                in (formset.new_objects + [obj for obj, _fields in formset.changed_objects])
            ):
                try:
                    photo_rerender(photo=photo)  # same checks as the form; clean copy, thumbnail
                except ValidationError as error:
                    photo.delete()
                    messages.error(request, error.messages[0])

    @admin.action(description=_("Hiện trên gian hàng"))
    def list_items(self, request, queryset):
        count = items_listing_set(items=queryset, listed=True)
        self.message_user(request, _("Đã hiện %(n)d món.") % {"n": count})

    @admin.action(description=_("Ẩn khỏi gian hàng"))
    def unlist_items(self, request, queryset):
        count = items_listing_set(items=queryset, listed=False)
        self.message_user(request, _("Đã ẩn %(n)d món.") % {"n": count})


class DonationLineInline(OfficerInline):
    """Lines are added, never edited: each one already went into the ledger."""

    model = DonationLine
    extra = 3
    autocomplete_fields = ["item"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Donation, site=stall_admin_site)
class DonationAdmin(StallModelAdmin):
    inlines = [DonationLineInline]
    list_display = ["received_on", "donor_name", "line_count"]
    date_hierarchy = "received_on"
    search_fields = ["donor_name", "note"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("số dòng"))
    def line_count(self, donation):
        return donation.lines.count()

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by_id = request.user.pk
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is DonationLine:
            for line in formset.new_objects:
                donation_line_intake(line=line, actor=request.user)


@admin.register(StockEntry, site=stall_admin_site)
class StockEntryAdmin(StallModelAdmin):
    """The ledger, read-only: stock changes are made in the workspace (catalog.stock)."""

    list_display = ["created_at", "item", "kind", "quantity", "order", "donation", "note"]
    list_filter = ["kind", "created_at"]
    search_fields = ["item__title", "note"]
    autocomplete_fields = ["item"]
    list_select_related = ["item", "order", "donation"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class OrderLineInline(OfficerInline):
    model: type[Model] = OrderLine
    extra = 0
    readonly_fields = ["item", "quantity"]
    fields = tuple(readonly_fields)
    can_delete = False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OrderEventInline(OrderLineInline):
    model = OrderEvent
    readonly_fields = ["at", "from_state", "to_state", "public_note"]
    fields = tuple(readonly_fields)


def _bulk(to_state: str, label):
    def action(modeladmin, request, queryset):
        moved, failures = 0, []
        for order in queryset.order_by("pk"):
            try:
                order_transition(
                    order=order, to_state=to_state, actor=request.user, expected_from=order.state
                )
                moved += 1
            except OrderStateError as error:
                failures.append(str(error))
        if moved:
            modeladmin.message_user(
                request,
                ngettext(
                    "Đã chuyển %(n)d đơn sang “%(s)s”.", "Đã chuyển %(n)d đơn sang “%(s)s”.", moved
                )
                % {"n": moved, "s": State(to_state).label},
                messages.SUCCESS,
            )
        for failure in failures[:20]:
            modeladmin.message_user(request, failure, messages.WARNING)
        if len(failures) > 20:
            modeladmin.message_user(
                request,
                _("… và %(n)d đơn khác không chuyển được.") % {"n": len(failures) - 20},
                messages.WARNING,
            )

    action.__name__ = f"to_{to_state}"
    return admin.action(description=label)(action)


@admin.register(Order, site=stall_admin_site)
class OrderAdmin(StallModelAdmin):
    """The order board: tabs by state with counts, bulk steps, packing slips."""

    change_list_template = "admin/catalog/order/change_list.html"
    list_display = [
        "code",
        "state_badge",
        "placed_at",
        "recipient_name",
        "commune",
        "delivery",
        "item_count",
    ]
    list_filter = ["state", "delivery", "placed_at"]
    search_fields = ["code", "recipient_name", "phone", "address_line"]
    list_select_related = ["commune"]
    list_per_page = 100
    inlines = [OrderLineInline, OrderEventInline]
    readonly_fields = [
        "code",
        "state",
        "placed_at",
        "closed_at",
        "recipient_name",
        "phone",
        "province",
        "commune",
        "address_line",
        "legacy_address",
        "note",
        "recipient_is_minor",
        "guardian_name",
        "guardian_phone",
        "consent_version",
        "consent_at",
        "delivery",
    ]
    fields = tuple(readonly_fields)
    actions = [
        _bulk(State.CONFIRMED, _("Xác nhận các đơn đã chọn")),
        _bulk(State.PACKED, _("Đánh dấu đã đóng gói")),
        _bulk(State.DELIVERED, _("Đánh dấu đã nhận")),
        _bulk(State.FAILED, _("Đánh dấu giao không thành")),
        _bulk(State.CANCELLED, _("Hủy các đơn đã chọn (trả món về kho)")),
        "print_slips",
    ]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # every change is a step through order_transition (the actions)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        from django.db.models import Sum

        return super().get_queryset(request).annotate(items_total=Sum("lines__quantity"))

    @admin.display(description=_("trạng thái"), ordering="state")
    def state_badge(self, order):
        return format_html(
            '<span class="badge state-{}">{}</span>', order.state, order.get_state_display()
        )

    @admin.display(description=_("số món"))
    def item_count(self, order):
        return order.items_total or 0

    @admin.action(description=_("In phiếu đóng gói"))
    def print_slips(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True)[:200])
        return HttpResponseRedirect(
            reverse("catalog:packing-slips") + "?" + urlencode([("id", pk) for pk in ids])
        )

    def changelist_view(self, request, extra_context=None):
        counts = order_state_counts()
        tabs = [(value, label, counts.get(value, 0)) for value, label in State.choices]
        extra_context = {
            **(extra_context or {}),
            "state_tabs": tabs,
            "current_state": request.GET.get("state__exact", ""),
        }
        return super().changelist_view(request, extra_context=extra_context)

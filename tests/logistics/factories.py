"""Orders, items and volunteers for logistics tests, made with the ORM (no storefront needed)."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools

from django.db.models import F
from django.utils import timezone

from catalog.models import Category, Item, Order, OrderEvent, OrderLine, StockEntry
from logistics.models import Volunteer
from logistics.volunteers import volunteer_register
from tenants.models import AdminArea, Stall

_seq = itertools.count(1)

# Current (2025) communes: the school's, and one far away in Hà Nội.
SCHOOL_COMMUNE = "28321"


def commune(code: str) -> AdminArea:
    return AdminArea.objects.get(
        era=AdminArea.Era.CURRENT, level=AdminArea.Level.COMMUNE, code=code
    )


def school_commune() -> AdminArea:
    return commune(SCHOOL_COMMUNE)


def far_commune() -> AdminArea:
    """A Hà Nội commune: hundreds of kilometres from any Tiền Giang school."""
    return (
        AdminArea.objects.filter(
            era=AdminArea.Era.CURRENT,
            level=AdminArea.Level.COMMUNE,
            parent__code="01",
            latitude__isnull=False,
        )
        .order_by("code")
        .first()
    )


def stall_place(stall: Stall, *, radius_km: float = 5) -> Stall:
    """Put the stall's school in its commune (public schema) with a delivery radius."""
    stall.commune = school_commune()
    stall.delivery_radius_km = radius_km
    stall.save(update_fields=["commune", "delivery_radius_km"])
    return stall


def item_make(*, available: int = 100, title: str = "Áo sơ mi trắng") -> Item:
    category = Category.objects.order_by("pk").first() or Category.objects.create(
        name="Quần áo", slug="quan-ao"
    )
    item = Item.objects.create(category=category, title=title)
    StockEntry.objects.create(item=item, kind=StockEntry.Kind.INTAKE, quantity=available)
    Item.objects.filter(pk=item.pk).update(available=F("available") + available)
    return item


def order_make(
    *,
    area: AdminArea | None = None,
    state: str = Order.State.CONFIRMED,
    delivery: str = "",
    name: str = "Nguyễn Thị Hồng Nhung",
    item: Item | None = None,
    quantity: int = 1,
    phone: str | None = None,
) -> Order:
    """An order as the storefront would leave it, optionally moved on to ``state``."""
    n = next(_seq)
    phone = phone or f"+849{n:08d}"
    order = Order.objects.create(
        code=f"T{n:06d}",
        state=state,
        delivery=delivery,
        recipient_name=name,
        phone=phone,
        phone_last4=phone[-4:],
        phone_hash=hashlib.sha256(phone.encode()).hexdigest(),
        commune=area,
        province=area.parent if area else None,
        address_line=f"Số {n}, ấp Tân Hòa",
        consent_version="2025-1",
        consent_at=timezone.now(),
    )
    item = item or item_make()
    OrderLine.objects.create(order=order, item=item, quantity=quantity)
    Item.objects.filter(pk=item.pk).update(available=F("available") - quantity)
    StockEntry.objects.create(
        item=item, kind=StockEntry.Kind.RESERVATION, quantity=-quantity, order=order
    )
    OrderEvent.objects.create(order=order, from_state="", to_state=Order.State.PLACED)
    if state != Order.State.PLACED:
        OrderEvent.objects.create(order=order, from_state=Order.State.PLACED, to_state=state)
    return order


def volunteer_make(
    *, name: str = "Trần Văn Đức", chi_doan: str = "10A1", consent: bool = True, minor: bool = True
) -> Volunteer:
    phone = f"+8490{next(_seq):07d}"
    if not consent:
        return Volunteer.objects.create(
            name=name,
            chi_doan=chi_doan,
            phone=phone,
            is_minor=minor,
            guardian_name="Trần Văn Hải" if minor else "",
        )
    # Through sign-up, as an officer records it: the consent lands in a consent record.
    return volunteer_register(
        name=name,
        chi_doan=chi_doan,
        phone=phone,
        is_minor=minor,
        guardian_name="Trần Văn Hải" if minor else "",
        guardian_phone="+84988000111" if minor else "",
    )


def next_saturday() -> dt.date:
    today = timezone.localdate()
    return today + dt.timedelta(days=(5 - today.weekday()) % 7)

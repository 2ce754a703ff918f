"""Demo data of fair distribution: an open round for a few bicycles, a drawn one with its
waitlist, a textbook set partly in stock, and wishes the stall's home counts."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from catalog.models import Category, Item
from catalog.services import Recipient
from catalog.stock import stock_change
from distribution.models import Round, TextbookSeries, TextbookSubject
from distribution.services import Asking, request_submit, round_close, round_draw, round_open
from distribution.textbooks import textbook_intake
from distribution.wishes import wish_leave

# Demo people, made up.
ASKING = [
    ("Nguyễn Thị Thu", "0369000101", "Ấp Tân Hòa"),
    ("Trần Văn Lộc", "0369000102", "Ấp Tân Lược"),
    ("Lê Thị Mỹ", "0369000103", "Ấp Bình Hòa"),
    ("Phạm Văn Tài", "0369000104", "Ấp Mỹ Lợi"),
    ("Võ Thị Hạnh", "0369000105", "Ấp Hòa Lạc"),
]
WISHES = [("giay-dep", "36"), ("giay-dep", "37"), ("giay-dep", "38"), ("quan-ao", "M")]


def _item(title: str, units: int) -> Item:
    item = Item.objects.create(
        category=Category.objects.get(slug="khac"), title=title, condition=Item.Condition.GOOD
    )
    stock_change(item=item, kind="intake", quantity=units, note="Quyên góp (dữ liệu mẫu)")
    return item


def _recipient(name: str, phone: str, address: str, stall) -> Recipient:
    commune = stall.commune
    return Recipient(
        name=name,
        phone=phone,
        address_line=address,
        province_id=commune.parent_id if commune else None,
        commune_id=commune.pk if commune else None,
    )


def demo_seed(stall) -> None:
    if Round.objects.exists() or stall.commune is None:
        return
    now = timezone.now()
    drawn = round_open(
        title="Đồng phục mới đầu năm học",
        eligibility="Học sinh của trường và em nhỏ trong xã.",
        priority_group="Hộ nghèo, hộ cận nghèo",
        opens_at=now - dt.timedelta(days=7),
        closes_at=now + dt.timedelta(minutes=30),
        hold_days=3,
        items=[(_item("Bộ đồng phục mới cỡ M", 2), 2)],
    )
    item_id = drawn.items.get().pk
    for name, phone, address in ASKING:
        request_submit(
            stall=stall,
            round_=drawn,
            asking=Asking(round_item_id=item_id, recipient=_recipient(name, phone, address, stall)),
        )
    Round.objects.filter(pk=drawn.pk).update(closes_at=now - dt.timedelta(minutes=1))
    drawn.refresh_from_db()
    round_draw(round_=round_close(round_=drawn), public_number="041273")
    round_open(
        title="Xe đạp đến trường",
        eligibility="Học sinh nhà xa trường trên 3 km.",
        priority_group="Hộ nghèo",
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=6),
        items=[(_item("Xe đạp mini (đã sửa lại)", 3), 3)],
    )
    series = TextbookSeries.objects.order_by("position").first()
    subjects = list(TextbookSubject.objects.filter(grade=6).order_by("position")[:6])
    if series is not None and subjects:
        textbook_intake(series=series, quantities={s.pk: 2 for s in subjects})
    for n, (slug, size) in enumerate(WISHES):
        wish_leave(phone=f"0369000{200 + n}", category=Category.objects.get(slug=slug), size=size)

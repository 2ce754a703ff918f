"""Demo rows for one stall: items on every shelf, a donation or two, orders in several states.

Idempotent: a stall that already has items is left as it is.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from catalog.models import Category, Item, Order
from catalog.services import OrderRefused, Recipient, order_place, order_transition
from catalog.stock import donation_record
from tenants.models import AdminArea

# (shelf, title, description, condition, size kind, size, gender, age from, age to, grade,
#  subject, quantity)
ITEMS = [
    (
        "quan-ao",
        "Áo dài trắng nữ sinh",
        "Áo dài trắng, vải lụa, đã giặt ủi.",
        "like_new",
        "clothing",
        "M",
        "female",
        15,
        18,
        None,
        "",
        4,
    ),
    (
        "quan-ao",
        "Áo sơ mi trắng học sinh",
        "Tay ngắn, có túi, logo đã tháo.",
        "good",
        "clothing",
        "S",
        "any",
        11,
        15,
        None,
        "",
        8,
    ),
    (
        "quan-ao",
        "Áo sơ mi trắng học sinh",
        "Tay dài, cỡ lớn.",
        "good",
        "clothing",
        "L",
        "male",
        15,
        18,
        None,
        "",
        5,
    ),
    (
        "quan-ao",
        "Quần tây xanh đen nam sinh",
        "Quần âu, lưng thun sau.",
        "good",
        "clothing",
        "M",
        "male",
        12,
        18,
        None,
        "",
        6,
    ),
    (
        "quan-ao",
        "Váy xếp ly xanh",
        "Váy đồng phục tiểu học.",
        "like_new",
        "clothing",
        "8",
        "female",
        7,
        10,
        None,
        "",
        3,
    ),
    (
        "quan-ao",
        "Áo khoác gió",
        "Chống nắng, có mũ.",
        "fair",
        "clothing",
        "XL",
        "any",
        14,
        None,
        None,
        "",
        2,
    ),
    (
        "sach-tap-vo",
        "Toán 6 – tập 1",
        "Sách giáo khoa Kết nối tri thức.",
        "good",
        "",
        "",
        "any",
        None,
        None,
        6,
        "Toán",
        10,
    ),
    (
        "sach-tap-vo",
        "Ngữ văn 6 – tập 1",
        "Sách giáo khoa, còn sạch.",
        "good",
        "",
        "",
        "any",
        None,
        None,
        6,
        "Ngữ văn",
        7,
    ),
    (
        "sach-tap-vo",
        "Tiếng Anh 7 Global Success",
        "Kèm sách bài tập.",
        "like_new",
        "",
        "",
        "any",
        None,
        None,
        7,
        "Tiếng Anh",
        5,
    ),
    (
        "sach-tap-vo",
        "Khoa học tự nhiên 8",
        "",
        "good",
        "",
        "",
        "any",
        None,
        None,
        8,
        "Khoa học tự nhiên",
        4,
    ),
    (
        "sach-tap-vo",
        "Lịch sử và Địa lí 9",
        "",
        "fair",
        "",
        "",
        "any",
        None,
        None,
        9,
        "Lịch sử và Địa lí",
        3,
    ),
    ("sach-tap-vo", "Vật lí 10", "", "good", "", "", "any", None, None, 10, "Vật lí", 4),
    ("sach-tap-vo", "Hóa học 11", "", "good", "", "", "any", None, None, 11, "Hóa học", 3),
    ("sach-tap-vo", "Toán 12 – Giải tích", "", "good", "", "", "any", None, None, 12, "Toán", 6),
    (
        "sach-tap-vo",
        "Tập vở 96 trang (xấp 10 quyển)",
        "Vở mới, kẻ ô li.",
        "new",
        "",
        "",
        "any",
        None,
        None,
        None,
        "",
        20,
    ),
    (
        "mu-non",
        "Mũ bảo hiểm trẻ em",
        "Đạt chuẩn, có kính.",
        "like_new",
        "",
        "",
        "any",
        6,
        12,
        None,
        "",
        5,
    ),
    (
        "mu-non",
        "Mũ bảo hiểm người lớn",
        "Nửa đầu, màu đỏ.",
        "good",
        "",
        "",
        "any",
        15,
        None,
        None,
        "",
        4,
    ),
    ("mu-non", "Nón lá", "Nón lá Huế, mới.", "new", "", "", "any", None, None, None, "", 6),
    ("giay-dep", "Dép tổ ong", "", "good", "shoe", "36", "any", None, None, None, "", 6),
    (
        "giay-dep",
        "Giày bata trắng",
        "Đế cao su, đã giặt.",
        "good",
        "shoe",
        "38",
        "any",
        12,
        18,
        None,
        "",
        3,
    ),
    ("giay-dep", "Giày bata trắng", "", "like_new", "shoe", "34", "any", 9, 12, None, "", 2),
    ("giay-dep", "Sandal quai hậu nữ", "", "good", "shoe", "37", "female", None, None, None, "", 3),
    ("do-dung-hoc-tap", "Bộ thước kẻ, compa, ê-ke", "", "new", "", "", "any", 10, 15, None, "", 12),
    ("do-dung-hoc-tap", "Cặp sách chống gù", "", "good", "", "", "any", 6, 11, None, "", 4),
    (
        "do-dung-hoc-tap",
        "Máy tính Casio fx-580VN X",
        "Còn pin, đủ nắp.",
        "good",
        "",
        "",
        "any",
        14,
        18,
        10,
        "",
        2,
    ),
    (
        "khac",
        "Xe đạp mini 20 inch",
        "Đã thay lốp, cho học sinh đi học xa.",
        "fair",
        "",
        "",
        "any",
        10,
        15,
        None,
        "",
        1,
    ),
]

RECIPIENTS = [
    ("Nguyễn Thị Mỹ Linh", "+84901234561", "Ấp Tân Hòa", False, "", ""),
    ("Trần Văn Tâm", "+84907654322", "Ấp Mỹ Lợi, tổ 5", False, "", ""),
    (
        "Lê Hoàng Phúc",
        "+84939123463",
        "Khu phố 3, đường Lê Lợi",
        True,
        "Lê Văn Hùng",
        "+84939123499",
    ),
    ("Phạm Thị Ngọc Hân", "+84918222334", "Ấp Bình Thạnh", False, "", ""),
    ("Võ Minh Khang", "+84976543215", "Ấp Long Hưng", True, "Võ Thị Bé", "+84976543200"),
]


def _communes(stall) -> list[AdminArea]:
    """Communes near the school: its own, then others of Đồng Tháp (which took in Tiền Giang)."""
    near = AdminArea.objects.filter(
        era=AdminArea.Era.CURRENT, level=AdminArea.Level.COMMUNE, parent__code="82"
    ).order_by("code")
    chosen = [stall.commune] if getattr(stall, "commune_id", None) else []
    return chosen + list(near[:6])


@transaction.atomic
def demo_seed(stall) -> None:
    if Item.objects.exists():
        return
    shelves = {c.slug: c for c in Category.objects.all()}
    made: list[tuple[Item, int]] = []
    for (
        shelf,
        title,
        description,
        condition,
        size_kind,
        size,
        gender,
        age_min,
        age_max,
        grade,
        subject,
        quantity,
    ) in ITEMS:
        if shelf not in shelves:
            continue
        item = Item.objects.create(
            category=shelves[shelf],
            title=title,
            description=description,
            condition=condition,
            size_kind=size_kind,
            size=size,
            gender=gender,
            age_min=age_min,
            age_max=age_max,
            grade=grade,
            subject=subject,
        )
        made.append((item, quantity))
    today = timezone.localdate()
    half = len(made) // 2
    donation_record(
        received_on=today - datetime.timedelta(days=12),
        donor_name="Hội Phụ huynh học sinh",
        note="Đợt quyên góp đầu năm học",
        lines=made[:half],
    )
    donation_record(
        received_on=today - datetime.timedelta(days=3),
        donor_name="",
        note="Nhà hảo tâm giấu tên",
        lines=made[half:],
    )

    communes = _communes(stall)
    if not communes:
        return
    orders: list[Order] = []
    for n, (name, phone, line, minor, guardian, guardian_phone) in enumerate(RECIPIENTS):
        commune = communes[n % len(communes)]
        picks = {made[(n * 3 + k) % len(made)][0].pk: 1 for k in range(2)}
        try:
            orders.append(
                order_place(
                    stall=stall,
                    lines=picks,
                    recipient=Recipient(
                        name=name,
                        phone=phone,
                        address_line=line,
                        province_id=commune.parent_id,
                        commune_id=commune.pk,
                        is_minor=minor,
                        guardian_name=guardian,
                        guardian_phone=guardian_phone,
                        note="Gọi trước khi giao" if n == 1 else "",
                    ),
                )
            )
        except OrderRefused:
            continue
    steps = [
        [],  # stays as placed/confirmed
        [Order.State.PACKED],
        [
            Order.State.PACKED,
            Order.State.ROUTED,
            Order.State.OUT_FOR_DELIVERY,
            Order.State.DELIVERED,
        ],
        [Order.State.CANCELLED],
        [],
    ]
    for order, path in zip(orders, steps, strict=False):
        for to_state in path:
            order = order_transition(order=order, to_state=to_state)

"""A stall's catalog and orders: items, donations, the stock ledger, orders and their history."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Category(models.Model):
    """A shelf of the stall (quần áo, sách & tập vở, ...); editable per stall."""

    name = models.CharField(_("tên"), max_length=80)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=80, blank=True)
    slug = models.SlugField(_("mã"), max_length=80, unique=True)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("danh mục")
        verbose_name_plural = _("danh mục")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Item(models.Model):
    """One kind of donated thing on offer; ``available`` always equals its ledger's sum."""

    class Condition(models.TextChoices):
        NEW = "new", _("Mới")
        LIKE_NEW = "like_new", _("Như mới")
        GOOD = "good", _("Còn tốt")
        FAIR = "fair", _("Đã cũ, dùng được")

    class Gender(models.TextChoices):
        ANY = "any", _("Nam và nữ")
        MALE = "male", _("Nam")
        FEMALE = "female", _("Nữ")

    class SizeKind(models.TextChoices):
        NONE = "", _("Không có cỡ")
        CLOTHING = "clothing", _("Cỡ quần áo")
        SHOE = "shoe", _("Cỡ giày dép")

    CLOTHING_SIZES = ["XS", "S", "M", "L", "XL", "XXL", "3XL"]
    SHOE_SIZES = [str(n) for n in range(28, 46)]

    category = models.ForeignKey(
        Category, verbose_name=_("danh mục"), on_delete=models.PROTECT, related_name="items"
    )
    title = models.CharField(_("tên món"), max_length=160)
    description = models.TextField(_("mô tả"), blank=True)
    condition = models.CharField(
        _("tình trạng"), max_length=10, choices=Condition.choices, default=Condition.GOOD
    )
    size_kind = models.CharField(
        _("loại cỡ"), max_length=10, choices=SizeKind.choices, default=SizeKind.NONE, blank=True
    )
    size = models.CharField(_("cỡ"), max_length=8, blank=True)
    gender = models.CharField(
        _("dành cho"), max_length=8, choices=Gender.choices, default=Gender.ANY
    )
    age_min = models.PositiveSmallIntegerField(_("từ tuổi"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("đến tuổi"), null=True, blank=True)
    grade = models.PositiveSmallIntegerField(
        _("lớp"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("Lớp 1–12, cho sách vở và đồ dùng học tập."),
    )
    subject = models.CharField(_("môn học"), max_length=60, blank=True)
    available = models.PositiveIntegerField(_("số lượng còn"), default=0, editable=False)
    is_listed = models.BooleanField(_("hiện trên gian hàng"), default=True)
    # Lower-case, accent-free copy of title/description/subject: "giay" finds "Giày".
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("mặt hàng")
        verbose_name_plural = _("mặt hàng")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["is_listed", "category", "-created_at"]),
            models.Index(fields=["grade"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(available__gte=0), name="item_available_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.search_text = self.build_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "search_text" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "search_text"]
        super().save(*args, **kwargs)

    def build_search_text(self) -> str:
        from tenants.geography import search_key

        parts = [self.title, self.subject, self.description]
        if self.category_id:
            parts.append(self.category.name)
        if self.grade:
            parts.append(f"lop {self.grade}")
        if self.size:
            parts.append(f"size {self.size}")
        return search_key(" ".join(p for p in parts if p))

    @property
    def first_photo(self):
        """The cover photo, from the prefetched photos (no query per item on list pages)."""
        photos = list(self.photos.all())
        return photos[0] if photos else None


class ItemPhoto(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("ảnh"), upload_to="items/%Y/%m/")
    thumbnail = models.ImageField(upload_to="items/thumbs/%Y/%m/", editable=False, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("ảnh")
        verbose_name_plural = _("ảnh")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.item_id}#{self.position}"


class Donation(models.Model):
    """Goods received from a donor (the donor may stay anonymous)."""

    donor_name = models.CharField(_("người tặng"), max_length=120, blank=True)
    received_on = models.DateField(_("ngày nhận"))
    note = models.TextField(_("ghi chú"), blank=True)
    recorded_by_id = models.BigIntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when the donor's name and the note were erased (retention); counts stay.
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("lượt quyên góp")
        verbose_name_plural = _("lượt quyên góp")
        ordering = ["-received_on", "-pk"]

    def __str__(self) -> str:
        anonymous = _("ẩn danh")
        return f"{self.received_on:%d/%m/%Y} – {self.donor_name or anonymous}"


class DonationLine(models.Model):
    donation = models.ForeignKey(Donation, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="donation_lines")
    quantity = models.PositiveIntegerField(_("số lượng"), validators=[MinValueValidator(1)])

    def __str__(self) -> str:
        return f"{self.item} × {self.quantity}"


class StockEntry(models.Model):
    """One change of an item's available quantity; the ledger is append-only."""

    class Kind(models.TextChoices):
        INTAKE = "intake", _("Nhập kho")
        RESERVATION = "reservation", _("Giữ cho đơn")
        RELEASE = "release", _("Trả lại kho")
        HANDOUT = "handout", _("Đã trao")
        ADJUSTMENT = "adjustment", _("Điều chỉnh")
        WRITE_OFF = "write_off", _("Loại bỏ")
        TRANSFER_OUT = "transfer_out", _("Chuyển đi")
        TRANSFER_IN = "transfer_in", _("Nhận về")

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="stock_entries")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # Signed change of ``Item.available``: +intake, -reservation, +release, -write-off.
    # A hand-out moves nothing (the reservation already did) and is recorded with 0.
    quantity = models.IntegerField()
    order = models.ForeignKey(
        "Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="stock_entries"
    )
    donation = models.ForeignKey(
        Donation, null=True, blank=True, on_delete=models.SET_NULL, related_name="stock_entries"
    )
    actor_id = models.BigIntegerField(null=True, blank=True)  # a public-schema user id
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("dòng sổ kho")
        verbose_name_plural = _("sổ kho")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["item", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.quantity:+d} – {self.item}"


class Order(models.Model):
    """A request for free items (đơn hàng), with the recipient's contact and its state."""

    class State(models.TextChoices):
        PLACED = "placed", _("Đã đặt")
        CONFIRMED = "confirmed", _("Đã xác nhận")
        PACKED = "packed", _("Đã đóng gói")
        ROUTED = "routed", _("Đã xếp chuyến")
        OUT_FOR_DELIVERY = "out_for_delivery", _("Đang giao")
        HANDED_TO_POST = "handed_to_post", _("Đã gửi bưu điện")
        DELIVERED = "delivered", _("Đã nhận")
        FAILED = "failed", _("Giao không thành")
        CANCELLED = "cancelled", _("Đã hủy")

    class Delivery(models.TextChoices):
        UNDECIDED = "", _("Chưa phân tuyến")
        VOLUNTEER = "volunteer", _("Đoàn viên giao thứ Bảy")
        POST = "post", _("Gửi qua bưu điện xã")

    OPEN_STATES = (
        State.PLACED,
        State.CONFIRMED,
        State.PACKED,
        State.ROUTED,
        State.OUT_FOR_DELIVERY,
        State.HANDED_TO_POST,
    )
    CLOSED_STATES = (State.DELIVERED, State.FAILED, State.CANCELLED)

    code = models.CharField(_("mã đơn"), max_length=16, unique=True)
    state = models.CharField(
        _("trạng thái"), max_length=20, choices=State.choices, default=State.PLACED, db_index=True
    )
    delivery = models.CharField(
        _("hình thức giao"),
        max_length=10,
        choices=Delivery.choices,
        default=Delivery.UNDECIDED,
        blank=True,
    )
    # Set when an officer overrides the routing decision; the router then leaves it alone.
    delivery_overridden = models.BooleanField(default=False)

    # Recipient (personal data: anonymised by the retention job after the order closes).
    recipient_name = models.CharField(_("họ tên người nhận"), max_length=120)
    phone = models.CharField(_("số điện thoại"), max_length=16, db_index=True)  # E.164
    phone_last4 = models.CharField(max_length=4)
    phone_hash = models.CharField(max_length=64, db_index=True)  # salted, for counts only
    province = models.ForeignKey(
        "tenants.AdminArea",
        verbose_name=_("tỉnh/thành"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
    )
    commune = models.ForeignKey(
        "tenants.AdminArea",
        verbose_name=_("xã/phường"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
    )
    address_line = models.CharField(_("số nhà, đường, ấp/khu phố"), max_length=200)
    legacy_address = models.CharField(_("địa chỉ cũ (trước 2025)"), max_length=255, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    recipient_is_minor = models.BooleanField(_("người nhận dưới 16 tuổi"), default=False)
    guardian_name = models.CharField(_("họ tên cha mẹ/người giám hộ"), max_length=120, blank=True)
    guardian_phone = models.CharField(
        _("điện thoại cha mẹ/người giám hộ"), max_length=16, blank=True
    )
    consent_version = models.CharField(_("phiên bản thông báo đã đồng ý"), max_length=20)
    consent_at = models.DateTimeField(_("thời điểm đồng ý"))

    placed_at = models.DateTimeField(_("đặt lúc"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True, db_index=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("đơn hàng")
        verbose_name_plural = _("đơn hàng")
        ordering = ["-placed_at"]
        indexes = [
            models.Index(fields=["phone_hash", "placed_at"]),
            models.Index(fields=["state", "delivery"]),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="order_lines")
    quantity = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["order", "item"], name="orderline_unique_item"),
        ]

    def __str__(self) -> str:
        return f"{self.item} × {self.quantity}"


class OrderEvent(models.Model):
    """One step of an order's history, shown on the tracking page (without personal data)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20)
    actor_id = models.BigIntegerField(null=True, blank=True)
    # Shown to the recipient: never a volunteer's name or anything personal.
    public_note = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_state or '–'} → {self.to_state}"


class TrackingAttempt(models.Model):
    """One tracking lookup of a code, kept only while Redis (the usual counter) is down.

    The per-code limit falls back to counting these rows, so a code's four digits stay
    unguessable during an outage. ``code_digest`` is a keyed hash, never the code.
    """

    code_digest = models.CharField(max_length=64)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["code_digest", "at"], name="trackingattempt_code_at")]

    def __str__(self) -> str:
        return f"{self.code_digest[:8]} @ {self.at}"


def actor_id_of(user) -> int | None:
    """Public-schema user id for ledger and history rows (users live outside the stall)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return int(user.pk)

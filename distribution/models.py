"""Fair distribution of what is scarce: rounds with a public draw, their requests, messages."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Round(models.Model):
    """A distribution round (đợt phát): some items, a request window, then a public draw."""

    class State(models.TextChoices):
        OPEN = "open", _("Đang nhận đăng ký")
        CLOSED = "closed", _("Đã đóng, chờ bốc thăm")
        DRAWN = "drawn", _("Đã bốc thăm")

    title = models.CharField(_("tên đợt"), max_length=120)
    eligibility = models.TextField(_("ai được đăng ký"), blank=True)
    # A group the officers check in person (a poor-household book, say); only "who checked,
    # when" is kept, never the document.
    priority_group = models.CharField(_("nhóm ưu tiên"), max_length=200, blank=True)
    opens_at = models.DateTimeField(_("mở đăng ký lúc"))
    closes_at = models.DateTimeField(_("đóng đăng ký lúc"))
    hold_days = models.PositiveSmallIntegerField(
        _("số ngày giữ suất"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_("Suất không được xác nhận trong số ngày này chuyển cho người kế tiếp."),
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    # Frozen at the close: the published list (code, item, priority mark), its SHA-256.
    published_list = models.TextField(blank=True, editable=False)
    public_number = models.CharField(_("số công khai"), max_length=40, blank=True)
    draw_key = models.CharField(max_length=64, blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    drawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by_id = models.BigIntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đợt phát")
        verbose_name_plural = _("đợt phát")
        ordering = ["-opens_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="round_closes_after_opens"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class RoundItem(models.Model):
    """One item of a round and how many units it gives out."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="items")
    item = models.ForeignKey("catalog.Item", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("số suất"), validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "item"], name="rounditem_once_per_round"),
        ]

    def __str__(self) -> str:
        return f"{self.item} × {self.quantity}"


class Request(models.Model):
    """A recipient's request in a round: one per phone per round, then its draw outcome."""

    class State(models.TextChoices):
        WAITING = "waiting", _("Chờ bốc thăm")
        WON = "won", _("Được nhận")
        WAITLISTED = "waitlisted", _("Trong danh sách chờ")
        PASSED = "passed", _("Quá hạn, đã chuyển người khác")
        REFUSED = "refused", _("Không tạo được đơn")

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="requests")
    round_item = models.ForeignKey(RoundItem, on_delete=models.PROTECT, related_name="requests")
    code = models.CharField(_("mã đăng ký"), max_length=16, unique=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.WAITING)
    # The recipient, as at checkout (personal data: forgotten with the retention rules).
    recipient_name = models.CharField(_("họ tên"), max_length=120)
    phone = models.CharField(_("số điện thoại"), max_length=16)
    phone_last4 = models.CharField(max_length=4)
    phone_hash = models.CharField(max_length=64)
    province = models.ForeignKey(
        "tenants.AdminArea", on_delete=models.PROTECT, related_name="+", null=True
    )
    commune = models.ForeignKey(
        "tenants.AdminArea", on_delete=models.PROTECT, related_name="+", null=True
    )
    address_line = models.CharField(_("số nhà, đường, ấp/khu phố"), max_length=200)
    legacy_address = models.CharField(max_length=255, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    recipient_is_minor = models.BooleanField(default=False)
    guardian_name = models.CharField(max_length=120, blank=True)
    guardian_phone = models.CharField(max_length=16, blank=True)
    consent_version = models.CharField(max_length=20)
    consent_at = models.DateTimeField()
    # Asked to be in the priority group; counts only once an officer has checked it.
    priority_claimed = models.BooleanField(_("thuộc nhóm ưu tiên"), default=False)
    priority_verified_by_id = models.BigIntegerField(null=True, blank=True)
    priority_verified_at = models.DateTimeField(null=True, blank=True)
    # The draw: place in the order (1 = first), the order made for a winner, the hold.
    draw_position = models.PositiveIntegerField(null=True, blank=True)
    order = models.ForeignKey(
        "catalog.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    offered_at = models.DateTimeField(null=True, blank=True)
    hold_until = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The database's clock when the request was recorded (decides "before the close").
    created_at = models.DateTimeField()
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("đăng ký nhận")
        verbose_name_plural = _("đăng ký nhận")
        ordering = ["draw_position", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "phone_hash"],
                condition=Q(anonymised_at__isnull=True),
                name="request_one_per_phone_per_round",
            ),
        ]
        indexes = [models.Index(fields=["round", "state", "draw_position"])]

    def __str__(self) -> str:
        return self.code

    @property
    def priority(self) -> bool:
        return self.priority_claimed and self.priority_verified_at is not None


class Message(models.Model):
    """A text for a person who asked (a round's outcome, a passed-on allocation).

    Sent through the outbox's backend (record-only or the stall's gateway).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ gửi")
        SENT = "sent", _("Đã gửi")
        RECORDED = "recorded", _("Chỉ ghi lại")
        FAILED = "failed", _("Gửi lỗi")

    request = models.ForeignKey(
        Request, null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    wish = models.ForeignKey(
        "Wish", null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    kind = models.CharField(max_length=20)
    phone = models.CharField(max_length=16)
    text = models.CharField(max_length=320)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("tin nhắn đợt phát")
        verbose_name_plural = _("tin nhắn đợt phát")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One message per step of a request: a retried task sends nothing twice.
            models.UniqueConstraint(
                fields=["request", "kind"],
                condition=Q(request__isnull=False),
                name="message_once_per_request_step",
            ),
            models.UniqueConstraint(
                fields=["wish", "kind"],
                condition=Q(wish__isnull=False),
                name="message_once_per_wish_step",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class Wish(models.Model):
    """Something a person needs that the stall lacks (cần tìm): offered when it comes in."""

    class State(models.TextChoices):
        WAITING = "waiting", _("Đang chờ")
        OFFERED = "offered", _("Đang giữ món cho bạn")
        MET = "met", _("Đã nhận")
        EXPIRED = "expired", _("Hết hạn")
        CANCELLED = "cancelled", _("Đã hủy")

    code = models.CharField(_("mã"), max_length=16, unique=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    category = models.ForeignKey(
        "catalog.Category", verbose_name=_("loại"), on_delete=models.PROTECT, related_name="+"
    )
    size = models.CharField(_("cỡ"), max_length=8, blank=True)
    grade = models.PositiveSmallIntegerField(
        _("lớp"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    subject = models.CharField(_("môn học"), max_length=60, blank=True)
    # For a textbook: only that series answers the wish.
    series = models.ForeignKey(
        "TextbookSeries", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    set_request = models.ForeignKey(
        "SetRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="wishes"
    )
    # The person (personal data: forgotten with the retention rules).
    note = models.CharField(_("ghi chú ngắn"), max_length=200, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=16)
    phone_last4 = models.CharField(max_length=4)
    phone_hash = models.CharField(max_length=64)
    consent_version = models.CharField(max_length=20)
    consent_at = models.DateTimeField()
    # The offer: one unit of an item held off the shelf until ``hold_until``.
    offered_item = models.ForeignKey(
        "catalog.Item", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hold_until = models.DateTimeField(null=True, blank=True)
    order = models.ForeignKey(
        "catalog.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("mong muốn")
        verbose_name_plural = _("danh sách cần tìm")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["state", "category", "created_at"])]

    def __str__(self) -> str:
        return self.code


class TextbookSeries(models.Model):
    """A textbook series in use under the 2018 programme (shipped data; platform admins edit it)."""

    name = models.CharField(_("tên bộ sách"), max_length=80)
    slug = models.SlugField(_("mã"), max_length=40, unique=True)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("bộ sách giáo khoa")
        verbose_name_plural = _("bộ sách giáo khoa")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class TextbookSubject(models.Model):
    """A subject with its own textbook in one grade (2018 general education programme)."""

    grade = models.PositiveSmallIntegerField(
        _("lớp"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    name = models.CharField(_("môn học"), max_length=60)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("môn học có sách giáo khoa")
        verbose_name_plural = _("môn học có sách giáo khoa")
        ordering = ["grade", "position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["grade", "name"], name="textbooksubject_once_per_grade"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.grade}"


class Textbook(models.Model):
    """Which series and subject a catalog item is: the title of a set."""

    item = models.OneToOneField("catalog.Item", on_delete=models.CASCADE, related_name="+")
    series = models.ForeignKey(TextbookSeries, on_delete=models.PROTECT, related_name="books")
    subject = models.ForeignKey(TextbookSubject, on_delete=models.PROTECT, related_name="books")

    class Meta:
        verbose_name = _("sách giáo khoa")
        verbose_name_plural = _("sách giáo khoa")
        constraints = [
            models.UniqueConstraint(
                fields=["series", "subject"], name="textbook_one_item_per_title"
            ),
        ]

    def __str__(self) -> str:
        return str(self.item)


class SetRequest(models.Model):
    """A request for a whole set: one order for the titles in stock, wishes for the rest."""

    grade = models.PositiveSmallIntegerField()
    series = models.ForeignKey(TextbookSeries, on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey(
        "catalog.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    titles_total = models.PositiveSmallIntegerField()
    titles_given = models.PositiveSmallIntegerField()
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("yêu cầu bộ sách")
        verbose_name_plural = _("yêu cầu bộ sách")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.series} – {self.grade}"

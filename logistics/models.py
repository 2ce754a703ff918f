"""Deliveries of a stall: routing decisions, volunteers and Saturday runs, postal batches, outbox."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RoutingDecision(models.Model):
    """Why an order goes by volunteer or by post; one per order, written once by the router."""

    class Source(models.TextChoices):
        TASK = "task", _("Tự động khi xác nhận")
        SWEEP = "sweep", _("Tự động (quét lại)")
        OFFICER = "officer", _("Cán bộ chỉnh tay")

    order = models.OneToOneField(
        "catalog.Order", on_delete=models.CASCADE, related_name="routing_decision"
    )
    delivery = models.CharField(max_length=10)
    source = models.CharField(max_length=10, choices=Source.choices)
    distance_km = models.FloatField(null=True, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("quyết định phân tuyến")
        verbose_name_plural = _("quyết định phân tuyến")

    def __str__(self) -> str:
        return f"{self.order_id}: {self.delivery}"


class Volunteer(models.Model):
    """A union member who delivers on Saturdays; minors need a guardian's consent
    (the rule: ``logistics.volunteers.volunteer_guardian``)."""

    name = models.CharField(_("họ tên"), max_length=120)
    chi_doan = models.CharField(_("chi đoàn / lớp"), max_length=40, help_text=_("Ví dụ: 10A1"))
    phone = models.CharField(_("số điện thoại"), max_length=16)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"), null=True, blank=True)
    is_minor = models.BooleanField(_("dưới 18 tuổi"), default=True)
    guardian_name = models.CharField(_("họ tên cha mẹ/người giám hộ"), max_length=120, blank=True)
    guardian_phone = models.CharField(
        _("điện thoại cha mẹ/người giám hộ"), max_length=16, blank=True
    )
    # A copy of the guardian's acceptance in the volunteer's consent record (the record is
    # the proof, with the notice version); kept here so run planning filters without a join.
    guardian_consent_at = models.DateTimeField(
        _("ngày cha mẹ đồng ý"), null=True, blank=True, editable=False
    )
    is_active = models.BooleanField(_("đang tham gia"), default=True)
    # Set when the member leaves; their data is erased a retention period later.
    left_at = models.DateTimeField(_("thôi tham gia lúc"), null=True, blank=True, editable=False)
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đoàn viên tình nguyện")
        verbose_name_plural = _("đoàn viên tình nguyện")
        ordering = ["chi_doan", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.chi_doan})"


class SaturdayRun(models.Model):
    """The Saturday delivery of near orders; one per date."""

    class State(models.TextChoices):
        OPEN = "open", _("Đang nhận đơn")
        PLANNED = "planned", _("Đã chia tuyến")
        IN_PROGRESS = "in_progress", _("Đang giao")
        DONE = "done", _("Đã xong")

    date = models.DateField(_("ngày"), unique=True)
    state = models.CharField(
        _("trạng thái"), max_length=12, choices=State.choices, default=State.OPEN
    )
    pair_capacity = models.PositiveSmallIntegerField(
        _("số điểm giao tối đa mỗi cặp"), default=8, validators=[MinValueValidator(1)]
    )
    # Counted as volunteer hours for each member of each route (reporting).
    route_hours = models.DecimalField(
        _("số giờ mỗi tuyến"), max_digits=4, decimal_places=1, default=3
    )
    planned_at = models.DateTimeField(null=True, blank=True)
    plan_note = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("chuyến thứ Bảy")
        verbose_name_plural = _("chuyến thứ Bảy")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{_('Thứ Bảy')} {self.date:%d/%m/%Y}"


class RunSignup(models.Model):
    run = models.ForeignKey(SaturdayRun, on_delete=models.CASCADE, related_name="signups")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="signups")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đăng ký đi giao")
        verbose_name_plural = _("đăng ký đi giao")
        constraints = [
            models.UniqueConstraint(fields=["run", "volunteer"], name="runsignup_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id} @ {self.run_id}"


class Route(models.Model):
    """The stops one pair of volunteers delivers, in order."""

    run = models.ForeignKey(SaturdayRun, on_delete=models.CASCADE, related_name="routes")
    number = models.PositiveSmallIntegerField(_("tuyến số"))
    volunteer_a = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    volunteer_b = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    capacity = models.PositiveSmallIntegerField(_("số điểm tối đa"), default=8)
    # Part of the signed link on the volunteers' phone page; rotating it revokes old links.
    token_version = models.PositiveIntegerField(default=1)
    distance_km = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = _("tuyến giao")
        verbose_name_plural = _("tuyến giao")
        ordering = ["run", "number"]
        constraints = [
            models.UniqueConstraint(fields=["run", "number"], name="route_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.run} – {_('tuyến')} {self.number}"

    @property
    def volunteers(self) -> list[Volunteer]:
        return [v for v in (self.volunteer_a, self.volunteer_b) if v is not None]


class RunStop(models.Model):
    """One near order in a run. An order has at most one current stop (a constraint)."""

    class Outcome(models.TextChoices):
        PENDING = "", _("Chưa giao")
        DELIVERED = "delivered", _("Đã giao")
        FAILED = "failed", _("Không giao được")

    class FailReason(models.TextChoices):
        NOBODY_HOME = "nobody_home", _("Không có ai ở nhà")
        WRONG_ADDRESS = "wrong_address", _("Sai hoặc không tìm thấy địa chỉ")
        UNREACHABLE = "unreachable", _("Gọi điện không được")
        REFUSED = "refused", _("Người nhận không nhận")
        OTHER = "other", _("Lý do khác")

    run = models.ForeignKey(SaturdayRun, on_delete=models.PROTECT, related_name="stops")
    route = models.ForeignKey(
        Route, on_delete=models.SET_NULL, null=True, blank=True, related_name="stops"
    )
    order = models.ForeignKey("catalog.Order", on_delete=models.CASCADE, related_name="run_stops")
    position = models.PositiveSmallIntegerField(default=0)
    outcome = models.CharField(
        max_length=10, choices=Outcome.choices, default=Outcome.PENDING, blank=True
    )
    reason = models.CharField(max_length=20, choices=FailReason.choices, blank=True)
    reason_note = models.CharField(max_length=200, blank=True)
    # False once the stop is finished with a failure and the order moved on (next run or post).
    is_current = models.BooleanField(default=True)
    marked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("điểm giao")
        verbose_name_plural = _("điểm giao")
        ordering = ["run", "route", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["order"], condition=Q(is_current=True), name="runstop_one_current_per_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.route_id or '-'}/{self.position}"


class PostalBatch(models.Model):
    """Far parcels handed to the commune post office together."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Đang gom")
        READY = "ready", _("Sẵn sàng gửi")
        HANDED_OVER = "handed_over", _("Đã giao bưu điện")
        CLOSED = "closed", _("Đã đóng")

    state = models.CharField(
        _("trạng thái"), max_length=12, choices=State.choices, default=State.DRAFT
    )
    post_office = models.CharField(_("bưu điện"), max_length=160, blank=True)
    carrier = models.CharField(_("cách gửi"), max_length=20, default="manual")
    receipt_number = models.CharField(_("số biên nhận của bưu điện"), max_length=60, blank=True)
    handed_over_on = models.DateField(_("ngày giao bưu điện"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lô gửi bưu điện")
        verbose_name_plural = _("lô gửi bưu điện")
        ordering = ["-created_at"]
        constraints = [
            # One batch is being filled at a time: concurrent builders meet on it.
            models.UniqueConstraint(
                fields=["state"], condition=Q(state="draft"), name="postalbatch_one_draft"
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Lô')} #{self.pk} ({self.created_at:%d/%m/%Y})"


class Parcel(models.Model):
    """One far order in a batch. An order has at most one parcel that is not returned."""

    batch = models.ForeignKey(PostalBatch, on_delete=models.PROTECT, related_name="parcels")
    order = models.ForeignKey("catalog.Order", on_delete=models.CASCADE, related_name="parcels")
    parcels = models.PositiveSmallIntegerField(_("số kiện"), default=1)
    weight_grams = models.PositiveIntegerField(_("khối lượng (g)"))
    postage = models.PositiveIntegerField(_("cước (đồng)"))
    tracking_number = models.CharField(_("mã vận đơn"), max_length=40, blank=True)
    returned_at = models.DateTimeField(_("bị hoàn lúc"), null=True, blank=True)
    return_reason = models.CharField(_("lý do hoàn"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bưu kiện")
        verbose_name_plural = _("bưu kiện")
        ordering = ["batch", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(returned_at__isnull=True),
                name="parcel_one_live_per_order",
            ),
            models.UniqueConstraint(
                fields=["tracking_number"],
                condition=~Q(tracking_number=""),
                name="parcel_unique_tracking_number",
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_number or f"#{self.pk}"


class Notification(models.Model):
    """An SMS text for a recipient, queued in the outbox and sent by the configured backend."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ gửi")
        SENT = "sent", _("Đã gửi")
        RECORDED = "recorded", _("Chỉ ghi lại")
        FAILED = "failed", _("Gửi lỗi")

    order = models.ForeignKey(
        "catalog.Order", on_delete=models.CASCADE, related_name="notifications"
    )
    # The history row that caused it: one message per step, however often the signal repeats.
    event = models.OneToOneField(
        "catalog.OrderEvent", on_delete=models.CASCADE, related_name="notification"
    )
    phone = models.CharField(max_length=16)
    text = models.CharField(max_length=320)
    backend = models.CharField(max_length=40)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("tin nhắn")
        verbose_name_plural = _("hộp thư đi")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_status_display()} #{self.pk}"

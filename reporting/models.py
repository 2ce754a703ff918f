"""Public-schema reporting: one row of counts per stall per day, and province targets."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

# The counted columns of a fact, in the order dashboards and exports show them.
FACT_COUNTS = (
    "items_received",
    "items_listed",
    "items_given",
    "donations",
    "orders_placed",
    "orders_delivered_volunteer",
    "orders_posted",
    "orders_delivered_post",
    "orders_failed",
    "orders_cancelled",
    "recipients",
    "volunteers",
    "rounds_held",
    "round_requests",
    "round_allocated",
    "waitlist_served",
    "wishes_met",
    "sets_completed",
    "set_books",
)
# Every summed column of a fact: the counts and the volunteers' hours.
FACT_SUMMED = (*FACT_COUNTS, "volunteer_hours")


class FactCounts(models.Model):
    """The counted columns shared by a stall's day and a stall's month."""

    items_received = models.PositiveIntegerField(_("món nhận tặng"), default=0)
    items_listed = models.PositiveIntegerField(_("mặt hàng mới lên gian hàng"), default=0)
    items_given = models.PositiveIntegerField(_("món đã trao"), default=0)
    donations = models.PositiveIntegerField(_("lượt quyên góp"), default=0)
    orders_placed = models.PositiveIntegerField(_("đơn đã đặt"), default=0)
    orders_delivered_volunteer = models.PositiveIntegerField(_("đơn đoàn viên giao"), default=0)
    orders_posted = models.PositiveIntegerField(_("đơn gửi bưu điện"), default=0)
    orders_delivered_post = models.PositiveIntegerField(_("đơn bưu điện giao xong"), default=0)
    orders_failed = models.PositiveIntegerField(_("đơn giao không thành"), default=0)
    orders_cancelled = models.PositiveIntegerField(_("đơn đã hủy"), default=0)
    recipients = models.PositiveIntegerField(_("người nhận"), default=0)
    volunteers = models.PositiveIntegerField(_("đoàn viên tham gia"), default=0)
    # Fair distribution: rounds drawn, requests, allocations (and those that went to the
    # waitlist), wishes met, textbook sets completed and the books given through sets.
    rounds_held = models.PositiveIntegerField(_("đợt phát đã bốc thăm"), default=0)
    round_requests = models.PositiveIntegerField(_("đăng ký đợt phát"), default=0)
    round_allocated = models.PositiveIntegerField(_("suất đợt phát đã trao"), default=0)
    waitlist_served = models.PositiveIntegerField(_("suất chuyển cho danh sách chờ"), default=0)
    wishes_met = models.PositiveIntegerField(_("mong muốn đã đáp ứng"), default=0)
    sets_completed = models.PositiveIntegerField(_("bộ sách trao đủ"), default=0)
    set_books = models.PositiveIntegerField(_("sách trao theo bộ"), default=0)
    volunteer_hours = models.DecimalField(
        _("giờ tình nguyện"), max_digits=9, decimal_places=2, default=0
    )
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class DailyFact(FactCounts):
    """What one stall did on one local day: counts only, never a name, phone or address.

    ``recipients_sketch`` is a sparse HyperLogLog of the day's recipients (see
    ``reporting.sketch``): registers of a keyed re-hash of the stall's phone hash, so
    distinct recipients can be estimated over any period without keeping any phone or
    phone hash in the public schema.
    """

    stall = models.ForeignKey("tenants.Stall", on_delete=models.CASCADE, related_name="facts")
    day = models.DateField(_("ngày"))
    recipients_sketch = ArrayField(models.IntegerField(), default=list, blank=True)

    class Meta:
        verbose_name = _("số liệu ngày")
        verbose_name_plural = _("số liệu ngày")
        ordering = ["-day", "stall_id"]
        constraints = [
            models.UniqueConstraint(fields=["stall", "day"], name="dailyfact_unique_stall_day"),
        ]
        indexes = [models.Index(fields=["day", "stall"], name="dailyfact_day_stall")]

    def __str__(self) -> str:
        return f"{self.stall_id} {self.day:%d/%m/%Y}"


class RecipientsForgotten(models.Model):
    """What counting needs of a stall's day after some of its orders were anonymised.

    Written just before the orders are blanked (a hook in the privacy registry): how many
    distinct people of that day are no longer countable from live orders, and their sketch
    registers. A rollup adds these to what it counts, so re-running it over a day whose
    orders were since anonymised gives the same figures. Counts and registers only.
    """

    stall = models.ForeignKey("tenants.Stall", on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("ngày"))
    recipients = models.PositiveIntegerField(default=0)
    recipients_sketch = ArrayField(models.IntegerField(), default=list, blank=True)

    class Meta:
        verbose_name = _("người nhận đã ẩn danh (số đếm)")
        verbose_name_plural = _("người nhận đã ẩn danh (số đếm)")
        constraints = [
            models.UniqueConstraint(
                fields=["stall", "day"], name="recipientsforgotten_unique_stall_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stall_id} {self.day:%d/%m/%Y}: {self.recipients}"


class MonthlyFact(FactCounts):
    """A stall's calendar month, summed from its days by the rollup, so that a year's
    dashboard reads twelve rows per stall instead of 365.

    ``recipients`` is the month's distinct count; ``registers`` is the month's merged
    HyperLogLog, dense (one byte per register), merged across stalls and months in numpy.
    """

    stall = models.ForeignKey("tenants.Stall", on_delete=models.CASCADE, related_name="months")
    month = models.DateField(_("tháng"))  # the first day of the month
    registers = models.BinaryField(default=bytes)

    class Meta:
        verbose_name = _("số liệu tháng")
        verbose_name_plural = _("số liệu tháng")
        ordering = ["-month", "stall_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["stall", "month"], name="monthlyfact_unique_stall_month"
            ),
        ]
        indexes = [models.Index(fields=["month", "stall"], name="monthlyfact_month_stall")]

    def __str__(self) -> str:
        return f"{self.stall_id} {self.month:%m/%Y}"


class Target(models.Model):
    """A goal a province (or district) union sets for the units below it, for a period."""

    class Kind(models.TextChoices):
        ACTIVE_STALLS_PER_DISTRICT = (
            "active_stalls_per_district",
            _("Mỗi đơn vị trực thuộc có ít nhất N gian hàng hoạt động"),
        )
        DIGITAL_ACTIVITY = (
            "digital_activity",
            _("Mỗi đơn vị trực thuộc tổ chức ít nhất N hoạt động chuyển đổi số"),
        )
        VOLUNTEERS = "volunteers", _("Số lượt đoàn viên tham gia tình nguyện")
        ITEMS_GIVEN = "items_given", _("Số món đã trao")
        ORDERS_DELIVERED = "orders_delivered", _("Số đơn đã giao đến người nhận")

    # Kinds measured per unit below (each must reach the value), not as one total.
    PER_CHILD_KINDS = (Kind.ACTIVE_STALLS_PER_DISTRICT, Kind.DIGITAL_ACTIVITY)

    unit = models.ForeignKey(
        "tenants.Unit",
        verbose_name=_("đơn vị đặt mục tiêu"),
        on_delete=models.CASCADE,
        related_name="targets",
    )
    kind = models.CharField(_("loại mục tiêu"), max_length=32, choices=Kind.choices)
    title = models.CharField(_("tên mục tiêu"), max_length=200)
    period_start = models.DateField(_("từ ngày"))
    period_end = models.DateField(_("đến ngày"))
    value = models.PositiveIntegerField(_("chỉ tiêu (N)"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mục tiêu")
        verbose_name_plural = _("mục tiêu")
        ordering = ["-period_end", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "kind", "period_start", "period_end"],
                name="target_unique_unit_kind_period",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="target_period_ordered"
            ),
            models.CheckConstraint(condition=Q(value__gte=1), name="target_value_positive"),
        ]

    def __str__(self) -> str:
        return self.title


class UnitFactParts(FactCounts):
    """What a unit's pre-aggregated row adds to the counts: which stalls were active.

    The arrays hold stall ids (public, not personal) so that "stalls active in the
    period" is a union over a handful of rows, not a scan of every stall's days.
    """

    unit = models.ForeignKey("tenants.Unit", on_delete=models.CASCADE, related_name="+")
    stalls_active = ArrayField(models.IntegerField(), default=list, blank=True)
    stalls_ordering = ArrayField(models.IntegerField(), default=list, blank=True)

    class Meta:
        abstract = True


class UnitDailyFact(UnitFactParts):
    """Everything under one unit (its own stall and every unit below) on one day.

    Written by the rollup from the stalls' days, so a province's dashboard reads one row
    per district per day whatever the number of stalls.
    """

    day = models.DateField(_("ngày"))
    recipients_sketch = ArrayField(models.IntegerField(), default=list, blank=True)

    class Meta:
        verbose_name = _("số liệu ngày của đơn vị")
        verbose_name_plural = _("số liệu ngày của đơn vị")
        constraints = [
            models.UniqueConstraint(fields=["unit", "day"], name="unitdailyfact_unique_unit_day"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day:%d/%m/%Y}"


class UnitMonthlyFact(UnitFactParts):
    """A unit's calendar month, summed from its days (``recipients`` is the month's
    distinct estimate; ``registers`` its dense HyperLogLog)."""

    month = models.DateField(_("tháng"))
    registers = models.BinaryField(default=bytes)

    class Meta:
        verbose_name = _("số liệu tháng của đơn vị")
        verbose_name_plural = _("số liệu tháng của đơn vị")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "month"], name="unitmonthlyfact_unique_unit_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month:%m/%Y}"


class Transfer(models.Model):
    """Items one stall sends another, kept in the public schema: descriptions and counts only.

    The units leave the sender's stock when the transfer is proposed and enter the
    receiver's when it is received; a cancelled transfer puts them back on the sender's
    shelf. Each move is a ledger row in the stall's own schema.
    """

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Đã đề nghị")
        ACCEPTED = "accepted", _("Đã đồng ý nhận")
        SENT = "sent", _("Đã gửi đi")
        RECEIVED = "received", _("Đã nhận")
        CANCELLED = "cancelled", _("Đã hủy")

    OPEN_STATES = (State.PROPOSED, State.ACCEPTED, State.SENT)

    from_stall = models.ForeignKey(
        "tenants.Stall",
        verbose_name=_("gian hàng gửi"),
        on_delete=models.PROTECT,
        related_name="transfers_out",
    )
    to_stall = models.ForeignKey(
        "tenants.Stall",
        verbose_name=_("gian hàng nhận"),
        on_delete=models.PROTECT,
        related_name="transfers_in",
    )
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=State.choices, default=State.PROPOSED
    )
    # The unit whose officer proposed it: the sending stall's own or a district/province.
    proposed_by_unit = models.ForeignKey(
        "tenants.Unit", on_delete=models.PROTECT, related_name="+", null=True
    )
    proposed_by_id = models.BigIntegerField(null=True, blank=True)  # a public-schema user id
    proposed_at = models.DateTimeField(_("đề nghị lúc"), auto_now_add=True, db_index=True)
    accepted_at = models.DateTimeField(_("đồng ý lúc"), null=True, blank=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    received_at = models.DateTimeField(_("nhận lúc"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("hủy lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("chuyển hàng giữa gian hàng")
        verbose_name_plural = _("chuyển hàng giữa gian hàng")
        ordering = ["-proposed_at", "-pk"]
        indexes = [
            models.Index(fields=["from_stall", "state"]),
            models.Index(fields=["to_stall", "state"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_stall=F("to_stall")), name="transfer_between_two_stalls"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.from_stall_id} → {self.to_stall_id}"


class TransferLine(models.Model):
    """One kind of item in a transfer: what it is and how many, never who gave or gets it."""

    transfer = models.ForeignKey(Transfer, on_delete=models.CASCADE, related_name="lines")
    description = models.CharField(_("món"), max_length=160)
    category_slug = models.CharField(_("danh mục"), max_length=80)
    size = models.CharField(_("cỡ"), max_length=8, blank=True)
    grade = models.PositiveSmallIntegerField(_("lớp"), null=True, blank=True)
    quantity = models.PositiveIntegerField(_("số lượng"))
    # The item in the sender's schema the units came from (they go back there on cancel).
    source_item_id = models.BigIntegerField()

    class Meta:
        verbose_name = _("dòng chuyển hàng")
        verbose_name_plural = _("dòng chuyển hàng")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="transferline_quantity_gt_0")
        ]

    def __str__(self) -> str:
        return f"{self.description} × {self.quantity}"

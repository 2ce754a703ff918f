"""Personal-data records kept inside a stall: consents, data-subject requests, staff access log.

The tables were created by catalog and keep their names, so moving them here moved no row.
"""

from __future__ import annotations

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

__all__ = ["AccessLog", "ConsentRecord", "DataRequest", "PersonalLink", "SubjectKind"]


class SubjectKind(models.TextChoices):
    RECIPIENT = "recipient", _("Người nhận")
    VOLUNTEER = "volunteer", _("Đoàn viên tình nguyện")
    DONOR = "donor", _("Người tặng")
    APPLICANT = "applicant", _("Người đăng ký đợt phát")
    WISHER = "wisher", _("Người để lại mong muốn")


class ConsentRecord(models.Model):
    """Which personal-data notice a person accepted, and when; a guardian's for under-16s.

    The subject is referenced by kind and id (an order for a recipient, a volunteer's id),
    so logistics can record consents without catalog knowing its models.
    """

    subject_kind = models.CharField(_("đối tượng"), max_length=10, choices=SubjectKind.choices)
    subject_id = models.BigIntegerField(_("mã đối tượng"))
    notice_version = models.CharField(_("phiên bản thông báo"), max_length=20)
    accepted_at = models.DateTimeField(_("đồng ý lúc"))
    subject_is_minor = models.BooleanField(_("dưới 16 tuổi"), default=False)
    guardian_name = models.CharField(_("họ tên cha mẹ/người giám hộ"), max_length=120, blank=True)
    guardian_phone = models.CharField(
        _("điện thoại cha mẹ/người giám hộ"), max_length=16, blank=True
    )
    guardian_accepted_at = models.DateTimeField(
        _("người giám hộ đồng ý lúc"), null=True, blank=True
    )
    # An officer who typed in a paper form; empty when the person accepted online.
    recorded_by_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the person withdrew this consent (a request processed by an officer); the
    # record stays as proof of what was accepted and until when.
    withdrawn_at = models.DateTimeField(_("rút lại đồng ý lúc"), null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("bản ghi đồng ý")
        verbose_name_plural = _("bản ghi đồng ý")
        db_table = "catalog_consentrecord"
        ordering = ["-accepted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_kind", "subject_id", "notice_version"],
                name="consent_once_per_subject_and_version",
            ),
            # A child's consent is never on file without the guardian's.
            models.CheckConstraint(
                condition=Q(subject_is_minor=False) | Q(guardian_accepted_at__isnull=False),
                name="consent_minor_has_guardian",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_subject_kind_display()} #{self.subject_id} – {self.notice_version}"


class DataRequest(models.Model):
    """A data subject's request (see, export, delete), and how and by whom it was handled."""

    class Kind(models.TextChoices):
        ACCESS = "access", _("Xem dữ liệu")
        EXPORT = "export", _("Xuất dữ liệu")
        DELETE = "delete", _("Xóa dữ liệu")
        WITHDRAW = "withdraw", _("Rút lại đồng ý")

    class State(models.TextChoices):
        PENDING = "pending", _("Chờ xử lý")
        DONE = "done", _("Đã xử lý")
        REJECTED = "rejected", _("Từ chối")

    class Channel(models.TextChoices):
        SELF_SERVICE = "self", _("Người dùng tự gửi")
        OFFICER = "officer", _("Cán bộ ghi nhận")

    kind = models.CharField(_("loại yêu cầu"), max_length=8, choices=Kind.choices)
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    channel = models.CharField(
        _("kênh"), max_length=8, choices=Channel.choices, default=Channel.SELF_SERVICE
    )
    subject_kind = models.CharField(
        _("đối tượng"), max_length=10, choices=SubjectKind.choices, default=SubjectKind.RECIPIENT
    )
    # The subject's id (an order's for a recipient, a volunteer's); the column kept its old
    # name. No foreign key: this app sits below the apps whose rows it points to.
    subject_id = models.BigIntegerField(_("mã đối tượng"), db_column="order_id", null=True)
    # What an officer reads to find the subject (an order's code), never a name or a phone.
    subject_label = models.CharField(_("đơn / người"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("gửi lúc"), auto_now_add=True)
    processed_at = models.DateTimeField(_("xử lý lúc"), null=True, blank=True)
    processed_by_id = models.BigIntegerField(null=True, blank=True)
    processed_by_username = models.CharField(_("người xử lý"), max_length=150, blank=True)
    # Never personal data: what was done, for the register of requests.
    outcome = models.CharField(_("kết quả"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("yêu cầu về dữ liệu cá nhân")
        verbose_name_plural = _("yêu cầu về dữ liệu cá nhân")
        db_table = "catalog_datarequest"
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Pressing "delete my data" twice files one request, not two.
            models.UniqueConstraint(
                fields=["subject_kind", "subject_id", "kind"],
                condition=Q(state="pending"),
                name="datarequest_one_pending_per_subject_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.get_state_display()}"


class PersonalLink(models.Model):
    """The current version of a person's own signed link (a volunteer's data page).

    A link carries the version it was made with; issuing a new one moves the version on,
    so every older link stops working (a lost or shared phone). No row: version 1.
    """

    subject_kind = models.CharField(_("đối tượng"), max_length=10, choices=SubjectKind.choices)
    subject_id = models.BigIntegerField(_("mã đối tượng"))
    version = models.PositiveIntegerField(default=1)
    renewed_at = models.DateTimeField(_("cấp lại lúc"), auto_now=True)
    renewed_by_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("đường dẫn riêng")
        verbose_name_plural = _("đường dẫn riêng")
        constraints = [
            models.UniqueConstraint(
                fields=["subject_kind", "subject_id"], name="personal_link_one_per_subject"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_subject_kind_display()} #{self.subject_id} v{self.version}"


class AccessLog(models.Model):
    """One staff view or export of personal data: who, what, when. Append-only."""

    class Action(models.TextChoices):
        VIEW = "view", _("Xem")
        EXPORT = "export", _("Xuất")
        CHANGE = "change", _("Sửa")
        DELETE = "delete", _("Xóa/ẩn danh")

    user_id = models.BigIntegerField(_("mã tài khoản"))
    # A snapshot: the log still reads right after an account is renamed or removed.
    username = models.CharField(_("tài khoản"), max_length=150)
    action = models.CharField(_("hành động"), max_length=8, choices=Action.choices)
    object_type = models.CharField(_("loại dữ liệu"), max_length=60)
    object_id = models.CharField(_("mã bản ghi"), max_length=64, blank=True)
    path = models.CharField(_("đường dẫn"), max_length=300)
    at = models.DateTimeField(_("lúc"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("nhật ký truy cập dữ liệu cá nhân")
        verbose_name_plural = _("nhật ký truy cập dữ liệu cá nhân")
        db_table = "catalog_accesslog"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user_id", "at"], name="catalog_acc_user_id_e913ef_idx")]

    def __str__(self) -> str:
        return f"{self.username} {self.action} {self.object_type}#{self.object_id}"

    @property
    def object_label(self) -> str:
        """What was seen, in the reader's language (the model's name), not a code label."""
        if self.object_type == "privacy.subject":
            return str(_("dữ liệu của một người"))
        try:
            model = apps.get_model(self.object_type)
        except (LookupError, ValueError):
            return self.object_type
        return str(model._meta.verbose_name)

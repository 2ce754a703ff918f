"""Public-schema models: the union tree, stalls and their domains, memberships, geography."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_tenants.clone import CloneSchema
from django_tenants.models import DomainMixin, TenantMixin
from django_tenants.postgresql_backend.base import is_valid_schema_name
from django_tenants.utils import get_tenant_database_alias, schema_exists

from core.tenancy import schema_to_public
from tenants.backup_bundle import BackupError
from tenants.citus import schema_distribute, schema_sharding_set
from tenants.cloning import schema_clone

logger = logging.getLogger(__name__)

SLUG_PATTERN = r"^[a-z][a-z0-9-]{1,38}[a-z0-9]$"
slug_validator = RegexValidator(
    SLUG_PATTERN,
    _(
        "Mã gian hàng chỉ gồm chữ thường không dấu, số và dấu gạch ngang, "
        "bắt đầu bằng chữ, dài 3–40 ký tự (ví dụ: thpt-nguyen-van-tiep)."
    ),
)


unit_code_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9./-]*$",
    _("Mã đơn vị chỉ gồm chữ thường không dấu, số, dấu chấm, gạch ngang và gạch chéo."),
)


class AdminArea(models.Model):
    """A province, district or commune/ward, in the current (2025) or the legacy list."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Tỉnh/Thành phố")
        DISTRICT = "district", _("Quận/Huyện")
        COMMUNE = "commune", _("Xã/Phường/Đặc khu")

    class Era(models.TextChoices):
        CURRENT = "current", _("Hiện hành (từ 1/7/2025)")
        LEGACY = "legacy", _("Trước 1/7/2025")

    era = models.CharField(max_length=8, choices=Era.choices)
    level = models.CharField(max_length=10, choices=Level.choices)
    code = models.CharField(max_length=10)
    name = models.CharField(max_length=120)
    short_name = models.CharField(max_length=120)
    kind = models.CharField(max_length=40, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    search_key = models.CharField(max_length=160, db_index=True)

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        constraints = [
            models.UniqueConstraint(fields=["era", "level", "code"], name="adminarea_unique_code"),
        ]
        indexes = [models.Index(fields=["era", "level", "parent"])]
        ordering = ["name"]

    def __str__(self) -> str:
        if self.parent_id and self.level != self.Level.PROVINCE:
            return f"{self.name}, {self.parent}"
        return self.name


class Unit(models.Model):
    """A unit of the Youth Union: province, district, commune/ward or school, in a tree."""

    class Kind(models.TextChoices):
        CENTRAL = "central", _("Trung ương Đoàn")
        PROVINCE = "province", _("Tỉnh Đoàn / Thành Đoàn")
        DISTRICT = "district", _("Huyện Đoàn / Quận Đoàn / Thị Đoàn")
        COMMUNE = "commune", _("Đoàn xã / phường / đặc khu")
        SCHOOL = "school", _("Đoàn trường")
        OTHER = "other", _("Cơ sở Đoàn khác")

    kind = models.CharField(_("cấp"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("tên"), max_length=200)
    code = models.CharField(
        _("mã"),
        max_length=120,
        unique=True,
        validators=[unit_code_validator],
        help_text=_("Mã ngắn, duy nhất, dùng trong tệp nhập liệu (ví dụ: tien-giang/cai-be)."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path of ids ("/1/4/17/"): "this unit and everything below it" is one
    # indexed prefix match, whatever the depth of the tree.
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    admin_area = models.ForeignKey(
        AdminArea, verbose_name=_("địa bàn"), null=True, blank=True, on_delete=models.SET_NULL
    )
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đơn vị Đoàn")
        verbose_name_plural = _("đơn vị Đoàn")
        ordering = ["path"]
        indexes = [
            models.Index(
                fields=["path"], name="unit_path_prefix", opclasses=["varchar_pattern_ops"]
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        path = (self.parent.path if self.parent is not None else "/") + f"{self.pk}/"
        if path != self.path:
            self.path = path
            self.depth = path.count("/") - 2
            Unit.objects.filter(pk=self.pk).update(path=self.path, depth=self.depth)

    def is_within(self, other: Unit) -> bool:
        """True when this unit is ``other`` or lies below it."""
        return self.path.startswith(other.path)


class Stall(TenantMixin):
    """A free storefront run by a unit (a school union today); one PostgreSQL schema."""

    unit = models.OneToOneField(
        Unit,
        verbose_name=_("đơn vị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stall",
    )
    slug = models.SlugField(
        _("mã gian hàng"), max_length=40, unique=True, validators=[slug_validator]
    )
    name = models.CharField(_("tên gian hàng"), max_length=200)
    commune = models.ForeignKey(
        AdminArea,
        verbose_name=_("xã/phường của trường"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    latitude = models.FloatField(_("vĩ độ"), null=True, blank=True)
    longitude = models.FloatField(_("kinh độ"), null=True, blank=True)
    delivery_radius_km = models.DecimalField(
        _("bán kính giao tận nơi (km)"), max_digits=5, decimal_places=1, default=5
    )
    served_communes = models.ManyToManyField(
        AdminArea, verbose_name=_("xã/phường giao tận nơi"), blank=True, related_name="+"
    )
    max_items_per_period = models.PositiveSmallIntegerField(
        _("số món tối đa mỗi người nhận trong kỳ"), default=10
    )
    limit_period_days = models.PositiveSmallIntegerField(_("độ dài kỳ (ngày)"), default=30)
    max_same_item = models.PositiveSmallIntegerField(
        _("số lượng tối đa của cùng một món"), default=1
    )
    confirm_new_phones = models.BooleanField(
        _("cán bộ duyệt đơn của số điện thoại mới"), default=False
    )
    sender_address = models.CharField(
        _("địa chỉ người gửi trên nhãn bưu điện"),
        max_length=200,
        blank=True,
        help_text=_("Để trống thì dùng xã/phường của trường."),
    )
    is_active = models.BooleanField(_("đang mở"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    auto_create_schema = True
    auto_drop_schema = False
    # The template holds only structure and seed rows (categories), which every stall copies.
    clone_mode = "DATA"

    class Meta:
        verbose_name = _("gian hàng")
        verbose_name_plural = _("gian hàng")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False) | Q(schema_name="public"),
                name="stall_has_unit_unless_public",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def create_schema(self, check_if_exists=False, sync_schema=True, verbosity=1):
        """Copy the template schema (``tenants.cloning``), and only that.

        django-tenants follows its clone with a fake ``migrate_schemas``. The copy already
        holds the template's ``django_migrations``, so the fake run adds nothing when the
        template is current, and when it is not (new code deployed, ``gianhang bootstrap``
        not yet run) it marks the missing migrations applied without applying them, leaving
        the stall broken for good. So it is skipped.
        """
        base_schema = self.get_base_schema()
        if not (sync_schema and base_schema and schema_exists(base_schema)):
            return super().create_schema(
                check_if_exists=check_if_exists, sync_schema=sync_schema, verbosity=verbosity
            )
        if check_if_exists and schema_exists(self.schema_name):
            return False
        if not is_valid_schema_name(self.schema_name):
            raise ValidationError("Invalid string used for the schema name.")

        # On Citus the copy is made as an ordinary schema, then distributed whole to a worker.
        schema_sharding_set(on=False)
        try:
            schema_clone(
                template=base_schema, schema=self.schema_name, with_data=self.clone_mode == "DATA"
            )
        except BackupError as exc:
            # No pg_dump of the server's version here: django-tenants' slower clone works too.
            logger.warning("cloning %s with clone_schema(): %s", self.schema_name, exc)
            CloneSchema().clone_schema(base_schema, self.schema_name, self.clone_mode)
        schema_distribute(schema=self.schema_name)
        schema_to_public(using=get_tenant_database_alias())
        return True

    @property
    def is_public(self) -> bool:
        return self.schema_name == "public"

    @staticmethod
    def schema_for_slug(slug: str) -> str:
        return "stall_" + slug.replace("-", "_")


class Domain(DomainMixin):
    class Meta:
        verbose_name = _("tên miền")
        verbose_name_plural = _("tên miền")


class Membership(models.Model):
    """A person's role on a unit; the role covers the unit and every unit below it."""

    class Role(models.TextChoices):
        PLATFORM_ADMIN = "platform_admin", _("Quản trị nền tảng")
        PROVINCE_OFFICER = "province_officer", _("Cán bộ Tỉnh Đoàn")
        DISTRICT_OFFICER = "district_officer", _("Cán bộ Huyện Đoàn")
        SCHOOL_OFFICER = "school_officer", _("Cán bộ Đoàn trường")
        VOLUNTEER = "volunteer", _("Đoàn viên tình nguyện")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("vai trò")
        verbose_name_plural = _("vai trò")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.unit}"


class TemporaryPassword(models.Model):
    """The account's password was handed out by someone else: a new one is set at next login."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="temporary_password"
    )
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mật khẩu tạm")
        verbose_name_plural = _("mật khẩu tạm")

    def __str__(self) -> str:
        return str(self.user)

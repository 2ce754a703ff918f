"""Writes on units, stalls and accounts: provisioning by cloning the template schema."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _
from django_tenants.utils import schema_exists

from core.tenancy import schema_to_public
from core.text import text_clean
from tenants.citus import provisioning_lock, reference_tables_ensure, schema_sharding_set
from tenants.geography import coordinates_usable, stall_coordinates_problem
from tenants.models import (
    SLUG_PATTERN,
    AdminArea,
    Domain,
    Membership,
    Stall,
    TemporaryPassword,
    Unit,
)

TEMPLATE_SCHEMA = settings.TENANT_BASE_SCHEMA


class ProvisioningError(ValidationError):
    """A stall could not be provisioned; nothing was created."""


@dataclass(frozen=True)
class Provisioned:
    stall: Stall
    domain: str
    officer_username: str | None
    officer_password: str | None  # set only when a new account was made


def unit_create(
    *,
    kind: str,
    name: str,
    code: str,
    parent: Unit | None = None,
    admin_area: AdminArea | None = None,
) -> Unit:
    unit = Unit(kind=kind, name=name, code=code, parent=parent, admin_area=admin_area)
    unit.full_clean(exclude=["path", "depth"])
    unit.save()
    return unit


def unit_get_or_create(*, kind: str, name: str, code: str, parent: Unit | None = None) -> Unit:
    existing = Unit.objects.filter(code=code).first()
    if existing is not None:
        return existing
    return unit_create(kind=kind, name=name, code=code, parent=parent)


@transaction.atomic
def unit_move(*, unit: Unit, new_parent: Unit | None) -> Unit:
    """Re-hang a unit (and everything below it) under another parent, as in 2025's merger."""
    if new_parent is not None and new_parent.is_within(unit):
        raise ValidationError(_("Không thể chuyển một đơn vị vào bên dưới chính nó."))
    old_path = unit.path
    unit.parent = new_parent
    unit.save()
    unit.refresh_from_db()
    for child in (
        Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk).order_by("depth")
    ):
        child.save()
    return unit


def membership_grant(*, user, unit: Unit, role: str) -> Membership:
    membership, _created = Membership.objects.get_or_create(user=user, unit=unit, role=role)
    return membership


def stall_template_migrate(*, verbosity: int = 0) -> None:
    """Create the template schema if needed and bring it to the latest migrations.

    New stalls are copies of it, so it must be migrated with every release (``gianhang
    bootstrap`` does it, before the stalls themselves).
    """
    if not schema_exists(TEMPLATE_SCHEMA):
        with transaction.atomic():
            # On Citus the template stays an ordinary schema on the coordinator.
            schema_sharding_set(on=False)
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE SCHEMA "{TEMPLATE_SCHEMA}"')
    call_command(
        "migrate_schemas",
        tenant=True,
        schema_name=TEMPLATE_SCHEMA,
        interactive=False,
        verbosity=verbosity,
    )
    schema_to_public()
    # Stalls copied from it reference these public tables: on Citus they must be on every node.
    reference_tables_ensure(schema=TEMPLATE_SCHEMA)


def public_tenant_ensure(*, base_domain: str | None = None) -> Stall:
    """The public schema's own row and the bare base domain, as django-tenants needs them."""
    base_domain = base_domain or settings.BASE_DOMAIN
    public, _created = Stall.objects.get_or_create(
        schema_name="public",
        defaults={"slug": "public", "name": "Gian hàng 0 đồng"},
    )
    Domain.objects.get_or_create(
        domain=base_domain, defaults={"tenant": public, "is_primary": True}
    )
    return public


def _validate_new_stall(*, slug: str, domain: str, schema_name: str) -> None:
    import re

    if not re.match(SLUG_PATTERN, slug or "") or "--" in slug:
        raise ProvisioningError(
            _(
                "Mã gian hàng “%(slug)s” không hợp lệ: chỉ dùng chữ thường không dấu, số và "
                "dấu gạch ngang, bắt đầu bằng chữ, dài 3–40 ký tự."
            )
            % {"slug": slug},
            code="invalid_slug",
        )
    if Stall.objects.filter(slug=slug).exists():
        raise ProvisioningError(
            _("Mã gian hàng “%(slug)s” đã được dùng.") % {"slug": slug}, code="duplicate_slug"
        )
    if Domain.objects.filter(domain=domain).exists():
        raise ProvisioningError(
            _("Tên miền “%(domain)s” đã được dùng.") % {"domain": domain}, code="duplicate_domain"
        )
    if schema_exists(schema_name, case_sensitive=False):
        raise ProvisioningError(
            _("Lược đồ dữ liệu “%(schema)s” đã tồn tại.") % {"schema": schema_name},
            code="duplicate_schema",
        )
    if not schema_exists(TEMPLATE_SCHEMA):
        raise ProvisioningError(
            _("Chưa có lược đồ mẫu. Hãy chạy “gianhang bootstrap” trước."), code="no_template"
        )


def stall_provision(**kwargs) -> Provisioned:
    """Create a stall: its unit (if not given), schema (cloned), domain and first officer.

    Same arguments as ``_stall_provision``. Two people creating the same stall at the same
    moment both pass the checks; the database's unique constraints let one win, and the
    other gets a clear message instead of a database error.
    """
    try:
        return _stall_provision(**kwargs)
    except IntegrityError:
        slug = kwargs.get("slug", "")
        raise ProvisioningError(
            _(
                "Gian hàng “%(slug)s” vừa được tạo cùng lúc ở nơi khác. Hãy kiểm tra danh sách "
                "gian hàng trước khi thử lại."
            )
            % {"slug": slug},
            code="duplicate_slug",
        ) from None


@transaction.atomic
def _stall_provision(
    *,
    slug: str,
    name: str,
    unit: Unit | None = None,
    parent_unit: Unit | None = None,
    commune: AdminArea | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    officer_email: str | None = None,
    base_domain: str | None = None,
) -> Provisioned:
    """One transaction: PostgreSQL's DDL is transactional, so on any error the schema, the
    rows and the account all disappear together. Nothing is ever half-created.
    """
    provisioning_lock()
    slug = (slug or "").strip().lower()
    name = text_clean(name or "")
    if not name:
        raise ProvisioningError(_("Hãy nhập tên gian hàng."), code="no_name")
    if commune is not None and latitude is None and longitude is None:
        latitude, longitude = commune.latitude, commune.longitude
        if not coordinates_usable(latitude, longitude):
            latitude = longitude = None
    problem = stall_coordinates_problem(latitude, longitude)
    if problem:
        raise ProvisioningError(problem, code="bad_coordinates")
    base_domain = base_domain or settings.BASE_DOMAIN
    domain = f"{slug}.{base_domain}"
    schema_name = Stall.schema_for_slug(slug)
    _validate_new_stall(slug=slug, domain=domain, schema_name=schema_name)

    if unit is None:
        if parent_unit is None:
            raise ProvisioningError(
                _("Cần cho biết đơn vị cấp trên của gian hàng."), code="no_parent"
            )
        code = f"{parent_unit.code}/{slug}"
        if Unit.objects.filter(code=code).exists():
            unit = Unit.objects.get(code=code)
        else:
            unit = unit_create(
                kind=Unit.Kind.SCHOOL, name=name, code=code, parent=parent_unit, admin_area=commune
            )
    if Stall.objects.filter(unit=unit).exists():
        raise ProvisioningError(
            _("Đơn vị “%(unit)s” đã có gian hàng.") % {"unit": unit.name}, code="unit_has_stall"
        )

    stall = Stall(
        schema_name=schema_name,
        slug=slug,
        name=name,
        unit=unit,
        commune=commune,
        latitude=latitude,
        longitude=longitude,
    )
    try:
        stall.full_clean(exclude=["schema_name"])
    except ValidationError as exc:
        raise ProvisioningError(" ".join(exc.messages), code="invalid") from None
    stall.save(verbosity=0)
    Domain.objects.create(domain=domain, tenant=stall, is_primary=True)

    username = password = None
    if officer_email:
        user, password = _officer_account(email=officer_email.strip().lower())
        membership_grant(user=user, unit=unit, role=Membership.Role.SCHOOL_OFFICER)
        username = user.get_username()
    schema_to_public()
    return Provisioned(
        stall=stall, domain=domain, officer_username=username, officer_password=password
    )


def _officer_account(*, email: str):
    from django.core.validators import validate_email

    try:
        validate_email(email)
    except ValidationError:
        raise ProvisioningError(
            _("Email cán bộ “%(email)s” không hợp lệ.") % {"email": email}, code="invalid_email"
        ) from None
    User = get_user_model()
    user = User.objects.filter(username=email).first()
    if user is not None:
        return user, None
    password = secrets.token_urlsafe(12)
    user = User.objects.create_user(username=email, email=email, password=password)
    TemporaryPassword.objects.get_or_create(user=user)
    return user, password

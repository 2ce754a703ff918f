"""Provisioning a stall: cloned schema, domain, first officer; bad input creates nothing."""

import pytest
from django.db import connection
from django_tenants.utils import schema_exists

from tenants.models import Domain, Membership, Stall, Unit
from tenants.services import ProvisioningError, stall_provision
from tests.conftest import _district


def _tables(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", [schema])
        return {row[0] for row in cursor.fetchall()}


def _migrations(schema: str) -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations')  # noqa: S608
        return set(cursor.fetchall())


def test_new_stall_is_a_clone_of_the_template(db):
    result = stall_provision(
        slug="thpt-nguyen-van-tiep",
        name="Đoàn trường THPT Nguyễn Văn Tiếp",
        parent_unit=_district(),
        officer_email="tiep@example.vn",
    )
    schema = result.stall.schema_name
    assert schema == "stall_thpt_nguyen_van_tiep"
    assert schema_exists(schema)
    assert _tables(schema) == _tables("stall_template")
    assert _migrations(schema) == _migrations("stall_template")
    assert result.domain == "thpt-nguyen-van-tiep.localhost"
    assert Domain.objects.get(tenant=result.stall).domain == result.domain
    assert result.stall.unit.kind == Unit.Kind.SCHOOL
    assert result.stall.unit.parent == _district()
    assert Membership.objects.filter(
        user__username="tiep@example.vn",
        unit=result.stall.unit,
        role=Membership.Role.SCHOOL_OFFICER,
    ).exists()
    assert result.officer_password


@pytest.mark.parametrize(
    ("slug", "code"),
    [
        ("Bad Slug", "invalid_slug"),
        ("public", "invalid_slug"),
        ("a", "invalid_slug"),
        ("-abc", "invalid_slug"),
        ("abc--def", "invalid_slug"),
        ("trường-a", "invalid_slug"),
    ],
)
def test_invalid_slugs_are_refused_and_nothing_is_created(db, slug, code):
    schemas_before = _schema_names()
    with pytest.raises(ProvisioningError) as caught:
        stall_provision(slug=slug, name="X", parent_unit=_district())
    assert caught.value.code in {code, "duplicate_slug"}
    assert _schema_names() == schemas_before
    assert not Stall.objects.filter(name="X").exists()


def _schema_names() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace")
        return {row[0] for row in cursor.fetchall()}


def test_a_duplicate_slug_is_refused_with_a_clear_message(stall_factory):
    stall_factory(slug="truong-trung")
    with pytest.raises(ProvisioningError) as caught:
        stall_provision(slug="truong-trung", name="Trường khác", parent_unit=_district())
    assert caught.value.code == "duplicate_slug"
    assert "đã được dùng" in caught.value.messages[0]


def test_a_taken_domain_is_refused(stall_factory):
    other = stall_factory(slug="truong-co-san")
    Domain.objects.create(domain="truong-moi.localhost", tenant=other, is_primary=False)
    with pytest.raises(ProvisioningError) as caught:
        stall_provision(slug="truong-moi", name="Trường mới", parent_unit=_district())
    assert caught.value.code == "duplicate_domain"
    assert not schema_exists("stall_truong_moi")


def test_an_orphan_schema_is_never_reused(db):
    with connection.cursor() as cursor:
        cursor.execute('CREATE SCHEMA "stall_truong_mo_coi"')
    with pytest.raises(ProvisioningError) as caught:
        stall_provision(slug="truong-mo-coi", name="Trường", parent_unit=_district())
    assert caught.value.code == "duplicate_schema"


def test_a_failure_after_cloning_leaves_no_schema_behind(db, monkeypatch):
    from tenants import services

    def broken_account(**kwargs):
        raise ProvisioningError("boom", code="boom")

    monkeypatch.setattr(services, "_officer_account", broken_account)
    with pytest.raises(ProvisioningError):
        stall_provision(
            slug="truong-hong",
            name="Trường hỏng",
            parent_unit=_district(),
            officer_email="x@example.vn",
        )
    assert not schema_exists("stall_truong_hong")
    assert not Stall.objects.filter(slug="truong-hong").exists()
    assert not Unit.objects.filter(code__endswith="/truong-hong").exists()


def test_a_unit_with_a_stall_cannot_get_a_second_one(stall_factory):
    stall = stall_factory(slug="truong-mot")
    with pytest.raises(ProvisioningError) as caught:
        stall_provision(slug="truong-hai", name="Hai", unit=stall.unit)
    assert caught.value.code == "unit_has_stall"

"""The runbook's single-stall backup and restore: `gianhang stall backup` / `stall restore`."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from catalog.models import Category, Item
from tenants.models import Stall, Unit
from tests.conftest import in_stall

pytestmark = pytest.mark.slow

PARENT_UNIT = "tien-giang/tan-phuoc"  # made by the stall fixtures


def _rows(schema: str, table: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT * FROM "{schema}"."{table}" ORDER BY id')  # noqa: S608
        return cursor.fetchall()


def _with_items(stall: Stall) -> None:
    with in_stall(stall):
        shoes = Category.objects.get(slug="giay-dep")
        Item.objects.create(
            category=shoes,
            title="Dép tổ ong cỡ 38",
            size_kind="shoe",
            size="38",
            description=f"Gần như mới; {stall.schema_name}.catalog_item ở lại nguyên văn",
        )
        books = Category.objects.get(slug="sach-tap-vo")
        Item.objects.create(category=books, title="Sách Toán lớp 7", grade=7, subject="Toán")


@pytest.fixture
def restored():
    """Slugs restored by a test; their stalls, schemas and units are dropped afterwards."""
    slugs: list[str] = []
    yield slugs
    connection.set_schema_to_public()
    for stall in Stall.objects.filter(slug__in=slugs):
        unit_id = stall.unit_id
        stall.delete(force_drop=True)
        Unit.objects.filter(pk=unit_id).delete()


@pytest.mark.parametrize("fmt", ["custom", "plain"])
def test_restored_stall_has_the_same_rows_as_the_backed_up_one(
    live_stall_factory, restored, tmp_path, fmt
):
    source = live_stall_factory()
    _with_items(source)
    dump = tmp_path / f"backup.{fmt}"
    call_command("stall", "backup", source.slug, str(dump), "--format", fmt)
    restored.append("khoi-phuc-" + fmt)
    call_command(
        "stall",
        "restore",
        str(dump),
        "--slug",
        "khoi-phuc-" + fmt,
        "--name",
        "Bản khôi phục",
        "--parent-unit",
        PARENT_UNIT,
    )

    copy = Stall.objects.get(slug="khoi-phuc-" + fmt)
    assert copy.schema_name == "stall_khoi_phuc_" + fmt
    for table in ("catalog_item", "catalog_category"):
        assert _rows(copy.schema_name, table) == _rows(source.schema_name, table)
    assert len(_rows(copy.schema_name, "catalog_item")) == 2


def test_restored_stall_is_served_on_its_own_domain_with_no_pending_migration(
    live_stall_factory, restored, tmp_path
):
    source = live_stall_factory()
    _with_items(source)
    dump = tmp_path / "backup.dump"
    call_command("stall", "backup", source.slug, str(dump))
    restored.append("khoi-phuc-mien")
    call_command(
        "stall", "restore", str(dump), "--slug", "khoi-phuc-mien", "--parent-unit", PARENT_UNIT
    )

    copy = Stall.objects.get(slug="khoi-phuc-mien")
    assert copy.domains.get(is_primary=True).domain.startswith("khoi-phuc-mien.")
    with in_stall(copy):
        executor = MigrationExecutor(connection)
        assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
        assert Item.objects.filter(title="Sách Toán lớp 7").exists()


def test_new_rows_in_the_copy_continue_its_sequences(live_stall_factory, restored, tmp_path):
    source = live_stall_factory()
    _with_items(source)
    dump = tmp_path / "backup.dump"
    call_command("stall", "backup", source.slug, str(dump))
    restored.append("khoi-phuc-seq")
    call_command(
        "stall", "restore", str(dump), "--slug", "khoi-phuc-seq", "--parent-unit", PARENT_UNIT
    )
    copy = Stall.objects.get(slug="khoi-phuc-seq")
    with in_stall(copy):
        newest = max(Item.objects.values_list("id", flat=True))
        item = Item.objects.create(category=Category.objects.first(), title="Mũ mới")
        assert item.id > newest


def test_restore_onto_a_slug_in_use_is_refused_and_creates_nothing(live_stall_factory, tmp_path):
    source = live_stall_factory()
    other = live_stall_factory()
    dump = tmp_path / "backup.dump"
    call_command("stall", "backup", source.slug, str(dump))
    stalls_before = Stall.objects.count()

    with pytest.raises(CommandError, match="đã được dùng"):
        call_command(
            "stall", "restore", str(dump), "--slug", other.slug, "--parent-unit", PARENT_UNIT
        )
    assert Stall.objects.count() == stalls_before


def test_restore_of_a_file_that_is_not_a_backup_leaves_no_schema(stall_a, tmp_path):
    junk = tmp_path / "not-a-backup.sql"
    junk.write_text("xin chào\n", encoding="utf-8")
    with pytest.raises(CommandError, match="không phải bản sao lưu gian hàng"):
        call_command(
            "stall", "restore", str(junk), "--slug", "khoi-phuc-rac", "--parent-unit", PARENT_UNIT
        )
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = 'stall_khoi_phuc_rac'")
        assert cursor.fetchone() is None
    assert not Stall.objects.filter(slug="khoi-phuc-rac").exists()


def test_backup_of_an_unknown_stall_says_so(db, tmp_path):
    with pytest.raises(CommandError, match="Không có gian hàng"):
        call_command("stall", "backup", "khong-co", str(tmp_path / "x.dump"))

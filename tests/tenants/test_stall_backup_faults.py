"""Damaged stall backups are refused in one line with nothing created; public rows come back."""

from __future__ import annotations

import io
import json
import os
import subprocess
import tarfile
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection

from catalog.models import Category, Item
from logistics import routing
from tenants.backup_bundle import MANIFEST, PUBLIC, bundle_write
from tenants.models import Domain, Membership, Stall, Unit
from tests.conftest import database_url_of_tests, in_stall, make_stall, make_user
from tests.logistics.factories import order_make, school_commune, stall_place

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
GIANHANG = str(Path(os.sys.executable).with_name("gianhang"))
PARENT_UNIT = "tien-giang/tan-phuoc"  # made by the stall fixtures


def _with_items(stall: Stall) -> None:
    with in_stall(stall):
        shoes = Category.objects.get(slug="giay-dep")
        for n in range(30):
            Item.objects.create(category=shoes, title=f"Dép cỡ {30 + n}", size="38")


def _members(path: Path) -> dict[str, bytes]:
    with tarfile.open(path) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers()}


def _rewrite(path: Path, *, dump: bytes, tmp_path: Path, keep_checksum: bool) -> Path:
    """A copy of the backup whose dump is ``dump``: with the old checksum (a file damaged
    after it was written) or with a fresh one (a dump that was already broken when made)."""
    members = _members(path)
    manifest = json.loads(members[MANIFEST])
    name = manifest["dump"]["name"]
    out = tmp_path / f"damaged-{len(list(tmp_path.iterdir()))}.backup"
    if keep_checksum:
        with tarfile.open(out, "w") as tar:
            for member, data in ((MANIFEST, members[MANIFEST]), (PUBLIC, members[PUBLIC])):
                info = tarfile.TarInfo(member)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
            info = tarfile.TarInfo(name)
            info.size = len(dump)
            tar.addfile(info, io.BytesIO(dump))
        return out
    dump_path = tmp_path / name
    dump_path.write_bytes(dump)
    facts = {k: v for k, v in manifest.items() if k not in {"format", "version", "dump", "public"}}
    bundle_write(
        path=out,
        manifest=facts,
        dump_path=dump_path,
        dump_format=manifest["dump"]["format"],
        public=json.loads(members[PUBLIC]),
    )
    return out


@pytest.fixture(scope="module")
def backups(tmp_path_factory, django_db_setup, django_db_blocker):
    """One stall's backups (plain and custom) and damaged copies of every kind."""
    tmp = tmp_path_factory.mktemp("backups")
    with django_db_blocker.unblock():
        stall = make_stall()
        try:
            _with_items(stall)
            plain, custom = tmp / "stall.plain.backup", tmp / "stall.custom.backup"
            call_command("stall", "backup", stall.slug, str(plain), "--format", "plain")
            call_command("stall", "backup", stall.slug, str(custom))
        finally:
            unit = stall.unit
            stall.delete(force_drop=True)
            unit.delete()
    sql = _members(plain)["schema.sql"]
    # At the start of the first statement that adds a constraint: a whole-statement cut.
    constraints_at = sql.rindex(b"\nALTER TABLE", 0, sql.index(b"ADD CONSTRAINT")) + 1
    copy_at = sql.index(b"COPY ", sql.index(b"catalog_item"))
    copy_cut = sql.index(b"\n", sql.index(b"\n", copy_at) + 1) + 1  # one row into the COPY
    custom_dump = _members(custom)["schema.dump"]
    garbage = tmp / "garbage.backup"
    garbage.write_bytes(os.urandom(4096))
    truncated = tmp / "truncated.backup"
    truncated.write_bytes(plain.read_bytes()[: plain.stat().st_size * 2 // 3])
    bare_dump = tmp / "bare.sql"
    bare_dump.write_bytes(sql)
    flipped = bytearray(sql)
    flipped[copy_cut - 5] ^= 0x01
    return {
        "garbage": garbage,
        "a bare pg_dump with no manifest": bare_dump,
        "a truncated backup file": truncated,
        "a dump changed after the manifest was written": _rewrite(
            plain, dump=bytes(flipped), tmp_path=tmp, keep_checksum=True
        ),
        "a plain dump cut before its constraints": _rewrite(
            plain, dump=sql[:constraints_at], tmp_path=tmp, keep_checksum=False
        ),
        "a plain dump cut inside a COPY": _rewrite(
            plain, dump=sql[:copy_cut], tmp_path=tmp, keep_checksum=False
        ),
        "a custom dump cut in the middle": _rewrite(
            custom, dump=custom_dump[: len(custom_dump) // 2], tmp_path=tmp, keep_checksum=False
        ),
        "sound": plain,
    }


DAMAGED = [
    "garbage",
    "a bare pg_dump with no manifest",
    "a truncated backup file",
    "a dump changed after the manifest was written",
    "a plain dump cut before its constraints",
    "a plain dump cut inside a COPY",
    "a custom dump cut in the middle",
]


def _nothing_created(slug: str) -> None:
    connection.set_schema_to_public()
    schema = Stall.schema_for_slug(slug)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema])
        assert cursor.fetchone() is None, "a schema was left behind"
    assert not Stall.objects.filter(slug=slug).exists()
    assert not Domain.objects.filter(domain__startswith=f"{slug}.").exists()
    assert not Unit.objects.filter(code__endswith=f"/{slug}").exists()


@pytest.mark.parametrize("kind", DAMAGED)
def test_damaged_backup_is_refused_in_one_line_and_creates_nothing(backups, kind, db):
    slug = "khoi-phuc-hong"
    with pytest.raises(CommandError) as refused:
        call_command(
            "stall", "restore", str(backups[kind]), "--slug", slug, "--parent-unit", PARENT_UNIT
        )
    message = str(refused.value)
    assert "\n" not in message
    assert "Traceback" not in message
    assert "không" in message  # Vietnamese: what was refused and that nothing was made
    _nothing_created(slug)


def test_the_command_line_prints_one_line_and_no_traceback_for_each_damaged_file(
    backups, live_stall_factory
):
    live_stall_factory()  # the unit tree the restores would hang under
    env = {
        **os.environ,
        "DATABASE_URL": database_url_of_tests(),
        "GIANHANG_TESTING": "1",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "platform")]),
        # Libraries' start-up warnings about this machine (no XDG_RUNTIME_DIR) are not ours.
        "PYTHONWARNINGS": "ignore",
    }
    for kind in DAMAGED:
        done = subprocess.run(
            [GIANHANG, "stall", "restore", str(backups[kind]), "--slug", "khoi-phuc-dong"]
            + ["--parent-unit", PARENT_UNIT],
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert done.returncode != 0, kind
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        assert len(lines) == 1, (kind, done.stderr)
        print(f"{kind}: {lines[0]}")  # noqa: T201 - the report of what an operator reads
        assert "Traceback" not in done.stderr + done.stdout, kind
        assert "Đã khôi phục" not in done.stdout, kind
    _nothing_created("khoi-phuc-dong")


def test_sound_backup_still_restores_with_every_row(backups, live_stall_factory):
    live_stall_factory()
    try:
        call_command(
            "stall",
            "restore",
            str(backups["sound"]),
            "--slug",
            "khoi-phuc-lanh",
            "--parent-unit",
            PARENT_UNIT,
        )
        copy = Stall.objects.get(slug="khoi-phuc-lanh")
        with in_stall(copy):
            assert Item.objects.filter(title__startswith="Dép cỡ").count() == 30
    finally:
        connection.set_schema_to_public()
        for stall in Stall.objects.filter(slug="khoi-phuc-lanh"):
            unit = stall.unit
            stall.delete(force_drop=True)
            unit.delete()


def test_restored_stall_gets_its_commune_settings_and_officers_back(
    live_stall_factory, tmp_path, client_for
):
    """The stall is lost with its public rows; the backup alone brings it back."""
    live_stall_factory()  # the database, unblocked; the source is deleted by the test itself
    source = stall_place(make_stall(slug="truong-mat"))
    source.latitude, source.longitude = 10.43, 106.2
    source.max_items_per_period = 4
    source.save()
    source.served_communes.set([school_commune()])
    Domain.objects.create(domain="gianhang.truong-mat.example.vn", tenant=source, is_primary=False)
    unit_code, unit_name = source.unit.code, source.unit.name
    officer = make_user("canbo.mat@example.vn", unit=source.unit, role="school_officer")
    gone = make_user("canbo.cu@example.vn", unit=source.unit, role="school_officer")
    backup = tmp_path / "truong-mat.backup"
    call_command("stall", "backup", source.slug, str(backup))

    # Lost: the schema, the stall, its domains, its unit and memberships; one account too.
    unit = source.unit
    source.delete(force_drop=True)
    Membership.objects.filter(unit=unit).delete()
    unit.delete()
    gone.delete()

    out = io.StringIO()
    try:
        call_command("stall", "restore", str(backup), "--slug", "truong-mat", stdout=out)
        printed = out.getvalue()
        assert "đã gắn lại tài khoản: canbo.mat@example.vn" in printed
        assert "cần gắn lại" in printed
        assert "canbo.cu@example.vn" in printed

        copy = Stall.objects.get(slug="truong-mat")
        assert copy.unit.code == unit_code
        assert copy.unit.name == unit_name
        assert copy.commune == school_commune()
        assert (copy.latitude, copy.longitude) == (10.43, 106.2)
        assert copy.max_items_per_period == 4
        assert list(copy.served_communes.all()) == [school_commune()]
        assert copy.domains.filter(domain="gianhang.truong-mat.example.vn").exists()
        assert Membership.objects.filter(user=officer, unit=copy.unit).exists()

        # The officer signs in on the restored stall through the login form.
        client = client_for(copy, officer)
        assert client.get("/can-bo/").status_code == 200
        # A near order goes to the volunteers again, not to the post.
        with in_stall(copy):
            order = order_make(area=school_commune())
            decision = routing.order_route(order_id=order.pk)
            assert decision.delivery == "volunteer"
    finally:
        connection.set_schema_to_public()
        for stall in Stall.objects.filter(slug="truong-mat"):
            restored_unit = stall.unit
            stall.delete(force_drop=True)
            Membership.objects.filter(unit=restored_unit).delete()
            restored_unit.delete()
        get_user_model().objects.filter(username__startswith="canbo.").delete()

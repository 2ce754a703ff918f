"""Importing stalls from CSV: bad rows reported by line, good rows kept, reruns change nothing."""

import os
import subprocess
import sys
from pathlib import Path

from django.db import connection

from tenants.models import Stall
from tenants.stall_import import read_csv, stall_import
from tests.conftest import _district, database_url_of_tests

ROOT = Path(__file__).resolve().parents[2]

CSV = """slug,name,parent_unit,commune_code,latitude,longitude,officer_email
thpt-cai-be,Đoàn trường THPT Cái Bè,tien-giang/tan-phuoc,28360,,,cb@example.vn
Sai Slug,Trường sai,tien-giang/tan-phuoc,,,,
thpt-go-cong,Đoàn trường THPT Gò Công,khong-co-don-vi,,,,
thpt-cai-be,Trùng dòng 2,tien-giang/tan-phuoc,,,,
thpt-cho-gao,Đoàn trường THPT Chợ Gạo,tien-giang/tan-phuoc,99999,,,
thpt-tan-phuoc,Đoàn trường THPT Tân Phước,tien-giang/tan-phuoc,,10.5,abc,
thpt-my-tho,Đoàn trường THPT Mỹ Tho,tien-giang/tan-phuoc,28261,10.35,106.37,
"""


def _write(tmp_path, text=CSV) -> Path:
    path = tmp_path / "stalls.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_bad_rows_are_reported_with_line_numbers_and_good_rows_imported(db, tmp_path):
    _district()
    report = stall_import(rows=read_csv(_write(tmp_path)))
    assert sorted(p.stall.slug for p in report.created) == ["thpt-cai-be", "thpt-my-tho"]
    errors = dict(report.errors)
    assert set(errors) == {3, 4, 5, 6, 7}
    assert "không hợp lệ" in errors[3]
    assert "khong-co-don-vi" in errors[4]
    assert "dòng 2" in errors[5]
    assert "99999" in errors[6]
    assert "longitude" in errors[7]
    stall = Stall.objects.get(slug="thpt-my-tho")
    assert stall.commune.code == "28261"
    assert (stall.latitude, stall.longitude) == (10.35, 106.37)


def test_importing_the_same_file_again_changes_nothing(db, tmp_path):
    _district()
    path = _write(tmp_path)
    stall_import(rows=read_csv(path))
    stalls_before = list(Stall.objects.values_list("slug", "schema_name").order_by("slug"))
    second = stall_import(rows=read_csv(path))
    assert second.created == []
    assert sorted(second.unchanged) == ["thpt-cai-be", "thpt-my-tho"]
    assert list(Stall.objects.values_list("slug", "schema_name").order_by("slug")) == stalls_before


def test_a_file_with_unknown_columns_is_refused_before_any_row(tmp_path):
    import pytest
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        read_csv(_write(tmp_path, "slug,name,parent_unit,tinh\nx,y,z,w\n"))
    assert "tinh" in caught.value.messages[0]


def test_the_cli_import_exits_non_zero_and_summarises(tmp_path, live_stall_factory):
    # Committed district for the subprocess; the stalls it makes are dropped afterwards.
    connection.set_schema_to_public()
    _district()
    path = _write(tmp_path, CSV.replace("thpt-", "cli-"))
    env = {**os.environ, "DATABASE_URL": database_url_of_tests()}
    try:
        result = subprocess.run(
            [sys.executable, "-m", "gianhang.cli", "stall", "import", str(path), "--no-progress"],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=180,
        )
        assert result.returncode == 1
        assert "dòng 3:" in result.stderr
        assert "Tạo mới: 2 · không đổi: 0 · lỗi: 5" in result.stdout
    finally:
        for stall in Stall.objects.filter(slug__startswith="cli-"):
            unit = stall.unit
            stall.delete(force_drop=True)
            unit.delete()

"""Stall coordinates: finite, on the globe and inside Viet Nam, wherever they enter."""

from __future__ import annotations

import math

import pytest
from django.utils import translation
from django_tenants.utils import schema_exists

from tenants.admin import StallAdminForm
from tenants.geography import coordinates_usable, stall_coordinates_problem
from tenants.models import Stall
from tenants.services import ProvisioningError, stall_provision
from tenants.stall_import import read_csv, stall_import
from tests.conftest import _district


@pytest.mark.parametrize(
    ("lat", "lon"),
    [
        (999, 106.37),
        (10.35, 999),
        (math.nan, 106.37),
        (10.35, math.inf),
        (-10.35, 106.37),  # south of the Equator: a sign lost
        (106.37, 10.35),  # swapped
        (48.85, 2.35),  # Paris
        (10.35, None),  # half a pair
    ],
)
def test_impossible_coordinates_have_a_vietnamese_reason(lat, lon):
    with translation.override("vi"):
        problem = stall_coordinates_problem(lat, lon)
    assert problem is not None
    assert "Tọa độ" in problem or "vĩ độ" in problem


@pytest.mark.parametrize(
    ("lat", "lon"),
    [(None, None), (10.35, 106.37), (21.03, 105.85), (8.6, 104.7), (9.9, 114.3)],
)
def test_real_places_in_viet_nam_are_accepted(lat, lon):
    # My Tho, Ha Noi, Ca Mau, and Trường Sa (a school stands there too).
    assert stall_coordinates_problem(lat, lon) is None


def test_usable_means_finite_and_on_the_globe():
    assert coordinates_usable(10.35, 106.37)
    assert not coordinates_usable(math.nan, 106.37)
    assert not coordinates_usable(91, 106.37)
    assert not coordinates_usable(None, 106.37)
    assert not coordinates_usable("abc", 106.37)


@pytest.mark.parametrize(("lat", "lon"), [(999.0, 106.37), (math.nan, 106.37), (10.3, math.inf)])
def test_stall_create_refuses_impossible_coordinates_and_creates_nothing(db, lat, lon):
    with pytest.raises(ProvisioningError) as caught:
        stall_provision(
            slug="thpt-toa-do",
            name="Đoàn trường THPT Tọa Độ",
            parent_unit=_district(),
            latitude=lat,
            longitude=lon,
        )
    assert "Tọa độ" in " ".join(caught.value.messages)
    assert not Stall.objects.filter(slug="thpt-toa-do").exists()
    assert not schema_exists("stall_thpt_toa_do")


def test_stall_create_refuses_a_name_of_invisible_characters(db):
    with pytest.raises(ProvisioningError) as caught:
        stall_provision(slug="thpt-vo-hinh", name="\u200b \u202e", parent_unit=_district())
    assert caught.value.messages == ["Hãy nhập tên gian hàng."]
    assert not Stall.objects.filter(slug="thpt-vo-hinh").exists()


def test_stall_import_reports_impossible_coordinates_by_line(db, tmp_path):
    _district()
    path = tmp_path / "stalls.csv"
    path.write_text(
        "slug,name,parent_unit,commune_code,latitude,longitude,officer_email\n"
        "thpt-nan,Trường NaN,tien-giang/tan-phuoc,,nan,106.37,\n"
        "thpt-999,Trường 999,tien-giang/tan-phuoc,,999,106.37,\n"
        "thpt-inf,Trường Inf,tien-giang/tan-phuoc,,10.3,inf,\n"
        'thpt-tot,Trường Tốt,tien-giang/tan-phuoc,,"10,35",106.37,\n',
        encoding="utf-8",
    )
    report = stall_import(rows=read_csv(path))
    assert [p.stall.slug for p in report.created] == ["thpt-tot"]
    errors = dict(report.errors)
    assert set(errors) == {2, 3, 4}
    assert all("Tọa độ" in message for message in errors.values())
    assert set(Stall.objects.filter(slug__startswith="thpt-").values_list("slug", flat=True)) == {
        "thpt-tot"
    }


def test_platform_admin_form_refuses_a_stall_outside_viet_nam(db):
    form = StallAdminForm(data={"latitude": "48.85", "longitude": "2.35"})
    assert not form.is_valid()
    assert "ngoài Việt Nam" in " ".join(form.errors["latitude"])
    ok = StallAdminForm(data={"latitude": "10.35", "longitude": "106.37"})
    ok.is_valid()
    assert "latitude" not in ok.errors

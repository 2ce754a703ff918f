"""Posters for notice boards: printed with diacritics intact and a QR code that scans."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from tenants.models import Membership
from tests.conftest import host_of, make_user
from tests.reporting.transfer_support import other_district

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not (shutil.which("pdftoppm") and shutil.which("pdftotext")),
        reason="poppler-utils (pdftoppm, pdftotext) is not installed: apt-get install poppler-utils",
    ),
]


def _pages(pdf: bytes, tmp_path: Path) -> list[Image.Image]:
    source = tmp_path / "poster.pdf"
    source.write_bytes(pdf)
    subprocess.run(  # noqa: S603 - fixed arguments, our own file
        ["pdftoppm", "-r", "110", "-png", str(source), str(tmp_path / "page")], check=True
    )
    return [Image.open(path) for path in sorted(tmp_path.glob("page*.png"))]


def _text(pdf: bytes, tmp_path: Path) -> str:
    source = tmp_path / "poster-text.pdf"
    source.write_bytes(pdf)
    result = subprocess.run(  # noqa: S603 - fixed arguments, our own file
        ["pdftotext", "-layout", str(source), "-"], check=True, capture_output=True, text=True
    )
    return result.stdout


def _codes(image: Image.Image) -> list[str]:
    return [found.text for found in zxingcpp.read_barcodes(image)]


def test_a_stalls_poster_carries_its_name_and_a_qr_code_to_its_address(
    stall_factory, client_for, officer_factory, tmp_path
):
    stall = stall_factory(slug="thpt-nguyen-van-tiep", name="Đoàn trường THPT Nguyễn Văn Tiếp")
    client = client_for(stall, user=officer_factory(stall))

    response = client.get("/can-bo/ap-phich.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    (page,) = _pages(response.content, tmp_path)
    assert page.width < page.height  # A4 upright
    assert _codes(page) == [f"http://{host_of(stall)}/"]
    text = _text(response.content, tmp_path)
    for words in (
        "Đoàn trường THPT Nguyễn Văn Tiếp",
        "Gian hàng 0 đồng",
        "Quét mã để vào gian hàng",
        "giày dép",
        "đoàn viên giao tận nơi vào thứ Bảy",
    ):
        assert words in " ".join(text.split()), words


def test_only_the_stalls_officers_print_its_poster(stall_factory, client_for, officer_factory):
    a = stall_factory(slug="truong-a", name="Đoàn trường A")
    b = stall_factory(slug="truong-b", name="Đoàn trường B")
    assert client_for(a).get("/can-bo/ap-phich.pdf").status_code == 302  # to the login page
    assert client_for(a, user=officer_factory(b)).get("/can-bo/ap-phich.pdf").status_code == 403


def test_a_districts_poster_lists_its_stalls_each_with_a_code_and_no_other_district(
    stall_factory, client_for, tmp_path
):
    a = stall_factory(slug="truong-a", name="Đoàn trường THCS Thạnh Hòa")
    b = stall_factory(slug="truong-b", name="Đoàn trường THPT Phước Thạnh")
    stall_factory(slug="truong-c", name="Đoàn trường Cái Bè Xa", parent=other_district())
    district = a.unit.parent
    officer = make_user("huyen@tanphuoc.vn", unit=district, role=Membership.Role.DISTRICT_OFFICER)
    client = client_for(None, user=officer)

    response = client.get(f"/bao-cao/don-vi/{district.pk}/ap-phich.pdf")

    assert response.status_code == 200
    (page,) = _pages(response.content, tmp_path)
    assert sorted(_codes(page)) == sorted([f"http://{host_of(a)}/", f"http://{host_of(b)}/"])
    text = " ".join(_text(response.content, tmp_path).split())
    assert "Huyện Đoàn Tân Phước" in text
    assert "Đoàn trường THCS Thạnh Hòa" in text
    assert "Đoàn trường THPT Phước Thạnh" in text
    assert "Cái Bè Xa" not in text
    other = make_user(
        "huyen@caibe.vn", unit=other_district(), role=Membership.Role.DISTRICT_OFFICER
    )
    assert (
        client_for(None, user=other).get(f"/bao-cao/don-vi/{district.pk}/ap-phich.pdf").status_code
        == 403
    )

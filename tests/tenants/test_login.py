"""One way in for staff: /dang-nhap/ on every host, landing by role, log-out, temporary passwords."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client

from tenants.models import Membership, TemporaryPassword, Unit
from tenants.services import stall_provision, unit_get_or_create
from tests.conftest import host_of, make_user

pytestmark = pytest.mark.django_db

PASSWORD = "mat-khau-dai-123"


def sign_in(client: Client, username: str, password: str = PASSWORD, **extra):
    """Open the login page as a person would, then post its form."""
    page = client.get("/dang-nhap/")
    assert page.status_code == 200
    assert 'name="password"' in page.content.decode()
    return client.post("/dang-nhap/", {"username": username, "password": password, **extra})


def test_every_public_page_links_the_staff_login(stall_a):
    for client, path in [
        (Client(HTTP_HOST="localhost"), "/"),
        (Client(HTTP_HOST=host_of(stall_a)), "/"),
        (Client(HTTP_HOST=host_of(stall_a)), "/hang/"),
        (Client(HTTP_HOST=host_of(stall_a)), "/theo-doi/"),
    ]:
        body = client.get(path).content.decode()
        assert re.search(r'href="/dang-nhap/"[^>]*>Cán bộ đăng nhập<', body), path


def test_login_page_is_vietnamese_on_both_kinds_of_host(stall_a):
    for host in ("localhost", host_of(stall_a)):
        body = Client(HTTP_HOST=host).get("/dang-nhap/").content.decode()
        assert "Cán bộ đăng nhập" in body
        assert "Mật khẩu" in body
        assert "Password" not in body


def test_school_officer_signing_in_on_the_stall_lands_on_the_workspace(stall_a, officer_factory):
    officer = officer_factory(stall_a)
    client = Client(HTTP_HOST=host_of(stall_a))
    response = sign_in(client, officer.username)
    assert response.status_code == 302
    landing = client.get(response["Location"])
    assert landing["Location"] == "/can-bo/"
    home = client.get("/can-bo/")
    assert home.status_code == 200
    assert "Việc cần làm" in home.content.decode()


def test_wrong_password_says_so_in_vietnamese_and_keeps_the_username(stall_a, officer_factory):
    officer = officer_factory(stall_a)
    response = sign_in(Client(HTTP_HOST=host_of(stall_a)), officer.username, "sai-mat-khau")
    body = response.content.decode()
    assert response.status_code == 200
    assert "mật khẩu" in body.lower()
    assert officer.username in body


def test_school_officer_signing_in_on_the_public_host_is_passed_to_the_stall_once(
    stall_a, officer_factory
):
    officer = officer_factory(stall_a)
    public = Client(HTTP_HOST="localhost")
    landing = public.get(sign_in(public, officer.username)["Location"])
    assert landing.status_code == 200
    target = re.search(r'content="0;url=([^"]+)"', landing.content.decode()).group(1)
    assert f'href="{target}"' in landing.content.decode()  # a button too, if the page waits
    assert target.startswith(f"//{host_of(stall_a)}/dang-nhap/chuyen/")
    path = target.split(host_of(stall_a), 1)[1]

    stall_client = Client(HTTP_HOST=host_of(stall_a))
    followed = stall_client.get(path, follow=True)
    assert followed.redirect_chain[-1][0] == "/can-bo/"
    assert "Việc cần làm" in followed.content.decode()

    # The link works once: a copy of it signs nobody in.
    replay = Client(HTTP_HOST=host_of(stall_a))
    again = replay.get(path, follow=True)
    assert "đã hết hạn hoặc đã dùng" in again.content.decode()
    assert replay.get("/can-bo/").status_code == 302


def test_handoff_made_for_one_stall_does_not_open_another(stall_a, stall_b, officer_factory):
    officer = officer_factory(stall_a)
    public = Client(HTTP_HOST="localhost")
    landing = public.get(sign_in(public, officer.username)["Location"]).content.decode()
    target = re.search(r'content="0;url=([^"]+)"', landing).group(1)
    path = target.split(host_of(stall_a), 1)[1]
    other = Client(HTTP_HOST=host_of(stall_b))
    other.get(path)
    assert other.get("/can-bo/").status_code == 302


@pytest.mark.parametrize(
    ("kind", "role"),
    [
        (Unit.Kind.DISTRICT, Membership.Role.DISTRICT_OFFICER),
        (Unit.Kind.PROVINCE, Membership.Role.PROVINCE_OFFICER),
    ],
)
def test_district_and_province_officers_land_on_their_dashboard(stall_a, kind, role):
    unit = stall_a.unit.parent if kind == Unit.Kind.DISTRICT else stall_a.unit.parent.parent
    officer = make_user(f"{role}@example.vn", unit=unit, role=role)
    client = Client(HTTP_HOST="localhost")
    response = client.get(sign_in(client, officer.username)["Location"])
    assert response["Location"] == f"/bao-cao/don-vi/{unit.pk}/"
    dashboard = client.get(response["Location"])
    assert dashboard.status_code == 200
    assert unit.name in dashboard.content.decode()


def test_platform_admin_lands_on_the_platform_admin(db):
    admin = make_user("quantri@example.vn", is_superuser=True, is_staff=True)
    client = Client(HTTP_HOST="localhost")
    response = client.get(sign_in(client, admin.username)["Location"])
    assert response["Location"] == "/quan-tri/"
    assert client.get("/quan-tri/").status_code == 200


def test_old_login_addresses_lead_to_the_staff_login(stall_a, officer_factory):
    client = Client(HTTP_HOST=host_of(stall_a))
    assert client.get("/accounts/login/?next=/can-bo/")["Location"] == "/dang-nhap/?next=/can-bo/"
    assert client.get("/quan-tri/login/")["Location"].startswith("/dang-nhap/")
    assert client.get("/quan-tri/", follow=True).redirect_chain[-1][0].startswith("/dang-nhap/")
    public = Client(HTTP_HOST="localhost")
    assert public.get("/quan-tri/login/")["Location"].startswith("/dang-nhap/")


def test_the_stall_admin_is_for_platform_admins_only(stall_a, officer_factory):
    officer = officer_factory(stall_a)
    client = Client(HTTP_HOST=host_of(stall_a))
    sign_in(client, officer.username)
    response = client.get("/quan-tri/", follow=True)
    assert response.redirect_chain[-1][0] == "/can-bo/"
    assert client.get("/quan-tri/catalog/order/").status_code == 302


def test_log_out_needs_a_post_and_then_the_workspace_is_closed(stall_a, officer_factory):
    officer = officer_factory(stall_a)
    client = Client(HTTP_HOST=host_of(stall_a))
    sign_in(client, officer.username)
    assert client.get("/dang-xuat/").status_code == 405
    assert client.get("/can-bo/").status_code == 200
    assert client.post("/dang-xuat/").status_code == 302
    assert client.get("/can-bo/")["Location"].startswith("/dang-nhap/")


@pytest.fixture
def back_to_public():
    """The test client's requests on a stall host leave the shared connection in its schema."""
    yield
    connection.set_schema_to_public()


def test_first_login_with_a_temporary_password_must_set_a_new_one(db, back_to_public):
    district = unit_get_or_create(kind=Unit.Kind.DISTRICT, name="Huyện Đoàn Cái Bè", code="cai-be")
    made = stall_provision(
        slug="truong-tam", name="Đoàn trường Tạm", parent_unit=district,
        officer_email="moi@example.vn",
    )  # fmt: skip
    assert TemporaryPassword.objects.filter(user__username="moi@example.vn").exists()
    client = Client(HTTP_HOST=made.domain)
    response = sign_in(client, made.officer_username, made.officer_password)
    assert response["Location"] == "/dang-nhap/mat-khau-moi/"
    # Nothing else opens until the password is replaced.
    assert client.get("/can-bo/")["Location"] == "/dang-nhap/mat-khau-moi/"
    weak = client.post("/dang-nhap/mat-khau-moi/", {"new_password1": "123", "new_password2": "123"})
    assert weak.status_code == 200
    assert "Mật khẩu" in weak.content.decode()
    done = client.post(
        "/dang-nhap/mat-khau-moi/",
        {"new_password1": "Hoa-phuong-do-2025", "new_password2": "Hoa-phuong-do-2025"},
        follow=True,
    )
    assert done.redirect_chain[-1][0] == "/can-bo/"
    assert "Đã đổi mật khẩu" in done.content.decode()
    assert not TemporaryPassword.objects.filter(user__username="moi@example.vn").exists()
    fresh = Client(HTTP_HOST=made.domain)
    assert sign_in(fresh, made.officer_username, "Hoa-phuong-do-2025")["Location"] != (
        "/dang-nhap/mat-khau-moi/"
    )

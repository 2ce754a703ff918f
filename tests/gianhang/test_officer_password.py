"""An officer gives another officer of the same stall a temporary password from the workspace."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from privacy.models import AccessLog
from tenants.models import Membership, TemporaryPassword
from tenants.services import membership_grant
from tests.conftest import host_of, in_stall, make_user
from tests.tenants.test_login import PASSWORD, sign_in

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Hoa-phuong-do-2026"


def _colleague(stall, username="ban-lan@example.vn"):
    return make_user(username, unit=stall.unit, role=Membership.Role.SCHOOL_OFFICER)


def _signed_in(stall, user) -> Client:
    client = Client(HTTP_HOST=host_of(stall))
    assert sign_in(client, user.username).status_code == 302
    return client


def _issue(client: Client, user_id: int) -> str:
    response = client.post(f"/can-bo/cai-dat/can-bo/{user_id}/mat-khau-tam/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    match = re.search(r'<code id="mat-khau-tam">([^<]+)</code>', response.content.decode())
    assert match, response.content.decode()[:2000]
    return match.group(1)


def test_officer_resets_a_colleague_who_signs_in_sets_a_new_one_and_lands_on_the_workspace(
    stall_a, officer_factory
):
    officer = officer_factory(stall_a)
    colleague = _colleague(stall_a)
    client = _signed_in(stall_a, officer)
    # Reached from the settings page, as a person would.
    settings_page = client.get("/can-bo/cai-dat/").content.decode()
    assert 'href="/can-bo/cai-dat/can-bo/"' in settings_page
    listing = client.get("/can-bo/cai-dat/can-bo/").content.decode()
    assert colleague.username in listing
    assert f'href="/can-bo/cai-dat/can-bo/{colleague.pk}/mat-khau-tam/"' in listing
    assert f'href="/can-bo/cai-dat/can-bo/{officer.pk}/mat-khau-tam/"' not in listing
    confirm = client.get(f"/can-bo/cai-dat/can-bo/{colleague.pk}/mat-khau-tam/")
    assert confirm.status_code == 200
    assert 'id="mat-khau-tam"' not in confirm.content.decode()  # asking changes nothing
    assert not TemporaryPassword.objects.filter(user=colleague).exists()

    temporary = _issue(client, colleague.pk)
    assert TemporaryPassword.objects.filter(user=colleague).exists()

    # The colleague's old password no longer opens anything.
    old = Client(HTTP_HOST=host_of(stall_a))
    assert sign_in(old, colleague.username, PASSWORD).status_code == 200
    # With the temporary one, the real login form sends them to set their own first.
    them = Client(HTTP_HOST=host_of(stall_a))
    response = sign_in(them, colleague.username, temporary)
    assert response["Location"] == "/dang-nhap/mat-khau-moi/"
    assert them.get("/can-bo/")["Location"] == "/dang-nhap/mat-khau-moi/"
    done = them.post(
        "/dang-nhap/mat-khau-moi/",
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert done.redirect_chain[-1][0] == "/can-bo/"
    assert "Việc cần làm" in done.content.decode()
    assert not TemporaryPassword.objects.filter(user=colleague).exists()
    # The temporary password is spent: only the new one works now.
    assert (
        sign_in(Client(HTTP_HOST=host_of(stall_a)), colleague.username, temporary).status_code
        == 200
    )
    assert (
        sign_in(Client(HTTP_HOST=host_of(stall_a)), colleague.username, NEW_PASSWORD)["Location"]
        != "/dang-nhap/mat-khau-moi/"
    )


def test_the_stall_reads_who_gave_whom_a_temporary_password_in_its_log(stall_a, officer_factory):
    officer = officer_factory(stall_a)
    colleague = _colleague(stall_a)
    client = _signed_in(stall_a, officer)
    temporary = _issue(client, colleague.pk)
    with in_stall(stall_a):
        line = AccessLog.objects.get(object_type="tenants.temporarypassword")
    assert (line.username, line.action, line.object_id) == (
        officer.username,
        AccessLog.Action.CHANGE,
        colleague.username,
    )
    log_page = client.get("/can-bo/bao-mat/nhat-ky/").content.decode()
    assert f"mật khẩu tạm #{colleague.username}" in log_page
    assert temporary not in log_page  # the password itself is never kept for reading


def test_never_for_oneself_another_stalls_officer_or_a_wider_account(
    stall_a, stall_b, officer_factory
):
    officer = officer_factory(stall_a)
    elsewhere = officer_factory(stall_b)
    wider = _colleague(stall_a, "huyen-va-truong@example.vn")
    membership_grant(user=wider, unit=stall_a.unit.parent, role=Membership.Role.DISTRICT_OFFICER)
    two_stalls = _colleague(stall_a, "hai-truong@example.vn")
    membership_grant(user=two_stalls, unit=stall_b.unit, role=Membership.Role.SCHOOL_OFFICER)
    admin = _colleague(stall_a, "quan-tri@example.vn")
    admin.is_superuser = True
    admin.save()
    client = _signed_in(stall_a, officer)
    before = {u.pk: u.password for u in get_user_model().objects.all()}
    for target in (officer, elsewhere, wider, two_stalls, admin):
        for method in (client.get, client.post):
            response = method(f"/can-bo/cai-dat/can-bo/{target.pk}/mat-khau-tam/")
            assert response.status_code == 404, (target.username, method)
    assert client.post("/can-bo/cai-dat/can-bo/999999/mat-khau-tam/").status_code == 404
    assert {u.pk: u.password for u in get_user_model().objects.all()} == before
    assert not TemporaryPassword.objects.exists()
    listing = client.get("/can-bo/cai-dat/can-bo/").content.decode()
    assert elsewhere.username not in listing  # another stall's officers are not listed
    assert wider.username in listing
    assert "còn làm việc ở đơn vị khác" in listing
    with in_stall(stall_a):
        assert not AccessLog.objects.filter(object_type="tenants.temporarypassword").exists()


def test_only_this_stalls_officers_open_the_page(stall_a, stall_b, officer_factory):
    colleague = _colleague(stall_a)
    anonymous = Client(HTTP_HOST=host_of(stall_a))
    answer = anonymous.post(f"/can-bo/cai-dat/can-bo/{colleague.pk}/mat-khau-tam/")
    assert answer["Location"].startswith("/dang-nhap/")
    outsider = officer_factory(stall_b)
    client = Client(HTTP_HOST=host_of(stall_a))
    sign_in(client, outsider.username)
    for url in ("/can-bo/cai-dat/can-bo/", f"/can-bo/cai-dat/can-bo/{colleague.pk}/mat-khau-tam/"):
        assert client.get(url).status_code in (302, 403), url
    assert client.post(f"/can-bo/cai-dat/can-bo/{colleague.pk}/mat-khau-tam/").status_code in (
        302,
        403,
    )
    assert not TemporaryPassword.objects.exists()

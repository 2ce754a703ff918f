"""Who gets into a stall's staff pages, and sessions that stay on their own host."""

from tenants.models import Membership
from tests.conftest import make_user


def test_an_officer_of_a_gets_into_a_workspace(stall_a, officer_factory, client_for):
    officer = officer_factory(stall_a)
    response = client_for(stall_a, officer).get("/can-bo/")
    assert response.status_code == 200
    assert stall_a.name in response.content.decode()


def test_an_officer_of_a_is_kept_out_of_the_django_admin(stall_a, officer_factory, client_for):
    client = client_for(stall_a, officer_factory(stall_a))
    response = client.get("/quan-tri/", follow=True)
    assert response.redirect_chain[-1][0] == "/can-bo/"


def test_an_officer_of_a_is_refused_on_b_with_no_data(
    stall_a, stall_b, officer_factory, client_for
):
    officer = officer_factory(stall_a)
    client = client_for(stall_b, officer)  # logs in on B's host with A's account
    for url in ("/quan-tri/", "/can-bo/", "/can-bo/don-hang/"):
        response = client.get(url)
        assert response.status_code in (302, 403, 404), url
        assert stall_a.name not in response.content.decode()


def test_a_session_made_on_a_is_not_accepted_on_b(stall_a, stall_b, officer_factory, client_for):
    officer = officer_factory(stall_a)
    client_a = client_for(stall_a, officer)
    client_b = client_for(stall_b)
    client_b.cookies = client_a.cookies  # a copied cookie
    response = client_b.get("/quan-tri/")
    assert response.status_code == 302
    assert "/quan-tri/login/" in response["Location"]


def test_district_officer_does_not_get_into_a_school_stall(stall_a, client_for):
    district = stall_a.unit.parent
    officer = make_user("huyen@example.vn", unit=district, role=Membership.Role.DISTRICT_OFFICER)
    response = client_for(stall_a, officer).get("/quan-tri/")
    assert response.status_code == 302  # to the admin login: no staff access


def test_stall_officer_cannot_use_the_platform_admin(stall_a, officer_factory, client_for):
    officer = officer_factory(stall_a)
    response = client_for(None, officer).get("/quan-tri/")
    assert response.status_code == 302


def test_login_is_locked_after_repeated_failures(stall_a, officer_factory, client_for):
    officer = officer_factory(stall_a)
    client = client_for(stall_a)
    for _ in range(5):
        client.post("/accounts/login/", {"username": officer.username, "password": "sai"})
    response = client.post(
        "/accounts/login/", {"username": officer.username, "password": "mat-khau-dai-123"}
    )
    assert response.status_code == 429
    assert "Tạm khóa" in response.content.decode()


def test_stall_home_shows_its_name_and_unit(stall_a, client_for):
    response = client_for(stall_a).get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert stall_a.name in body


def test_an_unknown_stall_host_is_404(db, client_for):
    from django.test import Client

    response = Client(HTTP_HOST="khong-co.localhost").get("/")
    assert response.status_code == 404

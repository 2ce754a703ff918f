"""One client address for every limit and log: the proxy's word only when it is the peer."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from core.client_address import client_ip, trusted_networks_parse
from tests.conftest import host_of

PROXY = "10.0.0.5"


def _request(remote: str, forwarded: str | None = None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return SimpleNamespace(META=meta)


@pytest.fixture
def behind_proxy(settings):
    settings.GIANHANG_TRUSTED_PROXIES = [PROXY, "172.30.80.0/24"]
    return settings


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.GIANHANG_TRUSTED_PROXIES = []
    assert client_ip(_request("198.51.100.7", "203.0.113.9")) == "198.51.100.7"


def test_behind_the_proxy_the_address_it_saw_is_the_client(behind_proxy):
    assert client_ip(_request(PROXY, "198.51.100.7")) == "198.51.100.7"


def test_a_visitor_talking_to_the_app_directly_cannot_choose_its_address(behind_proxy):
    assert client_ip(_request("198.51.100.7", "203.0.113.9")) == "198.51.100.7"


def test_what_the_visitor_wrote_before_the_proxy_appended_is_ignored(behind_proxy):
    # The visitor sent "X-Forwarded-For: 203.0.113.9"; a proxy that appends adds the real one.
    assert client_ip(_request(PROXY, "203.0.113.9, 198.51.100.7")) == "198.51.100.7"


def test_a_chain_of_trusted_proxies_is_walked_from_the_right(behind_proxy):
    assert client_ip(_request(PROXY, "203.0.113.9, 198.51.100.7, 172.30.80.2")) == "198.51.100.7"


def test_garbage_in_the_header_stops_the_walk(behind_proxy):
    assert client_ip(_request(PROXY, "198.51.100.7, not-an-ip")) == PROXY


def test_ports_brackets_and_mapped_addresses_are_read(behind_proxy):
    assert client_ip(_request(PROXY, "198.51.100.7:51234")) == "198.51.100.7"
    assert client_ip(_request(PROXY, "[2001:db8::7]:443")) == "2001:db8::7"
    assert client_ip(_request("::ffff:10.0.0.5", "198.51.100.7")) == "198.51.100.7"


def test_no_address_at_all_is_unknown(behind_proxy):
    assert client_ip(SimpleNamespace(META={})) == "unknown"


def test_a_wrong_trusted_proxy_entry_stops_start_up():
    with pytest.raises(ImproperlyConfigured, match="GIANHANG_TRUSTED_PROXIES"):
        trusted_networks_parse(["127.0.0.1", "proxy.local"])


def test_proxy_headers_from_anyone_else_are_dropped_before_django_reads_them(
    behind_proxy, stall_a, caplog
):
    behind_proxy.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    behind_proxy.SECURE_SSL_REDIRECT = True
    host = host_of(stall_a)
    direct = Client(
        HTTP_HOST=host,
        REMOTE_ADDR="198.51.100.7",
        HTTP_X_FORWARDED_PROTO="https",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    with caplog.at_level(logging.INFO, logger="gianhang.access"):
        assert direct.get("/healthz").status_code == 301  # not believed: sent to HTTPS
        proxied = Client(
            HTTP_HOST=host,
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_PROTO="https",
            HTTP_X_FORWARDED_FOR="198.51.100.8",
        )
        assert proxied.get("/healthz").status_code == 200
    logged = [r.client_ip for r in caplog.records if r.name == "gianhang.access"]
    assert logged == ["198.51.100.7", "198.51.100.8"]


def _login(client: Client, username: str, password: str):
    client.get("/accounts/login/")
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_wrong_passwords_from_one_address_leave_an_officer_elsewhere_signed_in(
    behind_proxy, stall_a, officer_factory
):
    officer = officer_factory(stall_a)
    host = host_of(stall_a)
    attacker = Client(HTTP_HOST=host, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.66")
    for n in range(5):
        _login(attacker, officer.username, f"sai-{n}")
    assert _login(attacker, officer.username, "mat-khau-dai-123").status_code == 429
    colleague = Client(HTTP_HOST=host, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.77")
    signed_in = _login(colleague, officer.username, "mat-khau-dai-123")
    assert signed_in.status_code == 302
    assert colleague.session.get("_auth_user_id") == str(officer.pk)

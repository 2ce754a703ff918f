"""Hardening: tenant-aware cache and media, security headers, no-store, production settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache

from tests.conftest import in_stall

ROOT = Path(__file__).resolve().parents[2]


def test_cache_keys_of_two_stalls_never_collide(stall_a, stall_b):
    with in_stall(stall_a):
        key_a = cache.make_key("trang-chu")
        cache.set("trang-chu", "noi-dung-cua-A", 60)
    with in_stall(stall_b):
        key_b = cache.make_key("trang-chu")
        assert cache.get("trang-chu") is None
        cache.set("trang-chu", "noi-dung-cua-B", 60)
    with in_stall(stall_a):
        assert cache.get("trang-chu") == "noi-dung-cua-A"
        cache.delete("trang-chu")
    with in_stall(stall_b):
        cache.delete("trang-chu")
    assert key_a != key_b
    assert stall_a.schema_name in key_a
    assert stall_b.schema_name in key_b


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _write_media(root: Path, schema: str) -> str:
    folder = root / schema / "items"
    folder.mkdir(parents=True)
    (folder / "ao.txt").write_text("anh-cua-truong-a")
    return f"/media/{schema}/items/ao.txt"


def test_media_of_a_is_served_on_a_host(stall_a, media_root, client_for):
    url = _write_media(media_root, stall_a.schema_name)
    response = client_for(stall_a).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"anh-cua-truong-a"


def test_media_of_a_is_not_served_on_b_host(stall_a, stall_b, media_root, client_for):
    url = _write_media(media_root, stall_a.schema_name)
    response = client_for(stall_b).get(url)
    assert response.status_code == 404
    assert b"anh-cua-truong-a" not in response.content


def test_media_path_cannot_climb_out_of_the_stall_folder(stall_a, stall_b, media_root, client_for):
    _write_media(media_root, stall_b.schema_name)
    url = f"/media/{stall_a.schema_name}/../{stall_b.schema_name}/items/ao.txt"
    response = client_for(stall_a).get(url)
    assert response.status_code == 404


def test_pages_carry_security_headers(stall_a, client_for):
    response = client_for(stall_a).get("/bao-mat/thong-bao/")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_script_or_style(stall_a, client_for):
    body = client_for(stall_a).get("/bao-mat/thong-bao/").content.decode()
    assert "<script>" not in body
    assert "style=" not in body
    assert "<style" not in body


def test_staff_pages_are_never_stored(stall_a, officer_factory, client_for):
    client = client_for(stall_a, officer_factory(stall_a))
    for url in (
        "/can-bo/",
        "/can-bo/don-hang/",
        "/can-bo/bao-mat/yeu-cau/",
        "/can-bo/bao-mat/nhat-ky/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url


def test_recipient_privacy_pages_are_never_stored(stall_a, client_for):
    response = client_for(stall_a).get("/bao-mat/du-lieu-cua-toi/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_anonymous_public_pages_stay_cacheable(stall_a, client_for):
    response = client_for(stall_a).get("/bao-mat/thong-bao/")
    assert "no-store" not in response.get("Cache-Control", "")


# --- Production settings, each loaded in a fresh interpreter -----------------------------

STRONG = {
    "SECRET_KEY": "kQ9z-Tw3" * 8,
    "GIANHANG_PHONE_HASH_SALT": "s" * 32,
    "GIANHANG_SKETCH_KEY": "k" * 32,
}


def _env(**extra) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "GIANHANG_TESTING", "GIANHANG_DEMO", "SECRET_KEY", "GIANHANG_ENV"}
    }
    env.update(DJANGO_SETTINGS_MODULE="gianhang.settings", **extra)
    return env


def _run(code: str, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT / "platform",
        timeout=120,
    )


def test_production_turns_on_hsts_and_secure_cookies():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SESSION_COOKIE_DOMAIN, s.CSRF_COOKIE_DOMAIN, s.DEBUG)"
    )
    result = _run(code, _env(GIANHANG_ENV="production", **STRONG))
    assert result.returncode == 0, result.stderr
    hsts, subdomains, session_secure, csrf_secure, redirect, s_dom, c_dom, debug = (
        result.stdout.split()
    )
    assert int(hsts) >= 60 * 60 * 24 * 365
    assert (subdomains, session_secure, csrf_secure, redirect) == ("True",) * 4
    assert (s_dom, c_dom, debug) == ("None", "None", "False")


@pytest.mark.parametrize("flag", ["DEBUG", "GIANHANG_DEMO", "GIANHANG_TESTING"])
def test_explicit_production_refuses_to_start_in_debug_mode(flag):
    result = _run(
        "import django; django.setup()", _env(GIANHANG_ENV="production", **STRONG, **{flag: "1"})
    )
    assert result.returncode != 0
    assert "GIANHANG_ENV=production refuses DEBUG" in result.stderr


def test_production_takes_its_secret_key_from_the_environment_only():
    result = _run("import django; django.setup()", _env(GIANHANG_ENV="production"))
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


@pytest.mark.slow
def test_check_deploy_reports_nothing_above_info():
    result = subprocess.run(
        [sys.executable, "-m", "gianhang.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=_env(GIANHANG_ENV="production", **STRONG),
        capture_output=True,
        text=True,
        cwd=ROOT / "platform",
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stderr
    assert "ERRORS" not in result.stderr


def test_production_refuses_a_key_django_would_flag_as_weak():
    result = _run(
        "import django; django.setup()",
        _env(
            GIANHANG_ENV="production",
            SECRET_KEY="ab" * 40,
            GIANHANG_PHONE_HASH_SALT="s" * 32,
            GIANHANG_SKETCH_KEY="k" * 32,
        ),
    )
    assert result.returncode != 0
    assert "SECRET_KEY is too weak" in result.stderr


def test_order_tracking_answers_are_never_stored(stall_a, client_for, fresh_limits):
    fresh_limits(stall_a)
    response = client_for(stall_a).get("/api/v1/orders/ABCD-1234/", {"phone_last4": "1234"})
    assert response.status_code == 404
    assert "no-store" in response["Cache-Control"]

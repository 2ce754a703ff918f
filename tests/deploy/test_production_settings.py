"""Production settings: `check --deploy` is clean, and logs are JSON lines with the schema."""

from __future__ import annotations

import json
import subprocess

from tests.deploy.conftest import GIANHANG, ROOT, production_env


def _gianhang(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [GIANHANG, *args],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_check_deploy():
    result = _gianhang("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stderr + result.stdout
    assert "ERRORS" not in result.stderr + result.stdout


def test_check_deploy_fails_when_https_is_switched_off():
    # The check above can fail: with the redirect off Django reports security.W008.
    env = production_env(GIANHANG_SSL_REDIRECT="0")
    result = _gianhang("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "security.W008" in result.stderr


def test_production_log_lines_are_json_with_the_schema():
    code = (
        "import logging; from django.db import connection; "
        "logging.getLogger('gianhang.test').warning('xin chào %s', 'Tiền Giang', "
        "extra={'order_id': 42})"
    )
    result = _gianhang("shell", "-c", code, env=production_env())
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    entry = next(e for e in lines if e["logger"] == "gianhang.test")
    assert entry["schema"] == "public"
    assert entry["message"] == "xin chào Tiền Giang"
    assert entry["level"] == "WARNING"
    assert entry["order_id"] == 42


def _proxy_settings(**extra: str) -> str:
    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_PROXY_SSL_HEADER, s.GIANHANG_TRUSTED_PROXIES, s.AXES_CLIENT_IP_CALLABLE)"
    )
    result = _gianhang("shell", "-v", "0", "-c", code, env=production_env(**extra))
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_proxy_ssl_header_is_believed_only_behind_a_trusted_proxy():
    assert _proxy_settings().startswith("None [] ")
    behind = _proxy_settings(GIANHANG_TRUSTED_PROXIES="127.0.0.1, 172.30.80.10")
    assert behind == (
        "('HTTP_X_FORWARDED_PROTO', 'https') ['127.0.0.1', '172.30.80.10'] "
        "core.client_address.client_ip"
    )


def test_a_wrong_trusted_proxy_stops_start_up_in_one_line():
    result = _gianhang("check", env=production_env(GIANHANG_TRUSTED_PROXIES="caddy"))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "gianhang: GIANHANG_TRUSTED_PROXIES: 'caddy' is not an IP address or network "
        "(e.g. 127.0.0.1 or 172.30.80.0/24)."
    ]

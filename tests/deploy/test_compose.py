"""The production compose file, image and proxy: everything a province deployment needs."""

from __future__ import annotations

import re

import pytest
import yaml

from tests.deploy.conftest import DEPLOY, ROOT

NEEDED = {
    "postgres",
    "pgbouncer",
    "redis",
    "cache",
    "migrate",
    "web",
    "worker",
    "beat",
    "proxy",
    "flower",
}
APP = ("migrate", "web", "worker", "beat")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text(encoding="utf-8"))


def _command(service: dict) -> str:
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else command


def test_compose_names_every_service_a_province_needs(compose):
    assert set(compose["services"]) >= NEEDED


def test_every_long_running_service_has_a_health_check(compose):
    for name, service in compose["services"].items():
        if name == "migrate":
            assert service["restart"] == "no"
            continue
        assert service.get("healthcheck", {}).get("test"), f"{name} has no healthcheck"


def test_web_health_check_asks_readyz_and_the_proxy_checks_healthz(compose):
    assert "readyz" in " ".join(compose["services"]["web"]["healthcheck"]["test"])
    caddyfile = (DEPLOY / "caddy" / "Caddyfile").read_text(encoding="utf-8")
    assert "health_uri /healthz" in caddyfile


def test_redis_is_a_queue_that_never_evicts_and_keeps_an_append_only_file(compose):
    redis = compose["services"]["redis"]
    assert redis["command"][:2] == ["redis-server", "/usr/local/etc/redis/redis.conf"]
    assert "./redis/redis.conf:/usr/local/etc/redis/redis.conf:ro" in redis["volumes"]
    conf = (DEPLOY / "redis" / "redis.conf").read_text(encoding="utf-8")
    assert re.search(r"^maxmemory-policy noeviction$", conf, re.MULTILINE)
    assert re.search(r"^appendonly yes$", conf, re.MULTILINE)


def test_cache_has_its_own_redis_that_evicts_so_the_queue_never_fills_with_pages(compose):
    command = compose["services"]["cache"]["command"]
    assert command[command.index("--maxmemory-policy") + 1] == "allkeys-lru"
    assert command[command.index("--appendonly") + 1] == "no"
    for name in APP:
        env = compose["services"][name]["environment"]
        assert env["GIANHANG_CACHE_URL"].startswith("redis://cache:"), name
        assert env["REDIS_URL"].startswith("redis://redis:"), name


def test_app_reaches_postgres_through_pgbouncer_in_session_mode(compose):
    for name in APP:
        url = compose["services"][name]["environment"]["DATABASE_URL"]
        assert "@pgbouncer:6432/" in url, name
    policy = (DEPLOY / "pgbouncer" / "pgbouncer.ini").read_text(encoding="utf-8")
    assert re.search(r"^pool_mode = session$", policy, re.MULTILINE)
    # The container includes the same policy file the native stack includes.
    entrypoint = (DEPLOY / "pgbouncer" / "entrypoint.sh").read_text(encoding="utf-8")
    assert "%include /etc/pgbouncer/pgbouncer.ini" in entrypoint
    dockerfile = (DEPLOY / "pgbouncer" / "Dockerfile").read_text(encoding="utf-8")
    assert "COPY --chmod=0644 pgbouncer.ini /etc/pgbouncer/pgbouncer.ini" in dockerfile


def test_app_services_run_the_project_commands(compose):
    services = compose["services"]
    assert _command(services["migrate"]) == "gianhang bootstrap"
    assert _command(services["web"]).startswith("gunicorn gianhang.wsgi")
    assert _command(services["worker"]).startswith("gianhang celery worker")
    assert _command(services["beat"]).startswith("gianhang celery beat")
    assert "--scheduler=gianhang.beat.ReconnectingPersistentScheduler" in _command(services["beat"])


def test_web_worker_and_beat_start_only_after_migrations_succeeded(compose):
    for name in ("web", "worker", "beat"):
        depends = compose["services"][name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully", name


def test_proxy_serves_the_base_domain_and_every_stall_subdomain_with_tls(compose):
    caddyfile = (DEPLOY / "caddy" / "Caddyfile").read_text(encoding="utf-8")
    assert "{$GIANHANG_BASE_DOMAIN}, *.{$GIANHANG_BASE_DOMAIN} {" in caddyfile
    assert "reverse_proxy {$GIANHANG_UPSTREAM:web:8000}" in caddyfile
    assert "dns {$CADDY_DNS_PROVIDER}" in caddyfile
    assert "import tls_{$CADDY_TLS:dns}" in caddyfile  # DNS-01 unless told otherwise
    assert {"80:80", "443:443"} <= set(compose["services"]["proxy"]["ports"])


def test_flower_is_optional_and_not_exposed_to_the_internet(compose):
    flower = compose["services"]["flower"]
    assert flower["profiles"] == ["monitoring"]
    assert all(port.startswith("127.0.0.1:") for port in flower["ports"])
    assert "-E" in compose["services"]["worker"]["command"]


def test_app_image_installs_from_pyproject_runs_as_non_root_and_collects_static():
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert "RUN pip install ." in dockerfile
    assert "collectstatic --noinput" in dockerfile
    users = re.findall(r"^USER (\S+)$", dockerfile, re.MULTILINE)
    assert users
    assert users[-1] not in {"root", "0"}
    for copied in re.findall(r"^COPY (\S+) \./\1$", dockerfile, re.MULTILINE):
        assert (ROOT / copied).exists(), copied


def _example_keys() -> set[str]:
    text = (DEPLOY / ".env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^([A-Z][A-Z0-9_]*)=", text, re.MULTILINE))


def test_env_example_explains_every_variable_the_compose_file_needs():
    text = (DEPLOY / "docker-compose.yml").read_text(encoding="utf-8")
    used = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", text))
    assert used - _example_keys() == set()


def test_env_example_explains_every_variable_the_settings_read():
    settings_py = (ROOT / "platform" / "gianhang" / "settings.py").read_text(encoding="utf-8")
    read = set(re.findall(r"env(?:_bool|_int|_list)?\(\s*\"([A-Z][A-Z0-9_]*)\"", settings_py))
    # Set by compose itself (DATABASE_URL, REDIS_URL) or meaningless in production.
    not_for_production = {
        "DATABASE_URL",
        "REDIS_URL",
        "DEBUG",
        "GIANHANG_DEMO",
        "GIANHANG_TESTING",
        "GIANHANG_TEST_DATABASE",
        "GIANHANG_LOCAL",
        "GIANHANG_COLLECTED_STATIC",
    }
    assert read - not_for_production - _example_keys() == set()


def test_every_setting_in_the_env_example_has_an_explanation_above_it():
    lines = (DEPLOY / ".env.example").read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        if re.match(r"^[A-Z][A-Z0-9_]*=", line):
            above = lines[number - 1]
            assert above.startswith("#") or re.match(r"^[A-Z][A-Z0-9_]*=", above), line


def test_the_app_trusts_exactly_the_proxys_fixed_address(compose):
    proxy_address = compose["services"]["proxy"]["networks"]["default"]["ipv4_address"]
    for name in APP:
        trusted = compose["services"][name]["environment"]["GIANHANG_TRUSTED_PROXIES"]
        # The proxy, and the container's own loopback (deploy/healthcheck.py asks from there).
        assert trusted.split(",") == [proxy_address, "127.0.0.1"], name
    caddyfile = (DEPLOY / "caddy" / "Caddyfile").read_text(encoding="utf-8")
    # Caddy itself trusts no one in front of it: it overwrites any X-Forwarded-For.
    assert "trusted_proxies" not in caddyfile.split("# Client addresses")[1].split("{", 1)[1]


def test_web_runs_with_the_shared_gunicorn_settings(compose):
    command = _command(compose["services"]["web"])
    assert "--config=/app/deploy/gunicorn.conf.py" in command
    assert "--forwarded-allow-ips=*" not in command
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert "COPY deploy/gunicorn.conf.py ./deploy/gunicorn.conf.py" in dockerfile

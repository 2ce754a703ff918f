"""The README as a newcomer reads it: `make demo` in one terminal, its commands in another.

Every ``$ command`` of the README's ``console`` blocks runs as written, in order, from the
repository, on a fresh data folder with the embedded servers, while `make demo` runs beside
it; each exits 0 and prints the lines written under it. Every address the demo's banner
prints answers 200 for the account printed beside it (signing in through the page's own
form), and so does every address the README names. Ctrl-C then stops everything.
"""

from __future__ import annotations

import gzip
import http.client
import os
import re
import shlex
import signal
import subprocess
import threading
import time
from html import unescape
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

import pytest

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
DEMO_PASSWORD = "demo-gianhang-0d"
README_PORT = "8000"

pytestmark = pytest.mark.slow


def readme_console_commands(text: str) -> list[tuple[str, list[str]]]:
    """(command, lines it must print) for each ``$`` line of the README's console blocks."""
    commands: list[tuple[str, list[str]]] = []
    for block in re.findall(r"```console\n(.*?)```", text, flags=re.DOTALL):
        for line in block.splitlines():
            if line.startswith("$ "):
                commands.append((line[2:].strip(), []))
            elif line.strip() and commands:
                commands[-1][1].append(line.strip())
    return commands


def readme_sh_commands(text: str) -> list[str]:
    """The commands of the README's ``sh`` blocks (comments stripped)."""
    found = []
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.DOTALL):
        for line in block.splitlines():
            command = line.split("#", 1)[0].strip()
            if command:
                found.append(command)
    return found


def readme_addresses(text: str) -> list[str]:
    return sorted(set(re.findall(r"http://[a-z0-9.-]*localhost:8000/[^\s`)>\"]*", text)))


def test_readme_blocks_are_found():
    """The parser sees the README's commands (a README with none would test nothing)."""
    text = README.read_text()
    assert readme_sh_commands(text) == ["make demo", "make test"]
    commands = readme_console_commands(text)
    assert len(commands) >= 8
    assert all(command.startswith(".venv/bin/gianhang ") for command, _lines in commands)
    assert all(lines for _command, lines in commands), "every command says what it prints"


class HostClient:
    """A browser-like client for one host of the demo: cookies, forms, redirects."""

    def __init__(self, port: int, host: str):
        self.port, self.host = port, host
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Host": f"{self.host}:{self.port}", "Accept-Language": "vi"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        content = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        conn.close()
        return response.status, response.getheader("Location"), content

    def follow(self, method: str, path: str, body: dict | None = None):
        status, location, content = self.request(method, path, body)
        hops = 0
        while status in (301, 302, 303) and location and hops < 5:
            target = urlsplit(urljoin(f"http://{self.host}:{self.port}{path}", location))
            assert target.hostname == self.host, f"redirected to another host: {location}"
            path = target.path + (f"?{target.query}" if target.query else "")
            status, location, content = self.request("GET", path)
            hops += 1
        return status, path, content


def _hidden_inputs(form: str) -> dict[str, str]:
    fields = {}
    for tag in re.findall(r"<input[^>]*>", form):
        if 'type="hidden"' in tag:
            name = re.search(r'name="([^"]+)"', tag)
            value = re.search(r'value="([^"]*)"', tag)
            if name:
                fields[name.group(1)] = unescape(value.group(1)) if value else ""
    return fields


def fetch_as(port: int, url: str, username: str | None) -> tuple[int, str, str]:
    """GET the address; when it shows a login form, sign in there as the person would."""
    parts = urlsplit(url)
    client = HostClient(port, parts.hostname or "localhost")
    status, path, content = client.follow("GET", parts.path or "/")
    if username and 'type="password"' in content:
        forms = re.findall(r"<form[^>]*>.*?</form>", content, flags=re.DOTALL | re.I)
        form = next((f for f in forms if 'type="password"' in f), None)
        assert form, f"{url}: a password field outside any form"
        action = re.search(r'action="([^"]*)"', form.split(">", 1)[0])
        target = unescape(action.group(1)) if action and action.group(1) else path
        fields = _hidden_inputs(form)
        fields.update(username=username, password=DEMO_PASSWORD)
        status, path, content = client.follow("POST", target, fields)
        assert 'type="password"' not in content, f"{url}: {username} could not sign in"
    return status, path, content


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """`make demo` on a fresh data folder, as a newcomer starts it in the first terminal."""
    data_dir = tmp_path_factory.mktemp("readme-data")
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "GIANHANG_TESTING", "DJANGO_SETTINGS_MODULE"}
        and not k.startswith("PYTEST")
    }
    env.update(GIANHANG_DATA_DIR=str(data_dir), GIANHANG_PORT=str(port))
    proc = subprocess.Popen(
        ["make", "--no-print-directory", "demo"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        for line in proc.stdout:  # type: ignore[union-attr]
            lines.append(line.rstrip("\n"))
            if "Tài khoản trình diễn" in line:
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        if not ready.wait(480):
            pytest.fail("make demo printed no banner:\n" + "\n".join(lines[-40:]))
        time.sleep(1)  # the rest of the banner
        yield {"proc": proc, "port": port, "env": env, "lines": lines, "data_dir": data_dir}
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C reaches the whole terminal group
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)


def _banner_logins(lines: list[str]) -> list[tuple[str, str]]:
    """(address, username) for each demo account line of the banner."""
    logins = []
    for line in lines:
        match = re.search(r"(\S+@\S+)\s+(http://\S+)", line)
        if match:
            logins.append((match.group(2), match.group(1)))
    return logins


def _banner_addresses(lines: list[str]) -> list[str]:
    start = next(i for i, line in enumerate(lines) if "đang chạy" in line)
    banner = [line for line in lines[start:] if line.startswith("  ")]
    return [m.group(0) for line in banner if (m := re.search(r"http://\S+", line))]


def test_readme_as_written_beside_a_running_demo(demo):
    port = demo["port"]
    lines = demo["lines"]

    # Every address of the banner, for the person it is printed for.
    logins = _banner_logins(lines)
    assert len(logins) >= 4, "\n".join(lines)
    for url, username in logins:
        status, path, content = fetch_as(port, url, username)
        assert status == 200, f"{url} as {username}: HTTP {status} at {path}"
    for url in _banner_addresses(lines):
        status, path, _content = fetch_as(port, url, None)
        assert status == 200, f"{url}: HTTP {status} at {path}"

    # Every README command, as written, in order, from the repository.
    text = README.read_text()
    for command, expected in readme_console_commands(text):
        result = subprocess.run(  # noqa: S603
            shlex.split(command),
            cwd=ROOT,
            env=demo["env"],
            capture_output=True,
            text=True,
            timeout=300,
        )
        output = result.stdout + result.stderr
        assert result.returncode == 0, f"{command} exited {result.returncode}:\n{output}"
        assert "Traceback" not in output, f"{command}:\n{output}"
        for line in expected:
            assert line in output, f"{command} did not print {line!r}:\n{output}"

    # Every address the README names answers (stalls made above included).
    for url in readme_addresses(text):
        live = url.replace(f":{README_PORT}/", f":{port}/")
        status, path, _content = fetch_as(port, live, None)
        assert status == 200, f"{url}: HTTP {status} at {path}"

    # `make test` is the command running this test; `make demo` is the fixture itself.
    assert readme_sh_commands(text) == ["make demo", "make test"]


def test_first_visit_gets_an_icon_and_compressed_pages(demo):
    port = demo["port"]
    for host in ("localhost", "thpt-nguyen-van-tiep.localhost"):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/favicon.ico", headers={"Host": f"{host}:{port}"})
        icon = conn.getresponse()
        body = icon.read()
        assert icon.status == 200
        assert icon.getheader("Content-Type") == "image/x-icon"
        assert 0 < len(body) < 2048
        conn.request("GET", "/", headers={"Host": f"{host}:{port}", "Accept-Encoding": "gzip"})
        page = conn.getresponse()
        html = page.read()
        assert page.status == 200
        assert page.getheader("Content-Encoding") == "gzip"
        css = re.search(rb'href="(/static/[^"]+\.css)"', gzip.decompress(html))
        assert css, "the page links its stylesheet"
        conn.request(
            "GET",
            css.group(1).decode(),
            headers={"Host": f"{host}:{port}", "Accept-Encoding": "gzip"},
        )
        sheet = conn.getresponse()
        sheet.read()
        assert sheet.status == 200
        assert sheet.getheader("Content-Encoding") == "gzip"
        # Versioned (hashed) names are cached for a long time.
        assert re.search(r"\.[0-9a-f]{12}\.css$", css.group(1).decode())
        assert "max-age=315360000" in (sheet.getheader("Cache-Control") or "")
        conn.close()


def test_local_mode_keeps_secrets_per_data_folder(demo):
    secrets_file = Path(demo["data_dir"]) / "local-secrets.json"
    assert secrets_file.exists()
    assert oct(secrets_file.stat().st_mode & 0o777) == "0o600"


def test_production_without_servers_says_so_in_one_line(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "GIANHANG_TESTING"}
    }
    env.update(GIANHANG_ENV="production", GIANHANG_DATA_DIR=str(tmp_path))
    result = subprocess.run(  # noqa: S603
        [str(ROOT / ".venv" / "bin" / "gianhang"), "stall", "list"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "DATABASE_URL" in result.stderr
    assert not (tmp_path / "local-secrets.json").exists()

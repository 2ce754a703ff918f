"""gianhang demo: bootstrap, seed the Tiền Giang demo, run web + worker + beat until stopped.

``--smoke`` starts everything, fetches a stall page and the public page, then shuts down
cleanly: the check CI runs on the embedded servers.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from gianhang.demo import DEMO_PASSWORD, SCHOOLS, demo_seed
from logistics.fakes import fakes_start
from logistics.zns import TokenStore


class _Stop(Exception):
    pass


class Command(BaseCommand):
    help = "Chạy bản trình diễn: dữ liệu Tỉnh Đoàn Tiền Giang, máy chủ web, Celery worker và beat."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("GIANHANG_PORT", 8000)))
        parser.add_argument("--no-worker", action="store_true", help="không chạy Celery")
        parser.add_argument(
            "--smoke",
            action="store_true",
            help="khởi động, kiểm tra một trang, rồi tắt (dùng cho CI)",
        )

    def handle(self, *args, port: int, no_worker: bool, smoke: bool, **options):
        self.stdout.write("Chuẩn bị cơ sở dữ liệu…")
        call_command("bootstrap", verbosity=0)
        if settings.COLLECTED_STATIC:
            call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write("Nạp dữ liệu trình diễn…")
        logins = demo_seed(base_domain=settings.BASE_DOMAIN)

        # Zalo, SMS and GHN are local fakes in the demo, whatever the environment says:
        # nothing a demo does ever reaches a real phone or a real carrier.
        fake_env, fakes = fakes_start()
        TokenStore(app_id=fake_env["GIANHANG_ZALO_APP_ID"]).forget()
        env = {**os.environ, "GIANHANG_DEMO": "1", **fake_env}
        gianhang = [sys.executable, "-m", "gianhang.cli"]
        children: list[subprocess.Popen] = []

        def stop(*_args):
            raise _Stop

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            children.append(
                subprocess.Popen(  # noqa: S603
                    [
                        sys.executable,
                        "-m",
                        "gunicorn",
                        "gianhang.wsgi",
                        "--bind",
                        f"127.0.0.1:{port}",
                        "--workers",
                        "2",
                        "--threads",
                        "4",
                        "--access-logfile",
                        "-",
                        "--graceful-timeout",
                        "5",
                    ],
                    env=env,
                )
            )
            if not no_worker:
                beat_file = str(settings.DATA_DIR / "celerybeat-schedule")
                children.append(
                    subprocess.Popen(  # noqa: S603
                        [*gianhang, "celery", "worker", "--loglevel", "INFO", "--concurrency", "2"],
                        env=env,
                    )
                )
                children.append(
                    subprocess.Popen(  # noqa: S603
                        [*gianhang, "celery", "beat", "--loglevel", "INFO", "-s", beat_file],
                        env=env,
                    )
                )
            base = f"http://{settings.BASE_DOMAIN}:{port}"
            self._wait_until_up(port, children)
            self._print_banner(port, logins)
            if smoke:
                self._smoke(port)
                return
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
            raise CommandError(f"Một tiến trình đã dừng bất ngờ; xem nhật ký ở trên. ({base})")
        except _Stop:
            self.stdout.write("\nĐang tắt…")
        finally:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            for child in children:
                if child.poll() is None:
                    child.terminate()
            deadline = time.monotonic() + 15
            for child in children:
                try:
                    child.wait(max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    child.kill()
                    child.wait()
            for fake in fakes:
                fake.stop()
            signal.signal(signal.SIGINT, signal.default_int_handler)

    def _wait_until_up(self, port: int, children) -> None:
        request = urllib.request.Request(  # noqa: S310 - our own server on loopback
            f"http://127.0.0.1:{port}/healthz", headers={"Host": f"{settings.BASE_DOMAIN}:{port}"}
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if any(child.poll() is not None for child in children):
                raise CommandError("Máy chủ không khởi động được; xem nhật ký ở trên.")
            try:
                with urllib.request.urlopen(request, timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                time.sleep(0.3)
        raise CommandError("Máy chủ web không trả lời sau 60 giây.")

    def _smoke(self, port: int) -> None:
        for host in (settings.BASE_DOMAIN, f"{SCHOOLS[0].slug}.{settings.BASE_DOMAIN}"):
            request = urllib.request.Request(  # noqa: S310
                f"http://127.0.0.1:{port}/", headers={"Host": f"{host}:{port}"}
            )
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                body = response.read().decode()
            if response.status != 200:
                raise CommandError(f"{host}: HTTP {response.status}")
            self.stdout.write(
                self.style.SUCCESS(f"smoke: {host} → {response.status}, {len(body)} bytes")
            )
        if SCHOOLS[0].name not in body:
            raise CommandError("smoke: the stall page does not show the stall's name")

    def _print_banner(self, port: int, logins) -> None:
        domain = settings.BASE_DOMAIN
        w = self.stdout.write
        w("")
        w(self.style.SUCCESS("Gian hàng 0 đồng đang chạy. Ctrl-C để dừng."))
        w(f"  Trang chung (Tỉnh Đoàn, Huyện Đoàn): http://{domain}:{port}/")
        for school in SCHOOLS:
            w(f"  {school.name}: http://{school.slug}.{domain}:{port}/")
        w("")
        w(f"Tài khoản trình diễn (mật khẩu chung: {DEMO_PASSWORD}):")
        for login in logins:
            where = login.where.replace(f"{domain}/", f"{domain}:{port}/")
            w(f"  {login.who:45} {login.username:48} {where}")
        w("")
        w("Zalo, SMS và GHN ở đây là máy giả cục bộ: không tin nhắn hay vận đơn nào ra ngoài.")
        w("  Thử gửi qua GHN: Giao nhận → Lô bưu điện → Cách gửi bưu kiện, mã cửa hàng 885.")
        w("")

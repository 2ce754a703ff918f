"""A local Zalo server: the OA token endpoint, ZNS template messages and an SMS gateway.

It follows the documented shapes: ``POST /v4/oa/access_token`` (form ``app_id``,
``grant_type=refresh_token``, ``refresh_token``; header ``secret_key``) answers
``{"access_token", "refresh_token", "expires_in"}`` and turns the old refresh token off;
``POST /message/template`` (header ``access_token``; JSON ``phone``, ``template_id``,
``template_data``, ``tracking_id``) answers ``{"error": 0, "message": "Success", "data":
{"msg_id", "sent_time"}}`` or ``{"error": <negative code>, "message": ...}`` with HTTP 200.
``POST /sms`` takes the product's signed webhook body, as an SMS gateway would.

Tests and ``make demo`` run it on 127.0.0.1 so that nothing ever reaches Zalo. Failures are
scripted: ``no_zalo`` phones, ``refused_templates``, ``expire_access_tokens()``,
``fail_next(n, status)`` for 5xx answers.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

PHONE = re.compile(r"^84\d{9}$")


@dataclass
class ZnsCall:
    phone: str
    template_id: str
    template_data: dict
    tracking_id: str
    answer: int  # 0 = accepted, negative = Zalo's error code, >= 500 = HTTP status
    at: float = field(default_factory=time.monotonic)


@dataclass
class FakeZalo:
    app_id: str = "fake-app"
    secret_key: str = "fake-secret"  # noqa: S105 - the fake's own, never a real one
    refresh_token: str = "fake-refresh-0"  # noqa: S105 - the fake's own
    templates: set[str] = field(default_factory=set)
    no_zalo: set[str] = field(default_factory=set)
    refused_templates: set[str] = field(default_factory=set)
    expires_in: int = 90_000
    calls: list[ZnsCall] = field(default_factory=list)
    sms: list[dict] = field(default_factory=list)
    refreshes: int = 0
    sms_status: int = 200

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._counter = itertools.count(1)
        self._access_tokens: set[str] = set()
        self._failures: list[int] = []
        self._sms_failures: list[int] = []
        self.server: ThreadingHTTPServer | None = None

    # --- scripting -----------------------------------------------------------------------

    def expire_access_tokens(self) -> None:
        """Every access token issued so far stops working (Zalo's -124)."""
        with self._lock:
            self._access_tokens.clear()

    def fail_next(self, count: int = 1, *, status: int = 502) -> None:
        with self._lock:
            self._failures.extend([status] * count)

    def fail_next_sms(self, count: int = 1, *, status: int = 503) -> None:
        with self._lock:
            self._sms_failures.extend([status] * count)

    @property
    def accepted(self) -> list[ZnsCall]:
        return [c for c in self.calls if c.answer == 0]

    # --- the endpoints -------------------------------------------------------------------

    def access_token(self, form: dict[str, str], secret: str) -> tuple[int, dict]:
        with self._lock:
            if secret != self.secret_key or form.get("app_id") != self.app_id:
                return 200, {
                    "error": -14002,
                    "error_name": "Invalid app_id or secret_key",
                    "error_description": "app_id hoặc secret_key không đúng",
                }
            if (
                form.get("grant_type") != "refresh_token"
                or form.get("refresh_token") != self.refresh_token
            ):
                return 200, {
                    "error": -14014,
                    "error_name": "Invalid refresh token",
                    "error_description": "refresh_token không hợp lệ hoặc đã được dùng",
                }
            n = next(self._counter)
            access = f"fake-access-{n}"
            self.refresh_token = f"fake-refresh-{n}"
            self._access_tokens.add(access)
            self.refreshes += 1
            return 200, {
                "access_token": access,
                "refresh_token": self.refresh_token,
                "expires_in": str(self.expires_in),
            }

    def template_message(self, body: dict, token: str) -> tuple[int, dict]:
        with self._lock:
            phone = str(body.get("phone", ""))
            template_id = str(body.get("template_id", ""))
            data = body.get("template_data") or {}
            call = ZnsCall(phone, template_id, data, str(body.get("tracking_id", "")), 0)
            self.calls.append(call)
            if self._failures:
                call.answer = self._failures.pop(0)
                return call.answer, {"error": -100, "message": "Internal server error"}
            error = self._refusal(token, phone, template_id, data)
            if error:
                call.answer = error[0]
                return 200, {"error": error[0], "message": error[1]}
            return 200, {
                "error": 0,
                "message": "Success",
                "data": {
                    "msg_id": f"zns-{next(self._counter)}",
                    "sent_time": str(int(time.time() * 1000)),
                    "quota": {"dailyQuota": "500", "remainingQuota": "499"},
                },
            }

    def _refusal(self, token, phone, template_id, data) -> tuple[int, str] | None:
        if token not in self._access_tokens:
            return -124, "Access token is invalid"
        if not PHONE.match(phone):
            return -108, "Phone number invalid"
        if self.templates and template_id not in self.templates:
            return -109, "Template ID invalid"
        if not data:
            return -111, "Template data empty"
        if template_id in self.refused_templates:
            return -131, "Template is not approved"
        if phone in self.no_zalo:
            return -118, "Zalo account not existed"
        return None

    def sms_message(self, body: dict, signature: str) -> tuple[int, dict]:
        with self._lock:
            if self._sms_failures:
                return self._sms_failures.pop(0), {"error": "busy"}
            self.sms.append({**body, "signature": signature})
            return self.sms_status, {"status": "queued"}

    # --- the server ----------------------------------------------------------------------

    def start(self, port: int = 0) -> FakeZalo:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                path = urlparse(self.path).path
                if path == "/v4/oa/access_token":
                    form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                    status, answer = fake.access_token(form, self.headers.get("secret_key", ""))
                elif path == "/message/template":
                    try:
                        body = json.loads(raw or b"{}")
                    except ValueError:
                        status, answer = 200, {"error": -112, "message": "Template data invalid"}
                    else:
                        status, answer = fake.template_message(
                            body, self.headers.get("access_token", "")
                        )
                elif path == "/sms":
                    status, answer = fake.sms_message(
                        json.loads(raw or b"{}"), self.headers.get("X-Gianhang-Signature", "")
                    )
                else:
                    status, answer = 404, {"error": -106, "message": "Method unsupported"}
                payload = json.dumps(answer, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_port}"

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

"""A local GHN (Giao Hàng Nhanh) server following its public API, with its failures.

Paths under ``/shiip/public-api``: ``/v2/shipping-order/create`` (headers ``Token``,
``ShopId``), ``/v2/shipping-order/detail`` (``order_code``),
``/v2/shipping-order/detail-by-client-code`` (``client_order_code``) and
``/v2/a5/gen-token`` (``order_codes``); answers are ``{"code", "message", "data"}`` with
``code_message`` on errors. ``/a5/public-api/printA5?token=`` is the printable label.

Scripted failures: ``reject_wards`` (an address GHN cannot place), ``hang_next(n)`` (the
order is created but the answer comes too late: a client timeout), a client_order_code
sent twice (``CLIENT_ORDER_CODE_EXISTED``), ``set_status(code, status)`` for tracking.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

API = "/shiip/public-api"


@dataclass
class FakeGhn:
    token: str = "fake-ghn-token"  # noqa: S105 - the fake's own
    shop_id: str = "885"
    reject_wards: set[str] = field(default_factory=set)
    hang_seconds: float = 2.0
    orders: dict[str, dict] = field(default_factory=dict)  # order_code → the order as sent
    creates: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._counter = itertools.count(1)
        self._hangs = 0
        self._labels: dict[str, list[str]] = {}
        self.server: ThreadingHTTPServer | None = None

    def hang_next(self, count: int = 1) -> None:
        with self._lock:
            self._hangs += count

    def set_status(self, order_code: str, status: str) -> None:
        with self._lock:
            self.orders[order_code]["status"] = status

    def by_client_code(self, client_code: str) -> dict | None:
        return next(
            (o for o in self.orders.values() if o["client_order_code"] == client_code), None
        )

    # --- the endpoints -------------------------------------------------------------------

    def create(self, body: dict, shop_id: str) -> tuple[dict, bool]:
        """(answer, hang): a hang answers only after the client has given up."""
        with self._lock:
            self.creates += 1
            if shop_id != self.shop_id:
                return _error(400, "ShopID is invalid", "SHOP_NOT_FOUND"), False
            missing = [
                k
                for k in ("to_name", "to_phone", "to_address", "to_ward_name", "to_province_name")
                if not body.get(k)
            ]
            if missing:
                return _error(400, f"Thiếu thông tin: {', '.join(missing)}", "INVALID_PARAM"), False
            if body["to_ward_name"] in self.reject_wards:
                return _error(
                    400,
                    f"Không tìm thấy phường/xã nhận hàng “{body['to_ward_name']}”",
                    "WARD_NOT_FOUND",
                ), False
            client_code = body.get("client_order_code", "")
            if client_code and self.by_client_code(client_code):
                return _error(
                    400, "Mã đơn hàng của khách đã tồn tại", "CLIENT_ORDER_CODE_EXISTED"
                ), False
            code = f"GHN{next(self._counter):05d}VN"
            self.orders[code] = {**body, "order_code": code, "status": "ready_to_pick"}
            hang = self._hangs > 0
            if hang:
                self._hangs -= 1
            return {
                "code": 200,
                "message": "Success",
                "data": {
                    "order_code": code,
                    "sort_code": "19-20-01",
                    "total_fee": 22000,
                    "expected_delivery_time": "2026-12-03T16:59:59Z",
                },
            }, hang

    def detail(self, body: dict) -> dict:
        with self._lock:
            order = self.orders.get(str(body.get("order_code", "")))
            if order is None:
                return _error(400, "Không tìm thấy đơn hàng", "ORDER_NOT_FOUND")
            return {"code": 200, "message": "Success", "data": dict(order)}

    def detail_by_client_code(self, body: dict) -> dict:
        with self._lock:
            order = self.by_client_code(str(body.get("client_order_code", "")))
            if order is None:
                return _error(400, "Không tìm thấy đơn hàng", "ORDER_NOT_FOUND")
            return {"code": 200, "message": "Success", "data": dict(order)}

    def gen_token(self, body: dict) -> dict:
        with self._lock:
            codes = [c for c in body.get("order_codes", []) if c in self.orders]
            if not codes:
                return _error(400, "Không có đơn hàng hợp lệ", "ORDER_NOT_FOUND")
            token = f"print-{next(self._counter)}"
            self._labels[token] = codes
            return {"code": 200, "message": "Success", "data": {"token": token}}

    # --- the server ----------------------------------------------------------------------

    def start(self) -> FakeGhn:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, status: int, payload: bytes, kind: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self):  # noqa: N802 - http.server's naming
                url = urlparse(self.path)
                if url.path != "/a5/public-api/printA5":
                    return self._answer(404, b"not found", "text/plain")
                token = parse_qs(url.query).get("token", [""])[0]
                codes = fake._labels.get(token)
                if codes is None:
                    return self._answer(400, b"token het han", "text/plain")
                page = "".join(f"<p>{c}</p>" for c in codes)
                return self._answer(200, f"<html><body>{page}</body></html>".encode(), "text/html")

            def do_POST(self):  # noqa: N802
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                path = urlparse(self.path).path.removeprefix(API)
                if self.headers.get("Token") != fake.token:
                    answer = _error(401, "Token is not valid", "UNAUTHORIZED")
                    return self._json(401, answer)
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    return self._json(400, _error(400, "Dữ liệu không hợp lệ", "INVALID_JSON"))
                hang = False
                if path == "/v2/shipping-order/create":
                    answer, hang = fake.create(body, self.headers.get("ShopId", ""))
                elif path == "/v2/shipping-order/detail":
                    answer = fake.detail(body)
                elif path == "/v2/shipping-order/detail-by-client-code":
                    answer = fake.detail_by_client_code(body)
                elif path == "/v2/a5/gen-token":
                    answer = fake.gen_token(body)
                else:
                    answer = _error(404, "Not found", "NOT_FOUND")
                if hang:
                    time.sleep(fake.hang_seconds)
                self._json(answer["code"], answer)

            def _json(self, status: int, answer: dict) -> None:
                try:
                    payload = json.dumps(answer, ensure_ascii=False).encode()
                    self._answer(status, payload, "application/json; charset=utf-8")
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (a scripted hang)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_port}{API}"

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


def _error(code: int, message: str, code_message: str) -> dict:
    return {"code": code, "message": message, "data": None, "code_message": code_message}

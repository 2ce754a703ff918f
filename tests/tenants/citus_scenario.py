"""The product on a Citus cluster, as one process: run by tests/tenants/test_citus.py.

    DATABASE_URL=<coordinator> GIANHANG_CITUS=1 python -m tests.tenants.citus_scenario N

Bootstraps the coordinator's database, provisions N stalls, and on one stall of each
worker: signs the officer in through the login form, opens the storefront, places an order
through the API. Then moves one stall's schema to the other worker while a thread keeps
opening its storefront and placing orders, and reports every answer. Prints one JSON line.
"""

from __future__ import annotations

import json
import sys
import threading
import time


def _setup() -> None:
    import django

    django.setup()


def _order(client, item_id: int, phone: str, address: str = "127.0.0.1"):
    body = {
        "lines": [{"item": item_id, "quantity": 1}],
        "name": "Trần Văn Bình",
        "phone": phone,
        "commune_code": "28327",
        "address_line": "Ấp 4",
        "consent": True,
    }
    return client.post(
        "/api/v1/orders/",
        json.dumps(body),
        content_type="application/json",
        REMOTE_ADDR=address,  # every order from its own recipient, as on a real Saturday
    )


def main(argv: list[str]) -> dict:
    count = int(argv[0]) if argv else 20
    _setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from catalog.items import item_create
    from catalog.models import Category, Order
    from tenants.citus import schema_move, schema_node
    from tenants.models import Stall, Unit
    from tenants.services import stall_provision, unit_get_or_create

    call_command("bootstrap", verbosity=0)
    connection.set_schema_to_public()
    district = unit_get_or_create(kind=Unit.Kind.DISTRICT, name="Huyện Đoàn Citus", code="citus")
    started = time.perf_counter()
    provisioned = []
    for n in range(count):
        made = stall_provision(
            slug=f"citus-{n:04d}",
            name=f"Trường THPT số {n}",
            parent_unit=district,
            officer_email=f"can-bo-{n}@example.vn" if n < 4 else None,
        )
        provisioned.append(made)
    provision_seconds = time.perf_counter() - started

    nodes: dict[str, list[str]] = {}
    for made in provisioned:
        host, port = schema_node(made.stall.schema_name) or ("coordinator", 0)
        nodes.setdefault(f"{host}:{port}", []).append(made.stall.slug)

    def item_for(stall: Stall) -> int:
        connection.set_tenant(stall)
        category = Category.objects.order_by("pk").first()
        item = item_create(
            fields={"title": "Áo khoác đồng phục", "category": category}, quantity=500
        )
        connection.set_schema_to_public()
        return item.pk

    per_node = []
    phone = iter(range(10_000_000))
    for node, slugs in sorted(nodes.items()):
        made = next(m for m in provisioned if m.stall.slug in slugs[:4] and m.officer_password)
        stall = made.stall
        item_id = item_for(stall)
        client = Client(HTTP_HOST=made.domain)
        page = client.get("/hang/")
        order = _order(client, item_id, f"09{next(phone):08d}")
        officer = Client(HTTP_HOST=made.domain)
        login_page = officer.get("/dang-nhap/")
        login = officer.post(
            "/dang-nhap/",
            {"username": made.officer_username, "password": made.officer_password},
        )
        workspace = officer.get("/can-bo/", follow=True)
        connection.set_tenant(stall)
        orders = Order.objects.count()
        connection.set_schema_to_public()
        per_node.append(
            {
                "node": node,
                "stall": stall.slug,
                "page": page.status_code,
                "page_has_item": "Áo khoác đồng phục" in page.content.decode(),
                "order": order.status_code,
                "orders_in_schema": orders,
                "login_page": login_page.status_code,
                "login": login.status_code,
                "workspace": workspace.status_code,
                "workspace_path": workspace.request["PATH_INFO"],
            }
        )

    # The move, under traffic: one thread keeps asking for the page and placing orders.
    moving = next(m for m in provisioned if m.officer_password)
    item_id = item_for(moving.stall)
    source = schema_node(moving.stall.schema_name)
    target_node = next(n for n in nodes if n != f"{source[0]}:{source[1]}") if source else None
    answers: list[dict] = []
    stop = threading.Event()

    def traffic() -> None:
        client = Client(HTTP_HOST=moving.domain)
        n = 0
        while not stop.is_set():
            n += 1
            began = time.perf_counter()
            try:
                if n % 2:
                    response = client.get("/hang/")
                else:
                    response = _order(
                        client, item_id, f"091{n:07d}", address=f"10.9.{n // 250}.{n % 250 + 1}"
                    )
                status = response.status_code
                error = "" if status in (200, 201) else response.content.decode()[:200]
            except Exception as exc:  # every failure is reported, none hidden
                status, error = 0, f"{type(exc).__name__}: {exc}"
            answers.append(
                {
                    "at": time.perf_counter(),
                    "kind": "page" if n % 2 else "order",
                    "status": status,
                    "ms": (time.perf_counter() - began) * 1000,
                    "error": error,
                }
            )
            time.sleep(0.01)
        from django.db import connection as thread_connection

        thread_connection.close()

    thread = threading.Thread(target=traffic)
    thread.start()
    time.sleep(2)
    move_started = time.perf_counter()
    move_error = ""
    if target_node:
        host, port = target_node.rsplit(":", 1)
        try:
            schema_move(schema=moving.stall.schema_name, host=host, port=int(port))
        except Exception as exc:
            move_error = f"{type(exc).__name__}: {exc}"
    move_seconds = time.perf_counter() - move_started
    time.sleep(2)
    stop.set()
    thread.join()
    after = schema_node(moving.stall.schema_name)
    during = [a for a in answers if move_started <= a["at"] <= move_started + move_seconds]
    connection.set_tenant(moving.stall)
    orders_after = Order.objects.count()
    connection.set_schema_to_public()
    return {
        "stalls": count,
        "provision_seconds": provision_seconds,
        "nodes": {node: len(slugs) for node, slugs in nodes.items()},
        "per_node": per_node,
        "move": {
            "stall": moving.stall.slug,
            "from": f"{source[0]}:{source[1]}" if source else None,
            "to": f"{after[0]}:{after[1]}" if after else None,
            "seconds": move_seconds,
            "error": move_error,
            "requests": len(answers),
            "requests_during_move": len(during),
            "statuses": sorted({a["status"] for a in answers}),
            "failed": [a for a in answers if a["status"] not in (200, 201)][:10],
            "max_ms_during_move": max((a["ms"] for a in during), default=0.0),
            "orders_placed": sum(1 for a in answers if a["kind"] == "order" and a["status"] == 201),
            "orders_in_schema_after": orders_after,
        },
    }


if __name__ == "__main__":
    print("RESULT " + json.dumps(main(sys.argv[1:]), ensure_ascii=False))

"""Everywhere a person reads a phone it is the number they dial (0976 543 215), not +84…"""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from catalog.models import Order
from catalog.phones import phone_display
from logistics.batches import batch_build
from logistics.labels import labels_pdf, manifest_pdf
from logistics.models import Route
from logistics.routing import order_route
from logistics.runs import route_link_token, run_for_new_stops, run_plan, volunteer_signup
from logistics.selectors import batch_parcels, route_stops
from logistics.sheets import route_sheet_pdf
from tests.conftest import in_stall
from tests.logistics.factories import (
    far_commune,
    order_make,
    school_commune,
    stall_place,
    volunteer_make,
)

pytestmark = pytest.mark.django_db
PHONE = "+84976543215"
SHOWN = "0976 543 215"


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_phone_display_is_the_national_format():
    assert phone_display(PHONE) == SHOWN
    assert phone_display("+84328123456") == "0328 123 456"
    assert phone_display("") == ""


def test_route_sheet_and_volunteer_page_show_national_phones(stall_a, client_for):
    stall_place(stall_a)
    with in_stall(stall_a):
        order = order_make(area=school_commune(), state=Order.State.PACKED, phone=PHONE)
        order_route(order_id=order.pk)
        run = run_for_new_stops()
        volunteer_signup(volunteer=volunteer_make(name="Ngô Bảo Châu"), run=run)
        volunteer_signup(volunteer=volunteer_make(name="Lý Thu Thảo"), run=run)
        run_plan(run=run, seconds=0)
        route = Route.objects.get(run=run)
        sheet = _text(
            route_sheet_pdf(
                route=route,
                stops=route_stops(route=route),
                stall_name=stall_a.name,
                stop_link=lambda s: f"http://x/{s.pk}",
            )
        )
        token = route_link_token(route=route)
    assert SHOWN in sheet
    assert "+84" not in sheet  # the volunteers' own phones too
    page = client_for(stall_a).get(f"/giao/{token}/").content.decode()
    assert f'<a href="tel:{PHONE}">{SHOWN}</a>' in page


def test_labels_and_manifest_show_national_phones(stall_a):
    stall_place(stall_a)
    with in_stall(stall_a):
        order_make(area=far_commune(), state=Order.State.PACKED, delivery="post", phone=PHONE)
        batch = batch_build()
        parcels = list(batch_parcels(batch=batch))
        labels = _text(labels_pdf(parcels=parcels, stall_name=stall_a.name, sender_address="X"))
        manifest = _text(
            manifest_pdf(batch=batch, parcels=parcels, stall_name=stall_a.name, sender_address="X")
        )
    for text in (labels, manifest):
        assert SHOWN in text
        assert "+84" not in text

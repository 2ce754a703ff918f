"""A stall with something on every staff page, and the list of those pages (shared by the
language check and the browser sweep)."""

from __future__ import annotations

from dataclasses import dataclass

from catalog.models import Order
from logistics.batches import batch_build, batch_mark_ready
from logistics.models import Route
from logistics.routing import order_route
from logistics.runs import route_link_token, run_for_new_stops, run_plan, volunteer_signup
from privacy.services import data_request_open, personal_link_token
from tenants.models import Membership
from tests.conftest import in_stall, make_user
from tests.distribution.factories import request_make, round_make
from tests.logistics.factories import (
    far_commune,
    item_make,
    order_make,
    school_commune,
    stall_place,
    volunteer_make,
)

State = Order.State


@dataclass
class FilledStall:
    pages: list[str]
    volunteer_page: str
    # A volunteer's own data: how to get a link, and the page a link opens.
    own_data_pages: list[str]


def stall_fill(stall) -> FilledStall:
    """Orders in several states, a planned run, a ready batch, a data request, stock."""
    stall_place(stall)
    with in_stall(stall):
        item = item_make(title="Áo sơ mi trắng", available=5)
        order_make(state=State.PLACED, name="Nguyễn Thị Hồng", item=item)
        near = [
            order_make(area=school_commune(), state=State.PACKED, name=f"Huỳnh Thị Diễm {i}")
            for i in range(2)
        ]
        for order in near:
            order_route(order_id=order.pk)
        run = run_for_new_stops()
        member = volunteer_make(name="Ngô Bảo Châu")
        volunteer_signup(volunteer=member, run=run)
        volunteer_signup(volunteer=volunteer_make(name="Lý Thu Thảo"), run=run)
        run_plan(run=run, seconds=0)
        route = Route.objects.filter(run=run).first()
        for _i in range(2):
            order_make(area=far_commune(), state=State.PACKED, delivery="post")
        batch = batch_mark_ready(batch=batch_build())
        first = near[0]
        data_request_open(subject_id=first.pk, kind="export")
        token = route_link_token(route=route)
        own_link = personal_link_token(kind="volunteer", subject_id=member.pk)
        round_ = round_make(items=[(item_make(title="Xe đạp", available=1), 1)])
        request_make(stall=stall, round_=round_, phone="0912345097")
    colleague = make_user(
        f"dong-nghiep-{stall.slug}@example.vn", unit=stall.unit, role=Membership.Role.SCHOOL_OFFICER
    )
    pages = [
        "/can-bo/",
        "/can-bo/don-hang/",
        "/can-bo/don-hang/?trang-thai=routed",
        f"/can-bo/don-hang/{first.code}/",
        "/can-bo/hang/",
        "/can-bo/hang/moi/",
        f"/can-bo/hang/{item.pk}/",
        f"/can-bo/hang/{item.pk}/sua/",
        "/can-bo/quyen-gop/",
        "/can-bo/tinh-nguyen-vien/",
        f"/can-bo/bao-mat/doan-vien/{member.pk}/",
        "/can-bo/cai-dat/",
        "/can-bo/cai-dat/can-bo/",
        f"/can-bo/cai-dat/can-bo/{colleague.pk}/mat-khau-tam/",
        "/can-bo/chuyen-hang/",
        "/can-bo/dot-phat/",
        "/can-bo/can-tim/",
        "/can-bo/sach-giao-khoa/",
        "/can-bo/sach-giao-khoa/?lop=6&bo=canh-dieu",
        f"/can-bo/dot-phat/{round_.pk}/",
        "/can-bo/bao-mat/yeu-cau/",
        "/can-bo/bao-mat/nhat-ky/",
        f"/can-bo/phieu-dong-goi/?id={first.pk}",
        "/giao-nhan/",
        f"/giao-nhan/chuyen/{run.pk}/",
        "/giao-nhan/lo/",
        f"/giao-nhan/lo/{batch.pk}/",
        "/giao-nhan/lo/cach-gui/",
        "/giao-nhan/tin-nhan/",
    ]
    return FilledStall(
        pages=pages,
        volunteer_page=f"/giao/{token}/",
        own_data_pages=["/bao-mat/doan-vien/", f"/bao-mat/doan-vien/{own_link}/"],
    )

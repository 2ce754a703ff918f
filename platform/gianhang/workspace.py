"""The stall workspace's "Việc cần làm" home: what needs an officer now, one tap to each.

It reads across catalog, logistics and privacy, so it lives in the composition root.
"""

from __future__ import annotations

from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from catalog.models import Item, Order
from distribution.models import Round, Wish
from logistics import selectors as logistics_selectors
from logistics.models import PostalBatch, SaturdayRun
from privacy.selectors import data_requests_for_officers
from tenants.permissions import stall_officer_required


def _tile(label: str, count: int, url: str, hint: str = "") -> dict:
    return {"label": label, "count": count, "url": url, "hint": hint}


def todo_tiles() -> list[dict]:
    orders = reverse("workspace:orders")
    placed = Order.objects.filter(state=Order.State.PLACED).count()
    confirmed = Order.objects.filter(state=Order.State.CONFIRMED).count()
    run = logistics_selectors.run_coming()
    tiles = [
        _tile(_("Đơn chờ xác nhận"), placed, f"{orders}?trang-thai=placed"),
        _tile(_("Đơn chờ đóng gói"), confirmed, f"{orders}?trang-thai=confirmed"),
    ]
    if run is not None:
        signups = run.signups.count()
        stops = logistics_selectors.run_load(run=run)["total"] or 0
        planned = run.state != SaturdayRun.State.OPEN
        hint = (
            _("Đã chia tuyến: in phiếu và gửi đường dẫn cho đoàn viên.")
            if planned
            else _("Chưa chia tuyến; %(n)d đoàn viên đã đăng ký.") % {"n": signups}
        )
        tiles.append(
            _tile(
                _("Chuyến thứ Bảy %(d)s: điểm giao") % {"d": f"{run.date:%d/%m}"},
                stops,
                reverse("logistics:run", args=[run.pk]),
                hint,
            )
        )
    else:
        tiles.append(_tile(_("Chuyến thứ Bảy"), 0, reverse("logistics:run-coming")))
    tiles += [
        _tile(
            _("Đơn xa chờ gom lô bưu điện"),
            logistics_selectors.orders_waiting_for_post().count(),
            reverse("logistics:batches"),
        ),
        _tile(
            _("Lô sẵn sàng giao bưu điện"),
            PostalBatch.objects.filter(state=PostalBatch.State.READY).count(),
            reverse("logistics:batches"),
        ),
        _tile(
            _("Yêu cầu về dữ liệu đang chờ"),
            data_requests_for_officers().filter(state="pending").count(),
            reverse("privacy:requests"),
        ),
        _tile(
            _("Món hết hàng mà người nhận đang cần"),
            Item.objects.filter(available=0)
            .filter(Q(order_lines__order__state__in=Order.OPEN_STATES))
            .distinct()
            .count(),
            reverse("workspace:items") + "?loc=het-hang",
        ),
        _tile(
            _("Đợt phát chờ bốc thăm"),
            Round.objects.filter(state=Round.State.CLOSED).count(),
            reverse("workspace:rounds"),
            _("Nhập số công khai để bốc thăm."),
        ),
        _tile(
            _("Mong muốn đang chờ món"),
            Wish.objects.filter(state=Wish.State.WAITING, anonymised_at__isnull=True).count(),
            reverse("workspace:wishes"),
        ),
    ]
    return tiles


@require_GET
@stall_officer_required
def home(request):
    return render(request, "gianhang/workspace_home.html", {"tiles": todo_tiles()})

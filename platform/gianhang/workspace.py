"""The stall workspace's "Việc cần làm" home: what needs an officer now, one tap to each.

It reads across catalog, logistics and privacy, so it lives in the composition root.
"""

from __future__ import annotations

from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from catalog.models import Item, Order
from distribution.models import Round, Wish
from logistics import selectors as logistics_selectors
from logistics.models import PostalBatch, Route, SaturdayRun
from privacy.selectors import data_requests_for_officers, exports_last
from reporting.models import Transfer
from tenants.permissions import stall_officer_required


def _tile(label: str, count: int, url: str, hint: str = "") -> dict:
    return {"label": label, "count": count, "url": url, "hint": hint}


def sheets_printed(*, run: SaturdayRun) -> str:
    """Whether the planned run's route sheets were printed (since it was last planned)."""
    routes = list(Route.objects.filter(run=run).values_list("pk", flat=True))
    if not routes:
        return _("Đã chia tuyến nhưng chưa có tuyến nào.")
    printed = exports_last(object_type="logistics.route", object_ids=routes, since=run.planned_at)
    if not printed:
        return _("Đã chia tuyến. Chưa in phiếu tuyến.")
    at = timezone.localtime(max(printed.values()))
    return _("Đã in phiếu tuyến lúc %(at)s (%(n)d/%(total)d tuyến).") % {
        "at": f"{at:%H:%M %d/%m}",
        "n": len(printed),
        "total": len(routes),
    }


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
            sheets_printed(run=run)
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
    waiting = Transfer.objects.filter(to_stall=request.tenant, state__in=Transfer.OPEN_STATES)
    tiles = [
        *todo_tiles(),
        _tile(
            _("Hàng gian hàng khác gửi, chờ mình nhận"),
            waiting.count(),
            reverse("workspace:transfers"),
        ),
    ]
    return render(request, "gianhang/workspace_home.html", {"tiles": tiles})

"""The staff navigation of a stall's workspace, shown to that stall's officers only."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tenants.permissions import request_is_stall_officer

# (label, URL name, path prefixes that count as being inside the section)
SECTIONS = [
    (_("Việc cần làm"), "workspace:home", ("/can-bo/$",)),
    (_("Đơn hàng"), "workspace:orders", ("/can-bo/don-hang/", "/can-bo/phieu-dong-goi/")),
    (_("Hàng & kho"), "workspace:items", ("/can-bo/hang/",)),
    (_("Quyên góp"), "workspace:donations", ("/can-bo/quyen-gop/",)),
    (_("Sách giáo khoa"), "workspace:textbooks", ("/can-bo/sach-giao-khoa/",)),
    (_("Đợt phát"), "workspace:rounds", ("/can-bo/dot-phat/",)),
    (_("Cần tìm"), "workspace:wishes", ("/can-bo/can-tim/",)),
    (_("Giao nhận"), "logistics:overview", ("/giao-nhan/",)),
    (_("Chuyển hàng"), "workspace:transfers", ("/can-bo/chuyen-hang/",)),
    (_("Tình nguyện viên"), "workspace:volunteers", ("/can-bo/tinh-nguyen-vien/",)),
    (_("Bảo mật"), "privacy:requests", ("/can-bo/bao-mat/",)),
    (_("Cài đặt"), "workspace:settings", ("/can-bo/cai-dat/",)),
]


def _sections(request) -> list[dict]:
    if not request_is_stall_officer(request):
        return []
    path = request.path
    result = []
    for label, name, prefixes in SECTIONS:
        active = any(
            path == prefix[:-1] if prefix.endswith("$") else path.startswith(prefix)
            for prefix in prefixes
        )
        result.append({"label": label, "url": reverse(name), "active": active})
    return result


def staff_nav(request):
    """Template context: ``staff_nav`` (computed only by templates that show it)."""
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.is_public:
        return {"staff_nav": ()}
    cached: dict = {}

    def sections() -> list[dict]:
        if "v" not in cached:
            cached["v"] = _sections(request)
        return cached["v"]

    return {"staff_nav": sections}

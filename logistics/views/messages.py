"""Officers' actions on the outbox: record that a recipient wants no more messages."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from logistics.models import Notification
from logistics.notifications import phone_opt_out
from privacy.audit import audited
from tenants.permissions import stall_officer_required


@stall_officer_required
@require_POST
@audited(object_type="logistics.notification", id_kwarg="notification_id", action="change")
def notification_opt_out(request, notification_id: int):
    """The recipient asked (by phone, in person, by a reply) to get no more messages."""
    notification = get_object_or_404(Notification, pk=notification_id)
    if not notification.phone:
        messages.error(request, _("Tin này không còn số điện thoại (dữ liệu đã được xóa)."))
        return redirect("logistics:outbox")
    held = phone_opt_out(phone=notification.phone)
    messages.success(
        request,
        _("Đã ghi: số này không nhận tin nữa. %(n)s tin đang chờ sẽ không được gửi.") % {"n": held},
    )
    return redirect("logistics:outbox")

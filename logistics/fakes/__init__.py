"""Local stand-ins for outside services (Zalo, SMS gateways, GHN): tests and the demo use them."""

from __future__ import annotations

from logistics.fakes.ghn import FakeGhn
from logistics.fakes.zalo import FakeZalo

MESSAGE_KINDS = (
    "confirmed",
    "out_for_delivery",
    "handed_to_post",
    "delivered",
    "failed",
    "cancelled",
)


def fakes_start() -> tuple[dict[str, str], list]:
    """Start a fake Zalo (with its SMS gateway) and a fake GHN on loopback ports.

    Returns the environment that points the product at them, and the servers to stop.
    """
    zalo = FakeZalo().start()
    ghn = FakeGhn().start()
    env = {
        "GIANHANG_SMS_BACKEND": "zalo",
        "GIANHANG_ZALO_API_URL": zalo.url,
        "GIANHANG_ZALO_OAUTH_URL": zalo.url,
        "GIANHANG_ZALO_APP_ID": zalo.app_id,
        "GIANHANG_ZALO_APP_SECRET": zalo.secret_key,
        "GIANHANG_ZALO_REFRESH_TOKEN": zalo.refresh_token,
        "GIANHANG_ZALO_TEMPLATES": ",".join(f"{k}=demo-{k}" for k in MESSAGE_KINDS),
        "GIANHANG_ZALO_FALLBACK": "webhook",
        "GIANHANG_SMS_WEBHOOK_URL": f"{zalo.url}/sms",
        "GIANHANG_SMS_WEBHOOK_SECRET": "demo",
        "GIANHANG_GHN_API_URL": ghn.url,
        "GIANHANG_GHN_TOKEN": ghn.token,
    }
    return env, [zalo, ghn]

"""Zalo notification service (ZNS): the union OA's template messages, SMS when Zalo says no.

One Official Account serves every stall. Its access token lives about 25 hours and is
refreshed ahead of time with the refresh token, which Zalo replaces at each refresh: both
are kept in Redis (the broker's, which never evicts), under a lock so that only one
process refreshes. Zalo answers HTTP 200 with ``{"error": <code>, "message": ...}``;
each code is either retried later, answered by one refresh of the token, or handed to the
fallback (SMS), whose texts are already cut to one segment.
"""

from __future__ import annotations

import functools
import time
from typing import Any

import redis
import requests
from django.conf import settings

from logistics.channels import (
    PermanentSendError,
    RecordOnlyBackend,
    SendOutcome,
    TransientSendError,
    WebhookBackend,
)
from logistics.models import Notification

Channel = Notification.Channel

RETRY, TOKEN, FALLBACK = "retry", "token", "fallback"
# Zalo's documented ZNS error codes that are not "send it some other way".
ACTIONS = {
    -100: RETRY,  # unknown error, try again later
    -124: TOKEN,  # access token invalid or expired
    -133: RETRY,  # no ZNS at night (22:00–06:00): it waits for the morning
}
# Refresh this long before Zalo's expiry, so a message never leaves with a dying token.
REFRESH_MARGIN = 600
TIMEOUT = 10


class ZaloRefused(Exception):
    """Zalo will not carry this message (no Zalo account, template refused, quota...)."""


class FallbackPending(TransientSendError):
    """Zalo refused and SMS is busy: the retry goes straight to SMS."""

    def __init__(self, message: str, *, zalo_error: str) -> None:
        super().__init__(message)
        self.channel = Channel.SMS
        self.zalo_error = zalo_error


def zalo_phone(e164: str) -> str:
    """+84912345678 or 0912345678 → 84912345678, the form ZNS takes."""
    digits = "".join(ch for ch in e164 if ch.isdigit())
    if digits.startswith("0"):
        digits = "84" + digits[1:]
    return digits


@functools.lru_cache(maxsize=4)
def _redis(url: str) -> redis.Redis:
    """One client (and connection pool) per process for the token store."""
    return redis.Redis.from_url(
        url, socket_timeout=5, socket_connect_timeout=5, decode_responses=True
    )


class TokenStore:
    """The OA's access and refresh tokens, shared by every worker through Redis."""

    def __init__(self, app_id: str | None = None) -> None:
        self.app_id = settings.GIANHANG_ZALO_APP_ID if app_id is None else app_id
        self.url = settings.GIANHANG_ZALO_OAUTH_URL.rstrip("/") + "/v4/oa/access_token"
        self.redis = _redis(settings.REDIS_URL)

    def _key(self, name: str) -> str:
        return f"gianhang:zalo:{self.app_id}:{name}"

    def _current(self) -> tuple[str, float]:
        token, expires_at = self.redis.mget(self._key("access"), self._key("expires_at"))
        return str(token or ""), float(expires_at or 0)

    def access_token(self, *, stale: str = "") -> str:
        """A token with time left; ``stale`` is one Zalo just called invalid."""
        try:
            token, expires_at = self._current()
            if token and token != stale and expires_at - time.time() > REFRESH_MARGIN:
                return token
            with self.redis.lock(self._key("lock"), timeout=30, blocking_timeout=20):
                # Another process may have refreshed while this one waited.
                token, expires_at = self._current()
                if token and token != stale and expires_at - time.time() > REFRESH_MARGIN:
                    return token
                return self._refresh()
        except redis.RedisError as exc:
            raise TransientSendError(f"Redis: {exc}"[:300]) from exc

    def _refresh(self) -> str:
        seed = settings.GIANHANG_ZALO_REFRESH_TOKEN
        stored_seed, refresh_token = self.redis.mget(self._key("seed"), self._key("refresh"))
        # A new token in the environment (the OA was authorised again) wins over Redis's.
        if stored_seed != seed or not refresh_token:
            refresh_token = seed
        try:
            response = requests.post(
                self.url,
                data={
                    "app_id": self.app_id,
                    "grant_type": "refresh_token",
                    "refresh_token": refresh_token,
                },
                headers={"secret_key": settings.GIANHANG_ZALO_APP_SECRET},
                timeout=TIMEOUT,
            )
        except requests.RequestException as exc:
            raise TransientSendError(f"Zalo OAuth: {exc}"[:300]) from exc
        if response.status_code >= 500 or response.status_code == 429:
            raise TransientSendError(f"Zalo OAuth HTTP {response.status_code}")
        try:
            answer = response.json()
        except ValueError as exc:
            raise TransientSendError("Zalo OAuth: not JSON") from exc
        if not answer.get("access_token"):
            raise ZaloRefused(
                f"OAuth {answer.get('error')} {answer.get('error_name', '')}".strip()[:300]
            )
        expires_in = int(answer.get("expires_in") or 3600)
        with self.redis.pipeline() as pipe:
            pipe.set(self._key("access"), answer["access_token"])
            pipe.set(self._key("expires_at"), str(time.time() + expires_in))
            pipe.set(self._key("refresh"), answer.get("refresh_token") or refresh_token)
            pipe.set(self._key("seed"), seed)
            pipe.execute()
        return answer["access_token"]

    def forget(self) -> None:
        self.redis.delete(
            *(self._key(k) for k in ("access", "expires_at", "refresh", "seed", "lock"))
        )


FALLBACKS: dict[str, type[WebhookBackend] | type[RecordOnlyBackend]] = {
    "webhook": WebhookBackend,
    "record": RecordOnlyBackend,
}


class ZaloBackend:
    """ZNS first; SMS (the fallback backend) for phones without Zalo and refused templates."""

    name = "zalo"

    def __init__(self) -> None:
        self.fallback = FALLBACKS.get(settings.GIANHANG_ZALO_FALLBACK, WebhookBackend)()
        # The stored text is the fallback's: it must fit an SMS segment when Zalo says no.
        self.gsm7 = self.fallback.gsm7
        self.templates: dict[str, str] = settings.GIANHANG_ZALO_TEMPLATES
        self.url = settings.GIANHANG_ZALO_API_URL.rstrip("/") + "/message/template"
        self.configured = bool(
            settings.GIANHANG_ZALO_APP_ID
            and settings.GIANHANG_ZALO_APP_SECRET
            and settings.GIANHANG_ZALO_REFRESH_TOKEN
        )

    def send(
        self,
        *,
        phone: str,
        text: str,
        reference: str,
        kind: str = "",
        template_data: dict | None = None,
        channel: str = "",
        zalo_error: str = "",
        **message,
    ) -> SendOutcome:
        if channel != Channel.SMS:
            template_id = self.templates.get(kind, "")
            if not self.configured:
                zalo_error = "Zalo is not configured"
            elif not template_id or not template_data:
                zalo_error = f"no ZNS template for {kind or 'this message'}"
            else:
                try:
                    return self._send_zns(
                        phone=zalo_phone(phone),
                        template_id=template_id,
                        data=template_data,
                        tracking_id=reference,
                    )
                except ZaloRefused as exc:
                    zalo_error = str(exc)[:300]
        try:
            outcome = self.fallback.send(phone=phone, text=text, reference=reference)
        except TransientSendError as exc:
            raise FallbackPending(str(exc), zalo_error=zalo_error) from exc
        except PermanentSendError as exc:
            raise PermanentSendError(f"Zalo: {zalo_error}; SMS: {exc}"[:300]) from exc
        return SendOutcome(outcome.status, outcome.channel, zalo_error=zalo_error)

    def _send_zns(self, *, phone: str, template_id: str, data: dict, tracking_id: str):
        tokens = TokenStore()
        token = tokens.access_token()
        body: dict[str, Any] = {
            "phone": phone,
            "template_id": template_id,
            "template_data": data,
            "tracking_id": tracking_id,
        }
        for attempt in (1, 2):
            try:
                response = requests.post(
                    self.url,
                    json=body,
                    headers={"access_token": token},
                    timeout=TIMEOUT,
                )
            except requests.RequestException as exc:
                raise TransientSendError(f"Zalo: {exc}"[:300]) from exc
            if response.status_code >= 500 or response.status_code == 429:
                raise TransientSendError(f"Zalo HTTP {response.status_code}")
            if response.status_code >= 400:
                raise ZaloRefused(f"HTTP {response.status_code}")
            try:
                answer = response.json()
                code = int(answer.get("error", -100))
            except (ValueError, TypeError, AttributeError) as exc:
                raise TransientSendError("Zalo: answer is not JSON") from exc
            if code == 0:
                msg_id = str((answer.get("data") or {}).get("msg_id", ""))
                return SendOutcome(Notification.Status.SENT, Channel.ZNS, provider_id=msg_id)
            said = f"{code} {answer.get('message', '')}".strip()[:300]
            action = ACTIONS.get(code, FALLBACK)
            if action == TOKEN and attempt == 1:
                token = tokens.access_token(stale=token)
                continue
            if action == RETRY:
                raise TransientSendError(f"Zalo {said}")
            raise ZaloRefused(said)
        raise ZaloRefused("token refused twice")  # pragma: no cover - the loop returns or raises

"""The one answer to "which address did this request come from", for every limit and log.

Behind the proxy every request arrives from the proxy's own address, so ``REMOTE_ADDR``
alone would put all visitors of all stalls in one bucket. ``X-Forwarded-For`` tells the
visitor's address, but anyone can write that header: it is believed only when the peer
that actually connected (``REMOTE_ADDR``) is one of ``GIANHANG_TRUSTED_PROXIES``.

The header is then read from the right: each trusted proxy appends the address it saw,
so the first entry from the right that is not a trusted proxy is the last address no one
of ours could have been lied to about. Entries further left were written by the client
and are ignored. (django-ipware / python-ipware match trusted proxies against entries of
the header itself, never against the peer that connected, so a client talking to the
web server directly could still choose its address; that is why it is not used here.)
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

UNKNOWN = "unknown"


def trusted_networks_parse(entries: Iterable[str]) -> tuple[Network, ...]:
    """``["127.0.0.1", "10.0.0.0/8"]`` → networks; a wrong entry stops start-up."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"GIANHANG_TRUSTED_PROXIES: {entry!r} is not an IP address or network "
                f"(e.g. 127.0.0.1 or 172.30.80.0/24)."
            ) from None
    return tuple(networks)


@lru_cache(maxsize=4)
def _trusted(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return trusted_networks_parse(entries)


def _address(text: str) -> Address | None:
    text = text.strip().strip('"')
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 203.0.113.7:51234
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _is_trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address in network for network in networks)


def client_ip(request) -> str:
    """The visitor's address as text: the proxy's word only when the proxy is the peer."""
    meta = request.META
    peer = _address(meta.get("REMOTE_ADDR", "") or "")
    if peer is None:
        return UNKNOWN
    networks = _trusted(tuple(settings.GIANHANG_TRUSTED_PROXIES))
    if not networks or not _is_trusted(peer, networks):
        return str(peer)
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    client = peer
    for entry in reversed(forwarded.split(",")):
        address = _address(entry)
        if address is None:
            # Garbage in the chain: nothing left of it can be believed.
            break
        client = address
        if not _is_trusted(address, networks):
            break
    return str(client)


def peer_is_trusted_proxy(request) -> bool:
    peer = _address(request.META.get("REMOTE_ADDR", "") or "")
    networks = _trusted(tuple(settings.GIANHANG_TRUSTED_PROXIES))
    return peer is not None and bool(networks) and _is_trusted(peer, networks)


# What only our proxy may tell: who the visitor is, which scheme and host they asked for.
_PROXY_HEADERS = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
)


class ProxyHeadersMiddleware:
    """Drop the proxy's headers from a request that did not come through the proxy.

    ``SECURE_PROXY_SSL_HEADER`` makes Django believe ``X-Forwarded-Proto`` from whoever
    sends it; a visitor who reaches the web server directly could otherwise claim HTTPS.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not peer_is_trusted_proxy(request):
            for header in _PROXY_HEADERS:
                request.META.pop(header, None)
        return self.get_response(request)

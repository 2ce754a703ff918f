"""The text a person sees on a page (and hears from a screen reader), and English words in it."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Words of English interfaces. Words that are also Vietnamese without tone marks
# ("in", "an", "to", "do", "no", "con", "can", "ban", "tin", "the"...) are left out.
ENGLISH_WORDS = frozenset(
    [
        "about",
        "account",
        "action",
        "actions",
        "add",
        "added",
        "address",
        "all",
        "and",
        "back",
        "batch",
        "batches",
        "by",
        "cancel",
        "cancelled",
        "change",
        "changed",
        "choose",
        "clear",
        "close",
        "closed",
        "confirm",
        "confirmed",
        "content",
        "created",
        "currently",
        "date",
        "delete",
        "deleted",
        "delivered",
        "delivery",
        "detail",
        "details",
        "donation",
        "donations",
        "draft",
        "edit",
        "email_address",
        "error",
        "errors",
        "failed",
        "false",
        "field",
        "file",
        "filter",
        "for",
        "forbidden",
        "found",
        "from",
        "handed",
        "history",
        "home",
        "item",
        "items",
        "kind",
        "last",
        "line",
        "lines",
        "list",
        "log",
        "login",
        "logout",
        "main",
        "name",
        "next",
        "none",
        "not",
        "notes",
        "null",
        "of",
        "open",
        "or",
        "order",
        "orders",
        "out",
        "packed",
        "page",
        "parcel",
        "parcels",
        "password",
        "phone",
        "placed",
        "planned",
        "position",
        "previous",
        "quantity",
        "ready",
        "required",
        "route",
        "routed",
        "routes",
        "run",
        "runs",
        "save",
        "saved",
        "search",
        "select",
        "selected",
        "server",
        "settings",
        "show",
        "skip",
        "sign",
        "state",
        "status",
        "stock",
        "submit",
        "that",
        "theme",
        "this",
        "toggle",
        "true",
        "upload",
        "user",
        "username",
        "view",
        "volunteer",
        "volunteers",
        "with",
        "yes",
        "your",
    ]
)
# Names and code words a person may see as they are.
ALLOWED = {"English", "JSON", "CSV", "PDF", "JPEG", "PNG", "WebP", "MB", "km", "email", "OK"}

_ATTRIBUTES = ("placeholder", "aria-label", "alt", "title")
_SKIP = {"script", "style", "template", "noscript"}


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP:
            self._skip += 1
        values = dict(attrs)
        for name in _ATTRIBUTES:
            if values.get(name):
                self.parts.append(values[name])
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(values["value"])

    def handle_endtag(self, tag):
        if tag in _SKIP and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def english_words(text: str) -> list[str]:
    text = re.sub(r"(?<!\S)/\S*", " ", text)  # addresses (/can-bo/...?a=b) are code words
    words = re.findall(r"[A-Za-z][A-Za-z_]+", text)
    return sorted({w for w in words if w not in ALLOWED and w.lower() in ENGLISH_WORDS})

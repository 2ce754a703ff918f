"""Isolation sweep: every URL of a stall host, filled with stall A's real ids, tried by B.

The URL patterns are read from the resolver at run time, so pages and API routes added
by any app are swept without touching this file. An officer of stall B must get a refusal
(302 to a login page, 403, 404, 405) or exactly what an anonymous visitor gets, and never a
byte of A's personal data; on B's own host, A's ids must lead to nothing of A at all.
"""

from __future__ import annotations

import itertools
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import URLResolver, get_resolver
from django.utils.regex_helper import normalize

from catalog.models import Order
from privacy.models import DataRequest, SubjectKind
from privacy.notices import NOTICE_CURRENT
from privacy.services import access_log_write, consent_record, data_request_open
from tests.conftest import in_stall

PERSONAL_CANARIES = (
    "Canary Người Nhận A",
    "+84911222333",
    "Ấp Canary số 9",
    "Ghi chú canary A",
    "Mẹ Canary A",
)
ITEM_CANARY = "Món Canary A"  # public on A's storefront, never on B's host
ORDER_CODE = "CNRY-AAA1"
DENIED = {403, 404, 405}
SKIPPED_NAMES = {"logout"}  # would end the session the sweep is testing with
# Sign-in pages answer a signed-in person about their own account only ("not an officer of
# this stall", "set your new password"); the canary check above still applies to them.
OWN_ACCOUNT_PREFIX = "/dang-nhap/"


def _walk(patterns, prefix=""):
    for pattern in patterns:
        regex = pattern.pattern.regex.pattern.lstrip("^").rstrip("$").replace(r"\Z", "")
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + regex)
        else:
            yield prefix + regex, pattern


def _candidate_values(name: str, ids: dict) -> list[str]:
    if name == "schema":
        return [ids["schema"]]
    if name == "path":
        return ["items/canary.txt"]
    if name == "app_label":
        return ["catalog"]
    if name == "content_type_id":
        return [str(ids["content_type"])]
    if name == "url":
        return [f"catalog/order/{ids['order']}/change/", f"catalog/item/{ids['item']}/change/"]
    if name == "fmt":
        return ["json", "csv"]
    if name in ("code", "order_code", "tracking_code"):
        return [ids["code"]]
    if name == "version":
        return [NOTICE_CURRENT]
    # Any other parameter: every one of A's ids and codes in turn.
    return sorted({str(v) for k, v in ids.items() if k not in ("schema", "content_type")})


def sweep_urls(urlconf: str, ids: dict) -> dict[str, list[str]]:
    """{pattern: [concrete URLs]} for every pattern of the URLconf, filled with A's ids."""
    resolver = get_resolver(urlconf)
    out: dict[str, list[str]] = {}
    for regex, pattern in _walk(resolver.url_patterns):
        if pattern.name in SKIPPED_NAMES:
            continue
        urls: set[str] = set()
        for template, params in normalize(regex):
            choices = [_candidate_values(p, ids) for p in params]
            for combo in itertools.product(*choices):
                url = "/" + (template % dict(zip(params, combo, strict=True)))
                try:
                    match = resolver.resolve(url)
                except Exception:  # noqa: BLE001,S112 - a value the converter refuses: no URL
                    continue
                if match.func is pattern.callback or match.url_name == pattern.name:
                    urls.add(url)
        out[f"{pattern.name or '-'} {regex}"] = sorted(urls)
    return out


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def _is_denied(response) -> bool:
    # A redirect (to a login page, or away from a login page for someone signed in) shows
    # nothing; its Location is checked for canaries like a body.
    return response.status_code in (301, 302, *DENIED)


@pytest.fixture
def canary_stall_a(stall_a, order_factory, officer_factory, settings, tmp_path, fresh_limits):
    fresh_limits(stall_a)
    settings.MEDIA_ROOT = tmp_path
    media = tmp_path / stall_a.schema_name / "items"
    media.mkdir(parents=True)
    (media / "canary.txt").write_text(ITEM_CANARY)  # an item photo: public on A's host
    order = order_factory(
        stall_a,
        code=ORDER_CODE,
        name=PERSONAL_CANARIES[0],
        phone=PERSONAL_CANARIES[1],
        address_line=PERSONAL_CANARIES[2],
        note=PERSONAL_CANARIES[3],
        title=ITEM_CANARY,
        recipient_is_minor=True,
        guardian_name=PERSONAL_CANARIES[4],
        guardian_phone="+84911000999",
    )
    officer_a = officer_factory(stall_a)
    with in_stall(stall_a):
        consent = consent_record(
            subject_kind=SubjectKind.RECIPIENT,
            subject_id=order.pk,
            subject_is_minor=True,
            guardian_name=PERSONAL_CANARIES[4],
            guardian_phone="+84911000999",
        )
        request = data_request_open(subject_id=order.pk, kind=DataRequest.Kind.DELETE)
        log = access_log_write(
            user=officer_a, action="view", object_type="catalog.order", object_id=order.pk, path="/"
        )
        item_id = order.lines.get().item_id
    return {
        "schema": stall_a.schema_name,
        "order": order.pk,
        "item": item_id,
        "code": ORDER_CODE,
        "request": request.pk,
        "consent": consent.pk,
        "log": log.pk,
        "content_type": ContentType.objects.get_for_model(Order).pk,
        "last4": "2333",
    }


def _check(
    client, anonymous, url: str, method: str, failures: list[str], *, own_host: bool
) -> None:
    """One request by B's officer. On A's host: refused, or no more than anyone gets.

    On B's own host ids are only numbers (every schema counts from 1, so B may well have
    an order #1 of its own): there the rule is that nothing of A shows, whatever the status.
    """
    response = getattr(client, method)(url)
    body = _body(response) + response.get("Location", "")
    leaked = [c for c in PERSONAL_CANARIES if c in body]
    if own_host and ITEM_CANARY in body:
        leaked.append(ITEM_CANARY)
    if leaked:
        failures.append(f"{method.upper()} {url} -> {response.status_code} leaked {leaked}")
        return
    if own_host or _is_denied(response) or url.startswith(OWN_ACCOUNT_PREFIX):
        return
    # Not refused on A's host: then it must be a public page, answering B as anyone.
    public = getattr(anonymous, method)(url)
    if public.status_code != response.status_code:
        failures.append(
            f"{method.upper()} {url} -> {response.status_code} for B's officer, "
            f"{public.status_code} for an anonymous visitor"
        )
    elif ITEM_CANARY in body and ITEM_CANARY not in _body(public):
        failures.append(f"{method.upper()} {url} shows A's item to B but not to the public")


def test_an_officer_of_b_gets_nothing_of_a_anywhere(
    canary_stall_a, stall_a, stall_b, officer_factory, client_for
):
    officer_b = officer_factory(stall_b)
    urls = sweep_urls("gianhang.urls_tenant", canary_stall_a)
    covered = {pattern: found for pattern, found in urls.items() if found}
    print(f"\nisolation sweep covered {len(covered)} URL patterns:")
    for pattern, found in sorted(covered.items()):
        print(f"  {pattern}  ({len(found)} URLs)")
    assert len(covered) >= 20, covered
    assert any("/api/" in url for found in covered.values() for url in found) or not any(
        "api/v1/" in p for p in urls
    ), "API routes were not swept"

    failures: list[str] = []
    on_a = client_for(stall_a, officer_b)  # B's officer signs in on A's host
    on_b = client_for(stall_b, officer_b)  # B's officer at home, with A's ids
    anon_a, anon_b = client_for(stall_a), client_for(stall_b)
    for found in covered.values():
        for url in found:
            for method in ("get", "post"):
                _check(on_a, anon_a, url, method, failures, own_host=False)
                _check(on_b, anon_b, url, method, failures, own_host=True)
    assert not failures, "\n".join(failures)

    with in_stall(stall_a):  # and nothing of A was changed by all those requests
        order = Order.objects.get(code=ORDER_CODE)
        assert order.recipient_name == PERSONAL_CANARIES[0]
        assert order.state == "placed"
        assert DataRequest.objects.get(pk=canary_stall_a["request"]).state == "pending"


def test_the_public_host_shows_no_stall_data(canary_stall_a, stall_b, officer_factory, client_for):
    officer_b = officer_factory(stall_b)
    urls = sweep_urls("gianhang.urls_public", canary_stall_a)
    client = client_for(None, officer_b)
    failures = []
    for found in urls.values():
        for url in found:
            for method in ("get", "post"):
                body = _body(getattr(client, method)(url))
                leaked = [c for c in (*PERSONAL_CANARIES, ITEM_CANARY) if c in body]
                if leaked:
                    failures.append(f"{method.upper()} {url} leaked {leaked}")
    assert not failures, "\n".join(failures)


def test_the_sweep_finds_a_leak_when_there_is_one(canary_stall_a, stall_a, client_for):
    """The sweep's own check catches a page that shows A's data to anyone."""
    failures: list[str] = []

    class Leaky:
        def get(self, url):
            from django.http import HttpResponse

            return HttpResponse(f"<p>{PERSONAL_CANARIES[0]}</p>")

    _check(Leaky(), Leaky(), "/x/", "get", failures, own_host=True)
    assert failures
    assert re.search("leaked", failures[0])


def test_the_sweep_sees_what_as_own_officer_legitimately_sees(
    canary_stall_a, stall_a, client_for, officer_factory
):
    """Run as A's own officer, the same sweep reports A's export: it can see a leak."""
    officer_a = officer_factory(stall_a, username="canbo-a-2@example.vn")
    urls = sweep_urls("gianhang.urls_tenant", canary_stall_a)
    exports = [url for pattern, found in urls.items() if "order-export" in pattern for url in found]
    failures: list[str] = []
    client = client_for(stall_a, officer_a)
    for url in exports:
        _check(client, client_for(stall_a), url, "get", failures, own_host=False)
    assert any("leaked" in failure for failure in failures), failures

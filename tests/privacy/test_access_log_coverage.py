"""Every staff page, PDF, CSV and API answer that shows personal data writes the access log.

The test fills a stall with people whose names carry a marker, signs in as its officer
through the login form, opens every URL of the stall's host with every id filled in, and
fails when a response shows a marker without a new line in the access log.
"""

from __future__ import annotations

import io
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from pypdf import PdfReader

from catalog.models import Category, Donation, Order
from distribution.models import Request
from distribution.wishes import wish_leave
from logistics.batches import batch_build
from logistics.models import Notification, Parcel, Route, RunStop
from logistics.routing import order_route
from logistics.runs import route_link_token, run_for_new_stops, run_plan, volunteer_signup
from privacy.audit import is_audited
from privacy.models import AccessLog, DataRequest
from privacy.notices import NOTICE_CURRENT
from privacy.services import data_request_open
from tenants.models import Membership
from tests.catalog.factories import item_make
from tests.conftest import in_stall, make_user
from tests.distribution.factories import request_make, round_make
from tests.logistics.factories import (
    far_commune,
    order_make,
    school_commune,
    stall_place,
    volunteer_make,
)

pytestmark = pytest.mark.django_db

MARK = "Canarywalk"
# The person's own pages (reached with their code and phone) are theirs, not staff views.
OWN_PAGES = {
    "privacy:lookup",
    "privacy:my-data",
    "privacy:volunteer-start",
    "privacy:volunteer-data",
    "privacy:volunteer-copy",
    "catalog:order",
    "catalog:track",
}
# Pages that must show personal data (so the walk cannot pass by showing nothing).
MUST_SHOW = {
    "logistics:route-sheet",
    "logistics:batch-document",
    "logistics:batch",
    "logistics:run",
    "logistics:outbox",
    "catalog:packing-slips",
    "privacy:order-export",
    "privacy:subject-export",
    "workspace:volunteers",
    "privacy:volunteer-officer",
    "officer-order-detail",
    "workspace:round",
    "workspace:wishes",
}


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), f"{namespace}{pattern.name or ''}", pattern


def _text(response) -> str:
    body = b"".join(response) if response.streaming else response.content
    if body.startswith(b"%PDF"):
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    return body.decode("utf-8", errors="replace")


def _stall_with_people(stall):
    stall_place(stall)
    with in_stall(stall):
        near = order_make(area=school_commune(), state=Order.State.PACKED, name=f"{MARK} Gần")
        order_route(order_id=near.pk)
        run = run_for_new_stops()
        people = [volunteer_make(name=f"{MARK} Đoàn Viên {n}") for n in ("Một", "Hai")]
        for person in people:
            volunteer_signup(volunteer=person, run=run)
        run_plan(run=run, seconds=0)
        far = order_make(
            area=far_commune(), state=Order.State.PACKED, delivery="post", name=f"{MARK} Xa"
        )
        batch = batch_build()
        notification = Notification.objects.create(
            order=near,
            event=near.events.first(),
            phone=near.phone,
            text=f"{MARK} tin nhắn",
            backend="log",
        )
        Donation.objects.create(donor_name=f"{MARK} Người Tặng", received_on="2026-03-02")
        request = data_request_open(subject_id=far.pk, kind=DataRequest.Kind.EXPORT)
        route = Route.objects.get(run=run)
        round_ = round_make(items=[(item_make(title="Xe đạp", quantity=1), 1)])
        asked = request_make(stall=stall, round_=round_, phone="0912345098")
        Request.objects.filter(pk=asked.pk).update(recipient_name=f"{MARK} Người Xin")
        wish_leave(
            phone="0912345096", category=Category.objects.get(slug="giay-dep"), note=f"{MARK} cỡ"
        )
    # A colleague, for the page that gives an officer a temporary password.
    colleague = make_user(
        f"dong-nghiep-{stall.slug}@example.vn", unit=stall.unit, role=Membership.Role.SCHOOL_OFFICER
    )
    with in_stall(stall):
        return {
            "user_id": colleague.pk,
            "round_id": round_.pk,
            "run_id": run.pk,
            "route_id": route.pk,
            "batch_id": batch.pk,
            "stop_id": RunStop.objects.get(order=near).pk,
            "order_id": near.pk,
            "parcel_id": Parcel.objects.get(order=far).pk,
            "request_id": request.pk,
            "notification_id": notification.pk,
            "code": near.code,
            "pk": near.pk,
            "version": NOTICE_CURRENT,
            "token": route_link_token(route=route),
            "fmt": ["json", "csv"],
            "kind": ["bang-ke.pdf", "bang-ke.csv", "nhan.pdf"],
            "ids": [near.pk, far.pk],
            "app_label": ["catalog", "logistics"],
            "subject_kind": ["recipient", "volunteer", "donor"],
            "subject_id": near.pk,
            "volunteer_id": people[0].pk,
        }


def _urls(values):
    """(url, name, view) for every GET-able URL of the stall's host, ids filled in."""
    skipped = []
    for route, name, pattern in _walk(get_resolver("gianhang.urls_tenant").url_patterns):
        if name in OWN_PAGES or route.startswith(("media/", "static/")):
            continue
        if "<url>" in route or "<path:content_type_id>" in route:
            continue  # the admin's catch-all and its "view on site" redirect
        admin_model = getattr(pattern.callback, "model_admin", None)
        if admin_model is not None and "<path:object_id>" in route:
            first = admin_model.model._default_manager.order_by("pk").first()
            if first is None:
                skipped.append(route)
                continue
            route = route.replace("<path:object_id>", str(first.pk))
        route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", route).replace("^", "").replace("$", "")
        keys = re.findall(r"<(?:\w+:)?(\w+)>", route)
        if "format" in keys:
            continue  # DRF's suffix variants answer the same as the plain URL
        combos = [{}]
        for key in keys:
            if key not in values:
                skipped.append(route)
                combos = []
                break
            options = values[key] if isinstance(values[key], list) else [values[key]]
            combos = [{**c, key: option} for c in combos for option in options]
        for combo in combos:
            url = route
            for key, value in combo.items():
                url = re.sub(rf"<(?:\w+:)?{key}>", str(value), url)
            if name == "catalog:packing-slips":
                url += "?" + "&".join(f"id={i}" for i in values["ids"])
            yield "/" + url, name, pattern.callback
    assert skipped == [], f"URLs the walk could not fill in: {skipped}"


def _visit(stall, client, urls):
    """Open each URL; return (names that showed a marker, URLs that showed one unlogged,
    names that answered 200 with a log line, every (url, status))."""
    showing, unlogged, logged_names, statuses = set(), [], set(), []
    for url, name, _view in urls:
        with in_stall(stall):
            before = AccessLog.objects.count()
        response = client.get(url)
        statuses.append((url, response.status_code))
        if response.status_code != 200:
            continue
        with in_stall(stall):
            logged = AccessLog.objects.count() > before
        if logged:
            logged_names.add(name)
        if MARK in _text(response):
            showing.add(name)
            if not logged:
                unlogged.append(url)
    return showing, unlogged, logged_names, statuses


def test_every_staff_url_that_shows_personal_data_writes_the_access_log(
    stall_a, officer_factory, client_for
):
    values = _stall_with_people(stall_a)
    officer = officer_factory(stall_a)
    client = client_for(stall_a, officer)  # through the real login form
    with in_stall(stall_a):
        urls = list(_urls(values))
    showing, unlogged, _logged, statuses = _visit(stall_a, client, urls)
    assert [u for u, status in statuses if status >= 500] == []
    assert unlogged == [], f"personal data shown without an access-log line: {unlogged}"
    assert showing >= MUST_SHOW, MUST_SHOW - showing


# The stall's admin pages a platform admin opens that must show people (so the walk cannot
# pass by showing nothing) and be logged: an order, a volunteer, a postal batch's parcels.
ADMIN_MUST_SHOW = {
    "stall_admin:catalog_order_change",
    "stall_admin:catalog_order_changelist",
    "stall_admin:logistics_volunteer_change",
    "stall_admin:logistics_volunteer_changelist",
    "stall_admin:logistics_postalbatch_change",
    "stall_admin:autocomplete",
}


def _admin_autocomplete_urls():
    """The admin's search-as-you-type answers (JSON of names), one per autocomplete field."""
    from tenants.admin_sites import stall_admin_site

    for model, model_admin in stall_admin_site._registry.items():
        for admin_class in (type(model_admin), *model_admin.inlines):
            source = getattr(admin_class, "model", None) or model
            for field in getattr(admin_class, "autocomplete_fields", ()):
                query = (
                    f"app_label={source._meta.app_label}&model_name={source._meta.model_name}"
                    f"&field_name={field}&term={MARK[:4]}"
                )
                yield f"/quan-tri/autocomplete/?{query}", "stall_admin:autocomplete", None


def test_every_stall_admin_page_a_platform_admin_opens_with_personal_data_is_logged(
    stall_a, client_for
):
    values = _stall_with_people(stall_a)
    with in_stall(stall_a):
        Parcel.objects.update(tracking_number=f"{MARK}VN01")
    admin = make_user(
        "quantri-walk@example.vn",
        unit=stall_a.unit.parent.parent,
        role=Membership.Role.PLATFORM_ADMIN,
    )
    client = client_for(stall_a, admin)  # through the real login form, on the stall's host
    with in_stall(stall_a):
        urls = [u for u in _urls(values) if u[1].startswith("stall_admin:")]
    urls += _admin_autocomplete_urls()
    showing, unlogged, logged, statuses = _visit(stall_a, client, urls)
    assert [u for u, status in statuses if status >= 500] == []
    assert unlogged == [], f"personal data shown without an access-log line: {unlogged}"
    assert showing >= ADMIN_MUST_SHOW, ADMIN_MUST_SHOW - showing
    assert logged >= ADMIN_MUST_SHOW


def test_printing_a_route_sheet_adds_a_line_the_officers_can_read(
    stall_a, officer_factory, client_for
):
    values = _stall_with_people(stall_a)
    officer = officer_factory(stall_a)
    client = client_for(stall_a, officer)
    response = client.get(f"/giao-nhan/tuyen/{values['route_id']}/phieu.pdf")
    assert response.status_code == 200
    assert f"{MARK} Gần" in _text(response)
    page = client.get("/can-bo/bao-mat/nhat-ky/").content.decode()
    assert f"/giao-nhan/tuyen/{values['route_id']}/phieu.pdf" in page
    assert officer.username in page


def test_every_view_marked_in_code_is_known_to_the_walk():
    marked = [
        name
        for _route, name, pattern in _walk(get_resolver("gianhang.urls_tenant").url_patterns)
        if is_audited(pattern.callback)
    ]
    assert set(marked) >= {
        "logistics:route-sheet",
        "logistics:batch-document",
        "catalog:packing-slips",
        "privacy:order-export",
    }


def test_a_volunteer_opening_a_route_link_is_logged_without_the_link_secret(stall_a, client_for):
    values = _stall_with_people(stall_a)
    response = client_for(stall_a).get(f"/giao/{values['token']}/")
    assert response.status_code == 200
    assert f"{MARK} Gần" in _text(response)
    with in_stall(stall_a):
        entry = AccessLog.objects.get()
    assert (entry.user_id, entry.username) == (0, "liên kết tuyến giao")
    assert (entry.object_type, entry.object_id) == ("logistics.route", str(values["route_id"]))
    assert values["token"] not in entry.path


def test_a_platform_admin_changing_or_deleting_a_volunteer_in_the_stall_admin_is_logged(
    stall_a, client_for
):
    _stall_with_people(stall_a)
    with in_stall(stall_a):
        extra = volunteer_make(name=f"{MARK} Đoàn Viên Ba")
    admin = make_user(
        "quantri-sua@example.vn",
        unit=stall_a.unit.parent.parent,
        role=Membership.Role.PLATFORM_ADMIN,
    )
    client = client_for(stall_a, admin)
    # Asking to delete from the list shows the names to confirm: a view.
    confirm = client.post(
        "/quan-tri/logistics/volunteer/",
        {"action": "delete_selected", "_selected_action": [extra.pk]},
    )
    assert confirm.status_code == 200
    assert f"{MARK} Đoàn Viên Ba" in confirm.content.decode()
    # Confirming deletes (a redirect back to the list).
    done = client.post(f"/quan-tri/logistics/volunteer/{extra.pk}/delete/", {"post": "yes"})
    assert done.status_code == 302
    with in_stall(stall_a):
        entries = list(
            AccessLog.objects.filter(user_id=admin.pk)
            .order_by("pk")
            .values_list("action", "object_type", "object_id")
        )
    assert entries == [
        ("view", "logistics.volunteer", ""),
        ("delete", "logistics.volunteer", str(extra.pk)),
    ]

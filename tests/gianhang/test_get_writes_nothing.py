"""Opening a page writes nothing: a GET (a tab, a link prefetch, a crawler, the back button)
never creates or changes the stall's rows. Only the audit trail of who saw personal data
(the access log) and the visitor's own session may be written on a GET.

The walk opens every URL of a stall's host, ids filled in, as its officer signed in through
the login form, and lists every INSERT, UPDATE or DELETE the request sent.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver

from logistics.models import SaturdayRun
from tenants.models import Membership
from tests.conftest import in_stall, make_user
from tests.privacy.test_access_log_coverage import _stall_with_people, _urls, _walk

pytestmark = pytest.mark.django_db

# The access log (its historical table name) and the session: written on purpose on a GET.
ALLOWED_TABLES = {"catalog_accesslog", "django_session"}
_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(?:\w+"?\.)?"?(\w+)"?', re.I)


def _writes(queries) -> list[str]:
    tables = []
    for query in queries:
        match = _WRITE.match(query["sql"])
        if match and match.group(1) not in ALLOWED_TABLES:
            tables.append(match.group(1))
    return tables


def test_no_get_of_any_stall_page_writes_a_row(stall_a, officer_factory, client_for):
    values = _stall_with_people(stall_a)
    client = client_for(stall_a, officer_factory(stall_a))  # through the real login form
    with in_stall(stall_a):
        urls = list(_urls(values))
    assert len(urls) > 40  # the walk reaches the pages at all
    writing, opened = {}, 0
    for url, _name, _view in urls:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        opened += response.status_code == 200
        if tables := _writes(captured.captured_queries):
            writing[url] = sorted(set(tables))
    assert opened > 30
    assert writing == {}, f"GET requests that wrote rows: {writing}"


def test_no_get_of_a_dashboard_or_report_writes_a_row(stall_a, client_for):
    province = stall_a.unit.parent.parent
    officer = make_user("tinh@example.vn", unit=province, role=Membership.Role.PROVINCE_OFFICER)
    client = client_for(None, officer)
    values = {"unit_id": [province.pk, stall_a.unit.parent.pk], "fmt": ["csv", "xlsx", "pdf"]}
    urls = []
    for route, _name, _pattern in _walk(get_resolver("gianhang.urls_public").url_patterns):
        keys = re.findall(r"<(?:\w+:)?(\w+)>", route)
        if route.startswith("quan-tri/") or not set(keys) <= set(values):
            continue  # the platform admin (Django's own) and pages needing other ids
        combos = [{}]
        for key in keys:
            combos = [{**c, key: v} for c in combos for v in values[key]]
        for combo in combos:
            url = route
            for key, value in combo.items():
                url = re.sub(rf"<(?:\w+:)?{key}>", str(value), url)
            urls.append("/" + url)
    assert f"/bao-cao/don-vi/{province.pk}/bao-cao.pdf" in urls
    writing, opened = {}, 0
    for url in urls:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        opened += response.status_code == 200
        if tables := _writes(captured.captured_queries):
            writing[url] = sorted(set(tables))
    assert opened > 8, urls
    assert writing == {}, f"GET requests that wrote rows: {writing}"


def test_the_saturday_run_tab_opens_no_run_and_a_post_does(stall_a, officer_factory, client_for):
    client = client_for(stall_a, officer_factory(stall_a))
    response = client.get("/giao-nhan/chuyen/sap-toi/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Chưa có chuyến nào sắp tới" in body
    assert 'method="post"' in body
    with in_stall(stall_a):
        assert not SaturdayRun.objects.exists()
    response = client.post("/giao-nhan/chuyen/sap-toi/")
    with in_stall(stall_a):
        run = SaturdayRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/giao-nhan/chuyen/{run.pk}/"
    # Once there is a run, the tab goes straight to it, still without writing.
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/giao-nhan/chuyen/sap-toi/")
    assert response["Location"] == f"/giao-nhan/chuyen/{run.pk}/"
    assert _writes(captured.captured_queries) == []

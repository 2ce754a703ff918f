"""The page of last resort: 503 with Retry-After while the database is away, never English."""

from __future__ import annotations

import importlib
import json

import pytest
from django.db import OperationalError
from django.test import RequestFactory

from gianhang.errors import server_error


def _answer(path: str, error: Exception):
    request = RequestFactory().get(path)
    try:
        raise error
    except Exception:  # noqa: BLE001 - the handler reads the exception being handled
        return server_error(request)


def test_a_database_outage_is_a_503_with_retry_after_in_vietnamese():
    page = _answer("/hang/", OperationalError("server closed the connection unexpectedly"))
    assert page.status_code == 503
    assert page["Retry-After"] == "10"
    body = page.content.decode()
    assert "Hãy thử lại sau khoảng 10 giây" in body
    assert "server closed" not in body  # nothing of the driver's message leaks


def test_the_api_gets_the_same_answer_as_json():
    answer = _answer("/api/v1/orders/", OperationalError("the database system is shutting down"))
    assert answer.status_code == 503
    assert json.loads(answer.content)["detail"].startswith("Máy chủ đang khởi động lại")


def test_an_error_raised_while_the_outage_was_being_handled_is_still_a_503():
    from django.db.transaction import TransactionManagementError

    def cleaning_up_after_the_outage():
        try:
            raise OperationalError("server closed the connection unexpectedly")
        except OperationalError:
            raise TransactionManagementError("You can't execute queries until the end") from None

    request = RequestFactory().get("/hang/")
    try:
        cleaning_up_after_the_outage()
    except Exception:  # noqa: BLE001 - the handler reads the exception being handled
        page = server_error(request)
    assert page.status_code == 503


def test_any_other_failure_is_a_short_vietnamese_500():
    page = _answer("/hang/", ZeroDivisionError("boom"))
    assert page.status_code == 500
    assert "Xin lỗi, trang này đang gặp lỗi" in page.content.decode()
    assert "boom" not in page.content.decode()
    assert "Retry-After" not in page


@pytest.mark.parametrize("conf", ["gianhang.urls_public", "gianhang.urls_tenant"])
def test_both_hosts_use_it(conf):
    assert importlib.import_module(conf).handler500 == "gianhang.errors.server_error"

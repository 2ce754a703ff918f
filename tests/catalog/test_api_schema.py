"""schemathesis against /api/schema/ on a stall: no 5xx, responses match the schema."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from gianhang.wsgi import application
from tests.catalog.factories import item_make
from tests.conftest import host_of, in_stall

pytestmark = pytest.mark.slow


@pytest.fixture
def stall_host(live_stall_factory):
    stall = live_stall_factory()
    with in_stall(stall):
        item_make(title="Áo dài trắng", quantity=3)
        item_make(title="Giày bata", category="giay-dep", size_kind="shoe", size="38")
    return host_of(stall)


def test_api_never_errors_and_matches_its_schema(stall_host):
    schema = schemathesis.openapi.from_wsgi(
        "/api/schema/", application, headers={"Host": stall_host}
    )
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]
    tested = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=15,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            case.call_and_validate(headers={"Host": stall_host}, checks=checks)

        run()
        tested.append(operation.label)
    assert "POST /api/v1/orders/" in tested
    assert "GET /api/v1/items/" in tested

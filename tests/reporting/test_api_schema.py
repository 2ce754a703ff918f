"""schemathesis against /api/schema/ on the public host, all checks, anonymous and signed in."""

from __future__ import annotations

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from gianhang.wsgi import application
from tenants.models import Membership
from tests.conftest import _district, make_user

pytestmark = pytest.mark.slow


@pytest.fixture
def officer_cookie(live_stall_factory, client_for):
    # live_stall_factory: committed rows, seen by the WSGI app's own connection handling.
    officer = make_user(
        "schema-huyen@example.vn", unit=_district(), role=Membership.Role.DISTRICT_OFFICER
    )
    client = client_for(None, officer)  # through the real login form
    assert client.get("/api/v1/reports/units/").status_code == 200  # the cookie signs in
    yield f"sessionid={client.cookies['sessionid'].value}"
    get_user_model().objects.filter(pk=officer.pk).delete()


def test_public_api_never_errors_and_matches_its_schema(officer_cookie):
    schema = schemathesis.openapi.from_wsgi(
        "/api/schema/", application, headers={"Host": "localhost"}
    )
    tested = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for headers in ({"Host": "localhost"}, {"Host": "localhost", "Cookie": officer_cookie}):
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                _run_all_checks(operation, mode, headers)
        tested.append(operation.label)
    assert "GET /api/v1/reports/units/{unit_id}/" in tested


def _run_all_checks(operation, mode, headers: dict) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=15,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        # As on the stall: every check but "schema-valid data is accepted" (see there).
        # The test client does not decode compressed answers: ask for plain ones.
        case.call_and_validate(
            headers={**headers, "Accept-Encoding": "identity"},
            excluded_checks=[positive_data_acceptance],
        )

    try:
        run()
    except Unsatisfiable:
        assert mode == GenerationMode.NEGATIVE
        assert not operation.query
        assert not operation.body

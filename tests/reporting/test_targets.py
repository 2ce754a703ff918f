"""Targets: set by province and district officers, shown with progress for each unit below."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from reporting.dashboards import target_progress
from reporting.demo import demo_seed
from reporting.models import Target
from reporting.services import target_ensure
from tenants.models import Membership
from tests.conftest import in_stall, make_user
from tests.reporting.conftest import fact_make

R = Membership.Role
YEAR = dt.date(2026, 1, 1), dt.date(2026, 12, 31)


def _form(**overrides):
    data = {
        "kind": Target.Kind.ITEMS_GIVEN,
        "title": "Trao 500 món",
        "period_start": "2026-01-01",
        "period_end": "31/12/2026",
        "value": "500",
    }
    return {**data, **overrides}


def test_a_province_officer_sets_a_target_and_sees_it(two_districts, client_for):
    t = two_districts
    officer = make_user("tinh@example.vn", unit=t["province"], role=R.PROVINCE_OFFICER)
    client = client_for(None, officer)
    response = client.post(f"/bao-cao/don-vi/{t['province'].pk}/muc-tieu/", _form())
    assert response.status_code == 302
    target = Target.objects.get(unit=t["province"])
    assert (target.value, target.period_end, target.created_by) == (500, YEAR[1], officer)
    assert "Trao 500 món" in client.get(response["Location"]).content.decode()


def test_the_same_target_twice_is_refused_with_a_message(two_districts, client_for):
    t = two_districts
    officer = make_user("tinh@example.vn", unit=t["province"], role=R.PROVINCE_OFFICER)
    client = client_for(None, officer)
    client.post(f"/bao-cao/don-vi/{t['province'].pk}/muc-tieu/", _form())
    response = client.post(f"/bao-cao/don-vi/{t['province'].pk}/muc-tieu/", _form(value="9"))
    assert response.status_code == 200
    assert "Đã có mục tiêu cùng loại" in response.content.decode()
    assert Target.objects.get(unit=t["province"]).value == 500


def test_bad_target_input_shows_errors_and_saves_nothing(two_districts, client_for):
    t = two_districts
    officer = make_user("tinh@example.vn", unit=t["province"], role=R.PROVINCE_OFFICER)
    client = client_for(None, officer)
    for bad in (
        _form(period_end="2025-01-01"),
        _form(value="0"),
        _form(value="nhiều"),
        _form(kind="khong-co"),
        _form(period_start="32/13/2026"),
    ):
        response = client.post(f"/bao-cao/don-vi/{t['province'].pk}/muc-tieu/", bad)
        assert response.status_code == 200
    assert not Target.objects.exists()


def test_only_province_and_district_officers_above_a_unit_set_its_targets(
    two_districts, client_for, officer_factory
):
    t = two_districts
    district = make_user("huyen@example.vn", unit=t["district_a"], role=R.DISTRICT_OFFICER)
    school = officer_factory(t["stall_a"])
    assert (
        client_for(None, district)
        .post(f"/bao-cao/don-vi/{t['province'].pk}/muc-tieu/", _form())
        .status_code
        == 403
    )
    assert (
        client_for(None, district)
        .post(f"/bao-cao/don-vi/{t['district_a'].pk}/muc-tieu/", _form())
        .status_code
        == 302
    )
    assert (
        client_for(None, school)
        .get(f"/bao-cao/don-vi/{t['stall_a'].unit_id}/muc-tieu/")
        .status_code
        == 403
    )


def test_progress_of_a_per_district_target_is_shown_for_each_district(two_districts):
    t = two_districts
    target = target_ensure(
        unit=t["province"],
        kind=Target.Kind.ACTIVE_STALLS_PER_DISTRICT,
        title="Mỗi huyện 1 gian hàng",
        period_start=YEAR[0],
        period_end=YEAR[1],
        value=1,
    )
    fact_make(t["stall_a"], dt.date(2026, 5, 1), orders_placed=1)
    progress = target_progress(target=target, viewer_unit=t["province"], exact=False)
    assert progress.actual == "1/2"
    assert progress.per_unit == [(t["district_b"].name, 0, False), (t["district_a"].name, 1, True)]


def test_a_district_sees_only_its_own_branch_of_a_province_target(two_districts):
    t = two_districts
    target = target_ensure(
        unit=t["province"],
        kind=Target.Kind.ITEMS_GIVEN,
        title="Trao 100 món",
        period_start=YEAR[0],
        period_end=YEAR[1],
        value=100,
    )
    fact_make(t["stall_a"], dt.date(2026, 5, 1), items_given=30)
    fact_make(t["stall_b"], dt.date(2026, 5, 1), items_given=40)
    progress = target_progress(target=target, viewer_unit=t["district_a"], exact=False)
    assert progress.per_unit == [(t["district_a"].name, 30, False)]
    assert progress.percent == 30


def test_the_demo_seeds_the_articles_target_once(stall_a):
    with in_stall(stall_a):
        demo_seed(stall_a)
        demo_seed(stall_a)
    province = stall_a.unit.parent.parent
    kinds = list(Target.objects.filter(unit=province).values_list("kind", flat=True))
    assert sorted(kinds) == sorted(
        [
            Target.Kind.DIGITAL_ACTIVITY,
            Target.Kind.ACTIVE_STALLS_PER_DISTRICT,
            Target.Kind.ITEMS_GIVEN,
        ]
    )
    assert stall_a.facts.filter(day=timezone.localdate()).count() == 1

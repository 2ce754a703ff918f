"""The union tree: any depth, roles that cover the units below, re-hanging a branch."""

import pytest
from django.core.exceptions import ValidationError

from tenants.models import Membership, Unit
from tenants.selectors import units_overseen_by, user_is_stall_officer, user_oversees_unit
from tenants.services import unit_create, unit_move
from tests.conftest import make_user


@pytest.fixture
def tree(db):
    province = unit_create(kind=Unit.Kind.PROVINCE, name="Tỉnh Đoàn Tiền Giang", code="tg")
    cai_be = unit_create(
        kind=Unit.Kind.DISTRICT, name="Huyện Đoàn Cái Bè", code="tg/cai-be", parent=province
    )
    tan_phuoc = unit_create(
        kind=Unit.Kind.DISTRICT, name="Huyện Đoàn Tân Phước", code="tg/tan-phuoc", parent=province
    )
    commune = unit_create(
        kind=Unit.Kind.COMMUNE,
        name="Đoàn xã Hậu Mỹ Bắc A",
        code="tg/cai-be/hau-my-bac-a",
        parent=cai_be,
    )
    school = unit_create(
        kind=Unit.Kind.SCHOOL,
        name="Đoàn trường THPT Cái Bè",
        code="tg/cai-be/hau-my-bac-a/thpt",
        parent=commune,
    )
    return {
        "province": province,
        "cai_be": cai_be,
        "tan_phuoc": tan_phuoc,
        "commune": commune,
        "school": school,
    }


def test_paths_record_every_ancestor(tree):
    school = tree["school"]
    assert school.depth == 3
    assert school.is_within(tree["province"])
    assert school.is_within(tree["cai_be"])
    assert not school.is_within(tree["tan_phuoc"])


def test_a_district_role_covers_every_unit_below_it_and_nothing_beside(tree):
    officer = make_user("cb@example.vn", unit=tree["cai_be"], role=Membership.Role.DISTRICT_OFFICER)
    seen = set(units_overseen_by(user=officer).values_list("code", flat=True))
    assert seen == {"tg/cai-be", "tg/cai-be/hau-my-bac-a", "tg/cai-be/hau-my-bac-a/thpt"}
    assert user_oversees_unit(user=officer, unit=tree["school"])
    assert not user_oversees_unit(user=officer, unit=tree["tan_phuoc"])
    assert not user_oversees_unit(user=officer, unit=tree["province"])


def test_moving_a_branch_rewrites_the_paths_below(tree):
    unit_move(unit=tree["commune"], new_parent=tree["tan_phuoc"])
    school = Unit.objects.get(pk=tree["school"].pk)
    assert school.is_within(Unit.objects.get(pk=tree["tan_phuoc"].pk))
    assert not school.is_within(Unit.objects.get(pk=tree["cai_be"].pk))
    assert school.depth == 3


def test_a_unit_cannot_move_below_itself(tree):
    with pytest.raises(ValidationError):
        unit_move(unit=tree["cai_be"], new_parent=tree["school"])


def test_a_school_officer_role_on_a_parent_covers_its_stalls(stall_a):
    district = stall_a.unit.parent
    officer = make_user("truong@example.vn", unit=district, role=Membership.Role.SCHOOL_OFFICER)
    assert user_is_stall_officer(user=officer, stall=stall_a)


def test_a_volunteer_is_not_a_stall_officer(stall_a):
    volunteer = make_user("dv@example.vn", unit=stall_a.unit, role=Membership.Role.VOLUNTEER)
    assert not user_is_stall_officer(user=volunteer, stall=stall_a)

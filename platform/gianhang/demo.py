"""Demo data from the article: Tiền Giang's province union, its districts and four schools.

Idempotent: running it again finds what is there and adds nothing twice. Each app may
add its own demo rows through a ``demo_seed(stall)`` function in ``<app>/demo.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from django.contrib.auth import get_user_model

from core.tenancy import schema_to_public, tenant_set
from tenants.models import AdminArea, Membership, Stall, Unit
from tenants.services import membership_grant, stall_provision, unit_get_or_create

DEMO_PASSWORD = "demo-gianhang-0d"  # noqa: S105 - demo accounts only, printed to the user

PROVINCE = ("tien-giang", "Tỉnh Đoàn Tiền Giang")
# (code, name) of the district-level unions of Tiền Giang before the 2025 merger.
DISTRICTS = [
    ("my-tho", "Thành Đoàn Mỹ Tho"),
    ("go-cong", "Thị Đoàn Gò Công"),
    ("cai-lay-tx", "Thị Đoàn Cai Lậy"),
    ("cai-be", "Huyện Đoàn Cái Bè"),
    ("cai-lay", "Huyện Đoàn Cai Lậy"),
    ("tan-phuoc", "Huyện Đoàn Tân Phước"),
    ("chau-thanh", "Huyện Đoàn Châu Thành"),
    ("cho-gao", "Huyện Đoàn Chợ Gạo"),
    ("go-cong-tay", "Huyện Đoàn Gò Công Tây"),
    ("go-cong-dong", "Huyện Đoàn Gò Công Đông"),
    ("tan-phu-dong", "Huyện Đoàn Tân Phú Đông"),
]


@dataclass(frozen=True)
class DemoSchool:
    slug: str
    name: str
    district: str
    commune_code: str  # current (2025) commune of the school


SCHOOLS = [
    DemoSchool("thpt-nguyen-van-tiep", "Đoàn trường THPT Nguyễn Văn Tiếp", "tan-phuoc", "28321"),
    DemoSchool("thpt-nguyen-dinh-chieu", "Đoàn trường THPT Nguyễn Đình Chiểu", "my-tho", "28261"),
    DemoSchool("thpt-thien-ho-duong", "Đoàn trường THPT Thiên Hộ Dương", "cai-be", "28360"),
    DemoSchool("thpt-nguyen-van-thin", "Đoàn trường THPT Nguyễn Văn Thìn", "go-cong-tay", "28651"),
]


@dataclass(frozen=True)
class DemoLogin:
    who: str
    username: str
    where: str


def _account(username: str, unit: Unit, role: str, **extra):
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(
            username=username, email=username, password=DEMO_PASSWORD, **extra
        )
    membership_grant(user=user, unit=unit, role=role)
    return user


def demo_seed(*, base_domain: str) -> list[DemoLogin]:
    schema_to_public()
    province_area = AdminArea.objects.filter(
        era=AdminArea.Era.LEGACY, level=AdminArea.Level.PROVINCE, code="82"
    ).first()
    province = unit_get_or_create(kind=Unit.Kind.PROVINCE, name=PROVINCE[1], code=PROVINCE[0])
    if province_area and province.admin_area_id is None:
        province.admin_area = province_area
        province.save()
    districts = {
        code: unit_get_or_create(
            kind=Unit.Kind.DISTRICT, name=name, code=f"{PROVINCE[0]}/{code}", parent=province
        )
        for code, name in DISTRICTS
    }
    logins = [
        DemoLogin(
            "Quản trị nền tảng",
            _account(
                "admin@gianhang.vn",
                province,
                Membership.Role.PLATFORM_ADMIN,
                is_staff=True,
                is_superuser=True,
            ).username,
            f"http://{base_domain}/dang-nhap/",
        ),
        DemoLogin(
            "Cán bộ Tỉnh Đoàn",
            _account("tinhdoan@tiengiang.vn", province, Membership.Role.PROVINCE_OFFICER).username,
            f"http://{base_domain}/dang-nhap/",
        ),
        DemoLogin(
            "Cán bộ Huyện Đoàn Tân Phước",
            _account(
                "huyendoan.tanphuoc@tiengiang.vn",
                districts["tan-phuoc"],
                Membership.Role.DISTRICT_OFFICER,
            ).username,
            f"http://{base_domain}/dang-nhap/",
        ),
    ]
    for school in SCHOOLS:
        stall = Stall.objects.filter(slug=school.slug).first()
        if stall is None:
            commune = AdminArea.objects.filter(
                era=AdminArea.Era.CURRENT, level=AdminArea.Level.COMMUNE, code=school.commune_code
            ).first()
            stall = stall_provision(
                slug=school.slug,
                name=school.name,
                parent_unit=districts[school.district],
                commune=commune,
                base_domain=base_domain,
            ).stall
        officer = _account(
            f"canbo.{school.slug}@tiengiang.vn", stall.unit, Membership.Role.SCHOOL_OFFICER
        )
        logins.append(
            DemoLogin(
                f"Cán bộ {school.name}",
                officer.username,
                f"http://{school.slug}.{base_domain}/dang-nhap/",
            )
        )
        _app_seeds(stall)
    return logins


def _app_seeds(stall: Stall) -> None:
    for app in ("catalog", "logistics", "distribution", "reporting"):
        try:
            module = import_module(f"{app}.demo")
        except ModuleNotFoundError:
            continue
        seed = getattr(module, "demo_seed", None)
        if seed is None:
            continue
        tenant_set(stall)
        try:
            seed(stall)
        finally:
            schema_to_public()

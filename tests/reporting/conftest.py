"""Helpers for reporting tests: tenant rows at chosen local times, written with the ORM."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools

import pytest
from django.utils import timezone

from catalog.models import Category, Donation, DonationLine, Item, Order, OrderEvent, OrderLine

_codes = itertools.count(1)
TZ = timezone.get_default_timezone()


def local(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)), TZ)


def phone_hash(phone: str) -> str:
    return hashlib.sha256(("test-salt" + phone).encode()).hexdigest()


def item_make(*, at: dt.datetime | None = None, title: str = "Áo thun") -> Item:
    category = Category.objects.first() or Category.objects.create(name="Quần áo", slug="quan-ao")
    item = Item.objects.create(category=category, title=title, available=100)
    if at is not None:
        Item.objects.filter(pk=item.pk).update(created_at=at)
    return item


def donation_make(*, day: dt.date, quantities: list[int], item: Item) -> Donation:
    donation = Donation.objects.create(donor_name="Nhà hảo tâm", received_on=day)
    for quantity in quantities:
        DonationLine.objects.create(donation=donation, item=item, quantity=quantity)
    return donation


def order_make(
    *,
    phone: str,
    placed_at: dt.datetime,
    item: Item,
    quantity: int = 1,
    delivery: str = "",
    path: list[tuple[str, dt.datetime]] = (),
) -> Order:
    """An order placed at ``placed_at`` that then went through ``path`` (state, time) steps."""
    order = Order.objects.create(
        code=f"T{next(_codes):06d}",
        recipient_name="Nguyễn Văn An",
        phone=phone,
        phone_last4=phone[-4:],
        phone_hash=phone_hash(phone),
        address_line="12 ấp Bắc",
        consent_version="2025-1",
        consent_at=placed_at,
        delivery=delivery,
    )
    OrderLine.objects.create(order=order, item=item, quantity=quantity)
    Order.objects.filter(pk=order.pk).update(placed_at=placed_at)
    previous = Order.State.PLACED
    for state, at in path:
        event = OrderEvent.objects.create(order=order, from_state=previous, to_state=state)
        OrderEvent.objects.filter(pk=event.pk).update(at=at)
        previous = state
    Order.objects.filter(pk=order.pk).update(state=previous)
    return order


@pytest.fixture(autouse=True)
def _fresh_dashboards():
    """Facts written inside a test's transaction never reach on_commit: start each test
    with a new facts version so no dashboard built by another test is served from cache."""
    from reporting.dashboards import facts_version_bump

    facts_version_bump()


@pytest.fixture
def province_district(stall_a):
    district = stall_a.unit.parent
    return district.parent, district


def fact_make(stall, day: dt.date, **counts):
    """A day's fact as the rollup would write it, its month re-summed too."""
    from reporting.models import DailyFact
    from reporting.services import facts_months_refresh
    from reporting.unit_rollup import unit_facts_refresh, unit_path_ids

    fact = DailyFact.objects.create(stall=stall, day=day, **counts)
    facts_months_refresh(stall_id=stall.pk, since=day, until=day)
    unit_facts_refresh(unit_ids=unit_path_ids(stall.unit.path), since=day, until=day)
    return fact


def dashboard_stall(*, slug: str, name: str, parent):
    """A stall row without a schema: enough for dashboards, which read public facts only."""
    from tenants.models import Stall, Unit
    from tenants.services import unit_create

    unit = unit_create(
        kind=Unit.Kind.SCHOOL, name=name, code=f"{parent.code}/{slug}", parent=parent
    )
    stall = Stall(schema_name=Stall.schema_for_slug(slug), slug=slug, name=name, unit=unit)
    stall.auto_create_schema = False
    stall.save()
    return stall


@pytest.fixture
def two_districts(db):
    """Province → (Tân Phước: school A, school A2), (Cái Bè: school B); facts only, no schemas."""
    from tenants.models import Unit
    from tenants.services import unit_get_or_create

    province = unit_get_or_create(
        kind=Unit.Kind.PROVINCE, name="Tỉnh Đoàn Tiền Giang", code="tien-giang"
    )
    district_a = unit_get_or_create(
        kind=Unit.Kind.DISTRICT,
        name="Huyện Đoàn Tân Phước",
        code="tien-giang/tan-phuoc",
        parent=province,
    )
    district_b = unit_get_or_create(
        kind=Unit.Kind.DISTRICT, name="Huyện Đoàn Cái Bè", code="tien-giang/cai-be", parent=province
    )
    return {
        "province": province,
        "district_a": district_a,
        "district_b": district_b,
        "stall_a": dashboard_stall(slug="truong-p1", name="Đoàn trường P1", parent=district_a),
        "stall_a2": dashboard_stall(slug="truong-p2", name="Đoàn trường P2", parent=district_a),
        "stall_b": dashboard_stall(slug="truong-q1", name="Đoàn trường Q1", parent=district_b),
    }

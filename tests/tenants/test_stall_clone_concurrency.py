"""Stalls cloned at the same moment from two connections: each complete, never mixed."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from tenants.models import Stall, Unit
from tenants.services import stall_provision

pytestmark = pytest.mark.slow


@pytest.fixture
def made_in_threads(live_stall_factory):
    """The district of the live fixtures, and clean-up of the stalls threads create."""
    district = live_stall_factory().unit.parent
    slugs: list[str] = []
    yield district, slugs
    connections.close_all()
    connection.set_schema_to_public()
    for stall in Stall.objects.filter(slug__in=slugs):
        unit_id = stall.unit_id
        stall.delete(force_drop=True)
        Unit.objects.filter(pk=unit_id).delete()


def _race(count: int, work) -> list[object]:
    barrier = threading.Barrier(count)
    outcomes: list[object] = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait()
            outcomes[index] = work(index)
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test looks at
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def _categories(schema: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT id, slug FROM "{schema}".catalog_category ORDER BY id')  # noqa: S608
        return cursor.fetchall()


def test_two_stalls_cloned_at_once_are_each_a_full_copy(made_in_threads):
    district, slugs = made_in_threads
    slugs += ["cung-luc-mot", "cung-luc-hai"]
    outcomes = _race(
        2, lambda i: stall_provision(slug=slugs[i], name=slugs[i], parent_unit=district)
    )
    assert [type(o).__name__ for o in outcomes] == ["Provisioned", "Provisioned"]
    template = _categories("stall_template")
    for slug in slugs:
        assert _categories(Stall.schema_for_slug(slug)) == template


def test_the_same_slug_cloned_twice_at_once_makes_one_stall(made_in_threads):
    district, slugs = made_in_threads
    slugs.append("cung-ma")
    outcomes = _race(
        2, lambda i: stall_provision(slug="cung-ma", name=f"Trường {i}", parent_unit=district)
    )
    assert sorted(type(o).__name__ == "Provisioned" for o in outcomes) == [False, True]
    assert Stall.objects.filter(slug="cung-ma").count() == 1
    assert _categories("stall_cung_ma") == _categories("stall_template")

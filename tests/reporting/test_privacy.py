"""No personal data reaches the public schema or any export: checked on every table."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.db import connection
from django.utils import timezone
from pypdf import PdfReader

from catalog.models import Order
from reporting.services import facts_rollup
from tenants.models import Membership
from tests.conftest import in_stall, make_user
from tests.reporting.conftest import item_make, local, order_make

NAME = "Trần Thị Bímật"
PHONE = "+84987650321"
ADDRESS = "99 hẻm Riêngtư"


@pytest.fixture
def private_stall(stall_a, two_districts):
    stall = stall_a
    day = timezone.localdate() - dt.timedelta(days=1)
    with in_stall(stall):
        item = item_make(at=local(day, 8))
        for n in range(6):
            order = order_make(
                phone=PHONE[:-1] + str(n),
                placed_at=local(day, 9),
                item=item,
                delivery="volunteer",
                path=[(Order.State.CANCELLED, local(day, 11))] if n == 0 else [],
            )
            Order.objects.filter(pk=order.pk).update(
                recipient_name=NAME, address_line=ADDRESS, guardian_name=NAME
            )
        hashes = list(Order.objects.values_list("phone_hash", flat=True))
    facts_rollup(since=day - dt.timedelta(days=3), until=day, stalls=[stall])
    return stall, hashes


def forbidden(hashes) -> list[str]:
    return [NAME, ADDRESS, PHONE[3:-1], "Bímật", "Riêngtư", *hashes]


def test_no_public_table_holds_a_name_phone_address_or_phone_hash(private_stall):
    stall, hashes = private_stall
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
        )
        tables = [name for (name,) in cursor.fetchall()]
        assert "reporting_dailyfact" in tables
        for table in tables:
            cursor.execute(f'SELECT t::text FROM public."{table}" t')  # noqa: S608 - catalog names
            dump = "\n".join(row for (row,) in cursor.fetchall())
            for secret in forbidden(hashes):
                assert secret not in dump, (table, secret)


def _exports(client, unit_id):
    base = f"/bao-cao/don-vi/{unit_id}/bao-cao"
    csv_text = client.get(base + ".csv").content.decode("utf-8-sig")
    with zipfile.ZipFile(io.BytesIO(client.get(base + ".xlsx").content)) as book:
        xlsx_text = "\n".join(
            book.read(name).decode("utf-8", "replace") for name in book.namelist()
        )
    pdf = PdfReader(io.BytesIO(client.get(base + ".pdf").content))
    pdf_text = "\n".join(page.extract_text() for page in pdf.pages)
    return csv_text, xlsx_text, pdf_text, len(pdf.pages)


@pytest.mark.parametrize("role", ["school", "district", "province"])
def test_no_export_holds_personal_data(private_stall, two_districts, client_for, role):
    stall, hashes = private_stall
    unit = {
        "school": stall.unit,
        "district": two_districts["district_a"],
        "province": two_districts["province"],
    }[role]
    officer = make_user(
        f"{role}@example.vn",
        unit=unit,
        role={
            "school": Membership.Role.SCHOOL_OFFICER,
            "district": Membership.Role.DISTRICT_OFFICER,
            "province": Membership.Role.PROVINCE_OFFICER,
        }[role],
    )
    for text in _exports(client_for(None, officer), unit.pk)[:3]:
        for secret in forbidden(hashes):
            assert secret not in text


def test_the_daily_fact_counts_the_recipients_without_keeping_them(private_stall):
    from reporting.models import DailyFact

    stall, _hashes = private_stall
    fact = DailyFact.objects.get(stall=stall, day=timezone.localdate() - dt.timedelta(days=1))
    assert fact.recipients == 6
    assert fact.orders_cancelled == 1
    assert all(isinstance(v, int) and v < 1024 * 64 for v in fact.recipients_sketch)

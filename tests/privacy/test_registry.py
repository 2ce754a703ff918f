"""The registry: every personal field of every app is declared, and forgetting, export and
deletion reach every app through it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction

from catalog.models import Donation, Order, OrderEvent
from catalog.services import order_transition
from logistics.models import Notification, Parcel, PostalBatch, RunStop, SaturdayRun, Volunteer
from logistics.notifications import notification_queue
from logistics.volunteers import volunteer_leave, volunteer_register
from privacy import registry
from privacy.models import AccessLog, ConsentRecord, DataRequest, SubjectKind
from privacy.selectors import subject_export
from privacy.services import (
    consent_record,
    data_request_open,
    data_request_process,
    retention_run,
    subjects_anonymise,
)
from reporting.models import DailyFact
from reporting.services import facts_rollup_stall
from tests.conftest import in_stall
from tests.logistics.factories import order_make

pytestmark = pytest.mark.django_db

PROJECT_APPS = ("tenants", "privacy", "catalog", "logistics", "distribution", "reporting")
LOOKS_PERSONAL = re.compile(r"name|phone|address|note|guardian|email|reason|text")
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
CANARY = "Canary"  # in every personal value below, so a scan of the schema can find them
PHONE = "+84912777333"


def _looks_personal(field: models.Field) -> bool:
    if not isinstance(field, models.CharField | models.TextField):
        return False
    return isinstance(field, models.TextField) or bool(LOOKS_PERSONAL.search(field.name))


def test_every_field_that_looks_personal_is_registered_or_declared_not_personal():
    missing = []
    for app_label in PROJECT_APPS:
        for model in apps.get_app_config(app_label).get_models():
            entry = registry.entry_of(model)
            declared = set(entry.fields) if entry else set()
            exempt = registry.exempt_fields(model)
            for field in model._meta.concrete_fields:
                if _looks_personal(field) and field.name not in declared | set(exempt):
                    missing.append(f"{model._meta.label}.{field.name}")
    assert missing == [], (
        "personal-looking fields not in the privacy registry (register them in the app's "
        f"AppConfig.ready, or declare why they are not personal): {missing}"
    )


def test_each_exemption_says_why():
    for app_label in PROJECT_APPS:
        for model in apps.get_app_config(app_label).get_models():
            for field, why in registry.exempt_fields(model).items():
                assert len(str(why)) > 10, f"{model._meta.label}.{field}: no reason given"


def test_the_registry_knows_orders_events_outbox_stops_parcels_and_volunteers():
    for model, fields in [
        (Order, {"recipient_name", "phone", "address_line", "note", "guardian_name"}),
        (OrderEvent, {"public_note"}),
        (Notification, {"phone", "text"}),
        (RunStop, {"reason_note"}),
        (Parcel, {"return_reason"}),
        (Volunteer, {"name", "phone", "guardian_name", "guardian_phone"}),
        (ConsentRecord, {"guardian_name", "guardian_phone"}),
        (Donation, {"donor_name", "note"}),
    ]:
        entry = registry.entry_of(model)
        assert entry is not None, model
        assert fields <= set(entry.fields), model
    assert {s.kind for s in registry.subjects()} == set(SubjectKind.values)


# --- A person's data in every app ---------------------------------------------------------


def _person_everywhere(*, name: str, phone: str) -> Order:
    """One recipient whose data reached the outbox, a Saturday stop and a returned parcel."""
    order = order_make(name=name, phone=phone, state=Order.State.PLACED)
    Order.objects.filter(pk=order.pk).update(
        address_line=f"{CANARY} ấp Bình Lợi", note=f"{CANARY} gọi trước"
    )
    consent_record(
        subject_kind=SubjectKind.RECIPIENT,
        subject_id=order.pk,
        subject_is_minor=True,
        guardian_name=f"{CANARY} Mẹ",
        guardian_phone="+84912777444",
    )
    event = OrderEvent.objects.filter(order=order).first()
    OrderEvent.objects.filter(pk=event.pk).update(public_note=f"{CANARY} nhờ chị Lan nhận")
    Notification.objects.create(
        order=order,
        event=event,
        phone=phone,
        text=f"[{CANARY}] Đơn {order.code} đã giao",
        backend="log",
        last_error=f"{CANARY} {phone}",
    )
    run = SaturdayRun.objects.get_or_create(date=dt.date(2026, 3, 7))[0]
    RunStop.objects.create(run=run, order=order, reason_note=f"{CANARY} nhà khóa cửa")
    batch = PostalBatch.objects.create(state=PostalBatch.State.CLOSED)
    Parcel.objects.create(
        batch=batch,
        order=order,
        weight_grams=500,
        postage=20000,
        tracking_number=f"{CANARY}{order.pk}",
        return_reason=f"{CANARY} người nhận đi vắng",
        returned_at=T0,
    )
    order.refresh_from_db()
    return order


def _texts_containing(needle: str) -> list[str]:
    """Every text column of the current stall's schema that still holds ``needle``."""
    hits = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() "
            "AND data_type IN ('character varying', 'text', 'character')"
        )
        for table, column in cursor.fetchall():
            cursor.execute(
                f'SELECT count(*) FROM "{table}" WHERE "{column}" ILIKE %s',  # noqa: S608
                [f"%{needle}%"],
            )
            if cursor.fetchone()[0]:
                hits.append(f"{table}.{column}")
    return hits


def test_a_data_subject_export_holds_their_data_from_every_app(stall_a):
    with in_stall(stall_a):
        order = _person_everywhere(name=f"{CANARY} Xuất Dữ Liệu", phone=PHONE)
        data = subject_export(kind=SubjectKind.RECIPIENT, subject_id=order.pk)
    assert data["recipient_name"] == f"{CANARY} Xuất Dữ Liệu"
    records = data["records"]
    assert records["logistics.notification"][0]["phone"] == PHONE
    assert records["logistics.runstop"][0]["reason_note"].endswith("nhà khóa cửa")
    assert records["logistics.parcel"][0]["return_reason"].endswith("đi vắng")
    assert records["catalog.orderevent"][0]["public_note"].endswith("chị Lan nhận")
    assert records["privacy.consentrecord"][0]["guardian_name"] == f"{CANARY} Mẹ"


def test_a_deletion_request_removes_the_person_from_every_app(stall_a, officer_factory):
    officer = officer_factory(stall_a)
    with in_stall(stall_a):
        order = _person_everywhere(name=f"{CANARY} Xin Xóa", phone=PHONE)
        other = order_make(name="Người Khác Giữ Nguyên", phone="+84912000999")
        request = data_request_open(subject_id=order.pk, kind=DataRequest.Kind.DELETE)
        data_request_process(data_request=request, officer=officer)
        assert _texts_containing(CANARY) == []
        assert _texts_containing("912777") == []
        order.refresh_from_db()
        assert order.state == Order.State.CANCELLED  # an open order is cancelled first
        assert Order.objects.get(pk=other.pk).recipient_name == "Người Khác Giữ Nguyên"
        assert Notification.objects.filter(order=order).count() == 1  # kept, but blank


def test_the_outbox_forgets_with_its_order(stall_a):
    with in_stall(stall_a):
        order = order_make(name="Trần Văn Nhắn Tin", phone=PHONE, state=Order.State.PLACED)
        # A real step queues a real message through the outbox.
        order = order_transition(order=order, to_state=Order.State.CONFIRMED)
        message = notification_queue(order=order, to_state=Order.State.CONFIRMED)
        assert message.phone == PHONE
        assert order.code in message.text
        with transaction.atomic():
            subjects_anonymise(kind=SubjectKind.RECIPIENT, ids=[order.pk])
        message.refresh_from_db()
        assert (message.phone, message.text) == ("", "")
        # Messages are kept only as long as their order.
        other = order_make(name="Lê Thị Xóa Đơn", phone="+84912000888", state=Order.State.PLACED)
        other = order_transition(order=other, to_state=Order.State.CONFIRMED)
        assert notification_queue(order=other, to_state=Order.State.CONFIRMED) is not None
        other_id = other.pk
        OrderEvent.objects.filter(order_id=other_id).delete()
        Order.objects.filter(pk=other_id).delete()
        assert not Notification.objects.filter(order_id=other_id).exists()


def _facts(stall) -> list[tuple]:
    return list(
        DailyFact.objects.filter(stall=stall)
        .order_by("day")
        .values_list(
            "day",
            "orders_placed",
            "orders_cancelled",
            "recipients",
            "recipients_sketch",
            "donations",
            "volunteers",
        )
    )


def test_a_retention_run_leaves_no_personal_text_in_the_schema_and_counts_unchanged(stall_a):
    with time_machine.travel(T0, tick=False):
        with in_stall(stall_a):
            order = _person_everywhere(name=f"{CANARY} Hết Hạn", phone=PHONE)
            order_transition(order=order, to_state=Order.State.CANCELLED)
            # The same person again the same day, and someone else: 2 distinct recipients.
            again = order_make(name=f"{CANARY} Hết Hạn", phone=PHONE, state=Order.State.PLACED)
            order_transition(order=again, to_state=Order.State.CANCELLED)
            order_make(name=f"{CANARY} Người Thứ Hai", phone="+84912777555")
            Order.objects.filter(recipient_name=f"{CANARY} Người Thứ Hai").update(
                state=Order.State.DELIVERED, closed_at=T0
            )
            volunteer = volunteer_register(
                name=f"{CANARY} Đoàn Viên",
                chi_doan="10A1",
                phone="+84912777666",
                is_minor=True,
                guardian_name=f"{CANARY} Bố",
                guardian_phone="+84912777777",
            )
            volunteer_leave(volunteer=volunteer)
            Donation.objects.create(
                donor_name=f"{CANARY} Nhà Hảo Tâm", received_on=T0.date(), note=f"{CANARY} tặng"
            )
        facts_rollup_stall(stall=stall_a, since=T0.date(), until=T0.date())
        before = _facts(stall_a)
    assert before[0][3] == 2  # distinct recipients that day

    with time_machine.travel(T0 + dt.timedelta(days=400), tick=False):
        with in_stall(stall_a):
            assert _texts_containing(CANARY)  # the scan does find what is there
            done = retention_run()
            assert done == {"recipient": 3, "volunteer": 1, "donor": 1, "applicant": 0, "wisher": 0}
            assert _texts_containing(CANARY) == []
            assert _texts_containing("912777") == []
            assert Volunteer.objects.get(pk=volunteer.pk).anonymised_at is not None
        facts_rollup_stall(stall=stall_a, since=T0.date(), until=T0.date())
    assert _facts(stall_a) == before


def test_an_officer_exports_a_volunteers_data_from_every_app_and_it_is_logged(
    stall_a, officer_factory, client_for
):
    with in_stall(stall_a):
        volunteer = volunteer_register(
            name="=HYPERLINK(Trần Thị Đoàn Viên)",
            chi_doan="11A2",
            phone="0912777888",
            is_minor=True,
            guardian_name="Trần Văn Cha",
            guardian_phone="0912777999",
        )
    client = client_for(stall_a, officer_factory(stall_a))
    response = client.get(f"/can-bo/bao-mat/xuat/volunteer/{volunteer.pk}.json")
    assert response.status_code == 200
    data = response.json()
    assert data["phone"] == "+84912777888"
    assert data["consents"][0]["guardian_name"] == "Trần Văn Cha"
    assert data["records"]["privacy.consentrecord"][0]["guardian_phone"] == "+84912777999"
    csv_body = client.get(f"/can-bo/bao-mat/xuat/volunteer/{volunteer.pk}.csv").content.decode()
    assert "name,'=HYPERLINK(Trần Thị Đoàn Viên)" in csv_body  # text, never a formula
    assert client.get("/can-bo/bao-mat/xuat/volunteer/999999.json").status_code == 404
    with in_stall(stall_a):
        logged = list(
            AccessLog.objects.filter(object_type="privacy.subject").values_list(
                "action", "object_id"
            )
        )
    assert logged == [("export", str(volunteer.pk))] * 2


def test_the_stall_admins_history_forgets_a_person_with_their_data(stall_a, client_for):
    """A platform admin's edit leaves the person's name in the admin's history (its object
    text); a deletion request, and retention, blank it there too."""
    from tenants.models import Membership
    from tests.conftest import make_user

    admin = make_user(
        "quantri-lichsu@example.vn",
        unit=stall_a.unit.parent.parent,
        role=Membership.Role.PLATFORM_ADMIN,
    )
    with in_stall(stall_a):
        volunteer = volunteer_register(
            name=f"{CANARY} Sửa Trong Admin",
            chi_doan="10A1",
            phone="+84912777666",
            is_minor=False,
        )
        order = _person_everywhere(name=f"{CANARY} Đơn Trong Admin", phone=PHONE)
    client = client_for(stall_a, admin)  # the real login form, on the stall's host
    response = client.post(
        f"/quan-tri/logistics/volunteer/{volunteer.pk}/change/",
        {
            "name": f"{CANARY} Sửa Trong Admin",
            "chi_doan": "10A2",
            "phone": "+84912777666",
            "birth_year": "",
            "guardian_name": "",
            "guardian_phone": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    with in_stall(stall_a):
        LogEntry = apps.get_model("admin", "LogEntry")
        LogEntry.objects.create(  # what the order board's bulk steps write for an order
            user_id=admin.pk,
            content_type_id=ContentType.objects.get_for_model(Order).pk,
            object_id=str(order.pk),
            object_repr=str(order.recipient_name),
            action_flag=2,
            change_message="[]",
        )
        assert "django_admin_log.object_repr" in _texts_containing(CANARY)
        officer = make_user("canbo-lichsu@example.vn")
        for kind, subject_id in (("volunteer", volunteer.pk), ("recipient", order.pk)):
            request = data_request_open(
                subject_kind=kind, subject_id=subject_id, kind=DataRequest.Kind.DELETE
            )
            data_request_process(data_request=request, officer=officer)
        assert _texts_containing(CANARY) == []
        assert LogEntry.objects.filter(object_repr="").count() == 2  # the history stays

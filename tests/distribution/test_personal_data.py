"""What a round keeps about people: registered, exported to them, forgotten with retention."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from catalog.models import Order
from catalog.services import order_transition
from distribution.models import Message, Request
from distribution.services import round_close, round_draw
from privacy.models import ConsentRecord, SubjectKind
from privacy.selectors import subject_export
from privacy.services import retention_run
from tests.catalog.factories import item_make
from tests.conftest import in_stall
from tests.distribution.factories import request_make, round_make, round_window_end
from tests.privacy.test_registry import CANARY, _texts_containing

pytestmark = pytest.mark.django_db


def _drawn_round_with_canary(stall) -> list[Request]:
    bike = item_make(title="Xe đạp", quantity=1)
    round_ = round_make(items=[(bike, 1)])
    made = []
    for n in range(3):
        made.append(request_make(stall=stall, round_=round_, phone=f"091288800{n}"))
    Request.objects.filter(round=round_).update(
        recipient_name=f"{CANARY} Người Xin", address_line=f"{CANARY} ấp 3", note=f"{CANARY}"
    )
    round_window_end(round_)
    round_close(round_=round_)
    round_draw(round_=round_, public_number="246810")
    return made


def test_a_persons_export_holds_their_request_and_consent(stall_a):
    with in_stall(stall_a):
        made = _drawn_round_with_canary(stall_a)
        assert ConsentRecord.objects.filter(
            subject_kind=SubjectKind.APPLICANT, subject_id=made[0].pk
        ).exists()
        data = subject_export(kind=SubjectKind.APPLICANT, subject_id=made[0].pk)
        text = repr(data)
        assert made[0].code in text
        assert "+84912888000" in text
        assert CANARY in text


def test_retention_forgets_requests_of_drawn_rounds_and_their_messages(stall_a):
    with in_stall(stall_a):
        made = _drawn_round_with_canary(stall_a)
        assert Message.objects.filter(request__in=made).count() == 3
        winner = Request.objects.get(state=Request.State.WON)
        # An open order keeps its request; once the order is closed the request can go.
        order_transition(order=winner.order, to_state=Order.State.CANCELLED)
        with time_machine.travel(timezone.now() + dt.timedelta(days=400), tick=False):
            done = retention_run()
        assert done["applicant"] == 3
        assert _texts_containing(CANARY) == []
        assert _texts_containing("912888") == []
        assert Request.objects.filter(anonymised_at__isnull=True).count() == 0

"""Reads about personal data: consents, requests, the access log, a subject's export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Max, QuerySet

from privacy import registry
from privacy.models import AccessLog, ConsentRecord, DataRequest


def consents_of(*, subject_kind: str, subject_id: int) -> QuerySet[ConsentRecord]:
    return ConsentRecord.objects.filter(subject_kind=subject_kind, subject_id=subject_id)


def data_requests_for_officers() -> QuerySet[DataRequest]:
    return DataRequest.objects.order_by("state", "-created_at")


def data_requests_pending(*, subject_kind: str, subject_id: int) -> QuerySet[DataRequest]:
    return DataRequest.objects.filter(
        subject_kind=subject_kind, subject_id=subject_id, state=DataRequest.State.PENDING
    )


def access_log_entries(*, user_id: int | None = None) -> QuerySet[AccessLog]:
    entries = AccessLog.objects.all()
    if user_id is not None:
        entries = entries.filter(user_id=user_id)
    return entries


def exports_last(
    *, object_type: str, object_ids: Iterable[Any], since: dt.datetime | None = None
) -> dict[str, dt.datetime]:
    """When each record was last printed or exported, by its id (as the log writes it).

    The access log is where every print is written (route sheets, manifests, labels), so
    "were this run's sheets printed" is read here rather than kept twice.
    """
    entries = AccessLog.objects.filter(
        object_type=object_type,
        action=AccessLog.Action.EXPORT,
        object_id__in=[str(pk) for pk in object_ids],
    )
    if since is not None:
        entries = entries.filter(at__gte=since)
    rows = entries.values("object_id").annotate(last=Max("at"))
    return {row["object_id"]: row["last"] for row in rows}


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def subject_records(*, kind: str, subject_id: int) -> dict[str, list[dict[str, Any]]]:
    """Every registered row about one subject, app by app: the personal fields of each."""
    out: dict[str, list[dict[str, Any]]] = {}
    for entry in registry.entries_of(kind):
        if not entry.fields:
            continue
        names = ["pk", *entry.fields]
        rows = [
            {key: _plain(value) for key, value in row.items()}
            for row in entry.rows_of(kind, [subject_id]).order_by("pk").values(*names)
        ]
        if rows:
            out[entry.label] = rows
    return out


def subject_export(*, kind: str, subject_id: int) -> dict[str, Any]:
    """What a data-subject export hands out: the kind's own summary plus every app's rows."""
    subject = registry.subject_of(kind)
    data: dict[str, Any] = subject.export(subject_id) if subject.export else {}
    data["records"] = subject_records(kind=kind, subject_id=subject_id)
    return data

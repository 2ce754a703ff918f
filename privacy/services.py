"""Writes about personal data: consent, forgetting (retention, deletion), requests, the log.

Forgetting is driven by the registry alone: a subject's root row is claimed and stamped,
then every registered model's rows of that subject are blanked in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import django.dispatch
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.tenancy import current_schema
from privacy import registry
from privacy.models import AccessLog, ConsentRecord, DataRequest, PersonalLink, SubjectKind
from privacy.notices import NOTICE_CURRENT, NOTICE_VERSIONS

# Sent after commit with the ids of subjects whose personal data was just blanked.
subjects_anonymised = django.dispatch.Signal()  # (sender=kind, ids=[...])


def _actor_id(actor) -> int | None:
    return getattr(actor, "pk", None) if actor is not None else None


# --- Consent ----------------------------------------------------------------------------


def consent_record(
    *,
    subject_kind: str,
    subject_id: int,
    notice_version: str = NOTICE_CURRENT,
    accepted_at: dt.datetime | None = None,
    subject_is_minor: bool = False,
    guardian_name: str = "",
    guardian_phone: str = "",
    guardian_accepted_at: dt.datetime | None = None,
    recorded_by=None,
) -> ConsentRecord:
    """Record that a recipient or volunteer accepted a notice; idempotent per version.

    For a child the guardian's name, phone and acceptance are required. Called inside the
    caller's transaction (order placement, volunteer sign-up) so the consent and the data it
    covers are saved together or not at all. One INSERT on the usual path.
    """
    if subject_kind not in SubjectKind.values:
        raise ValidationError(_("Loại đối tượng không hợp lệ."))
    if notice_version not in NOTICE_VERSIONS:
        raise ValidationError(
            _(
                "Phiên bản thông báo “%(version)s” không tồn tại. Hãy tải lại trang và đồng ý "
                "với thông báo hiện hành."
            )
            % {"version": notice_version}
        )
    now = timezone.now()
    guardian_name = guardian_name.strip()
    guardian_phone = guardian_phone.strip()
    if subject_is_minor:
        if not guardian_name or not guardian_phone:
            raise ValidationError(
                _(
                    "Người dưới 16 tuổi cần cha mẹ hoặc người giám hộ đồng ý: hãy ghi họ tên và "
                    "số điện thoại của cha mẹ/người giám hộ."
                )
            )
        guardian_accepted_at = guardian_accepted_at or accepted_at or now
    record = ConsentRecord(
        subject_kind=subject_kind,
        subject_id=subject_id,
        notice_version=notice_version,
        accepted_at=accepted_at or now,
        subject_is_minor=subject_is_minor,
        guardian_name=guardian_name,
        guardian_phone=guardian_phone,
        guardian_accepted_at=guardian_accepted_at if subject_is_minor else None,
        recorded_by_id=_actor_id(recorded_by),
    )
    # One INSERT … ON CONFLICT, no savepoints (it runs inside every order placement): a
    # retried request touches the record already on file (same version, nothing else
    # changed) and gets its id, so nothing is recorded twice.
    ConsentRecord.objects.bulk_create(
        [record],
        update_conflicts=True,
        unique_fields=["subject_kind", "subject_id", "notice_version"],
        update_fields=["notice_version"],
    )
    return record


# --- Forgetting ---------------------------------------------------------------------------


def subjects_anonymise(
    *, kind: str, ids: Sequence[int], now: dt.datetime | None = None
) -> list[int]:
    """Blank every registered field of these subjects, in every app; return the ids done.

    Must run inside a transaction. Root rows are claimed with SKIP LOCKED and guarded by
    their stamp, so two workers (or a retention run and a deletion request) never do the
    same subject twice, and a subject already forgotten is left alone.
    """
    subject = registry.subject_of(kind)
    now = now or timezone.now()
    guard = subject.stamp[0]
    manager = subject.model._default_manager
    done = list(
        manager.filter(pk__in=list(ids), **{f"{guard}__isnull": True})
        .select_for_update(skip_locked=True)
        .values_list("pk", flat=True)
    )
    if not done:
        return []
    for hook in registry.hooks_of(kind):
        hook(ids=done, now=now)
    for entry in registry.entries_of(kind):
        values: dict[str, Any] = dict(entry.fields)
        rows = entry.rows_of(kind, done)
        if entry.model is subject.model:
            values.update(dict.fromkeys(subject.stamp, now))
            rows = rows.filter(**{f"{guard}__isnull": True})
        elif entry.stamp:
            values[entry.stamp] = now
        if values:
            rows.update(**values)
    transaction.on_commit(lambda: subjects_anonymised.send(sender=kind, ids=done))
    return done


def retention_days(kind: str) -> int:
    per_kind = settings.GIANHANG_RETENTION_DAYS_BY_SUBJECT
    return int(per_kind.get(kind, settings.GIANHANG_RETENTION_DAYS))


def subjects_anonymise_due(
    *, kind: str, older_than_days: int | None = None, batch_size: int = 500
) -> int:
    """Forget the subjects of ``kind`` kept long enough; return how many. Safe to run twice
    or in two workers at once; each batch is its own short transaction."""
    subject = registry.subject_of(kind)
    days = retention_days(kind) if older_than_days is None else older_than_days
    total = 0
    while True:
        with transaction.atomic():
            now = timezone.now()
            cutoff = now - dt.timedelta(days=days)
            ids = list(
                subject.due(cutoff)
                .filter(**{f"{subject.stamp[0]}__isnull": True})
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                return total
            done = subjects_anonymise(kind=kind, ids=ids, now=now)
        total += len(done)
        if not done:  # everything left is locked by another worker: it will finish them
            return total


def retention_run(*, batch_size: int = 500) -> dict[str, int]:
    """One retention pass over every kind of subject of the current stall."""
    return {
        subject.kind: subjects_anonymise_due(kind=subject.kind, batch_size=batch_size)
        for subject in registry.subjects()
    }


def subject_delete(*, kind: str, subject_id: int, actor=None) -> None:
    """Carry out a deletion request: the kind's own way (an open order is cancelled first),
    else anonymise everywhere now."""
    subject = registry.subject_of(kind)
    if subject.delete is not None:
        subject.delete(subject_id=subject_id, actor=actor)
        return
    with transaction.atomic():
        subjects_anonymise(kind=kind, ids=[subject_id])


def subject_withdraw(*, kind: str, subject_id: int, actor=None) -> None:
    """Carry out a withdrawal of consent: the kind stops what needed it (a volunteer leaves
    the runs), and every consent on file is stamped as withdrawn (kept as proof)."""
    subject = registry.subject_of(kind)
    with transaction.atomic():
        if subject.withdraw is not None:
            subject.withdraw(subject_id=subject_id, actor=actor)
        ConsentRecord.objects.filter(
            subject_kind=kind, subject_id=subject_id, withdrawn_at__isnull=True
        ).update(withdrawn_at=timezone.now())


# --- A person's own signed link ----------------------------------------------------------

PERSONAL_LINK_SALT = "privacy.personal-link"


class PersonalLinkRefused(Exception):
    """The link is not (or no longer) a key to anyone's data on this stall."""


def _link_version(*, kind: str, subject_id: int) -> int:
    row = PersonalLink.objects.filter(subject_kind=kind, subject_id=subject_id).first()
    return row.version if row is not None else 1


def personal_link_token(*, kind: str, subject_id: int) -> str:
    """A signed token that opens one person's own data page on this stall until it expires
    (``GIANHANG_PERSONAL_LINK_DAYS``) or a new one is issued."""
    version = _link_version(kind=kind, subject_id=subject_id)
    value = f"{current_schema()}:{kind}:{subject_id}:{version}"
    return signing.TimestampSigner(salt=PERSONAL_LINK_SALT).sign(value)


def personal_link_subject(*, token: str, kind: str) -> int:
    """The subject a token opens, or ``PersonalLinkRefused`` (forged, altered, expired, of
    another stall or kind, replaced by a newer link, or the person's data already erased)."""
    signer = signing.TimestampSigner(salt=PERSONAL_LINK_SALT)
    try:
        value = signer.unsign(
            token, max_age=dt.timedelta(days=settings.GIANHANG_PERSONAL_LINK_DAYS)
        )
        schema, token_kind, raw_id, raw_version = value.split(":")
        subject_id, version = int(raw_id), int(raw_version)
    except (signing.BadSignature, ValueError) as exc:
        raise PersonalLinkRefused(str(exc)) from exc
    if schema != current_schema() or token_kind != kind:
        raise PersonalLinkRefused("link of another stall or kind")
    if version != _link_version(kind=kind, subject_id=subject_id):
        raise PersonalLinkRefused("replaced by a newer link")
    subject = registry.subject_of(kind)
    alive = subject.model._default_manager.filter(
        pk=subject_id, **{f"{subject.stamp[0]}__isnull": True}
    )
    if not alive.exists():
        raise PersonalLinkRefused("no such person, or their data is erased")
    return subject_id


@transaction.atomic
def personal_link_renew(*, kind: str, subject_id: int, officer) -> str:
    """Issue a new link; every link given out before stops working at once."""
    row, created = PersonalLink.objects.select_for_update().get_or_create(
        subject_kind=kind,
        subject_id=subject_id,
        defaults={"version": 2, "renewed_by_id": _actor_id(officer)},
    )
    if not created:
        PersonalLink.objects.filter(pk=row.pk).update(
            version=F("version") + 1, renewed_by_id=_actor_id(officer), renewed_at=timezone.now()
        )
    return personal_link_token(kind=kind, subject_id=subject_id)


# --- Data-subject requests ----------------------------------------------------------------


def data_request_open(
    *,
    subject_id: int,
    kind: str,
    subject_kind: str = SubjectKind.RECIPIENT,
    channel: str = DataRequest.Channel.SELF_SERVICE,
    answered: bool = False,
) -> DataRequest:
    """File a request; a second identical pending request returns the first.

    An access request is answered on the spot (the page shows the data), and so is an
    export the person downloads themselves (``answered``): both are filed as done, so the
    register still shows that data was seen or handed out, when and through which channel.
    """
    subject = registry.subject_of(subject_kind)
    label = (subject.label(subject_id) if subject.label else str(subject_id))[:40]
    common = {
        "subject_kind": subject_kind,
        "subject_id": subject_id,
        "subject_label": label,
        "kind": kind,
        "channel": channel,
    }
    if kind == DataRequest.Kind.ACCESS or answered:
        return DataRequest.objects.create(
            **common,
            state=DataRequest.State.DONE,
            processed_at=timezone.now(),
            outcome=_ANSWERED.get(kind, "answered on the spot"),
        )
    with transaction.atomic():
        try:
            with transaction.atomic():
                return DataRequest.objects.create(**common)
        except IntegrityError:
            return DataRequest.objects.get(
                subject_kind=subject_kind,
                subject_id=subject_id,
                kind=kind,
                state=DataRequest.State.PENDING,
            )


# What the register says of a request answered on the spot; never personal data.
_ANSWERED: dict[str, str] = {
    DataRequest.Kind.ACCESS.value: "shown to the data subject",
    DataRequest.Kind.EXPORT.value: "copy downloaded by the data subject",
}

# What the register says was done; never personal data.
_OUTCOMES: dict[str, str] = {
    DataRequest.Kind.DELETE.value: "personal data deleted in every app",
    DataRequest.Kind.WITHDRAW.value: "consent withdrawn; processing that needed it stopped",
    DataRequest.Kind.EXPORT.value: "data exported to the data subject",
}


class DataRequestStateError(Exception):
    """The request was already handled (by someone else, or by a double click)."""


@transaction.atomic
def data_request_process(
    *, data_request: DataRequest, officer, reject: bool = False
) -> DataRequest:
    """Close a pending request: delete forgets the subject everywhere, export is marked done.

    Guarded: only a still-pending request moves, so two officers pressing at once do the
    work once; the loser gets ``DataRequestStateError``.
    """
    now = timezone.now()
    state = DataRequest.State.REJECTED if reject else DataRequest.State.DONE
    outcome = "rejected" if reject else _OUTCOMES.get(str(data_request.kind), "done")
    moved = DataRequest.objects.filter(pk=data_request.pk, state=DataRequest.State.PENDING).update(
        state=state,
        processed_at=now,
        processed_by_id=_actor_id(officer),
        processed_by_username=officer.get_username()[:150],
        outcome=outcome,
    )
    if moved == 0:
        raise DataRequestStateError(data_request.pk)
    if not reject and data_request.kind == DataRequest.Kind.DELETE and data_request.subject_id:
        subject_delete(
            kind=data_request.subject_kind, subject_id=data_request.subject_id, actor=officer
        )
        access_log_write(
            user=officer,
            action=AccessLog.Action.DELETE,
            object_type=registry.subject_of(data_request.subject_kind).model._meta.label_lower,
            object_id=data_request.subject_id,
            path="",
        )
    if not reject and data_request.kind == DataRequest.Kind.WITHDRAW and data_request.subject_id:
        subject_withdraw(
            kind=data_request.subject_kind, subject_id=data_request.subject_id, actor=officer
        )
        access_log_write(
            user=officer,
            action=AccessLog.Action.CHANGE,
            object_type=registry.subject_of(data_request.subject_kind).model._meta.label_lower,
            object_id=data_request.subject_id,
            path="",
        )
    data_request.refresh_from_db()
    return data_request


# --- Access log ---------------------------------------------------------------------------


def access_log_write(
    *, user, action: str, object_type: str, object_id: Any = "", path: str = ""
) -> AccessLog:
    return AccessLog.objects.create(
        user_id=user.pk,
        username=user.get_username()[:150],
        action=action,
        object_type=object_type[:60],
        object_id=str(object_id or "")[:64],
        path=path[:300],
    )

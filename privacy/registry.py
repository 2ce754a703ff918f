"""The registry of personal data: which models hold it, how to find, export and forget it.

Each app declares its models in ``AppConfig.ready``; retention, export, deletion and the
access-log checks read this registry and nothing else, so a model that is not registered
is a test failure, not a silent leak.

A *subject* is a person the stall holds data about, named by kind and id: a recipient is
known by the id of their order, a volunteer by the volunteer's id. One model per kind is
the subject's root (``subject_register``): its rows are the subjects, it says which of
them are due for anonymising, and it carries the ``anonymised_at`` stamp that makes
forgetting idempotent. Every other model points to the root through ``lookup``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Q, QuerySet
from django.utils.functional import Promise

__all__ = [
    "Entry",
    "Q",
    "Subject",
    "anonymise_hook",
    "entries",
    "entries_of",
    "entry_of",
    "is_registered",
    "exempt_fields",
    "personal_data_exempt",
    "personal_data_register",
    "subject_of",
    "subject_register",
    "subjects",
]


@dataclass(frozen=True)
class Subject:
    kind: str
    model: type[models.Model]
    # Root rows due for anonymising at ``now`` (retention), before the stamp check.
    due: Callable[[dt.datetime], QuerySet]
    # Fields stamped with the time of anonymising (the first one is the guard).
    stamp: tuple[str, ...] = ("anonymised_at",)
    # How a person's deletion request is carried out; default: anonymise the subject.
    delete: Callable[..., Any] | None = None
    # What stops when the person withdraws their consent (``withdraw(subject_id=, actor=)``);
    # None: the kind offers no withdrawal of its own (a recipient asks for deletion).
    withdraw: Callable[..., Any] | None = None
    # Everything held about one subject, for the person's own page and their export.
    export: Callable[[int], dict[str, Any]] | None = None
    # A short non-personal label officers use to find the subject (an order's code).
    label: Callable[[int], str] | None = None
    # The subject a label names (``find``), and the one a person proves is theirs
    # (``verify(code=, last4=, phone=)``, None when anything does not match).
    find: Callable[[str], int | None] | None = None
    verify: Callable[..., int | None] | None = None


@dataclass(frozen=True)
class Entry:
    model: type[models.Model]
    # Personal fields and the value each gets when the subject is forgotten.
    fields: dict[str, Any]
    subjects: tuple[str, ...]
    lookup: str = "pk"
    subject_q: Callable[[str, Sequence[int]], Q] | None = None
    # A model whose pages show personal data held elsewhere (the access log, requests).
    shown_only: bool = False
    stamp: str | None = None

    @property
    def label(self) -> str:
        return f"{self.model._meta.app_label}.{self.model._meta.model_name}"

    def rows_of(self, kind: str, ids: Sequence[int]) -> QuerySet:
        if self.subject_q is not None:
            return self.model._default_manager.filter(self.subject_q(kind, ids))
        return self.model._default_manager.filter(**{f"{self.lookup}__in": list(ids)})


_entries: dict[str, Entry] = {}
_subjects: dict[str, Subject] = {}
_hooks: dict[str, list[Callable[..., Any]]] = {}
# Fields whose names look personal but hold none, each with the reason (app_label.model →
# field → why); the registry test accepts nothing else.
_exempt: dict[str, dict[str, str | Promise]] = {}


def personal_data_exempt(
    model: type[models.Model], *, fields: Iterable[str], why: str | Promise
) -> None:
    """Declare fields that look personal (a name, a note) but are not about a person."""
    label = f"{model._meta.app_label}.{model._meta.model_name}"
    for name in fields:
        model._meta.get_field(name)
        _exempt.setdefault(label, {})[name] = why


def exempt_fields(model: type[models.Model]) -> dict[str, str | Promise]:
    return dict(_exempt.get(f"{model._meta.app_label}.{model._meta.model_name}", {}))


def personal_data_register(
    model: type[models.Model],
    *,
    fields: dict[str, Any],
    subjects: Iterable[str] = ("recipient",),
    lookup: str = "pk",
    subject_q: Callable[[str, Sequence[int]], Q] | None = None,
    shown_only: bool = False,
    stamp: str | None = None,
) -> Entry:
    """Declare that ``model`` holds personal data in ``fields`` (field → blanked value)."""
    for name in fields:
        model._meta.get_field(name)  # a typo fails at start-up, not at the first purge
    entry = Entry(
        model=model,
        fields=dict(fields),
        subjects=tuple(subjects),
        lookup=lookup,
        subject_q=subject_q,
        shown_only=shown_only,
        stamp=stamp,
    )
    _entries[entry.label] = entry
    return entry


def subject_register(
    kind: str,
    *,
    model: type[models.Model],
    due: Callable[[dt.datetime], QuerySet],
    stamp: tuple[str, ...] = ("anonymised_at",),
    delete: Callable[..., Any] | None = None,
    withdraw: Callable[..., Any] | None = None,
    export: Callable[[int], dict[str, Any]] | None = None,
    label: Callable[[int], str] | None = None,
    find: Callable[[str], int | None] | None = None,
    verify: Callable[..., int | None] | None = None,
) -> Subject:
    """Declare the root model of a kind of person (its rows are the subjects)."""
    subject = Subject(
        kind=kind,
        model=model,
        due=due,
        stamp=stamp,
        delete=delete,
        withdraw=withdraw,
        export=export,
        label=label,
        find=find,
        verify=verify,
    )
    _subjects[kind] = subject
    return subject


def anonymise_hook(kind: str, hook: Callable[..., Any]) -> None:
    """Call ``hook(ids=[...], now=...)`` inside the transaction, just before subjects of
    ``kind`` are blanked: what must outlive the data (a count) is kept there."""
    _hooks.setdefault(kind, [])
    if hook not in _hooks[kind]:
        _hooks[kind].append(hook)


def hooks_of(kind: str) -> list[Callable[..., Any]]:
    return list(_hooks.get(kind, ()))


def entries() -> list[Entry]:
    return list(_entries.values())


def entries_of(kind: str) -> list[Entry]:
    return [e for e in _entries.values() if kind in e.subjects and not e.shown_only]


def entry_of(model: type[models.Model]) -> Entry | None:
    return _entries.get(f"{model._meta.app_label}.{model._meta.model_name}")


def is_registered(model: type[models.Model]) -> bool:
    return entry_of(model) is not None


def subjects() -> list[Subject]:
    return list(_subjects.values())


def subject_of(kind: str) -> Subject:
    try:
        return _subjects[kind]
    except KeyError:
        raise LookupError(f"no personal-data subject registered as {kind!r}") from None

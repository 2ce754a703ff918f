"""Every Celery task of the project: ``shared_task``, an explicit ``app.verb`` name, time limits."""

from __future__ import annotations

import pathlib
import re

from django.conf import settings

from gianhang.celery import app

ROOT = pathlib.Path(__file__).resolve().parents[2]
APPS = ("tenants", "privacy", "catalog", "logistics", "distribution", "reporting")


def _our_tasks() -> dict:
    app.loader.import_default_modules()
    return {
        name: task
        for name, task in app.tasks.items()
        if task.__module__.split(".")[0] in (*APPS, "gianhang", "core")
    }


def test_every_task_has_an_app_verb_name_matching_where_it_lives():
    tasks = _our_tasks()
    assert len(tasks) >= 10  # the walk sees the tasks at all
    for name, task in tasks.items():
        module_app = task.__module__.split(".")[0]
        # A task function may end in "_task" where the service it calls has the plain name.
        verb = task.run.__name__.removesuffix("_task")
        assert name == f"{module_app}.{verb}", (name, task.__module__)


def test_every_task_has_a_soft_and_a_hard_time_limit():
    for name, task in _our_tasks().items():
        assert task.soft_time_limit, name
        assert task.time_limit, name
        assert task.soft_time_limit < task.time_limit, name


def test_tasks_are_declared_with_shared_task_only():
    declared = []
    for path in ROOT.glob("*/tasks.py"):
        text = path.read_text()
        declared += re.findall(r"@shared_task\(", text)
        assert not re.search(r"@\w+\.task\b", text), f"{path}: use shared_task"
    assert len(declared) == len(_our_tasks())


def test_beat_names_only_tasks_that_exist():
    tasks = _our_tasks()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in tasks, entry["task"]

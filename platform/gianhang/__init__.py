"""The Gian hàng 0 đồng project: settings, URL confs, Celery app and CLI."""

from .celery import app as celery_app

__all__ = ["celery_app"]

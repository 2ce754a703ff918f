"""App config of the benchmark-only upgrade app."""

from django.apps import AppConfig


class UpgradeConfig(AppConfig):
    name = "bench._upgrade"
    label = "bench_upgrade"
    default_auto_field = "django.db.models.BigAutoField"

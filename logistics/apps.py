from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LogisticsConfig(AppConfig):
    name = "logistics"
    verbose_name = _("Giao nhận")

    def ready(self) -> None:
        from logistics import signals  # noqa: F401 - connects the receivers
        from logistics.personal_data import personal_data_declare

        personal_data_declare()

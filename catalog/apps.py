from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("Gian hàng")

    def ready(self) -> None:
        from catalog.cache import connect_signals
        from catalog.personal_data import personal_data_declare

        connect_signals()
        personal_data_declare()

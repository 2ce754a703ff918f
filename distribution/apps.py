from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DistributionConfig(AppConfig):
    name = "distribution"
    verbose_name = _("Phát công bằng")

    def ready(self) -> None:
        from distribution import receivers  # noqa: F401 - connects the signal receivers
        from distribution.personal_data import personal_data_declare

        personal_data_declare()

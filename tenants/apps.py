from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = _("Đơn vị và gian hàng")

    def ready(self) -> None:
        # django-tenants finds executors among its base class's subclasses: import ours.
        from tenants import upgrades  # noqa: F401

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Báo cáo")

    def ready(self) -> None:
        from privacy import registry
        from privacy.models import SubjectKind
        from reporting.forgetting import recipients_forget

        # Counts outlive the data they were counted from (see reporting.forgetting).
        registry.anonymise_hook(SubjectKind.RECIPIENT, recipients_forget)

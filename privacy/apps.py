from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Dữ liệu cá nhân")

    def ready(self) -> None:
        from django.contrib.admin.models import LogEntry

        from privacy import registry
        from privacy.models import AccessLog, ConsentRecord, DataRequest, SubjectKind
        from tenants.models import AdminArea, Stall, Unit

        def of_subject(kind, ids):
            return registry.Q(subject_kind=kind, subject_id__in=ids)

        def admin_history_of(kind, ids):
            # By name, not a cached content-type id: ids are per schema.
            meta = registry.subject_of(kind).model._meta
            return registry.Q(
                content_type__app_label=meta.app_label,
                content_type__model=meta.model_name,
                object_id__in=[str(i) for i in ids],
            )

        # A consent carries a guardian's name and phone, blanked with its subject's data.
        registry.personal_data_register(
            ConsentRecord,
            fields={"guardian_name": "", "guardian_phone": ""},
            subjects=SubjectKind.values,
            subject_q=of_subject,
            stamp="anonymised_at",
        )
        # Requests and the log hold ids and officers' usernames, but their pages show whose
        # data was handled: registered so those pages are logged too.
        registry.personal_data_register(
            DataRequest,
            fields={},
            subjects=SubjectKind.values,
            subject_q=of_subject,
            shown_only=True,
        )
        registry.personal_data_register(AccessLog, fields={}, subjects=(), shown_only=True)
        # The stall admin's history keeps each edited row's text (a volunteer's name, an
        # order's recipient): blanked with the person, the history itself stays.
        registry.personal_data_register(
            LogEntry,
            fields={"object_repr": "", "change_message": ""},
            subjects=SubjectKind.values,
            subject_q=admin_history_of,
        )
        officer = _("tài khoản cán bộ: trách nhiệm giải trình, giữ cùng nhật ký")
        registry.personal_data_exempt(DataRequest, fields=["processed_by_username"], why=officer)
        registry.personal_data_exempt(AccessLog, fields=["username"], why=officer)
        place = _("tên địa danh hoặc tổ chức, không phải của một người")
        registry.personal_data_exempt(AdminArea, fields=["name", "short_name"], why=place)
        registry.personal_data_exempt(Unit, fields=["name"], why=place)
        registry.personal_data_exempt(
            Stall, fields=["name", "schema_name", "sender_address"], why=place
        )

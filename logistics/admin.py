"""Back office for deliveries on the stall's admin site (officers of this stall only)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from logistics import services
from logistics.models import (
    Notification,
    Parcel,
    PostalBatch,
    Route,
    RunSignup,
    RunStop,
    SaturdayRun,
    Volunteer,
)
from logistics.volunteers import volunteer_consent_record, volunteer_guardian, volunteer_leave
from privacy.notices import NOTICE_CURRENT
from tenants.admin_sites import StallModelAdmin, stall_admin_site


class VolunteerForm(forms.ModelForm):
    consent_confirmed = forms.BooleanField(
        label=_("Đã có phiếu đồng ý"),
        required=False,
        help_text=_(
            "Đoàn viên (và cha mẹ, nếu dưới 18 tuổi) đã đọc và đồng ý thông báo về dữ liệu cá "
            "nhân phiên bản %(version)s. Hệ thống lưu bản ghi đồng ý theo phiên bản này."
        )
        % {"version": NOTICE_CURRENT},
    )

    class Meta:
        model = Volunteer
        fields = (
            "name",
            "chi_doan",
            "phone",
            "birth_year",
            "is_minor",
            "guardian_name",
            "guardian_phone",
            "is_active",
        )

    def clean(self):
        super().clean()
        data = self.cleaned_data
        try:
            guardian = volunteer_guardian(
                is_minor=bool(data.get("is_minor")),
                birth_year=data.get("birth_year"),
                guardian_name=data.get("guardian_name") or "",
                guardian_phone=data.get("guardian_phone") or "",
            )
        except ValidationError as exc:
            # Without the consent form yet, a minor may be saved (and cannot deliver).
            if data.get("consent_confirmed") or "birth_year" in exc.message_dict:
                for field, problems in exc.message_dict.items():
                    self.add_error(field, problems)
            data["is_minor"] = True
        else:
            data["is_minor"] = guardian.needed
            data["guardian_name"], data["guardian_phone"] = guardian.name, guardian.phone
        return data


@admin.register(Volunteer, site=stall_admin_site)
class VolunteerAdmin(StallModelAdmin):
    form = VolunteerForm
    list_display = ("name", "chi_doan", "phone", "is_minor", "guardian_consent_at", "is_active")
    list_filter = ("is_active", "is_minor", "chi_doan")
    search_fields = ("name", "chi_doan", "phone")
    readonly_fields = ("guardian_consent_at", "left_at")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if form.cleaned_data.get("consent_confirmed"):
            try:
                volunteer_consent_record(volunteer=obj, recorded_by=request.user)
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
        if not obj.is_active and obj.left_at is None:
            volunteer_leave(volunteer=obj)


class RunSignupInline(admin.TabularInline):
    model = RunSignup
    extra = 1
    autocomplete_fields = ("volunteer",)

    def has_view_permission(self, request, obj=None):
        return stall_admin_site.has_permission(request)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


@admin.register(SaturdayRun, site=stall_admin_site)
class SaturdayRunAdmin(StallModelAdmin):
    list_display = ("date", "state", "pair_capacity", "route_hours", "planned_at")
    list_filter = ("state",)
    readonly_fields = ("state", "planned_at", "plan_note")
    inlines = [RunSignupInline]
    actions = ["plan"]

    @admin.action(description=_("Chia tuyến ngay"))
    def plan(self, request, queryset):
        for run in queryset:
            try:
                services.run_plan(run=run, actor=request.user)
            except services.RunError as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                self.message_user(request, _("Đã chia tuyến %(r)s.") % {"r": run})


@admin.register(Route, site=stall_admin_site)
class RouteAdmin(StallModelAdmin):
    list_display = ("run", "number", "volunteer_a", "volunteer_b", "capacity", "distance_km")
    list_filter = ("run",)
    readonly_fields = ("token_version",)


@admin.register(RunStop, site=stall_admin_site)
class RunStopAdmin(StallModelAdmin):
    list_display = ("order", "run", "route", "position", "outcome", "reason", "is_current")
    list_filter = ("run", "outcome", "is_current")
    search_fields = ("order__code",)
    # Route and place change through the run page's services, which refuse a stop whose
    # order cannot be delivered (cancelled, finished); here they are only shown.
    readonly_fields = (
        "order",
        "run",
        "route",
        "position",
        "outcome",
        "reason",
        "reason_note",
        "is_current",
        "marked_at",
    )

    def has_add_permission(self, request):
        return False  # stops come from routing; moving them goes through the run page


class ParcelInline(admin.TabularInline):
    model = Parcel
    extra = 0
    fields = ("order", "parcels", "weight_grams", "postage", "tracking_number", "returned_at")
    readonly_fields = ("order", "tracking_number", "returned_at")

    def has_view_permission(self, request, obj=None):
        return stall_admin_site.has_permission(request)

    has_change_permission = has_view_permission

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PostalBatch, site=stall_admin_site)
class PostalBatchAdmin(StallModelAdmin):
    list_display = ("__str__", "state", "post_office", "receipt_number", "handed_over_on")
    list_filter = ("state",)
    readonly_fields = (
        "state",
        "receipt_number",
        "handed_over_on",
        "ready_at",
        "closed_at",
        "carrier",
    )
    inlines = [ParcelInline]

    def has_add_permission(self, request):
        return False  # batches are built by the batch job or the "gom lô" button

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification, site=stall_admin_site)
class NotificationAdmin(StallModelAdmin):
    list_display = ("created_at", "order", "phone", "text", "status", "attempts")
    list_filter = ("status", "backend")
    search_fields = ("order__code", "phone")
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

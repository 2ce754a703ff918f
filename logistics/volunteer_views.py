"""Officers' volunteer page: the list in school order, adding one, signing up for Saturday."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from catalog.phones import phone_display, phone_normalise
from logistics import selectors
from logistics.volunteers import (
    volunteer_guardian,
    volunteer_may_deliver,
    volunteer_register,
    volunteers_in_list_order,
)
from privacy.audit import audited
from privacy.notices import NOTICE_CURRENT
from tenants.permissions import stall_officer_required


class VolunteerForm(forms.Form):
    name = forms.CharField(label=_lazy("Họ tên"), max_length=120)
    chi_doan = forms.CharField(
        label=_lazy("Chi đoàn / lớp"), max_length=40, help_text=_lazy("Ví dụ: 10A1")
    )
    phone = forms.CharField(
        label=_lazy("Số điện thoại"),
        max_length=32,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    is_minor = forms.BooleanField(label=_lazy("Dưới 18 tuổi"), required=False, initial=True)
    guardian_name = forms.CharField(
        label=_lazy("Họ tên cha mẹ/người giám hộ"), max_length=120, required=False
    )
    guardian_phone = forms.CharField(
        label=_lazy("Số điện thoại cha mẹ/người giám hộ"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    consent = forms.BooleanField(
        label=_lazy(
            "Đoàn viên (và cha mẹ/người giám hộ, nếu dưới 18 tuổi) đã đọc và đồng ý thông báo "
            "về dữ liệu cá nhân, phiên bản %(version)s (đã có phiếu đồng ý)"
        )
        % {"version": NOTICE_CURRENT},
        error_messages={"required": _lazy("Cần có phiếu đồng ý trước khi thêm đoàn viên.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = _lazy("Hãy nhập họ tên.")
        self.fields["chi_doan"].error_messages["required"] = _lazy("Hãy nhập chi đoàn hoặc lớp.")
        self.fields["phone"].error_messages["required"] = _lazy("Hãy nhập số điện thoại.")

    def clean_phone(self) -> str:
        return phone_normalise(self.cleaned_data.get("phone", ""))

    def clean(self):
        super().clean()
        data = self.cleaned_data
        try:
            volunteer_guardian(
                is_minor=bool(data.get("is_minor")),
                guardian_name=data.get("guardian_name") or "",
                guardian_phone=data.get("guardian_phone") or "",
            )
        except ValidationError as exc:
            for field, problems in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, problems)
        return data


@stall_officer_required
@audited(object_type="logistics.volunteer")
def volunteers(request):
    form = VolunteerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            data = {k: v for k, v in form.cleaned_data.items() if k != "consent"}
            volunteer = volunteer_register(
                **data, notice_version=NOTICE_CURRENT, recorded_by=request.user
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Đã thêm đoàn viên %(name)s.") % {"name": volunteer.name})
            return redirect("workspace:volunteers")
    run = selectors.run_coming()
    signed = set(run.signups.values_list("volunteer_id", flat=True)) if run else set()
    people = volunteers_in_list_order()
    for person in people:
        person.phone_national = phone_display(person.phone)  # type: ignore[attr-defined]
        person.signed_up = person.pk in signed  # type: ignore[attr-defined]
        person.may_deliver = volunteer_may_deliver(person)  # type: ignore[attr-defined]
    return render(
        request,
        "logistics/volunteers.html",
        {"form": form, "volunteers": people, "run": run},
    )

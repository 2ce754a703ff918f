"""The one way in for staff: /dang-nhap/ on every host, landing by role, log-out."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tenants.accounts import (
    SESSION_MUST_CHANGE,
    handoff_token,
    handoff_user,
    landing_for,
    password_is_temporary,
    password_set,
    stall_login_url,
)


def _stall_of(request):
    tenant = getattr(request, "tenant", None)
    return tenant if tenant is not None and not tenant.is_public else None


class StaffLoginView(auth_views.LoginView):
    template_name = "gianhang/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        if password_is_temporary(user=form.get_user()):
            self.request.session[SESSION_MUST_CHANGE] = True
            return redirect("password-new")
        return response

    def get_success_url(self) -> str:
        return self.get_redirect_url() or reverse("login-landing")


def login_old_address(request):
    """/accounts/login/ from older links: shown at /dang-nhap/, sign-ins posted here still work."""
    if request.method == "POST":
        return StaffLoginView.as_view()(request)
    query = request.META.get("QUERY_STRING", "")
    return HttpResponseRedirect(reverse("login") + (f"?{query}" if query else ""))


@require_GET
@login_required
def login_landing(request):
    """Send each role to its place; a school officer signed in on the public host is passed
    to the stall's own host (sessions do not cross hosts)."""
    if request.session.get(SESSION_MUST_CHANGE):
        return redirect("password-new")
    landing = landing_for(user=request.user, stall=_stall_of(request))
    if landing.path:
        return redirect(landing.path)
    links = []
    for stall in landing.stalls:
        url = stall_login_url(
            stall=stall, token=handoff_token(user=request.user, stall=stall), port=_port(request)
        )
        if url:
            links.append((stall, url))
    # Not a redirect: the Content-Security-Policy's form-action 'self' stops a sign-in
    # form's redirect chain from leaving this host. A page that moves on by itself does not.
    return render(
        request,
        "gianhang/login_landing.html",
        {"links": links, "go_to": links[0][1] if len(links) == 1 else None},
    )


def _port(request) -> str | None:
    host = request.get_host()
    return host.rsplit(":", 1)[1] if ":" in host else None


@require_GET
def login_handoff(request, token: str):
    stall = _stall_of(request)
    user = handoff_user(token=token, stall=stall) if stall is not None else None
    if user is None:
        messages.error(
            request, _("Đường dẫn đăng nhập đã hết hạn hoặc đã dùng. Hãy đăng nhập lại ở đây.")
        )
        return redirect("login")
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return redirect("login-landing")


@login_required
def password_new(request):
    """A person whose password was handed out sets their own before anything else."""
    form = SetPasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        password_set(
            user=request.user, password=form.cleaned_data["new_password1"], request=request
        )
        messages.success(request, _("Đã đổi mật khẩu. Từ nay hãy đăng nhập bằng mật khẩu mới."))
        target = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("login-landing")
        return redirect(target)
    return render(
        request,
        "gianhang/password_new.html",
        {"form": form, "must_change": bool(request.session.get(SESSION_MUST_CHANGE))},
    )


class StaffLogoutView(auth_views.LogoutView):
    """POST only (Django refuses a GET log-out): a link cannot sign anyone out."""

    next_page = "/"

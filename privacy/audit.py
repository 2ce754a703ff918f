"""The staff access log, written for every view or export of personal data on a stall host.

A staff view that shows or hands out personal data is marked with ``audited`` (a view
function or a class-based view's ``personal_data_audit`` attribute); the stall's admin
pages are logged for every model in the registry. A test walks every staff URL and fails
when a page renders registered personal data without a log line.
"""

from __future__ import annotations

import logging
from functools import wraps

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist

from core.tenancy import current_schema
from privacy import registry
from privacy.services import access_log_write

logger = logging.getLogger(__name__)

# Admin forms sent: logged when the admin redirects (done), as a view when it answers 200.
_WRITES = ("change", "delete")

_ADMIN_VIEWS = {
    "changelist": "view",
    "change": "view",
    "add": "view",  # its choice lists name people too
    "history": "view",
    "delete": "view",
}


def audited(
    *,
    object_type: str,
    id_kwarg: str | None = None,
    action: str = "view",
    ids_param: str | None = None,
    link_visitor: str | None = None,
    masked_kwarg: str | None = None,
):
    """Mark a staff view that shows (``view``) or hands out (``export``) personal data.

    The record's id comes from the URL (``id_kwarg``) or from a repeated query parameter
    (``ids_param``, e.g. the orders of a printed batch of packing slips). A page opened
    without an account through a signed link (a volunteer's route) is logged as
    ``link_visitor`` when ``link_visitor`` is given, with the link's secret part
    (``masked_kwarg``) masked and the record's id set by the view on
    ``request.personal_data_object_id``. The middleware
    writes the log entry once the view has answered 200; an export whose log entry cannot
    be written is not sent. A link that opens one person's own data names them instead
    (the view sets ``request.personal_data_visitor``, e.g. "đoàn viên #12 (tự xem)").
    """

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            return view(request, *args, **kwargs)

        wrapper.personal_data_audit = (object_type, id_kwarg, action)  # type: ignore[attr-defined]
        wrapper.personal_data_ids_param = ids_param  # type: ignore[attr-defined]
        wrapper.personal_data_link = (link_visitor, masked_kwarg)  # type: ignore[attr-defined]
        return wrapper

    return decorate


def is_audited(view_func) -> bool:
    """Whether a resolved view (function, class-based or DRF) writes the access log."""
    if getattr(view_func, "personal_data_audit", None) is not None:
        return True
    view_class = getattr(view_func, "cls", None) or getattr(view_func, "view_class", None)
    return getattr(view_class, "personal_data_audit", None) is not None


def _admin_target(request, view_kwargs) -> tuple[str, str, str] | None:
    match = getattr(request, "resolver_match", None)
    if match is None or "stall_admin" not in (match.namespaces or []):
        return None
    # The admin site is built from every app's admin modules: imported late to avoid a
    # cycle through the apps' admin registrations.
    from tenants.admin_sites import stall_admin_site

    url_name = match.url_name or ""
    if url_name == "autocomplete":
        return _autocomplete_target(request, stall_admin_site)
    for model, model_admin in stall_admin_site._registry.items():
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        if url_name.startswith(prefix):
            view = url_name[len(prefix) :]
            if view in _ADMIN_VIEWS and admin_shows_personal_data(model, model_admin):
                label = f"{model._meta.app_label}.{model._meta.model_name}"
                return label, str(view_kwargs.get("object_id", "")), _ADMIN_VIEWS[view]
    return None


def _autocomplete_target(request, site) -> tuple[str, str, str] | None:
    """The admin's search-as-you-type answer lists rows of the field's target model (a
    volunteer's name for a run sign-up): logged like that model's list."""
    try:
        source = apps.get_model(request.GET.get("app_label", ""), request.GET.get("model_name", ""))
        field = source._meta.get_field(request.GET.get("field_name", ""))
    except (LookupError, ValueError, FieldDoesNotExist):
        return None  # the admin answers 403 itself
    model = getattr(field.remote_field, "model", None)
    model_admin = site._registry.get(model) if model is not None else None
    if model is None or model_admin is None or not admin_shows_personal_data(model, model_admin):
        return None
    return f"{model._meta.app_label}.{model._meta.model_name}", "", "view"


def _points_to_personal_data(model) -> bool:
    """Registered itself, or a row that names a registered one (a stop names its order's
    recipient, a route its volunteers): its admin pages show that person."""
    if registry.is_registered(model):
        return True
    return any(
        field.is_relation
        and field.many_to_one | field.one_to_one
        and field.related_model is not None
        and registry.is_registered(field.related_model)
        for field in model._meta.concrete_fields
    )


def admin_shows_personal_data(model, model_admin) -> bool:
    if _points_to_personal_data(model):
        return True
    return any(_points_to_personal_data(inline.model) for inline in model_admin.inlines)


class _LinkVisitor:
    """Who opened a page through a signed link, without an account (user id 0)."""

    pk = 0

    def __init__(self, label: str):
        self.label = label

    def get_username(self) -> str:
        return self.label


class AccessAuditMiddleware:
    """Log who viewed or exported personal data, what and when, inside the stall's schema."""

    def __init__(self, get_response):
        self.get_response = get_response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if current_schema() == "public":
            return None
        user = getattr(request, "user", None)
        marked = getattr(view_func, "personal_data_audit", None)
        if marked is None:
            view_class = getattr(view_func, "cls", None) or getattr(view_func, "view_class", None)
            marked = getattr(view_class, "personal_data_audit", None)
        if user is None or not user.is_authenticated:
            visitor, masked_kwarg = getattr(view_func, "personal_data_link", (None, None))
            if marked is None or visitor is None:
                return None
            path = request.get_full_path()
            if masked_kwarg and view_kwargs.get(masked_kwarg):
                path = path.replace(str(view_kwargs[masked_kwarg]), "…")
            request._personal_data_audit = (marked[0], "", marked[2])
            request._personal_data_visitor = (_LinkVisitor(visitor), path)
            return None
        if marked is not None:
            object_type, id_kwarg, action = marked
            object_id = str(view_kwargs.get(id_kwarg, "")) if id_kwarg else ""
            ids_param = getattr(view_func, "personal_data_ids_param", None)
            if ids_param:
                object_id = ",".join(request.GET.getlist(ids_param))
            request._personal_data_audit = (object_type, object_id, action)
        else:
            target = _admin_target(request, view_kwargs)
            if target is not None and request.method not in ("GET", "HEAD"):
                # A form sent: a page shown again (errors, an action's confirmation list)
                # is a view, a redirect means the rows were changed or deleted.
                deleting = (request.resolver_match.url_name or "").endswith("_delete")
                target = (target[0], target[1], "delete" if deleting else "change")
            if target is not None:
                request._personal_data_audit = target
        return None

    def __call__(self, request):
        response = self.get_response(request)
        target = getattr(request, "_personal_data_audit", None)
        written = target is not None and target[2] in _WRITES
        changed = written and response.status_code == 302
        if target is not None and (response.status_code == 200 or changed):
            object_type, object_id, action = target
            if written and not changed:
                action = "view"
            if response.has_header("Content-Disposition") and "attachment" in response.get(
                "Content-Disposition", ""
            ):
                action = "export"
            user, path = getattr(request, "_personal_data_visitor", (request.user, None))
            named = getattr(request, "personal_data_visitor", None)
            if named and isinstance(user, _LinkVisitor):
                user = _LinkVisitor(named)  # the person the link opened, by id
            access_log_write(
                user=user,
                action=action,
                object_type=object_type,
                object_id=getattr(request, "personal_data_object_id", None) or object_id,
                path=path or request.get_full_path(),
            )
        return response

"""Template filters that turn code names into the product's words."""

from __future__ import annotations

from django import template
from django.apps import apps

register = template.Library()


@register.filter
def model_label(value: str) -> str:
    """ "catalog.order" → "đơn hàng" (the model's verbose name); unknown labels stay as they are."""
    try:
        model = apps.get_model(str(value))
    except (LookupError, ValueError):
        return value
    return str(model._meta.verbose_name)

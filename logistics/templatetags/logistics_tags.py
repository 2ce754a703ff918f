"""Template filters of the delivery pages."""

from __future__ import annotations

from django import template

from catalog.phones import phone_display

register = template.Library()


@register.filter(name="phone")
def phone(value: str) -> str:
    """A stored E.164 number as people dial it (0976 543 215)."""
    return phone_display(value) if value else ""

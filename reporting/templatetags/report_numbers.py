"""``{{ value|so }}``: numbers on report pages through the reports' one formatter."""

from django import template

from core.numbers import number_text

register = template.Library()


@register.filter
def so(value, decimals: int = 1) -> str:
    return number_text(value, decimals)

"""``{% load agreements_tags %}``: numbers as users write them, and a few labels."""

from decimal import Decimal

from django import template

from superteam.agreements.pdf import money as money_text
from superteam.agreements.pdf import number

register = template.Library()


@register.filter
def num(value):
    """A decimal without trailing zeros, with the language's separators (1.250.000,5)."""
    if value is None or value == "":
        return "–"
    if not isinstance(value, Decimal):
        try:
            value = Decimal(str(value))
        except ArithmeticError:
            return value
    return number(value)


@register.filter
def money(value):
    """Rupiah with two decimals or none (1.250.000,50; 1.250.000)."""
    if value is None or value == "":
        return "–"
    try:
        return money_text(Decimal(str(value)))
    except ArithmeticError:
        return value


@register.filter
def pct(value):
    """Capaian as "87,5 %" (or a dash when there is none yet)."""
    if value is None:
        return "–"
    return f"{number(Decimal(value).quantize(Decimal('0.1')))} %"


@register.filter
def short_hash(value: str) -> str:
    return f"{value[:12]}…{value[-6:]}" if value and len(value) > 20 else value

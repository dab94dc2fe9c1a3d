"""``{% load charts %}``: SVG charts for templates (see core/charts.py)."""

from django import template

from superteam.core import charts

register = template.Library()


@register.simple_tag
def bar_chart(items, title, suffix="", max_value=None, classes=None):
    """``classes``: one CSS class per bar (e.g. a tone: good, warn, bad)."""
    return charts.bar_chart(items, title=title, suffix=suffix, max_value=max_value, classes=classes)


@register.simple_tag
def line_chart(points, title, suffix="", max_value=None):
    return charts.line_chart(points, title=title, suffix=suffix, max_value=max_value)


@register.simple_tag
def meter(value, maximum=100, label="", tone=""):
    return charts.meter(float(value or 0), maximum=float(maximum), label=label, tone=tone)

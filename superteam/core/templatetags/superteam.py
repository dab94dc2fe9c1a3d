"""Template helpers available in every template (registered as a builtin)."""

from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``{{ counts|get_item:unit.pk }}``: look a key up in a dict."""
    if mapping is None:
        return None
    try:
        return mapping.get(key)
    except AttributeError:
        return None

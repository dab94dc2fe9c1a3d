"""``{% load news_portal %}``: helpers of the public portal's templates."""

from django import template
from django.conf import settings

from superteam.news.views import path_in

register = template.Library()


@register.simple_tag(takes_context=True)
def language_versions(context):
    """(code, name, address) of this page in each language: the visible language switch."""
    request = context.get("request")
    path = request.get_full_path() if request is not None else "/"
    return [(code, name, path_in(path, code)) for code, name in settings.LANGUAGES]


@register.filter
def place_name(regency) -> str:
    """ "Kabupaten Banyuwangi" → "Banyuwangi", as a regional news site names its place."""
    name = str(regency or "")
    for prefix in ("Kabupaten ", "Kota ", "Kab. "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name

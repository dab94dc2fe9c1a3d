"""The main menu: each app lists its entries in its AppConfig as ``nav_items``."""

from dataclasses import dataclass

from django.apps import apps
from django.urls import NoReverseMatch, reverse

from superteam.core.permissions import can


@dataclass(frozen=True)
class NavItem:
    """One menu entry: a label, a URL name and the permission it needs (None: everyone)."""

    label: str
    url_name: str
    action: str | None = None
    order: int = 50


def menu_for(actor) -> list[dict]:
    """The entries this actor may open, in menu order."""
    items = []
    for config in apps.get_app_configs():
        for item in getattr(config, "nav_items", ()):
            if item.action and not can(actor, item.action):
                continue
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                continue
            items.append((item.order, str(item.label), url))
    return [{"label": label, "url": url} for _, label, url in sorted(items)]

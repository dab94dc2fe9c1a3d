"""Permission rules of the news portal (see core/permissions.py).

Who edits the news is a matter of position, not of person: the holders of positions in
the units named by ``settings.NEWS_EDITOR_UNITS`` (by default Diskominfo's Bidang
Informasi dan Komunikasi Publik) and their sub-units are **editors**: they write,
translate and send articles for review. The heads of those units (and of the units
above them, e.g. the kepala Diskominfo) are **reviewers**: they publish, schedule,
return to draft and correct published articles. Admins are both. The regent, although
governing every unit, is a source of news rather than its editor: not in the newsroom by
that alone. Public pages need no rule.
"""

from __future__ import annotations

from django.conf import settings

from superteam.core.permissions import Actor, rule


def _editor_units(actor: Actor) -> list:
    """The editors' units in the actor's regencies (looked up once per actor)."""
    units = actor.__dict__.get("_news_editor_units")
    if units is None:
        from superteam.org.models import Unit

        codes = list(settings.NEWS_EDITOR_UNITS)
        units = (
            list(Unit.objects.filter(regency_id__in=actor.regency_ids, code__in=codes))
            if codes and actor.regency_ids
            else []
        )
        actor.__dict__["_news_editor_units"] = units
    return units


def _regency_id(obj) -> int | None:
    from superteam.org.models import Regency

    if obj is None:
        return None
    if isinstance(obj, Regency):
        return obj.pk
    return getattr(obj, "regency_id", None)


def _same_regency(unit, obj) -> bool:
    regency_id = _regency_id(obj)
    return regency_id is None or unit.regency_id == regency_id


def _heads(actor: Actor, unit) -> bool:
    """Holds the head position of the unit or of a unit above it. Deliberately not
    ``acts_for``: governing the regency (the regent) does not make one an editor."""
    return any(unit.path.startswith(h.path) for h in actor.headed_units)


def is_editor(actor: Actor, obj=None) -> bool:
    if not actor.is_authenticated:
        return False
    if actor.is_admin and actor.in_regency(obj):
        return True
    return any(
        _same_regency(u, obj) and (actor.is_member_of(u) or _heads(actor, u))
        for u in _editor_units(actor)
    )


def is_reviewer(actor: Actor, obj=None) -> bool:
    if not actor.is_authenticated:
        return False
    if actor.is_admin and actor.in_regency(obj):
        return True
    return any(_same_regency(u, obj) and _heads(actor, u) for u in _editor_units(actor))


@rule("news.edit")
def edit(actor, obj):
    """The editors' area: write and translate articles, see subscriber counts, send log."""
    return is_editor(actor, obj)


@rule("news.review")
def review(actor, obj):
    """Publish, schedule, return to draft, take an article off the portal."""
    return is_reviewer(actor, obj)


@rule("news.edit_article")
def edit_article(actor, article):
    """Editors change drafts and articles in review; a published article only a reviewer."""
    if article is None or not is_editor(actor, article):
        return False
    if article.status == "published":
        return is_reviewer(actor, article)
    return True

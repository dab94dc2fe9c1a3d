"""Plain words for the scheduler's findings, in the reader's language.

The scheduler returns rules broken and causes of infeasibility as data (``Reason``: a
kind and parameters); they are stored as JSON and rendered here at display time, so the
same finding reads in Bahasa Indonesia or English.
"""

from __future__ import annotations

import datetime
import re

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def _dates(text: str) -> str:
    """Show ISO dates (how the scheduler names days) as local dates."""

    def local(match: re.Match) -> str:
        day = datetime.date(int(match[1]), int(match[2]), int(match[3]))
        return formats.date_format(day, "l, j F Y")

    return ISO_DATE.sub(local, str(text))


def _list(items) -> str:
    items = [_dates(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return _("%(first)s and %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


def describe(reason: dict) -> str:
    """One finding (``{"kind": ..., "params": {...}}``) as a sentence."""
    kind, p = reason.get("kind"), dict(reason.get("params") or {})
    for key in ("when", "day"):
        if isinstance(p.get(key), str):
            p[key] = _dates(p[key])
    if kind == "unplaced":
        return _("Session “%(session)s” has no day, time or room yet.") % p
    if kind == "outside_grid":
        return (
            _(
                "Session “%(session)s” is placed outside the rakor's days and hours: all its "
                "%(length)s time slots must fall within one day of the rakor."
            )
            % p
        )
    if kind == "too_long":
        return (
            _(
                "Session “%(session)s” lasts %(length)s time slots but a rakor day has only "
                "%(slots_per_day)s."
            )
            % p
        )
    if kind == "wrong_day":
        return _("Session “%(session)s” must be held on %(days)s.") % {
            "session": p["session"],
            "days": _list(p.get("days", [])),
        }
    if kind == "room_clash":
        return _("%(room)s holds two sessions at once (%(sessions)s) on %(when)s.") % {
            "room": p["room"],
            "sessions": _list(p["sessions"]),
            "when": p["when"],
        }
    if kind == "unassigned":
        return _("%(person)s is not assigned to a session of their cluster.") % p
    if kind == "capacity":
        return (
            _(
                "Session “%(session)s” has %(attendees)s participants but %(room)s seats "
                "%(capacity)s."
            )
            % p
        )
    if kind == "person_clash":
        return _("%(person)s would be in two places at once: %(sessions)s on %(when)s.") % {
            "person": p["person"],
            "sessions": _list(p["sessions"]),
            "when": p["when"],
        }
    if kind == "unavailable":
        return (
            _(
                "%(person)s declared they are unavailable while session “%(session)s” meets "
                "(%(when)s)."
            )
            % p
        )
    if kind == "coverage":
        return (
            _(
                "%(unit)s would keep only %(on_duty)s of its %(staff)s staff on duty on %(when)s, "
                "fewer than the %(required)s its service needs."
            )
            % p
        )
    if kind == "fixed_day":
        return _(
            "Session “%(session)s” is fixed on %(days)s, and on that day it cannot be placed "
            "without breaking another rule."
        ) % {"session": p["session"], "days": _list(p.get("days", []))}
    if kind == "fixed_day_outside":
        return _("Session “%(session)s” is fixed on a day outside the rakor.") % p
    if kind == "pinned":
        return (
            _(
                "Session “%(session)s” was placed by hand on %(when)s in %(room)s, which conflicts "
                "with the other rules."
            )
            % p
        )
    if kind == "capacity_core":
        return (
            _(
                "Session “%(session)s” needs at least %(attendees)s seats at once, but the largest "
                "room available seats %(largest_room)s: split the session or add a larger room."
            )
            % p
        )
    if kind == "clash_core":
        people = _list(p.get("people", []))
        more = p.get("count", 0) - len(p.get("people", []))
        if more > 0:
            people = ngettext("%(people)s and %(n)s other", "%(people)s and %(n)s others", more) % {
                "people": people,
                "n": more,
            }
        return _(
            "Sessions %(sessions)s share participants (%(people)s), so they cannot meet at the "
            "same time, and there is no other time left for them."
        ) % {"sessions": _list(p["sessions"]), "people": people}
    if kind == "unavailable_core":
        return _(
            "%(person)s is unavailable (%(when)s) whenever their session could take place."
        ) % {"person": p["person"], "when": _list(p.get("when", []))}
    if kind == "unavailable_together":
        people = _list(p.get("people", []))
        more = p.get("count", 0) - len(p.get("people", []))
        if more > 0:
            people = ngettext("%(people)s and %(n)s other", "%(people)s and %(n)s others", more) % {
                "people": people,
                "n": more,
            }
        return _(
            "Session “%(session)s” finds no time at which %(people)s are all available: each "
            "declared some unavailability, and together they cover every possible time. Ask "
            "one of them to send a deputy, or add a day."
        ) % {"session": p["session"], "people": people}
    if kind == "unavailable_part":
        return _(
            "%(person)s is unavailable (%(when)s); together with the other rules listed, that "
            "leaves no time for their session."
        ) % {"person": p["person"], "when": _list(p.get("when", []))}
    if kind == "coverage_core":
        return (
            _(
                "%(unit)s must keep %(required)s of its %(staff)s staff on duty during service "
                "hours, so at most %(max_away)s may be away at once; %(attendees)s of its people "
                "are on the roster and cannot be spread over enough sessions or times outside its "
                "service hours. Add a session for the cluster, exclude someone, or lower the "
                "on-duty share."
            )
            % p
        )
    if kind == "overloaded":
        return (
            _(
                "%(person)s must attend %(sessions)s sessions lasting %(hours)s hours in all; they "
                "do not fit into %(days)s days one after the other. Give the cluster another chair, "
                "shorten sessions or add a day."
            )
            % p
        )
    if kind == "grid":
        return (
            _(
                "The %(sessions)s sessions need %(needed)s room time slots; %(rooms)s rooms over "
                "%(days)s days offer %(available)s, and not every combination fits."
            )
            % p
        )
    if kind == "no_reason_found":
        return _("No single rule could be named; try a longer time limit.")
    return str(kind)


def describe_all(reasons) -> list[str]:
    return [describe(r) for r in reasons or []]

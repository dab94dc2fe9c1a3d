"""The regent's daily digest (and each head's, for the units under them), reminders to
units that have not reported, and the reporter's notice of a verifier's decision.

A digest is built from the rollups and a few bounded, index-backed reads of one day
(a constant number of queries whatever the size of the regency) and rendered in the
recipient's language.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from superteam.innovations.services import innovations_started_between
from superteam.meetings.services import last_rakor_end
from superteam.org.models import (
    HEAD_LEVELS,
    REGENT_LEVELS,
    Assignment,
    Cluster,
    Person,
    PositionLevel,
    Regency,
    Unit,
)
from superteam.reports import compliance
from superteam.reports.models import (
    WARNING_FLAGS,
    DigestDelivery,
    IndicatorReading,
    Photo,
    PhotoFlag,
    PhotoStatus,
    Report,
    ReportingUnit,
    ReportStatus,
    UnitDay,
)

log = logging.getLogger(__name__)
HIGHLIGHTS_PER_CLUSTER = 3


@dataclass
class UnitLine:
    unit: Unit
    reports: int
    photos: int
    flagged: int


@dataclass
class ClusterSection:
    """What happened in one cluster on the day."""

    key: str
    name: str
    cluster: Cluster | None = None
    reported: list[UnitLine] = field(default_factory=list)
    silent: list[Unit] = field(default_factory=list)
    highlights: list[Report] = field(default_factory=list)
    flags: list[PhotoFlag] = field(default_factory=list)
    decisions: list = field(default_factory=list)
    expected_ids: set = field(default_factory=set, repr=False)

    @property
    def rate(self):
        """Share of the units expected today that reported."""
        reported = len({u.unit.pk for u in self.reported} & self.expected_ids)
        return compliance.percent(reported, reported + len(self.silent))

    @property
    def tone(self) -> str:
        return compliance.tone(self.rate)

    @property
    def is_empty(self) -> bool:
        return not (self.reported or self.silent or self.flags)


@dataclass
class Digest:
    regency: Regency
    day: datetime.date
    under: Unit | None
    working_day: bool
    sections: list[ClusterSection]
    totals: dict
    silent_count: int
    since_rakor: datetime.date | None = None
    innovations: list = field(default_factory=list)
    indicators: list = field(default_factory=list)

    @property
    def scope_name(self) -> str:
        return self.under.name if self.under is not None else self.regency.name


class _ClusterIndex:
    """Which clusters a unit belongs to (directly or through an ancestor), from one query."""

    def __init__(self, regency):
        self.clusters = list(Cluster.objects.filter(regency=regency).prefetch_related("units"))
        self.paths = [(c, [u.path for u in c.units.all()]) for c in self.clusters]

    def of(self, unit: Unit) -> list[Cluster]:
        return [c for c, paths in self.paths if any(unit.path.startswith(p) for p in paths)]


def build_digest(*, regency, day: datetime.date, under: Unit | None = None) -> Digest:
    """The digest of a day for the whole regency, or for the units under ``under``."""
    scope = {"unit__path__startswith": under.path} if under is not None else {}
    report_scope = {"unit__path__startswith": under.path} if under is not None else {}
    index = _ClusterIndex(regency)
    sections: dict[str, ClusterSection] = {}
    for c in index.clusters:
        sections[str(c.pk)] = ClusterSection(key=str(c.pk), name=c.localized_name, cluster=c)
    other = ClusterSection(key="other", name=_("Units outside any cluster"))

    def sections_of(unit: Unit) -> list[ClusterSection]:
        found = [sections[str(c.pk)] for c in index.of(unit)]
        return found or [other]

    working = compliance.is_working_day(regency=regency, day=day)
    expected_ids = set(
        ReportingUnit.objects.filter(regency=regency, since__lte=day, **scope)
        .exclude(until__lt=day)
        .values_list("unit_id", flat=True)
    )
    for section in [*sections.values(), other]:
        section.expected_ids = expected_ids if working else set()
    days = UnitDay.objects.filter(compliance.COUNTED, regency=regency, date=day, **scope)
    for row in days.select_related("unit").order_by("unit__path"):
        line = UnitLine(row.unit, row.reports, row.photos, row.flagged_photos)
        for s in sections_of(row.unit):
            s.reported.append(line)
    silent = compliance.silent_units(regency=regency, day=day, under=under) if working else []
    for unit in silent:
        for s in sections_of(unit):
            s.silent.append(unit)
    highlights = (
        Report.objects.filter(
            regency=regency, date=day, flagged_photos=0, photos_expected__gt=0, **report_scope
        )
        .exclude(status__in=[ReportStatus.REJECTED, ReportStatus.ON_HOLD])
        .select_related("unit", "author", "position")
        .prefetch_related(
            Prefetch(
                "photos",
                queryset=Photo.objects.filter(status=PhotoStatus.READY).order_by("slot"),
                to_attr="ready_photos",
            )
        )
        .order_by("-submitted_at")[:100]
    )
    for report in highlights:
        if not report.ready_photos:
            continue
        for s in sections_of(report.unit):
            if len(s.highlights) < HIGHLIGHTS_PER_CLUSTER:
                s.highlights.append(report)
    flags = (
        PhotoFlag.objects.filter(
            regency=regency,
            report_date=day,
            kind__in=WARNING_FLAGS,
            **{f"report__{k}": v for k, v in report_scope.items()},
        )
        .select_related("photo", "report", "report__unit")
        .order_by("report__unit__path", "pk")[:100]
    )
    for flag in flags:
        for s in sections_of(flag.report.unit):
            s.flags.append(flag)
    acted = (
        Report.decisions.through.objects.filter(
            report__regency=regency,
            report__date=day,
            **{f"report__{k}": v for k, v in report_scope.items()},
        )
        .select_related("decision", "report", "report__unit")
        .order_by("decision_id", "report__submitted_at")[:100]
    )
    for link in acted:
        for s in sections_of(link.report.unit):
            if all(d.pk != link.decision.pk for d, _r in s.decisions):
                s.decisions.append((link.decision, link.report))
    since, started = _innovations_since_rakor(regency=regency, day=day, under=under)
    moved = _indicators_moved(regency=regency, day=day, report_scope=report_scope)
    ordered = [sections[str(c.pk)] for c in index.clusters] + [other]
    return Digest(
        regency=regency if isinstance(regency, Regency) else Regency.objects.get(pk=regency),
        day=day,
        under=under,
        working_day=working,
        sections=[s for s in ordered if not s.is_empty or s.highlights],
        totals=compliance.totals_for_day(regency=regency, day=day, under=under),
        silent_count=len(silent),
        since_rakor=since,
        innovations=started,
        indicators=moved,
    )


def _indicators_moved(*, regency, day, report_scope) -> list[dict]:
    """Agreement indicators that got a value from the day's reports (the latest each)."""
    readings = (
        IndicatorReading.objects.filter(
            regency=regency,
            report__date=day,
            value__isnull=False,
            **{f"report__{k}": v for k, v in report_scope.items()},
        )
        .select_related("indicator__terms", "report__unit")
        .order_by("indicator_id", "-report__submitted_at")[:200]
    )
    rows, seen = [], set()
    for r in readings:
        if r.indicator_id in seen or r.indicator.terms is None:
            continue
        seen.add(r.indicator_id)
        rows.append(
            {
                "name": r.indicator.terms.name,
                "value": r.value,
                "unit_of_measure": r.indicator.terms.unit_of_measure,
                "target": r.indicator.terms.target,
                "capaian": r.indicator.capaian,
                "unit": r.report.unit.display_name,
                "report": r.report,
            }
        )
    return rows


def _innovations_since_rakor(*, regency, day, under):
    """Innovations started since the end of the last rakor (meetings and innovations apps)."""
    since = last_rakor_end(regency=regency, day=day)
    if since is None:
        return None, []
    rows = list(innovations_started_between(regency=regency, start=since, end=day))
    if under is not None:
        rows = [i for i in rows if i.owner_unit.path.startswith(under.path)]
    return since, rows


# --- Sending -----------------------------------------------------------------------------


def digest_recipients(*, regency_id: int) -> list[tuple[int, int]]:
    """(person, unit) pairs: the regent, vice-regent and sekda get the whole regency (the
    root unit); each unit head gets the units under them that are expected to report."""
    root = Unit.objects.filter(regency_id=regency_id, parent__isnull=True).first()
    if root is None:
        return []
    enrolled = list(
        ReportingUnit.objects.filter(regency_id=regency_id).values_list("unit__path", flat=True)
    )
    pairs: list[tuple[int, int]] = []
    seen = set()
    rows = (
        Assignment.objects.current()
        .filter(
            regency_id=regency_id,
            position__is_active=True,
            position__level__in=[*REGENT_LEVELS, PositionLevel.HEAD],
            person__is_active=True,
        )
        .exclude(person__email="")
        .select_related("position__unit")
        .order_by("position__unit__path")
    )
    for a in rows:
        if a.position.level in REGENT_LEVELS:
            pair = (a.person_id, root.pk)
        else:
            path = a.position.unit.path
            if not any(p.startswith(path) and p != path for p in enrolled):
                continue
            pair = (a.person_id, a.position.unit_id)
        if pair not in seen:
            seen.add(pair)
            pairs.append(pair)
    return pairs


def _absolute(url: str) -> str:
    return url if url.startswith(("http://", "https://")) else settings.SITE_URL + url


def greeting(name: str, now: datetime.datetime | None = None) -> str:
    """Good morning / afternoon / evening by the local hour (the digest's time is set by
    REPORTS_DIGEST_TIME, and a late scheduler sends it later)."""
    hour = timezone.localtime(now).hour
    if hour < 11:
        text = _("Good morning, %(name)s.")
    elif hour < 15:
        text = _("Good day, %(name)s.")
    elif hour < 18:
        text = _("Good afternoon, %(name)s.")
    else:
        text = _("Good evening, %(name)s.")
    return text % {"name": name}


def digest_summary(digest: Digest) -> str:
    """ "12 units reported (15 reports), 3 were silent, 1 photo was flagged." with each
    count's own plural."""
    totals = digest.totals
    parts = [
        ngettext(
            "%(count)s unit reported (%(reports)s)",
            "%(count)s units reported (%(reports)s)",
            totals["units"],
        )
        % {
            "count": totals["units"],
            "reports": ngettext("%(count)s report", "%(count)s reports", totals["reports"])
            % {"count": totals["reports"]},
        },
        ngettext("%(count)s was silent", "%(count)s were silent", digest.silent_count)
        % {"count": digest.silent_count},
        ngettext("%(count)s photo was flagged", "%(count)s photos were flagged", totals["flagged"])
        % {"count": totals["flagged"]},
    ]
    return ", ".join(parts) + "."


def render_digest_email(*, digest: Digest, person) -> EmailMultiAlternatives:
    """The digest as an email in the person's language (derivative photo URLs only)."""
    with translation.override(person.language or settings.LANGUAGE_CODE):
        context = {
            "digest": digest,
            "greeting": greeting(person.get_short_name()),
            "summary": digest_summary(digest),
            "person": person,
            "site_url": settings.SITE_URL,
            "page_url": _absolute(
                reverse("reports:digest")
                + f"?day={digest.day.isoformat()}"
                + (f"&unit={digest.under.pk}" if digest.under is not None else "")
            ),
        }
        subject = _("Daily digest %(day)s: %(scope)s") % {
            "day": digest.day.strftime("%d-%m-%Y"),
            "scope": digest.scope_name,
        }
        text = render_to_string("reports/email/digest.txt", context)
        html = render_to_string("reports/email/digest.html", context)
    message = EmailMultiAlternatives(subject, text, to=[person.email])
    message.attach_alternative(html, "text/html")
    return message


def send_digest(*, person_id: int, unit_id: int, day: datetime.date) -> bool:
    """Send one recipient's digest once (a second call for the same day does nothing)."""
    person = Person.objects.filter(pk=person_id, is_active=True).exclude(email="").first()
    unit = Unit.objects.select_related("regency").filter(pk=unit_id).first()
    if person is None or unit is None:
        return False
    delivery, _created = DigestDelivery.objects.get_or_create(
        kind=DigestDelivery.KIND_DIGEST,
        day=day,
        address=person.email,
        unit=unit,
        defaults={"regency_id": unit.regency_id, "person": person},
    )
    if delivery.sent_at is not None:
        return False
    under = None if unit.parent_id is None else unit
    # Built in the reader's language too: cluster names and section labels are chosen
    # when the digest is built, not when it is rendered.
    with translation.override(person.language or settings.LANGUAGE_CODE):
        digest = build_digest(regency=unit.regency, day=day, under=under)
    render_digest_email(digest=digest, person=person).send()
    DigestDelivery.objects.filter(pk=delivery.pk).update(sent_at=timezone.now())
    return True


def send_reminders(*, regency_id: int, day: datetime.date) -> int:
    """Email each unit that is expected today and has not reported: the unit's address
    and the heads of the unit, each in their language. Returns the emails sent."""
    silent = compliance.silent_units(regency=regency_id, day=day)
    if not silent:
        return 0
    holders = (
        Assignment.objects.current(day)
        .filter(
            position__unit__in=silent,
            position__level__in=HEAD_LEVELS,
            position__is_active=True,
            person__is_active=True,
        )
        .exclude(person__email="")
        .select_related("person", "position")
    )
    recipients: dict[int, list[tuple[str, str, str]]] = {u.pk: [] for u in silent}
    for a in holders:
        recipients[a.position.unit_id].append(
            (a.person.email, a.person.language, a.person.full_name)
        )
    sent = 0
    form_url = _absolute(reverse("reports:submit"))
    for unit in silent:
        targets = list(recipients[unit.pk])
        if unit.email:
            targets.append((unit.email, settings.LANGUAGE_CODE, unit.name))
        for address, language, name in {t[0]: t for t in targets}.values():
            with transaction.atomic():
                delivery, _created = DigestDelivery.objects.get_or_create(
                    kind=DigestDelivery.KIND_REMINDER,
                    day=day,
                    address=address,
                    unit=unit,
                    defaults={"regency_id": regency_id},
                )
            if delivery.sent_at is not None:
                continue
            with translation.override(language or settings.LANGUAGE_CODE):
                context = {"unit": unit, "day": day, "name": name, "form_url": form_url}
                subject = _("Reminder: no report yet from %(unit)s today") % {"unit": unit.name}
                body = render_to_string("reports/email/reminder.txt", context)
            EmailMultiAlternatives(subject, body, to=[address]).send()
            DigestDelivery.objects.filter(pk=delivery.pk).update(sent_at=timezone.now())
            sent += 1
    return sent


def notify_reporter(*, report_id: int) -> bool:
    """Tell the author, in their language, that their report was held or rejected."""
    report = (
        Report.objects.select_related("author", "unit", "verified_by").filter(pk=report_id).first()
    )
    if report is None or not report.author.email or report.status == ReportStatus.APPROVED:
        return False
    with translation.override(report.author.language or settings.LANGUAGE_CODE):
        context = {
            "report": report,
            "url": _absolute(reverse("reports:detail", args=[report.pk])),
        }
        subject = _("Your report “%(title)s”: %(status)s") % {
            "title": report.title,
            "status": report.get_status_display(),
        }
        body = render_to_string("reports/email/outcome.txt", context)
    EmailMultiAlternatives(subject, body, to=[report.author.email]).send()
    return True


def notify_verifier(*, report_id: int) -> bool:
    """Tell the verifier who held a report, in their language, that its author answered."""
    report = Report.objects.select_related("verified_by", "unit").filter(pk=report_id).first()
    reply = report.replies.select_related("author").first() if report else None
    verifier = report.verified_by if report else None
    if reply is None or verifier is None or not verifier.email:
        return False
    with translation.override(verifier.language or settings.LANGUAGE_CODE):
        context = {
            "report": report,
            "reply": reply,
            "verifier": verifier,
            "url": _absolute(reverse("reports:detail", args=[report.pk])),
        }
        subject = _("Answered: “%(title)s”") % {"title": report.title}
        body = render_to_string("reports/email/answered.txt", context)
    EmailMultiAlternatives(subject, body, to=[verifier.email]).send()
    return True

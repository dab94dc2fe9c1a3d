"""Pages of the reports app: the phone form, my reports, a report, verification,
compliance, the daily digest and the holiday calendar.

Dashboards (compliance, digest) read the rollups; every page runs a fixed number of
queries whatever the number of reports.
"""

from __future__ import annotations

import datetime
from functools import cache

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from superteam.core.permissions import can, require
from superteam.core.tenancy import current_regency
from superteam.org.models import Cluster, Unit
from superteam.reports import compliance, links
from superteam.reports import holidays as holiday_services
from superteam.reports.digest import build_digest
from superteam.reports.forms import (
    AnswerForm,
    HolidayForm,
    HolidayListForm,
    ReportForm,
    VerifyForm,
    parse_day,
)
from superteam.reports.models import (
    Channel,
    Holiday,
    Photo,
    PhotoFlag,
    Report,
    ReportStatus,
    UnitDay,
)
from superteam.reports.photos import check_uploads
from superteam.reports.services import (
    SubmissionError,
    SubmissionForbidden,
    answer_hold,
    new_idempotency_key,
    regency_today,
    submit_report,
    verify_report,
)

PAGE_SIZE = 25


def _regency_or_404(request):
    regency = current_regency(request)
    if regency is None:
        raise Http404(_("No regency has been set up yet."))
    return regency


def _link_choices(request, day):
    units = [p.unit for p in request.actor.positions]
    return {
        "innovations": list(links.innovations_for(units)),
        "decisions": list(links.decisions_for(units)),
        "indicators": list(links.indicators_for(units, day)),
    }


@login_required
def submit(request):
    """The daily report form: small, works without JavaScript, and with it keeps a draft
    and queues the report on the phone while offline (static/reports/report-form.js).

    ``?lang=id`` / ``?lang=en`` (GET) renders it in that language whatever the person's
    choice: the service worker keeps a copy in each language for use offline, and opens
    the one of the language chosen last (static/reports/sw.js)."""
    language = request.GET.get("lang")
    if request.method == "GET" and language in dict(settings.LANGUAGES):
        with translation.override(language):
            response = _submit(request)
        response["Content-Language"] = language
        return response
    return _submit(request)


def _submit(request):
    require(request, "reports.submit")
    regency = _regency_or_404(request)
    choices = _link_choices(request, regency_today(regency))
    if request.method == "POST":
        form = ReportForm(request.POST, actor=request.actor)
        photos, photo_errors = check_uploads(request.FILES.getlist("photos"))
        if form.is_valid() and not photo_errors:
            data = form.to_data(regency=regency)
            data.innovations, data.decisions, data.readings, link_errors = links.choose(
                request.POST, units=[data.unit, data.position.unit], day=data.date
            )
            for errors in link_errors.values():
                for error in errors:
                    form.add_error(None, error)
            if not link_errors:
                try:
                    result = submit_report(
                        author=request.user,
                        idempotency_key=form.cleaned_data["idempotency_key"],
                        data=data,
                        photos=photos,
                        channel=Channel.WEB,
                        actor=request.actor,
                    )
                except SubmissionError as exc:
                    for field, errors in exc.errors.items():
                        for error in errors:
                            form.add_error(field if field in form.fields else None, error)
                    if not exc.errors:
                        form.add_error(None, exc.message)
                else:
                    if result.created:
                        messages.success(request, _("Report received. Thank you."))
                    else:
                        messages.info(
                            request, _("This report had already arrived; nothing was doubled.")
                        )
                    return redirect("reports:detail", pk=result.report.pk)
        status = 400
    else:
        form = ReportForm(
            actor=request.actor,
            initial={"idempotency_key": new_idempotency_key(), "date": regency_today(regency)},
        )
        photo_errors, status = [], 200
    return render(
        request,
        "reports/submit.html",
        {
            "form": form,
            "photo_errors": photo_errors,
            **choices,
            "chosen_innovations": request.POST.getlist("innovations"),
            "chosen_decisions": request.POST.getlist("decisions"),
            "chosen_indicators": request.POST.getlist("indicators"),
            "indicator_rows": [
                {
                    "indicator": ind,
                    "checked": str(ind.pk) in request.POST.getlist("indicators"),
                    "value": request.POST.get(f"reading_{ind.pk}", ""),
                }
                for ind in choices["indicators"]
            ],
            "max_photos": settings.REPORTS_MAX_PHOTOS,
            "sw_scope": reverse("reports:service_worker").rsplit("/", 1)[0] + "/",
            "single_position": len(request.actor.positions) == 1,
            "several_units": any(p.is_head for p in request.actor.positions),
        },
        status=status,
    )


@cache
def _service_worker_source() -> bytes:
    path = finders.find("reports/sw.js")
    if not path:
        raise Http404
    with open(path, "rb") as fh:
        return fh.read()


@never_cache
def service_worker(request):
    """The service worker, served under /reports/ so that its scope covers the form."""
    response = HttpResponse(_service_worker_source(), content_type="text/javascript")
    response["Service-Worker-Allowed"] = "/reports/"
    return response


@login_required
def mine(request):
    """My reports and what the verifiers said."""
    require(request, "reports.mine")
    reports = (
        Report.objects.filter(author=request.user)
        .select_related("unit")
        .order_by("-date", "-submitted_at")
    )
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reports/mine.html", {"page": page})


def _report_or_404(pk: int) -> Report:
    return get_object_or_404(
        Report.objects.select_related("unit", "author", "position", "verified_by", "regency"), pk=pk
    )


@login_required
def detail(request, pk: int):
    report = _report_or_404(pk)
    require(request, "reports.view", report)
    return render(request, "reports/detail.html", _detail_context(request, report))


def _detail_context(
    request, report: Report, form: VerifyForm | None = None, answer_form: AnswerForm | None = None
) -> dict:
    photos = list(
        report.photos.order_by("slot").prefetch_related(
            Prefetch(
                "flags", queryset=PhotoFlag.objects.select_related("matched_photo__report__unit")
            )
        )
    )
    sees_flags = (
        can(request.actor, "reports.verify", report)
        or can(request.actor, "reports.view_original", photos[0] if photos else None)
        or request.actor.reads_all(report)
    )
    return {
        "report": report,
        "photos": photos,
        "sees_flags": sees_flags,
        "can_verify": can(request.actor, "reports.verify", report),
        "can_see_originals": bool(photos)
        and can(request.actor, "reports.view_original", photos[0]),
        # Nothing chosen once a decision stands (an approval must not be one tap away).
        "verify_form": form
        or VerifyForm(initial={} if report.verified_at else {"decision": ReportStatus.APPROVED}),
        "history": list(report.verifications.select_related("verifier").order_by("-at")),
        "replies": list(report.replies.select_related("author")),
        "can_answer": can(request.actor, "reports.answer", report),
        "answer_form": answer_form or AnswerForm(),
        "room_for_photos": max(settings.REPORTS_MAX_PHOTOS - len(photos), 0),
        "innovations": list(report.innovations.all()),
        "decisions": list(report.decisions.all()),
    }


@login_required
@require_POST
def answer(request, pk: int):
    """The reporter answers a hold: a note and any photos asked for."""
    report = _report_or_404(pk)
    require(request, "reports.view", report)
    form = AnswerForm(request.POST)
    photos, photo_errors = check_uploads(request.FILES.getlist("photos"))
    for error in photo_errors:
        form.add_error(None, error)
    if form.is_valid():
        try:
            result = answer_hold(
                report=report, author=request.user, text=form.cleaned_data["text"], photos=photos
            )
        except SubmissionForbidden as exc:
            raise PermissionDenied(exc.message) from None
        except SubmissionError as exc:
            add_errors = exc.errors or {None: [exc.message]}
            for field, errors in add_errors.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            if result.created:
                messages.success(request, _("Answer sent: the report is back with the verifiers."))
            else:
                messages.info(request, _("This answer had already arrived; nothing was doubled."))
            return redirect("reports:detail", pk=pk)
    context = _detail_context(request, report, answer_form=form)
    return render(request, "reports/detail.html", context, status=400)


@login_required
def photo_original(request, pk: int):
    """An original photo (with its EXIF), only for those allowed (never a public URL)."""
    photo = get_object_or_404(Photo.objects.select_related("report__unit"), pk=pk)
    require(request, "reports.view_original", photo)
    if not photo.original:
        raise Http404(_("This photo never arrived."))
    from superteam.reports.models import private_storage

    response = FileResponse(
        private_storage().open(photo.original.name, "rb"),
        content_type={"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}.get(
            photo.format, "image/heic"
        ),
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = f'inline; filename="photo-{photo.pk}.{photo.format or "bin"}"'
    return response


@login_required
def verify_queue(request):
    """Reports waiting for a decision: flagged ones first, oldest first."""
    require(request, "reports.verify")
    regency = _regency_or_404(request)
    actor = request.actor
    reports = Report.objects.verifiable_by(actor, regency)
    status = request.GET.get("status", "waiting")
    if status == "waiting":
        reports = reports.awaiting_verification()
    elif status in ReportStatus.values:
        reports = reports.filter(status=status)
    if request.GET.get("flagged"):
        reports = reports.filter(flagged_photos__gt=0)
    reports = reports.select_related("unit", "author").order_by("-flagged_photos", "date", "pk")
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/verify_queue.html",
        {
            "page": page,
            "status": status,
            "flagged": bool(request.GET.get("flagged")),
            "statuses": ReportStatus.choices,
        },
    )


@login_required
@require_POST
def verify(request, pk: int):
    report = _report_or_404(pk)
    require(request, "reports.verify", report)
    form = VerifyForm(request.POST)
    if form.is_valid():
        try:
            report = verify_report(
                report=report,
                verifier=request.user,
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
            )
        except SubmissionError as exc:
            form.add_error(None, exc.message)
        else:
            recorded = _("Decision recorded: %(status)s.") % {"status": report.get_status_display()}
            if request.htmx:
                # Said in the fragment itself: a message queued for the next page would
                # appear later, on whatever page the verifier opens next.
                context = _detail_context(request, _report_or_404(pk))
                context["recorded"] = recorded
                return render(request, "reports/partials/verification.html", context)
            messages.success(request, recorded)
            return redirect("reports:detail", pk=pk)
    context = _detail_context(request, report, form)
    template = "reports/partials/verification.html" if request.htmx else "reports/detail.html"
    return render(request, template, context, status=400)


def _scope_unit(request, regency) -> Unit | None:
    """The unit a head oversees (?unit=), or None for the whole regency."""
    unit_id = request.GET.get("unit")
    actor = request.actor
    if unit_id:
        unit = get_object_or_404(Unit, pk=unit_id, regency=regency)
        require(request, "reports.oversee", unit)
        return None if unit.parent_id is None else unit
    if actor.reads_all(regency):
        return None
    heads = sorted(actor.headed_units, key=lambda u: u.depth)
    if not heads:
        require(request, "reports.oversee", regency)
    return heads[0]


@login_required
def compliance_page(request):
    """Who reports every working day: per cluster and per unit, with charts."""
    require(request, "reports.oversee")
    regency = _regency_or_404(request)
    under = _scope_unit(request, regency)
    today = regency_today(regency)
    end = min(parse_day(request.GET.get("end"), today), today)  # the future is not missed yet
    start = parse_day(request.GET.get("start"), end - datetime.timedelta(days=27))
    if start > end:
        start, end = end, start
    start = max(start, end - datetime.timedelta(days=366))
    cluster = None
    if request.GET.get("cluster"):
        cluster = get_object_or_404(Cluster, pk=request.GET["cluster"], regency=regency)
    rows = compliance.unit_compliance(
        regency=regency, start=start, end=end, under=under, cluster=cluster
    )
    rows.sort(key=lambda r: (r.rate if r.rate is not None else 101, r.unit.path))
    clusters = (
        compliance.cluster_compliance(regency=regency, start=start, end=end)
        if under is None
        else []
    )
    series = compliance.regency_series(
        regency=regency, start=start, end=end, under=under, cluster=cluster
    )
    total_expected = sum(r.expected for r in rows)
    total_reported = sum(r.reported for r in rows)
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    # Years whose national holidays are missing: the rates count their holidays as missed
    # days. Those who keep the calendar are told ahead, for next year, from November.
    manage = can(request.actor, "reports.manage_holidays", regency)
    years = set(range(start.year, end.year + 1))
    if manage:
        years.update(holiday_services.years_to_check(today))
    uncovered = holiday_services.years_without_holidays(regency=regency, years=years)
    return render(
        request,
        "reports/compliance.html",
        {
            "under": under,
            "start": start,
            "end": end,
            "cluster": cluster,
            "clusters": clusters,
            "cluster_bars": [
                (c.cluster.localized_name, float(c.rate)) for c in clusters if c.rate is not None
            ],
            "cluster_tones": [c.tone for c in clusters if c.rate is not None],
            # "7 Des" / "7 Dec": day and month named, not a number order to guess.
            "series": [(date_format(d, "j M"), float(v or 0)) for d, v in series],
            "page": page,
            "rate": compliance.percent(total_reported, total_expected),
            "units_count": len(rows),
            "uncovered": [{"year": y, "in_range": start.year <= y <= end.year} for y in uncovered],
            "manage_holidays": manage,
            "working_days": len(compliance.working_days(regency=regency, start=start, end=end)),
        },
    )


@login_required
def digest(request):
    """The daily digest: the regent's for the regency, a head's for the units under them."""
    require(request, "reports.oversee")
    regency = _regency_or_404(request)
    under = _scope_unit(request, regency)
    today = regency_today(regency)
    day = parse_day(request.GET.get("day"), today)
    instead_of = None
    if not request.GET.get("day"):
        day, instead_of = _digest_default_day(regency, today, under)
    data = build_digest(regency=regency, day=day, under=under)
    return render(
        request,
        "reports/digest.html",
        {
            "digest": data,
            "previous_day": day - datetime.timedelta(days=1),
            "next_day": day + datetime.timedelta(days=1),
            "today": today,
            "instead_of": instead_of,
        },
    )


def _digest_default_day(regency, today: datetime.date, under) -> tuple[datetime.date, object]:
    """Today, unless it is a day off on which nothing was reported (a Sunday morning): then
    the last working day of the past two weeks, and today as what it stands in for."""
    if compliance.is_working_day(regency=regency, day=today):
        return today, None
    reported = UnitDay.objects.filter(regency=regency, date=today, reports__gt=0)
    if under is not None:
        reported = reported.filter(unit__path__startswith=under.path)
    if reported.exists():
        return today, None
    earlier = compliance.working_days(
        regency=regency, start=today - datetime.timedelta(days=14), end=today
    )
    return (earlier[-1], today) if earlier else (today, None)


@login_required
def holidays(request):
    """The holiday calendar of a year; admins add the regency's own entries, one by one or
    as a list (the joint decree's table pasted in)."""
    require(request, "reports.holidays")
    regency = _regency_or_404(request)
    today = regency_today(regency)
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    year = min(max(year, 2000), 2100)  # a calendar of year 0 or 10000 cannot be drawn
    manage = can(request.actor, "reports.manage_holidays", regency)
    form = HolidayForm(regency=regency) if manage else None
    list_form = HolidayListForm(regency=regency) if manage else None
    status = 200
    if request.method == "POST":
        require(request, "reports.manage_holidays", regency)
        if request.POST.get("form") == "list":
            list_form = HolidayListForm(request.POST, request.FILES, regency=regency)
            if list_form.is_valid():
                parsed = list_form.parsed
                added = holiday_services.add_holidays(
                    regency=regency, actor=request.user, entries=parsed.entries
                )
                messages.success(request, _list_saved(len(added), parsed.already))
                first = min(e.date for e in parsed.entries) if parsed.entries else None
                return redirect(f"{request.path}?year={first.year if first else year}")
        else:
            form = HolidayForm(request.POST, regency=regency)
            if form.is_valid():
                (entry,) = holiday_services.add_holidays(
                    regency=regency, actor=request.user, entries=[form.entry()]
                )
                messages.success(request, _("Saved: %(day)s.") % {"day": entry})
                return redirect(f"{request.path}?year={entry.date.year}")
        status = 400
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    entries = sorted(
        compliance.holidays_between(regency=regency, start=start, end=end).values(),
        key=lambda h: h.date,
    )
    return render(
        request,
        "reports/holidays.html",
        {
            "entries": entries,
            "year": year,
            "form": form,
            "list_form": list_form,
            "manage": manage,
            "uncovered": bool(
                holiday_services.years_without_holidays(regency=regency, years=[year])
            ),
            "working_days": len(compliance.working_days(regency=regency, start=start, end=end)),
        },
        status=status,
    )


def _list_saved(added: int, already: int) -> str:
    message = ngettext("Added %(count)s day.", "Added %(count)s days.", added) % {"count": added}
    if already:
        message += " " + ngettext(
            "%(count)s was already in the calendar.",
            "%(count)s were already in the calendar.",
            already,
        ) % {"count": already}
    return message


@login_required
@require_POST
def holiday_delete(request, pk: int):
    regency = _regency_or_404(request)
    entry = get_object_or_404(Holiday, pk=pk, regency=regency)
    require(request, "reports.manage_holidays", regency)
    holiday_services.remove_holiday(entry=entry, actor=request.user)
    messages.success(request, _("Removed from the regency's calendar."))
    return redirect(f"{reverse('reports:holidays')}?year={entry.date.year}")

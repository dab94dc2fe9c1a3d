"""Innovation pages: the list, an innovation, a unit's innovations and evidence, ideas,
the verifiers' queue, the national-submission export and the public showcase.

Every page runs a fixed number of queries; scores come from the scoring rollups.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from superteam.core.forms import add_service_errors
from superteam.core.permissions import can, require
from superteam.core.tenancy import current_regency
from superteam.innovations import forms, services
from superteam.innovations.export import export_workbook
from superteam.innovations.models import (
    STAGE_ORDER,
    Affair,
    Evidence,
    EvidenceStatus,
    Idea,
    IdeaStatus,
    Innovation,
    Notice,
    Stage,
)
from superteam.innovations.notifications import notice_link, notice_text
from superteam.org.models import Unit
from superteam.scoring import services as scoring
from superteam.scoring.families import competing_units, family_of
from superteam.scoring.models import Family, InnovationScore, Side, UnitScore

PAGE_SIZE = 30


def _regency(request):
    regency = current_regency(request)
    if regency is None:
        raise Http404(_("No regency has been set up yet."))
    return regency


def _notices(request):
    if not request.user.is_authenticated:
        return []
    rows = list(
        Notice.objects.filter(person=request.user, read_at__isnull=True).select_related(
            "idea__proposer",
            "idea__unit",
            "idea__reviewed_by",
            "innovation",
            "evidence__unit",
        )[:5]
    )
    return [{"text": notice_text(n), "url": notice_link(n), "kind": n.kind} for n in rows]


# --- Lists -------------------------------------------------------------------------------


@login_required
def innovation_list(request):
    """All innovations of the regency, filtered, with counts by stage."""
    regency = _regency(request)
    require(request, "innovations.view", regency)
    qs = Innovation.objects.filter(regency=regency).select_related("owner_unit", "replicated_from")
    query = request.GET.get("q", "").strip()
    stage = request.GET.get("stage", "")
    affair = request.GET.get("affair", "")
    family = request.GET.get("family", "")
    if query:
        qs = qs.filter(Q(title__icontains=query) | Q(owner_unit__name__icontains=query))
    if affair in Affair.values:
        qs = qs.filter(affair=affair)
    if family in Family.values:
        qs = qs.filter(scoring_unit__in=competing_units(regency, family))
    by_stage = dict(qs.filter(is_active=True).values_list("stage").annotate(n=Count("id")))
    replicas = qs.filter(replicated_from__isnull=False).count()
    if stage in Stage.values:
        qs = qs.filter(stage=stage)
    elif stage == "replicated":
        qs = qs.filter(replicated_from__isnull=False)
    page = Paginator(qs.order_by("-updated_at", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "query": query,
        "stage": stage,
        "affair": affair,
        "family": family,
        "stages": Stage.choices,
        "affairs": Affair.choices,
        "families": Family.choices,
        "stage_chart": [(str(label), by_stage.get(value, 0)) for value, label in Stage.choices],
        "replica_total": replicas,
        "can_create": bool(request.actor.headed_units) or request.actor.governs(regency),
        "notices": _notices(request),
    }
    if request.htmx and request.htmx.target == "innovation-results":
        return render(request, "innovations/partials/innovation_rows.html", context)
    return render(request, "innovations/list.html", context)


# --- One innovation --------------------------------------------------------------------------


def _evidence_board(model, indicators, evidence_rows, actor):
    """Per catalogue indicator: its best accepted level and the evidence filed for it;
    ``ev.readable``: whether the person may open it (else the badge is not a link)."""
    by_code: dict[str, list] = {}
    for ev in evidence_rows:
        ev.readable = can(actor, "innovations.read_evidence", ev)
        by_code.setdefault(ev.indicator_code, []).append(ev)
    board = []
    for ind in indicators:
        rows = by_code.pop(ind.code, [])
        best = max((ev.scoring_level for ev in rows), default=0)
        board.append(
            {
                "indicator": ind,
                "rows": rows,
                "best": best,
                "score": ind.weight * best,
                "pending": sum(1 for ev in rows if ev.status == EvidenceStatus.PENDING),
            }
        )
    # Evidence under codes the model in use no longer has stays visible, never scored.
    orphans = [ev for rows in by_code.values() for ev in rows]
    return board, orphans


@login_required
def innovation_detail(request, pk: int):
    """An innovation: its story, stage timeline, who ran it, replications, evidence, score."""
    innovation = get_object_or_404(
        Innovation.objects.select_related(
            "owner_unit", "scoring_unit", "responsible_position", "replicated_from__owner_unit"
        ),
        pk=pk,
    )
    require(request, "innovations.view", innovation)
    model = scoring.current_model(regency=innovation.regency)
    indicators = scoring.catalogue(model, Side.INNOVATION)
    evidence_rows = list(
        innovation.evidence.exclude(status=EvidenceStatus.WITHDRAWN)
        .select_related("unit", "submitted_by", "verified_by")
        .order_by("indicator_code", "-submitted_at")
    )
    board, orphans = _evidence_board(model, indicators, evidence_rows, request.actor)
    score = InnovationScore.objects.filter(
        innovation=innovation, model=model, is_current=True
    ).first()
    replicas = list(innovation.replicas.select_related("owner_unit").order_by("initiated_on"))
    idea = Idea.objects.filter(innovation=innovation).select_related("proposer").first()
    events = list(
        innovation.events.select_related("actor", "position", "related__owner_unit").order_by(
            "on", "created_at", "pk"
        )
    )
    actor = request.actor
    context = {
        "innovation": innovation,
        "model": model,
        "board": board,
        "orphans": orphans,
        "score": score,
        "replicas": replicas,
        "idea": idea,
        "events": events,
        "stewards": services.stewardship(innovation=innovation),
        "involved": list(innovation.involved_units.order_by("name")),
        "timeline": [
            {
                "stage": s,
                "label": Stage(s).label,
                "date": innovation.stage_date(s),
                "reached": i <= innovation.stage_index,
            }
            for i, s in enumerate(STAGE_ORDER)
        ],
        "can_manage": can(actor, "innovations.manage", innovation),
        "can_submit": can(actor, "innovations.submit_evidence", innovation),
        "can_replicate": innovation.stage == Stage.PENERAPAN
        and innovation.is_active
        and can(actor, "innovations.replicate", innovation),
        "can_verify": actor.is_verifier and actor.in_regency(innovation),
        "design_words": len(innovation.design.split()),
        "stage_form": forms.StageForm(innovation=innovation),
    }
    return render(request, "innovations/detail.html", context)


@login_required
def innovation_create(request):
    regency = _regency(request)
    units = forms.units_for(request.actor, regency)
    if not units:
        raise PermissionDenied
    initial_unit = request.GET.get("unit")
    form = forms.NewInnovationForm(
        request.POST or None,
        regency=regency,
        units=units,
        initial={"owner_unit": initial_unit} if initial_unit else None,
    )
    if request.method == "POST" and form.is_valid():
        unit = form.cleaned_data["owner_unit"]
        require(request, "innovations.manage", unit)
        data = {k: v for k, v in form.cleaned_data.items() if k in services.EDITABLE_FIELDS}
        try:
            innovation = services.register_innovation(
                owner_unit=unit,
                actor=request.user,
                data=data,
                stage=form.cleaned_data["stage"],
                initiated_on=form.cleaned_data["initiated_on"],
                trial_started_on=form.cleaned_data.get("trial_started_on"),
                implemented_on=form.cleaned_data.get("implemented_on"),
                involved_units=form.cleaned_data.get("involved_units") or [],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("The innovation is registered for %(unit)s.") % {"unit": unit.name}
            )
            return redirect(innovation)
    return render(request, "innovations/form.html", {"form": form, "innovation": None})


@login_required
def innovation_edit(request, pk: int):
    innovation = get_object_or_404(Innovation.objects.select_related("owner_unit"), pk=pk)
    require(request, "innovations.manage", innovation)
    form = forms.InnovationForm(
        request.POST or None, instance=innovation, regency=innovation.regency
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k in services.EDITABLE_FIELDS}
        try:
            services.update_innovation(
                innovation=innovation,
                actor=request.user,
                data=data,
                involved_units=form.cleaned_data.get("involved_units"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(innovation)
    # A failed save must not leave the half-edited instance on the page as if saved.
    innovation.refresh_from_db()
    return render(request, "innovations/form.html", {"form": form, "innovation": innovation})


@login_required
def innovation_stage(request, pk: int):
    innovation = get_object_or_404(Innovation.objects.select_related("owner_unit"), pk=pk)
    require(request, "innovations.manage", innovation)
    form = forms.StageForm(request.POST or None, innovation=innovation)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_stage(
                innovation=innovation,
                stage=form.cleaned_data["stage"],
                on=form.cleaned_data["on"],
                actor=request.user,
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            innovation.refresh_from_db()
            messages.success(
                request,
                _("%(title)s is now at stage %(stage)s.")
                % {"title": innovation.title, "stage": innovation.get_stage_display()},
            )
            return redirect(innovation)
    return render(request, "innovations/stage.html", {"form": form, "innovation": innovation})


@login_required
@require_POST
def innovation_running(request, pk: int):
    innovation = get_object_or_404(Innovation.objects.select_related("owner_unit"), pk=pk)
    require(request, "innovations.manage", innovation)
    running = request.POST.get("running") == "1"
    try:
        services.set_running(
            innovation=innovation,
            running=running,
            actor=request.user,
            note=request.POST.get("note", ""),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Resumed.") if running else _("Stopped; it no longer counts."))
    return redirect(innovation)


@login_required
def innovation_replicate(request, pk: int):
    original = get_object_or_404(Innovation.objects.select_related("owner_unit"), pk=pk)
    require(request, "innovations.replicate", original)
    units = [
        u
        for u in forms.units_for(request.actor, original.regency)
        if u.pk != original.owner_unit_id
    ]
    form = forms.ReplicateForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        unit = form.cleaned_data["unit"]
        require(request, "innovations.manage", unit)
        try:
            copy = services.replicate_innovation(
                original=original,
                unit=unit,
                actor=request.user,
                on=form.cleaned_data["on"],
                stage=form.cleaned_data["stage"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(unit)s now replicates %(title)s; both units are credited.")
                % {"unit": unit.name, "title": original.title},
            )
            return redirect(copy)
    return render(request, "innovations/replicate.html", {"form": form, "innovation": original})


# --- Evidence -----------------------------------------------------------------------------------


def _evidence_form_view(request, *, unit: Unit, innovation: Innovation | None):
    model = scoring.current_model(regency=unit.regency)
    side = Side.INNOVATION if innovation else Side.INSTITUTION
    indicators = scoring.catalogue(model, side)
    form = forms.EvidenceForm(
        request.POST or None,
        request.FILES or None,
        indicators=indicators,
        initial={
            "indicator_code": request.GET.get("indicator") or request.GET.get("indicator_code", "")
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_evidence(
                unit=unit,
                innovation=innovation,
                actor=request.user,
                indicator_code=form.cleaned_data["indicator_code"],
                level=form.cleaned_data["level"],
                file=form.cleaned_data.get("file"),
                link=form.cleaned_data.get("link") or "",
                note=form.cleaned_data.get("note") or "",
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Evidence filed; a verifier will check it."))
            return redirect(innovation or reverse_unit(unit))
    if request.htmx and request.htmx.target == "level-choices":
        return render(request, "innovations/partials/level_choices.html", {"form": form})
    context = {
        "form": form,
        "unit": unit,
        "innovation": innovation,
        "indicators": indicators,
        "replica_count": innovation.replicas.filter(is_active=True).count() if innovation else 0,
    }
    return render(request, "innovations/evidence_form.html", context)


def reverse_unit(unit: Unit) -> str:
    from django.urls import reverse

    return reverse("innovations:unit", args=[unit.pk])


@login_required
def evidence_new(request, pk: int):
    innovation = get_object_or_404(Innovation.objects.select_related("owner_unit"), pk=pk)
    require(request, "innovations.submit_evidence", innovation)
    return _evidence_form_view(request, unit=innovation.owner_unit, innovation=innovation)


@login_required
def unit_evidence_new(request, pk: int):
    unit = get_object_or_404(Unit, pk=pk)
    require(request, "innovations.submit_evidence", unit)
    if family_of(unit) is None:
        raise Http404(_("This unit does not compete on a leaderboard."))
    return _evidence_form_view(request, unit=unit, innovation=None)


@login_required
def evidence_detail(request, pk: int):
    evidence = get_object_or_404(
        Evidence.objects.select_related("unit", "innovation", "submitted_by", "verified_by"), pk=pk
    )
    require(request, "innovations.read_evidence", evidence)
    model = scoring.current_model(regency=evidence.unit.regency)
    indicator = model.indicators.filter(code=evidence.indicator_code).first()
    can_verify = can(request.actor, "innovations.verify", evidence) and evidence.status in (
        EvidenceStatus.PENDING,
        EvidenceStatus.ACCEPTED,
    )
    context = {
        "evidence": evidence,
        "indicator": indicator,
        "level_text": indicator.level_text(evidence.level) if indicator else "",
        "can_verify": can_verify,
        "form": forms.VerifyForm(evidence=evidence) if can_verify else None,
        "can_withdraw": evidence.status == EvidenceStatus.PENDING
        and can(request.actor, "innovations.submit_evidence", evidence.innovation or evidence.unit),
    }
    return render(request, "innovations/evidence.html", context)


@login_required
def evidence_file(request, pk: int):
    """The private original, only to those allowed to read it; never a public URL."""
    evidence = get_object_or_404(Evidence.objects.select_related("unit"), pk=pk)
    require(request, "innovations.read_evidence", evidence)
    if not evidence.file:
        raise Http404(_("This evidence has no file."))
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The file is missing from storage.")) from None
    response = FileResponse(
        handle,
        as_attachment=evidence.file_type
        not in ("application/pdf", "image/jpeg", "image/png", "image/webp"),
        filename=evidence.file_name or f"evidence-{evidence.pk}",
        content_type=evidence.file_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def evidence_verify(request, pk: int):
    evidence = get_object_or_404(Evidence.objects.select_related("unit", "innovation"), pk=pk)
    require(request, "innovations.verify", evidence)
    form = forms.VerifyForm(request.POST, evidence=evidence)
    next_url = request.POST.get("next") or ""
    if form.is_valid():
        try:
            services.verify_evidence(
                evidence=evidence,
                actor=request.user,
                accept=form.cleaned_data["decision"] == "accept",
                level=form.cleaned_data.get("level"),
                note=form.cleaned_data.get("note") or "",
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if form.cleaned_data["decision"] == "accept":
                messages.success(request, _("Accepted: it now counts in the index."))
            else:
                messages.success(request, _("Rejected; the submitter is told why."))
            if next_url == "queue":
                return redirect("innovations:verify_queue")
            return redirect("innovations:evidence", pk=evidence.pk)
    evidence.refresh_from_db()
    model = scoring.current_model(regency=evidence.unit.regency)
    indicator = model.indicators.filter(code=evidence.indicator_code).first()
    context = {
        "evidence": evidence,
        "indicator": indicator,
        "level_text": indicator.level_text(evidence.level) if indicator else "",
        "can_verify": True,
        "form": form,
        "can_withdraw": False,
    }
    return render(request, "innovations/evidence.html", context, status=400)


@login_required
@require_POST
def evidence_withdraw(request, pk: int):
    evidence = get_object_or_404(Evidence.objects.select_related("unit", "innovation"), pk=pk)
    require(request, "innovations.submit_evidence", evidence.innovation or evidence.unit)
    try:
        services.withdraw_evidence(evidence=evidence, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Withdrawn."))
    return redirect(evidence.innovation or reverse_unit(evidence.unit))


@login_required
def verify_queue(request):
    """Evidence waiting for a verifier, oldest first."""
    regency = _regency(request)
    if not (request.actor.is_verifier and request.actor.in_regency(regency)):
        raise PermissionDenied
    qs = (
        Evidence.objects.filter(regency=regency, status=EvidenceStatus.PENDING)
        .select_related("unit", "innovation", "submitted_by")
        .order_by("submitted_at", "pk")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    model = scoring.current_model(regency=regency)
    names = {i.code: i for i in model.indicators.all()}
    rows = [
        {
            "evidence": ev,
            "indicator": names.get(ev.indicator_code),
            "level_text": names[ev.indicator_code].level_text(ev.level)
            if ev.indicator_code in names
            else "",
            "form": forms.VerifyForm(evidence=ev, prefix=f"e{ev.pk}"),
            "own": ev.submitted_by_id == request.user.pk,
        }
        for ev in page.object_list
    ]
    return render(request, "innovations/verify_queue.html", {"page": page, "rows": rows})


# --- A unit's innovations -----------------------------------------------------------------


@login_required
def unit_innovations(request, pk: int):
    """A unit's innovations (including those of its sub-units that count for it), its
    institution evidence, and the export."""
    unit = get_object_or_404(Unit, pk=pk)
    require(request, "innovations.view", unit)
    innovations = list(
        Innovation.objects.filter(Q(owner_unit=unit) | Q(scoring_unit=unit))
        .select_related("owner_unit", "replicated_from__owner_unit")
        .annotate(replica_total=Count("replicas"))
        .order_by("-is_active", "stage", "title")
    )
    family = family_of(unit)
    board, orphans, live = [], [], None
    if family is not None:
        model = scoring.current_model(regency=unit.regency)
        indicators = scoring.catalogue(model, Side.INSTITUTION)
        rows = list(
            Evidence.objects.filter(unit=unit, innovation__isnull=True)
            .exclude(status=EvidenceStatus.WITHDRAWN)
            .select_related("submitted_by")
            .order_by("indicator_code", "-submitted_at")
        )
        for ev in rows:
            ev.unit = unit  # the permission reads it; saves a query a row
        board, orphans = _evidence_board(model, indicators, rows, request.actor)
        live = UnitScore.objects.filter(unit=unit, model=model).first()
    stage_chart = [
        (str(label), sum(1 for i in innovations if i.stage == value and i.is_active))
        for value, label in Stage.choices
    ]
    context = {
        "unit": unit,
        "innovations": innovations,
        "family": family,
        "board": board,
        "orphans": orphans,
        "live": live,
        "stage_chart": stage_chart,
        "can_manage": can(request.actor, "innovations.manage", unit),
        "can_submit": family is not None
        and can(request.actor, "innovations.submit_evidence", unit),
        "can_export": can(request.actor, "innovations.export", unit),
    }
    return render(request, "innovations/unit.html", context)


@login_required
def unit_export(request, pk: int):
    """The unit's innovations and evidence as one workbook shaped like the national form."""
    unit = get_object_or_404(Unit, pk=pk)
    require(request, "innovations.export", unit)
    content = export_workbook(unit=unit)
    stamp = timezone.localdate().isoformat()
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="inovasi-{unit.code}-{stamp}.xlsx"'
    return response


# --- Ideas --------------------------------------------------------------------------------------


@login_required
def ideas(request):
    """My ideas, ideas waiting for my review, and my notices."""
    regency = _regency(request)
    require(request, "innovations.view", regency)
    mine = list(
        Idea.objects.filter(proposer=request.user)
        .select_related("unit", "innovation", "reviewed_by")
        .order_by("-created_at")[:50]
    )
    review_q = Q(pk__in=[])
    actor = request.actor
    if actor.governs(regency):
        review_q = Q(regency=regency)
    else:
        for unit in actor.headed_units:
            review_q |= Q(unit__path__startswith=unit.path)
    to_review = list(
        Idea.objects.filter(review_q, status=IdeaStatus.SUBMITTED)
        .select_related("unit", "proposer", "proposer_position")
        .order_by("created_at")[:100]
    )
    context = {
        "mine": mine,
        "to_review": to_review,
        "notices": _notices(request),
        "can_propose": can(actor, "innovations.propose", regency),
    }
    return render(request, "innovations/ideas.html", context)


@login_required
def idea_new(request):
    regency = _regency(request)
    require(request, "innovations.propose", regency)
    units = forms.idea_units(request.actor)
    form = forms.IdeaForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            idea = services.propose_idea(
                unit=form.cleaned_data["unit"],
                proposer=request.user,
                title=form.cleaned_data["title"],
                problem=form.cleaned_data["problem"],
                proposal=form.cleaned_data["proposal"],
                expected_benefit=form.cleaned_data.get("expected_benefit") or "",
                affair=form.cleaned_data.get("affair") or "",
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Thank you! Your idea went to %(unit)s; you will be told of the decision.")
                % {"unit": idea.unit.name},
            )
            return redirect(idea)
    return render(request, "innovations/idea_form.html", {"form": form})


@login_required
def idea_detail(request, pk: int):
    idea = get_object_or_404(
        Idea.objects.select_related(
            "unit", "proposer", "proposer_position", "reviewed_by", "innovation"
        ),
        pk=pk,
    )
    require(request, "innovations.view_idea", idea)
    can_review = idea.status == IdeaStatus.SUBMITTED and can(
        request.actor, "innovations.review_idea", idea
    )
    form = None
    if can_review:
        form = forms.ReviewForm(units=forms.units_for(request.actor, idea.regency), idea=idea)
    return render(
        request, "innovations/idea.html", {"idea": idea, "form": form, "can_review": can_review}
    )


@login_required
@require_POST
def idea_review(request, pk: int):
    idea = get_object_or_404(Idea.objects.select_related("unit", "proposer"), pk=pk)
    require(request, "innovations.review_idea", idea)
    units = forms.units_for(request.actor, idea.regency)
    form = forms.ReviewForm(request.POST, units=units, idea=idea)
    if form.is_valid():
        try:
            if form.cleaned_data["decision"] == "promote":
                owner = form.cleaned_data.get("owner_unit") or idea.unit
                require(request, "innovations.manage", owner)
                innovation = services.promote_idea(idea=idea, actor=request.user, owner_unit=owner)
                messages.success(
                    request,
                    _(
                        "%(title)s is now an innovation at stage inisiatif; %(name)s is credited and told."
                    )
                    % {"title": innovation.title, "name": idea.proposer.full_name},
                )
                return redirect(innovation)
            services.decline_idea(idea=idea, actor=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("Declined; the proposer is told why."))
            return redirect(idea)
        except ValidationError as exc:
            add_service_errors(form, exc)
    idea.refresh_from_db()
    return render(
        request,
        "innovations/idea.html",
        {"idea": idea, "form": form, "can_review": True},
        status=400,
    )


@login_required
@require_POST
def notices_read(request):
    services.mark_notices_read(person=request.user)
    next_url = request.POST.get("next") or ""
    from django.utils.http import url_has_allowed_host_and_scheme

    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "innovations:ideas"
    return redirect(next_url)


# --- Public ---------------------------------------------------------------------------------------


def showcase(request):
    """The public showcase: innovations in rollout and replications, public fields only."""
    regency = current_regency(request)
    require(request, "innovations.showcase", regency)
    items = services.showcase(regency=regency) if regency else []
    page = Paginator(items, 24).get_page(request.GET.get("page"))
    return render(request, "innovations/showcase.html", {"page": page, "total": len(items)})


def showcase_detail(request, pk: int):
    regency = current_regency(request)
    require(request, "innovations.showcase", regency)
    innovation = get_object_or_404(
        Innovation.objects.public().select_related("owner_unit", "replicated_from__owner_unit"),
        pk=pk,
        regency=regency,
    )
    replicas = list(
        innovation.replicas.filter(is_active=True)
        .select_related("owner_unit")
        .order_by("owner_unit__name")
    )
    return render(
        request,
        "innovations/showcase_detail.html",
        {"innovation": innovation, "replicas": replicas},
    )

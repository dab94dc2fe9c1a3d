"""Index pages: leaderboards (published and live), the line-by-line explanation of every
score, published snapshots, the scoring model editor, and the public leaderboard.

Pages read snapshots and rollups only (a fixed number of queries); nothing here scans the
evidence table.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from superteam.core.permissions import can, require
from superteam.core.tenancy import current_regency
from superteam.innovations.models import Innovation
from superteam.org.models import Cluster, Unit
from superteam.scoring import forms, services
from superteam.scoring.families import family_of
from superteam.scoring.models import (
    Category,
    Family,
    InnovationScore,
    ScoringModel,
    Side,
    Snapshot,
    SnapshotKind,
    SnapshotRow,
    UnitScore,
)

PAGE_SIZE = 50


class RankPaginator(Paginator):
    """Pages of one family's published rows ordered by (rank, unit name), read through the
    board index (snapshot, family, rank) whatever the planner's statistics say.

    A row's rank (competition ranking) is never above its place in that order, so the rows
    up to the end of a page are the rows with rank <= that place and bounding the query by
    it returns the same page. Without the bound PostgreSQL, taking the newest snapshot for
    one row (it is always newer than the statistics), joined every row of the family to its
    unit and sorted them for each page: 12 ms instead of 0.4 ms for 1,538 villages."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = self.object_list.filter(rank__lte=top)[bottom:top]
        return self._get_page(rows, number, self)


CATEGORY_TONE = {
    Category.VERY_INNOVATIVE: "ok",
    Category.INNOVATIVE: "info",
    Category.LESS_INNOVATIVE: "warn",
    Category.DISCLAIMER: "bad",
}


def _regency(request):
    regency = current_regency(request)
    if regency is None:
        raise Http404(_("No regency has been set up yet."))
    return regency


def _key(value) -> int | None:
    """A primary key from the query string, or None for anything else (a hand-edited
    address gets the default page, not a server error)."""
    try:
        key = int(value)
    except (TypeError, ValueError):
        return None
    return key if 0 < key < 2**63 else None


def _family(request) -> str:
    family = request.GET.get("family", "")
    return family if family in Family.values else Family.AGENCIES


# --- Leaderboards ---------------------------------------------------------------------------


def _published_rows(snapshot, family, cluster, page_number):
    """Rows of a snapshot for a family (paginated by rank) or a cluster (ranked inside it)."""
    if cluster is not None:
        rows = list(
            SnapshotRow.objects.filter(snapshot=snapshot, unit__clusters=cluster)
            .select_related("unit")
            .order_by("-final", "-score", "unit__name")
        )
        last, rank = None, 0
        for i, row in enumerate(rows, start=1):
            if (row.final, row.score) != last:
                rank, last = i, (row.final, row.score)
            row.board_rank = rank
        return Paginator(rows, PAGE_SIZE).get_page(page_number)
    qs = (
        SnapshotRow.objects.filter(snapshot=snapshot, family=family)
        .select_related("unit")
        .order_by("rank", "unit__name")
    )
    page = RankPaginator(qs, PAGE_SIZE).get_page(page_number)
    for row in page.object_list:
        row.board_rank = row.rank
    return page


def _live_rows(model, family, cluster, page_number):
    qs = UnitScore.objects.filter(model=model).select_related("unit")
    qs = qs.filter(unit__clusters=cluster) if cluster is not None else qs.filter(family=family)
    page = Paginator(qs.order_by("-final", "-score", "unit__name"), PAGE_SIZE).get_page(page_number)
    # Competition ranking as published (ties share a rank): the page's first rank is one
    # more than the rows ahead of it, the others follow from the order.
    last, rank = None, 0
    for place, row in enumerate(page.object_list, start=page.start_index()):
        key = (row.final, row.score)
        if last is None:
            ahead = Q(final__gt=row.final) | Q(final=row.final, score__gt=row.score)
            rank = qs.filter(ahead).count() + 1
        elif key != last:
            rank = place
        last = key
        row.board_rank = rank
    return page


@login_required
def leaderboard(request):
    """The leaderboard of a unit family or a cluster: published by default, or live."""
    regency = _regency(request)
    require(request, "scoring.view", regency)
    family = _family(request)
    clusters = list(Cluster.objects.filter(regency=regency).order_by("sort_order", "name"))
    cluster = next((c for c in clusters if str(c.pk) == request.GET.get("cluster")), None)
    live = request.GET.get("view") == "live"
    model = services.current_model(regency=regency)
    snapshot = None
    snapshot_pk = _key(request.GET.get("snapshot"))
    if snapshot_pk is not None:
        snapshot = (
            Snapshot.objects.filter(regency=regency, pk=snapshot_pk).select_related("model").first()
        )
    snapshot = snapshot or services.latest_snapshot(regency=regency)
    if live:
        page = _live_rows(model, family, cluster, request.GET.get("page"))
    elif snapshot is not None:
        page = _published_rows(snapshot, family, cluster, request.GET.get("page"))
    else:
        page = None
    chart = []
    if page is not None:
        chart = [(r.unit.display_name, float(r.final)) for r in list(page.object_list)[:10]]
    context = {
        "family": family,
        "families": Family.choices,
        "clusters": clusters,
        "cluster": cluster,
        "live": live,
        "snapshot": snapshot,
        "model": model,
        "page": page,
        "chart": chart,
        "tones": CATEGORY_TONE,
        "blended": model.blend_total > 0,
        "can_publish": can(request.actor, "scoring.publish", regency),
    }
    if request.htmx and request.htmx.target == "board":
        return render(request, "scoring/partials/board.html", context)
    return render(request, "scoring/leaderboard.html", context)


def public_leaderboard(request):
    """The public leaderboard: published scores only, no login."""
    regency = current_regency(request)
    require(request, "scoring.public", regency)
    family = _family(request)
    snapshot = services.latest_snapshot(regency=regency) if regency else None
    blended = snapshot is not None and snapshot.model.blend_total > 0
    page = None
    if snapshot is not None:
        qs = (
            SnapshotRow.objects.filter(snapshot=snapshot, family=family)
            .select_related("unit")
            .order_by("rank", "unit__name")
        )
        page = RankPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "family": family,
        "families": Family.choices,
        "snapshot": snapshot,
        "page": page,
        "tones": CATEGORY_TONE,
        # The rank follows the index with local signals when the model blends them in: the
        # page shows that figure, and the chart draws it (else ranks and bars disagree).
        "blended": blended,
        "chart": [
            (r.unit.display_name, float(r.final if blended else r.score))
            for r in list(page.object_list)[:10]
        ]
        if page
        else [],
    }
    return render(request, "scoring/public.html", context)


@login_required
@require_POST
def publish(request):
    regency = _regency(request)
    require(request, "scoring.publish", regency)
    snapshot = services.publish_snapshot(
        regency=regency, kind=SnapshotKind.MANUAL, actor=request.user
    )
    messages.success(
        request,
        _("Published %(count)s scores; the public leaderboard shows them now.")
        % {"count": snapshot.row_count},
    )
    return redirect("scoring:leaderboard")


@login_required
def snapshots(request):
    regency = _regency(request)
    require(request, "scoring.view", regency)
    qs = (
        Snapshot.objects.filter(regency=regency)
        .select_related("model", "published_by")
        .order_by("-published_at")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "scoring/snapshots.html",
        {"page": page, "can_publish": can(request.actor, "scoring.publish", regency)},
    )


# --- Explanations -------------------------------------------------------------------------------


def _expand(compact: list, indicators: dict, side: str = Side.INNOVATION) -> list[dict]:
    """Stored compact lines ([code, level, evidence id] for accepted levels) as full lines
    over the model version's indicators of one side, in catalogue order."""
    accepted = {code: (level, evidence) for code, level, evidence in compact}
    lines = []
    for ind in sorted(indicators.values(), key=lambda i: (i.order, i.code)):
        if ind.side != side:
            continue
        level, evidence = accepted.get(ind.code, (0, None))
        lines.append(
            {
                "code": ind.code,
                "level": level,
                "max_level": ind.max_level,
                "weight": str(ind.weight),
                "score": str(ind.weight * level),
                "mandatory": ind.mandatory,
                "evidence": evidence,
            }
        )
    return lines


def _explain(lines: list[dict], indicators: dict) -> list[dict]:
    out = []
    for line in lines:
        ind = indicators.get(line["code"])
        out.append(
            {
                **line,
                "indicator": ind,
                "name": ind.name if ind else line["code"],
                "level_text": ind.level_text(line["level"]) if ind and line["level"] else "",
                "weight": Decimal(line["weight"]),
                "score": Decimal(line["score"]),
            }
        )
    return out


def _formula(data: dict, model: ScoringModel) -> dict:
    """The numbers of the formula, for the page to show the computation step by step."""
    inst = Decimal(str(data["institution"]))
    inst_max = Decimal(str(data["institution_max"]))
    quality_max = Decimal(str(data["quality_max"]))
    quantity_max = Decimal(str(data["quantity_max"]))
    innovation_quality = Decimal(str(data["innovation_quality"]))
    quantity = Decimal(str(data["quantity"]))
    inst_part = model.institution_share * inst / inst_max if inst_max else Decimal(0)
    sid = innovation_quality + quantity
    sid_max = quality_max + quantity_max
    inn_part = model.innovation_share * sid / sid_max if sid_max else Decimal(0)
    return {
        "institution": inst,
        "institution_max": inst_max,
        "institution_part": inst_part,
        "quality_sum": Decimal(str(data["quality_sum"])),
        "divisor": data["divisor"],
        "counted": data["counted_innovations"],
        "innovation_quality": innovation_quality,
        "quantity": quantity,
        "quantity_count": data["quantity_count"],
        "basic_affairs": data["basic_affairs"],
        "sid": sid,
        "sid_max": sid_max,
        "quality_max": quality_max,
        "quantity_max": quantity_max,
        "innovation_part": inn_part,
    }


def _signals(signals: dict, model: ScoringModel) -> list[dict]:
    from superteam.scoring import formula

    params = services.params_of(model)
    days = signals.get("decision_days")
    speed = formula.decision_speed_score(params, Decimal(days)) if days is not None else None
    return [
        {
            "label": _("Daily-report compliance (last 4 weeks)"),
            "value": signals.get("compliance"),
            "suffix": "%",
            "weight": model.weight_compliance,
            "score": signals.get("compliance"),
            "read": "compliance" in signals,
        },
        {
            "label": _("Agreement achievement (capaian, this year)"),
            "value": signals.get("achievement"),
            "suffix": "%",
            "weight": model.weight_achievement,
            "score": signals.get("achievement"),
            "read": "achievement" in signals,
        },
        {
            "label": _("Days from a rakor decision to its first evidence (median)"),
            "value": days,
            "suffix": "",
            "weight": model.weight_decision_speed,
            "score": speed,
            "read": "decision_days" in signals,
        },
    ]


def _blend_step(signals: list[dict], model: ScoringModel, score: Decimal, final: Decimal):
    """The last step of the explanation when the model blends local signals in: the
    ranking figure from the index and the signals that were available (None otherwise)."""
    if not model.blend_total:
        return None
    used = [s for s in signals if s["weight"] and s["score"] is not None]
    return {
        "rest": Decimal(100) - sum((s["weight"] for s in used), Decimal(0)),
        "score": score,
        "parts": used if score > 0 else [],
        "final": final,
    }


@login_required
def unit_score(request, pk: int):
    """A unit's live index explained line by line, its published history and signals."""
    unit = get_object_or_404(Unit.objects.select_related("parent"), pk=pk)
    require(request, "scoring.view", unit)
    family = family_of(unit)
    if family is None:
        raise Http404(
            _(
                "This unit does not compete on a leaderboard; its innovations count for the unit above it."
            )
        )
    model = services.current_model(regency=unit.regency)
    live = UnitScore.objects.filter(unit=unit, model=model).first()
    indicators = {i.code: i for i in model.indicators.all()}
    snapshot = services.latest_snapshot(regency=unit.regency)
    published = (
        SnapshotRow.objects.filter(snapshot=snapshot, unit=unit).first() if snapshot else None
    )
    history = services.score_history(unit=unit)
    signals = _signals(live.signals if live else {}, model)
    context = {
        "unit": unit,
        "family": family,
        "family_label": Family(family).label,
        "model": model,
        "live": live,
        "lines": _explain(live.lines, indicators) if live else [],
        "innovations": live.innovations if live else [],
        "formula": _formula(live.__dict__, model) if live else None,
        "signals": signals,
        "blend": _blend_step(signals, model, live.score, live.final) if live else None,
        "snapshot": snapshot,
        "published": published,
        # "7 Des" / "7 Dec": a day and a named month, not "07/12" (7 December or 12 July?).
        "history": [(date_format(week, "j M"), float(score)) for week, score, _rank in history],
        "tones": CATEGORY_TONE,
    }
    return render(request, "scoring/unit.html", context)


@login_required
def snapshot_unit(request, pk: int, unit_pk: int):
    """A published score explained exactly as it was published (frozen model and lines)."""
    row = get_object_or_404(
        SnapshotRow.objects.select_related("snapshot__model", "unit"),
        snapshot_id=pk,
        unit_id=unit_pk,
    )
    require(request, "scoring.view", row)
    model = row.snapshot.model
    indicators = {i.code: i for i in model.indicators.all()}
    detail = row.detail
    data = {
        "institution": row.institution,
        "institution_max": detail["institution_max"],
        "quality_sum": detail["quality_sum"],
        "quality_max": detail["quality_max"],
        "divisor": detail["divisor"],
        "counted_innovations": row.counted_innovations,
        "innovation_quality": row.innovation_quality,
        "quantity": row.quantity,
        "quantity_count": detail["quantity_count"],
        "basic_affairs": detail["basic_affairs"],
        "quantity_max": detail["quantity_max"],
    }
    signals = _signals(row.signals or {}, model)
    board = SnapshotRow.objects.filter(snapshot_id=pk, family=row.family).select_related("unit")
    ahead = board.filter(rank__lt=row.rank).order_by("-rank", "unit__name").first()
    behind = board.filter(rank__gt=row.rank).order_by("rank", "unit__name").first()
    context = {
        "row": row,
        "unit": row.unit,
        "snapshot": row.snapshot,
        "model": model,
        "lines": _explain(detail.get("lines", []), indicators),
        "innovations": detail.get("innovations", []),
        "formula": _formula(data, model),
        "signals": signals,
        "blend": _blend_step(signals, model, row.score, row.final),
        "blended": model.blend_total > 0,
        # Why this rank: how many compete, and the units just ahead and just behind.
        "competitors": board.count(),
        "ahead": ahead,
        "behind": behind,
        # The board ranks by ``final`` (equal to the index when nothing is blended in).
        "gap_ahead": ahead.final - row.final if ahead else None,
        "gap_behind": row.final - behind.final if behind else None,
        "tones": CATEGORY_TONE,
    }
    return render(request, "scoring/snapshot_unit.html", context)


@login_required
def innovation_score(request, pk: int):
    """An innovation's current score line by line: evidence, level, weight."""
    innovation = get_object_or_404(
        Innovation.objects.select_related("owner_unit", "scoring_unit"), pk=pk
    )
    require(request, "scoring.view", innovation)
    model = services.current_model(regency=innovation.regency)
    score = InnovationScore.objects.filter(
        innovation=innovation, model=model, is_current=True
    ).first()
    return _render_innovation_score(request, innovation, score, model, live=True)


@login_required
def score_revision(request, pk: int):
    """A past revision of an innovation's score, as a published snapshot points at it."""
    score = get_object_or_404(InnovationScore.objects.select_related("innovation", "model"), pk=pk)
    require(request, "scoring.view", score)
    return _render_innovation_score(request, score.innovation, score, score.model, live=False)


def _render_innovation_score(request, innovation, score, model, *, live: bool):
    indicators = {i.code: i for i in model.indicators.all()}
    context = {
        "innovation": innovation,
        "score": score,
        "model": model,
        "live": live,
        "lines": _explain(_expand(score.lines, indicators), indicators) if score else [],
    }
    return render(request, "scoring/innovation.html", context)


# --- The scoring model --------------------------------------------------------------------------


@login_required
def model_list(request):
    regency = _regency(request)
    require(request, "scoring.view", regency)
    services.current_model(regency=regency)
    models = list(
        ScoringModel.objects.filter(regency=regency).order_by("-status", "-activated_at", "-pk")
    )
    return render(
        request,
        "scoring/models.html",
        {
            "models": models,
            "can_manage": can(request.actor, "scoring.manage_model", regency),
            "load_form": forms.LoadVariantForm(),
        },
    )


@login_required
def model_detail(request, pk: int):
    model = get_object_or_404(ScoringModel, pk=pk)
    require(request, "scoring.view", model)
    indicators = services.catalogue(model)
    context = {
        "model": model,
        "institution": [i for i in indicators if i.side == Side.INSTITUTION],
        "innovation": [i for i in indicators if i.side == Side.INNOVATION],
        "maxima": {
            "institution": sum(
                (i.max_score for i in indicators if i.side == Side.INSTITUTION), Decimal(0)
            ),
            "innovation": sum(
                (i.max_score for i in indicators if i.side == Side.INNOVATION), Decimal(0)
            ),
            "quantity": model.quantity_max(),
        },
        "can_manage": can(request.actor, "scoring.manage_model", model),
        "used": Snapshot.objects.filter(model=model).count(),
    }
    return render(request, "scoring/model.html", context)


def _indicator_dicts(formset) -> list[dict]:
    rows = []
    for form in formset.forms:
        if not form.has_changed() and not form.instance.pk:
            continue
        data = {k: v for k, v in form.cleaned_data.items() if k in forms.IndicatorForm.Meta.fields}
        data["id"] = form.instance.pk
        data["DELETE"] = form.cleaned_data.get("DELETE", False)
        rows.append(data)
    return rows


@login_required
def model_edit(request, pk: int):
    model = get_object_or_404(ScoringModel, pk=pk)
    require(request, "scoring.manage_model", model)
    if not model.is_editable:
        messages.error(
            request,
            _("This version is in use or retired and cannot change; copy it to a new draft."),
        )
        return redirect(model)
    form = forms.ModelParametersForm(request.POST or None, instance=model)
    formset = forms.IndicatorFormSet(request.POST or None, instance=model, prefix="ind")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        fields = {k: form.cleaned_data[k] for k in forms.ModelParametersForm.Meta.fields}
        try:
            services.update_draft(
                model=model, actor=request.user, fields=fields, indicators=_indicator_dicts(formset)
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Draft saved."))
            return redirect(model)
    model.refresh_from_db()
    return render(
        request, "scoring/model_edit.html", {"model": model, "form": form, "formset": formset}
    )


@login_required
@require_POST
def model_copy(request, pk: int):
    model = get_object_or_404(ScoringModel, pk=pk)
    require(request, "scoring.manage_model", model)
    copy = services.copy_model(model=model, actor=request.user)
    messages.success(
        request,
        _("Version %(version)s is a new draft; edit it, then put it in use.")
        % {"version": copy.version},
    )
    return redirect("scoring:model_edit", pk=copy.pk)


@login_required
@require_POST
def model_activate(request, pk: int):
    model = get_object_or_404(ScoringModel, pk=pk)
    require(request, "scoring.manage_model", model)
    try:
        services.activate_model(model=model, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _(
                "%(model)s is in use. Live scores are recomputed; published scores stay as they were."
            )
            % {"model": str(model)},
        )
    return redirect(model)


@login_required
@require_POST
def model_delete(request, pk: int):
    model = get_object_or_404(ScoringModel, pk=pk)
    require(request, "scoring.manage_model", model)
    try:
        services.delete_draft(model=model, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(model)
    messages.success(request, _("Draft deleted."))
    return redirect("scoring:models")


@login_required
@require_POST
def model_load(request):
    regency = _regency(request)
    require(request, "scoring.manage_model", regency)
    form = forms.LoadVariantForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a model to load."))
        return redirect("scoring:models")
    model = services.load_variant(
        regency=regency, variant=form.cleaned_data["variant"], actor=request.user
    )
    messages.success(
        request, _("Loaded as draft version %(version)s.") % {"version": model.version}
    )
    return redirect(model)

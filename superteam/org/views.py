"""Organisation pages: the unit tree, a unit, a person, clusters.

Every page runs a fixed number of queries whatever the size of the regency: the tree is
read level by level by materialised path, never node by node.
"""

import datetime
import re
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from superteam.core.permissions import can, require
from superteam.core.tenancy import current_regency
from superteam.ledger.models import Entry as LedgerEntry
from superteam.org.exchange import export_workbook, plan_import, template_workbook
from superteam.org.forms import (
    AppointForm,
    EndAssignmentForm,
    WorkbookUploadForm,
    add_service_errors,
)
from superteam.org.models import (
    Assignment,
    Cluster,
    Person,
    Position,
    PositionLevel,
    Unit,
    UnitKind,
    UnitRollup,
)
from superteam.org.services import (
    ImportRejected,
    assign,
    child_counts,
    current_holders,
    end_assignment,
    import_organisation,
)
from superteam.org.workbook import SHEETS, XLSX_CONTENT_TYPE, WorkbookRejected, read_workbook

SEARCH_LIMIT = 50
POSITION_CHOICES = 20  # positions offered by one search: type more words to narrow it
CHILDREN_PAGE = 100  # tree nodes per page: no page renders a list as long as the regency
POSITIONS_PAGE = 50
PROBLEMS_SHOWN = 1000
PENDING_LIFETIME = datetime.timedelta(days=1)
WEEKDAY_LABELS = [
    ("mon", gettext_lazy("Monday")),
    ("tue", gettext_lazy("Tuesday")),
    ("wed", gettext_lazy("Wednesday")),
    ("thu", gettext_lazy("Thursday")),
    ("fri", gettext_lazy("Friday")),
    ("sat", gettext_lazy("Saturday")),
    ("sun", gettext_lazy("Sunday")),
]


def kind_labels() -> dict[str, str]:
    """Unit kinds by code, translated once per page (not once per unit shown)."""
    return {code: str(label) for code, label in UnitKind.choices}


def _regency_or_404(request):
    regency = current_regency(request)
    if regency is None:
        from django.http import Http404

        raise Http404(_("No regency has been set up yet."))
    return regency


@login_required
def tree(request):
    """The organisation tree: the regency's first level open, deeper levels on demand."""
    regency = _regency_or_404(request)
    require(request, "org.view", regency)
    query = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    if query or kind:
        units = Unit.objects.filter(regency=regency, is_active=True)
        if query:
            units = units.filter(
                Q(name__icontains=query) | Q(code__icontains=query) | Q(short_name__icontains=query)
            )
        if kind:
            units = units.filter(kind=kind)
        total = units.count()
        results = list(units.select_related("parent").order_by("path")[:SEARCH_LIMIT])
        context = {
            "results": results,
            "total": total,
            "query": query,
            "kind": kind,
            "limit": SEARCH_LIMIT,
            "kind_labels": kind_labels(),
        }
        if request.htmx and request.htmx.target == "search-results":
            return render(request, "org/partials/search_results.html", context)
    else:
        context = {"query": "", "kind": "", "kind_labels": kind_labels()}
    root = (
        Unit.objects.filter(regency=regency, parent__isnull=True).select_related("rollup").first()
    )
    children, more = _children_page(root, 0) if root else ([], None)
    counts = child_counts([root, *children]) if root else {}
    rollup = _rollup_of(root) if root else None
    if rollup is not None:
        kind_totals = rollup.by_kind
    else:
        kind_totals = dict(
            Unit.objects.filter(regency=regency, is_active=True)
            .values_list("kind")
            .annotate(n=Count("id"))
            .order_by()
        )
    context.update(
        {
            "root": root,
            "children": children,
            "more": more,
            "more_page": _page_of(more),
            "counts": counts,
            "kinds": [
                (k, label, kind_totals.get(k, 0))
                for k, label in UnitKind.choices
                if kind_totals.get(k)
            ],
            "unit_total": sum(kind_totals.values()),
            "can_manage": can(request.actor, "org.manage", regency),
        }
    )
    return render(request, "org/tree.html", context)


def _rollup_of(unit: Unit) -> UnitRollup | None:
    """The unit's counted figures if it has been counted (loaded with select_related)."""
    try:
        return unit.rollup
    except UnitRollup.DoesNotExist:
        return None


def _children_page(unit: Unit, offset: int) -> tuple[list[Unit], int | None]:
    """One page of a unit's active children (one query); the next offset if there are more."""
    rows = list(
        Unit.objects.filter(parent=unit, is_active=True).order_by("sort_order", "name", "pk")[
            offset : offset + CHILDREN_PAGE + 1
        ]
    )
    more = offset + CHILDREN_PAGE if len(rows) > CHILDREN_PAGE else None
    return rows[:CHILDREN_PAGE], more


def _page_of(offset: int | None) -> int | None:
    return offset // CHILDREN_PAGE + 1 if offset else None


@login_required
def unit_children(request, pk: int):
    """HTMX: the children of one unit as tree nodes, a page at a time (one query for the
    nodes, one for their own counts); a unit with thousands of children stays fast."""
    unit = get_object_or_404(Unit, pk=pk)
    require(request, "org.view", unit)
    try:
        offset = max(0, int(request.GET.get("offset", 0)))
    except ValueError:
        offset = 0
    children, more = _children_page(unit, offset)
    template = "org/partials/tree_items.html" if offset else "org/partials/tree_nodes.html"
    return render(
        request,
        template,
        {
            "nodes": children,
            "counts": child_counts(children),
            "parent": unit,
            "more": more,
            "more_page": _page_of(more),
            "kind_labels": kind_labels(),
        },
    )


@login_required
def unit_detail(request, pk: int):
    """A unit: where it sits, its positions and who holds them, its sub-units and clusters.
    Positions and sub-units come a page at a time, so a unit of any size renders alike."""
    unit = get_object_or_404(Unit.objects.select_related("parent", "rollup"), pk=pk)
    require(request, "org.view", unit)
    today = timezone.localdate()
    ancestors = list(Unit.objects.filter(pk__in=unit.ancestor_ids).order_by("depth"))
    all_positions = Position.objects.filter(unit=unit, is_active=True)
    position_page = Paginator(all_positions.order_by("sort_order", "title", "pk"), POSITIONS_PAGE)
    position_page = position_page.get_page(request.GET.get("positions"))
    positions = list(position_page.object_list)
    holders = current_holders(positions, today)
    rows = [{"position": p, "holders": holders.get(p.pk, [])} for p in positions]
    filled = (
        Assignment.objects.current(today)
        .filter(position__unit=unit, position__is_active=True)
        .values("position_id")
        .distinct()
        .count()
    )
    children_page = Paginator(
        Unit.objects.filter(parent=unit, is_active=True).order_by("sort_order", "name", "pk"),
        CHILDREN_PAGE,
    ).get_page(request.GET.get("sub"))
    children = list(children_page.object_list)
    counts = child_counts(children)
    rollup = _rollup_of(unit)
    if rollup is not None:
        staff_by_level, subunit_total = rollup.by_level, rollup.subunits
    else:  # a unit added since the last count: count it now (it is small)
        subtree = Unit.objects.subtree(unit)
        staff_by_level = dict(
            Assignment.objects.current(today)
            .filter(position__unit__in=subtree, position__is_active=True)
            .values_list("position__level")
            .annotate(n=Count("id"))
            .order_by()
        )
        subunit_total = subtree.filter(is_active=True).exclude(pk=unit.pk).count()
    clusters = list(unit.clusters.select_related("lead_unit").order_by("sort_order"))
    level_labels = dict(PositionLevel.choices)
    chart = [
        (str(level_labels[level]), staff_by_level[level])
        for level in level_labels
        if staff_by_level.get(level)
    ]
    context = {
        "unit": unit,
        "ancestors": ancestors,
        "rows": rows,
        "position_page": position_page,
        "filled": filled,
        "children": children,
        "children_page": children_page,
        "counts": counts,
        "clusters": clusters,
        "people_total": sum(staff_by_level.values()),
        "staff_chart": chart,
        "subunit_total": subunit_total,
        "counted_at": rollup.computed_at if rollup else None,
        "weekday_labels": WEEKDAY_LABELS,
        "kind_labels": kind_labels(),
        "level_labels": {code: str(label) for code, label in PositionLevel.choices},
        "can_manage": can(request.actor, "org.manage", unit),
    }
    return render(request, "org/unit_detail.html", context)


@login_required
def person_detail(request, pk: int):
    """A person: positions held now and before (acting ones marked Plt)."""
    person = get_object_or_404(Person, pk=pk)
    require(request, "org.view_person", person)
    today = timezone.localdate()
    assignments = list(
        Assignment.objects.filter(person=person)
        .select_related("position", "position__unit")
        .order_by("-start", "-pk")
    )
    current = [a for a in assignments if a.is_current(today)]
    past = [a for a in assignments if not a.is_current(today) and a.start <= today]
    future = [a for a in assignments if a.start > today]
    context = {
        "person": person,
        "current": current,
        "past": past,
        "future": future,
        "show_personal": can(request.actor, "org.view_personal_data", person),
        "can_manage": can(request.actor, "org.manage", person),
    }
    return render(request, "org/person_detail.html", context)


# --- Appointments (admins) ------------------------------------------------------------------


def _find_positions(regency, query: str) -> list[Position]:
    """Active positions of the regency whose title, code or unit name holds every word."""
    words = query.split()
    if not words or len(query) < 2:
        return []
    match = Q()
    for word in words:
        match &= (
            Q(title__icontains=word)
            | Q(code__icontains=word)
            | Q(unit__name__icontains=word)
            | Q(unit__short_name__icontains=word)
        )
    return list(
        Position.objects.filter(regency=regency, is_active=True)
        .filter(match)
        .select_related("unit")
        .order_by("unit__path", "sort_order", "title", "pk")[:POSITION_CHOICES]
    )


def _position_choices(positions: list[Position], selected: Position | None = None) -> dict:
    """What the choice list shows: each position with who holds it today and since when."""
    if selected is not None and all(p.pk != selected.pk for p in positions):
        positions = [selected, *positions]
    holders = current_holders(positions)
    return {
        "choices": [{"position": p, "holders": holders.get(p.pk, [])} for p in positions],
        "selected": selected.pk if selected else None,
        "level_labels": {code: str(label) for code, label in PositionLevel.choices},
    }


@login_required
def position_search(request):
    """HTMX: positions of the regency matching a search, to pick one to appoint someone to."""
    regency = _regency_or_404(request)
    require(request, "org.manage", regency)
    query = request.GET.get("q", "").strip()
    context = _position_choices(_find_positions(regency, query))
    context["query"] = query
    return render(request, "org/partials/position_choices.html", context)


@login_required
def appoint(request, pk: int):
    """Appoint a person to a position: from a date, definitive or acting, with the decree.
    Everything goes through ``services.assign`` (checks, ledger, recount)."""
    person = get_object_or_404(Person, pk=pk)
    require(request, "org.manage", person)
    regency = _regency_or_404(request)
    query = request.GET.get("q", "").strip()
    form = AppointForm(regency=regency, initial={"start": timezone.localdate()})
    if request.method == "POST":
        form = AppointForm(request.POST, regency=regency)
        if form.is_valid():
            data = form.cleaned_data
            try:
                assignment = assign(
                    person=person,
                    position=data["position"],
                    start=data["start"],
                    end=data["end"],
                    kind=data["kind"],
                    decree=data["decree"].strip(),
                    end_previous=data["replace"],
                    actor=request.user,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(person)s holds %(position)s from %(start)s.")
                    % {
                        "person": person,
                        "position": assignment.position,
                        "start": date_format(assignment.start, "SHORT_DATE_FORMAT"),
                    },
                )
                return redirect("org:person", pk=person.pk)
    selected = form.cleaned_data.get("position") if form.is_bound and form.is_valid() else None
    if selected is None and form.is_bound:
        selected = _posted_position(form)
    context = _position_choices(_find_positions(regency, query), selected)
    context.update({"person": person, "form": form, "query": query})
    return render(request, "org/appoint.html", context)


def _posted_position(form: AppointForm) -> Position | None:
    """The position picked in a form refused for another reason, to show it picked again."""
    try:
        return form.fields["position"].clean(form.data.get("position"))
    except ValidationError:
        return None


def _next_url(request, default: str) -> str:
    """Where to go back to: the page that linked here (same site only), else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed and target.startswith("/") else default


@login_required
def end_assignment_page(request, pk: int):
    """End an assignment on a date, with a reason; the row stays as history."""
    assignment = get_object_or_404(
        Assignment.objects.select_related("person", "position", "position__unit"), pk=pk
    )
    require(request, "org.manage", assignment)
    back = _next_url(request, reverse("org:person", args=[assignment.person_id]))
    form = EndAssignmentForm(initial={"end": assignment.end or timezone.localdate()})
    if request.method == "POST":
        form = EndAssignmentForm(request.POST)
        if form.is_valid():
            try:
                end_assignment(
                    assignment=assignment,
                    end=form.cleaned_data["end"],
                    reason=form.cleaned_data["reason"].strip(),
                    actor=request.user,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(person)s holds %(position)s until %(end)s.")
                    % {
                        "person": assignment.person,
                        "position": assignment.position,
                        "end": date_format(assignment.end, "SHORT_DATE_FORMAT"),
                    },
                )
                return redirect(back)
    context = {"assignment": assignment, "form": form, "next": back}
    return render(request, "org/end_assignment.html", context)


def _person_match(query: str) -> Q:
    """Every word of the query in the name (in any order), the username, or the start of
    the NIP as printed on decrees and ID cards, with spaces: ``19891013 201910 1 287``."""
    match = Q(username__iexact=query)
    by_name = Q()
    for word in query.split():
        by_name &= Q(full_name__icontains=word)
    match |= by_name
    digits = re.sub(r"[\s.\-]", "", query)
    if digits.isdigit():
        match |= Q(nip__startswith=digits)
    return match


@login_required
def people(request):
    """Find a person by name, NIP or username."""
    regency = _regency_or_404(request)
    require(request, "org.view", regency)
    query = request.GET.get("q", "").strip()
    qs = Person.objects.none()
    if query:
        qs = Person.objects.filter(regency=regency, is_active=True).filter(_person_match(query))
    page = Paginator(qs.order_by("full_name"), 30).get_page(request.GET.get("page"))
    holders = (
        Assignment.objects.current()
        .filter(person__in=list(page.object_list))
        .select_related("position", "position__unit")
    )
    held: dict[int, list] = {}
    for a in holders:
        held.setdefault(a.person_id, []).append(a)
    rows = [{"person": p, "assignments": held.get(p.pk, [])} for p in page.object_list]
    template = "org/partials/people_results.html" if request.htmx else "org/people.html"
    return render(request, template, {"query": query, "page": page, "rows": rows})


@login_required
def cluster_list(request):
    """The clusters of the regency, with their lead unit and size."""
    regency = _regency_or_404(request)
    require(request, "org.view", regency)
    clusters = (
        Cluster.objects.filter(regency=regency)
        .select_related("lead_unit", "coordinator")
        .annotate(unit_count=Count("units"))
        .order_by("sort_order", "name")
    )
    clusters = list(clusters)
    chart = [(c.localized_name, c.unit_count) for c in clusters]
    return render(request, "org/cluster_list.html", {"clusters": clusters, "chart": chart})


@login_required
def cluster_detail(request, pk: int):
    """A cluster: its lead unit, coordinator, and member units grouped by kind."""
    cluster = get_object_or_404(
        Cluster.objects.select_related("lead_unit", "coordinator", "coordinator__unit"), pk=pk
    )
    require(request, "org.view", cluster)
    members = list(cluster.units.order_by("kind", "name"))
    kind_labels = dict(UnitKind.choices)
    groups: dict[str, list] = {}
    for u in members:
        groups.setdefault(str(kind_labels.get(u.kind, u.kind)), []).append(u)
    coordinator = None
    if cluster.coordinator_id:
        coordinator = current_holders([cluster.coordinator]).get(cluster.coordinator_id, [])
    context = {
        "cluster": cluster,
        "groups": sorted(groups.items()),
        "member_total": len(members),
        "coordinator_holders": coordinator or [],
        "chart": [(label, len(units)) for label, units in sorted(groups.items())],
    }
    return render(request, "org/cluster_detail.html", context)


# --- Import and export of the organisation workbook (admins) -------------------------------

PENDING_KEY = "org_import"


def _download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _discard_pending(request) -> None:
    pending = request.session.pop(PENDING_KEY, None)
    if pending:
        storages["private"].delete(pending["name"])


def _sweep_abandoned(regency) -> None:
    """Uploads checked but never confirmed nor cancelled are deleted after a day."""
    storage, folder = storages["private"], f"org-imports/{regency.pk}"
    try:
        _dirs, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    cutoff = timezone.now() - PENDING_LIFETIME
    for name in files:
        path = f"{folder}/{name}"
        if storage.get_modified_time(path) < cutoff:
            storage.delete(path)


@login_required
def workbook_page(request):
    """Import and export: download the template or an export, upload a workbook to check."""
    regency = _regency_or_404(request)
    require(request, "org.manage", regency)
    form = WorkbookUploadForm()
    if request.method == "POST":
        form = WorkbookUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["workbook"]
            try:
                plan = plan_import(regency=regency, read=read_workbook(form.content))
            except WorkbookRejected as exc:
                form.add_error("workbook", str(exc))
            else:
                return _preview(request, regency, plan, form.content, upload.name)
    history = [
        {
            "at": e.created_at,
            "by": e.actor,
            "file": e.payload.get("file", ""),
            "added": sum(c.get("created", 0) for c in e.payload.get("counts", {}).values()),
            "changed": sum(c.get("updated", 0) for c in e.payload.get("counts", {}).values()),
        }
        for e in LedgerEntry.objects.filter(regency=regency, kind="org.imported")
        .select_related("actor")
        .order_by("-seq")[:5]
    ]
    return render(request, "org/workbook.html", {"form": form, "history": history})


def _preview(request, regency, plan, content: bytes, filename: str, status: int = 200):
    """What the import would do (counts per sheet), or every bad row; kept until confirmed."""
    _discard_pending(request)
    _sweep_abandoned(regency)
    token = ""
    if plan.ok and plan.changes:
        token = uuid.uuid4().hex
        name = storages["private"].save(
            f"org-imports/{regency.pk}/{token}.xlsx", ContentFile(content)
        )
        request.session[PENDING_KEY] = {
            "token": token,
            "name": name,
            "file": filename[:200],
            "regency": regency.pk,
        }
    sheets = {s.key: s for s in SHEETS}
    problems = plan.sorted_problems()
    context = {
        "plan": plan,
        "token": token,
        "filename": filename,
        "rows": [(sheets[key].title, counts) for key, counts in plan.counts.items()],
        "missing": [sheets[key].title for key in plan.missing_sheets],
        "problems": problems[:PROBLEMS_SHOWN],
        "problem_total": len(problems),
        "bad_rows": len({(p.sheet, p.row) for p in problems}),
        "empty": not any(sum(c.as_dict().values()) for c in plan.counts.values()),
    }
    return render(request, "org/workbook_preview.html", context, status=status)


@login_required
@require_POST
def workbook_confirm(request):
    """Import the workbook checked in the preview: every row or, if anything is wrong, none."""
    regency = _regency_or_404(request)
    require(request, "org.manage", regency)
    pending = request.session.get(PENDING_KEY)
    if (
        not pending
        or pending.get("token") != request.POST.get("token")
        or pending.get("regency") != regency.pk
    ):
        messages.error(request, _("That upload is no longer waiting; upload the workbook again."))
        return redirect("org:import")
    if "cancel" in request.POST:
        _discard_pending(request)
        messages.info(request, _("Import cancelled; nothing was changed."))
        return redirect("org:import")
    storage = storages["private"]
    try:
        with storage.open(pending["name"], "rb") as fh:
            content = fh.read()
    except FileNotFoundError:
        request.session.pop(PENDING_KEY, None)
        messages.error(request, _("That upload is no longer waiting; upload the workbook again."))
        return redirect("org:import")
    try:
        plan = import_organisation(
            regency=regency, data=content, actor=request.user, filename=pending["file"]
        )
    except ImportRejected as exc:
        # The organisation changed since the preview and a row no longer fits.
        return _preview(request, regency, exc.plan, content, pending["file"], status=409)
    _discard_pending(request)
    c = plan.counts
    messages.success(
        request,
        _(
            "Imported: %(units)s units, %(positions)s positions, %(people)s people and "
            "%(assignments)s assignments added or changed."
        )
        % {key: c[key].created + c[key].updated for key in c},
    )
    return redirect("org:import")


@login_required
def workbook_template(request):
    """The empty workbook with instructions, in the user's language."""
    regency = _regency_or_404(request)
    require(request, "org.manage", regency)
    language = translation.get_language()
    return _download(
        template_workbook(language=language),
        _("organisation-template") + ".xlsx",
    )


@login_required
def workbook_export(request):
    """The whole organisation of the regency as a workbook (imports back unchanged)."""
    regency = _regency_or_404(request)
    require(request, "org.manage", regency)
    language = translation.get_language()
    stamp = timezone.localdate().isoformat()
    name = _("organisation-%(regency)s-%(date)s") % {"regency": regency.slug, "date": stamp}
    return _download(export_workbook(regency=regency, language=language), name + ".xlsx")

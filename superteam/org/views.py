"""Organisation pages: the unit tree, a unit, a person, clusters.

Every page runs a fixed number of queries whatever the size of the regency: the tree is
read level by level by materialised path, never node by node.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from superteam.core.permissions import can, require
from superteam.core.tenancy import current_regency
from superteam.org.models import (
    Assignment,
    Cluster,
    Person,
    Position,
    PositionLevel,
    Unit,
    UnitKind,
)
from superteam.org.services import child_counts, current_holders

SEARCH_LIMIT = 50
WEEKDAY_LABELS = [
    ("mon", gettext_lazy("Monday")),
    ("tue", gettext_lazy("Tuesday")),
    ("wed", gettext_lazy("Wednesday")),
    ("thu", gettext_lazy("Thursday")),
    ("fri", gettext_lazy("Friday")),
    ("sat", gettext_lazy("Saturday")),
    ("sun", gettext_lazy("Sunday")),
]


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
        }
        if request.htmx and request.htmx.target == "search-results":
            return render(request, "org/partials/search_results.html", context)
    else:
        context = {"query": "", "kind": ""}
    root = Unit.objects.filter(regency=regency, parent__isnull=True).first()
    children = (
        list(Unit.objects.filter(parent=root, is_active=True).order_by("sort_order", "name"))
        if root
        else []
    )
    counts = child_counts([root, *children]) if root else {}
    kind_totals = dict(
        Unit.objects.filter(regency=regency, is_active=True)
        .values_list("kind")
        .annotate(n=Count("id"))
    )
    context.update(
        {
            "root": root,
            "children": children,
            "counts": counts,
            "kinds": [
                (k, label, kind_totals.get(k, 0))
                for k, label in UnitKind.choices
                if kind_totals.get(k)
            ],
            "unit_total": sum(kind_totals.values()),
        }
    )
    return render(request, "org/tree.html", context)


@login_required
def unit_children(request, pk: int):
    """HTMX: the children of one unit, as tree nodes (one query, plus one for their counts)."""
    unit = get_object_or_404(Unit, pk=pk)
    require(request, "org.view", unit)
    children = list(Unit.objects.filter(parent=unit, is_active=True).order_by("sort_order", "name"))
    return render(
        request,
        "org/partials/tree_nodes.html",
        {"nodes": children, "counts": child_counts(children)},
    )


@login_required
def unit_detail(request, pk: int):
    """A unit: where it sits, its positions and who holds them, its sub-units and clusters."""
    unit = get_object_or_404(Unit.objects.select_related("parent"), pk=pk)
    require(request, "org.view", unit)
    today = timezone.localdate()
    ancestors = list(Unit.objects.filter(pk__in=unit.ancestor_ids).order_by("depth"))
    positions = list(
        Position.objects.filter(unit=unit, is_active=True).order_by("sort_order", "title")
    )
    holders = current_holders(positions, today)
    rows = [{"position": p, "holders": holders.get(p.pk, [])} for p in positions]
    children = list(Unit.objects.filter(parent=unit, is_active=True).order_by("sort_order", "name"))
    counts = child_counts(children)
    subtree = Unit.objects.subtree(unit)
    staff_by_level = dict(
        Assignment.objects.current(today)
        .filter(position__unit__in=subtree)
        .values_list("position__level")
        .annotate(n=Count("id"))
    )
    clusters = list(unit.clusters.select_related("lead_unit").order_by("sort_order"))
    led = list(Cluster.objects.filter(lead_unit=unit))
    level_labels = dict(PositionLevel.choices)
    chart = [
        (str(level_labels[level]), staff_by_level[level])
        for level in level_labels
        if staff_by_level.get(level)
    ]
    filled = sum(1 for r in rows if r["holders"])
    context = {
        "unit": unit,
        "ancestors": ancestors,
        "rows": rows,
        "filled": filled,
        "children": children,
        "counts": counts,
        "clusters": clusters,
        "led_clusters": led,
        "people_total": sum(staff_by_level.values()),
        "staff_chart": chart,
        "subunit_total": subtree.count() - 1,
        "weekday_labels": WEEKDAY_LABELS,
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
    }
    return render(request, "org/person_detail.html", context)


@login_required
def people(request):
    """Find a person by name, NIP or username."""
    regency = _regency_or_404(request)
    require(request, "org.view", regency)
    query = request.GET.get("q", "").strip()
    qs = Person.objects.none()
    if query:
        qs = Person.objects.filter(regency=regency, is_active=True).filter(
            Q(full_name__icontains=query) | Q(nip__startswith=query) | Q(username__iexact=query)
        )
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

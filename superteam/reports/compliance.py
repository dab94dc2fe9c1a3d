"""Who reported and who did not: the working-day calendar and the compliance rollups.

A reporting unit is expected to report on every working day (Monday to Friday, except
national holidays, cuti bersama and the regency's own holidays) between its ``since`` and
``until``. Compliance = days with at least one report / expected days. Everything here
reads :class:`UnitDay` rollups and the small enrolment table, never the report rows.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Max, Q, Sum

from superteam.org.models import Cluster, Unit
from superteam.reports.models import Holiday, HolidayKind, ReportingUnit, UnitDay

# A unit has reported on a day when it sent a report that a verifier has not rejected: a
# report rejected as false evidence does not make the day count.
COUNTED = Q(reports__gt=F("rejected"))


def holidays_between(
    *, regency, start: datetime.date, end: datetime.date
) -> dict[datetime.date, Holiday]:
    """The effective calendar entries in a range: the regency's rows override national ones."""
    regency_id = getattr(regency, "pk", regency)
    found: dict[datetime.date, Holiday] = {}
    rows = Holiday.objects.filter(
        Q(regency__isnull=True) | Q(regency_id=regency_id), date__gte=start, date__lte=end
    ).order_by(F("regency_id").asc(nulls_first=True))
    for h in rows:
        found[h.date] = h  # national first, then the regency's own row replaces it
    return found


def working_days(*, regency, start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """Working days from start to end inclusive (one query)."""
    if end < start:
        return []
    calendar = holidays_between(regency=regency, start=start, end=end)
    days = []
    day = start
    while day <= end:
        entry = calendar.get(day)
        if entry is not None:
            if entry.kind == HolidayKind.WORKDAY:
                days.append(day)
        elif day.weekday() < 5:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def is_working_day(*, regency, day: datetime.date) -> bool:
    return bool(working_days(regency=regency, start=day, end=day))


def percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# --- Keeping the rollup -----------------------------------------------------------------


def bump_unit_day(
    *, regency_id: int, unit_id: int, day: datetime.date, first_at=None, **deltas: int
) -> None:
    """Add to a unit's day counters (creating the row on the first report of the day).

    Adding (a report arrives): one ``INSERT ... ON CONFLICT DO UPDATE SET n = n + k``
    statement, the same on SQLite and PostgreSQL, safe against a concurrent first report.
    Subtracting (a decision changed): ``UPDATE ... SET n = n - 1``; if no row exists,
    insert it in a savepoint; if a concurrent writer inserted it first, update."""
    changes = {name: F(name) + value for name, value in deltas.items() if value}
    if not changes and first_at is None:
        return
    if all(value >= 0 for value in deltas.values()):
        _add_to_unit_day(regency_id, unit_id, day, first_at, deltas)
        return
    rows = UnitDay.objects.filter(unit_id=unit_id, date=day)
    if rows.update(**changes) if changes else rows.exists():
        return
    try:
        with transaction.atomic():
            UnitDay.objects.create(
                regency_id=regency_id,
                unit_id=unit_id,
                date=day,
                first_submitted_at=first_at,
                **{k: v for k, v in deltas.items() if v},
            )
    except IntegrityError:
        if changes:
            rows.update(**changes)


UNIT_DAY_COUNTERS = (
    "reports",
    "photos",
    "photos_missing",
    "flagged_photos",
    "approved",
    "on_hold",
    "rejected",
)


_UPSERT_SQL: dict[str, str] = {}


def _upsert_sql(ops) -> str:
    """The unit-day upsert, written once per database vendor (a report arriving runs it
    inside its transaction)."""
    meta = UnitDay._meta
    table = ops.quote_name(meta.db_table)

    def column(name: str) -> str:
        return ops.quote_name(meta.get_field(name).column)

    names = ["regency", "unit", "date", *UNIT_DAY_COUNTERS, "first_submitted_at"]
    added = ", ".join(
        f"{column(n)} = {table}.{column(n)} + EXCLUDED.{column(n)}" for n in UNIT_DAY_COUNTERS
    )
    first = column("first_submitted_at")
    return (
        f"INSERT INTO {table} ({', '.join(column(n) for n in names)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(names))}) "
        f"ON CONFLICT ({column('unit')}, {column('date')}) DO UPDATE SET {added}, "
        f"{first} = COALESCE({table}.{first}, EXCLUDED.{first})"
    )


def _add_to_unit_day(regency_id, unit_id, day, first_at, deltas: dict[str, int]) -> None:
    """Upsert: the row of the day with these counters, or the counters added to it (the
    time of the first report is kept). Only for non-negative deltas: a negative one
    would break the insert's CHECK (>= 0) before the conflict is seen."""
    unknown = set(deltas) - set(UNIT_DAY_COUNTERS)
    if unknown:
        raise TypeError(f"Unknown unit-day counters: {sorted(unknown)}")
    ops = connection.ops
    values = [
        regency_id,
        unit_id,
        ops.adapt_datefield_value(day),
        *(deltas.get(name, 0) for name in UNIT_DAY_COUNTERS),
        ops.adapt_datetimefield_value(first_at),
    ]
    sql = _UPSERT_SQL.get(connection.vendor) or _UPSERT_SQL.setdefault(
        connection.vendor, _upsert_sql(ops)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)


# --- Enrolment ---------------------------------------------------------------------------


@transaction.atomic
def enrol_reporting_units(
    *, regency, units, since: datetime.date, until: datetime.date | None = None
) -> int:
    """Expect these units to report every working day from ``since``; returns how many."""
    count = 0
    for unit in units:
        ReportingUnit.objects.update_or_create(
            unit=unit, defaults={"regency": regency, "since": since, "until": until}
        )
        count += 1
    sync_reporting_clusters(regency=regency)
    return count


@transaction.atomic
def sync_reporting_clusters(*, regency) -> None:
    """Give every reporting unit the clusters it belongs to, directly or through an
    ancestor (a pustu is in the health cluster through its puskesmas)."""
    clusters = list(Cluster.objects.filter(regency=regency).prefetch_related("units"))
    paths = [(c.pk, u.path) for c in clusters for u in c.units.all()]
    through = ReportingUnit.clusters.through
    enrolled = list(ReportingUnit.objects.filter(regency=regency).select_related("unit"))
    through.objects.filter(reportingunit__in=enrolled).delete()
    links = []
    for ru in enrolled:
        for cluster_id in sorted({cid for cid, path in paths if ru.unit.path.startswith(path)}):
            links.append(through(reportingunit_id=ru.pk, cluster_id=cluster_id))
    through.objects.bulk_create(links, batch_size=1000)


# --- Reading compliance -----------------------------------------------------------------


@dataclass
class UnitCompliance:
    unit: Unit
    expected: int
    reported: int
    reports: int
    flagged: int
    last_day: datetime.date | None
    since: datetime.date | None = None

    @property
    def rate(self) -> Decimal | None:
        return percent(self.reported, self.expected)

    @property
    def tone(self) -> str:
        return tone(self.rate)


def tone(rate: Decimal | None) -> str:
    if rate is None:
        return "plain"
    if rate >= 90:
        return "ok"
    if rate >= 70:
        return "warn"
    return "bad"


def _expected_days(ru: ReportingUnit, days: list[datetime.date]) -> list[datetime.date]:
    return [d for d in days if ru.expected_on(d)]


def _scope_filter(units_under: Unit | None) -> dict:
    if units_under is None:
        return {}
    return {"unit__path__startswith": units_under.path}


def unit_compliance(
    *,
    regency,
    start: datetime.date,
    end: datetime.date,
    under: Unit | None = None,
    cluster: Cluster | None = None,
) -> list[UnitCompliance]:
    """Compliance of each reporting unit (in a subtree or cluster) over a range: 3 queries."""
    days = working_days(regency=regency, start=start, end=end)
    enrolled = ReportingUnit.objects.filter(regency=regency, **_scope_filter(under))
    if cluster is not None:
        enrolled = enrolled.filter(clusters=cluster)
    enrolled = list(enrolled.select_related("unit").order_by("unit__path"))
    day_set = set(days)
    per_unit: dict[int, dict] = defaultdict(lambda: {"days": set(), "reports": 0, "flagged": 0})
    rollups = UnitDay.objects.filter(
        regency=regency, date__gte=start, date__lte=end, reports__gt=0
    ).filter(unit_id__in=[ru.unit_id for ru in enrolled])
    for unit_id, day, reports, rejected, flagged in rollups.values_list(
        "unit_id", "date", "reports", "rejected", "flagged_photos"
    ):
        row = per_unit[unit_id]
        if day in day_set and reports > rejected:
            row["days"].add(day)
        row["reports"] += reports
        row["flagged"] += flagged
    last_days = dict(
        UnitDay.objects.filter(COUNTED, unit_id__in=[ru.unit_id for ru in enrolled])
        .values_list("unit_id")
        .annotate(last=Max("date"))
    )
    rows = []
    for ru in enrolled:
        expected = _expected_days(ru, days)
        got = per_unit[ru.unit_id]
        rows.append(
            UnitCompliance(
                unit=ru.unit,
                expected=len(expected),
                reported=len(got["days"] & set(expected)),
                reports=got["reports"],
                flagged=got["flagged"],
                last_day=last_days.get(ru.unit_id),
                since=ru.since,
            )
        )
    return rows


@dataclass
class ClusterCompliance:
    cluster: Cluster
    units: int = 0
    expected: int = 0
    reported: int = 0
    series: list[tuple[datetime.date, Decimal | None]] = field(default_factory=list)

    @property
    def rate(self) -> Decimal | None:
        return percent(self.reported, self.expected)

    @property
    def tone(self) -> str:
        return tone(self.rate)


def cluster_compliance(
    *, regency, start: datetime.date, end: datetime.date
) -> list[ClusterCompliance]:
    """Compliance of each cluster over a range, with a day-by-day series: 4 queries."""
    days = working_days(regency=regency, start=start, end=end)
    clusters = {c.pk: ClusterCompliance(cluster=c) for c in Cluster.objects.filter(regency=regency)}
    membership = ReportingUnit.clusters.through.objects.filter(
        reportingunit__regency=regency
    ).values_list(
        "cluster_id", "reportingunit__unit_id", "reportingunit__since", "reportingunit__until"
    )
    expected_by_day: dict[int, dict[datetime.date, int]] = defaultdict(lambda: defaultdict(int))
    unit_clusters: dict[int, list[int]] = defaultdict(list)
    for cluster_id, unit_id, since, until in membership:
        if cluster_id not in clusters:
            continue
        unit_clusters[unit_id].append(cluster_id)
        clusters[cluster_id].units += 1
        for d in days:
            if since <= d and (until is None or d <= until):
                expected_by_day[cluster_id][d] += 1
    reported_by_day: dict[int, dict[datetime.date, int]] = defaultdict(lambda: defaultdict(int))
    if days:
        reported = (
            UnitDay.objects.filter(
                COUNTED, regency=regency, date__in=days, unit_id__in=list(unit_clusters)
            )
            .values_list("unit_id", "date")
            .distinct()
        )
        for unit_id, day in reported:
            for cluster_id in unit_clusters[unit_id]:
                reported_by_day[cluster_id][day] += 1
    for cluster_id, row in clusters.items():
        for d in days:
            exp = expected_by_day[cluster_id].get(d, 0)
            got = min(reported_by_day[cluster_id].get(d, 0), exp)
            row.expected += exp
            row.reported += got
            row.series.append((d, percent(got, exp)))
    return sorted(clusters.values(), key=lambda r: (r.cluster.sort_order, r.cluster.name))


def regency_series(
    *,
    regency,
    start: datetime.date,
    end: datetime.date,
    under: Unit | None = None,
    cluster: Cluster | None = None,
) -> list[tuple[datetime.date, Decimal | None]]:
    """Share of expected units (in a subtree or cluster) that reported, per working day (for
    a line chart): 3 queries."""
    days = working_days(regency=regency, start=start, end=end)
    enrolled = ReportingUnit.objects.filter(regency=regency, **_scope_filter(under))
    if cluster is not None:
        enrolled = enrolled.filter(clusters=cluster)
    enrolled = list(enrolled.values_list("unit_id", "since", "until"))
    ids = [u for u, _s, _e in enrolled]
    reported = defaultdict(set)
    if days and ids:
        for unit_id, day in UnitDay.objects.filter(
            COUNTED, regency=regency, date__in=days, unit_id__in=ids
        ).values_list("unit_id", "date"):
            reported[day].add(unit_id)
    series = []
    for d in days:
        expected = {u for u, s, e in enrolled if s <= d and (e is None or d <= e)}
        series.append((d, percent(len(reported[d] & expected), len(expected))))
    return series


def silent_units(*, regency, day: datetime.date, under: Unit | None = None) -> list[Unit]:
    """Reporting units expected on ``day`` that have not reported (2 queries)."""
    if not is_working_day(regency=regency, day=day):
        return []
    reported = UnitDay.objects.filter(COUNTED, regency=regency, date=day).values("unit_id")
    return [
        ru.unit
        for ru in ReportingUnit.objects.filter(regency=regency, **_scope_filter(under))
        .filter(Q(until__isnull=True) | Q(until__gte=day), since__lte=day)
        .exclude(unit_id__in=reported)
        .select_related("unit")
        .order_by("unit__path")
    ]


def compliance_rate(*, unit: Unit, start: datetime.date, end: datetime.date) -> Decimal | None:
    """Compliance (%) of a unit over a range, from the rollups. A unit that is not itself a
    reporting unit gets the rate of the reporting units under it; None when none is."""
    rows = unit_compliance(regency=unit.regency_id, start=start, end=end, under=unit)
    own = [r for r in rows if r.unit.pk == unit.pk]
    rows = own or rows
    return percent(sum(r.reported for r in rows), sum(r.expected for r in rows))


def totals_for_day(*, regency, day: datetime.date, under: Unit | None = None) -> dict:
    """Counters of one day from the rollups (1 query)."""
    agg = UnitDay.objects.filter(regency=regency, date=day, **_scope_filter(under)).aggregate(
        units=Count("id", filter=COUNTED),
        reports=Sum("reports"),
        photos=Sum("photos"),
        missing=Sum("photos_missing"),
        flagged=Sum("flagged_photos"),
    )
    return {k: v or 0 for k, v in agg.items()}

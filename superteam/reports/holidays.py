"""The holiday calendar's services: a regency's entries added one by one or as a list
(the joint decree's table pasted in), removed, and the years the calendar does not cover.

Each change goes to the ledger: a holiday decides which days count as missed, so a
compliance rate can be traced back to the calendar it was computed with.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from superteam.ledger.services import record
from superteam.reports.models import Holiday, HolidayKind

MAX_LINES = 200
# Month names as the decree and English calendars write them ("17 Agustus 2027").
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("januari", "january", "jan"),
            ("februari", "february", "feb", "pebruari"),
            ("maret", "march", "mar"),
            ("april", "apr"),
            ("mei", "may"),
            ("juni", "june", "jun"),
            ("juli", "july", "jul"),
            ("agustus", "august", "agu", "aug", "agt"),
            ("september", "sep", "sept"),
            ("oktober", "october", "okt", "oct"),
            ("november", "nov", "nop", "nopember"),
            ("desember", "december", "des", "dec"),
        ],
        start=1,
    )
    for name in names
}
_NUMERIC = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_WORDS = re.compile(r"(?:[^\W\d]+,?\s+)?(\d{1,2})\s+([^\W\d]+)\.?\s+(\d{4})")
_HEADERS = {"date", "tanggal", "tgl", "hari/tanggal", "hari, tanggal", "day"}
# Words people write for each kind, besides its labels in both languages.
_KIND_WORDS = {
    HolidayKind.NATIONAL: ("national", "nasional", "libur nasional", "hari libur nasional"),
    HolidayKind.COLLECTIVE_LEAVE: ("cuti bersama", "collective leave", "cuti", "cuti_bersama"),
    HolidayKind.REGIONAL: ("regional", "daerah", "libur daerah", "hari libur daerah"),
    HolidayKind.WORKDAY: ("workday", "working day", "hari kerja", "masuk kerja"),
}


@dataclass(frozen=True)
class HolidayLine:
    """One entry to add: a day, its kind and its names."""

    date: datetime.date
    kind: str
    name: str
    name_en: str = ""


@dataclass
class ParsedList:
    """What a pasted list holds: entries to add, lines already in the calendar, errors."""

    entries: list[HolidayLine]
    already: int
    errors: list[str]


def _kinds() -> dict[str, str]:
    words = {}
    for kind, extra in _KIND_WORDS.items():
        for word in extra:
            words[word] = kind
        for language in ("id", "en"):
            with translation.override(language):
                words[str(kind.label).lower()] = kind
    return words


def parse_day(text: str) -> datetime.date | None:
    """A day as people write it: 2027-08-17, 17/08/2027 or 17-08-2027 (day first, as in
    Indonesia), or "17 Agustus 2027" / "Selasa, 17 Agustus 2027" / "17 August 2027"."""
    text = " ".join(text.split())
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        pass
    match = _NUMERIC.fullmatch(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
    else:
        match = _WORDS.fullmatch(text)
        month = _MONTHS.get(match[2].lower()) if match else None
        if month is None:
            return None
        day, year = int(match[1]), int(match[3])
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _cells(line: str) -> list[str]:
    """A line's cells: separated by tabs (a spreadsheet's rows pasted), semicolons, or,
    when there is neither, commas (a CSV file); a name may then not contain a comma."""
    for separator in ("\t", ";"):
        if separator in line:
            return [cell.strip() for cell in line.split(separator)]
    return [cell.strip() for cell in next(csv.reader(io.StringIO(line)), [])]


def parse_holiday_list(text: str, *, regency) -> ParsedList:
    """Entries from a list, one a line: ``date; kind; name; name in English`` (the kind and
    the English name may be left out: the kind is then a national holiday). Every line is
    checked; the caller stores nothing unless there are no errors."""
    kinds = _kinds()
    lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
    lines = [(n, line) for n, line in lines if not line.lstrip().startswith("#")]
    if len(lines) > MAX_LINES:
        message = _("At most %(count)s lines at once; split the list.") % {"count": MAX_LINES}
        return ParsedList([], 0, [message])
    parsed: list[tuple[int, HolidayLine]] = []
    errors: list[str] = []
    for number, line in lines:
        cells = _cells(line)
        while cells and not cells[-1]:
            cells.pop()
        day = parse_day(cells[0]) if cells else None
        if day is None:
            if number == lines[0][0] and cells and cells[0].lower() in _HEADERS:
                continue  # a header row ("Tanggal; Jenis; Nama")
            errors.append(
                _(
                    "Line %(line)s: “%(text)s” is not a date; write it as 2027-08-17, "
                    "17/08/2027 or 17 Agustus 2027."
                )
                % {"line": number, "text": cells[0] if cells else line.strip()}
            )
            continue
        rest = cells[1:]
        kind = HolidayKind.NATIONAL
        if rest and rest[0].lower() in kinds:
            kind = kinds[rest.pop(0).lower()]
        elif len(rest) >= 3:
            errors.append(
                _("Line %(line)s: “%(text)s” is not a kind of day; write one of: %(kinds)s.")
                % {
                    "line": number,
                    "text": rest[0],
                    "kinds": ", ".join(str(k.label) for k in HolidayKind),
                }
            )
            continue
        name = rest[0] if rest else ""
        name_en = rest[1] if len(rest) > 1 else ""
        if not name:
            errors.append(_("Line %(line)s: the day needs a name.") % {"line": number})
            continue
        if len(name) > 160 or len(name_en) > 160:
            errors.append(_("Line %(line)s: a name has at most 160 characters.") % {"line": number})
            continue
        if len(rest) > 2:
            errors.append(
                _("Line %(line)s: too many columns; write date; kind; name; name in English.")
                % {"line": number}
            )
            continue
        parsed.append((number, HolidayLine(day, kind, name, name_en)))
    seen: dict[datetime.date, int] = {}
    for number, entry in parsed:
        if entry.date in seen:
            errors.append(
                _("Line %(line)s: %(day)s is already on line %(first)s.")
                % {"line": number, "day": _day(entry.date), "first": seen[entry.date]}
            )
        seen.setdefault(entry.date, number)
    existing = {
        h.date: h
        for h in Holiday.objects.filter(regency=regency, date__in=[e.date for _, e in parsed])
    }
    entries, already = [], 0
    for number, entry in parsed:
        found = existing.get(entry.date)
        if found is None:
            entries.append(entry)
        elif found.kind == entry.kind and found.name == entry.name:
            already += 1  # the same list sent again: nothing to add, nothing wrong
        else:
            errors.append(
                _(
                    "Line %(line)s: the regency's calendar already has “%(name)s” on %(day)s; "
                    "remove it first to replace it."
                )
                % {"line": number, "name": found.name, "day": _day(entry.date)}
            )
    return ParsedList(entries, already, errors)


def _day(day: datetime.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def add_holidays(*, regency, actor, entries: list[HolidayLine]) -> list[Holiday]:
    """Add entries to the regency's calendar, all or none, each on the ledger."""
    with transaction.atomic():
        added = []
        for entry in entries:
            holiday = Holiday.objects.create(
                regency=regency,
                date=entry.date,
                kind=entry.kind,
                name=entry.name.strip(),
                name_en=entry.name_en.strip(),
            )
            record(
                regency=regency,
                kind="reports.holiday_added",
                subject=holiday,
                actor=actor,
                payload={
                    "date": holiday.date,
                    "kind": holiday.kind,
                    "name": holiday.name,
                    "name_en": holiday.name_en,
                },
            )
            added.append(holiday)
    return added


def remove_holiday(*, entry: Holiday, actor) -> None:
    """Remove one of the regency's own entries (national rows are not the regency's)."""
    if entry.regency_id is None:
        raise ValueError("national calendar entries are not removed here")
    with transaction.atomic():
        record(
            regency=entry.regency_id,
            kind="reports.holiday_removed",
            subject=entry,
            actor=actor,
            payload={"date": entry.date, "kind": entry.kind, "name": entry.name},
        )
        entry.delete()


def years_without_holidays(*, regency, years) -> list[int]:
    """Which of the years have no national holiday in the regency's calendar (national
    rows or its own): there, every weekday would count as a working day."""
    years = sorted(set(years))
    covered = set(
        Holiday.objects.filter(
            Q(regency__isnull=True) | Q(regency=regency),
            kind=HolidayKind.NATIONAL,
            date__gte=datetime.date(years[0], 1, 1),
            date__lte=datetime.date(years[-1], 12, 31),
        ).values_list("date__year", flat=True)
    )
    return [year for year in years if year not in covered]


def years_to_check(today: datetime.date) -> list[int]:
    """This year, and the next one from November on (its calendar is due by then: the
    joint decree is published in the autumn)."""
    return [today.year, today.year + 1] if today.month >= 11 else [today.year]

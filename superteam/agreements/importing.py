"""Excel import of targets (indicators) into a draft agreement: every row is checked and
every problem is reported with its row and column; nothing is imported unless all rows
are good. Headers may be in either language; the template has the current one."""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from superteam.agreements import services
from superteam.agreements.models import Aggregation, Indicator, Polarity
from superteam.org.models import Position, Unit

MAX_ROWS = 500
MAX_BYTES = 5 * 1024 * 1024

COLUMNS = [
    ("sasaran", gettext_lazy("Strategic goal")),
    ("name", gettext_lazy("Indicator")),
    ("unit_of_measure", gettext_lazy("Unit of measure")),
    ("baseline", gettext_lazy("Baseline")),
    ("target", gettext_lazy("Target")),
    ("target_high", gettext_lazy("Upper bound (range)")),
    ("q1", gettext_lazy("Q1 target")),
    ("q2", gettext_lazy("Q2 target")),
    ("q3", gettext_lazy("Q3 target")),
    ("q4", gettext_lazy("Q4 target")),
    ("polarity", gettext_lazy("Polarity (higher, lower, range)")),
    ("aggregation", gettext_lazy("Aggregation (sum, last, average)")),
    ("deadline", gettext_lazy("Deadline")),
    ("responsible", gettext_lazy("Responsible position (code)")),
    ("contributing", gettext_lazy("Contributing units (codes)")),
    ("programme", gettext_lazy("Programme")),
    ("budget", gettext_lazy("Budget (Rp)")),
]
REQUIRED = {"sasaran", "name", "unit_of_measure", "target"}
POLARITY_WORDS = {
    Polarity.HIGHER: {"higher", "tinggi", "naik", "semakin tinggi semakin baik", "maksimal"},
    Polarity.LOWER: {"lower", "rendah", "turun", "semakin rendah semakin baik", "minimal"},
    Polarity.RANGE: {"range", "rentang"},
}
AGGREGATION_WORDS = {
    Aggregation.SUM: {"sum", "jumlah", "kumulatif", "cumulative"},
    Aggregation.LAST: {"last", "terakhir", "akhir", "latest"},
    Aggregation.AVERAGE: {"average", "rata-rata", "rerata", "mean"},
}
FIELD_TO_COLUMN = {
    "quarterly_targets": "q1",
    "responsible_position": "responsible",
    "contributing_units": "contributing",
}


@dataclass
class RowError:
    row: int
    column: str
    message: str


class ImportFailed(Exception):
    """Some rows are wrong: nothing was imported."""

    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} problem(s)")
        self.errors = errors


def _normal(text) -> str:
    return re.sub(r"\s+", " ", str(text or "")).strip().lower()


def header_map() -> dict[str, str]:
    """Header text (any language, or the key itself) → column key."""
    known = {}
    for language in ("id", "en"):
        with translation.override(language):
            for key, label in COLUMNS:
                known[_normal(str(label))] = key
    for key, _label in COLUMNS:
        known[key] = key
    # The quarters as Indonesian tables name them: "Target Tw 1", "Target TW I",
    # "Target Triwulan 1", "TW1", "Q1".
    for number, roman in enumerate(("i", "ii", "iii", "iv"), start=1):
        for quarter in (
            f"tw {number}",
            f"tw{number}",
            f"tw {roman}",
            f"triwulan {number}",
            f"triwulan {roman}",
            f"q{number}",
            f"q {number}",
        ):
            known[quarter] = known[f"target {quarter}"] = f"q{number}"
    return known


# Columns that are not data: a row number ("No.") is kept by many tables.
IGNORED_HEADERS = {"", "no", "no.", "nomor", "#"}


EXAMPLE_ROW = [
    "Meningkatnya derajat kesehatan masyarakat",
    "Persentase ibu hamil mendapat pelayanan kesehatan sesuai standar",
    "%",
    88.5,
    95,
    None,
    80,
    85,
    90,
    95,
    "higher",
    "last",
    None,  # the deadline: the end of the current year
    "",
    "",
    "Program Pemenuhan Upaya Kesehatan Perorangan",
    1250000000,
]


def _workbook(rows: list[list]):
    """A workbook whose first sheet has the headers (current language) and these rows:
    the layout the import reads."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = _("Targets")
    ws.append([str(label) for _key, label in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    for column in ws.columns:
        ws.column_dimensions[column[0].column_letter].width = 22
    return wb


def _save(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def template_bytes() -> bytes:
    """The headers (current language) on the first sheet, which is imported; a filled-in
    example on a second sheet, which is not (an example in the first sheet was once
    imported as a real indicator)."""
    from openpyxl.styles import Font

    wb = _workbook([])
    example = wb.create_sheet(_("Example (not imported)"))
    example.append([_("Example only: the import reads the first sheet and skips this one.")])
    example["A1"].font = Font(italic=True)
    example.append([str(label) for _key, label in COLUMNS])
    for cell in example[2]:
        cell.font = Font(bold=True)
    row = list(EXAMPLE_ROW)
    row[12] = datetime.date(timezone.localdate().year, 12, 31)
    example.append(row)
    for column in example.iter_cols(min_row=2):
        example.column_dimensions[column[0].column_letter].width = 22
    return _save(wb)


def export_bytes(version) -> bytes:
    """A version's indicators in the template's layout: importing the file into a draft
    gives the same indicators (positions and units by their codes of today)."""
    terms = version.indicator_terms.select_related(
        "indicator", "responsible_position"
    ).prefetch_related("contributions__unit")
    rows = []
    for t in terms.order_by("order"):
        rows.append(
            [
                t.sasaran,
                t.name,
                t.unit_of_measure,
                t.baseline,
                t.target,
                t.target_high,
                t.q1,
                t.q2,
                t.q3,
                t.q4,
                t.polarity,
                t.aggregation,
                t.deadline,
                t.responsible_position.code if t.responsible_position else "",
                ", ".join(c.unit.code for c in t.contributions.all()),
                t.programme,
                t.budget,
            ]
        )
    return _save(_workbook(rows))


def parse_number(value) -> Decimal | str | None:
    """A cell as a number; Indonesian text such as "1.250.000,50" is understood."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = str(value).strip().replace(" ", "").replace("%", "")
    if "," in text and "." in text:
        text = (
            text.replace(".", "").replace(",", ".")
            if text.rfind(",") > text.rfind(".")
            else text.replace(",", "")
        )
    elif "," in text:
        text = text.replace(",", ".")
    elif text.count(".") > 1:
        text = text.replace(".", "")
    return text


def parse_date(value):
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return text  # the service reports it as not a date


def _word(value, table: dict, default: str) -> str:
    text = _normal(value)
    if not text:
        return default
    for key, words in table.items():
        if text == key or text in words:
            return key
    return text  # unknown: the service names it


def read_rows(file) -> list[tuple[int, dict]]:
    """(row number, raw values by column key) of every non-empty row."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    if getattr(file, "size", 0) > MAX_BYTES:
        raise ValidationError(_("The file is larger than 5 MB."))
    try:
        wb = load_workbook(file, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise ValidationError(_("This is not an Excel workbook (.xlsx).")) from None
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    if not header:
        raise ValidationError(_("The sheet is empty."))
    known = header_map()
    keys = [known.get(_normal(h)) for h in header]
    unknown = [
        str(h).strip()
        for h, key in zip(header, keys, strict=True)
        if key is None and _normal(h) not in IGNORED_HEADERS
    ]
    if unknown:
        # A column the import does not know would be dropped without a word (a
        # quarterly target under a name of one's own): say so, and import nothing.
        raise ValidationError(
            _(
                "Columns not recognised: %(columns)s. Name them as in the template "
                "(%(expected)s) or remove them."
            )
            % {
                "columns": ", ".join(f"“{h}”" for h in unknown),
                "expected": ", ".join(str(label) for _key, label in COLUMNS),
            }
        )
    missing = [str(label) for key, label in COLUMNS if key in REQUIRED and key not in keys]
    if missing:
        raise ValidationError(
            _("Columns missing from the first row: %(columns)s. Use the template.")
            % {"columns": ", ".join(missing)}
        )
    out = []
    for number, values in enumerate(rows, start=2):
        if values is None or all(v is None or str(v).strip() == "" for v in values):
            continue
        if len(out) >= MAX_ROWS:
            raise ValidationError(
                _("At most %(n)s rows can be imported at once.") % {"n": MAX_ROWS}
            )
        out.append((number, {k: v for k, v in zip(keys, values, strict=False) if k}))
    wb.close()
    if not out:
        raise ValidationError(_("The sheet has no rows below the headers."))
    return out


def _spec(raw: dict, regency_id: int, errors: list[RowError], number: int, labels) -> dict:
    responsible = None
    code = str(raw.get("responsible") or "").strip()
    if code:
        responsible = Position.objects.filter(regency_id=regency_id, code=code).first()
        if responsible is None:
            errors.append(
                RowError(
                    number,
                    labels["responsible"],
                    _("Unknown position code %(code)s.") % {"code": code},
                )
            )
    units = []
    for code in re.split(r"[,;\n]+", str(raw.get("contributing") or "")):
        code = code.strip()
        if not code:
            continue
        unit = Unit.objects.filter(regency_id=regency_id, code=code).first()
        if unit is None:
            errors.append(
                RowError(
                    number,
                    labels["contributing"],
                    _("Unknown unit code %(code)s.") % {"code": code},
                )
            )
        else:
            units.append(unit)
    return {
        "sasaran": raw.get("sasaran"),
        "name": raw.get("name"),
        "unit_of_measure": raw.get("unit_of_measure"),
        "baseline": parse_number(raw.get("baseline")),
        "target": parse_number(raw.get("target")),
        "target_high": parse_number(raw.get("target_high")),
        "quarterly_targets": [parse_number(raw.get(q)) for q in ("q1", "q2", "q3", "q4")],
        "polarity": _word(raw.get("polarity"), POLARITY_WORDS, Polarity.HIGHER),
        "aggregation": _word(raw.get("aggregation"), AGGREGATION_WORDS, Aggregation.LAST),
        "deadline": parse_date(raw.get("deadline")),
        "responsible_position": responsible,
        "contributing_units": units,
        "programme": raw.get("programme") or "",
        "budget": parse_number(raw.get("budget")),
    }


def check_rows(*, agreement, file) -> tuple[list[dict], list[RowError]]:
    """Every row as an indicator specification, and every problem found (row, column,
    message)."""
    version = services.draft_version(agreement)
    period = (version.period_start, version.period_end)
    labels = {key: str(label) for key, label in COLUMNS}
    specs, errors = [], []
    for number, raw in read_rows(file):
        spec = _spec(raw, agreement.regency_id, errors, number, labels)
        try:
            services.clean_indicator(spec, regency_id=agreement.regency_id, period=period)
            specs.append(spec)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                column = labels.get(FIELD_TO_COLUMN.get(field, field), field)
                errors.extend(RowError(number, column, m) for m in messages)
    return specs, errors


@transaction.atomic
def import_targets(*, agreement, file, actor, replace: bool = False) -> int:
    """Add (or, with ``replace``, substitute) the draft's indicators from a workbook: all
    rows or none. Raises ImportFailed with every row-level problem."""
    specs, errors = check_rows(agreement=agreement, file=file)
    if errors:
        raise ImportFailed(errors)
    if replace:
        version = services.draft_version(agreement)
        for indicator in Indicator.objects.filter(
            pk__in=version.indicator_terms.values("indicator_id")
        ):
            services.remove_indicator(agreement=agreement, indicator=indicator, actor=actor)
    for spec in specs:
        services.add_indicator(agreement=agreement, actor=actor, spec=spec)
    return len(specs)

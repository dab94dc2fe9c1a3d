"""The organisation workbook (Excel .xlsx): its sheets and columns, reading and writing it.

One format serves the template, the export and the import, so an exported workbook can be
imported again unchanged (round trip). Sheet names and headers are written in the user's
language and read in Bahasa Indonesia or English; unit kinds and position levels are
written as language-neutral codes (their labels in either language are read too).
The checks against the database and the import itself live in ``imports.py`` and
``services.import_organisation``; docs/org.md describes the format for users.
"""

from __future__ import annotations

import datetime
import decimal
import io
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from superteam.org.models import (
    WEEKDAYS,
    AssignmentKind,
    PositionLevel,
    UnitKind,
    validate_service_hours,
)

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # an export of a 50,000-person regency is ~4 MB
MAX_UNPACKED_BYTES = 250 * 1024 * 1024  # a zip bomb is refused before it is opened
MAX_ROWS_PER_SHEET = 200_000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LANGUAGES = ("id", "en")


class CellError(ValueError):
    """A cell's value cannot be read; the message is shown to the user (translated)."""


class WorkbookRejected(ValueError):
    """The upload is not a readable .xlsx workbook (translated message)."""


# --- Reading single values -----------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value).strip()


def _folded(text: str) -> str:
    """Compare words loosely: case, spaces, asterisks and punctuation do not matter."""
    return re.sub(r"[^0-9a-z]+", " ", text.lower().replace("*", "")).strip()


YES = {"ya", "y", "yes", "true", "1", "benar", "x", "✓"}
NO = {"tidak", "t", "no", "n", "false", "0", "salah", "bukan", "-"}


def read_bool(value: Any, default: bool) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    word = _folded(_text(value)) or _text(value)
    if word in YES:
        return True
    if word in NO:
        return False
    raise CellError(_("Write yes or no (ya or tidak)."))


def write_bool(value: bool) -> str:
    return _("yes") if value else _("no")


def read_int(value: Any, default: int = 0) -> int:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        raise CellError(_("Write a whole number."))
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = _text(value)
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    raise CellError(_("Write a whole number."))


def read_decimal(value: Any, low: int, high: int) -> decimal.Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise CellError(_("Write a number."))
    text = _text(value) if not isinstance(value, int | float) else repr(value)
    # Indonesian spreadsheets write a decimal comma: -8,2191.
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        number = decimal.Decimal(text)
    except decimal.InvalidOperation:
        raise CellError(_("Write a number, e.g. -8.2191.")) from None
    if not number.is_finite() or not low <= number <= high:
        raise CellError(
            _("Write a number between %(low)s and %(high)s.") % {"low": low, "high": high}
        )
    return number.quantize(decimal.Decimal("0.000001"), rounding=decimal.ROUND_HALF_UP)


DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")


def read_date(value: Any) -> datetime.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise CellError(_("Write a date as YYYY-MM-DD or DD/MM/YYYY, e.g. 2026-01-02."))


def read_nip(value: Any) -> str:
    """A NIP is 18 digits. Spreadsheets turn long numbers into floats and lose digits."""
    if value is None or value == "":
        return ""
    if isinstance(value, float):
        raise CellError(
            _(
                "The NIP was stored as a number and lost its last digits; "
                "format the column as text and type it again."
            )
        )
    text = re.sub(r"[\s.-]", "", _text(value))
    if not re.fullmatch(r"\d{18}", text):
        raise CellError(_("A NIP has exactly 18 digits."))
    return text


def read_email(value: Any) -> str:
    text = _text(value)
    if text:
        try:
            validate_email(text)
        except ValidationError:
            raise CellError(_("This is not an email address.")) from None
    return text


def read_phone(value: Any) -> str:
    text = _text(value)
    if text and not re.fullmatch(r"\+?[\d\s().-]{6,30}", text):
        raise CellError(_("Write a phone number with digits, e.g. +62 812 3456 7890."))
    return text


def _choice_reader(choices: type, aliases: dict[str, str] | None = None) -> Callable:
    """Accept a code or its label in either language (and a few common words)."""
    table: dict[str, str] = {}

    def build() -> dict[str, str]:
        if not table:
            for code, label in choices.choices:
                table[_folded(code)] = code
                for language in LANGUAGES:
                    with translation.override(language):
                        table[_folded(str(label))] = code
            for word, code in (aliases or {}).items():
                table[_folded(word)] = code
        return table

    def read(value: Any) -> str:
        text = _text(value)
        code = build().get(_folded(text))
        if code is None:
            raise CellError(
                _("Unknown value %(value)s; use one of: %(allowed)s.")
                % {"value": text, "allowed": ", ".join(c for c, _label in choices.choices)}
            )
        return code

    return read


read_unit_kind = _choice_reader(UnitKind)
read_level = _choice_reader(
    PositionLevel, {"bupati": "regent", "wakil bupati": "vice_regent", "kepala": "head"}
)
read_assignment_kind = _choice_reader(
    AssignmentKind,
    {
        "definitif": "definitive",
        "plt": "plt",
        "acting": "plt",
        "pelaksana tugas": "plt",
        "plh": "plt",
    },
)


def read_language(value: Any) -> str:
    word = _folded(_text(value))
    if not word:
        return "id"
    if word in {"id", "indonesia", "bahasa indonesia", "indonesian", "ind"}:
        return "id"
    if word in {"en", "english", "inggris", "bahasa inggris", "eng"}:
        return "en"
    raise CellError(_("Write id (Bahasa Indonesia) or en (English)."))


# --- Service hours as text ------------------------------------------------------------------

DAY_WORDS = {
    "en": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
    "id": ["sen", "sel", "rab", "kam", "jum", "sab", "min"],
}
ROUND_THE_CLOCK_WORDS = {"24h", "24 h", "24 jam", "24jam", "24 hours", "24/7"}


def _day_index(word: str) -> int:
    word = word.strip().lower().replace("'", "")[:3]
    for names in DAY_WORDS.values():
        if word in names:
            return names.index(word)
    raise CellError(_("Unknown day %(day)s; use mon…sun or sen…min.") % {"day": word})


def _time(text: str) -> str:
    match = re.fullmatch(r"(\d{1,2})[:.](\d{2})", text.strip())
    if not match:
        raise CellError(_("Write times as HH:MM, e.g. 07:30."))
    return f"{int(match[1]):02d}:{match[2]}"


def read_service_hours(value: Any) -> dict | str:
    """``mon-thu 07:30-15:30; fri 07:30-14:30``, ``sen-jum 07:00-12:00, 13:00-16:00`` or ``24h``."""
    text = _text(value).lower().replace("–", "-").replace("—", "-")
    if not text:
        return {}
    if text in ROUND_THE_CLOCK_WORDS:
        return "24h"
    hours: dict[str, list[list[str]]] = {}
    for group in filter(None, (g.strip() for g in text.split(";"))):
        match = re.match(r"([^\d]+)(.*)$", group)
        if not match or not match[2].strip():
            raise CellError(
                _("Write the days, then the hours, e.g. mon-thu 07:30-15:30; fri 07:30-14:30.")
            )
        days: list[int] = []
        for part in re.split(r"[,\s/]+", match[1].strip()):
            if not part:
                continue
            if "-" in part:
                first, last = (_day_index(p) for p in part.split("-", 1))
                if last < first:
                    raise CellError(_("A range of days runs forward, e.g. mon-fri."))
                days += range(first, last + 1)
            else:
                days.append(_day_index(part))
        spans = []
        for span in re.split(r"[,\s]+(?=\d)", match[2].strip()):
            parts = span.replace(" ", "").split("-")
            if len(parts) != 2:
                raise CellError(_("Write each opening time as from-until, e.g. 07:30-15:30."))
            spans.append([_time(parts[0]), _time(parts[1])])
        for day in days:
            hours.setdefault(WEEKDAYS[day], []).extend([list(s) for s in spans])
    try:
        validate_service_hours(hours)
    except ValidationError as exc:
        raise CellError(" ".join(exc.messages)) from None
    return hours


def write_service_hours(hours: dict | str | None, language: str) -> str:
    """The inverse of :func:`read_service_hours`; consecutive days with equal hours merge."""
    if hours == "24h":
        return "24 jam" if language == "id" else "24h"
    if not hours:
        return ""
    names = DAY_WORDS["id" if language == "id" else "en"]
    groups: list[tuple[int, int, list]] = []
    for i, day in enumerate(WEEKDAYS):
        spans = hours.get(day) or []
        if not spans:
            continue
        if groups and groups[-1][1] == i - 1 and groups[-1][2] == spans:
            groups[-1] = (groups[-1][0], i, spans)
        else:
            groups.append((i, i, spans))
    parts = []
    for first, last, spans in groups:
        days = names[first] if first == last else f"{names[first]}-{names[last]}"
        parts.append(days + " " + ", ".join(f"{a}-{b}" for a, b in spans))
    return "; ".join(parts)


# --- The format ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its key, header (translated), how a cell is read and checked."""

    key: str
    label: Promise
    help: Promise
    required: bool = False
    max_length: int | None = None
    width: int = 16
    choices: Callable[[], list[str]] | None = None  # the template's drop-down list
    text_format: bool = False  # typed as text in Excel (NIPs)

    def header(self) -> str:
        return f"{self.label} *" if self.required else str(self.label)


@dataclass(frozen=True)
class Sheet:
    key: str
    title: Promise
    columns: tuple[Column, ...]
    help: Promise

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


def _yes_no() -> list[str]:
    return [str(_("yes")), str(_("no"))]


def _codes(choices) -> Callable[[], list[str]]:
    return lambda: [code for code, _label in choices.choices]


UNITS = Sheet(
    "units",
    pgettext_lazy("workbook sheet", "Units"),
    (
        Column(
            "code",
            pgettext_lazy("workbook", "Code"),
            gettext_lazy("Short code, unique in the regency, e.g. DINKES or KEC-GENTENG."),
            required=True,
            max_length=40,
            width=22,
        ),
        Column(
            "parent",
            pgettext_lazy("workbook", "Parent code"),
            gettext_lazy(
                "Code of the unit above it (in this sheet or already in SuperTeam); "
                "empty only for the regency itself."
            ),
            max_length=40,
            width=22,
        ),
        Column(
            "kind",
            pgettext_lazy("workbook", "Kind"),
            gettext_lazy("A kind code from the list in the instructions, e.g. dinas, puskesmas."),
            required=True,
            width=14,
            choices=_codes(UnitKind),
        ),
        Column(
            "name", pgettext_lazy("workbook", "Name"), gettext_lazy("Full name."), True, 200, 40
        ),
        Column(
            "short_name",
            pgettext_lazy("workbook", "Short name"),
            gettext_lazy("Optional."),
            False,
            60,
            20,
        ),
        Column(
            "latitude",
            pgettext_lazy("workbook", "Latitude"),
            gettext_lazy("Decimal degrees, e.g. -8.2191 (south is negative)."),
            width=12,
        ),
        Column(
            "longitude",
            pgettext_lazy("workbook", "Longitude"),
            gettext_lazy("Decimal degrees, e.g. 114.3691."),
            width=12,
        ),
        Column(
            "address",
            pgettext_lazy("workbook", "Address"),
            gettext_lazy("Optional."),
            False,
            255,
            30,
        ),
        Column(
            "email", pgettext_lazy("workbook", "Email"), gettext_lazy("Optional."), False, 254, 24
        ),
        Column(
            "frontline",
            pgettext_lazy("workbook", "Frontline"),
            gettext_lazy("yes if the unit serves the public in person (keeps staff on duty)."),
            width=12,
            choices=_yes_no,
        ),
        Column(
            "service_hours",
            pgettext_lazy("workbook", "Service hours"),
            gettext_lazy(
                "Days and hours, e.g. mon-thu 07:30-15:30; fri 07:30-14:30 "
                "(or sen-kam …), or 24h for round-the-clock units."
            ),
            width=34,
        ),
        Column(
            "order",
            pgettext_lazy("workbook", "Order"),
            gettext_lazy("A number to sort by."),
            width=8,
        ),
        Column(
            "active",
            pgettext_lazy("workbook", "Active"),
            gettext_lazy("no for a unit that no longer exists (empty means yes)."),
            width=8,
            choices=_yes_no,
        ),
    ),
    gettext_lazy("One row per unit, from the regency down to sections, villages and pustu."),
)

POSITIONS = Sheet(
    "positions",
    pgettext_lazy("workbook sheet", "Positions"),
    (
        Column(
            "code",
            pgettext_lazy("workbook", "Code"),
            gettext_lazy("Unique in the regency, e.g. DINKES-HEAD."),
            required=True,
            max_length=60,
            width=24,
        ),
        Column(
            "unit",
            pgettext_lazy("workbook", "Unit code"),
            gettext_lazy("Code of the unit the position belongs to."),
            required=True,
            max_length=40,
            width=22,
        ),
        Column(
            "title",
            pgettext_lazy("workbook", "Title"),
            gettext_lazy("Name of the position."),
            True,
            200,
            40,
        ),
        Column(
            "level",
            pgettext_lazy("workbook", "Level"),
            gettext_lazy("A level code from the list in the instructions, e.g. head, kabid."),
            required=True,
            width=12,
            choices=_codes(PositionLevel),
        ),
        Column(
            "is_admin",
            pgettext_lazy("workbook", "Admin"),
            gettext_lazy("yes if holders administer SuperTeam."),
            width=8,
            choices=_yes_no,
        ),
        Column(
            "is_verifier",
            pgettext_lazy("workbook", "Verifier"),
            gettext_lazy("yes if holders verify evidence, reports and scores."),
            width=10,
            choices=_yes_no,
        ),
        Column(
            "order",
            pgettext_lazy("workbook", "Order"),
            gettext_lazy("A number to sort by."),
            width=8,
        ),
        Column(
            "active",
            pgettext_lazy("workbook", "Active"),
            gettext_lazy("no for a position that was abolished (empty means yes)."),
            width=8,
            choices=_yes_no,
        ),
    ),
    gettext_lazy("One row per position (jabatan) in a unit."),
)

PEOPLE = Sheet(
    "people",
    pgettext_lazy("workbook sheet", "People"),
    (
        Column(
            "nip",
            pgettext_lazy("workbook", "NIP"),
            gettext_lazy("18 digits, typed as text. Empty only for people without a NIP."),
            width=22,
            text_format=True,
        ),
        Column(
            "username",
            pgettext_lazy("workbook", "Username"),
            gettext_lazy("For signing in; empty means the NIP."),
            max_length=150,
            width=22,
        ),
        Column(
            "full_name",
            pgettext_lazy("workbook", "Full name"),
            gettext_lazy("With titles."),
            True,
            200,
            32,
        ),
        Column(
            "email", pgettext_lazy("workbook", "Email"), gettext_lazy("Optional."), False, 254, 28
        ),
        Column(
            "phone", pgettext_lazy("workbook", "Phone"), gettext_lazy("Optional."), False, 30, 16
        ),
        Column(
            "language",
            pgettext_lazy("workbook", "Language"),
            gettext_lazy("id or en; empty means id."),
            width=10,
            choices=lambda: ["id", "en"],
        ),
        Column(
            "active",
            pgettext_lazy("workbook", "Active"),
            gettext_lazy("no for someone who may no longer sign in (empty means yes)."),
            width=8,
            choices=_yes_no,
        ),
    ),
    gettext_lazy("One row per person; new people sign in after an admin sets their password."),
)

ASSIGNMENTS = Sheet(
    "assignments",
    pgettext_lazy("workbook sheet", "Assignments"),
    (
        Column(
            "person",
            pgettext_lazy("workbook", "Person (NIP or username)"),
            gettext_lazy("The NIP, or the username of someone without a NIP."),
            required=True,
            max_length=150,
            width=24,
            text_format=True,
        ),
        Column(
            "position",
            pgettext_lazy("workbook", "Position code"),
            gettext_lazy("Code of the position held."),
            required=True,
            max_length=60,
            width=24,
        ),
        Column(
            "kind",
            pgettext_lazy("workbook", "Kind"),
            gettext_lazy("definitive or plt (acting); empty means definitive."),
            width=12,
            choices=_codes(AssignmentKind),
        ),
        Column(
            "start",
            pgettext_lazy("workbook", "From"),
            gettext_lazy("A date, e.g. 2026-01-02."),
            required=True,
            width=12,
        ),
        Column(
            "end",
            pgettext_lazy("workbook", "Until"),
            gettext_lazy("A date; empty while the person still holds the position."),
            width=12,
        ),
        Column(
            "decree",
            pgettext_lazy("workbook", "Decree (SK)"),
            gettext_lazy("Optional."),
            False,
            120,
            30,
        ),
    ),
    gettext_lazy(
        "Who holds which position from when until when. Rows are never deleted by an "
        "import: to end an assignment, fill in its end date."
    ),
)

SHEETS = (UNITS, POSITIONS, PEOPLE, ASSIGNMENTS)
INSTRUCTIONS_TITLE = pgettext_lazy("workbook sheet", "Instructions")


def _read_required_text(value: Any) -> str:
    return _text(value)


def read_person_key(value: Any) -> str:
    """A NIP or a username; a NIP typed as a number has lost its last digits."""
    if isinstance(value, float) and abs(value) >= 1e15:
        return read_nip(value)
    return _text(value)


READERS: dict[tuple[str, str], Callable[[Any], Any]] = {
    ("units", "kind"): read_unit_kind,
    ("units", "latitude"): lambda v: read_decimal(v, -90, 90),
    ("units", "longitude"): lambda v: read_decimal(v, -180, 180),
    ("units", "email"): read_email,
    ("units", "frontline"): lambda v: read_bool(v, False),
    ("units", "service_hours"): read_service_hours,
    ("units", "order"): read_int,
    ("units", "active"): lambda v: read_bool(v, True),
    ("positions", "level"): read_level,
    ("positions", "is_admin"): lambda v: read_bool(v, False),
    ("positions", "is_verifier"): lambda v: read_bool(v, False),
    ("positions", "order"): read_int,
    ("positions", "active"): lambda v: read_bool(v, True),
    ("people", "nip"): read_nip,
    ("people", "email"): read_email,
    ("people", "phone"): read_phone,
    ("people", "language"): read_language,
    ("people", "active"): lambda v: read_bool(v, True),
    ("assignments", "person"): read_person_key,
    ("assignments", "kind"): lambda v: read_assignment_kind(v) if _text(v) else "definitive",
    ("assignments", "start"): read_date,
    ("assignments", "end"): read_date,
}


def _names_in_all_languages(label: Promise) -> set[str]:
    names = set()
    for language in LANGUAGES:
        with translation.override(language):
            names.add(_folded(str(label)))
    return names


def sheet_for_title(title: str) -> Sheet | None:
    folded = _folded(title)
    for sheet in SHEETS:
        if folded in _names_in_all_languages(sheet.title) | {sheet.key}:
            return sheet
    return None


def column_for_header(sheet: Sheet, header: str) -> Column | None:
    folded = _folded(header)
    if not folded:
        return None
    for column in sheet.columns:
        if folded in _names_in_all_languages(column.label) | {_folded(column.key)}:
            return column
    return None


# --- Reading a workbook ---------------------------------------------------------------------


@dataclass
class Problem:
    """A bad row (or header) of the workbook: where it is and what is wrong."""

    sheet: str  # the sheet key
    row: int
    column: str
    message: str

    @property
    def sheet_title(self) -> str:
        return next((str(s.title) for s in SHEETS if s.key == self.sheet), self.sheet)


@dataclass
class Row:
    """One data row as read and typed: its Excel row number and values by column key."""

    number: int
    values: dict[str, Any]


@dataclass
class ReadWorkbook:
    """What a workbook holds: rows per sheet key, the problems found while reading."""

    rows: dict[str, list[Row]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    missing_sheets: list[str] = field(default_factory=list)
    # The columns each sheet has: an absent column changes nothing in existing rows.
    columns: dict[str, set[str]] = field(default_factory=dict)


def check_upload(upload) -> bytes:
    """The bytes of an uploaded .xlsx, checked by content and size (not by its name)."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise WorkbookRejected(
            _("The file is too large (at most %(mb)s MB).") % {"mb": MAX_UPLOAD_BYTES // 2**20}
        )
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise WorkbookRejected(
            _("The file is too large (at most %(mb)s MB).") % {"mb": MAX_UPLOAD_BYTES // 2**20}
        )
    check_xlsx_bytes(data)
    return data


def check_xlsx_bytes(data: bytes) -> None:
    not_xlsx = WorkbookRejected(
        _(
            "This file is not an Excel workbook (.xlsx). Save it from your spreadsheet as "
            "“Excel Workbook (.xlsx)”, without a password, and upload it again."
        )
    )
    if not data.startswith(b"PK\x03\x04"):
        raise not_xlsx
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise not_xlsx from None
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise not_xlsx
    if unpacked > MAX_UNPACKED_BYTES:
        raise WorkbookRejected(_("The workbook unpacks to too much data to be read safely."))


def read_workbook(data: bytes) -> ReadWorkbook:
    """Read and type every row of the four sheets; problems are collected, not raised."""
    from openpyxl import load_workbook

    check_xlsx_bytes(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on malformed files
        raise WorkbookRejected(
            _("The workbook could not be read. Save it again as “Excel Workbook (.xlsx)”.")
        ) from None
    result = ReadWorkbook()
    try:
        found: dict[str, Any] = {}
        for ws in book.worksheets:
            sheet = sheet_for_title(ws.title)
            if sheet is not None and sheet.key not in found:
                found[sheet.key] = ws
        if not found:
            raise WorkbookRejected(
                _("The workbook has none of the sheets %(sheets)s. Start from the template.")
                % {"sheets": ", ".join(str(s.title) for s in SHEETS)}
            )
        for sheet in SHEETS:
            ws = found.get(sheet.key)
            if ws is None:
                result.missing_sheets.append(sheet.key)
                result.rows[sheet.key] = []
                continue
            result.rows[sheet.key], result.columns[sheet.key] = _read_sheet(
                sheet, ws, result.problems
            )
    finally:
        book.close()
    return result


def _read_sheet(sheet: Sheet, ws, problems: list[Problem]) -> tuple[list[Row], set[str]]:
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None) or ()
    positions: dict[int, Column] = {}
    for index, cell in enumerate(header):
        column = column_for_header(sheet, _text(cell))
        if column is None:
            continue  # extra columns (notes...) are allowed and ignored
        if column in positions.values():
            problems.append(
                Problem(
                    sheet.key,
                    1,
                    str(column.label),
                    _("This column appears twice."),
                )
            )
            continue
        positions[index] = column
    missing = [c for c in sheet.columns if c.required and c not in positions.values()]
    for column in missing:
        problems.append(
            Problem(
                sheet.key,
                1,
                str(column.label),
                _("The required column “%(column)s” is missing from the first row.")
                % {"column": column.label},
            )
        )
    present = {c.key for c in positions.values()}
    if missing:
        return [], present
    read: list[Row] = []
    for number, cells in enumerate(rows, start=2):
        if not any(c is not None and _text(c) != "" for c in cells):
            continue
        if len(read) >= MAX_ROWS_PER_SHEET:
            problems.append(
                Problem(
                    sheet.key,
                    number,
                    "",
                    _("Too many rows: at most %(n)s per sheet.") % {"n": MAX_ROWS_PER_SHEET},
                )
            )
            break
        values: dict[str, Any] = {}
        for index, column in positions.items():
            raw = cells[index] if index < len(cells) else None
            try:
                value = _read_cell(sheet, column, raw)
            except CellError as exc:
                problems.append(Problem(sheet.key, number, str(column.label), str(exc)))
                values[column.key] = None
                continue
            values[column.key] = value
        for column in sheet.columns:
            if column.key not in values:
                values[column.key] = _read_cell(sheet, column, None)
        read.append(Row(number, values))
    return read, present


def _read_cell(sheet: Sheet, column: Column, raw: Any) -> Any:
    if column.required and _text(raw) == "":
        raise CellError(_("This column must be filled in."))
    reader = READERS.get((sheet.key, column.key), _read_required_text)
    value = reader(raw)
    if column.max_length and isinstance(value, str) and len(value) > column.max_length:
        raise CellError(
            _("Too long: at most %(n)s characters.") % {"n": column.max_length},
        )
    return value


# --- Writing a workbook ---------------------------------------------------------------------


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def write_workbook(rows: dict[str, Iterable[list]], *, language: str) -> bytes:
    """The workbook in the given language: instructions first, then the four sheets."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    with translation.override(language):
        book = Workbook(write_only=True)
        _write_instructions(book)
        bold = Font(bold=True, color="FFFFFF")
        fill = PatternFill("solid", fgColor="0B5D50")
        for sheet in SHEETS:
            ws = book.create_sheet(str(sheet.title))
            ws.freeze_panes = "A2"
            for i, column in enumerate(sheet.columns, start=1):
                letter = _column_letter(i)
                ws.column_dimensions[letter].width = column.width
                if column.choices:
                    allowed = ",".join(column.choices())
                    dv = DataValidation(
                        type="list",
                        formula1=f'"{allowed}"',
                        allow_blank=True,
                        showErrorMessage=True,
                        errorStyle="warning",
                    )
                    dv.add(f"{letter}2:{letter}{MAX_ROWS_PER_SHEET}")
                    ws.data_validations.append(dv)
            header = []
            for column in sheet.columns:
                cell = WriteOnlyCell(ws, value=column.header())
                cell.font, cell.fill = bold, fill
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                cell.comment = Comment(str(column.help), "SuperTeam", width=300, height=90)
                header.append(cell)
            ws.append(header)
            text_columns = [i for i, c in enumerate(sheet.columns) if c.text_format]
            for values in rows.get(sheet.key, ()):
                if text_columns:
                    values = list(values)
                    for i in text_columns:
                        cell = WriteOnlyCell(ws, value=values[i])
                        cell.number_format = "@"
                        values[i] = cell
                ws.append(values)
        out = io.BytesIO()
        book.save(out)
    return out.getvalue()


def _write_instructions(book) -> None:
    from openpyxl.styles import Font

    ws = book.create_sheet(str(INSTRUCTIONS_TITLE))
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 12
    ws.column_dimensions["C"].width = 90
    from openpyxl.cell import WriteOnlyCell

    def heading(text: str, size: int = 12) -> list:
        cell = WriteOnlyCell(ws, value=text)
        cell.font = Font(bold=True, size=size)
        return [cell]

    ws.append(heading(_("SuperTeam: the organisation workbook"), 14))
    for line in (
        _(
            "Fill in the sheets Units, Positions, People and Assignments (their names and "
            "headers may be in Bahasa Indonesia or English), then upload the workbook on the "
            "Import and export page."
        ),
        _(
            "Rows are matched by code (units, positions), by NIP or username (people) and by "
            "person, position and start date (assignments): an existing row is updated, a new "
            "one is added, and nothing is ever deleted. Importing the same workbook twice "
            "changes nothing the second time."
        ),
        _(
            "Every row is checked first. If any row is wrong, nothing is imported and each "
            "problem is listed with its sheet, row number and reason."
        ),
        _("Columns marked * must be filled in. Yes/no columns take yes or no (ya or tidak)."),
        _("Type NIPs as text (format the column as Text, or start with an apostrophe)."),
    ):
        ws.append([line])
    for sheet in SHEETS:
        ws.append([])
        ws.append(heading(f"{sheet.title}: {sheet.help}"))
        ws.append(
            [
                _("Column"),
                _("Required"),
                _("What to write"),
            ]
        )
        for column in sheet.columns:
            ws.append([str(column.label), _("yes") if column.required else "", str(column.help)])
    ws.append([])
    ws.append(heading(_("Kinds of unit")))
    for code, label in UnitKind.choices:
        ws.append([code, "", str(label)])
    ws.append([])
    ws.append(heading(_("Levels of position")))
    for code, label in PositionLevel.choices:
        ws.append([code, "", str(label)])
    ws.append([])
    ws.append(heading(_("Kinds of assignment")))
    for code, label in AssignmentKind.choices:
        ws.append([code, "", str(label)])
    ws.append([])
    ws.append(heading(_("Service hours")))
    ws.append(
        [
            "mon-thu 07:30-15:30; fri 07:30-14:30",
            "",
            _("Monday to Thursday 07:30–15:30, Friday 07:30–14:30."),
        ]
    )
    ws.append(["sen-jum 07:00-12:00, 13:00-16:00", "", _("Two opening times a day.")])
    ws.append(["24h / 24 jam", "", _("Open around the clock.")])

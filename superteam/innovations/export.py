"""A unit's innovations and evidence as one workbook, in the shape the national innovation
index submission asks for (profile, innovations, innovation indicators, institution
indicators), so nobody types the same data twice."""

from __future__ import annotations

import io

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from superteam.innovations.models import Evidence, EvidenceStatus, Innovation
from superteam.org.models import Unit
from superteam.scoring import services as scoring
from superteam.scoring.families import family_of
from superteam.scoring.models import Side, UnitScore

HEADER_FILL = PatternFill("solid", fgColor="0B5D50")
HEADER_FONT = Font(bold=True, color="FFFFFF")


def _sheet(wb: Workbook, title: str, headers: list[str], rows: list[list], widths: list[int]):
    ws = wb.create_sheet(title[:31])
    ws.append(headers)
    for cell in ws[1]:
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        ws.append(row)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    return ws


def _evidence_ref(ev: Evidence) -> str:
    if ev.link:
        return ev.link
    return settings.SITE_URL + reverse("innovations:evidence_file", args=[ev.pk])


def export_workbook(*, unit: Unit) -> bytes:
    """The workbook as bytes (innovations owned by the unit or counting for it)."""
    model = scoring.current_model(regency=unit.regency)
    indicators = {i.code: i for i in model.indicators.all()}
    innovations = list(
        Innovation.objects.filter(Q(owner_unit=unit) | Q(scoring_unit=unit))
        .select_related("owner_unit", "responsible_position", "replicated_from__owner_unit")
        .order_by("title")
    )
    evidence = list(
        Evidence.objects.filter(
            Q(innovation__in=innovations) | Q(unit=unit, innovation__isnull=True)
        )
        .exclude(status=EvidenceStatus.WITHDRAWN)
        .select_related("verified_by")
        .order_by("innovation_id", "indicator_code", "-submitted_at")
    )
    live = UnitScore.objects.filter(unit=unit, model=model).first()

    wb = Workbook()
    wb.remove(wb.active)
    profile = [
        [_("Unit"), unit.name],
        [_("Code"), unit.code],
        [_("Regency"), unit.regency.name],
        [_("Scoring model"), f"{model.name} v{model.version}"],
        [_("Index (live, not yet published)"), float(live.score) if live else None],
        [_("Category"), live.get_category_display() if live else ""],
        [_("Innovations"), len(innovations)],
        [_("Exported"), timezone.localtime().strftime("%Y-%m-%d %H:%M")],
    ]
    _sheet(wb, _("Profile"), [_("Field"), _("Value")], profile, [34, 60])

    _sheet(
        wb,
        _("Innovations"),
        [
            _("No."),
            _("Innovation name"),
            _("Unit"),
            _("Stage"),
            _("Initiator"),
            _("Initiator's name"),
            _("Type"),
            _("Form"),
            _("Government affair"),
            _("Initiative since"),
            _("Trial since"),
            _("Rollout since"),
            _("Design narrative (rancang bangun)"),
            _("Goals"),
            _("Benefits"),
            _("Results"),
            _("Beneficiaries"),
            _("Number of beneficiaries"),
            _("Responsible position"),
            _("Replicated from"),
            _("Video"),
            _("Running"),
        ],
        [
            [
                n,
                i.title,
                i.owner_unit.name,
                str(i.get_stage_display()),
                str(i.get_initiator_kind_display()),
                i.initiator_name,
                _("Digital") if i.is_digital else _("Non-digital"),
                str(i.get_form_display()),
                str(i.get_affair_display()),
                i.initiated_on,
                i.trial_started_on,
                i.implemented_on,
                i.design,
                i.goals,
                i.benefits,
                i.results,
                i.beneficiaries,
                i.beneficiary_count,
                i.responsible_position.title if i.responsible_position else "",
                (
                    f"{i.replicated_from.title} ({i.replicated_from.owner_unit.name})"
                    if i.replicated_from_id
                    else ""
                ),
                i.video_url,
                _("Yes") if i.is_active else _("No"),
            ]
            for n, i in enumerate(innovations, start=1)
        ],
        [5, 34, 26, 14, 18, 20, 12, 22, 22, 12, 12, 12, 60, 36, 36, 36, 30, 12, 28, 30, 30, 8],
    )
    titles = {i.pk: i.title for i in innovations}
    status_labels = dict(EvidenceStatus.choices)

    def evidence_rows(items):
        rows = []
        for ev in items:
            ind = indicators.get(ev.indicator_code)
            rows.append(
                [
                    titles.get(ev.innovation_id, unit.name),
                    ev.indicator_code,
                    ind.name if ind else "",
                    float(ind.weight) if ind else None,
                    ev.level,
                    ind.level_text(ev.level) if ind else "",
                    ev.accepted_level,
                    str(status_labels.get(ev.status, ev.status)),
                    _evidence_ref(ev),
                    ev.file_name,
                    ev.note,
                    ev.verified_by.full_name if ev.verified_by_id else "",
                    timezone.localtime(ev.verified_at).strftime("%Y-%m-%d")
                    if ev.verified_at
                    else "",
                    ev.verifier_note,
                ]
            )
        return rows

    evidence_headers = [
        _("Innovation"),
        _("Indicator code"),
        _("Indicator"),
        _("Weight"),
        _("Level claimed"),
        _("Level description"),
        _("Level accepted"),
        _("Status"),
        _("Evidence (link or file)"),
        _("File name"),
        _("Note"),
        _("Verified by"),
        _("Verified on"),
        _("Verifier's note"),
    ]
    widths = [30, 20, 30, 8, 8, 30, 8, 18, 50, 24, 30, 24, 12, 30]
    _sheet(
        wb,
        _("Innovation indicators"),
        evidence_headers,
        evidence_rows([ev for ev in evidence if ev.innovation_id]),
        widths,
    )
    if family_of(unit) is not None:
        inst = [ev for ev in evidence if ev.innovation_id is None]
        _sheet(wb, _("Institution indicators"), evidence_headers, evidence_rows(inst), widths)
    catalogue = [
        [
            i.code,
            str(i.get_side_display()),
            i.name,
            float(i.weight),
            _("Yes") if i.mandatory else "",
            *[i.level_text(n) for n in (1, 2, 3)],
            i.evidence_asked,
        ]
        for i in sorted(indicators.values(), key=lambda i: (i.side != Side.INSTITUTION, i.order))
    ]
    _sheet(
        wb,
        _("Catalogue"),
        [
            _("Code"),
            _("Side"),
            _("Indicator"),
            _("Weight"),
            _("Mandatory"),
            _("Level 1"),
            _("Level 2"),
            _("Level 3"),
            _("Evidence asked"),
        ],
        catalogue,
        [20, 16, 34, 8, 10, 28, 28, 28, 40],
    )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()

"""The PDF of an agreement version in the familiar Perjanjian Kinerja layout: a statement
page with the parties and their signatures, then the attachment (lampiran) with the
indicator table and quarterly targets, the programmes and budgets, and every signature
with its time and key fingerprint; a QR code leads to the public verification page.

Rendered with fpdf2 and a Unicode TrueType font (settings.AGREEMENTS_PDF_FONT, else
DejaVu Sans or Liberation Sans from the system, else static/agreements/fonts).
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from superteam.agreements.models import AgreementKind, PartyRole, VersionStatus

FONT_CANDIDATES = [
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/dejavu/DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/TTF/DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"),
    ("/usr/share/fonts/liberation/LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"),
]


def find_font() -> tuple[Path, Path] | None:
    """(regular, bold) TrueType files with the glyphs both languages need, or None."""
    candidates = []
    if settings.AGREEMENTS_PDF_FONT:
        regular = Path(settings.AGREEMENTS_PDF_FONT)
        candidates.append((str(regular), regular.name.replace(".ttf", "-Bold.ttf")))
    candidates += FONT_CANDIDATES
    vendored = Path(settings.BASE_DIR) / "static" / "agreements" / "fonts"
    candidates.append((str(vendored / "DejaVuSans.ttf"), "DejaVuSans-Bold.ttf"))
    for regular, bold_name in candidates:
        regular_path = Path(regular)
        if regular_path.is_file():
            bold = regular_path.with_name(bold_name)
            return regular_path, bold if bold.is_file() else regular_path
    return None


def number(value: Decimal | None) -> str:
    if value is None:
        return "–"
    if value == 0:
        return "0"
    normal = value.normalize()
    places = max(0, -normal.as_tuple().exponent)
    return formats.number_format(normal, decimal_pos=places, use_l10n=True, force_grouping=True)


def money(value: Decimal | None) -> str:
    """Rupiah: whole amounts without decimals, others with both cent digits (1.250.000,50)."""
    if value is None:
        return "–"
    places = 0 if value == value.to_integral_value() else 2
    return formats.number_format(
        value.quantize(Decimal(1).scaleb(-places)),
        decimal_pos=places,
        use_l10n=True,
        force_grouping=True,
    )


def signed_time(moment) -> str:
    """A signature's time with its zone (7 Desember 2026 10:15 WIB, UTC+07:00)."""
    local = timezone.localtime(moment)
    offset = formats.date_format(local, "O")  # +0700
    day, zone = formats.date_format(local, "j F Y H:i"), formats.date_format(local, "T")
    return f"{day} {zone} (UTC{offset[:3]}:{offset[3:]})"


def verification_url(version) -> str:
    return settings.SITE_URL + reverse("verify_agreement", args=[version.short_code])


class AgreementPDF(FPDF):
    def __init__(self, *, footer_text: str, draft: bool):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.footer_text = footer_text
        self.draft = draft
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(20, 18, 20)
        font = find_font()
        if font is not None:
            self.add_font("body", "", str(font[0]))
            self.add_font("body", "B", str(font[1]))
            self.family = "body"
        else:  # no Unicode font at all: the core font (Latin-1 only)
            self.family = "helvetica"

    def text_font(self, size: float = 10, bold: bool = False) -> None:
        self.set_font(self.family, "B" if bold else "", size)

    def safe(self, text: str) -> str:
        if self.family == "helvetica":
            return text.encode("latin-1", "replace").decode("latin-1")
        return text

    def header(self):
        if self.draft:
            self.text_font(9, bold=True)
            self.set_text_color(170, 30, 30)
            self.cell(0, 5, self.safe(_("DRAFT — not yet sent for signing")), align="R")
            self.set_text_color(0, 0, 0)
            self.ln(6)

    def footer(self):
        self.set_y(-13)
        self.text_font(7.5)
        self.set_text_color(90, 90, 90)
        page = _("page %(n)s of %(total)s") % {"n": self.page_no(), "total": "{nb}"}
        self.cell(0, 4, self.safe(f"{self.footer_text}   ·   {page}"), align="C")
        self.set_text_color(0, 0, 0)

    def para(self, text: str, size: float = 10, bold: bool = False, align: str = "J") -> None:
        self.text_font(size, bold)
        self.multi_cell(0, 5.2, self.safe(text), align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def render(version, *, language: str | None = None) -> bytes:
    """The PDF of a version in the given language (the active one by default)."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        return _render(version)


def _render(version) -> bytes:
    agreement = version.agreement
    regency = agreement.regency
    parties = list(version.parties.select_related("unit").order_by("order"))
    signatures = {
        s.party_id: s for s in version.signatures.select_related("key").order_by("signed_at")
    }
    terms = list(
        version.indicator_terms.select_related("indicator").prefetch_related("contributions")
    )
    draft = version.status == VersionStatus.DRAFT
    footer = (
        _("Document id (SHA-256) %(hash)s") % {"hash": version.document_hash}
        if version.document_hash
        else _("Draft, version %(n)s") % {"n": version.number}
    )
    pdf = AgreementPDF(footer_text=footer, draft=draft)
    pdf.alias_nb_pages("{nb}")
    pdf.set_title(version.title)
    pdf.set_author(regency.name)
    pdf.set_creator("SuperTeam")
    pdf.set_lang(translation.get_language() or "id")
    pdf.add_page()
    joint = version.kind == AgreementKind.JOINT
    heading = (
        _("JOINT PERFORMANCE AGREEMENT %(year)s") if joint else _("PERFORMANCE AGREEMENT %(year)s")
    ) % {"year": version.year}
    pdf.set_subject(heading)
    pdf.para(heading, 14, bold=True, align="C")
    pdf.para(agreement.owner_unit.name.upper(), 12, bold=True, align="C")
    pdf.para(regency.name.upper(), 11, align="C")
    pdf.ln(2)
    pdf.para(version.title, 10, align="C")
    if version.number > 1:
        pdf.para(
            _("Version %(n)s (amendment): %(reason)s")
            % {"n": version.number, "reason": version.amendment_reason},
            9,
            align="C",
        )
    pdf.ln(4)
    pdf.para(
        _(
            "In order to achieve effective, transparent and accountable government that is "
            "oriented to results, we the undersigned:"
        )
    )
    pdf.ln(2)
    for party in parties:
        signature = signatures.get(party.pk)
        name = signature.signer_name if signature else _current_holder_name(party)
        pdf.text_font(10)
        pdf.cell(30, 5.5, pdf.safe(_("Name")))
        pdf.cell(0, 5.5, pdf.safe(f": {name}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.cell(30, 5.5, pdf.safe(_("Position")))
        pdf.multi_cell(
            0,
            5.5,
            pdf.safe(f": {party.position_title}, {party.unit_name}"),
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        pdf.para(_role_sentence(party.role, party.order, joint), 10)
        pdf.ln(1.5)
    pdf.ln(1)
    if joint:
        pdf.para(
            _(
                "The parties agree to achieve together the performance targets in the attachment "
                "to this agreement. Success or failure in reaching these targets is their joint "
                "responsibility, each for the indicators assigned to their position."
            )
        )
    else:
        pdf.para(
            _(
                "The second party promises to achieve the performance targets in the attachment "
                "to this agreement, towards the medium-term targets set in the planning "
                "documents. Success or failure in reaching these targets is our responsibility."
            )
        )
        pdf.ln(1)
        pdf.para(
            _(
                "The first party will provide the supervision needed and will evaluate the "
                "achievement of this agreement, and take the action needed to reward or sanction."
            )
        )
    pdf.ln(4)
    when = version.signed_at or version.circulated_at or timezone.now()
    place = regency.name.replace("Kabupaten ", "").replace("Kota ", "")
    pdf.para(f"{place}, {formats.date_format(timezone.localtime(when), 'j F Y')}", 10, align="R")
    pdf.ln(2)
    _signature_blocks(pdf, parties, signatures, joint)
    if version.short_code:
        _qr_block(pdf, version)

    pdf.add_page(orientation="L")
    pdf.para(
        (
            _("ATTACHMENT TO THE JOINT PERFORMANCE AGREEMENT %(year)s")
            if joint
            else _("ATTACHMENT TO THE PERFORMANCE AGREEMENT %(year)s")
        )
        % {"year": version.year},
        12,
        bold=True,
        align="C",
    )
    pdf.para(agreement.owner_unit.name.upper(), 10, bold=True, align="C")
    pdf.ln(3)
    _indicator_table(pdf, terms)
    pdf.ln(4)
    _programme_table(pdf, terms)
    pdf.ln(4)
    _signature_table(pdf, parties, signatures)
    out = pdf.output()
    return bytes(out)


def _current_holder_name(party) -> str:
    assignment = party.position.current_assignment()
    return assignment.person.full_name if assignment else _("(vacant)")


def _role_sentence(role: str, order: int, joint: bool) -> str:
    if joint:
        return _("hereinafter called party %(n)s.") % {"n": order}
    if role == PartyRole.FIRST:
        return _("as the superior, hereinafter called the FIRST PARTY.")
    return _("hereinafter called the SECOND PARTY.")


def _signature_blocks(pdf: AgreementPDF, parties, signatures, joint: bool) -> None:
    columns = 2 if len(parties) > 1 else 1
    width = (pdf.w - pdf.l_margin - pdf.r_margin) / columns
    ordered = parties if joint else list(reversed(parties))  # the second party signs left
    for row_start in range(0, len(ordered), columns):
        row = ordered[row_start : row_start + columns]
        top = pdf.get_y()
        if top > pdf.h - 60:
            pdf.add_page()
            top = pdf.get_y()
        bottom = top
        for i, party in enumerate(row):
            x = pdf.l_margin + i * width
            pdf.set_xy(x, top)
            label = (
                _("PARTY %(n)s") % {"n": party.order}
                if joint
                else (_("FIRST PARTY") if party.role == PartyRole.FIRST else _("SECOND PARTY"))
            )
            signature = signatures.get(party.pk)
            lines = [(label, True), (party.position_title, False)]
            if signature is not None:
                lines += [
                    (_("Signed electronically"), True),
                    (signature.signer_name + (" (Plt)" if signature.acting else ""), True),
                    (
                        signed_time(signature.signed_at),
                        False,
                    ),
                    (_("Key %(fp)s") % {"fp": signature.key.short_fingerprint}, False),
                ]
            else:
                lines += [(_("Not signed yet"), False)]
            for text, bold in lines:
                pdf.set_x(x)
                pdf.text_font(9, bold)
                pdf.multi_cell(
                    width - 4, 4.6, pdf.safe(text), align="C", new_x=XPos.LEFT, new_y=YPos.NEXT
                )
            bottom = max(bottom, pdf.get_y())
        pdf.set_xy(pdf.l_margin, bottom + 5)


def _qr_block(pdf: AgreementPDF, version) -> None:
    url = verification_url(version)
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=6, border=1)
    buffer.seek(0)
    if pdf.get_y() > pdf.h - 50:
        pdf.add_page()
    top = pdf.get_y() + 2
    pdf.image(buffer, x=pdf.l_margin, y=top, w=28, h=28)
    pdf.link(pdf.l_margin, top, 28, 28, url)  # a click on the code opens the page too
    pdf.set_xy(pdf.l_margin + 32, top + 2)
    pdf.text_font(9, bold=True)
    pdf.multi_cell(0, 4.6, pdf.safe(_("Verify this document")), new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.text_font(8.5)
    pdf.multi_cell(
        0,
        4.3,
        pdf.safe(
            _(
                "Scan the code or open %(url)s to check that every signature is valid and the "
                "document unchanged. These are uncertified electronic signatures (PP 71/2019, "
                "article 60)."
            )
            % {"url": url}
        ),
        new_x=XPos.LEFT,
        new_y=YPos.NEXT,
    )
    pdf.set_y(max(pdf.get_y(), top + 30))


def _header_row(pdf: AgreementPDF, widths, labels) -> None:
    pdf.text_font(8, bold=True)
    pdf.set_fill_color(230, 236, 244)
    for w, label in zip(widths, labels, strict=True):
        pdf.cell(w, 7, pdf.safe(label), border=1, align="C", fill=True)
    pdf.ln()


def _row(pdf: AgreementPDF, widths, cells, aligns) -> None:
    """A table row whose height follows its tallest cell."""
    pdf.text_font(8)
    line_height = 4.2
    heights = []
    for w, text in zip(widths, cells, strict=True):
        lines = pdf.multi_cell(w, line_height, pdf.safe(text), dry_run=True, output="LINES")
        heights.append(max(1, len(lines)) * line_height + 1.5)
    height = max(heights)
    if pdf.get_y() + height > pdf.h - pdf.b_margin:
        pdf.add_page(orientation="L")
    y = pdf.get_y()
    x = pdf.l_margin
    for w, text, align in zip(widths, cells, aligns, strict=True):
        pdf.rect(x, y, w, height)
        pdf.set_xy(x, y + 0.75)
        pdf.multi_cell(w, line_height, pdf.safe(text), align=align)
        x += w
    pdf.set_xy(pdf.l_margin, y + height)


def _indicator_table(pdf: AgreementPDF, terms) -> None:
    widths = [10, 58, 70, 22, 24, 18, 18, 18, 19]
    _header_row(
        pdf,
        widths,
        [
            pgettext("table column: row number", "No."),
            _("Strategic goal"),
            _("Performance indicator"),
            pgettext("unit of measure", "Unit"),
            _("Target"),
            pgettext("quarter", "Q1"),
            pgettext("quarter", "Q2"),
            pgettext("quarter", "Q3"),
            pgettext("quarter", "Q4"),
        ],
    )
    for t in terms:
        target = (
            f"{number(t.target)} – {number(t.target_high)}"
            if t.target_high is not None
            else number(t.target)
        )
        name = (
            t.name
            + "\n"
            + _("%(polarity)s; deadline %(deadline)s")
            % {
                "polarity": t.get_polarity_display(),
                "deadline": formats.date_format(t.deadline, "j F Y"),
            }
        )
        if t.responsible_title:
            name += "\n" + _("Responsible: %(position)s") % {"position": t.responsible_title}
        _row(
            pdf,
            widths,
            [
                f"IK-{t.indicator.number}",
                t.sasaran,
                name,
                t.unit_of_measure,
                target,
                number(t.q1),
                number(t.q2),
                number(t.q3),
                number(t.q4),
            ],
            ["C", "L", "L", "C", "C", "C", "C", "C", "C"],
        )


def _programme_table(pdf: AgreementPDF, terms) -> None:
    rows = [t for t in terms if t.programme or t.budget is not None]
    if not rows:
        return
    widths = [10, 150, 50, 47]
    _header_row(
        pdf,
        widths,
        [
            pgettext("table column: row number", "No."),
            _("Programme"),
            _("Budget (Rp)"),
            _("For indicator"),
        ],
    )
    total = Decimal(0)
    for i, t in enumerate(rows, start=1):
        total += t.budget or 0
        _row(
            pdf,
            widths,
            [str(i), t.programme or "–", money(t.budget), f"IK-{t.indicator.number}"],
            ["C", "L", "R", "C"],
        )
    _row(pdf, widths, ["", _("Total"), money(total), ""], ["C", "R", "R", "C"])


def _signature_table(pdf: AgreementPDF, parties, signatures) -> None:
    widths = [30, 60, 70, 45, 52]
    _header_row(
        pdf, widths, [_("Party"), _("Name"), _("Position"), _("Signed at"), _("Key fingerprint")]
    )
    for party in parties:
        s = signatures.get(party.pk)
        _row(
            pdf,
            widths,
            [
                str(party.order),
                (s.signer_name + (" (Plt)" if s.acting else "")) if s else _("Not signed yet"),
                party.position_title,
                signed_time(s.signed_at) if s else "–",
                s.key.short_fingerprint if s else "–",
            ],
            ["C", "L", "L", "C", "C"],
        )

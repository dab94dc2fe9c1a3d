"""Agreement pages: list, drafting, signing, versions and their comparison, PDF, the
public verification page, realisation entry, and the achievement pages of a unit and of
the regent. Each page runs a fixed number of queries; progress is read from the stored
rollups (services.refresh_progress), never recomputed from raw values."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, Q, When
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext
from django.views.decorators.http import require_POST

from superteam.agreements import achievement, canonical, importing, pdf, services
from superteam.agreements.forms import (
    PARTY_LEVELS,
    AgreementForm,
    AmendForm,
    DeclineForm,
    ImportForm,
    IndicatorForm,
    RealisationForm,
    SignForm,
)
from superteam.agreements.models import (
    Aggregation,
    Agreement,
    AgreementKind,
    AgreementStatus,
    AgreementVersion,
    Indicator,
    Polarity,
    ProgressStatus,
    Realisation,
    SigningKey,
    VersionStatus,
)
from superteam.agreements.verification import INVALID, signed_document, verify_versions
from superteam.core.forms import add_service_errors
from superteam.core.permissions import can, require
from superteam.core.tenancy import current_regency
from superteam.org.models import REGENT_LEVELS, Position, Unit
from superteam.org.services import current_holders

PAGE_SIZE = 50
MINE_SHOWN = 8
TONES = {
    ProgressStatus.ON_TRACK: "ok",
    ProgressStatus.AT_RISK: "warn",
    ProgressStatus.LATE: "bad",
}
STATUS_TONES = {
    AgreementStatus.DRAFT: "plain",
    AgreementStatus.CIRCULATING: "info",
    AgreementStatus.ACTIVE: "ok",
    AgreementStatus.CLOSED: "plain",
}


def _regency(request):
    regency = current_regency(request)
    if regency is None:
        raise Http404(_("No regency has been set up yet."))
    return regency


def _year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


def _agreement(request, pk: int, action: str = "agreements.view") -> Agreement:
    agreement = get_object_or_404(
        Agreement.objects.select_related(
            "owner_unit", "current_version", "active_version", "cluster", "regency"
        ),
        pk=pk,
    )
    require(request, action, agreement)
    return agreement


def _validation_message(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- Lists -------------------------------------------------------------------------------


@login_required
def agreement_list(request):
    """Agreements of a year: the ones of the positions I hold first, then all (filtered)."""
    regency = _regency(request)
    require(request, "agreements.view", regency)
    year = _year(request)
    actor = request.actor
    status = request.GET.get("status", "")
    query = request.GET.get("q", "").strip()
    agreements = Agreement.objects.filter(regency=regency, year=year)
    if not actor.reads_all(regency):
        visible = ~Q(status=AgreementStatus.DRAFT) | Q(created_by=actor.person)
        visible |= Q(pk__in=Agreement.objects.held_by(actor.positions).values("pk"))
        for unit in actor.headed_units:
            visible |= Q(owner_unit__path__startswith=unit.path)
        agreements = agreements.filter(visible)
    mine_all = Agreement.objects.held_by(actor.positions).filter(regency=regency, year=year)
    # What waits for a signature first; the whole list is one filter away.
    mine = list(
        mine_all.select_related("owner_unit", "current_version").order_by(
            Case(When(status=AgreementStatus.CIRCULATING, then=0), default=1), "title"
        )[:MINE_SHOWN]
    )
    only_mine = bool(request.GET.get("mine"))
    if only_mine:
        agreements = agreements.filter(pk__in=mine_all.values("pk"))
    if status in AgreementStatus.values:
        agreements = agreements.filter(status=status)
    if query:
        agreements = agreements.filter(
            Q(title__icontains=query) | Q(owner_unit__name__icontains=query)
        )
    page = Paginator(
        agreements.select_related("owner_unit", "current_version").order_by("title"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    years = sorted(
        set(Agreement.objects.filter(regency=regency).values_list("year", flat=True))
        | {timezone.localdate().year},
        reverse=True,
    )
    return render(
        request,
        "agreements/list.html",
        {
            "page": page,
            "mine": mine,
            "mine_total": mine_all.count() if len(mine) == MINE_SHOWN else len(mine),
            "only_mine": only_mine,
            "year": year,
            "years": years,
            "status": status,
            "query": query,
            "statuses": AgreementStatus.choices,
            "tones": STATUS_TONES,
            "can_create": can(actor, "agreements.create", regency),
        },
    )


@login_required
def position_search(request):
    """HTMX: positions that may be parties (heads and the regent), matching a search."""
    regency = _regency(request)
    require(request, "agreements.create", regency)
    query = request.GET.get("q", "").strip()
    positions = []
    if len(query) >= 2:
        positions = list(
            Position.objects.filter(regency=regency, is_active=True, level__in=PARTY_LEVELS)
            .filter(
                Q(title__icontains=query)
                | Q(code__icontains=query)
                | Q(unit__name__icontains=query)
                | Q(unit__short_name__icontains=query)
            )
            .select_related("unit")
            .order_by("unit__path", "sort_order")[:20]
        )
    holders = current_holders(positions)
    return render(
        request,
        "agreements/partials/position_results.html",
        {"positions": positions, "holders": holders, "query": query},
    )


def _default_parties(actor, regency) -> list[Position]:
    """A vertical agreement's usual parties: the regent, then the unit I head."""
    regent = (
        Position.objects.filter(regency=regency, level__in=REGENT_LEVELS, is_active=True)
        .select_related("unit")
        .order_by("level", "sort_order")
        .first()
    )
    heads = [p for p in actor.positions if p.is_head and p.level not in REGENT_LEVELS]
    return [p for p in [regent, heads[0] if heads else None] if p is not None]


def _party_rows(positions) -> list[dict]:
    holders = current_holders(positions)
    return [
        {
            "position": p,
            "holder": holders[p.pk][0].person if holders.get(p.pk) else None,
        }
        for p in positions
    ]


@login_required
def create(request):
    """Start a draft agreement: title, year, kind, parties."""
    regency = _regency(request)
    require(request, "agreements.create", regency)
    form = AgreementForm(
        request.POST or None,
        regency=regency,
        initial={"year": timezone.localdate().year, "kind": AgreementKind.VERTICAL},
    )
    parties = _default_parties(request.actor, regency)
    if request.method == "POST":
        if form.is_valid():
            try:
                agreement = services.create_draft_agreement(
                    regency=regency,
                    title=form.cleaned_data["title"],
                    year=form.cleaned_data["year"],
                    parties=form.parties,
                    indicators=[],
                    created_by=request.user,
                    kind=form.cleaned_data["kind"],
                    cluster=form.cleaned_data.get("cluster"),
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, _("Draft created. Now add its indicators."))
                return redirect("agreements:detail", agreement.pk)
        parties = form.parties
    return render(
        request,
        "agreements/agreement_form.html",
        {"form": form, "party_rows": _party_rows(parties), "agreement": None},
    )


# --- One agreement -------------------------------------------------------------------


def _version_context(version: AgreementVersion) -> dict:
    """Parties with their signature and today's holder, and the indicators' terms."""
    parties = list(version.parties.select_related("position", "unit").order_by("order"))
    signatures = {s.party_id: s for s in version.signatures.select_related("key", "signer")}
    holders = current_holders([p.position for p in parties])
    rows = []
    for party in parties:
        held = holders.get(party.position_id, [])
        signature = signatures.get(party.pk)
        holder = held[0].person if held else None
        rows.append(
            {
                "party": party,
                "signature": signature,
                "holder": holder,
                "acting": bool(held and held[0].kind == "plt"),
                "holder_changed": bool(
                    signature and holder is not None and signature.signer_id != holder.pk
                ),
            }
        )
    terms = list(
        version.indicator_terms.select_related("indicator").prefetch_related("contributions")
    )
    return {"party_rows": rows, "terms": terms, "signed_count": len(signatures)}


def _integrity_warnings(*versions) -> list:
    """The checks of these frozen versions that fail (content changed after it was sent for
    signing, or a signature that does not verify): pages say so before showing the content."""
    ids = [v.pk for v in versions if v is not None and v.status != VersionStatus.DRAFT]
    checks = verify_versions(dict.fromkeys(ids)) if ids else {}
    return [checks[i] for i in dict.fromkeys(ids) if i in checks and checks[i].verdict == INVALID]


@login_required
def detail(request, pk: int):
    """An agreement: its newest version, who signed, its indicators and their progress."""
    agreement = _agreement(request, pk)
    actor = request.actor
    version = agreement.current_version
    context = {"agreement": agreement, "version": version, **_version_context(version)}
    context["integrity_warnings"] = _integrity_warnings(agreement.active_version, version)
    if agreement.active_version_id and agreement.active_version_id != version.pk:
        context["active_context"] = _version_context(agreement.active_version)
    indicators = {
        i.pk: i for i in Indicator.objects.filter(agreement=agreement).select_related("terms")
    }
    context["indicators"] = indicators
    context["progress_rows"] = [
        i for i in sorted(indicators.values(), key=lambda i: i.number) if i.is_active
    ]
    context["versions"] = list(
        agreement.versions.order_by("-number").only(
            "id", "number", "status", "document_hash", "short_code", "circulated_at", "signed_at"
        )
    )
    can_edit = can(actor, "agreements.edit", agreement)
    signable = []
    if version.status == VersionStatus.CIRCULATING and can(actor, "agreements.sign", agreement):
        signed = {row["party"].pk for row in context["party_rows"] if row["signature"]}
        held = {p.pk for p in actor.positions}
        signable = [
            row["party"]
            for row in context["party_rows"]
            if row["party"].position_id in held and row["party"].pk not in signed
        ]
    source_rows = context.get("active_context", context)["party_rows"]
    context.update(
        {
            "can_edit": can_edit,
            "can_close": can(actor, "agreements.close", agreement),
            "signable": signable,
            "is_draft": version.status == VersionStatus.DRAFT,
            "is_declined": version.status == VersionStatus.DECLINED,
            "terms_editable": can_edit and version.status == VersionStatus.DRAFT,
            "holder_changed": any(r["holder_changed"] for r in source_rows),
            "tones": TONES,
            "status_tones": STATUS_TONES,
            "amend_form": AmendForm(),
        }
    )
    return render(request, "agreements/detail.html", context)


@login_required
def edit(request, pk: int):
    """Change the draft's title and parties (and the reason of an amendment)."""
    agreement = _agreement(request, pk, "agreements.edit")
    try:
        version = services.draft_version(agreement)
    except ValidationError as exc:
        messages.error(request, _validation_message(exc))
        return redirect("agreements:detail", agreement.pk)
    positions = [p.position for p in version.parties.select_related("position__unit")]
    form = AgreementForm(
        request.POST or None,
        regency=agreement.regency,
        fixed_kind=True,
        initial={
            "title": version.title,
            "year": version.year,
            "kind": version.kind,
            "cluster": agreement.cluster_id,
        },
    )
    reason = request.POST.get("amendment_reason", version.amendment_reason)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_draft(
                    agreement=agreement,
                    actor=request.user,
                    title=form.cleaned_data["title"],
                    parties=form.parties,
                    amendment_reason=reason if version.number > 1 else None,
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, _("Draft saved."))
                return redirect("agreements:detail", agreement.pk)
        positions = form.parties
    return render(
        request,
        "agreements/agreement_form.html",
        {
            "form": form,
            "party_rows": _party_rows(positions),
            "agreement": agreement,
            "version": version,
            "amendment_reason": reason,
        },
    )


def _indicator_form_view(request, agreement, indicator=None):
    try:
        version = services.draft_version(agreement)
    except ValidationError as exc:
        messages.error(request, _validation_message(exc))
        return redirect("agreements:detail", agreement.pk)
    initial = {"deadline": version.period_end, "polarity": "higher", "aggregation": "last"}
    if indicator is not None:
        terms = (
            version.indicator_terms.filter(indicator=indicator)
            .prefetch_related("contributions")
            .first()
        )
        if terms is None:
            raise Http404
        initial = IndicatorForm.initial_from(terms)
    form = IndicatorForm(request.POST or None, agreement=agreement, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if indicator is None:
                services.add_indicator(agreement=agreement, actor=request.user, spec=form.spec())
            else:
                services.update_indicator(
                    agreement=agreement, indicator=indicator, actor=request.user, spec=form.spec()
                )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Indicator saved."))
            return redirect("agreements:detail", agreement.pk)
    return render(
        request,
        "agreements/indicator_form.html",
        {"form": form, "agreement": agreement, "indicator": indicator, "version": version},
    )


@login_required
def indicator_add(request, pk: int):
    return _indicator_form_view(request, _agreement(request, pk, "agreements.edit"))


@login_required
def indicator_edit(request, pk: int, indicator_id: int):
    agreement = _agreement(request, pk, "agreements.edit")
    indicator = get_object_or_404(Indicator, pk=indicator_id, agreement=agreement)
    return _indicator_form_view(request, agreement, indicator)


@login_required
@require_POST
def indicator_remove(request, pk: int, indicator_id: int):
    agreement = _agreement(request, pk, "agreements.edit")
    indicator = get_object_or_404(Indicator, pk=indicator_id, agreement=agreement)
    try:
        services.remove_indicator(agreement=agreement, indicator=indicator, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _validation_message(exc))
    else:
        messages.success(request, _("Indicator removed from the draft."))
    return redirect("agreements:detail", agreement.pk)


@login_required
def import_targets(request, pk: int):
    """Excel import of indicators into the draft: every row is checked; all or nothing."""
    agreement = _agreement(request, pk, "agreements.edit")
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            count = importing.import_targets(
                agreement=agreement,
                file=form.cleaned_data["file"],
                actor=request.user,
                replace=form.cleaned_data["replace"],
            )
        except importing.ImportFailed as exc:
            errors = exc.errors
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(
                request,
                ngettext("%(count)s indicator imported.", "%(count)s indicators imported.", count)
                % {"count": count},
            )
            return redirect("agreements:detail", agreement.pk)
    return render(
        request,
        "agreements/import.html",
        {"form": form, "agreement": agreement, "errors": errors},
    )


@login_required
def import_template(request):
    """The Excel template for importing targets (headers in the current language)."""
    require(request, "agreements.view", _regency(request))
    response = HttpResponse(
        importing.template_bytes(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="superteam-targets.xlsx"'
    return response


@login_required
@require_POST
def send(request, pk: int):
    agreement = _agreement(request, pk, "agreements.edit")
    try:
        version = services.send_for_signing(agreement=agreement, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _validation_message(exc))
    else:
        messages.success(
            request,
            _("Version %(n)s is frozen and sent to every party for signing.")
            % {"n": version.number},
        )
    return redirect("agreements:detail", agreement.pk)


def _parties_to_answer(request, agreement):
    """(circulating version, the parties the person holds that have not signed, None), or
    (None, None, a redirect saying why there is nothing to sign or decline)."""
    version = agreement.current_version
    if version.status != VersionStatus.CIRCULATING:
        messages.error(request, _("This version is not circulating for signatures."))
        return None, None, redirect("agreements:detail", agreement.pk)
    signed = set(version.signatures.values_list("party_id", flat=True))
    parties = [
        p for p in services.party_positions_held(version, request.user) if p.pk not in signed
    ]
    if not parties:
        messages.info(request, _("You have nothing left to sign on this version."))
        return None, None, redirect("agreements:detail", agreement.pk)
    return version, parties, None


@login_required
def sign(request, pk: int):
    """Sign the circulating version: the signer confirms and enters their password."""
    agreement = _agreement(request, pk, "agreements.sign")
    version, parties, elsewhere = _parties_to_answer(request, agreement)
    if elsewhere is not None:
        return elsewhere
    form = SignForm(request.POST or None, parties=parties)
    if request.method == "POST" and form.is_valid():
        position = None
        if form.cleaned_data.get("position"):
            position = next(
                (p.position for p in parties if p.position_id == form.cleaned_data["position"]),
                None,
            )
        try:
            signature = services.sign_agreement(
                agreement=agreement,
                signer=request.user,
                password=form.cleaned_data["password"],
                position=position,
            )
        except ValidationError as exc:
            form.add_error(
                "password" if getattr(exc, "code", None) == "wrong_password" else None,
                exc.messages,
            )
        else:
            agreement.refresh_from_db()
            if agreement.active_version_id == version.pk:
                messages.success(
                    request, _("Signed. Every party has now signed: the agreement is in force.")
                )
            else:
                messages.success(
                    request,
                    _("Signed as %(position)s. Waiting for the other parties.")
                    % {"position": signature.party.position_title},
                )
            return redirect("agreements:detail", agreement.pk)
    return render(
        request,
        "agreements/sign.html",
        {
            "form": form,
            "agreement": agreement,
            "version": version,
            "parties": parties,
            **_version_context(version),
        },
    )


@login_required
def decline(request, pk: int):
    """Refuse to sign the circulating version, saying why (the others see it)."""
    agreement = _agreement(request, pk, "agreements.sign")
    version, parties, elsewhere = _parties_to_answer(request, agreement)
    if elsewhere is not None:
        return elsewhere
    form = DeclineForm(request.POST or None, parties=parties)
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data.get("position")
        position = next((p.position for p in parties if p.position_id == chosen), None)
        try:
            services.decline_agreement(
                agreement=agreement,
                person=request.user,
                reason=form.cleaned_data["reason"],
                position=position,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("You declined to sign version %(n)s. The other parties and the editors see why.")
                % {"n": version.number},
            )
            return redirect("agreements:detail", agreement.pk)
    return render(
        request,
        "agreements/decline.html",
        {"form": form, "agreement": agreement, "version": version, "parties": parties},
    )


@login_required
def export_targets(request, pk: int, number: int):
    """A version's indicators as an Excel workbook in the import template's layout."""
    agreement = _agreement(request, pk)
    v = _version_of(agreement, number)
    if v.status == VersionStatus.DRAFT and not can(request.actor, "agreements.edit", agreement):
        raise PermissionDenied
    response = HttpResponse(
        importing.export_bytes(v),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="targets-{agreement.pk}-v{v.number}.xlsx"'
    )
    return response


@login_required
def amend(request, pk: int):
    """Start an amendment: a new version to write and sign again."""
    agreement = _agreement(request, pk, "agreements.edit")
    form = AmendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.amend_agreement(
                agreement=agreement, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Amendment started: change the draft, then send it."))
            return redirect("agreements:detail", agreement.pk)
    return render(request, "agreements/amend.html", {"form": form, "agreement": agreement})


@login_required
@require_POST
def addendum(request, pk: int):
    """Same content, signed again after a party position changed holder."""
    agreement = _agreement(request, pk, "agreements.edit")
    try:
        version = services.start_addendum(agreement=agreement, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _validation_message(exc))
    else:
        messages.success(
            request,
            _("Addendum (version %(n)s) sent to every party for signing.") % {"n": version.number},
        )
    return redirect("agreements:detail", agreement.pk)


@login_required
@require_POST
def close(request, pk: int):
    agreement = _agreement(request, pk, "agreements.close")
    services.close_agreement(agreement=agreement, actor=request.user)
    messages.success(request, _("Agreement closed."))
    return redirect("agreements:detail", agreement.pk)


def _version_of(agreement, number: int) -> AgreementVersion:
    return get_object_or_404(AgreementVersion, agreement=agreement, number=number)


@login_required
def version(request, pk: int, number: int):
    """One version as it was written and signed."""
    agreement = _agreement(request, pk)
    v = _version_of(agreement, number)
    if v.status == VersionStatus.DRAFT and not can(request.actor, "agreements.edit", agreement):
        raise PermissionDenied
    return render(
        request,
        "agreements/version.html",
        {
            "agreement": agreement,
            "version": v,
            "integrity_warnings": _integrity_warnings(v),
            **_version_context(v),
        },
    )


FIELD_LABELS = {
    "title": gettext_lazy("Title"),
    "kind": gettext_lazy("Kind"),
    "year": gettext_lazy("Year"),
    "period": gettext_lazy("Period"),
    "amendment_reason": gettext_lazy("Reason for the amendment"),
    "sasaran": gettext_lazy("Strategic goal"),
    "name": gettext_lazy("Indicator"),
    "unit_of_measure": gettext_lazy("Unit of measure"),
    "baseline": gettext_lazy("Baseline"),
    "target": gettext_lazy("Target"),
    "target_high": gettext_lazy("Upper bound"),
    "quarterly_targets": gettext_lazy("Quarterly targets"),
    "polarity": gettext_lazy("Polarity"),
    "aggregation": gettext_lazy("Aggregation"),
    "deadline": gettext_lazy("Deadline"),
    "responsible": gettext_lazy("Responsible position"),
    "contributing_units": gettext_lazy("Contributing units"),
    "programme": gettext_lazy("Programme"),
    "budget": gettext_lazy("Budget (Rp)"),
}


NUMERIC = {"baseline", "target", "target_high", "quarterly_targets", "budget"}


def _show(value, key: str = "") -> str:
    if value is None or value == "":
        return "–"
    if key in NUMERIC:
        items = value if isinstance(value, list) else [value]
        show = pdf.money if key == "budget" else pdf.number
        return ", ".join("–" if v is None else show(Decimal(v)) for v in items)
    if isinstance(value, dict):
        if "title" in value:
            return value["title"]
        if "start" in value:
            return f"{value['start']} – {value['end']}"
    if isinstance(value, list):
        return ", ".join(_show(v if not isinstance(v, dict) else v.get("code", v)) for v in value)
    return str(value)


def compare_documents(old: dict, new: dict) -> dict:
    """What changed between two versions, field by field, for people to read."""
    header = []
    for key in ("title", "kind", "year", "period", "amendment_reason"):
        if old.get(key) != new.get(key):
            header.append((FIELD_LABELS[key], _show(old.get(key)), _show(new.get(key))))
    old_parties = {p["position"]["id"]: p for p in old["parties"]}
    new_parties = {p["position"]["id"]: p for p in new["parties"]}
    parties = {
        "added": [new_parties[i] for i in new_parties if i not in old_parties],
        "removed": [old_parties[i] for i in old_parties if i not in new_parties],
    }
    old_ind = {i["indicator"]: i for i in old["indicators"]}
    new_ind = {i["indicator"]: i for i in new["indicators"]}
    rows = []
    for ident in sorted(
        set(old_ind) | set(new_ind), key=lambda i: (new_ind.get(i) or old_ind[i])["number"]
    ):
        a, b = old_ind.get(ident), new_ind.get(ident)
        ref = b or a
        if a is None or b is None:
            rows.append(
                {"indicator": ref, "state": "added" if a is None else "removed", "changes": []}
            )
            continue
        changes = [
            (FIELD_LABELS.get(k, k), _show(a.get(k), k), _show(b.get(k), k))
            for k in FIELD_LABELS
            if k in a and a.get(k) != b.get(k)
        ]
        rows.append(
            {"indicator": ref, "state": "changed" if changes else "same", "changes": changes}
        )
    return {"header": header, "parties": parties, "indicators": rows}


@login_required
def compare(request, pk: int):
    """Two versions side by side: what an amendment changed."""
    agreement = _agreement(request, pk)
    versions = list(agreement.versions.order_by("number").values_list("pk", "number"))
    numbers = [n for _pk, n in versions]
    if len(numbers) < 2:
        messages.info(request, _("This agreement has only one version."))
        return redirect("agreements:detail", agreement.pk)
    try:
        a = int(request.GET.get("a", numbers[-2]))
        b = int(request.GET.get("b", numbers[-1]))
    except ValueError:
        a, b = numbers[-2], numbers[-1]
    by_number = {n: vid for vid, n in versions}
    if a not in by_number or b not in by_number:
        raise Http404
    documents = canonical.load_documents([by_number[a], by_number[b]])
    diff = compare_documents(documents[by_number[a]], documents[by_number[b]])
    return render(
        request,
        "agreements/compare.html",
        {"agreement": agreement, "a": a, "b": b, "numbers": numbers, "diff": diff},
    )


@login_required
def version_pdf(request, pk: int, number: int):
    """The Perjanjian Kinerja PDF of a version, in the chosen language."""
    agreement = _agreement(request, pk)
    v = _version_of(agreement, number)
    if v.status == VersionStatus.DRAFT and not can(request.actor, "agreements.edit", agreement):
        raise PermissionDenied
    language = request.GET.get("lang") or translation.get_language()
    if language not in ("id", "en"):
        language = "id"
    data = pdf.render(v, language=language)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="perjanjian-kinerja-{agreement.pk}-v{v.number}-{language}.pdf"'
    )
    return response


# --- Public verification -----------------------------------------------------------------


def verify_public(request, code: str):
    """Anyone (no sign-in), from the QR code: are all signatures valid, is it unchanged?"""
    version_obj = get_object_or_404(
        AgreementVersion.objects.select_related("agreement__regency", "agreement__owner_unit"),
        short_code=code,
    )
    check = verify_versions([version_obj.pk]).get(version_obj.pk)
    if check is None:  # a draft has no verification page
        raise Http404
    agreement = version_obj.agreement
    other_language = "en" if translation.get_language() == "id" else "id"
    document = signed_document(version_obj.pk, check)
    return render(
        request,
        "agreements/verify.html",
        {
            "version": version_obj,
            "agreement": agreement,
            "check": check,
            "other_language": other_language,
            "newer": agreement.current_version_id != version_obj.pk,
            "in_force": agreement.active_version_id == version_obj.pk,
            "signed_indicators": _document_indicators(document) if document else None,
        },
    )


def _document_indicators(document: dict) -> list[dict]:
    """The indicators of a canonical document, for people to read."""
    labels = {"polarity": dict(Polarity.choices), "aggregation": dict(Aggregation.choices)}

    def dec(text):
        return Decimal(text) if text is not None else None

    return [
        {
            "number": i["number"],
            "sasaran": i["sasaran"],
            "name": i["name"],
            "unit_of_measure": i["unit_of_measure"],
            "baseline": dec(i["baseline"]),
            "target": dec(i["target"]),
            "target_high": dec(i["target_high"]),
            "quarterly": [dec(q) for q in i["quarterly_targets"]],
            "polarity": labels["polarity"].get(i["polarity"], i["polarity"]),
            "aggregation": labels["aggregation"].get(i["aggregation"], i["aggregation"]),
            "deadline": datetime.date.fromisoformat(i["deadline"]) if i["deadline"] else None,
            "responsible": (i["responsible"] or {}).get("title", ""),
            "programme": i["programme"],
            "budget": dec(i["budget"]),
        }
        for i in document["indicators"]
    ]


def document_json(request, code: str):
    """The canonical JSON of a version (public): hash it to get the document id."""
    v = get_object_or_404(AgreementVersion, short_code=code)
    data = canonical.canonical_bytes(canonical.load_document(v.pk))
    response = HttpResponse(data, content_type="application/json")
    response["Content-Disposition"] = f'inline; filename="agreement-{code}.json"'
    return response


# --- Realisation and achievement ---------------------------------------------------------


def _quarter_labels() -> list[str]:
    """Q1–Q4 in English, Tw I–IV (triwulan) in Indonesian."""
    return [
        pgettext("quarter", "Q1"),
        pgettext("quarter", "Q2"),
        pgettext("quarter", "Q3"),
        pgettext("quarter", "Q4"),
    ]


def _chart_points(terms, values) -> tuple[list, list]:
    """(realised, milestone) by quarter end: the aggregated value reached by each quarter."""
    points, milestones = [], []
    labels = _quarter_labels()
    today = timezone.localdate()
    for label, end, target in zip(
        labels, achievement.quarter_ends(terms.version.year), terms.quarterly_targets, strict=True
    ):
        if target is not None:
            milestones.append((label, float(target)))
        if end <= today or any(day >= end for day, _v in values):
            reached = achievement.aggregate(values, terms.aggregation, until=end)
            if reached is not None:
                points.append((label, float(reached)))
    return points, milestones


@login_required
def indicator_page(request, pk: int):
    """An indicator: its terms in force, realisation history, progress chart, entry form."""
    indicator = get_object_or_404(
        Indicator.objects.select_related(
            "agreement__owner_unit", "terms__version", "terms__responsible_unit"
        ),
        pk=pk,
    )
    require(request, "agreements.view", indicator.agreement)
    terms = indicator.terms
    if terms is None:
        raise Http404
    may_realise = (
        indicator.agreement.status == AgreementStatus.ACTIVE
        and indicator.is_active
        and can(request.actor, "agreements.realise", indicator)
    )
    form = RealisationForm(request.POST or None, request.FILES or None, year=terms.version.year)
    if request.method == "POST":
        if not may_realise:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.record_realisation(
                    indicator=indicator,
                    period_end=form.cleaned_data["period_end"],
                    value=form.cleaned_data["value"],
                    actor=request.user,
                    evidence=form.cleaned_data.get("evidence"),
                    note=form.cleaned_data.get("note", ""),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Realisation saved."))
                return redirect("agreements:indicator", indicator.pk)
    history = list(
        Realisation.objects.filter(indicator=indicator)
        .select_related("entered_by")
        .order_by("-period_end", "-entered_at")[:100]
    )
    values = [(r.period_end, r.value) for r in history if r.is_current]
    points, milestones = _chart_points(terms, values)
    return render(
        request,
        "agreements/indicator.html",
        {
            "indicator": indicator,
            "terms": terms,
            "agreement": indicator.agreement,
            "history": history,
            "form": form if may_realise else None,
            "integrity_warnings": _integrity_warnings(terms.version),
            "points": points,
            "milestones": milestones,
            "tones": TONES,
        },
    )


@login_required
def evidence(request, pk: int):
    """An evidence file, from private storage, to those allowed to see it."""
    realisation = get_object_or_404(
        Realisation.objects.select_related("indicator__terms", "indicator__agreement"), pk=pk
    )
    require(request, "agreements.view_evidence", realisation)
    if not realisation.evidence:
        raise Http404
    response = FileResponse(
        realisation.evidence.open("rb"),
        content_type=realisation.evidence_type or "application/octet-stream",
        as_attachment=True,
        filename=realisation.evidence_name.rsplit("/", 1)[-1] or "evidence",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _capaian_chart(indicators) -> list[tuple[str, float]]:
    return [
        (f"IK-{i.number} {i.terms.name[:48]}", float(i.capaian))
        for i in indicators
        if i.capaian is not None
    ]


@login_required
def unit_page(request, pk: int):
    """A unit's achievement in a year: its agreements and indicators, with charts."""
    unit = get_object_or_404(Unit, pk=pk)
    require(request, "agreements.unit", unit)
    year = _year(request)
    agreements = list(
        Agreement.objects.involving(unit)
        .filter(year=year)
        .exclude(status=AgreementStatus.DRAFT)
        .select_related("owner_unit")
        .order_by("title")
    )
    indicators = list(
        services.indicators_of_unit(unit=unit, year=year)
        .select_related("terms__version", "agreement")
        .order_by("agreement__title", "number")
    )
    series = services.realisation_series(i.pk for i in indicators)
    quarters = []
    for label, end in zip(_quarter_labels(), achievement.quarter_ends(year), strict=True):
        values = []
        for ind in indicators:
            t = ind.terms
            reached = achievement.aggregate(series.get(ind.pk, []), t.aggregation, until=end)
            values.append(
                achievement.capaian(
                    polarity=t.polarity,
                    realised=reached,
                    target=t.target,
                    target_high=t.target_high,
                )
            )
        average = achievement.average_capaian(values)
        if average is not None:
            quarters.append((label, float(average)))
    counts = {s: sum(1 for i in indicators if i.progress == s) for s in ProgressStatus.values}
    return render(
        request,
        "agreements/unit.html",
        {
            "unit": unit,
            "year": year,
            "agreements": agreements,
            "indicators": indicators,
            "capaian": services.unit_achievement(unit=unit, year=year),
            "capaian_chart": _capaian_chart(indicators),
            "quarters": quarters,
            "counts": counts,
            "tones": TONES,
            "status_tones": STATUS_TONES,
        },
    )


@login_required
def overview(request):
    """The regent's page: every agreement's progress this year, and what is at risk."""
    regency = _regency(request)
    require(request, "agreements.overview", regency)
    year = _year(request)
    agreements = list(
        Agreement.objects.filter(
            regency=regency,
            year=year,
            status__in=[
                AgreementStatus.ACTIVE,
                AgreementStatus.CLOSED,
                AgreementStatus.CIRCULATING,
            ],
        )
        .select_related("owner_unit")
        .order_by("capaian", "title")
    )
    totals = Agreement.objects.filter(regency=regency, year=year).aggregate(
        drafts=Count("pk", filter=Q(status=AgreementStatus.DRAFT)),
        circulating=Count("pk", filter=Q(status=AgreementStatus.CIRCULATING)),
        active=Count("pk", filter=Q(status=AgreementStatus.ACTIVE)),
    )
    live = [a for a in agreements if a.status != AgreementStatus.CIRCULATING]
    chart = [
        (
            a.owner_unit.display_name if a.kind == AgreementKind.VERTICAL else a.title[:40],
            float(a.capaian),
        )
        for a in sorted(live, key=lambda a: a.capaian or Decimal(0), reverse=True)
        if a.capaian is not None
    ]
    status_chart = [
        (_("On track"), sum(a.on_track_count for a in live)),
        (_("At risk"), sum(a.at_risk_count for a in live)),
        (_("Late"), sum(a.late_count for a in live)),
    ]
    attention = list(
        Indicator.objects.filter(
            regency=regency,
            agreement__year=year,
            is_active=True,
            progress__in=[ProgressStatus.LATE, ProgressStatus.AT_RISK],
        )
        .select_related("terms", "agreement__owner_unit")
        .order_by("-progress", "capaian")[:40]
    )
    return render(
        request,
        "agreements/overview.html",
        {
            "year": year,
            "agreements": agreements,
            "totals": totals,
            "chart": chart,
            "status_chart": status_chart,
            "attention": attention,
            "regional": achievement.average_capaian([a.capaian for a in live]),
            "tones": TONES,
            "status_tones": STATUS_TONES,
        },
    )


@login_required
def my_keys(request):
    """My signing keys: in use and revoked, with how many signatures each made."""
    require(request, "agreements.keys")
    keys = list(
        SigningKey.objects.filter(person=request.user)
        .annotate(signed=Count("signatures"))
        .order_by("-created_at")
    )
    return render(request, "agreements/keys.html", {"keys": keys})

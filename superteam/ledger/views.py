"""Ledger pages for verifiers, the regent and admins: the chain's state, its checkpoints,
its entries (newest first, by entry number), one entry in full; and the public export of
the signed checkpoints."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from superteam.core.permissions import require
from superteam.core.tenancy import current_regency
from superteam.ledger import kinds
from superteam.ledger.models import GENESIS_HASH, Checkpoint, Entry, Head, Verification
from superteam.ledger.services import (
    chain_hash,
    entry_document,
    export_checkpoints,
    make_checkpoint,
    run_verification,
)
from superteam.org.models import Regency

PAGE_SIZE = 50


def _regency(request):
    regency = current_regency(request)
    if regency is None:
        raise Http404(_("No regency has been set up yet."))
    return regency


def subject_link(subject_type: str, subject_id: str) -> str | None:
    """Where an entry's subject can be seen, for the subjects this app knows."""
    from django.urls import reverse

    from superteam.agreements.models import AgreementVersion, Realisation, Signature

    try:
        pk = int(subject_id)
    except ValueError:
        return None
    if subject_type == "agreements.agreement":
        return reverse("agreements:detail", args=[pk])
    if subject_type == "agreements.agreementversion":
        agreement_id = (
            AgreementVersion.objects.filter(pk=pk).values_list("agreement_id", flat=True).first()
        )
        return reverse("agreements:detail", args=[agreement_id]) if agreement_id else None
    if subject_type == "agreements.signature":
        agreement_id = (
            Signature.objects.filter(pk=pk).values_list("version__agreement_id", flat=True).first()
        )
        return reverse("agreements:detail", args=[agreement_id]) if agreement_id else None
    if subject_type == "agreements.realisation":
        indicator_id = (
            Realisation.objects.filter(pk=pk).values_list("indicator_id", flat=True).first()
        )
        return reverse("agreements:indicator", args=[indicator_id]) if indicator_id else None
    return None


@login_required
def index(request):
    """The chain: size and head, the last verification, checkpoints, newest entries."""
    regency = _regency(request)
    require(request, "ledger.view", regency)
    head = Head.objects.filter(regency=regency).first()
    kind = request.GET.get("kind", "").strip()
    entries = Entry.objects.filter(regency=regency).select_related("actor").order_by("-seq")
    try:
        before = int(request.GET.get("before", ""))
    except ValueError:
        before = None
    if before:
        entries = entries.filter(seq__lt=before)
    # A kind chosen in the filter matches exactly; anything else (an app's "reports.", or
    # the text of an older link) matches as the start of the kind, as the filter once did.
    if kind in kinds.KINDS:
        entries = entries.filter(kind=kind)
    elif kind:
        entries = entries.filter(kind__startswith=kind)
    rows = list(entries[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    groups = kinds.filter_groups()
    return render(
        request,
        "ledger/index.html",
        {
            "head": head,
            "verification": Verification.objects.filter(regency=regency)
            .select_related("requested_by")
            .first(),
            "checkpoints": list(Checkpoint.objects.filter(regency=regency)[:10]),
            "entries": rows,
            "next_before": rows[-1].seq if more and rows else None,
            "kind": kind,
            "kind_groups": groups,
            # An older link's free text: the filter shows it as a choice of its own.
            "kind_other": bool(kind)
            and kind not in kinds.KINDS
            and kind not in {g["prefix"] for g in groups},
            "regency_obj": regency,
        },
    )


@login_required
def entry(request, seq: int):
    """One entry in full: what it says, the document its hash covers, and the hashes."""
    regency = _regency(request)
    require(request, "ledger.view", regency)
    item = get_object_or_404(Entry.objects.select_related("actor"), regency=regency, seq=seq)
    document = entry_document(
        seq=item.seq,
        regency_id=regency.pk,
        kind=item.kind,
        subject_type=item.subject_type,
        subject_id=item.subject_id,
        actor_id=item.actor_id,
        payload=item.payload,
        created_at=item.created_at,
    )
    # This entry checked on its own (the page an auditor opens from "first broken entry"):
    # its content against its hash, and its link to the entry before.
    recomputed = chain_hash(item.prev_hash, document)
    before = (
        Entry.objects.filter(regency=regency, seq=item.seq - 1)
        .values_list("hash", flat=True)
        .first()
        if item.seq > 1
        else GENESIS_HASH
    )
    return render(
        request,
        "ledger/entry.html",
        {
            "entry": item,
            "recomputed": recomputed,
            "content_ok": recomputed == item.hash,
            "link_ok": before == item.prev_hash,
            "document": json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True),
            "subject_url": subject_link(item.subject_type, item.subject_id),
            "last_seq": Head.objects.filter(regency=regency).values_list("seq", flat=True).first(),
        },
    )


@login_required
@require_POST
def verify(request):
    """Recompute the chain now against every signed checkpoint."""
    regency = _regency(request)
    require(request, "ledger.verify", regency)
    verification, report, _problems = run_verification(regency=regency, requested_by=request.user)
    if verification.ok:
        messages.success(
            request,
            _("The chain is sound: %(n)s entries checked, %(c)s checkpoint(s) matched.")
            % {"n": report.checked, "c": report.checkpoints_checked},
        )
    elif report.ok:
        messages.error(
            request, _("A checkpoint does not verify: %(reason)s") % {"reason": verification.reason}
        )
    else:
        messages.error(
            request,
            _("The chain is broken at entry #%(seq)s: %(reason)s")
            % {"seq": report.first_broken_seq, "reason": _(report.reason)},
        )
    return redirect("ledger:index")


@login_required
@require_POST
def checkpoint(request):
    """Sign a checkpoint of the chain now."""
    regency = _regency(request)
    require(request, "ledger.verify", regency)
    cp = make_checkpoint(regency=regency)
    messages.success(request, _("Checkpoint signed at entry #%(seq)s.") % {"seq": cp.seq})
    return redirect("ledger:index")


def published(request):
    """The signed checkpoints of a regency, for anyone to archive (JSON)."""
    code = request.GET.get("regency")
    regency = get_object_or_404(Regency, code=code) if code else current_regency(request)
    if regency is None:
        raise Http404
    response = JsonResponse(export_checkpoints(regency=regency), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'inline; filename="ledger-checkpoints-{regency.code}.json"'
    return response

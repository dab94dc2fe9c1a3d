"""Agreement services: drafting, circulating, signing, amending, closing, realisation and
progress. Views, the API, the Excel import and commands all call these functions.

Every significant change is written to the ledger in the same transaction.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation

from django.contrib.auth.hashers import check_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg, Model, ProtectedError, Value
from django.db.models.functions import Least
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from superteam.agreements import achievement, canonical, keyring, signing
from superteam.agreements.models import (
    Aggregation,
    Agreement,
    AgreementKind,
    AgreementStatus,
    AgreementVersion,
    Contribution,
    Indicator,
    IndicatorTerms,
    Party,
    PartyRole,
    Polarity,
    Realisation,
    Signature,
    VersionStatus,
)
from superteam.ledger.services import record
from superteam.org.models import REGENT_LEVELS, Assignment, AssignmentKind, Position, Unit

MAX_ABS_VALUE = Decimal("1e12")
SHORT_CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
SHORT_CODE_LENGTH = 8
# Wrong signing passwords: after this many in the window, signing is refused for a while.
SIGN_ATTEMPTS = 5
SIGN_WINDOW_SECONDS = 15 * 60
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024


class SigningError(ValidationError):
    """Signing was refused; nothing was written."""


# --- Indicator specifications ---------------------------------------------------------


def _decimal(value, label: str, *, required: bool = False) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError(_("%(field)s is required.") % {"field": label})
        return None
    if isinstance(value, float):
        value = repr(value)
    try:
        number = (
            Decimal(str(value).strip().replace(",", "."))
            if isinstance(value, str)
            else (Decimal(value))
        )
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError(
            _("%(field)s is not a number: %(value)s") % {"field": label, "value": value}
        ) from None
    if not number.is_finite() or abs(number) >= MAX_ABS_VALUE:
        raise ValidationError(_("%(field)s is out of range.") % {"field": label})
    return number.quantize(Decimal("0.0001"))


def clean_indicator(spec: dict, *, regency_id: int, period: tuple[datetime.date, datetime.date]):
    """Check an indicator specification (keys of the create_draft_agreement contract) and
    return it normalised; raises ValidationError with every problem, translated."""
    errors: dict[str, list[str]] = defaultdict(list)
    out: dict = {}

    def text(key: str, label: str, max_length: int, required: bool = True) -> None:
        value = str(spec.get(key) or "").strip()
        if required and not value:
            errors[key].append(_("%(field)s is required.") % {"field": label})
        elif len(value) > max_length:
            errors[key].append(
                _("%(field)s is longer than %(max)s characters.")
                % {"field": label, "max": max_length}
            )
        out[key] = value

    text("sasaran", _("Strategic goal"), 300)
    text("name", _("Indicator"), 300)
    text("unit_of_measure", _("Unit of measure"), 60)
    text("programme", _("Programme"), 300, required=False)

    polarity = spec.get("polarity") or Polarity.HIGHER
    if polarity not in Polarity.values:
        errors["polarity"].append(_("Unknown polarity: %(value)s") % {"value": polarity})
    aggregation = spec.get("aggregation") or Aggregation.LAST
    if aggregation not in Aggregation.values:
        errors["aggregation"].append(_("Unknown aggregation: %(value)s") % {"value": aggregation})
    out["polarity"], out["aggregation"] = polarity, aggregation

    target = spec.get("target")
    target_high = spec.get("target_high")
    if isinstance(target, list | tuple):
        target, target_high = [*target, None, None][:2]
    for key, value, label, required in (
        ("target", target, _("Target"), True),
        ("target_high", target_high, _("Upper bound of the range"), polarity == Polarity.RANGE),
        ("baseline", spec.get("baseline"), _("Baseline"), False),
        ("budget", spec.get("budget"), _("Budget"), False),
    ):
        try:
            out[key] = _decimal(value, label, required=required)
        except ValidationError as exc:
            errors[key] += exc.messages
    # Capaian is a ratio to the target (SAKIP): a negative target or baseline has no meaning.
    for key, message in (
        ("target", _("The target cannot be negative: achievement is computed as a ratio to it.")),
        ("target_high", _("The upper bound of the range cannot be negative.")),
        ("baseline", _("The baseline cannot be negative.")),
    ):
        if out.get(key) is not None and out[key] < 0:
            errors[key].append(message)
    if polarity != Polarity.RANGE:
        out["target_high"] = None
    elif (
        out.get("target") is not None
        and out.get("target_high") is not None
        and out["target_high"] < out["target"]
    ):
        errors["target_high"].append(_("The upper bound of the range is below its lower bound."))
    if out.get("budget") is not None and out["budget"] < 0:
        errors["budget"].append(_("The budget cannot be negative."))

    quarterly = spec.get("quarterly_targets") or []
    if isinstance(quarterly, dict):
        quarterly = [quarterly.get(q) for q in (1, 2, 3, 4)]
    quarterly = list(quarterly)
    if len(quarterly) > 4:
        errors["quarterly_targets"].append(_("There are only four quarters."))
    quarterly = (quarterly + [None] * 4)[:4]
    for i, value in enumerate(quarterly, start=1):
        try:
            out[f"q{i}"] = _decimal(value, _("Q%(n)s target") % {"n": i})
        except ValidationError as exc:
            errors["quarterly_targets"] += exc.messages
        else:
            if out[f"q{i}"] is not None and out[f"q{i}"] < 0:
                errors["quarterly_targets"].append(
                    _("The Q%(n)s target cannot be negative.") % {"n": i}
                )

    deadline = spec.get("deadline") or period[1]
    if isinstance(deadline, str):
        try:
            deadline = datetime.date.fromisoformat(deadline)
        except ValueError:
            errors["deadline"].append(_("The deadline is not a date (YYYY-MM-DD)."))
            deadline = period[1]
    if isinstance(deadline, datetime.datetime):
        deadline = deadline.date()
    if not (period[0] <= deadline <= period[1]):
        errors["deadline"].append(
            _("The deadline must fall within the agreement's period (%(start)s – %(end)s).")
            % {"start": period[0].isoformat(), "end": period[1].isoformat()}
        )
    out["deadline"] = deadline

    position = spec.get("responsible_position")
    if position is not None and not isinstance(position, Position):
        position = Position.objects.filter(pk=position, regency_id=regency_id).first()
        if position is None:
            errors["responsible_position"].append(_("Unknown responsible position."))
    if position is not None and position.regency_id != regency_id:
        errors["responsible_position"].append(_("The position belongs to another regency."))
    out["responsible_position"] = position

    units = []
    for unit in spec.get("contributing_units") or []:
        if not isinstance(unit, Unit):
            unit = Unit.objects.filter(pk=unit, regency_id=regency_id).first()
            if unit is None:
                errors["contributing_units"].append(_("Unknown contributing unit."))
                continue
        if unit.regency_id != regency_id:
            errors["contributing_units"].append(
                _("A contributing unit belongs to another regency.")
            )
        elif unit not in units:
            units.append(unit)
    out["contributing_units"] = units
    if errors:
        raise ValidationError(dict(errors))
    return out


# --- Drafting ------------------------------------------------------------------------


def _infer_kind(parties: Sequence[Position]) -> str:
    """Two parties where the first is the regent or heads an ancestor of the second's unit
    make a vertical agreement; anything else is joint."""
    if len(parties) != 2:
        return AgreementKind.JOINT
    superior, head = parties
    if superior.level in REGENT_LEVELS:
        return AgreementKind.VERTICAL
    if superior.is_head and head.unit.path.startswith(superior.unit.path):
        return AgreementKind.VERTICAL
    return AgreementKind.JOINT


def _check_parties(parties: Sequence[Position], regency_id: int, kind: str) -> None:
    if len(parties) < 2:
        raise ValidationError(_("An agreement needs at least two parties."))
    if len({p.pk for p in parties}) != len(parties):
        raise ValidationError(_("A position can be a party only once."))
    if any(p.regency_id != regency_id for p in parties):
        raise ValidationError(_("Every party must be a position of this regency."))
    if kind == AgreementKind.VERTICAL and len(parties) != 2:
        raise ValidationError(
            _("A vertical agreement has exactly two parties: the superior and the unit head.")
        )


def _write_parties(version: AgreementVersion, parties: Sequence[Position]) -> None:
    version.parties.all().delete()
    roles = (
        [PartyRole.FIRST, PartyRole.SECOND]
        if version.kind == AgreementKind.VERTICAL
        else [PartyRole.PARTY] * len(parties)
    )
    Party.objects.bulk_create(
        [
            Party(
                version=version,
                order=i,
                role=role,
                position=p,
                position_code=p.code,
                position_title=p.title,
                unit=p.unit,
                unit_code=p.unit.code,
                unit_name=p.unit.name,
            )
            for i, (p, role) in enumerate(zip(parties, roles, strict=True), start=1)
        ]
    )


def _write_terms(
    version: AgreementVersion, indicator: Indicator, spec: dict, order: int
) -> IndicatorTerms:
    position = spec["responsible_position"]
    terms = IndicatorTerms.objects.create(
        version=version,
        indicator=indicator,
        order=order,
        sasaran=spec["sasaran"],
        name=spec["name"],
        unit_of_measure=spec["unit_of_measure"],
        baseline=spec["baseline"],
        target=spec["target"],
        target_high=spec["target_high"],
        q1=spec["q1"],
        q2=spec["q2"],
        q3=spec["q3"],
        q4=spec["q4"],
        polarity=spec["polarity"],
        aggregation=spec["aggregation"],
        deadline=spec["deadline"],
        responsible_position=position,
        responsible_code=position.code if position else "",
        responsible_title=position.title if position else "",
        responsible_unit=position.unit if position else None,
        programme=spec["programme"],
        budget=spec["budget"],
    )
    Contribution.objects.bulk_create(
        [
            Contribution(terms=terms, unit=u, unit_code=u.code, unit_name=u.name)
            for u in spec["contributing_units"]
        ]
    )
    return terms


def _next_indicator_number(agreement: Agreement) -> int:
    last = agreement.indicators.order_by("-number").values_list("number", flat=True).first()
    return (last or 0) + 1


def _refresh_units(agreement: Agreement) -> None:
    """The units taking part: parties' units and contributing units of the newest version."""
    version = agreement.current_version
    unit_ids = set(version.parties.values_list("unit_id", flat=True))
    unit_ids |= set(
        Contribution.objects.filter(terms__version=version).values_list("unit_id", flat=True)
    )
    unit_ids |= set(
        version.indicator_terms.exclude(responsible_unit=None).values_list(
            "responsible_unit_id", flat=True
        )
    )
    agreement.units.set(unit_ids)


def _sync_unsigned_terms(agreement: Agreement) -> None:
    """Before any version is signed, each indicator shows the newest version's terms."""
    if agreement.active_version_id:
        return
    latest = {
        t.indicator_id: t for t in agreement.current_version.indicator_terms.only("id", "indicator")
    }
    indicators = list(agreement.indicators.all())
    for ind in indicators:
        ind.terms = latest.get(ind.pk)
        ind.is_active = ind.pk in latest
    Indicator.objects.bulk_update(indicators, ["terms", "is_active"])


def _owner_unit(kind: str, parties: Sequence[Position], cluster) -> Unit:
    if kind == AgreementKind.VERTICAL:
        return parties[1].unit
    if cluster is not None:
        return cluster.lead_unit
    return parties[0].unit


def _source_ref(source) -> tuple[str, str]:
    if source is None:
        return "", ""
    if isinstance(source, Model):
        return f"{source._meta.app_label}.{source._meta.model_name}", str(source.pk)
    return "api", str(source)[:64]


@transaction.atomic
def create_draft_agreement(
    *,
    regency,
    title: str,
    year: int,
    parties: list[Position],
    indicators: list[dict],
    created_by,
    source=None,
    kind: str | None = None,
    cluster=None,
) -> Agreement:
    """A new agreement in draft: version 1 with its parties (positions, in order: for a
    vertical agreement the superior first, then the unit head) and indicators."""
    title = (title or "").strip()
    if not title:
        raise ValidationError(_("The agreement needs a title."))
    if not (2000 <= int(year) <= 2100):
        raise ValidationError(_("The year is out of range."))
    kind = kind or _infer_kind(parties)
    _check_parties(parties, regency.pk, kind)
    period = (datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    specs = []
    for i, spec in enumerate(indicators, start=1):
        try:
            specs.append(clean_indicator(spec, regency_id=regency.pk, period=period))
        except ValidationError as exc:
            raise ValidationError(
                _("Indicator %(n)s: %(problems)s") % {"n": i, "problems": " ".join(exc.messages)}
            ) from None
    source_type, source_id = _source_ref(source)
    agreement = Agreement.objects.create(
        regency=regency,
        kind=kind,
        title=title,
        year=year,
        owner_unit=_owner_unit(kind, parties, cluster),
        cluster=cluster,
        source_type=source_type,
        source_id=source_id,
        created_by=created_by,
    )
    version = AgreementVersion.objects.create(
        regency=regency,
        agreement=agreement,
        number=1,
        kind=kind,
        title=title,
        year=year,
        period_start=period[0],
        period_end=period[1],
        created_by=created_by,
    )
    _write_parties(version, parties)
    for order, spec in enumerate(specs, start=1):
        indicator = Indicator.objects.create(regency=regency, agreement=agreement, number=order)
        _write_terms(version, indicator, spec, order)
    agreement.current_version = version
    agreement.save(update_fields=["current_version"])
    _refresh_units(agreement)
    _sync_unsigned_terms(agreement)
    record(
        regency=regency,
        kind="agreements.drafted",
        subject=agreement,
        actor=created_by,
        payload={
            "title": title,
            "year": year,
            "kind": kind,
            "parties": [p.pk for p in parties],
            "source": f"{source_type}:{source_id}" if source_type else "",
        },
    )
    return agreement


def draft_version(agreement: Agreement) -> AgreementVersion:
    """The version being written; raises when the newest version is frozen."""
    version = agreement.current_version
    if agreement.status == AgreementStatus.CLOSED:
        raise ValidationError(_("This agreement is closed."))
    if version is None or version.status != VersionStatus.DRAFT:
        raise ValidationError(
            _(
                "This version has been sent for signing and cannot change; "
                "make an amendment (a new version) instead."
            )
        )
    return version


@transaction.atomic
def update_draft(
    *,
    agreement: Agreement,
    actor,
    title: str,
    parties: list[Position] | None = None,
    amendment_reason: str | None = None,
) -> AgreementVersion:
    """Change the draft's title, parties or amendment reason."""
    version = draft_version(agreement)
    title = (title or "").strip()
    if not title:
        raise ValidationError(_("The agreement needs a title."))
    version.title = title
    if amendment_reason is not None and version.number > 1:
        version.amendment_reason = amendment_reason.strip()
    version.save(update_fields=["title", "amendment_reason"])
    if parties is not None:
        _check_parties(parties, agreement.regency_id, version.kind)
        _write_parties(version, parties)
    agreement.title = title
    if agreement.kind == AgreementKind.VERTICAL and parties is not None:
        agreement.owner_unit = parties[1].unit
    agreement.save(update_fields=["title", "owner_unit"])
    _refresh_units(agreement)
    return version


@transaction.atomic
def add_indicator(*, agreement: Agreement, actor, spec: dict) -> Indicator:
    """A new indicator on the draft version."""
    version = draft_version(agreement)
    clean = clean_indicator(
        spec, regency_id=agreement.regency_id, period=(version.period_start, version.period_end)
    )
    number = _next_indicator_number(agreement)
    indicator = Indicator.objects.create(
        regency_id=agreement.regency_id, agreement=agreement, number=number
    )
    order = (version.indicator_terms.count() or 0) + 1
    _write_terms(version, indicator, clean, order)
    _refresh_units(agreement)
    _sync_unsigned_terms(agreement)
    return indicator


@transaction.atomic
def update_indicator(*, agreement: Agreement, indicator: Indicator, actor, spec: dict) -> None:
    """Rewrite an indicator's terms on the draft version (its identity stays)."""
    version = draft_version(agreement)
    clean = clean_indicator(
        spec, regency_id=agreement.regency_id, period=(version.period_start, version.period_end)
    )
    old = version.indicator_terms.filter(indicator=indicator).first()
    order = old.order if old else version.indicator_terms.count() + 1
    if old is not None:
        old.delete()
    _write_terms(version, indicator, clean, order)
    _refresh_units(agreement)
    _sync_unsigned_terms(agreement)


@transaction.atomic
def remove_indicator(*, agreement: Agreement, indicator: Indicator, actor) -> None:
    """Drop an indicator from the draft version; a new, unused one is deleted entirely."""
    version = draft_version(agreement)
    version.indicator_terms.filter(indicator=indicator).delete()
    remaining = list(version.indicator_terms.order_by("order"))
    for i, terms in enumerate(remaining, start=1):
        terms.order = i
    IndicatorTerms.objects.bulk_update(remaining, ["order"])
    if not IndicatorTerms.objects.filter(indicator=indicator).exists():
        try:
            with transaction.atomic():
                indicator.delete()
        except ProtectedError:
            pass  # another app points to it: keep the identity, out of force
    _refresh_units(agreement)
    _sync_unsigned_terms(agreement)


# --- Circulating, signing, activation ---------------------------------------------------


def _new_short_code() -> str:
    while True:
        code = "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(SHORT_CODE_LENGTH))
        if not AgreementVersion.objects.filter(short_code=code).exists():
            return code


@transaction.atomic
def send_for_signing(*, agreement: Agreement, actor) -> AgreementVersion:
    """Freeze the draft: compute its document id and send it to every party to sign."""
    version = draft_version(agreement)
    version = AgreementVersion.objects.select_for_update().get(pk=version.pk)
    parties = list(version.parties.all())
    _check_parties([p.position for p in parties], agreement.regency_id, version.kind)
    if not version.indicator_terms.exists():
        raise ValidationError(_("Add at least one indicator before sending for signing."))
    document = canonical.load_document(version.pk)
    version.document_hash = canonical.document_hash(document)
    version.status = VersionStatus.CIRCULATING
    version.circulated_at = timezone.now()
    version.short_code = _new_short_code()
    version.save(update_fields=["document_hash", "status", "circulated_at", "short_code"])
    if agreement.active_version_id is None:
        agreement.status = AgreementStatus.CIRCULATING
        agreement.save(update_fields=["status"])
    record(
        regency=agreement.regency_id,
        kind="agreements.circulated",
        subject=version,
        actor=actor,
        payload={
            "agreement": agreement.pk,
            "version": version.number,
            "document_hash": version.document_hash,
            "short_code": version.short_code,
            "document": document,
        },
    )
    from superteam.agreements.tasks import notify_signers

    transaction.on_commit(lambda: notify_signers.enqueue(version.pk))
    return version


def party_positions_held(version: AgreementVersion, person, day=None) -> list[Party]:
    """The parties of a version whose position the person holds on the day (today)."""
    held = set(
        Assignment.objects.current(day)
        .filter(person=person, position_id__in=version.parties.values("position_id"))
        .values_list("position_id", flat=True)
    )
    return [p for p in version.parties.order_by("order") if p.position_id in held]


def _attempts_key(person) -> str:
    return f"agreements:sign-attempts:{person.pk}"


def signing_locked(person) -> bool:
    return cache.get(_attempts_key(person), 0) >= SIGN_ATTEMPTS


def _note_wrong_password(person) -> None:
    key = _attempts_key(person)
    if cache.add(key, 1, SIGN_WINDOW_SECONDS):
        return
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, SIGN_WINDOW_SECONDS)


def _signable_party(agreement: Agreement, signer, position: Position | None):
    """The locked circulating version and the first unsigned party the signer holds."""
    version = AgreementVersion.objects.select_for_update().get(pk=agreement.current_version_id)
    if version.status != VersionStatus.CIRCULATING:
        raise SigningError(_("This version is not circulating for signatures."))
    signed_parties = set(version.signatures.values_list("party_id", flat=True))
    candidates = [p for p in party_positions_held(version, signer) if p.pk not in signed_parties]
    if position is not None:
        candidates = [p for p in candidates if p.position_id == position.pk]
    if not candidates:
        raise SigningError(_("You hold no party position of this version that is still unsigned."))
    return version, candidates[0]


def _open_key(signer, password: str):
    """The signer's key in use (made now if they have none) and its private half."""
    key = keyring.active_key(signer)
    if key is None:
        key = keyring.create_key(person=signer, password=password)
    try:
        return key, keyring.unlock(key, password)
    except signing.WrongPassword:
        # The account password was set where the key could not follow: replace the key.
        key = keyring.follow_password(person=signer, password=password)
        return key, keyring.unlock(key, password)


@transaction.atomic
def sign_agreement(
    *, agreement: Agreement, signer, password: str, position: Position | None = None
) -> Signature:
    """Sign the circulating version for a party position the signer holds today, with the
    signer's password (which opens their key). A wrong password writes nothing."""
    if signing_locked(signer):
        raise SigningError(_("Too many wrong passwords. Wait a quarter of an hour and try again."))
    version, party = _signable_party(agreement, signer, position)
    if not password or not check_password(password, signer.password):
        _note_wrong_password(signer)
        raise SigningError(_("The password is wrong. Nothing was signed."), code="wrong_password")
    key, private = _open_key(signer, password)
    return _sign(agreement, version, party, signer, key, private)


@transaction.atomic
def decline_agreement(
    *, agreement: Agreement, person, reason: str, position: Position | None = None
) -> AgreementVersion:
    """A party refuses to sign the circulating version, saying why: the version is marked
    declined (its signatures stay as they were) and nobody can sign it any more; the
    agreement goes back to draft unless a signed version is in force. The editors revise
    it as a new version (an amendment)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why you decline to sign.")]})
    version, party = _signable_party(agreement, person, position)
    version.status = VersionStatus.DECLINED
    version.declined_at = timezone.now()
    version.declined_by = person
    version.declined_party = party
    version.decline_reason = reason
    version.save(
        update_fields=["status", "declined_at", "declined_by", "declined_party", "decline_reason"]
    )
    if agreement.active_version_id is None:
        agreement.status = AgreementStatus.DRAFT
        agreement.save(update_fields=["status"])
    record(
        regency=agreement.regency_id,
        kind="agreements.declined",
        subject=version,
        actor=person,
        payload={
            "agreement": agreement.pk,
            "version": version.number,
            "document_hash": version.document_hash,
            "party": party.pk,
            "position": party.position_id,
            "person": person.pk,
            "reason": reason,
        },
    )
    from superteam.agreements.tasks import notify_declined

    transaction.on_commit(lambda: notify_declined.enqueue(version.pk))
    return version


@transaction.atomic
def sign_with_open_key(
    *, agreement: Agreement, signer, key, private_key, position: Position | None = None
) -> Signature:
    """Sign with a key its caller has already opened (the demo loader, the benchmark);
    the people's pages and the API always go through :func:`sign_agreement`."""
    version, party = _signable_party(agreement, signer, position)
    return _sign(agreement, version, party, signer, key, private_key)


def _sign(agreement, version, party, signer, key, private) -> Signature:
    document = canonical.load_document(version.pk)
    unchanged, _computed = canonical.matches(document, version.document_hash)
    if not unchanged:
        raise SigningError(
            _("The stored document no longer matches its id: it was changed. Nothing was signed.")
        )
    signed_at = timezone.now()
    raw = signing.sign(private, bytes.fromhex(version.document_hash))
    acting = (
        Assignment.objects.current(timezone.localdate(signed_at))
        .filter(person=signer, position_id=party.position_id, kind=AssignmentKind.ACTING)
        .exists()
    )
    signature = Signature.objects.create(
        regency_id=agreement.regency_id,
        version=version,
        party=party,
        position_id=party.position_id,
        signer=signer,
        signer_name=signer.full_name or signer.username,
        acting=acting,
        key=key,
        document_hash=version.document_hash,
        signature=signing.b64(raw),
        signed_at=signed_at,
    )
    record(
        regency=agreement.regency_id,
        kind="agreements.signed",
        subject=signature,
        actor=signer,
        payload=signature_payload(signature, key.fingerprint),
    )
    if not version.parties.filter(signatures__isnull=True).exists():
        _activate(agreement, version, actor=signer)
    return signature


def signature_payload(signature: Signature, fingerprint: str) -> dict:
    """What the ledger keeps of a signature (verification compares it with the row)."""
    return {
        "agreement": signature.version.agreement_id,
        "version": signature.version_id,
        "party": signature.party_id,
        "position": signature.position_id,
        "signer": signature.signer_id,
        "signer_name": signature.signer_name,
        "acting": signature.acting,
        "key": fingerprint,
        "document_hash": signature.document_hash,
        "signature": signature.signature,
        "signed_at": signature.signed_at,
    }


def _activate(agreement: Agreement, version: AgreementVersion, *, actor) -> None:
    now = timezone.now()
    previous = agreement.active_version
    if previous is not None and previous.pk != version.pk:
        previous.status = VersionStatus.SUPERSEDED
        previous.save(update_fields=["status"])
    version.status = VersionStatus.SIGNED
    version.signed_at = now
    version.save(update_fields=["status", "signed_at"])
    agreement.active_version = version
    agreement.status = AgreementStatus.ACTIVE
    agreement.title = version.title
    agreement.save(update_fields=["active_version", "status", "title"])
    in_force = {t.indicator_id: t for t in version.indicator_terms.only("id", "indicator")}
    indicators = list(agreement.indicators.all())
    for ind in indicators:
        ind.terms = in_force.get(ind.pk, ind.terms)
        ind.is_active = ind.pk in in_force
    Indicator.objects.bulk_update(indicators, ["terms", "is_active"])
    record(
        regency=agreement.regency_id,
        kind="agreements.activated",
        subject=version,
        actor=actor,
        payload={
            "agreement": agreement.pk,
            "version": version.number,
            "document_hash": version.document_hash,
            "replaces": previous.document_hash if previous else "",
        },
    )
    refresh_progress(agreement_ids=[agreement.pk])


@transaction.atomic
def amend_agreement(*, agreement: Agreement, actor, reason: str) -> AgreementVersion:
    """A new draft version copying the newest one (an amendment, or an addendum when the
    holder of a party position changed); it must be signed again by every party. While it
    is written and signed, the signed version stays in force."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.status == AgreementStatus.CLOSED:
        raise ValidationError(_("This agreement is closed."))
    current = agreement.current_version
    if current.status == VersionStatus.DRAFT:
        return current
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the agreement is amended."))
    if current.status == VersionStatus.CIRCULATING:
        current.status = VersionStatus.SUPERSEDED
    current.is_current = False
    current.save(update_fields=["status", "is_current"])
    new = AgreementVersion.objects.create(
        regency_id=agreement.regency_id,
        agreement=agreement,
        number=current.number + 1,
        kind=current.kind,
        title=current.title,
        year=current.year,
        period_start=current.period_start,
        period_end=current.period_end,
        previous_hash=current.document_hash,
        amendment_reason=reason,
        created_by=actor,
    )
    # Parties are written afresh from the organisation of today (titles may have changed).
    positions = [
        p.position for p in current.parties.select_related("position__unit").order_by("order")
    ]
    _write_parties(new, positions)
    for terms in current.indicator_terms.select_related(
        "responsible_position__unit"
    ).prefetch_related("contributions__unit"):
        spec = {
            "sasaran": terms.sasaran,
            "name": terms.name,
            "unit_of_measure": terms.unit_of_measure,
            "baseline": terms.baseline,
            "target": terms.target,
            "target_high": terms.target_high,
            "q1": terms.q1,
            "q2": terms.q2,
            "q3": terms.q3,
            "q4": terms.q4,
            "polarity": terms.polarity,
            "aggregation": terms.aggregation,
            "deadline": terms.deadline,
            "responsible_position": terms.responsible_position,
            "contributing_units": [c.unit for c in terms.contributions.all()],
            "programme": terms.programme,
            "budget": terms.budget,
        }
        _write_terms(new, terms.indicator, spec, terms.order)
    agreement.current_version = new
    if agreement.active_version_id is None:
        agreement.status = AgreementStatus.DRAFT
    agreement.save(update_fields=["current_version", "status"])
    _refresh_units(agreement)
    _sync_unsigned_terms(agreement)
    record(
        regency=agreement.regency_id,
        kind="agreements.amended",
        subject=new,
        actor=actor,
        payload={
            "agreement": agreement.pk,
            "from_version": current.number,
            "to_version": new.number,
            "previous_hash": current.document_hash,
            "reason": reason,
        },
    )
    return new


@transaction.atomic
def start_addendum(*, agreement: Agreement, actor) -> AgreementVersion:
    """An addendum for a new holder of a party position: the same content as a new version,
    sent at once for every party to sign."""
    amend_agreement(
        agreement=agreement,
        actor=actor,
        reason=_("Addendum: change of the holder of a party position."),
    )
    agreement.refresh_from_db()
    return send_for_signing(agreement=agreement, actor=actor)


@transaction.atomic
def close_agreement(*, agreement: Agreement, actor) -> Agreement:
    """End of the period: no more changes or realisation values."""
    if agreement.status == AgreementStatus.CLOSED:
        return agreement
    agreement.status = AgreementStatus.CLOSED
    agreement.closed_at = timezone.now()
    agreement.save(update_fields=["status", "closed_at"])
    record(
        regency=agreement.regency_id,
        kind="agreements.closed",
        subject=agreement,
        actor=actor,
        payload={"active_version": agreement.active_version_id},
    )
    return agreement


# --- Realisation and progress -------------------------------------------------------


EVIDENCE_SIGNATURES = [
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"PK\x03\x04", "application/zip", "zip"),
]


def sniff_evidence(uploaded) -> tuple[str, str]:
    """(content type, extension) of an evidence file from its first bytes, or a
    ValidationError: PDF, JPEG, PNG, WebP, or an Office document (xlsx, docx, pptx)."""
    if uploaded.size > MAX_EVIDENCE_BYTES:
        raise ValidationError(
            _("The evidence file is larger than %(mb)s MB.")
            % {"mb": MAX_EVIDENCE_BYTES // (1024 * 1024)}
        )
    uploaded.seek(0)
    head = uploaded.read(4096)
    uploaded.seek(0)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    for magic, content_type, ext in EVIDENCE_SIGNATURES:
        if head.startswith(magic):
            if ext == "zip":
                return _office_type(uploaded)
            return content_type, ext
    raise ValidationError(
        _("This file type is not accepted as evidence: use PDF, JPEG, PNG, WebP or an Office file.")
    )


def _office_type(uploaded) -> tuple[str, str]:
    import zipfile

    try:
        with zipfile.ZipFile(uploaded) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        names = set()
    finally:
        uploaded.seek(0)
    if "[Content_Types].xml" in names:
        for prefix, ext, ctype in (
            ("xl/", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (
                "word/",
                "docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ),
            (
                "ppt/",
                "pptx",
                "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            ),
        ):
            if any(n.startswith(prefix) for n in names):
                return ctype, ext
    raise ValidationError(
        _("This file type is not accepted as evidence: use PDF, JPEG, PNG, WebP or an Office file.")
    )


def _file_digest(uploaded) -> str:
    h = hashlib.sha256()
    uploaded.seek(0)
    for chunk in uploaded.chunks() if hasattr(uploaded, "chunks") else [uploaded.read()]:
        h.update(chunk)
    uploaded.seek(0)
    return h.hexdigest()


@transaction.atomic
def record_realisation(
    *,
    indicator: Indicator,
    period_end: datetime.date,
    value: Decimal,
    actor,
    evidence=None,
    note: str = "",
    source=None,
    refresh: bool = True,
) -> Realisation:
    """Enter the value an indicator reached in the period ending on ``period_end``. With a
    ``source`` (a model instance, e.g. a report, or an idempotency key) a repeated call
    returns the stored entry (and corrects it when the value changed). ``refresh=False``
    leaves the progress rollup to the caller (bulk loading)."""
    indicator = Indicator.objects.select_related("agreement", "terms__version").get(pk=indicator.pk)
    agreement = indicator.agreement
    if agreement.status != AgreementStatus.ACTIVE or agreement.active_version_id is None:
        raise ValidationError(
            _("Realisation can be entered only for an agreement in force (signed by every party).")
        )
    if not indicator.is_active or indicator.terms is None:
        raise ValidationError(_("This indicator is no longer in force."))
    period = indicator.terms.version
    if isinstance(period_end, str):
        period_end = datetime.date.fromisoformat(period_end)
    if not (period.period_start <= period_end <= period.period_end):
        raise ValidationError(
            _("The period must end within the agreement's period (%(start)s – %(end)s).")
            % {"start": period.period_start.isoformat(), "end": period.period_end.isoformat()}
        )
    if period_end > timezone.localdate():
        raise ValidationError(
            {
                "period_end": [
                    _(
                        "The period ending %(date)s has not ended yet: enter its value once it "
                        "has ended."
                    )
                    % {"date": date_format(period_end, "SHORT_DATE_FORMAT")}
                ]
            }
        )
    value = _decimal(value, _("Value"), required=True)
    if value < 0:
        # Targets are never negative (clean_indicator), so neither is what reaches them.
        raise ValidationError({"value": [_("The value cannot be negative.")]})
    source_type, source_id = _source_ref(source)
    evidence_type = evidence_name = evidence_digest = ""
    if evidence is not None:
        evidence_type, _ext = sniff_evidence(evidence)
        evidence_name = (getattr(evidence, "name", "") or "evidence")[-200:]
        evidence_digest = _file_digest(evidence)
    if source_type:
        existing = (
            Realisation.objects.select_for_update()
            .filter(indicator=indicator, source_type=source_type, source_id=source_id)
            .first()
        )
        if existing is not None:
            if existing.value == value and existing.period_end == period_end:
                return existing
            existing.value, existing.period_end, existing.note = value, period_end, note
            existing.save(update_fields=["value", "period_end", "note"])
            _make_current(existing)
            record(
                regency=indicator.regency_id,
                kind="agreements.realisation_corrected",
                subject=existing,
                actor=actor,
                payload={
                    "indicator": indicator.pk,
                    "period_end": period_end,
                    "value": value,
                    "source": f"{source_type}:{source_id}",
                },
            )
            if refresh:
                refresh_progress(agreement_ids=[agreement.pk])
            return existing
    entry = Realisation(
        regency_id=indicator.regency_id,
        indicator=indicator,
        period_end=period_end,
        value=value,
        note=(note or "").strip(),
        entered_by=actor,
        source_type=source_type,
        source_id=source_id,
        evidence_name=evidence_name,
        evidence_type=evidence_type,
    )
    if evidence is not None:
        entry.evidence.save(evidence_name.rsplit("/", 1)[-1], evidence, save=False)
    entry.save()
    _make_current(entry)
    record(
        regency=indicator.regency_id,
        kind="agreements.realisation",
        subject=entry,
        actor=actor,
        payload={
            "indicator": indicator.pk,
            "agreement": agreement.pk,
            "period_end": period_end,
            "value": value,
            "evidence_sha256": evidence_digest,
            "source": f"{source_type}:{source_id}" if source_type else "",
        },
    )
    if refresh:
        refresh_progress(agreement_ids=[agreement.pk])
    return entry


def _make_current(entry: Realisation) -> None:
    Realisation.objects.filter(
        indicator_id=entry.indicator_id, period_end=entry.period_end, is_current=True
    ).exclude(pk=entry.pk).update(is_current=False)
    if not entry.is_current:
        entry.is_current = True
        entry.save(update_fields=["is_current"])


def realisation_series(indicator_ids: Iterable[int]) -> dict[int, list[tuple]]:
    """Current values of many indicators, (period end, value) in order, in one query."""
    series: dict[int, list[tuple]] = defaultdict(list)
    for iid, day, value in (
        Realisation.objects.filter(indicator_id__in=list(indicator_ids), is_current=True)
        .order_by("indicator_id", "period_end")
        .values_list("indicator_id", "period_end", "value")
    ):
        series[iid].append((day, value))
    return series


def _save_rows(model, rows: list, fields: list[str]) -> None:
    """Write only rows that changed; a few are quicker one by one than as one CASE update."""
    if len(rows) > 20:
        model.objects.bulk_update(rows, fields, batch_size=500)
        return
    for row in rows:
        model.objects.filter(pk=row.pk).update(**{f: getattr(row, f) for f in fields})


@transaction.atomic
def refresh_progress(*, agreement_ids: Iterable[int], today: datetime.date | None = None) -> int:
    """Recompute the stored realisation, capaian and status of every indicator of these
    agreements and each agreement's rollup (pages read these, never raw values)."""
    today = today or timezone.localdate()
    ids = list(agreement_ids)
    agreements = {
        a.pk: a
        for a in Agreement.objects.filter(pk__in=ids).only(
            "id",
            "status",
            "regency_id",
            "capaian",
            "on_track_count",
            "at_risk_count",
            "late_count",
            "progress_on",
        )
    }
    indicators = list(
        Indicator.objects.filter(agreement_id__in=ids).select_related("terms__version")
    )
    series = realisation_series(i.pk for i in indicators)
    per_agreement: dict[int, list[Indicator]] = defaultdict(list)
    fields = ["realised", "capaian", "progress", "progress_on", "last_period_end"]
    changed = []
    for ind in indicators:
        before = tuple(getattr(ind, f) for f in fields)
        agreement = agreements[ind.agreement_id]
        terms = ind.terms
        live = (
            ind.is_active
            and terms is not None
            and agreement.status in (AgreementStatus.ACTIVE, AgreementStatus.CLOSED)
        )
        values = series.get(ind.pk, [])
        if not live:
            ind.realised = ind.capaian = ind.last_period_end = None
            ind.progress = ""
        else:
            ind.realised = achievement.aggregate(values, terms.aggregation)
            ind.capaian = achievement.capaian(
                polarity=terms.polarity,
                realised=ind.realised,
                target=terms.target,
                target_high=terms.target_high,
            )
            ind.progress = achievement.status(
                today=today,
                year=terms.version.year,
                deadline=terms.deadline,
                polarity=terms.polarity,
                aggregation=terms.aggregation,
                target=terms.target,
                target_high=terms.target_high,
                quarterly_targets=terms.quarterly_targets,
                values=values,
            )
            ind.last_period_end = values[-1][0] if values else None
            per_agreement[ind.agreement_id].append(ind)
        ind.progress_on = today
        if tuple(getattr(ind, f) for f in fields) != before:
            changed.append(ind)
    _save_rows(Indicator, changed, fields)
    rollup = ["capaian", "on_track_count", "at_risk_count", "late_count", "progress_on"]
    changed = []
    for pk, agreement in agreements.items():
        before = tuple(getattr(agreement, f) for f in rollup)
        live = per_agreement.get(pk, [])
        agreement.capaian = achievement.average_capaian([i.capaian for i in live])
        agreement.on_track_count = sum(1 for i in live if i.progress == achievement.ON_TRACK)
        agreement.at_risk_count = sum(1 for i in live if i.progress == achievement.AT_RISK)
        agreement.late_count = sum(1 for i in live if i.progress == achievement.LATE)
        agreement.progress_on = today
        if tuple(getattr(agreement, f) for f in rollup) != before:
            changed.append(agreement)
    _save_rows(Agreement, changed, rollup)
    return len(indicators)


def refresh_all_progress(*, regency, today: datetime.date | None = None) -> int:
    """The daily refresh: statuses move with the calendar even without new values."""
    ids = list(
        Agreement.objects.filter(
            regency=regency, status__in=[AgreementStatus.ACTIVE, AgreementStatus.CLOSED]
        ).values_list("pk", flat=True)
    )
    done = 0
    for start in range(0, len(ids), 200):
        done += refresh_progress(agreement_ids=ids[start : start + 200], today=today)
    return done


def indicators_of_unit(*, unit: Unit, year: int):
    """Indicators in force in the year for which the unit (or a sub-unit) is responsible
    or to which it contributes."""
    from django.db.models import Q

    in_force = Indicator.objects.filter(
        regency_id=unit.regency_id,
        is_active=True,
        agreement__year=year,
        agreement__status__in=[AgreementStatus.ACTIVE, AgreementStatus.CLOSED],
    )
    ids = in_force.filter(
        Q(terms__responsible_unit__path__startswith=unit.path) | Q(terms__contributions__unit=unit)
    ).values("pk")
    return Indicator.objects.filter(pk__in=ids)


def unit_achievement(*, unit: Unit, year: int) -> Decimal | None:
    """Capaian (%) of a unit in a year: the mean of its indicators' stored capaian, each
    counted at most 120 % (see achievement.AVERAGE_CAP); None without any value."""
    # Indicators without a value yet do not count (PostgreSQL's LEAST would skip the NULL).
    result = (
        indicators_of_unit(unit=unit, year=year)
        .filter(capaian__isnull=False)
        .aggregate(avg=Avg(Least("capaian", Value(achievement.AVERAGE_CAP))))["avg"]
    )
    if result is None:
        return None
    return Decimal(result).quantize(achievement.CENT)

"""Demo innovations for the Banyuwangi demo regency: originals at every stage, replications
(Smart Kampung and e-village budgeting by villages, the health cluster's "jemput bola"
outreach by health centres), evidence accepted, waiting and rejected over the last weeks,
and the demo accounts' own story (the pustu nurse's ideas and evidence).

Deterministic (seeded), idempotent (skips when the regency has innovations), fast (bulk
inserts; the few story steps go through the real services). Called by ``load_demo``.
"""

from __future__ import annotations

import datetime
import random

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from superteam.core.progress import Progress
from superteam.innovations import demo_data as D
from superteam.innovations import services
from superteam.innovations.models import (
    EventKind,
    Evidence,
    EvidenceStatus,
    InitiatorKind,
    Innovation,
    InnovationEvent,
    Stage,
)
from superteam.ledger.services import record
from superteam.org.models import Assignment, Person, PositionLevel, Unit
from superteam.scoring import services as scoring
from superteam.scoring.families import family_of
from superteam.scoring.models import Family, Side

DEMO_LINK = "https://arsip.demo.banyuwangikab.go.id"
REJECT_REASONS = [
    "Dokumen yang diunggah belum ditandatangani.",
    "SK yang dilampirkan untuk inovasi lain.",
    "Foto tidak menunjukkan kegiatan yang diklaim.",
    "Tautan tidak dapat dibuka.",
    "Level yang diklaim tidak sesuai isi dokumen.",
]


def _pdf(title: str, lines: list[str]) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("helvetica", "B", 14)
    pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=11)
    for line in lines:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


class Loader:
    def __init__(self, regency, stdout, rng: random.Random):
        self.regency, self.stdout, self.rng = regency, stdout, rng
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.units = {u.code: u for u in Unit.objects.filter(regency=regency)}
        self.by_id = {u.pk: u for u in self.units.values()}
        self.heads = {}
        for a in (
            Assignment.objects.current()
            .filter(regency=regency, position__level__in=[PositionLevel.HEAD, PositionLevel.KABID])
            .select_related("person", "position")
            .order_by("kind", "-start")
        ):
            self.heads.setdefault(a.position.unit_id, (a.position, a.person))
        verifier_ids = Assignment.objects.current().filter(
            regency=regency, position__is_verifier=True
        )
        self.verifiers = list(
            Person.objects.filter(pk__in=verifier_ids.values("person_id")).order_by("pk")
        )
        self.model = scoring.current_model(regency=regency)
        self.indicators = list(self.model.indicators.order_by("order"))
        self.innovation_codes = [i for i in self.indicators if i.side == Side.INNOVATION]
        self.institution_codes = [i for i in self.indicators if i.side == Side.INSTITUTION]

    # -- helpers ---------------------------------------------------------------------------

    def unit(self, ref: str) -> Unit:
        if ref.startswith("="):
            return next(u for u in self.units.values() if u.name == ref[1:])
        return self.units[ref]

    def scoring_unit(self, unit: Unit) -> Unit | None:
        for pk in [unit.pk, *reversed(unit.ancestor_ids)]:
            candidate = self.by_id.get(pk)
            if candidate is not None and family_of(candidate) is not None:
                return candidate
        return None

    def head(self, unit: Unit):
        """The head post and holder of a unit or of the nearest unit above it."""
        for pk in [unit.pk, *reversed(unit.ancestor_ids)]:
            if pk in self.heads:
                return self.heads[pk]
        return (None, None)

    def dates(self, year: int, stage: str) -> tuple:
        start = datetime.date(year, 1, 1) + datetime.timedelta(days=self.rng.randint(0, 300))
        start = min(start, self.today - datetime.timedelta(days=200))
        trial = implemented = None
        if stage in (Stage.UJI_COBA, Stage.PENERAPAN):
            trial = start + datetime.timedelta(days=self.rng.randint(30, 120))
        if stage == Stage.PENERAPAN:
            implemented = trial + datetime.timedelta(days=self.rng.randint(30, 150))
        return start, trial, implemented

    def innovation(
        self, unit: Unit, title, affair, form, digital, stage, start, trial, implemented, **kw
    ):
        position, person = self.head(unit)
        return Innovation(
            regency=self.regency,
            owner_unit=unit,
            scoring_unit=self.scoring_unit(unit),
            responsible_position=position,
            title=title,
            problem=kw.get("problem") or f"Masalah layanan yang ditangani {title}.",
            design=kw.get("design", ""),
            goals=kw.get("goals", ""),
            benefits=kw.get("benefits", ""),
            form=form,
            is_digital=digital,
            initiator_kind=kw.get("initiator_kind", InitiatorKind.AGENCY),
            initiator_name=kw.get("initiator_name", unit.name),
            affair=affair,
            stage=stage,
            initiated_on=start,
            trial_started_on=trial,
            implemented_on=implemented,
            beneficiaries=kw.get("beneficiaries", ""),
            beneficiary_count=kw.get("beneficiary_count"),
            replicated_from=kw.get("replicated_from"),
            video_url=kw.get("video_url", ""),
            created_by=person,
        )

    # -- the steps ----------------------------------------------------------------------------

    def originals(self) -> list[Innovation]:
        rows = []
        for (
            code,
            title,
            affair,
            form,
            digital,
            stage,
            year,
            problem,
            design,
            benefits,
            who,
            count,
        ) in D.ORIGINALS:
            unit = self.unit(code)
            start, trial, implemented = self.dates(year, stage)
            slug = title.lower().replace(" ", "-")
            rows.append(
                self.innovation(
                    unit,
                    title,
                    affair,
                    form,
                    digital,
                    stage,
                    start,
                    trial,
                    implemented,
                    problem=problem,
                    design=design,
                    goals=benefits,
                    benefits=benefits,
                    beneficiaries=who,
                    beneficiary_count=count,
                    video_url=f"https://video.demo.banyuwangikab.go.id/inovasi/{slug}"
                    if stage == Stage.PENERAPAN
                    else "",
                )
            )
        Innovation.objects.bulk_create(rows)
        return rows

    def members(self, family: str) -> list[Unit]:
        return sorted(
            (u for u in self.units.values() if family_of(u) == family and u.depth > 0),
            key=lambda u: u.code,
        )

    def replicas(self, originals: list[Innovation]) -> list[Innovation]:
        by_title = {o.title: o for o in originals}
        rows = []
        for title, family, count in D.REPLICATION_PLAN:
            original = by_title[title]
            candidates = [u for u in self.members(family) if u.pk != original.owner_unit_id]
            if family == Family.PUSKESMAS:
                # The outreach started at Genteng Kulon: the demo nurse's health centre.
                first = [u for u in candidates if u.code == "PKM-GENTENGKULON"]
                rest = [u for u in candidates if u.code != "PKM-GENTENGKULON"]
                candidates = first + self.rng.sample(rest, k=min(count - 1, len(rest)))
            else:
                candidates = self.rng.sample(candidates, k=min(count, len(candidates)))
            base = original.implemented_on or original.initiated_on
            for unit in candidates:
                lag = self.rng.randint(20, max(30, (self.today - base).days - 60))
                start = min(
                    base + datetime.timedelta(days=lag), self.today - datetime.timedelta(days=70)
                )
                stage = self.rng.choices(
                    [Stage.PENERAPAN, Stage.UJI_COBA, Stage.INISIATIF], weights=[70, 20, 10]
                )[0]
                if unit.code == "PKM-GENTENGKULON":
                    stage, start = Stage.PENERAPAN, self.today - datetime.timedelta(days=64)
                trial = start if stage != Stage.INISIATIF else None
                implemented = None
                if stage == Stage.PENERAPAN:
                    implemented = min(
                        start + datetime.timedelta(days=self.rng.randint(14, 60)),
                        self.today - datetime.timedelta(days=45),
                    )
                rows.append(
                    self.innovation(
                        unit,
                        original.title,
                        original.affair,
                        original.form,
                        original.is_digital,
                        stage,
                        start,
                        trial,
                        implemented,
                        problem=original.problem,
                        design=original.design,
                        goals=original.goals,
                        benefits=original.benefits,
                        initiator_name=original.owner_unit.name,
                        replicated_from=original,
                        beneficiaries=original.beneficiaries,
                        beneficiary_count=self.rng.randint(80, 900),
                    )
                )
        Innovation.objects.bulk_create(rows)
        return rows

    def own(self) -> list[Innovation]:
        rows = []
        for unit in self.members(Family.PUSKESMAS):
            for title, affair, digital in self.rng.sample(
                D.PUSKESMAS_OWN, k=self.rng.randint(0, 2)
            ):
                stage = self.rng.choices(
                    [Stage.PENERAPAN, Stage.UJI_COBA, Stage.INISIATIF], weights=[55, 25, 20]
                )[0]
                rows.append(self._own(unit, title, affair, digital, stage))
        villages = self.members(Family.VILLAGES)
        for unit in self.rng.sample(villages, k=40):
            title, affair, digital = self.rng.choice(D.VILLAGE_OWN)
            stage = self.rng.choices(
                [Stage.PENERAPAN, Stage.UJI_COBA, Stage.INISIATIF], weights=[50, 30, 20]
            )[0]
            rows.append(self._own(unit, title, affair, digital, stage))
        agencies = list(self.members(Family.AGENCIES))
        for unit in self.rng.sample(agencies, k=min(14, len(agencies))):
            # An agency's own division runs it: it counts for the agency.
            divisions = [
                u for u in self.units.values() if u.parent_id == unit.pk and u.kind == "bidang"
            ]
            owner = self.rng.choice(divisions) if divisions else unit
            title = f"Layanan {owner.name.removeprefix('Bidang ')} Terpadu"
            stage = self.rng.choices(
                [Stage.PENERAPAN, Stage.UJI_COBA, Stage.INISIATIF], weights=[60, 25, 15]
            )[0]
            rows.append(
                self._own(owner, title, "penunjang", self.rng.random() < 0.6, stage, form=D.TK)
            )
        Innovation.objects.bulk_create(rows)
        return rows

    def _own(self, unit, title, affair, digital, stage, form=D.PP):
        start, trial, implemented = self.dates(self.rng.randint(2019, 2025), stage)
        return self.innovation(
            unit,
            title,
            affair,
            form,
            digital,
            stage,
            start,
            trial,
            implemented,
            problem=f"{unit.name} melihat kebutuhan warga yang belum terlayani: {title.lower()}.",
            design=f"{title} dijalankan oleh {unit.name} bersama kader dan perangkat setempat.",
            benefits="Layanan lebih dekat dan lebih cepat.",
            beneficiaries="Warga wilayah kerja",
            beneficiary_count=self.rng.randint(50, 1500) if stage == Stage.PENERAPAN else None,
        )

    def events(self, innovations: list[Innovation]) -> None:
        rows = []
        for inn in innovations:
            position, person = self.head(inn.owner_unit)
            rows.append(
                InnovationEvent(
                    regency=self.regency,
                    innovation=inn,
                    kind=EventKind.CREATED,
                    stage_to=Stage.INISIATIF,
                    on=inn.initiated_on,
                    actor=person,
                    position=position,
                )
            )
            previous = Stage.INISIATIF
            for stage, day in (
                (Stage.UJI_COBA, inn.trial_started_on),
                (Stage.PENERAPAN, inn.implemented_on),
            ):
                if day:
                    rows.append(
                        InnovationEvent(
                            regency=self.regency,
                            innovation=inn,
                            kind=EventKind.STAGE,
                            stage_from=previous,
                            stage_to=stage,
                            on=day,
                            actor=person,
                            position=position,
                        )
                    )
                    previous = stage
            if inn.replicated_from_id:
                rows.append(
                    InnovationEvent(
                        regency=self.regency,
                        innovation=inn.replicated_from,
                        kind=EventKind.REPLICATED,
                        on=inn.initiated_on,
                        actor=person,
                        position=position,
                        related=inn,
                    )
                )
        InnovationEvent.objects.bulk_create(rows, batch_size=1000)

    def _verified_at(self, recent: bool) -> datetime.datetime:
        """When a verifier decided: most in the past year, a share in the last six weeks
        so that the weekly snapshots move."""
        if recent:
            seconds = self.rng.randint(3600, 42 * 86400)
        else:
            seconds = self.rng.randint(43 * 86400, 330 * 86400)
        return self.now - datetime.timedelta(seconds=seconds)

    def evidence(self, innovations: list[Innovation]) -> list[Evidence]:
        rows = []
        for inn in innovations:
            if inn.stage == Stage.INISIATIF:
                continue
            unit = inn.owner_unit
            _position, submitter = self.head(unit)
            if submitter is None:
                continue
            story = inn.title in D.STORY and (
                inn.replicated_from_id is None or unit.code == "PKM-GENTENGKULON"
            )
            n = self.rng.randint(5, 14) if inn.stage == Stage.PENERAPAN else self.rng.randint(1, 3)
            if story:
                n = self.rng.randint(14, 18)
            chosen = self.rng.sample(self.innovation_codes, k=min(n, len(self.innovation_codes)))
            recent_share = 0.8 if story else 0.5
            weights = [1, 3, 6] if story else [3, 4, 3]
            for ind in chosen:
                level = self.rng.choices(
                    range(1, ind.max_level + 1), weights=weights[: ind.max_level]
                )[0]
                status = self.rng.choices(
                    [EvidenceStatus.ACCEPTED, EvidenceStatus.PENDING, EvidenceStatus.REJECTED],
                    weights=[72, 16, 12],
                )[0]
                rows.append(self._evidence(unit, inn, ind, level, status, submitter, recent_share))
                if status == EvidenceStatus.REJECTED and self.rng.random() < 0.5:
                    rows.append(
                        self._evidence(
                            unit, inn, ind, level, EvidenceStatus.ACCEPTED, submitter, 1.0
                        )
                    )
        for unit in self.units.values():
            family = family_of(unit)
            if family is None:
                continue
            share = 0.15 if family == Family.VILLAGES else 0.75
            if self.rng.random() > share:
                continue
            _position, submitter = self.head(unit)
            if submitter is None:
                continue
            for ind in self.rng.sample(self.institution_codes, k=self.rng.randint(2, 6)):
                status = self.rng.choices(
                    [EvidenceStatus.ACCEPTED, EvidenceStatus.PENDING, EvidenceStatus.REJECTED],
                    weights=[75, 15, 10],
                )[0]
                level = self.rng.randint(1, ind.max_level)
                rows.append(self._evidence(unit, None, ind, level, status, submitter, 0.3))
        Evidence.objects.bulk_create(rows, batch_size=1000)
        # Backdate submissions to just before their decision (or the last days if waiting).
        for ev in rows:
            if ev.verified_at:
                ev.submitted_at = ev.verified_at - datetime.timedelta(
                    hours=self.rng.randint(4, 200)
                )
            else:
                ev.submitted_at = self.now - datetime.timedelta(hours=self.rng.randint(2, 240))
        Evidence.objects.bulk_update(rows, ["submitted_at"], batch_size=1000)
        return rows

    def _evidence(self, unit, inn, ind, level, status, submitter, recent_share):
        verified_at = verifier = None
        note = ""
        accepted_level = None
        if status != EvidenceStatus.PENDING:
            verified_at = self._verified_at(self.rng.random() < recent_share)
            verifier = self.rng.choice([v for v in self.verifiers if v.pk != submitter.pk])
            if status == EvidenceStatus.ACCEPTED:
                accepted_level = level if self.rng.random() < 0.85 else max(1, level - 1)
                note = "Sesuai." if self.rng.random() < 0.3 else ""
            else:
                note = self.rng.choice(REJECT_REASONS)
        slug = (inn.title if inn else unit.code).lower().replace(" ", "-")
        return Evidence(
            regency=self.regency,
            unit=unit,
            innovation=inn,
            indicator_code=ind.code,
            level=level,
            accepted_level=accepted_level,
            link=f"{DEMO_LINK}/{slug}/{ind.code}-{self.rng.randint(100, 999)}.pdf",
            status=status,
            submitted_by=submitter,
            verified_by=verifier,
            verified_at=verified_at,
            verifier_note=note,
        )

    def files(self, rows: list[Evidence]) -> None:
        """A few evidence files really stored (privately), so downloading can be tried."""
        picked = [
            ev
            for ev in rows
            if ev.innovation is not None
            and ev.innovation.title
            in ("Jemput Bola Kesehatan Lansia", "Smart Kampung", "e-Village Budgeting")
            and ev.innovation.replicated_from_id is None
        ][:12]
        for ev in picked:
            content = _pdf(
                f"Bukti dukung: {ev.innovation.title}",
                [
                    f"Indikator: {ev.indicator_code}, level {ev.level}",
                    f"Unit: {ev.unit.name}",
                    "Dokumen contoh untuk demo SuperTeam (data fiktif).",
                ],
            )
            ev.file.save("bukti.pdf", ContentFile(content), save=False)
            ev.file_name = f"{ev.indicator_code}-{ev.innovation.title}.pdf"[:200]
            ev.file_type = "application/pdf"
            ev.file_size = len(content)
            ev.link = ""
        Evidence.objects.bulk_update(
            picked, ["file", "file_name", "file_type", "file_size", "link"]
        )

    def story(self) -> None:
        """The demo accounts' own journey, through the real services."""
        staf = Person.objects.filter(username="staf").first()
        kadinkes = Person.objects.filter(username="kadinkes").first()
        verifikator = Person.objects.filter(username="verifikator").first()
        pkm = self.units.get("PKM-GENTENGKULON")
        if not (staf and kadinkes and verifikator and pkm):
            return
        for spec in D.IDEAS:
            idea = services.propose_idea(
                unit=pkm,
                proposer=staf,
                title=spec["title"],
                problem=spec["problem"],
                proposal=spec["proposal"],
                expected_benefit=spec["expected_benefit"],
                affair=spec["affair"],
            )
            if spec["decision"] == "promote":
                services.promote_idea(idea=idea, actor=kadinkes)
            elif spec["decision"] == "decline":
                services.decline_idea(idea=idea, actor=kadinkes, reason=spec["reason"])
        replica = Innovation.objects.filter(
            owner_unit=pkm, replicated_from__title="Jemput Bola Kesehatan Lansia"
        ).first()
        if replica is None:
            return
        accepted = services.submit_evidence(
            unit=pkm,
            innovation=replica,
            actor=staf,
            indicator_code="kemanfaatan",
            level=2,
            link=f"{DEMO_LINK}/jemput-bola-genteng-kulon/data-lansia-terlayani.xlsx",
            note="Rekap kunjungan rumah: 318 lansia terlayani sejak penerapan.",
        )
        services.verify_evidence(
            evidence=accepted,
            actor=verifikator,
            accept=True,
            note="Rekap sesuai register kunjungan.",
        )
        services.submit_evidence(
            unit=pkm,
            innovation=replica,
            actor=staf,
            indicator_code="sosialisasi",
            level=2,
            link="https://www.instagram.com/p/demo-jemput-bola-genteng",
            note="Unggahan akun resmi puskesmas tentang kunjungan lansia.",
        )


def load(*, regency, stdout, seed: int = 3510) -> None:
    """Create the demo innovations unless the regency already has some."""
    if Innovation.objects.filter(regency=regency).exists():
        stdout.write("Innovations: already loaded.\n")
        return
    rng = random.Random(seed)
    loader = Loader(regency, stdout, rng)
    with Progress(6, "Innovations", stdout) as bar, transaction.atomic():
        originals = loader.originals()
        bar.advance()
        replicas = loader.replicas(originals)
        own = loader.own()
        innovations = originals + replicas + own
        bar.advance()
        loader.events(innovations)
        bar.advance()
        rows = loader.evidence(innovations)
        bar.advance()
        loader.files(rows)
        scoring.recompute_regency(regency=regency)
        bar.advance()
        loader.story()
        record(
            regency=regency,
            kind="innovations.demo_loaded",
            payload={"innovations": len(innovations), "evidence": len(rows)},
        )
        bar.advance()
    stdout.write(
        f"Innovations: {len(innovations)} innovations ({len(replicas)} replications), "
        f"{len(rows)} pieces of evidence.\n"
    )

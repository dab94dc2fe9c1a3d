"""Demo agreements for the Banyuwangi demo regency (``manage.py load_demo``).

- A Perjanjian Kinerja 2026 between the regent (bupati) and the head of every agency and
  both RSUD, with realistic indicators and quarterly targets, signed by both parties.
  The health agency's was amended once (version 2), so versions can be compared.
- The joint agreement of the health cluster: the heads of Dinkes, both RSUD, Puskesmas
  Genteng Kulon and Dinas Sosial, including the "jemput bola" outreach to the elderly.
- A PK 2026 between the head of Dinkes and the kabid of health services, circulating:
  the demo accounts ``kadinkes`` and ``kabid`` can sign it (password ``superteam-demo``).
- Realisation values for the quarters that have ended, so charts show something.

How the demo signatures are made (docs/agreements.md): the demo accounts' keys are sealed
under their published password (``superteam-demo``), so a visitor signs with them like a
real user. The other signers are fictional people without any password: the loader makes
their keys under a demo-only passphrase, at a low Argon2id cost, and signs for them. All
these keys are marked as made by the demo loader, and every verification page says so.

Deterministic (seeded), idempotent (skips when loaded) and quick.
"""

from __future__ import annotations

import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from superteam.agreements import keyring, services, signing
from superteam.agreements.achievement import quarter_ends
from superteam.agreements.models import Agreement, KeyOrigin
from superteam.core.demo_accounts import DEMO_PASSWORD
from superteam.core.progress import Progress
from superteam.org.models import Person, Position, Unit

YEAR = 2026
# Fictional demo signers have no password: their keys are sealed under this published
# passphrase, at a low cost (they are demo data, never a real person's key).
DEMO_SIGNER_PASSPHRASE = "superteam-demo-signer"  # noqa: S105 - published on purpose
DEMO_SIGNER_KDF = signing.KdfParams(time_cost=1, memory_kib=8192, parallelism=1)
SOURCE = "demo"

D = Decimal


def _q(*values) -> list[Decimal]:
    return [D(str(v)) for v in values]


def ind(
    sasaran,
    name,
    uom,
    target,
    q,
    *,
    polarity="higher",
    aggregation="last",
    baseline=None,
    programme="",
    budget=None,
    target_high=None,
):
    return {
        "sasaran": sasaran,
        "name": name,
        "unit_of_measure": uom,
        "target": D(str(target)),
        "target_high": D(str(target_high)) if target_high is not None else None,
        "quarterly_targets": _q(*q) if q else [],
        "polarity": polarity,
        "aggregation": aggregation,
        "baseline": D(str(baseline)) if baseline is not None else None,
        "programme": programme,
        "budget": D(str(budget)) if budget is not None else None,
    }


GOAL_HEALTH = "Meningkatnya derajat kesehatan masyarakat"
GOAL_SERVICE = "Meningkatnya kualitas pelayanan publik"
GOAL_GOVERNANCE = "Meningkatnya akuntabilitas kinerja perangkat daerah"

CATALOGUE: dict[str, list[dict]] = {
    "DINKES": [
        ind(
            GOAL_HEALTH,
            "Persentase ibu hamil mendapat pelayanan kesehatan sesuai standar",
            "%",
            100,
            [85, 90, 95, 100],
            baseline=96.2,
            programme="Program Pemenuhan Upaya Kesehatan Perorangan dan Masyarakat",
            budget=18_750_000_000,
        ),
        ind(
            GOAL_HEALTH,
            "Prevalensi balita stunting",
            "%",
            12,
            [15, 14, 13, 12],
            polarity="lower",
            baseline=15.8,
            programme="Program Pemenuhan Upaya Kesehatan Perorangan dan Masyarakat",
            budget=6_200_000_000,
        ),
        ind(
            GOAL_HEALTH,
            "Angka kematian ibu",
            "per 100.000 KH",
            60,
            [60, 60, 60, 60],
            polarity="lower",
            baseline=74.5,
        ),
        ind(
            GOAL_HEALTH,
            "Cakupan kepesertaan Jaminan Kesehatan Nasional (UHC)",
            "%",
            98,
            [96, 96.5, 97, 98],
            baseline=95.4,
            programme="Program Pemenuhan Upaya Kesehatan Perorangan dan Masyarakat",
            budget=74_000_000_000,
        ),
    ],
    "DISPENDIK": [
        ind(
            "Meningkatnya kualitas pendidikan",
            "Angka partisipasi murni SD/MI",
            "%",
            99.5,
            [99, 99.2, 99.4, 99.5],
            baseline=98.9,
            programme="Program Pengelolaan Pendidikan",
            budget=41_500_000_000,
        ),
        ind(
            "Meningkatnya kualitas pendidikan",
            "Angka putus sekolah SMP/MTs",
            "%",
            0.2,
            [0.4, 0.3, 0.25, 0.2],
            polarity="lower",
            baseline=0.45,
        ),
        ind(
            "Meningkatnya kualitas pendidikan",
            "Jumlah guru yang mengikuti pelatihan kompetensi",
            "orang",
            1200,
            [200, 500, 900, 1200],
            aggregation="sum",
            programme="Program Pendidik dan Tenaga Kependidikan",
            budget=2_300_000_000,
        ),
    ],
    "DINSOS": [
        ind(
            "Menurunnya jumlah penduduk miskin",
            "Persentase PPKS yang mendapat bantuan sosial",
            "%",
            85,
            [60, 70, 78, 85],
            baseline=72,
            programme="Program Perlindungan dan Jaminan Sosial",
            budget=9_800_000_000,
        ),
        ind(
            "Menurunnya jumlah penduduk miskin",
            "Jumlah keluarga penerima manfaat yang didampingi",
            "KK",
            3600,
            [900, 1800, 2700, 3600],
            aggregation="sum",
        ),
        ind(
            "Meningkatnya kesetaraan gender",
            "Indeks pembangunan gender",
            "indeks",
            92.5,
            [92.5, 92.5, 92.5, 92.5],
            baseline=91.8,
        ),
    ],
    "PU-PENGAIRAN": [
        ind(
            "Meningkatnya ketahanan air",
            "Persentase jaringan irigasi dalam kondisi baik",
            "%",
            78,
            [72, 74, 76, 78],
            baseline=70.5,
            programme="Program Pengelolaan Sumber Daya Air",
            budget=28_000_000_000,
        ),
        ind(
            "Meningkatnya ketahanan air",
            "Panjang saluran irigasi yang direhabilitasi",
            "km",
            45,
            [5, 18, 32, 45],
            aggregation="sum",
        ),
    ],
    "PU-CIPTAKARYA": [
        ind(
            "Meningkatnya kualitas permukiman",
            "Persentase rumah tangga dengan akses air minum layak",
            "%",
            94,
            [91, 92, 93, 94],
            baseline=90.2,
            programme="Program Pengelolaan dan Pengembangan Sistem Penyediaan Air Minum",
            budget=15_400_000_000,
        ),
        ind(
            "Meningkatnya kualitas permukiman",
            "Jumlah rumah tidak layak huni yang diperbaiki",
            "unit",
            850,
            [100, 350, 600, 850],
            aggregation="sum",
            programme="Program Kawasan Permukiman",
            budget=17_000_000_000,
        ),
    ],
    "DISHUB": [
        ind(
            "Meningkatnya keselamatan transportasi",
            "Angka kecelakaan lalu lintas",
            "kejadian",
            410,
            [110, 210, 310, 410],
            polarity="lower",
            aggregation="sum",
            baseline=452,
        ),
        ind(
            GOAL_SERVICE,
            "Persentase kendaraan wajib uji yang lulus uji berkala",
            "%",
            92,
            [88, 89, 91, 92],
        ),
    ],
    "DLH": [
        ind(
            "Meningkatnya kualitas lingkungan hidup",
            "Persentase sampah yang tertangani",
            "%",
            75,
            [68, 70, 73, 75],
            baseline=66.4,
            programme="Program Pengelolaan Persampahan",
            budget=12_600_000_000,
        ),
        ind(
            "Meningkatnya kualitas lingkungan hidup",
            "Indeks kualitas air",
            "indeks",
            55,
            [55, 55, 55, 55],
            baseline=52.1,
        ),
    ],
    "DISPENDUKCAPIL": [
        ind(
            GOAL_SERVICE,
            "Persentase penduduk wajib KTP yang memiliki KTP-el",
            "%",
            99.6,
            [99.3, 99.4, 99.5, 99.6],
            baseline=99.1,
        ),
        ind(
            GOAL_SERVICE, "Persentase akta kelahiran anak 0–18 tahun", "%", 97, [95, 95.5, 96.2, 97]
        ),
        ind(
            GOAL_SERVICE,
            "Waktu rata-rata penerbitan dokumen kependudukan",
            "hari",
            1,
            [1, 1, 1, 1],
            polarity="lower",
            aggregation="average",
            baseline=2,
        ),
    ],
    "DISBUDPAR": [
        ind(
            "Meningkatnya kontribusi pariwisata bagi ekonomi daerah",
            "Jumlah kunjungan wisatawan",
            "orang",
            5_200_000,
            [1_100_000, 2_400_000, 3_800_000, 5_200_000],
            aggregation="sum",
            baseline=4_800_000,
            programme="Program Pemasaran Pariwisata",
            budget=8_900_000_000,
        ),
        ind(
            "Meningkatnya kontribusi pariwisata bagi ekonomi daerah",
            "Jumlah event Banyuwangi Festival yang terselenggara",
            "event",
            80,
            [15, 35, 60, 80],
            aggregation="sum",
        ),
    ],
    "DISPERTAN": [
        ind(
            "Meningkatnya ketahanan pangan",
            "Produktivitas padi",
            "kuintal/ha",
            64,
            [62, 63, 63.5, 64],
            baseline=61.7,
        ),
        ind(
            "Meningkatnya ketahanan pangan",
            "Skor Pola Pangan Harapan",
            "skor",
            91,
            [91, 91, 91, 91],
            baseline=89.6,
        ),
    ],
    "DPMPTSP": [
        ind(
            GOAL_SERVICE,
            "Indeks kepuasan masyarakat terhadap layanan perizinan",
            "indeks",
            88,
            [85, 86, 87, 88],
            aggregation="average",
            baseline=84.3,
        ),
        ind(
            "Meningkatnya investasi",
            "Nilai realisasi investasi",
            "miliar rupiah",
            4500,
            [900, 2000, 3200, 4500],
            aggregation="sum",
        ),
    ],
    "DISKOMINFO": [
        ind(GOAL_SERVICE, "Indeks SPBE", "indeks", 3.8, [3.8, 3.8, 3.8, 3.8], baseline=3.62),
        ind(
            GOAL_SERVICE,
            "Persentase perangkat daerah yang terhubung jaringan intra pemerintah",
            "%",
            100,
            [90, 95, 100, 100],
            baseline=88,
        ),
    ],
    "BPBD": [
        ind(
            "Menurunnya risiko bencana",
            "Indeks risiko bencana",
            "indeks",
            128,
            [128, 128, 128, 128],
            polarity="lower",
            baseline=134.2,
        ),
        ind(
            "Menurunnya risiko bencana",
            "Waktu tanggap darurat bencana",
            "jam",
            6,
            [6, 6, 6, 6],
            polarity="lower",
            aggregation="average",
        ),
    ],
}
GENERIC = [
    ind(
        GOAL_GOVERNANCE,
        "Nilai SAKIP perangkat daerah",
        "nilai",
        80,
        [],
        baseline=76.5,
        programme="Program Penunjang Urusan Pemerintahan Daerah",
        budget=450_000_000,
    ),
    ind(GOAL_GOVERNANCE, "Persentase realisasi anggaran", "%", 95, [20, 45, 70, 95], baseline=91.3),
    ind(
        GOAL_SERVICE,
        "Indeks kepuasan masyarakat",
        "indeks",
        85,
        [82, 83, 84, 85],
        aggregation="average",
        baseline=81.2,
    ),
]
RSUD = [
    ind(
        GOAL_HEALTH,
        "Bed occupancy rate (BOR)",
        "%",
        60,
        [60, 60, 60, 60],
        polarity="range",
        target_high=85,
        baseline=72,
    ),
    ind(
        GOAL_HEALTH,
        "Persentase pasien rujukan yang ditangani kurang dari 6 jam",
        "%",
        90,
        [85, 87, 88, 90],
    ),
    ind(
        GOAL_HEALTH,
        "Angka kematian pasien lebih dari 48 jam (NDR)",
        "permil",
        25,
        [25, 25, 25, 25],
        polarity="lower",
        aggregation="average",
        baseline=28.4,
        programme="Program Pemenuhan Upaya Kesehatan Perorangan",
        budget=31_000_000_000,
    ),
    ind(
        GOAL_SERVICE,
        "Indeks kepuasan pasien",
        "indeks",
        86,
        [84, 85, 85.5, 86],
        aggregation="average",
    ),
]
CLUSTER = [
    ind(
        GOAL_HEALTH,
        "Jumlah lansia yang mendapat layanan kesehatan jemput bola di rumah",
        "orang",
        4800,
        [1200, 2400, 3600, 4800],
        aggregation="sum",
        baseline=3100,
        programme="Program Jemput Bola Layanan Lansia (Lansia Sehat Bahagia)",
        budget=1_450_000_000,
    ),
    ind(
        GOAL_HEALTH,
        "Persentase lansia yang mendapat skrining kesehatan sesuai standar",
        "%",
        90,
        [60, 70, 80, 90],
        baseline=74,
    ),
    ind(
        GOAL_HEALTH,
        "Persentase rujukan balik pasien lansia dari RSUD ke puskesmas",
        "%",
        80,
        [65, 70, 75, 80],
    ),
    ind(
        "Menurunnya jumlah penduduk miskin",
        "Persentase lansia terlantar yang mendapat bantuan sosial dan pendampingan",
        "%",
        95,
        [80, 85, 90, 95],
        baseline=82,
    ),
]
KABID = [
    ind(
        GOAL_HEALTH,
        "Persentase puskesmas terakreditasi paripurna",
        "%",
        60,
        [45, 50, 55, 60],
        baseline=42,
    ),
    ind(
        GOAL_HEALTH,
        "Persentase fasilitas kesehatan yang melayani rujukan terintegrasi",
        "%",
        100,
        [80, 90, 95, 100],
    ),
]


class Signer:
    """Opens each signer's key once: demo accounts with their password, others with the
    demo-only passphrase (keys made here, marked as demo keys)."""

    def __init__(self):
        self.open: dict[int, tuple] = {}

    def key_for(self, person: Person):
        if person.pk in self.open:
            return self.open[person.pk]
        key = keyring.active_key(person)
        password = DEMO_PASSWORD if person.has_usable_password() else DEMO_SIGNER_PASSPHRASE
        if key is None:
            params = None if person.has_usable_password() else DEMO_SIGNER_KDF
            key = keyring.create_key(
                person=person, password=password, origin=KeyOrigin.DEMO, params=params
            )
        self.open[person.pk] = (key, keyring.unlock(key, password))
        return self.open[person.pk]

    def sign_all(self, agreement: Agreement) -> None:
        version = agreement.current_version
        for party in version.parties.select_related("position").order_by("order"):
            assignment = party.position.current_assignment()
            if assignment is None:
                continue
            key, private = self.key_for(assignment.person)
            services.sign_with_open_key(
                agreement=agreement,
                signer=assignment.person,
                key=key,
                private_key=private,
                position=party.position,
            )
            agreement.refresh_from_db()


def _with_responsible(specs: list[dict], position: Position, units=()) -> list[dict]:
    return [
        {**s, "responsible_position": position, "contributing_units": list(units)} for s in specs
    ]


def _mark(agreement: Agreement, code: str) -> None:
    Agreement.objects.filter(pk=agreement.pk).update(source_type=SOURCE, source_id=code)


def load(*, regency, stdout) -> None:
    """Create the demo agreements unless they exist."""
    if Agreement.objects.filter(regency=regency, source_type=SOURCE).exists():
        stdout.write("Agreements: the demo agreements are already loaded.\n")
        return
    rng = random.Random(3510_2026)
    positions = {p.code: p for p in Position.objects.filter(regency=regency).select_related("unit")}
    units = {u.code: u for u in Unit.objects.filter(regency=regency, depth__lte=1)}
    units["PKM-GENTENGKULON"] = Unit.objects.get(regency=regency, code="PKM-GENTENGKULON")
    bupati = positions["BUPATI"]
    admin = Person.objects.filter(username="admin").first() or bupati.current_assignment().person
    # Every agency and both RSUD directly under the regency (not districts or villages).
    heads = [
        code
        for code, unit in units.items()
        if unit.depth == 1
        and unit.kind in ("dinas", "badan", "rsud", "inspektorat", "sekretariat")
        and f"{code}-HEAD" in positions
    ]
    signer = Signer()
    with transaction.atomic(), Progress(len(heads) + 2, "Agreements", stdout) as bar:
        created = []
        for code in heads:
            head = positions[f"{code}-HEAD"]
            unit = units[code]
            specs = RSUD if unit.kind == "rsud" else CATALOGUE.get(code, GENERIC[:2]) + GENERIC[2:]
            agreement = services.create_draft_agreement(
                regency=regency,
                title=f"Perjanjian Kinerja Tahun {YEAR} {unit.name}",
                year=YEAR,
                parties=[bupati, head],
                indicators=_with_responsible(specs, head),
                created_by=admin,
                kind="vertical",
            )
            _mark(agreement, code)
            services.send_for_signing(agreement=agreement, actor=admin)
            agreement.refresh_from_db()
            signer.sign_all(agreement)
            created.append(agreement)
            bar.advance()
        _amend_health_agreement(regency, positions, signer, admin)
        cluster_agreement = _cluster_agreement(regency, positions, units, signer, admin)
        created.append(cluster_agreement)
        bar.advance()
        _circulating_kabid_agreement(regency, positions, admin)
        bar.advance()
    _realisations(created, rng, admin, stdout)
    # A first signed checkpoint of the ledger, so its page has one to show.
    from superteam.ledger.services import make_checkpoint

    make_checkpoint(regency=regency)
    stdout.write(
        f"Agreements: {len(created)} signed agreements, 1 waiting for the demo accounts.\n"
    )


def _amend_health_agreement(regency, positions, signer, admin) -> None:
    """Version 2 of the health agency's PK: a stricter stunting target, signed again."""
    agreement = Agreement.objects.get(regency=regency, source_type=SOURCE, source_id="DINKES")
    services.amend_agreement(
        agreement=agreement,
        actor=admin,
        reason="Penyesuaian target prevalensi stunting dengan RPJMD perubahan",
    )
    agreement.refresh_from_db()
    stunting = agreement.indicators.get(number=2)
    terms = agreement.current_version.indicator_terms.get(indicator=stunting)
    spec = {
        "sasaran": terms.sasaran,
        "name": terms.name,
        "unit_of_measure": terms.unit_of_measure,
        "baseline": terms.baseline,
        "target": D("11.5"),
        "quarterly_targets": _q(14.5, 13.5, 12.5, 11.5),
        "polarity": terms.polarity,
        "aggregation": terms.aggregation,
        "deadline": terms.deadline,
        "responsible_position": terms.responsible_position,
        "programme": terms.programme,
        "budget": terms.budget,
    }
    services.update_indicator(agreement=agreement, indicator=stunting, actor=admin, spec=spec)
    services.send_for_signing(agreement=agreement, actor=admin)
    agreement.refresh_from_db()
    signer.sign_all(agreement)


def _cluster_agreement(regency, positions, units, signer, admin) -> Agreement:
    from superteam.org.models import Cluster

    cluster = Cluster.objects.filter(regency=regency, code="kesehatan").first()
    parties = [
        positions["DINKES-HEAD"],
        positions["RSUD-BLAMBANGAN-HEAD"],
        positions["RSUD-GENTENG-HEAD"],
        positions["PKM-GENTENGKULON-HEAD"],
        positions["DINSOS-HEAD"],
    ]
    contributing = [
        units[c] for c in ("RSUD-BLAMBANGAN", "RSUD-GENTENG", "PKM-GENTENGKULON", "DINSOS")
    ]
    specs = [
        {
            **CLUSTER[0],
            "responsible_position": positions["PKM-GENTENGKULON-HEAD"],
            "contributing_units": [units["DINKES"], units["DINSOS"]],
        },
        {
            **CLUSTER[1],
            "responsible_position": positions["DINKES-HEAD"],
            "contributing_units": [units["PKM-GENTENGKULON"]],
        },
        {
            **CLUSTER[2],
            "responsible_position": positions["RSUD-GENTENG-HEAD"],
            "contributing_units": contributing[:3],
        },
        {
            **CLUSTER[3],
            "responsible_position": positions["DINSOS-HEAD"],
            "contributing_units": [units["DINKES"]],
        },
    ]
    agreement = services.create_draft_agreement(
        regency=regency,
        title=f"Perjanjian Kinerja Bersama Klaster Kesehatan Tahun {YEAR}: Lansia Sehat Bahagia",
        year=YEAR,
        parties=parties,
        indicators=specs,
        created_by=admin,
        kind="joint",
        cluster=cluster,
    )
    _mark(agreement, "klaster-kesehatan")
    services.send_for_signing(agreement=agreement, actor=admin)
    agreement.refresh_from_db()
    signer.sign_all(agreement)
    return agreement


def _circulating_kabid_agreement(regency, positions, admin) -> None:
    kabid = positions["DINKES-B3-HEAD"]
    agreement = services.create_draft_agreement(
        regency=regency,
        title=f"Perjanjian Kinerja Tahun {YEAR} Bidang Pelayanan Kesehatan",
        year=YEAR,
        parties=[positions["DINKES-HEAD"], kabid],
        indicators=_with_responsible(KABID, kabid),
        created_by=admin,
        kind="vertical",
    )
    _mark(agreement, "DINKES-B3")
    services.send_for_signing(agreement=agreement, actor=admin)


def _realisations(agreements, rng: random.Random, actor, stdout) -> None:
    """Values for every quarter that has ended: near each milestone, some behind."""
    today = timezone.localdate()
    ends = [d for d in quarter_ends(YEAR) if d < today]
    indicators = [
        i
        for a in agreements
        for i in a.indicators.select_related("terms").order_by("number")
        if i.is_active and i.terms is not None
    ]
    with Progress(len(indicators), "Realisation values", stdout) as bar:
        for indicator in indicators:
            t = indicator.terms
            skill = rng.choice([0.93, 0.985, 1.02, 1.03, 1.05, 1.07, 1.1])
            previous = D(0)
            for k, end in enumerate(ends):
                milestone = (
                    t.quarterly_targets[k] if t.quarterly_targets[k] is not None else t.target
                )
                factor = D(str(round(skill * rng.uniform(0.97, 1.03), 3)))
                if t.polarity == "lower":
                    factor = 2 - factor
                if t.polarity == "range":
                    value = (t.target + (t.target_high or t.target)) / 2 * factor
                elif t.aggregation == "sum":
                    value = max(D(0), milestone * factor - previous)
                    previous += value
                else:
                    value = milestone * factor
                services.record_realisation(
                    indicator=indicator,
                    period_end=end,
                    value=value.quantize(D("0.01")),
                    actor=actor,
                    note="Data demo",
                    source=f"demo-{indicator.pk}-{k + 1}",
                    refresh=False,
                )
            bar.advance()
    services.refresh_progress(agreement_ids=[a.pk for a in agreements])

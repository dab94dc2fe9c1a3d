"""The scoring models shipped with SuperTeam, as data to load (then edited by admins).

- ``iid-2023`` (the default): the 2023 structure of the national regional innovation index
  (docs/innovations.md, shared reference): 7 institution indicators and 18 scored
  innovation indicators (evidence level 1–3 × weight) plus two required documents (monev,
  video) with weight 0; divisor MAX(10, n); shares 25.2 % / 74.8 %; bands 60 and 35.
- ``iid-2026``: the later variant: divisor MAX(12, n); SPD max 63, SID indicators max 111,
  quantity max 76 (total 250); a quantity score only with innovations in 5 of the 6
  basic-service affairs; mandatory Regulasi, SDM, Kecepatan penciptaan, Kemanfaatan and
  Video (an innovation missing one scores 0).

The reference gives weights and levels of the innovation indicators; the institution
weights, the quantity bands and the weights of monev/video in 2026 are not published
there and are chosen to reproduce the published maxima. Admins can change all of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    side: str
    name_id: str
    name_en: str
    weight: str
    levels_id: tuple[str, ...]
    levels_en: tuple[str, ...]
    evidence_id: str = ""
    evidence_en: str = ""
    mandatory: bool = False


@dataclass(frozen=True)
class VariantSpec:
    code: str
    name: str
    description: str
    divisor_min: int
    institution_share: str
    innovation_share: str
    quantity_bands: list
    quantity_min_basic_affairs: int
    indicators: list[IndicatorSpec] = field(default_factory=list)


def _inst(code, name_id, name_en, weight, levels_id, levels_en, evidence_id, evidence_en):
    return IndicatorSpec(
        code,
        "institution",
        name_id,
        name_en,
        weight,
        levels_id,
        levels_en,
        evidence_id,
        evidence_en,
    )


def _inn(code, name_id, name_en, weight, levels_id, levels_en, evidence_id="", evidence_en=""):
    return IndicatorSpec(
        code, "innovation", name_id, name_en, weight, levels_id, levels_en, evidence_id, evidence_en
    )


def _institution(weights: dict[str, str]) -> list[IndicatorSpec]:
    return [
        _inst(
            "inst-regulasi",
            "Regulasi inovasi unit",
            "Regulation on innovation in the unit",
            weights["inst-regulasi"],
            ("SK kepala unit", "Peraturan kepala daerah (Perkada)", "Peraturan daerah (Perda)"),
            (
                "Decree of the unit head (SK)",
                "Regent regulation (Perkada)",
                "Regional regulation (Perda)",
            ),
            "Salinan SK, Perkada atau Perda tentang inovasi",
            "Copy of the decree, regent regulation or regional regulation on innovation",
        ),
        _inst(
            "inst-tim",
            "Tim inovasi",
            "Innovation team",
            weights["inst-tim"],
            (
                "SK tim inovasi",
                "SK tim dengan rencana kerja",
                "SK tim, rencana kerja dan laporan berkala",
            ),
            (
                "Innovation team decree",
                "Team decree with a work plan",
                "Team decree, work plan and periodic reports",
            ),
            "SK tim inovasi dan rencana kerjanya",
            "The innovation team decree and its work plan",
        ),
        _inst(
            "inst-anggaran",
            "Anggaran inovasi",
            "Innovation budget",
            weights["inst-anggaran"],
            ("Dianggarkan 1 tahun", "Dianggarkan 2 tahun", "Dianggarkan 3 tahun"),
            ("Budgeted 1 year", "Budgeted 2 years", "Budgeted 3 years"),
            "Potongan DPA yang memuat kegiatan inovasi",
            "Extract of the budget document (DPA) showing innovation activities",
        ),
        _inst(
            "inst-renja",
            "Inovasi dalam rencana kerja (Renja/RKPD)",
            "Innovation in the annual plan (Renja/RKPD)",
            weights["inst-renja"],
            ("1 tahun", "2 tahun", "3 tahun"),
            ("1 year", "2 years", "3 years"),
            "Potongan Renja/RKPD",
            "Extract of the annual plan",
        ),
        _inst(
            "inst-bimtek",
            "Bimtek inovasi",
            "Innovation training held",
            weights["inst-bimtek"],
            ("1 kali setahun", "2 kali setahun", "≥ 3 kali setahun"),
            ("Once a year", "Twice a year", "3 or more times a year"),
            "Undangan, daftar hadir dan foto kegiatan",
            "Invitation, attendance list and photos",
        ),
        _inst(
            "inst-jejaring",
            "Jejaring dan kerja sama inovasi",
            "Innovation network and cooperation",
            weights["inst-jejaring"],
            ("1 kerja sama (MoU/PKS)", "2 kerja sama", "≥ 3 kerja sama"),
            ("1 agreement (MoU)", "2 agreements", "3 or more agreements"),
            "Naskah MoU/PKS",
            "The signed agreements",
        ),
        _inst(
            "inst-monev",
            "Sistem monitoring inovasi",
            "Innovation monitoring system",
            weights["inst-monev"],
            ("Manual", "Elektronik", "Sistem daring"),
            ("Manual", "Electronic", "Online system"),
            "Notulen atau tangkapan layar sistem monitoring",
            "Minutes or screenshots of the monitoring system",
        ),
    ]


def _innovation(monev_weight: str, video_weight: str) -> list[IndicatorSpec]:
    return [
        _inn(
            "regulasi",
            "Regulasi inovasi",
            "Legal basis",
            "3",
            (
                "SK kepala perangkat daerah",
                "Peraturan kepala daerah (Perkada)",
                "Peraturan daerah (Perda)",
            ),
            (
                "Decree of the agency head (SK)",
                "Regent regulation (Perkada)",
                "Regional regulation (Perda)",
            ),
            "Salinan dasar hukum inovasi",
            "Copy of the innovation's legal basis",
        ),
        _inn(
            "sdm",
            "Ketersediaan SDM",
            "People involved",
            "2",
            ("1–10 orang", "11–30 orang", "> 30 orang"),
            ("1–10 people", "11–30 people", "more than 30 people"),
            "SK atau daftar pelaksana",
            "Decree or list of the people involved",
        ),
        _inn(
            "anggaran",
            "Dukungan anggaran",
            "Budget",
            "2",
            ("Dianggarkan 1 tahun", "Dianggarkan 2 tahun", "Dianggarkan 3 tahun"),
            ("Budgeted 1 year", "Budgeted 2 years", "Budgeted 3 years"),
            "Potongan DPA",
            "Extract of the budget document (DPA)",
        ),
        _inn(
            "alat-kerja",
            "Alat kerja",
            "Tools",
            "2",
            ("Manual", "Elektronik", "Sistem daring"),
            ("Manual", "Electronic", "Online system"),
            "Foto atau tangkapan layar alat kerja",
            "Photo or screenshot of the tools",
        ),
        _inn(
            "bimtek",
            "Bimtek inovasi",
            "Training",
            "1",
            ("1 kali dalam 3 tahun", "2 kali dalam 3 tahun", "≥ 3 kali dalam 3 tahun"),
            ("1 session in 3 years", "2 sessions in 3 years", "3 or more sessions in 3 years"),
            "Undangan, daftar hadir dan foto",
            "Invitation, attendance list and photos",
        ),
        _inn(
            "rkpd",
            "Integrasi program dalam RKPD",
            "In the annual plan (RKPD)",
            "2",
            ("1 tahun", "2 tahun", "3 tahun"),
            ("1 year", "2 years", "3 years"),
            "Potongan RKPD",
            "Extract of the annual plan",
        ),
        _inn(
            "aktor",
            "Keterlibatan aktor",
            "Actors involved",
            "1",
            ("3 aktor", "4 aktor", "≥ 5 aktor"),
            ("3 actors", "4 actors", "5 or more actors"),
            "SK atau foto keterlibatan aktor",
            "Decree or photos showing the actors",
        ),
        _inn(
            "pelaksana",
            "Pelaksana inovasi",
            "Mandate of the implementers",
            "1",
            ("Tanpa surat penugasan", "Surat tugas kepala perangkat daerah", "SK kepala daerah"),
            ("No assignment letter", "Agency assignment letter", "Regent decree"),
            "Surat tugas atau SK",
            "Assignment letter or decree",
        ),
        _inn(
            "jejaring",
            "Jejaring inovasi",
            "Network",
            "1",
            ("2 perangkat daerah", "3–4 perangkat daerah", "≥ 5 perangkat daerah"),
            ("2 agencies", "3–4 agencies", "5 or more agencies"),
            "Surat atau SK yang melibatkan perangkat daerah lain",
            "Letters or decrees involving other agencies",
        ),
        _inn(
            "sosialisasi",
            "Sosialisasi inovasi",
            "Publicity",
            "1",
            ("Foto dengan spanduk", "Media sosial pemerintah", "Media massa independen"),
            ("Photo with a banner", "Government social media", "Independent mass media"),
            "Foto, tautan unggahan atau berita",
            "Photo, link to the post or news article",
        ),
        _inn(
            "pedoman",
            "Pedoman teknis",
            "Technical guideline",
            "1",
            ("Tercetak", "Elektronik", "Daring"),
            ("Printed", "Electronic", "Online"),
            "Dokumen atau tautan pedoman",
            "The guideline or a link to it",
        ),
        _inn(
            "informasi",
            "Kemudahan informasi layanan",
            "Information channels",
            "1",
            ("1 kanal", "2 kanal", "≥ 3 kanal"),
            ("1 channel", "2 channels", "3 or more channels"),
            "Tangkapan layar kanal informasi",
            "Screenshots of the channels",
        ),
        _inn(
            "kecepatan-layanan",
            "Kecepatan proses layanan",
            "Service speed",
            "2",
            ("≥ 6 hari", "2–5 hari", "1 hari"),
            ("6 days or more", "2–5 days", "1 day"),
            "SOP layanan",
            "Service procedure (SOP)",
        ),
        _inn(
            "pengaduan",
            "Penyelesaian pengaduan",
            "Complaints resolved",
            "1",
            ("≤ 50 %", "51–90 %", "≥ 91 %"),
            ("50 % or less", "51–90 %", "91 % or more"),
            "Rekap pengaduan dan penyelesaiannya",
            "Summary of complaints and their resolution",
        ),
        _inn(
            "layanan-terintegrasi",
            "Layanan terintegrasi",
            "Integrated services",
            "2",
            ("Terpisah", "Satu portal", "Aplikasi super lintas perangkat daerah"),
            ("Separate", "One portal", "Cross-agency super-app"),
            "Tangkapan layar integrasi layanan",
            "Screenshots of the integration",
        ),
        _inn(
            "replikasi",
            "Replikasi",
            "Replicated by others",
            "3",
            ("1 kali", "2 kali", "3 kali"),
            ("Once", "Twice", "3 times"),
            "Surat atau SK replikasi dari unit lain",
            "Letters or decrees of the units that replicated it",
        ),
        _inn(
            "kecepatan-penciptaan",
            "Kecepatan penciptaan inovasi",
            "Time to create",
            "2",
            ("≥ 9 bulan", "5–8 bulan", "1–4 bulan"),
            ("9 months or more", "5–8 months", "1–4 months"),
            "Jadwal atau laporan pembuatan inovasi",
            "Schedule or report of how it was made",
        ),
        _inn(
            "kemanfaatan",
            "Kemanfaatan inovasi",
            "Beneficiaries",
            "3",
            ("1–200 orang", "201–500 orang", "≥ 501 orang"),
            ("1–200 people", "201–500 people", "501 people or more"),
            "Data penerima manfaat",
            "Data on the beneficiaries",
        ),
        _inn(
            "monev",
            "Monitoring dan evaluasi inovasi",
            "Monitoring and evaluation",
            monev_weight,
            ("Dokumen monev diunggah",),
            ("Monitoring document uploaded",),
            "Laporan monitoring dan evaluasi",
            "Monitoring and evaluation report",
        ),
        _inn(
            "video",
            "Video inovasi",
            "Video",
            video_weight,
            ("Tautan video tersedia",),
            ("Video link given",),
            "Tautan video (YouTube atau sejenisnya)",
            "Link to a video (YouTube or similar)",
        ),
    ]


IID_2023 = VariantSpec(
    code="iid-2023",
    name="IID 2023 (per unit)",
    description=(
        "Struktur Indeks Inovasi Daerah 2023, dihitung per unit: SPD + SID ÷ MAX(10, n) "
        "+ skor kuantitas; bobot 25,2 % / 74,8 %."
    ),
    divisor_min=10,
    institution_share="25.20",
    innovation_share="74.80",
    quantity_bands=[[1, 10], [3, 20], [5, 30], [10, 45], [20, 60]],
    quantity_min_basic_affairs=0,
    indicators=_institution(
        {
            "inst-regulasi": "3",
            "inst-tim": "2",
            "inst-anggaran": "3",
            "inst-renja": "2",
            "inst-bimtek": "2",
            "inst-jejaring": "2",
            "inst-monev": "2",
        }
    )
    + _innovation(monev_weight="0", video_weight="0"),
)

MANDATORY_2026 = {"regulasi", "sdm", "kecepatan-penciptaan", "kemanfaatan", "video"}

IID_2026 = VariantSpec(
    code="iid-2026",
    name="IID 2026 (per unit)",
    description=(
        "Varian 2026: pembagi MAX(12, n); SPD maks 63, indikator SID maks 111, kuantitas "
        "maks 76; skor kuantitas hanya bila ada inovasi di 5 dari 6 urusan pelayanan dasar; "
        "inovasi tanpa indikator wajib bernilai 0."
    ),
    divisor_min=12,
    institution_share="25.20",
    innovation_share="74.80",
    quantity_bands=[[1, 10], [5, 25], [10, 40], [15, 55], [20, 76]],
    quantity_min_basic_affairs=5,
    indicators=_institution(
        {
            "inst-regulasi": "3",
            "inst-tim": "3",
            "inst-anggaran": "3",
            "inst-renja": "3",
            "inst-bimtek": "3",
            "inst-jejaring": "3",
            "inst-monev": "3",
        }
    )
    + [
        IndicatorSpec(**{**spec.__dict__, "mandatory": spec.code in MANDATORY_2026})
        for spec in _innovation(monev_weight="9", video_weight="9")
    ],
)

VARIANTS = {IID_2023.code: IID_2023, IID_2026.code: IID_2026}
DEFAULT_VARIANT = IID_2023.code


def maxima(spec: VariantSpec) -> dict[str, Decimal]:
    """Maximum institution score, innovation indicator score and quantity of a variant."""
    inst = sum(
        (Decimal(s.weight) * len(s.levels_id) for s in spec.indicators if s.side == "institution"),
        Decimal(0),
    )
    inn = sum(
        (Decimal(s.weight) * len(s.levels_id) for s in spec.indicators if s.side == "innovation"),
        Decimal(0),
    )
    qty = max((Decimal(str(p)) for _c, p in spec.quantity_bands), default=Decimal(0))
    return {"institution": inst, "innovation": inn, "quantity": qty}

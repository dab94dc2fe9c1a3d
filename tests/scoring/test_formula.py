"""The index formula, worked by hand, and its properties (hypothesis)."""

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from superteam.scoring import formula
from superteam.scoring.formula import Claim, CountedInnovation, IndicatorDef, Params
from superteam.scoring.variants import IID_2023, IID_2026, VariantSpec, maxima


def defs_of(spec: VariantSpec) -> list[IndicatorDef]:
    return [
        IndicatorDef(s.code, s.side, D(s.weight), len(s.levels_id), s.mandatory)
        for s in spec.indicators
    ]


def params_of(spec: VariantSpec, **kw) -> Params:
    return Params(
        divisor_min=spec.divisor_min,
        institution_share=D(spec.institution_share),
        innovation_share=D(spec.innovation_share),
        quantity_bands=spec.quantity_bands,
        quantity_min_basic_affairs=spec.quantity_min_basic_affairs,
        **kw,
    )


def test_the_2026_variant_has_the_published_maxima():
    assert maxima(IID_2026) == {"institution": D(63), "innovation": D(111), "quantity": D(76)}
    # And its shares are exactly SPD_max / 250 and SID_max / 250.
    assert D(IID_2026.institution_share) == D(63) / D(250) * 100


def test_worked_example_2023():
    """By hand, 2023 default model:
    SPD: inst-regulasi level 2 × 3 = 6, inst-tim level 1 × 2 = 2 → 8 of 48.
    Innovation A: regulasi 3×3=9, sdm 2×2=4, kemanfaatan 3×3=9, video 1×0=0 → 22.
    Innovation B: regulasi 1×3=3, anggaran 1×2=2 → 5. Innovation C is in trial: not counted.
    n = 2, k = 10: quality = (22 + 5) / 10 = 2.7; quantity: 2 backed innovations → 10 points.
    SID = 12.7 of 93 + 60 = 153.
    index = 25.2 × 8/48 + 74.8 × 12.7/153 = 4.2 + 6.2089… = 10.41 → Kurang Inovatif."""
    defs = defs_of(IID_2023)
    params = params_of(IID_2023)
    a = formula.score_innovation(
        defs,
        {
            "regulasi": Claim(3, 1),
            "sdm": Claim(2, 2),
            "kemanfaatan": Claim(3, 3),
            "video": Claim(1, 4),
        },
    )
    b = formula.score_innovation(defs, {"regulasi": Claim(1, 5), "anggaran": Claim(1, 6)})
    assert (a.quality, b.quality) == (D("22.00"), D("5.00"))
    assert a.maximum == D("93.00")
    result = formula.score_unit(
        params,
        defs,
        {"inst-regulasi": Claim(2, 7), "inst-tim": Claim(1, 8)},
        [
            CountedInnovation(a.quality, counted=True),
            CountedInnovation(b.quality, counted=True),
            CountedInnovation(D(40), counted=False),
        ],
        has_verified=True,
    )
    assert result.institution == D("8.00")
    assert result.institution_max == D("48.00")
    assert result.divisor == 10
    assert result.innovation_quality == D("2.70")
    assert result.quantity == D("10.00")
    assert result.score == D("10.41")
    assert result.category == formula.LESS_INNOVATIVE


def test_worked_example_2026_equals_the_national_formula():
    """By hand, 2026 variant: SPD = inst-regulasi 3 × 3 = 9 of 63.
    Innovation A: regulasi 2×3=6, sdm 1×2=2, kecepatan-penciptaan 3×2=6, kemanfaatan 2×3=6,
    video 1×9=9 → 29. Innovation B lacks the mandatory video → 0 (zeroed).
    n = 2, k = 12: quality = 29/12 = 2.4166…; quantity 0 (1 basic affair of the 5 needed).
    index = (SPD + SID) / 250 × 100 = (9 + 2.41667) / 2.5 = 4.5667 → 4.57."""
    defs = defs_of(IID_2026)
    params = params_of(IID_2026)
    a = formula.score_innovation(
        defs,
        {
            "regulasi": Claim(2),
            "sdm": Claim(1),
            "kecepatan-penciptaan": Claim(3),
            "kemanfaatan": Claim(2),
            "video": Claim(1),
        },
    )
    b = formula.score_innovation(defs, {"regulasi": Claim(3), "sdm": Claim(3)})
    assert a.quality == D("29.00") and not a.zeroed
    assert b.quality == D("0.00") and b.zeroed
    assert set(b.missing_mandatory) == {"kecepatan-penciptaan", "kemanfaatan", "video"}
    result = formula.score_unit(
        params,
        defs,
        {"inst-regulasi": Claim(3)},
        [
            CountedInnovation(a.quality, True, "kesehatan"),
            CountedInnovation(b.quality, True, "pendidikan"),
        ],
        has_verified=True,
    )
    assert result.divisor == 12
    assert result.quantity == D("0.00")
    assert result.basic_affairs == 1
    national = (D(9) + D(29) / 12) / D(250) * 100
    assert result.score == national.quantize(D("0.01")) == D("4.57")


def test_more_innovations_than_k_divide_by_n_and_quantity_needs_basic_affairs():
    """2026: 13 innovations with quality 29 each (> k = 12) in 5 basic affairs: quality =
    29 × 13 / 13 = 29; 13 backed innovations → band [10, 40] → 40 points.
    index = (0 + 29 + 40) / 250 × 100 = 27.6."""
    defs = defs_of(IID_2026)
    params = params_of(IID_2026)
    affairs = ["pendidikan", "kesehatan", "pupr", "perumahan", "sosial"]
    innovations = [CountedInnovation(D(29), True, affairs[i % 5]) for i in range(13)]
    result = formula.score_unit(params, defs, {}, innovations, has_verified=True)
    assert result.divisor == 13
    assert result.innovation_quality == D("29.00")
    assert result.quantity == D("40.00")
    assert result.score == D("27.60")
    # With only four basic affairs the quantity score is lost.
    four = [CountedInnovation(D(29), True, affairs[i % 4]) for i in range(13)]
    assert formula.score_unit(params, defs, {}, four, has_verified=True).quantity == 0


@pytest.mark.parametrize(
    ("score", "category"),
    [
        ("60.01", formula.VERY_INNOVATIVE),
        ("60.00", formula.INNOVATIVE),
        ("35.00", formula.INNOVATIVE),
        ("34.99", formula.LESS_INNOVATIVE),
        ("0.01", formula.LESS_INNOVATIVE),
        ("0", formula.DISCLAIMER),
    ],
)
def test_category_bands(score, category):
    assert formula.category_for(Params(), D(score), has_verified=True) == category


def test_blend_with_local_signals_by_hand():
    """Index 50 with compliance 80 % (weight 20) and achievement 120 % (capped at 100,
    weight 10); decision speed not available, so its weight stays with the index:
    (70 × 50 + 20 × 80 + 10 × 100) / 100 = 61."""
    params = Params(weight_compliance=D(20), weight_achievement=D(10), weight_decision_speed=D(15))
    signals = {"compliance": D(80), "achievement": D(120), "decision_speed": None}
    assert formula.blend(params, D(50), signals) == D("61.00")
    # Decision speed: 100 within a day, 0 after 30, linear between (16 days → 48.28).
    assert formula.decision_speed_score(params, D(1)) == 100
    assert formula.decision_speed_score(params, D(30)) == 0
    assert formula.decision_speed_score(params, D(16)) == D("48.28")


def test_nothing_verified_is_the_disclaimer_even_with_signals():
    params = Params(weight_compliance=D(50))
    result = formula.score_unit(
        params,
        defs_of(IID_2023),
        {},
        [],
        has_verified=False,
        signals={"compliance": D(100)},
    )
    assert (result.score, result.final, result.category) == (0, 0, formula.DISCLAIMER)


# --- Properties ---------------------------------------------------------------------------

weights = st.decimals(min_value=0, max_value=5, places=1, allow_nan=False, allow_infinity=False)


@st.composite
def models(draw):
    n_inst = draw(st.integers(0, 6))
    n_inn = draw(st.integers(1, 8))
    defs = [
        IndicatorDef(f"i{k}", "institution", draw(weights), draw(st.integers(1, 3)))
        for k in range(n_inst)
    ] + [
        IndicatorDef(
            f"n{k}", "innovation", draw(weights), draw(st.integers(1, 3)), draw(st.booleans())
        )
        for k in range(n_inn)
    ]
    share = draw(st.decimals(min_value=0, max_value=100, places=2))
    counts = sorted(set(draw(st.lists(st.integers(1, 30), max_size=5))))
    points = sorted(draw(st.lists(st.integers(0, 100), min_size=len(counts), max_size=len(counts))))
    params = Params(
        divisor_min=draw(st.integers(1, 15)),
        institution_share=share,
        innovation_share=D(100) - share,
        quantity_bands=list(zip(counts, points, strict=True)),
        quantity_min_basic_affairs=draw(st.integers(0, 6)),
        weight_compliance=draw(st.decimals(min_value=0, max_value=40, places=0)),
        weight_achievement=draw(st.decimals(min_value=0, max_value=40, places=0)),
    )
    return params, defs


@st.composite
def claims_for(draw, defs, side):
    return {
        d.code: Claim(draw(st.integers(1, 3)))
        for d in defs
        if d.side == side and draw(st.booleans())
    }


AFFAIRS = st.sampled_from(
    ["pendidikan", "kesehatan", "pupr", "perumahan", "trantibum", "sosial", None]
)


@st.composite
def units(draw):
    params, defs = draw(models())
    inst = draw(claims_for(defs, "institution"))
    innovations = [
        (draw(claims_for(defs, "innovation")), draw(st.booleans()), draw(AFFAIRS))
        for _ in range(draw(st.integers(0, 14)))
    ]
    signals = {
        "compliance": draw(st.one_of(st.none(), st.decimals(0, 100, places=2))),
        "achievement": draw(st.one_of(st.none(), st.decimals(0, 150, places=2))),
    }
    return params, defs, inst, innovations, signals


def compute(params, defs, inst, innovations, signals):
    counted = []
    has_verified = bool(inst)
    for claims, is_counted, affair in innovations:
        r = formula.score_innovation(defs, claims)
        counted.append(CountedInnovation(r.quality, is_counted, affair))
        has_verified = has_verified or bool(claims)
    return formula.score_unit(
        params, defs, inst, counted, has_verified=has_verified, signals=signals
    )


@settings(max_examples=300, deadline=None)
@given(units())
def test_index_stays_between_0_and_100(unit):
    result = compute(*unit)
    assert D(0) <= result.score <= D(100)
    assert D(0) <= result.final <= D(100)


@settings(max_examples=300, deadline=None)
@given(units(), st.data())
def test_accepting_more_evidence_never_lowers_a_score(unit, data):
    params, defs, inst, innovations, signals = unit
    before = compute(params, defs, inst, innovations, signals)
    # Accept one more piece of evidence: a new indicator or a higher level somewhere.
    side = data.draw(st.sampled_from(["institution", "innovation"]))
    candidates = [d for d in defs if d.side == side]
    if side == "innovation" and not innovations:
        innovations = [({}, data.draw(st.booleans()), None)]
    if not candidates:
        return
    ind = data.draw(st.sampled_from(candidates))
    level = data.draw(st.integers(1, 3))
    if side == "institution":
        old = inst.get(ind.code)
        inst = {**inst, ind.code: Claim(max(level, old.level if old else 0))}
    else:
        j = data.draw(st.integers(0, len(innovations) - 1))
        claims, counted, affair = innovations[j]
        old = claims.get(ind.code)
        claims = {**claims, ind.code: Claim(max(level, old.level if old else 0))}
        innovations = [*innovations[:j], (claims, counted, affair), *innovations[j + 1 :]]
    after = compute(params, defs, inst, innovations, signals)
    assert after.score >= before.score
    assert after.final >= before.final


@settings(max_examples=200, deadline=None)
@given(models(), st.data())
def test_a_missing_mandatory_indicator_zeroes_the_innovation(model, data):
    _params, defs = model
    mandatory = [d for d in defs if d.side == "innovation" and d.mandatory]
    claims = data.draw(claims_for(defs, "innovation"))
    result = formula.score_innovation(defs, claims)
    if any(d.code not in claims for d in mandatory):
        assert result.quality == 0 and result.zeroed
    else:
        assert not result.zeroed


@settings(max_examples=200, deadline=None)
@given(units())
def test_no_verified_evidence_gives_the_disclaimer(unit):
    params, defs, _inst, innovations, signals = unit
    empty = [({}, counted, affair) for _c, counted, affair in innovations]
    result = compute(params, defs, {}, empty, signals)
    assert result.category == formula.DISCLAIMER
    assert result.score == 0 and result.final == 0

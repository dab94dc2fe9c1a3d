"""Leaderboards, explanations and the model editor as users meet them."""

from decimal import Decimal

import pytest
from django.urls import reverse

from superteam.scoring import services
from superteam.scoring.models import ModelStatus, ScoringModel, Snapshot, SnapshotRow
from tests import factories as f
from tests.innovations import factories as fi

pytestmark = pytest.mark.django_db


def scored(p, unit, title, levels):
    inn = fi.innovation(unit, p.head, title=title)
    for code, level in levels.items():
        fi.accepted(unit, p.staff, p.verifier, code, level, innovation=inn)
    return inn


def test_the_public_sees_only_published_scores(personas, client):
    p = personas
    scored(p, p.puskesmas, "Jemput Bola", {"regulasi": 3})
    assert (
        "Belum ada nilai yang terbit."
        in client.get(reverse("scoring:public"), {"family": "puskesmas"}).content.decode()
    )
    services.publish_snapshot(regency=p.regency, actor=p.admin)
    page = client.get(reverse("scoring:public"), {"family": "puskesmas"}).content.decode()
    published = SnapshotRow.objects.get(unit=p.puskesmas).score
    assert "Puskesmas Genteng Kulon" in page and f"{published:.2f}".replace(".", ",") in page
    # More evidence is accepted: the live score moves, the public page does not until published.
    inn = scored(p, p.puskesmas, "Antrian Daring", {"regulasi": 3, "sdm": 3, "kemanfaatan": 3})
    assert inn.scoring_unit == p.puskesmas
    again = client.get(reverse("scoring:public"), {"family": "puskesmas"}).content.decode()
    assert f"{published:.2f}".replace(".", ",") in again
    json = client.get("/api/scoring/public/leaderboard", {"family": "puskesmas"}).json()
    assert [(r["unit_name"], Decimal(r["score"])) for r in json] == [
        ("Puskesmas Genteng Kulon", published)
    ]


def test_leaderboards_by_family_and_cluster_with_movement(
    personas, client_as, django_assert_max_num_queries
):
    p = personas
    second = f.unit(
        p.regency, parent=p.dinkes, kind="puskesmas", code="PKM-2", name="Puskesmas Kembiritan"
    )
    p.cluster.units.add(second)
    scored(p, p.puskesmas, "A", {"regulasi": 1})
    scored(p, second, "B", {"regulasi": 3})
    services.publish_snapshot(regency=p.regency, actor=p.admin)
    scored(p, p.puskesmas, "C", {"regulasi": 3, "sdm": 3, "kemanfaatan": 3, "anggaran": 3})
    # A week later the first puskesmas overtakes the second.
    import datetime

    from django.utils import timezone

    later = timezone.now() + datetime.timedelta(days=7)
    snap = services.publish_snapshot(regency=p.regency, actor=p.admin, now=later)
    rows = {r.unit_id: r for r in SnapshotRow.objects.filter(snapshot=snap)}
    assert (rows[p.puskesmas.pk].rank, rows[p.puskesmas.pk].movement) == (1, 1)
    assert (rows[second.pk].rank, rows[second.pk].movement) == (2, -1)
    client = client_as(p.staff)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("scoring:leaderboard"), {"family": "puskesmas"}).content.decode()
    assert page.index("Puskesmas Genteng Kulon") < page.index("Puskesmas Kembiritan")
    assert "peringkat naik" in page and "peringkat turun" in page
    cluster = client.get(reverse("scoring:leaderboard"), {"cluster": p.cluster.pk}).content.decode()
    assert "Puskesmas Kembiritan" in cluster and "Dinas Kesehatan" in cluster
    live = client.get(
        reverse("scoring:leaderboard"), {"family": "puskesmas", "view": "live"}
    ).content.decode()
    assert "belum terbuka untuk publik" in live


def test_every_score_is_explained_line_by_line(personas, client_as, django_assert_max_num_queries):
    p = personas
    inn = scored(p, p.puskesmas, "Jemput Bola", {"regulasi": 2, "kemanfaatan": 3})
    client = client_as(p.kasi)
    with django_assert_max_num_queries(16):
        page = client.get(reverse("scoring:unit", args=[p.puskesmas.pk])).content.decode()
    # Σ 15 (regulasi 2×3 + kemanfaatan 3×3) ÷ MAX(10, 1) = 1.5; 1 backed innovation → 10.
    assert "Σ 15 ÷ MAX(10, 1) = 15 ÷ 10 = 1,50" in page
    assert "Jemput Bola" in page
    lines = client.get(reverse("scoring:innovation", args=[inn.pk])).content.decode()
    assert "Regulasi inovasi" in lines and "2/3: Peraturan kepala daerah (Perkada)" in lines
    snap = services.publish_snapshot(regency=p.regency, actor=p.admin)
    with django_assert_max_num_queries(12):
        frozen = client.get(
            reverse("scoring:snapshot_unit", args=[snap.pk, p.puskesmas.pk])
        ).content.decode()
    assert "Σ 15 ÷ MAX(10, 1)" in frozen
    # Later evidence changes the live page, never the published explanation.
    fi.accepted(p.puskesmas, p.staff, p.verifier, "sdm", 3, innovation=inn)
    assert (
        "Σ 21 ÷ MAX(10, 1)"
        in client.get(reverse("scoring:unit", args=[p.puskesmas.pk])).content.decode()
    )
    again = client.get(
        reverse("scoring:snapshot_unit", args=[snap.pk, p.puskesmas.pk])
    ).content.decode()
    assert "Σ 15 ÷ MAX(10, 1)" in again


def test_admins_copy_edit_and_put_a_model_in_use(personas, client_as):
    p = personas
    scored(p, p.puskesmas, "Jemput Bola", {"regulasi": 3})
    first = services.current_model(regency=p.regency)
    snap = services.publish_snapshot(regency=p.regency, actor=p.admin)
    client = client_as(p.admin)
    # The model in use is frozen; it can only be copied.
    assert client.get(reverse("scoring:model_edit", args=[first.pk])).status_code == 302
    response = client.post(reverse("scoring:model_copy", args=[first.pk]))
    draft = ScoringModel.objects.get(status=ModelStatus.DRAFT)
    assert response["Location"] == reverse("scoring:model_edit", args=[draft.pk])
    form = client.get(response["Location"]).context["formset"]
    data = {
        "name": "IID 2023 per unit",
        "description": "",
        "divisor_min": "3",
        "institution_share": "30",
        "innovation_share": "60",
        "band_very_innovative": "60",
        "band_innovative": "35",
        "quantity_bands": "1: 10\n3: 20",
        "quantity_min_basic_affairs": "0",
        "weight_compliance": "0",
        "weight_achievement": "0",
        "weight_decision_speed": "0",
        "decision_days_best": "1",
        "decision_days_worst": "30",
        "ind-TOTAL_FORMS": str(form.total_form_count()),
        "ind-INITIAL_FORMS": str(form.initial_form_count()),
        "ind-MIN_NUM_FORMS": "0",
        "ind-MAX_NUM_FORMS": "1000",
    }
    for i, sub in enumerate(form.forms):
        for name, field in sub.fields.items():
            value = sub.initial.get(name, field.initial)
            if name == "model":
                value = draft.pk
            if isinstance(value, bool):
                if value:
                    data[f"ind-{i}-{name}"] = "on"
                continue
            data[f"ind-{i}-{name}"] = "" if value is None else str(value)
        if sub.initial.get("code") == "regulasi":
            data[f"ind-{i}-weight"] = "5"
    bad = client.post(reverse("scoring:model_edit", args=[draft.pk]), data)
    assert bad.status_code == 200 and "Jumlah kedua porsi harus 100%." in bad.content.decode()
    data["innovation_share"] = "70"
    assert client.post(reverse("scoring:model_edit", args=[draft.pk]), data).status_code == 302
    draft.refresh_from_db()
    assert draft.divisor_min == 3 and draft.quantity_bands == [[1, 10], [3, 20]]
    assert draft.indicators.get(code="regulasi").weight == Decimal("5")
    client.post(reverse("scoring:model_activate", args=[draft.pk]))
    draft.refresh_from_db()
    first.refresh_from_db()
    assert (draft.status, first.status) == (ModelStatus.ACTIVE, ModelStatus.RETIRED)
    # Live scores follow the new version at once (5 × 3 = 15 ÷ MAX(3, 1)); published ones stay.
    from superteam.scoring.models import UnitScore

    live = UnitScore.objects.get(unit=p.puskesmas, model=draft)
    assert live.innovation_quality == Decimal("5.00")
    assert Snapshot.objects.get(pk=snap.pk).model == first
    assert client.get(reverse("scoring:model", args=[first.pk])).status_code == 200


def test_the_2026_variant_loads_as_a_draft(personas, client_as):
    p = personas
    services.current_model(regency=p.regency)
    client = client_as(p.admin)
    response = client.post(reverse("scoring:model_load"), {"variant": "iid-2026"})
    model = ScoringModel.objects.get(code="iid-2026")
    assert response["Location"] == model.get_absolute_url()
    assert model.status == ModelStatus.DRAFT and model.divisor_min == 12
    mandatory = set(model.indicators.filter(mandatory=True).values_list("code", flat=True))
    assert mandatory == {"regulasi", "sdm", "kecepatan-penciptaan", "kemanfaatan", "video"}
    page = client.get(model.get_absolute_url()).content.decode()
    assert "kelembagaan 63, satu inovasi 111, kuantitas 76" in page


def test_the_explanation_ends_with_the_figure_the_board_ranks_by(personas, client_as):
    """With local signals blended in, the rank follows another figure than the index: the
    explanation shows that last step, so a head can see why the rank is what it is."""
    from superteam.scoring.models import UnitScore

    p = personas
    scored(p, p.puskesmas, "Jemput Bola", {"regulasi": 3, "sdm": 2})
    model = services.copy_model(model=services.current_model(regency=p.regency), actor=p.admin)
    services.update_draft(
        model=model,
        actor=p.admin,
        fields={"weight_compliance": Decimal("20"), "weight_decision_speed": Decimal("5")},
    )
    services.activate_model(model=model, actor=p.admin)
    live = UnitScore.objects.get(unit=p.puskesmas, model=model)
    assert live.score > 0
    # Compliance was read (90 %); no decision is owned here, so its 5 % stays with the index.
    final = ((80 * live.score + 20 * Decimal(90)) / 100).quantize(Decimal("0.01"))
    UnitScore.objects.filter(pk=live.pk).update(
        signals={"compliance": "90", "decision_days": None}, final=final
    )
    snap = services.publish_snapshot(regency=p.regency, actor=p.admin)
    client = client_as(p.head)

    def comma(value):
        return f"{value:.2f}".replace(".", ",")

    for url in (
        reverse("scoring:snapshot_unit", args=[snap.pk, p.puskesmas.pk]),
        reverse("scoring:unit", args=[p.puskesmas.pk]),
    ):
        page = client.get(url).content.decode()
        assert f"Dengan sinyal lokal: 80% × indeks {comma(live.score)}" in page, url
        assert "+ 20% × 90" in page and f"= <strong>{comma(final)}</strong>" in page
        assert "Papan peringkat mengurutkan menurut angka ini." in page
    unit_page = client.get(reverse("scoring:unit", args=[p.puskesmas.pk])).content.decode()
    assert f"diurutkan menurut {comma(final)} dengan sinyal lokal" in unit_page
    # The history chart names the week's month ("07/12" read as 12 July in English).
    months_id = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]
    assert f"{snap.week.day} {months_id[snap.week.month - 1]}" in unit_page
    assert snap.week.strftime("%d/%m") not in unit_page
    client.cookies["superteam_language"] = "en"
    english = client.get(reverse("scoring:unit", args=[p.puskesmas.pk])).content.decode()
    assert f"{snap.week.day} {snap.week:%b}" in english

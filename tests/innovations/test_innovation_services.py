"""Innovations belong to units: registering, stages with dates, replication, history that
survives leadership changes."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from superteam.innovations import services
from superteam.innovations.models import EventKind, Innovation, Stage
from superteam.ledger.models import Entry
from superteam.org.services import assign
from superteam.scoring.models import UnitScore
from tests import factories as f
from tests.innovations import factories as fi

pytestmark = pytest.mark.django_db


def test_an_innovation_belongs_to_its_unit_and_counts_for_the_competing_unit(personas):
    p = personas
    inn = fi.innovation(p.pustu, p.head, stage=Stage.INISIATIF)
    assert inn.owner_unit == p.pustu
    assert inn.scoring_unit == p.puskesmas  # a pustu's innovation counts for its puskesmas
    assert inn.responsible_position.unit == p.pustu or inn.responsible_position is not None
    assert inn.created_by == p.head
    assert Entry.objects.filter(kind="innovations.registered", subject_id=str(inn.pk)).exists()
    [event] = inn.events.all()
    assert event.kind == EventKind.CREATED and event.actor == p.head


def test_stages_move_forward_with_dates_and_back_only_with_a_reason(personas):
    p = personas
    inn = fi.innovation(
        p.puskesmas, p.head, stage=Stage.INISIATIF, started=datetime.date(2025, 1, 6)
    )
    services.change_stage(
        innovation=inn, stage=Stage.UJI_COBA, on=datetime.date(2025, 3, 1), actor=p.head
    )
    inn.refresh_from_db()
    assert (inn.stage, inn.trial_started_on) == (Stage.UJI_COBA, datetime.date(2025, 3, 1))
    with pytest.raises(ValidationError) as exc:
        services.change_stage(
            innovation=inn, stage=Stage.PENERAPAN, on=datetime.date(2025, 2, 1), actor=p.head
        )
    assert "on" in exc.value.error_dict
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError):
        services.change_stage(innovation=inn, stage=Stage.PENERAPAN, on=tomorrow, actor=p.head)
    services.change_stage(
        innovation=inn, stage=Stage.PENERAPAN, on=datetime.date(2025, 6, 2), actor=p.head
    )
    with pytest.raises(ValidationError) as exc:
        services.change_stage(
            innovation=inn, stage=Stage.UJI_COBA, on=datetime.date(2025, 7, 1), actor=p.head
        )
    assert "note" in exc.value.error_dict
    services.change_stage(
        innovation=inn,
        stage=Stage.UJI_COBA,
        on=datetime.date(2025, 7, 1),
        actor=p.head,
        note="Aplikasi diganti.",
    )
    inn.refresh_from_db()
    assert inn.stage == Stage.UJI_COBA and inn.implemented_on is None
    stages = [(e.stage_from, e.stage_to) for e in inn.events.filter(kind=EventKind.STAGE)]
    assert stages == [
        ("inisiatif", "uji_coba"),
        ("uji_coba", "penerapan"),
        ("penerapan", "uji_coba"),
    ]
    assert Entry.objects.filter(kind="innovations.stage_changed").count() == 3


def test_a_failed_change_leaves_nothing_behind(personas):
    p = personas
    inn = fi.innovation(p.puskesmas, p.head, stage=Stage.INISIATIF)
    before = (Entry.objects.count(), inn.events.count())
    with pytest.raises(ValidationError):
        services.change_stage(
            innovation=inn, stage=Stage.PENERAPAN, on=datetime.date(2000, 1, 1), actor=p.head
        )
    inn.refresh_from_db()
    assert inn.stage == Stage.INISIATIF
    assert (Entry.objects.count(), inn.events.count()) == before


def test_replication_credits_both_units(personas):
    p = personas
    village = f.unit(p.regency, kind="desa", code="DS-KEMIREN", name="Desa Kemiren")
    original = fi.innovation(p.puskesmas, p.head, title="Smart Kampung")
    copy = services.replicate_innovation(
        original=original,
        unit=village,
        actor=p.admin,
        on=datetime.date(2025, 8, 1),
        stage=Stage.UJI_COBA,
    )
    assert copy.owner_unit == village and copy.scoring_unit == village
    assert copy.replicated_from == original and copy.title == original.title
    assert original.replicas.get() == copy
    replicated = original.events.get(kind=EventKind.REPLICATED)
    assert replicated.related == copy
    with pytest.raises(ValidationError):
        services.replicate_innovation(
            original=original, unit=village, actor=p.admin, on=datetime.date(2025, 8, 2)
        )
    with pytest.raises(ValidationError):  # only innovations in rollout are replicated
        services.replicate_innovation(
            original=copy, unit=p.dinkes, actor=p.admin, on=datetime.date(2025, 8, 2)
        )
    # The adopter's own innovation counts for it once rolled out.
    services.change_stage(
        innovation=copy, stage=Stage.PENERAPAN, on=datetime.date(2025, 9, 1), actor=p.admin
    )
    assert UnitScore.objects.get(unit=village).counted_innovations == 1


def test_history_of_who_ran_it_survives_a_change_of_head(personas):
    p = personas
    inn = fi.innovation(p.puskesmas, p.head, stage=Stage.PENERAPAN)
    head_post = f.position(p.puskesmas, level="head", title="Kepala Puskesmas Genteng Kulon")
    first = f.person(p.regency, full_name="dr. Lama")
    f.assign(first, head_post, start=datetime.date(2021, 1, 4))
    services.update_innovation(
        innovation=inn, actor=p.head, data={"responsible_position": head_post}
    )
    second = f.person(p.regency, full_name="dr. Baru")
    assign(person=second, position=head_post, start=datetime.date(2025, 10, 1))
    rows = services.stewardship(innovation=inn)
    holders = [(r["person"].full_name, r["current"]) for r in rows if r["position"] == head_post]
    assert holders == [("dr. Lama", False), ("dr. Baru", True)]
    # The innovation did not move: it still belongs to the puskesmas, run by the same post.
    inn.refresh_from_db()
    assert inn.owner_unit == p.puskesmas and inn.responsible_position == head_post
    assert inn.events.filter(kind=EventKind.RESPONSIBLE).exists()


def test_stopping_needs_a_reason_and_takes_it_out_of_the_index(personas):
    p = personas
    inn = fi.innovation(p.puskesmas, p.head)
    fi.accepted(p.puskesmas, p.staff, p.verifier, "regulasi", 2, innovation=inn)
    assert UnitScore.objects.get(unit=p.puskesmas).counted_innovations == 1
    with pytest.raises(ValidationError):
        services.set_running(innovation=inn, running=False, actor=p.head)
    services.set_running(innovation=inn, running=False, actor=p.head, note="Anggaran dialihkan.")
    assert UnitScore.objects.get(unit=p.puskesmas).counted_innovations == 0


def test_contract_services_for_other_apps(personas):
    p = personas
    a = fi.innovation(p.puskesmas, p.head, title="A", started=datetime.date(2025, 1, 6))
    fi.innovation(
        p.puskesmas, p.head, title="B", stage=Stage.INISIATIF, started=datetime.date(2025, 5, 6)
    )
    started = services.innovations_started_between(
        regency=p.regency, start=datetime.date(2025, 1, 1), end=datetime.date(2025, 1, 31)
    )
    assert list(started) == [a]
    shown = services.showcase(regency=p.regency)
    assert [s.title for s in shown] == ["A"]  # only rolled-out (or replicated) innovations
    assert shown[0].unit_name == p.puskesmas.name
    assert not hasattr(shown[0], "problem")  # public fields only
    Innovation.objects.filter(pk=a.pk).update(is_public=False)
    assert services.showcase(regency=p.regency) == []

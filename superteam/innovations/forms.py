"""Forms of the innovations pages: they validate input; services do the writing."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from superteam.innovations.models import (
    STAGE_ORDER,
    Affair,
    Idea,
    Innovation,
    Stage,
    stage_date_errors,
)
from superteam.org.models import Position, Unit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def units_for(actor, regency) -> list[Unit]:
    """Units a person may act for: the whole regency for the regent and admins, else the
    subtrees of the units they head."""
    qs = Unit.objects.filter(regency=regency, is_active=True)
    if not actor.governs(regency):
        from django.db.models import Q

        q = Q(pk__in=[])
        for unit in actor.headed_units:
            q |= Q(path__startswith=unit.path)
        qs = qs.filter(q)
    return list(qs.order_by("path"))


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return "\u2003" * max(0, obj.depth - 1) + obj.name


def _formfield(field, **kwargs):
    """Links typed without a scheme are https (Django 6's default, chosen now)."""
    from django.db import models

    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class InnovationForm(forms.ModelForm):
    """The description of an innovation (stage and dates have their own form)."""

    class Meta:
        model = Innovation
        fields = [
            "title",
            "problem",
            "design",
            "goals",
            "benefits",
            "results",
            "form",
            "is_digital",
            "affair",
            "initiator_kind",
            "initiator_name",
            "beneficiaries",
            "beneficiary_count",
            "responsible_position",
            "involved_units",
            "video_url",
            "is_public",
        ]
        formfield_callback = _formfield
        widgets = {
            "problem": forms.Textarea(attrs={"rows": 3}),
            "design": forms.Textarea(attrs={"rows": 8}),
            "goals": forms.Textarea(attrs={"rows": 3}),
            "benefits": forms.Textarea(attrs={"rows": 3}),
            "results": forms.Textarea(attrs={"rows": 3}),
            "beneficiaries": forms.Textarea(attrs={"rows": 2}),
            "involved_units": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, regency, owner_unit: Unit | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        unit = owner_unit or (self.instance.owner_unit if self.instance.pk else None)
        positions = Position.objects.filter(regency=regency, is_active=True)
        if unit is not None:
            from django.db.models import Q

            positions = positions.filter(
                Q(unit__path__startswith=unit.path) | Q(unit_id__in=unit.ancestor_ids)
            )
        self.fields["responsible_position"].queryset = positions.select_related("unit").order_by(
            "unit__path", "sort_order"
        )
        self.fields["responsible_position"].label_from_instance = lambda p: (
            f"{p.title} — {p.unit.name}"
        )
        self.fields["involved_units"].queryset = Unit.objects.filter(
            regency=regency, is_active=True, depth__lte=2
        ).order_by("path")
        self.fields["affair"].choices = Affair.choices


class NewInnovationForm(InnovationForm):
    """Registering an innovation: its unit, and where it is on its way."""

    owner_unit = UnitChoiceField(queryset=Unit.objects.none(), label=_("Owner unit"))
    stage = forms.ChoiceField(choices=Stage.choices, label=_("Stage"), initial=Stage.INISIATIF)
    initiated_on = forms.DateField(label=_("Initiative since"), widget=DATE)
    trial_started_on = forms.DateField(label=_("Trial since"), widget=DATE, required=False)
    implemented_on = forms.DateField(label=_("Rollout since"), widget=DATE, required=False)

    field_order = [
        "owner_unit",
        "title",
        "problem",
        "stage",
        "initiated_on",
        "trial_started_on",
        "implemented_on",
    ]

    def __init__(self, *args, units: list[Unit], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = Unit.objects.filter(
            pk__in=[u.pk for u in units]
        ).order_by("path")
        self.fields["initiated_on"].initial = timezone.localdate()

    def clean(self):
        """The dates are checked with the other fields (not only once those are right):
        every valid date is compared with the other valid ones, and all errors show at once."""
        data = super().clean()
        errors = stage_date_errors(
            stage=data.get("stage"),
            initiated_on=data.get("initiated_on"),
            trial_started_on=data.get("trial_started_on"),
            implemented_on=data.get("implemented_on"),
        )
        for field, message in errors.items():
            if not self.has_error(field):
                self.add_error(field, message)
        return data


class StageForm(forms.Form):
    stage = forms.ChoiceField(choices=Stage.choices, label=_("New stage"))
    on = forms.DateField(label=_("From"), widget=DATE)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when going back a stage."),
    )

    def __init__(self, *args, innovation: Innovation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [(s.value, s.label) for s in Stage if s != innovation.stage]
        if innovation.next_stage:
            self.fields["stage"].initial = innovation.next_stage
        self.fields["on"].initial = timezone.localdate()


class RunningForm(forms.Form):
    running = forms.BooleanField(required=False, widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReplicateForm(forms.Form):
    unit = UnitChoiceField(queryset=Unit.objects.none(), label=_("Adopting unit"))
    stage = forms.ChoiceField(
        choices=[(s.value, s.label) for s in STAGE_ORDER],
        initial=Stage.UJI_COBA,
        label=_("Starts at stage"),
    )
    on = forms.DateField(label=_("From"), widget=DATE)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, units: list[Unit], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units]).order_by(
            "path"
        )
        self.fields["on"].initial = timezone.localdate()


class EvidenceForm(forms.Form):
    """A claim of a level of one indicator, with a file or a link."""

    indicator_code = forms.ChoiceField(label=_("Indicator"))
    level = forms.TypedChoiceField(label=_("Level claimed"), coerce=int, widget=forms.RadioSelect)
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("PDF, photo (JPEG, PNG, WebP) or Office document; kept private."),
    )
    link = forms.URLField(label=_("Or a link"), required=False, assume_scheme="https")
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, indicators: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = {i.code: i for i in indicators}
        self.fields["indicator_code"].choices = [(i.code, i.name) for i in indicators]
        chosen = self.data.get("indicator_code") or self.initial.get("indicator_code")
        indicator = self.indicators.get(chosen) or (indicators[0] if indicators else None)
        levels = []
        if indicator is not None:
            levels = [(n, f"{n} — {text}") for n, text in indicator.levels()]
        else:
            levels = [(1, "1"), (2, "2"), (3, "3")]
        self.fields["level"].choices = levels
        self.indicator = indicator

    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("link"):
            raise forms.ValidationError(_("Attach a file or give a link as evidence."))
        return data


class VerifyForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", _("Accept")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
        label=_("Decision"),
    )
    level = forms.TypedChoiceField(
        label=_("Level accepted"), coerce=int, required=False, empty_value=None
    )
    note = forms.CharField(
        label=_("Note or reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("A rejection needs a reason; the submitter reads it."),
    )

    def __init__(self, *args, evidence, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [(n, str(n)) for n in range(evidence.level, 0, -1)]
        self.fields["level"].initial = evidence.level

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("note") or "").strip():
            self.add_error("note", _("Give the reason for rejecting."))
        return data


class IdeaForm(forms.ModelForm):
    unit = UnitChoiceField(queryset=Unit.objects.none(), label=_("Propose to"))

    class Meta:
        model = Idea
        fields = ["unit", "title", "problem", "proposal", "expected_benefit", "affair"]
        widgets = {
            "problem": forms.Textarea(attrs={"rows": 3}),
            "proposal": forms.Textarea(attrs={"rows": 5}),
            "expected_benefit": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, units: list[Unit], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units]).order_by(
            "path"
        )
        if units:
            self.fields["unit"].initial = units[-1].pk


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            ("promote", _("Make it an innovation (stage inisiatif)")),
            ("decline", _("Decline")),
        ],
        widget=forms.RadioSelect,
        label=_("Decision"),
    )
    owner_unit = UnitChoiceField(
        queryset=Unit.objects.none(), label=_("Owner unit"), required=False
    )
    reason = forms.CharField(
        label=_("Reason for declining"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, units: list[Unit], idea: Idea, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = Unit.objects.filter(
            pk__in=[u.pk for u in units]
        ).order_by("path")
        self.fields["owner_unit"].initial = idea.unit_id

    def clean(self):
        data = super().clean()
        if data.get("decision") == "decline" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the proposer a reason."))
        return data


def idea_units(actor) -> list[Unit]:
    """Where a person may propose an idea: the units they work in and the units above them
    (a pustu nurse proposes to the pustu, its puskesmas or the health agency)."""
    ids: set[int] = set()
    for unit in actor.member_units:
        ids.add(unit.pk)
        ids.update(unit.ancestor_ids[1:])  # not the regency root itself
    return list(Unit.objects.filter(pk__in=ids, is_active=True).order_by("path"))

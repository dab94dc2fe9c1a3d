"""Forms of the agreements pages. They check the shape of input; the services check the
rules (and raise translated errors that the views put back on these forms)."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from superteam.agreements.achievement import quarter_ends
from superteam.agreements.models import Aggregation, AgreementKind, Polarity
from superteam.core.forms import add_service_errors
from superteam.org.models import REGENT_LEVELS, Cluster, Position, PositionLevel, Unit


class ISODateInput(forms.DateInput):
    """A browser date picker: its value must always be ISO 8601 (2026-09-30), whatever the
    page's language; a localized value ("30-09-2026") shows as an empty field."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ISODateField(forms.DateField):
    """A date from a browser date picker (Django accepts ISO input in every language)."""

    widget = ISODateInput


class LocalDecimalField(forms.DecimalField):
    """A number typed the way the page's language writes it ("83,5" in Indonesian)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("localize", True)
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")


PARTY_LEVELS = [
    *REGENT_LEVELS,
    PositionLevel.HEAD,
    PositionLevel.SECRETARY,
    PositionLevel.KABID,
    PositionLevel.KASUBAG,
    PositionLevel.KASI,
]


class AgreementForm(forms.Form):
    """Title, year, kind and parties (positions, in order) of a draft."""

    title = forms.CharField(label=_("Title"), max_length=250)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=AgreementKind.choices,
        help_text=_(
            "Vertical: the superior (first party) and the unit head (second party). "
            "Joint: any number of positions of several units, for a shared target."
        ),
    )
    cluster = forms.ModelChoiceField(
        label=_("Cluster"), queryset=Cluster.objects.none(), required=False
    )

    def __init__(self, *args, regency, fixed_kind: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.regency = regency
        self.fields["cluster"].queryset = Cluster.objects.filter(regency=regency)
        if fixed_kind:
            self.fields["kind"].disabled = True
            self.fields["year"].disabled = True
        self.parties: list[Position] = []

    def clean(self):
        data = super().clean()
        ids = []
        for raw in self.data.getlist("parties") if hasattr(self.data, "getlist") else []:
            try:
                ids.append(int(raw))
            except ValueError:
                continue
        positions = Position.objects.select_related("unit").in_bulk(ids)
        self.parties = [
            positions[i]
            for i in ids
            if i in positions and positions[i].regency_id == self.regency.pk
        ]
        if len(self.parties) != len(ids):
            raise ValidationError(_("A chosen position does not exist in this regency."))
        if len(self.parties) < 2:
            raise ValidationError(_("Choose at least two parties."))
        return data


class IndicatorForm(forms.Form):
    """One indicator with its targets (as written in the draft version)."""

    sasaran = forms.CharField(label=_("Strategic goal (sasaran)"), max_length=300)
    name = forms.CharField(label=_("Indicator"), max_length=300)
    unit_of_measure = forms.CharField(
        label=_("Unit of measure"), max_length=60, help_text=_("e.g. %, people, km, days")
    )
    polarity = forms.ChoiceField(label=_("Polarity"), choices=Polarity.choices)
    aggregation = forms.ChoiceField(
        label=_("How period values add up"), choices=Aggregation.choices
    )
    baseline = LocalDecimalField(label=_("Baseline"), required=False, decimal_places=4)
    target = LocalDecimalField(
        label=_("Annual target"),
        decimal_places=4,
        help_text=_("For a range: its lower bound."),
    )
    target_high = LocalDecimalField(
        label=_("Upper bound (range only)"), required=False, decimal_places=4
    )
    q1 = LocalDecimalField(label=_("Q1 (Tw I)"), required=False, decimal_places=4)
    q2 = LocalDecimalField(label=_("Q2 (Tw II)"), required=False, decimal_places=4)
    q3 = LocalDecimalField(label=_("Q3 (Tw III)"), required=False, decimal_places=4)
    q4 = LocalDecimalField(label=_("Q4 (Tw IV)"), required=False, decimal_places=4)
    deadline = ISODateField(label=_("Deadline"), required=False)
    responsible_position = forms.ModelChoiceField(
        label=_("Responsible position"), queryset=Position.objects.none(), required=False
    )
    contributing_units = forms.ModelMultipleChoiceField(
        label=_("Contributing units"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    programme = forms.CharField(label=_("Programme"), max_length=300, required=False)
    budget = LocalDecimalField(
        label=_("Budget (Rp)"), required=False, decimal_places=2, min_value=0
    )

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        # Units that can help: the parties' units, their direct sub-units, the cluster's.
        party_units = set(agreement.units.values_list("pk", flat=True))
        unit_ids = party_units | set(
            Unit.objects.filter(parent_id__in=party_units, is_active=True).values_list(
                "pk", flat=True
            )
        )
        scope = set(party_units)
        if agreement.cluster_id:
            scope |= set(agreement.cluster.units.values_list("pk", flat=True))
        unit_ids |= scope
        units = Unit.objects.filter(pk__in=unit_ids)
        paths = [u.path for u in Unit.objects.filter(pk__in=scope)]
        from django.db.models import Q

        subtree = Q(pk__in=[])
        for path in paths:
            subtree |= Q(unit__path__startswith=path)
        self.fields["responsible_position"].queryset = (
            Position.objects.filter(regency_id=agreement.regency_id, level__in=PARTY_LEVELS)
            .filter(subtree)
            .select_related("unit")
            .order_by("unit__path", "sort_order")
        )
        self.fields["responsible_position"].label_from_instance = lambda p: (
            f"{p.title} — {p.unit.display_name}"
        )
        self.fields["contributing_units"].queryset = units.order_by("path")

    def spec(self) -> dict:
        """The cleaned data as the services' indicator specification."""
        d = self.cleaned_data
        return {
            "sasaran": d["sasaran"],
            "name": d["name"],
            "unit_of_measure": d["unit_of_measure"],
            "polarity": d["polarity"],
            "aggregation": d["aggregation"],
            "baseline": d.get("baseline"),
            "target": d["target"],
            "target_high": d.get("target_high"),
            "quarterly_targets": [d.get("q1"), d.get("q2"), d.get("q3"), d.get("q4")],
            "deadline": d.get("deadline"),
            "responsible_position": d.get("responsible_position"),
            "contributing_units": list(d.get("contributing_units") or []),
            "programme": d.get("programme", ""),
            "budget": d.get("budget"),
        }

    def add_service_errors(self, error: ValidationError) -> None:
        add_service_errors(self, error, fields={"quarterly_targets": "q1"})

    @staticmethod
    def initial_from(terms) -> dict:
        return {
            "sasaran": terms.sasaran,
            "name": terms.name,
            "unit_of_measure": terms.unit_of_measure,
            "polarity": terms.polarity,
            "aggregation": terms.aggregation,
            "baseline": terms.baseline,
            "target": terms.target,
            "target_high": terms.target_high,
            "q1": terms.q1,
            "q2": terms.q2,
            "q3": terms.q3,
            "q4": terms.q4,
            "deadline": terms.deadline,
            "responsible_position": terms.responsible_position_id,
            "contributing_units": [c.unit_id for c in terms.contributions.all()],
            "programme": terms.programme,
            "budget": terms.budget,
        }


class PartyChoice:
    """The ``position`` field of a form answered by a party: the positions the person holds
    that have not signed yet (hidden when there is only one)."""

    def __init__(self, *args, parties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].choices = [(p.position_id, p.position_title) for p in parties]
        if len(parties) <= 1:
            self.fields["position"].widget = forms.HiddenInput()


class SignForm(PartyChoice, forms.Form):
    """Signing asks for the password again: it opens the signer's key."""

    confirm = forms.BooleanField(
        label=_("I have read this version and agree to it."),
        error_messages={"required": _("Confirm that you have read this version.")},
    )
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    position = forms.TypedChoiceField(
        label=pgettext_lazy("jabatan", "Sign as"),
        coerce=int,
        required=False,
        error_messages={
            "invalid_choice": _(
                "You cannot sign as this position: choose a party position you hold that "
                "has not signed yet."
            )
        },
    )


class DeclineForm(PartyChoice, forms.Form):
    """A party refuses to sign the circulating version and says why."""

    reason = forms.CharField(
        label=_("Why do you decline to sign?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Every party and the editors see this; it is also written to the ledger."),
    )
    position = forms.TypedChoiceField(
        label=pgettext_lazy("jabatan", "Decline as"),
        coerce=int,
        required=False,
        error_messages={
            "invalid_choice": _(
                "You cannot decline as this position: choose a party position you hold that "
                "has not signed yet."
            )
        },
    )


class AmendForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the agreement amended?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RealisationForm(forms.Form):
    """A value reached in a period, with an optional evidence file."""

    period_end = ISODateField(
        label=_("Period ending"),
        help_text=_(
            "The last day of the period (the end of a quarter or a month); "
            "a value is entered once its period has ended."
        ),
    )
    value = LocalDecimalField(label=_("Value reached"), decimal_places=4)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence = forms.FileField(
        label=_("Evidence (optional)"),
        required=False,
        help_text=_("PDF, photo (JPEG, PNG, WebP) or Office file, at most 10 MB."),
    )

    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        passed = [d for d in quarter_ends(year) if d <= today] or [quarter_ends(year)[0]]
        self.fields["period_end"].initial = passed[-1]
        # A period that has not ended yet cannot have its value (services refuse it too).
        self.fields["period_end"].widget.attrs["max"] = min(
            today, datetime.date(year, 12, 31)
        ).isoformat()


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        help_text=_("One indicator per row, in the columns of the template."),
    )
    replace = forms.BooleanField(
        label=_("Replace the draft's indicators (otherwise they are added)"), required=False
    )

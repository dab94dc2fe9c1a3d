"""Forms of the scoring pages: the friendly editor of a draft model version."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from superteam.scoring.models import Indicator, ScoringModel, validate_quantity_bands
from superteam.scoring.variants import VARIANTS

BAND_LINE = re.compile(r"^\s*(\d+)\s*[:=→-]+\s*([\d.,]+)\s*$")


class QuantityBandsField(forms.CharField):
    """Quantity bands typed one per line, "minimum count: points" (e.g. "5: 30")."""

    widget = forms.Textarea(attrs={"rows": 5})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(f"{c}: {p}" for c, p in value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        bands = []
        for n, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            match = BAND_LINE.match(line)
            if not match:
                raise forms.ValidationError(
                    _("Line %(n)s: write “minimum count: points”, e.g. “5: 30”."), params={"n": n}
                )
            try:
                points = Decimal(match.group(2).replace(",", "."))
            except InvalidOperation:
                raise forms.ValidationError(
                    _("Line %(n)s: points must be a number."), params={"n": n}
                ) from None
            bands.append([int(match.group(1)), float(points) if points % 1 else int(points)])
        validate_quantity_bands(bands)
        return bands


class ModelParametersForm(forms.ModelForm):
    quantity_bands = QuantityBandsField(
        label=_("Quantity score bands"),
        required=False,
        help_text=_(
            "One per line: minimum number of innovations backed by verified evidence, then points."
        ),
    )

    class Meta:
        model = ScoringModel
        fields = [
            "name",
            "description",
            "divisor_min",
            "institution_share",
            "innovation_share",
            "band_very_innovative",
            "band_innovative",
            "quantity_bands",
            "quantity_min_basic_affairs",
            "weight_compliance",
            "weight_achievement",
            "weight_decision_speed",
            "decision_days_best",
            "decision_days_worst",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = [
            "code",
            "side",
            "order",
            "name_id",
            "name_en",
            "weight",
            "mandatory",
            "level_1_id",
            "level_1_en",
            "level_2_id",
            "level_2_en",
            "level_3_id",
            "level_3_en",
            "evidence_id",
            "evidence_en",
        ]


IndicatorFormSet = forms.inlineformset_factory(
    ScoringModel, Indicator, form=IndicatorForm, extra=1, can_delete=True
)


class LoadVariantForm(forms.Form):
    variant = forms.ChoiceField(
        label=_("Model shipped with SuperTeam"),
        choices=[(code, spec.name) for code, spec in VARIANTS.items()],
    )

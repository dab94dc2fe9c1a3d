"""Forms of the reports app; the JSON API validates through the same report form."""

from __future__ import annotations

import datetime
import decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.choices import CallableChoiceIterator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from superteam.org.models import Unit
from superteam.reports.models import Decision, Holiday, HolidayKind
from superteam.reports.services import ReportData


class IsoDateField(forms.DateField):
    """A date written as ISO 8601 (YYYY-MM-DD) only: what date inputs, the offline queue and
    the API send. The language's own formats are not tried: "06/12/2026" is 6 December in
    Indonesian and 12 June in English, so one request could mean two days."""

    default_error_messages = {
        "invalid": _("Enter the date as YYYY-MM-DD, e.g. 2026-12-07."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(str(value).strip())
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class IsoDateTimeField(forms.DateTimeField):
    """A moment written as ISO 8601 only (e.g. 2026-12-07T08:30:00+07:00), for the same
    reason as :class:`IsoDateField`."""

    default_error_messages = {
        "invalid": _("Enter the time as ISO 8601, e.g. 2026-12-07T08:30:00+07:00."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return super().to_python(value)
        try:
            moment = datetime.datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        return super().to_python(moment)


class CoordinateField(forms.DecimalField):
    """Degrees, rounded to six decimals (about 0.1 m), the stored precision: a phone's raw
    position (``-8.225012345678901``) is kept, not refused."""

    def __init__(self, *, limit: int, **kwargs):
        super().__init__(
            max_digits=9, decimal_places=6, min_value=-limit, max_value=limit, **kwargs
        )

    def to_python(self, value):
        number = super().to_python(value)
        if number is None or not number.is_finite():
            return number
        return number.quantize(decimal.Decimal("0.000001"), rounding=decimal.ROUND_HALF_EVEN)


class UnitChoiceField(forms.ModelChoiceField):
    """A unit among those the actor may report for. ``units`` (a callable) makes the
    queryset when the choices are first needed: most reports are for the unit of the
    position and never need it (building it costs as much as checking the whole form)."""

    units = None

    def offer(self, units) -> None:
        """``units``: a callable returning the queryset; the widget asks when it renders."""
        self.units = units
        self.widget.choices = CallableChoiceIterator(lambda: self.choices)

    def _get_queryset(self):
        if self.units is not None:
            units, self.units = self.units, None
            self._set_queryset(units())
        return self._queryset

    queryset = property(_get_queryset, forms.ModelChoiceField._set_queryset)


class ReportForm(forms.Form):
    """A daily report: what was done, where, when, acting in which position."""

    idempotency_key = forms.CharField(max_length=80, widget=forms.HiddenInput)
    position = forms.TypedChoiceField(label=pgettext_lazy("jabatan", "Reporting as"), coerce=int)
    unit = UnitChoiceField(
        label=_("For unit"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("Leave empty to report for the unit of your position."),
    )
    date = IsoDateField(
        label=_("Date of the activity"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=160,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("One line, e.g. “Jemput bola: home visits to elderly residents”."),
    )
    narrative = forms.CharField(
        label=_("What was done"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Who took part, what happened, how many people were served."),
    )
    location_name = forms.CharField(label=_("Place"), max_length=200, required=False)
    # Filled in by the page's script (the phone's position, the photos it holds, when the
    # draft was made), not typed.
    latitude = CoordinateField(limit=90, required=False, widget=forms.HiddenInput)
    longitude = CoordinateField(limit=180, required=False, widget=forms.HiddenInput)
    photos_expected = forms.IntegerField(
        required=False, min_value=0, max_value=50, widget=forms.HiddenInput
    )
    client_created_at = IsoDateTimeField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        # The positions the actor holds today are already loaded: no query to offer them.
        positions = list(actor.positions)
        self.positions = {p.pk: p for p in positions}
        self.fields["position"].choices = [(p.pk, f"{p.title} — {p.unit.name}") for p in positions]
        if len(positions) == 1:
            self.fields["position"].initial = positions[0].pk

        def units():
            head_paths = [p.unit.path for p in positions if p.is_head]
            found = Unit.objects.filter(pk__in=[p.unit_id for p in positions])
            for path in head_paths:
                found = found | Unit.objects.filter(path__startswith=path, is_active=True)
            return found.distinct().select_related("regency")

        self.fields["unit"].offer(units)

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day.year < 2000:
            raise ValidationError(_("Enter the date of the activity."))
        return day

    def clean_position(self):
        return self.positions[self.cleaned_data["position"]]

    def clean(self):
        data = super().clean()
        position = data.get("position")
        if position is not None and not data.get("unit"):
            data["unit"] = position.unit
        located = [data.get(f) is not None for f in ("latitude", "longitude")]
        unreadable = "latitude" in self.errors or "longitude" in self.errors
        if located[0] != located[1] and not unreadable:
            raise ValidationError(_("A location needs both latitude and longitude."))
        return data

    def to_data(self, *, regency=None) -> ReportData:
        """The validated report; ``regency``: the request's (cached) regency, used when
        it is the unit's, which saves the service a query."""
        d = self.cleaned_data
        unit = d["unit"]
        if regency is not None and regency.pk == unit.regency_id:
            unit.regency = regency
        else:
            unit.regency  # noqa: B018 - loaded once here, used by the service
        return ReportData(
            unit=unit,
            position=d["position"],
            date=d["date"],
            title=d["title"],
            narrative=d["narrative"],
            latitude=d.get("latitude"),
            longitude=d.get("longitude"),
            location_name=d.get("location_name") or "",
            photos_expected=d.get("photos_expected") or 0,
            client_created_at=d.get("client_created_at"),
        )


class _FieldsCopiedCheaply(dict):
    """A form's declared fields, copied for each form without ``copy.deepcopy``.

    Django deep-copies every field for every form it makes, so that one form changing its
    fields leaves the others alone. For the report form, made on every report that arrives,
    that copy took as long as validating the report (0.2 ms, the unit field cloning its
    queryset). Each field is copied here with what a form may change in place: its widget
    and the widget's attributes, its error messages and validators (as Django's own
    ``Field.__deepcopy__`` does); choices and querysets are replaced, never changed in
    place (ReportForm.__init__ sets them anew). ``tests/reports/test_forms.py`` checks
    that forms do not share what one of them changes."""

    def __deepcopy__(self, memo):
        return {name: _copy_field(field) for name, field in self.items()}


def _copy_field(field):
    new = object.__new__(type(field))
    new.__dict__.update(field.__dict__)
    widget = new.widget = object.__new__(type(field.widget))
    widget.__dict__.update(field.widget.__dict__)
    widget.attrs = dict(field.widget.attrs)
    new.error_messages = dict(field.error_messages)
    new.validators = list(field.validators)
    return new


ReportForm.base_fields = _FieldsCopiedCheaply(ReportForm.base_fields)


class VerifyForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment for the reporter"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to hold or reject: say what is missing or wrong."),
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("decision") in (Decision.HOLD, Decision.REJECT)
            and not (data.get("comment") or "").strip()
        ):
            self.add_error("comment", _("A comment is required to hold or reject a report."))
        return data


class AnswerForm(forms.Form):
    """The reporter's answer to a hold (photos come as ``photos`` files, checked apart)."""

    text = forms.CharField(
        label=_("Your answer"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you did or why; the verifier reads it with the report."),
    )


class HolidayForm(forms.ModelForm):
    """A regency's own calendar entry: a local holiday, or a working day over a holiday."""

    class Meta:
        model = Holiday
        fields = ["date", "kind", "name", "name_en"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, regency, **kwargs):
        super().__init__(*args, **kwargs)
        self.regency = regency
        self.fields["kind"].choices = [
            (HolidayKind.REGIONAL, HolidayKind.REGIONAL.label),
            (HolidayKind.COLLECTIVE_LEAVE, HolidayKind.COLLECTIVE_LEAVE.label),
            (HolidayKind.WORKDAY, HolidayKind.WORKDAY.label),
        ]

    def clean_date(self):
        day = self.cleaned_data["date"]
        if Holiday.objects.filter(regency=self.regency, date=day).exists():
            raise ValidationError(_("The regency's calendar already has an entry on this day."))
        return day

    def entry(self):
        from superteam.reports.holidays import HolidayLine

        data = self.cleaned_data
        return HolidayLine(data["date"], data["kind"], data["name"], data["name_en"])


class HolidayListForm(forms.Form):
    """Many days at once: the joint decree's table pasted in, or a CSV file."""

    MAX_FILE = 100_000

    lines = forms.CharField(
        label=_("Days, one a line"),
        required=False,
        widget=forms.Textarea(
            attrs={
                "rows": 8,
                "placeholder": "2027-01-01; libur nasional; Tahun Baru 2027 Masehi; New Year's Day",
            }
        ),
        help_text=_(
            "Each line: date; kind; name; name in English. The kind and the English name may "
            "be left out (the day is then a national holiday). Dates as 2027-08-17, "
            "17/08/2027 or 17 Agustus 2027; columns separated by semicolons or tabs (rows "
            "copied from a spreadsheet)."
        ),
    )
    file = forms.FileField(
        label=_("Or a CSV file"),
        required=False,
        help_text=_("The same columns, at most 100 KB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv,text/plain"}),
    )

    def __init__(self, *args, regency, **kwargs):
        super().__init__(*args, **kwargs)
        self.regency = regency
        self.parsed = None

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return ""
        if upload.size > self.MAX_FILE:
            raise ValidationError(_("The file is larger than 100 KB."))
        raw = upload.read()
        if b"\0" in raw:
            raise ValidationError(_("This is not a text (CSV) file."))
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise ValidationError(_("This is not a text (CSV) file."))  # pragma: no cover

    def clean(self):
        from superteam.reports.holidays import parse_holiday_list

        data = super().clean()
        text = "\n".join(part for part in (data.get("lines"), data.get("file")) if part)
        if self.errors:
            return data
        if not text.strip():
            raise ValidationError(_("Paste the days or choose a file."))
        self.parsed = parse_holiday_list(text, regency=self.regency)
        if self.parsed.errors:
            raise ValidationError(self.parsed.errors)
        if not self.parsed.entries and not self.parsed.already:
            raise ValidationError(_("The list holds no days."))
        return data


def parse_day(value: str | None, default: datetime.date) -> datetime.date:
    """A date from a query string (YYYY-MM-DD), or the default."""
    try:
        return datetime.date.fromisoformat(value) if value else default
    except ValueError:
        return default

"""Forms of the rakor pages; they validate input, the services do the work."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from superteam.meetings.models import Rakor, Room, Session
from superteam.meetings.planning import positions_of_cluster
from superteam.org.models import Cluster, Person, Position, Unit


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kw):
        super().__init__(format="%Y-%m-%d", **kw)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kw):
        super().__init__(format="%H:%M", **kw)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kw):
        super().__init__(format="%Y-%m-%dT%H:%M", **kw)


def day_label(day: datetime.date) -> str:
    return formats.date_format(day, "l, j F Y")


class RakorForm(forms.ModelForm):
    """Create or change a rakor: days, time grid, rooms, on-duty share."""

    clusters = forms.ModelMultipleChoiceField(
        label=_("Clusters (one session each)"),
        queryset=Cluster.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    session_length = forms.IntegerField(
        label=_("Session length (time slots)"),
        min_value=1,
        max_value=24,
        required=False,
        help_text=_("Leave empty to size each session for its presenters (every kabid and kasi)."),
    )

    class Meta:
        model = Rakor
        fields = [
            "title",
            "start_date",
            "end_date",
            "first_slot_start",
            "slot_minutes",
            "slots_per_day",
            "min_on_duty_percent",
            "day_weight",
            "spread_over_days",
            "time_limit_seconds",
            "rooms",
        ]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "first_slot_start": TimeInput(),
            "rooms": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, regency, creating: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rooms"].queryset = Room.objects.filter(regency=regency, is_active=True)
        self.fields["rooms"].required = True
        if creating:
            self.fields["clusters"].queryset = Cluster.objects.filter(regency=regency)
            self.fields["clusters"].initial = list(self.fields["clusters"].queryset)
        else:
            del self.fields["clusters"]
            del self.fields["session_length"]

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The last day is before the first day."))
        if start and end and (end - start).days > 13:
            self.add_error("end_date", _("A rakor lasts at most two weeks."))
        first, minutes, slots = (
            data.get("first_slot_start"),
            data.get("slot_minutes"),
            data.get("slots_per_day"),
        )
        if (
            first
            and minutes
            and slots
            and first.hour * 60 + first.minute + minutes * slots > 24 * 60
        ):
            self.add_error("slots_per_day", _("The time slots run past midnight."))
        length = data.get("session_length")
        if length and slots and length > slots:
            self.add_error("session_length", _("A session cannot be longer than a day."))
        return data


class SessionForm(forms.ModelForm):
    """Add a session to a rakor, or change one."""

    fixed_day = forms.TypedChoiceField(
        label=_("Must be held on"),
        required=False,
        coerce=datetime.date.fromisoformat,
        empty_value=None,
    )
    minute_taker = forms.ModelChoiceField(
        label=_("Minute-taker"), queryset=Person.objects.none(), required=False
    )

    class Meta:
        model = Session
        fields = ["cluster", "title", "length_slots", "priority", "fixed_day", "include_staff"]
        help_texts = {
            "length_slots": _("Leave empty to size the cluster's sessions for their presenters.")
        }

    def __init__(self, *args, rakor: Rakor, **kwargs):
        super().__init__(*args, **kwargs)
        self.rakor = rakor
        self.fields["title"].required = False
        self.fields["length_slots"].required = self.instance.pk is not None
        if self.instance.pk is None:
            self.initial["length_slots"] = None
        self.fields["fixed_day"].choices = [("", _("Any day"))] + [
            (d.isoformat(), day_label(d)) for d in rakor.days
        ]
        if self.instance.pk:
            del self.fields["cluster"]
            self.fields["minute_taker"].queryset = Person.objects.filter(
                rakor_participations__rakor=rakor,
                rakor_participations__cluster=self.instance.cluster,
            ).distinct()
            self.fields["minute_taker"].initial = self.instance.minute_taker_id
            if self.instance.fixed_day:
                self.initial["fixed_day"] = self.instance.fixed_day.isoformat()
        else:
            self.fields["cluster"].queryset = Cluster.objects.filter(regency_id=rakor.regency_id)
            del self.fields["minute_taker"]

    def clean_length_slots(self):
        value = self.cleaned_data["length_slots"]
        if value is None:
            return None
        if not 1 <= value <= self.rakor.slots_per_day:
            raise forms.ValidationError(
                _("A session lasts between 1 and %(n)s time slots.")
                % {"n": self.rakor.slots_per_day}
            )
        return value


class StartSlotField(forms.TypedChoiceField):
    """A first time slot: any slot of the day is read, and the form says why one that
    does not fit is refused (rather than "not one of the choices")."""

    def valid_value(self, value) -> bool:
        return str(value).isdigit()


class MoveForm(forms.Form):
    """Place a session by hand: a day, a first time slot and a room."""

    day = forms.TypedChoiceField(label=_("Day"), coerce=datetime.date.fromisoformat)
    start_slot = StartSlotField(label=_("Starts at"), coerce=int)
    room = forms.ModelChoiceField(label=_("Room"), queryset=Room.objects.none())

    def __init__(self, *args, session: Session, **kwargs):
        super().__init__(*args, **kwargs)
        self.session = session
        rakor = session.rakor
        self.fields["day"].choices = [(d.isoformat(), day_label(d)) for d in rakor.days]
        # Only starts from which the whole session fits in the day.
        self.fields["start_slot"].choices = [
            (k, f"{a:%H:%M}–{rakor.slot_start(k + session.length_slots):%H:%M}")
            for k, (a, _b) in enumerate(rakor.slot_times())
            if k + session.length_slots <= rakor.slots_per_day
        ]
        self.fields["room"].queryset = rakor.rooms.all()
        if session.is_placed:
            self.initial.update(
                {
                    "day": session.day.isoformat(),
                    "start_slot": session.start_slot,
                    "room": session.room_id,
                }
            )

    def clean_start_slot(self):
        start = self.cleaned_data["start_slot"]
        rakor = self.session.rakor
        if start >= rakor.slots_per_day:
            raise forms.ValidationError(_("That time slot does not exist."))
        if start + self.session.length_slots > rakor.slots_per_day:
            raise forms.ValidationError(
                _("The session would run past the end of the day (%(end)s).")
                % {"end": f"{rakor.slot_start(rakor.slots_per_day):%H:%M}"}
            )
        return start


class AddParticipantForm(forms.Form):
    """The organiser adds someone to a cluster's roster, found by NIP or username."""

    who = forms.CharField(
        label=_("NIP or username"),
        max_length=150,
        help_text=_("e.g. 198501012010011001 or bupati"),
    )
    cluster = forms.ModelChoiceField(label=_("Cluster"), queryset=Cluster.objects.none())
    all_sessions = forms.BooleanField(
        label=_("Attends every session of the cluster"), required=False
    )

    def __init__(self, *args, rakor: Rakor, **kwargs):
        super().__init__(*args, **kwargs)
        self.rakor = rakor
        self.fields["cluster"].queryset = Cluster.objects.filter(
            pk__in=rakor.sessions.values("cluster_id")
        )

    def clean_who(self):
        who = self.cleaned_data["who"].strip()
        person = (
            Person.objects.filter(Q(nip=who) | Q(username__iexact=who), is_active=True)
            .filter(Q(regency_id=self.rakor.regency_id) | Q(regency__isnull=True))
            .first()
        )
        if person is None:
            raise forms.ValidationError(_("Nobody with this NIP or username works here."))
        return person


class UnavailabilityForm(forms.Form):
    start = forms.DateTimeField(label=_("From"), widget=DateTimeInput())
    end = forms.DateTimeField(label=_("Until"), widget=DateTimeInput())
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", _("The end of the period must be after its start."))
        return data


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes (notulen)"), widget=forms.Textarea(attrs={"rows": 10}), required=False
    )


class SlidesForm(forms.Form):
    slides = forms.FileField(
        label=_("Slides (PDF or PPTX)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".pdf,.pptx,application/pdf,"
                "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            }
        ),
    )


class DecisionForm(forms.Form):
    """A decision: what, who owns it, who contributes, what is measured and by when."""

    text = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 3}))
    owner_position = forms.ModelChoiceField(label=_("Owner (position)"), queryset=None)
    contributing_units = forms.ModelMultipleChoiceField(
        label=_("Contributing units"), queryset=None, required=False
    )
    indicator_name = forms.CharField(label=_("Indicator"), max_length=255)
    unit_of_measure = forms.CharField(label=_("Unit of measure"), max_length=60)
    target = forms.DecimalField(label=_("Target"), max_digits=14, decimal_places=2, min_value=0)
    deadline = forms.DateField(
        label=_("Deadline"),
        widget=DateInput(),
        help_text=_("A decision due in another year goes into that year's joint agreement."),
    )

    def __init__(self, *args, session: Session, **kwargs):
        super().__init__(*args, **kwargs)
        self.session = session
        positions = positions_of_cluster(session.cluster, session.regency_id)
        self.fields["owner_position"].queryset = positions.order_by("unit__path", "level", "title")
        self.fields["owner_position"].label_from_instance = lambda p: (
            f"{p.title} — {p.unit.display_name}"
        )
        self.fields["contributing_units"].queryset = Unit.objects.filter(
            Q(pk__in=session.cluster.units.values("pk")), is_active=True
        ).order_by("kind", "name")
        self.fields["contributing_units"].widget.attrs["size"] = 8

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        day = self.session.day or timezone.localdate()
        if deadline < day:
            raise forms.ValidationError(_("The deadline is before the decision."))
        return deadline


class DecisionEditForm(DecisionForm):
    """Correct a recorded decision: the same fields, its code, and why it is corrected.

    ``locked`` (a decision in a joint agreement sent for signing) leaves only the code
    editable: the other fields are shown, disabled, with their current values."""

    code = forms.SlugField(
        label=_("Code"),
        max_length=60,
        required=False,
        help_text=_("Optional short reference, unique within the regency."),
    )
    reason = forms.CharField(
        label=_("Why is it corrected?"),
        max_length=500,
        error_messages={"required": _("Say why the decision is corrected.")},
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the decision's history and in the ledger."),
    )
    fingerprint = forms.CharField(widget=forms.HiddenInput, required=False)

    field_order = [*DecisionForm.base_fields, "code", "reason"]

    def __init__(self, *args, decision, fingerprint: str, locked: bool = False, **kwargs):
        self.decision = decision
        initial = {
            "text": decision.text,
            "owner_position": decision.owner_position_id,
            "contributing_units": [u.pk for u in decision.contributing_units.all()],
            "indicator_name": decision.indicator_name,
            "unit_of_measure": decision.unit_of_measure,
            # 12000.00 reads as 12000 (and 2.50 as 2.5) in the field.
            "target": decision.target.quantize(Decimal(1))
            if decision.target == decision.target.to_integral_value()
            else decision.target.normalize(),
            "deadline": decision.deadline,
            "code": decision.code,
            "fingerprint": fingerprint,
        }
        super().__init__(*args, session=decision.session, initial=initial, **kwargs)
        # The current owner and contributors stay choosable even outside today's cluster.
        owners = self.fields["owner_position"].queryset
        self.fields["owner_position"].queryset = (
            Position.objects.filter(
                Q(pk__in=owners.values("pk")) | Q(pk=decision.owner_position_id)
            )
            .select_related("unit")
            .order_by("unit__path", "level", "title")
        )
        units = self.fields["contributing_units"].queryset
        self.fields["contributing_units"].queryset = Unit.objects.filter(
            Q(pk__in=units.values("pk")) | Q(pk__in=initial["contributing_units"])
        ).order_by("kind", "name")
        self.fields["deadline"].help_text = ""
        if locked:
            for name in DecisionForm.base_fields:
                self.fields[name].disabled = True

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        decided = timezone.localdate(self.decision.decided_at, self.decision.session.rakor.tz)
        if deadline < decided:
            raise forms.ValidationError(
                _("The deadline is before the decision (%(day)s).")
                % {"day": formats.date_format(decided, "j F Y")}
            )
        return deadline

    def changed_values(self) -> dict:
        """The fields whose value differs from the decision's, for the service."""
        from superteam.meetings.services import DECISION_FIELDS

        return {n: self.cleaned_data[n] for n in self.changed_data if n in DECISION_FIELDS}


class WithdrawDecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it withdrawn?"),
        max_length=500,
        error_messages={"required": _("Say why the decision is withdrawn.")},
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For a decision recorded by mistake. A decision the meeting later gave up is "
            "“dropped” instead (its status)."
        ),
    )

"""Forms of the organisation pages."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from superteam.org.models import AssignmentKind, Position
from superteam.org.workbook import (
    MAX_UPLOAD_BYTES,
    XLSX_CONTENT_TYPE,
    WorkbookRejected,
    check_upload,
)


class WorkbookUploadForm(forms.Form):
    """An organisation workbook to check and then import (.xlsx, checked by content)."""

    workbook = forms.FileField(
        label=_("Workbook (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{XLSX_CONTENT_TYPE}"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workbook"].help_text = _(
            "Start from the template or from an export. At most %(mb)s MB."
        ) % {"mb": MAX_UPLOAD_BYTES // 2**20}

    def clean_workbook(self):
        upload = self.cleaned_data["workbook"]
        try:
            self.content = check_upload(upload)
        except WorkbookRejected as exc:
            raise forms.ValidationError(str(exc)) from None
        return upload


class DateInput(forms.DateInput):
    """The browser's date picker (a calendar on phones); the value as YYYY-MM-DD."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class AppointForm(forms.Form):
    """Appoint a person to a position of the regency (the position is found by search)."""

    position = forms.ModelChoiceField(
        label=pgettext_lazy("jabatan", "Position"),
        queryset=Position.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Choose a position: search for it, then pick one from the list."),
            "invalid_choice": _("That position is not a position of this regency."),
        },
    )
    start = forms.DateField(label=_("From"), widget=DateInput)
    end = forms.DateField(
        label=_("Until (optional)"),
        required=False,
        widget=DateInput,
        help_text=_("Leave empty unless the decree sets an end, as for an acting holder."),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=AssignmentKind.choices,
        initial=AssignmentKind.DEFINITIVE,
        widget=forms.RadioSelect,
    )
    decree = forms.CharField(
        label=_("Decree (SK) number"),
        max_length=120,
        required=False,
        help_text=_("e.g. 821.2/123/429.011/2026"),
    )
    replace = forms.BooleanField(
        label=_("Replace the holder in office"),
        required=False,
        help_text=_(
            "For a head's position: the current definitive or acting holder's assignment "
            "ends the day before."
        ),
    )

    def __init__(self, *args, regency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].queryset = Position.objects.filter(
            regency=regency, is_active=True
        ).select_related("unit")


class EndAssignmentForm(forms.Form):
    """End an assignment on a date, with the reason kept in the ledger."""

    end = forms.DateField(label=_("Last day in the position"), widget=DateInput)
    reason = forms.CharField(
        label=_("Reason (optional)"),
        max_length=200,
        required=False,
        help_text=_("e.g. retirement, transfer, a new decree. Kept in the audit log."),
    )


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's refusal on the form: by field where the form has it, else on top."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)

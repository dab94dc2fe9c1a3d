"""Forms of the organisation pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

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

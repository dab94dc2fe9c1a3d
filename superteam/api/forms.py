"""Forms of the API token page."""

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_ACTIVE_TOKENS = 20


class TokenForm(forms.Form):
    """Name a new token after the device or purpose it is for."""

    name = forms.CharField(
        label=_("Device or purpose"),
        max_length=80,
        help_text=_("For example: my phone, the puskesmas tablet, the reporting script."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the token a name."))
        active = self.person.api_tokens.active() if self.person else None
        if active is not None and active.filter(name__iexact=name).exists():
            raise forms.ValidationError(
                _("You already have a token with this name; revoke it first or choose another.")
            )
        if active is not None and active.count() >= MAX_ACTIVE_TOKENS:
            raise forms.ValidationError(
                _("You have %(n)s active tokens; revoke one you no longer use first.")
                % {"n": MAX_ACTIVE_TOKENS}
            )
        return name

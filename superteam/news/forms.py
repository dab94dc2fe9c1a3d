"""Forms of the news portal: the article editor, the reviewer's decision, subscriptions."""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from superteam.news.images import MAX_BYTES
from superteam.news.models import Article, Frequency, Tag
from superteam.org.models import Cluster, Unit, UnitKind

AUTHOR_KINDS = [
    UnitKind.SEKRETARIAT_DAERAH,
    UnitKind.BAGIAN,
    UnitKind.DINAS,
    UnitKind.BADAN,
    UnitKind.INSPEKTORAT,
    UnitKind.RSUD,
    UnitKind.PUSKESMAS,
    UnitKind.KECAMATAN,
    UnitKind.KABUPATEN,
]


class ArticleForm(forms.ModelForm):
    """Both language versions side by side; the cover photo is checked on save."""

    cover_upload = forms.FileField(
        label=_("Cover photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )
    remove_cover = forms.BooleanField(label=_("Remove the cover photo"), required=False)
    new_tags = forms.CharField(
        label=_("New tags"),
        required=False,
        max_length=300,
        help_text=_("Comma-separated, e.g. lansia, jemput bola."),
    )

    class Meta:
        model = Article
        fields = [
            "title_id",
            "summary_id",
            "body_id",
            "title_en",
            "summary_en",
            "body_en",
            "cover_alt_id",
            "cover_alt_en",
            "cover_credit",
            "author_unit",
            "clusters",
            "kecamatan",
            "innovations",
            "tags",
        ]
        widgets = {
            "summary_id": forms.Textarea(attrs={"rows": 3}),
            "summary_en": forms.Textarea(attrs={"rows": 3}),
            "body_id": forms.Textarea(attrs={"rows": 14}),
            "body_en": forms.Textarea(attrs={"rows": 14}),
            "clusters": forms.CheckboxSelectMultiple,
            "tags": forms.CheckboxSelectMultiple,
            "kecamatan": forms.SelectMultiple(attrs={"size": 6}),
            "innovations": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, regency, **kwargs):
        super().__init__(*args, **kwargs)
        self.regency = regency
        self.fields["author_unit"].queryset = Unit.objects.filter(
            regency=regency, kind__in=AUTHOR_KINDS, is_active=True
        ).order_by("kind", "name")
        self.fields["clusters"].queryset = Cluster.objects.filter(regency=regency)
        self.fields["kecamatan"].queryset = Unit.objects.filter(
            regency=regency, kind=UnitKind.KECAMATAN
        ).order_by("name")
        self.fields["tags"].queryset = Tag.objects.filter(regency=regency)
        from superteam.innovations.models import Innovation

        self.fields["innovations"].queryset = (
            Innovation.objects.public()
            .filter(regency=regency)
            .select_related("owner_unit")
            .order_by("title", "owner_unit__name")
        )
        # Replications share a title: the owner unit tells them apart.
        self.fields["innovations"].label_from_instance = lambda i: (
            f"{i.title} — {i.owner_unit.display_name}"
        )
        self.fields["innovations"].help_text = _("Innovations the article is about.")
        self.fields["kecamatan"].help_text = _("Hold Ctrl (or ⌘) to choose several.")
        self.fields["cover_upload"].help_text = _(
            "JPEG, PNG, WebP or HEIC, up to %(size)s MB. Location and camera data are removed."
        ) % {"size": MAX_BYTES // (1024 * 1024)}
        for code in ("id", "en"):
            self.fields[f"body_{code}"].help_text = _(
                "## heading, **bold**, *italic*, [link](https://…), lines starting with - for"
                " a list, > for a quotation; a blank line starts a new paragraph."
            )

    def clean(self):
        data = super().clean()
        if not (data.get("title_id") or "").strip() and not (data.get("title_en") or "").strip():
            raise forms.ValidationError(_("Give the article a title in at least one language."))
        for code in ("id", "en"):
            if data.get(f"body_{code}") and not data.get(f"title_{code}"):
                self.add_error(f"title_{code}", _("A text needs its title in the same language."))
        return data

    def service_data(self) -> dict:
        data = {
            name: self.cleaned_data[name]
            for name in self.Meta.fields
            if name not in ("clusters", "kecamatan", "innovations", "tags")
        }
        data["innovations"] = list(self.cleaned_data["innovations"])
        data["clusters"] = list(self.cleaned_data["clusters"])
        data["kecamatan"] = list(self.cleaned_data["kecamatan"])
        data["tags"] = list(self.cleaned_data["tags"])
        data["new_tags"] = [t for t in self.cleaned_data["new_tags"].split(",") if t.strip()]
        return data


class PublishForm(forms.Form):
    """The reviewer's decision: publish now or at a set time."""

    publish_at = forms.DateTimeField(
        label=_("Publish at"),
        required=False,
        help_text=_("Leave empty to publish now."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def clean_publish_at(self):
        value = self.cleaned_data["publish_at"]
        if value and value < timezone.now() - timezone.timedelta(minutes=1):
            raise forms.ValidationError(_("Choose a time in the future, or leave it empty."))
        return value


class NoteForm(forms.Form):
    """The reviewer's note: optional when taking an article off the portal."""

    note = forms.CharField(
        label=_("Note for the editors"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReturnForm(NoteForm):
    """Returning an article to draft: the note saying why is required."""

    note = forms.CharField(
        label=_("Note for the editors"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required: say what the editors should change."),
        error_messages={
            "required": _("Write a note for the editors: say why the article goes back to draft.")
        },
    )


class PreferencesForm(forms.Form):
    """Language, frequency and topics of a subscription."""

    language = forms.ChoiceField(
        label=_("Language of the emails"),
        choices=settings.LANGUAGES,
        widget=forms.RadioSelect,
    )
    frequency = forms.ChoiceField(
        label=_("How often"), choices=Frequency.choices, widget=forms.RadioSelect
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=Cluster.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose none to receive all news. General news always comes."),
    )

    def __init__(self, *args, regency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = Cluster.objects.filter(regency=regency)


# The dots IDNA treats as label separators (an internationalised domain may use them).
DOMAIN_DOTS = re.compile("[.\u3002\uff0e\uff61]")


def validate_subscriber_email(email: str) -> None:
    """An address on the internet: its domain name has a dot. ``user@localhost`` (which
    Django accepts), an intranet host or an IP literal like ``user@[127.0.0.1]`` reach no
    reader, and the visitor is told why rather than only "not valid"."""
    local, _at, domain = email.rpartition("@")
    literal = domain.startswith("[")
    dotless = "." not in DOMAIN_DOTS.sub(".", domain).strip(".")
    if local and domain and (literal or dotless):
        raise forms.ValidationError(
            _(
                "The part after @ must be a full domain name with a dot, such as "
                "%(example)s: mail cannot reach “%(domain)s”."
            ),
            code="domain",
            params={"example": "nama@banyuwangikab.go.id", "domain": domain},
        )
    validate_email(email)


class SubscriberEmailField(forms.EmailField):
    default_validators = [validate_subscriber_email]


class SubscribeForm(PreferencesForm):
    email = SubscriberEmailField(label=_("Email address"), max_length=254)
    field_order = ["email", "language", "frequency", "topics"]

"""Password change and reset, so that each person's signing key follows their password.

- Change (the old password is known): the same key is sealed under the new password.
- Reset by email (forgotten password): the old key cannot be opened; it is revoked from
  that moment and a new one is made (see keyring.py). Signatures made before stay valid.
The reset email is written in the person's own language.
"""

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.urls import path, reverse_lazy
from django.utils import translation

from superteam.agreements import keyring
from superteam.agreements.models import RevokeReason


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change; the signing key is resealed under the new password."""

    # Not registration/...: the admin app comes first in INSTALLED_APPS and its template of
    # that name (Django's admin page) was shown instead of ours.
    template_name = "core/password_change_form.html"
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form):
        with transaction.atomic():
            keyring.reseal_for_new_password(
                person=form.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
            )
            return super().form_valid(form)


class PasswordResetForm(auth_forms.PasswordResetForm):
    """The reset email in the recipient's language."""

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        user = context.get("user")
        language = getattr(user, "language", "") or settings.LANGUAGE_CODE
        with translation.override(language):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)


class ResetSetPasswordForm(auth_forms.SetPasswordForm):
    def save(self, commit=True):
        self.user._signing_key_reason = RevokeReason.RESET
        return super().save(commit=commit)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "agreements/password_reset_form.html"
    email_template_name = "agreements/email/password_reset.txt"
    subject_template_name = "agreements/email/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        # Links in the email point to the public address of the installation.
        self.extra_email_context = {"site_url": settings.SITE_URL}
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = ResetSetPasswordForm
    template_name = "agreements/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")


urlpatterns = [
    path("", PasswordChangeView.as_view(), name="password_change"),
    path(
        "done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="core/password_change_done.html"),
        name="password_change_done",
    ),
    path("reset/", PasswordResetView.as_view(), name="password_reset"),
    path(
        "reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="agreements/password_reset_done.html"
        ),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="agreements/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]

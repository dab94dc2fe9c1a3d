"""Form helpers shared by the apps."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def add_service_errors(form, error: ValidationError, fields: dict | None = None) -> None:
    """Put a service's ValidationError on ``form``: on the field it names when the form has
    it (``fields`` maps a service's name to the form's, e.g. ``quarterly_targets`` to
    ``q1``), otherwise on the whole form."""
    fields = fields or {}
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            target = fields.get(name, name)
            for e in errors:
                form.add_error(target if target in form.fields else None, e.messages)
    else:
        form.add_error(None, error.messages)

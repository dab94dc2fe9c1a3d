"""The report form copies its fields cheaply (forms.py, _FieldsCopiedCheaply): each form
still has fields of its own, which another form's changes do not reach."""

import pytest

from superteam.core.permissions import actor_for
from superteam.reports.forms import ReportForm

pytestmark = pytest.mark.django_db


def test_forms_of_different_people_share_nothing_they_change(personas):
    staff = ReportForm(actor=actor_for(personas.staff))
    head = ReportForm(actor=actor_for(personas.head))
    assert [c for c, _label in staff.fields["position"].choices] == [
        p.pk for p in actor_for(personas.staff).positions
    ]
    assert [c for c, _label in head.fields["position"].choices] == [
        p.pk for p in actor_for(personas.head).positions
    ]
    # What the template sees (the widgets) is each form's own.
    assert staff.fields["position"].widget is not head.fields["position"].widget
    assert list(staff.fields["position"].widget.choices) != list(
        head.fields["position"].widget.choices
    )
    staff.fields["title"].widget.attrs["data-x"] = "1"
    staff.fields["title"].error_messages["required"] = "changed"
    staff.fields["title"].validators.append(lambda value: None)
    other = ReportForm(actor=actor_for(personas.head))
    assert "data-x" not in other.fields["title"].widget.attrs
    assert other.fields["title"].error_messages["required"] != "changed"
    assert len(other.fields["title"].validators) == len(ReportForm.base_fields["title"].validators)
    # The units offered: the head's own and below; the class's field is left untouched.
    assert personas.pustu in staff.fields["unit"].queryset
    assert personas.dinkes in head.fields["unit"].queryset
    assert personas.dinkes not in staff.fields["unit"].queryset
    assert ReportForm.base_fields["unit"].units is None


def test_the_scripts_fields_are_hidden_inputs(personas):
    html = str(ReportForm(actor=actor_for(personas.staff)))
    for name in ("latitude", "longitude", "photos_expected", "client_created_at"):
        assert f'type="hidden" name="{name}"' in html

"""export_organisation and import_organisation: the workbook on the server's command line."""

import io

import pytest
from django.core.management import CommandError, call_command

from superteam.ledger.models import Entry
from superteam.org.models import Unit
from tests.org.conftest import build, exported, row

pytestmark = pytest.mark.django_db


def test_export_then_dry_run_then_import(personas, tmp_path):
    code = personas.regency.code
    path = tmp_path / "org.xlsx"
    call_command("export_organisation", regency=code, output=str(path), stdout=io.StringIO())
    out = io.StringIO()
    call_command("import_organisation", str(path), regency=code, dry_run=True, stdout=out)
    assert "unchanged      10" in out.getvalue() and "Dry run" in out.getvalue()

    rows = exported(personas.regency)
    rows["units"].append(row("units", code="X1", parent="PEMKAB", kind="dinas", name="Dinas X"))
    path.write_bytes(build(rows))
    call_command("import_organisation", str(path), regency=code, dry_run=True, stdout=io.StringIO())
    assert not Unit.objects.filter(code="X1").exists()
    out = io.StringIO()
    call_command(
        "import_organisation", str(path), regency=code, actor=personas.admin.username, stdout=out
    )
    assert Unit.objects.get(regency=personas.regency, code="X1").parent == personas.root
    assert Entry.objects.get(kind="org.imported").actor_id == personas.admin.pk


def test_a_bad_workbook_lists_its_problems_and_imports_nothing(personas, tmp_path):
    rows = exported(personas.regency)
    rows["units"].append(row("units", code="X1", parent="NOPE", kind="dinas", name="Dinas X"))
    path = tmp_path / "org.xlsx"
    path.write_bytes(build(rows))
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command(
            "import_organisation",
            str(path),
            regency=personas.regency.code,
            stderr=err,
            stdout=io.StringIO(),
        )
    assert (
        f"Units row {len(rows['units']) + 1} Parent code: Unknown parent code NOPE"
        in err.getvalue()
    )
    assert not Unit.objects.filter(code="X1").exists()
    path.write_text("not a workbook")
    with pytest.raises(CommandError, match="not an Excel workbook"):
        call_command(
            "import_organisation", str(path), regency=personas.regency.code, stdout=io.StringIO()
        )

"""Seed the national calendar with Indonesia's 2026 holidays and cuti bersama."""

from django.db import migrations


def seed(apps, schema_editor):
    from superteam.reports.holiday_data import rows

    Holiday = apps.get_model("reports", "Holiday")
    for day, kind, name, name_en in rows():
        Holiday.objects.get_or_create(
            regency=None, date=day, defaults={"kind": kind, "name": name, "name_en": name_en}
        )


def unseed(apps, schema_editor):
    from superteam.reports.holiday_data import rows

    Holiday = apps.get_model("reports", "Holiday")
    Holiday.objects.filter(regency=None, date__in=[r[0] for r in rows()]).delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]

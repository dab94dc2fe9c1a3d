"""GIN indexes over the full-text search vectors (PostgreSQL only; SQLite uses LIKE)."""

from django.db import migrations

INDEXES = [
    ("news_article_search_id_gin", "search_id"),
    ("news_article_search_en_gin", "search_en"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON news_article USING gin ({column})"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("news", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]

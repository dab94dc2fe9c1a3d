"""Model fields of the scoring app."""

from django.db import models


class BulkJSONField(models.JSONField):
    """A JSONField that PostgreSQL bulk inserts as plain VALUES rows.

    Django 5.2 bulk-inserts on PostgreSQL through UNNEST of one array per column; a jsonb
    array is sent as text that psycopg escapes character by character, which made
    publishing a snapshot of 1,649 units take 6 s instead of 0.6 s. Having a placeholder
    makes Django use the plain multi-row VALUES form for the tables with large JSON.
    """

    def get_placeholder(self, value, compiler, connection):
        return "%s"

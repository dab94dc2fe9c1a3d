"""Statements of the hot paths, compiled to SQL once instead of on every call.

Django's ORM compiles each queryset and each ``save()`` to SQL anew: on this stack that
costs 0.3–0.9 ms of Python per statement, against about 0.05 ms for SQLite or PostgreSQL
to run it. The few statements on paths that run hundreds of times a second (a report
arriving; the actor's positions, read on nearly every request) use this module instead:

- :func:`insert` writes one model instance with the SQL Django's own insert compiler made
  once for that model (for a blank instance; cached per database), the values prepared exactly
  as Django prepares them (``pre_save``, ``get_db_prep_save``) and the returned primary key
  run through the same converters, the ``pre_save`` and ``post_save`` signals sent: what
  ``obj.save(force_insert=True)`` does for a new row (a model whose fields need a
  per-value placeholder or have a database default, an inherited model, or a value that is
  an expression is saved the ORM's way).
- :func:`prepare` does the same in two steps: the values prepared at once, the statement
  run later by :meth:`Prepared.insert`, so that a transaction holding a lock only runs
  statements (values known only then, such as a parent row's new key, are set last).
- :class:`Joined` selects the concrete fields of several joined models in one row and turns
  each row into model instances (``Model.from_db``) through Django's converters for each
  column, as ``select_related`` does.

Tests compare both against the ORM on SQLite and PostgreSQL (tests/core/test_fastsql.py).
"""

from __future__ import annotations

from django.db import connections, router
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import fields as model_fields
from django.db.models import signals
from django.db.models.expressions import Col
from django.db.models.fields.related import ForeignKey
from django.db.models.sql import InsertQuery

_inserts: dict = {}

# Fields whose prepared value is the value itself when it is exactly of the type named
# (or None): Django's pre_save reads the attribute and get_db_prep_save gives it back
# unchanged (str for text, int for integers, bool for booleans). Only these classes
# exactly, not subclasses, which may prepare their values otherwise; integers only where
# the backend does not adapt them (PostgreSQL with psycopg 3 wraps each in its column's
# type). Other values and fields are prepared Django's way. Preparing a report's rows
# field by field through Django took 0.3 ms, most of it for these plain values.
_PLAIN_TEXT = (model_fields.CharField, model_fields.TextField, model_fields.SlugField)
_PLAIN_INTEGER = (
    model_fields.IntegerField,
    model_fields.BigIntegerField,
    model_fields.SmallIntegerField,
    model_fields.PositiveIntegerField,
    model_fields.PositiveBigIntegerField,
    model_fields.PositiveSmallIntegerField,
    model_fields.AutoField,
    model_fields.BigAutoField,
    model_fields.SmallAutoField,
)


def _plain_type(field, connection):
    """The one Python type whose values ``field`` stores as they are, or None."""
    kind = type(field)
    if kind is ForeignKey:
        return _plain_type(field.target_field, connection)
    if kind in _PLAIN_TEXT:
        return str
    if kind in _PLAIN_INTEGER:
        adapts = type(connection.ops).adapt_integerfield_value
        return int if adapts is BaseDatabaseOperations.adapt_integerfield_value else None
    if kind is model_fields.BooleanField:
        return bool
    return None


class _Insert:
    """The INSERT of one model on one database: SQL, fields, returning fields, converters."""

    def __init__(self, model, using: str):
        meta = model._meta
        connection = connections[using]
        self.fields = [
            f for f in meta.local_concrete_fields if not f.generated and f is not meta.auto_field
        ]
        self.returning = list(meta.db_returning_fields)
        query = InsertQuery(model)
        # Compiled for a blank instance: every value is a plain placeholder (no field has a
        # per-value placeholder or a database default, see _fast_insert_possible).
        query.insert_values(self.fields, [model()], raw=False)
        compiler = query.get_compiler(using=using)
        compiler.returning_fields = self.returning
        ((self.sql, _params),) = compiler.as_sql()  # only the text is kept, not the object
        self.position = {f.attname: i for i, f in enumerate(self.fields)}
        # (attname, the type stored as it is or None, the field) per column, in order.
        self.columns = [(f.attname, _plain_type(f, connection), f) for f in self.fields]
        cols = [f.get_col(meta.db_table) for f in self.returning]
        self.converters = [
            (i, col, col.get_db_converters(connection))
            for i, col in enumerate(cols)
            if col.get_db_converters(connection)
        ]


def _fast_insert_possible(model, using: str) -> bool:
    connection = connections[using]
    if not connection.features.can_return_columns_from_insert:
        return False
    meta = model._meta
    if meta.parents or meta.proxy:
        return False
    return not any(
        hasattr(f, "get_placeholder") or f.has_db_default() for f in meta.local_concrete_fields
    )


def insert(obj, *, using: str | None = None):
    """INSERT ``obj`` (a new instance) and set what the database returns (its key)."""
    return prepare(obj, using=using).insert()


def prepare(obj, *, using: str | None = None) -> Prepared:
    """The INSERT of ``obj`` made ready to run: the values prepared now, the statement run
    by :meth:`Prepared.insert`. A transaction that holds a lock (SQLite's one writer, a
    chain head) prepares its rows before it begins and only runs them inside; values known
    only inside (the key of a row inserted just before) are given to :meth:`Prepared.set`."""
    model = type(obj)
    using = using or router.db_for_write(model, instance=obj)
    auto = model._meta.auto_field
    key = (model, using)
    statement = _inserts.get(key)
    if statement is None:
        possible = _fast_insert_possible(model, using)
        statement = _inserts[key] = _Insert(model, using) if possible else False
    if (auto is not None and obj.pk is not None) or not statement:
        # An explicit key for an automatic one, or no precompiled statement here: saved
        # the ORM's way by insert().
        return Prepared(obj, None, None, using)
    values = obj.__dict__
    for attname, _plain, _field in statement.columns:
        if hasattr(values.get(attname), "resolve_expression"):
            return Prepared(obj, None, None, using)  # an expression: the ORM's way
    obj._prepare_related_fields_for_save(operation_name="save")
    signals.pre_save.send(sender=model, instance=obj, raw=False, using=using, update_fields=None)
    connection = connections[using]
    # The values as the insert compiler takes them (pre_save) and prepares them; a plain
    # value of a plain field (see _plain_type) is what that gives back.
    params = []
    for attname, plain, field in statement.columns:
        value = values.get(attname)
        if plain is not None and (value is None or type(value) is plain):
            params.append(value)
        else:
            params.append(field.get_db_prep_save(field.pre_save(obj, True), connection=connection))
    return Prepared(obj, statement, params, using)


class Prepared:
    """One row to insert, its values already prepared (see :func:`prepare`)."""

    __slots__ = ("obj", "params", "statement", "using")

    def __init__(self, obj, statement: _Insert | None, params: list | None, using: str):
        self.obj, self.statement, self.params, self.using = obj, statement, params, using

    def set(self, **values) -> Prepared:
        """Set fields (by name, e.g. ``report=...``) known only now, before :meth:`insert`."""
        meta = type(self.obj)._meta
        for name, value in values.items():
            setattr(self.obj, name, value)
            if self.statement:
                field = meta.get_field(name)
                i = self.statement.position.get(field.attname)
                if i is None or hasattr(value, "resolve_expression"):
                    # Not a column of the statement (the automatic key, ...) or an
                    # expression: the row is saved the ORM's way, from the instance
                    # (which sends pre_save once more).
                    self.statement = self.params = None
                    continue
                self.params[i] = field.get_db_prep_save(
                    field.pre_save(self.obj, True), connection=connections[self.using]
                )
        return self

    def insert(self):
        obj, statement, using = self.obj, self.statement, self.using
        if statement is None:
            obj.save(force_insert=True, using=using)  # the ORM's way (see prepare and set)
            return obj
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(statement.sql, self.params)
            row = (
                list(connection.ops.fetch_returned_insert_columns(cursor, None))
                if statement.returning
                else []
            )
        for i, col, converters in statement.converters:
            for converter in converters:
                row[i] = converter(row[i], col, connection)
        for field, value in zip(statement.returning, row, strict=True):
            setattr(obj, field.attname, value)
        obj._state.adding = False
        obj._state.db = using
        signals.post_save.send(
            sender=type(obj), instance=obj, created=True, update_fields=None, raw=False, using=using
        )
        return obj


class Joined:
    """The concrete fields of models joined in one SELECT, read back as instances.

    ``Joined((Assignment, "a"), (Position, "p"))``: :meth:`columns` is the select list
    (``a."id", a."person_id", ...``) for SQL written around it, :meth:`instances` turns
    a row into ``[assignment, position]``."""

    def __init__(self, *models_and_aliases):
        self.parts = [
            (model, alias, list(model._meta.concrete_fields)) for model, alias in models_and_aliases
        ]
        self._converters: dict[str, list] = {}

    def columns(self, connection) -> str:
        quote = connection.ops.quote_name
        return ", ".join(
            f"{alias}.{quote(f.column)}" for _model, alias, fields in self.parts for f in fields
        )

    def _converters_for(self, connection) -> list:
        found = self._converters.get(connection.alias)
        if found is None:
            found, i = [], 0
            for _model, alias, fields in self.parts:
                for f in fields:
                    col = Col(alias, f)
                    converters = col.get_db_converters(connection)
                    if converters:
                        found.append((i, col, converters))
                    i += 1
            self._converters[connection.alias] = found
        return found

    def instances(self, row, connection) -> list:
        values = list(row)
        for i, col, converters in self._converters_for(connection):
            for converter in converters:
                values[i] = converter(values[i], col, connection)
        out, start = [], 0
        for model, _alias, fields in self.parts:
            end = start + len(fields)
            out.append(
                model.from_db(connection.alias, [f.attname for f in fields], values[start:end])
            )
            start = end
        return out

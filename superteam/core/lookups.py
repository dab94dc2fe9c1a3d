"""Query lookups of our own."""

from django.db.models.lookups import In


class AnyOf(In):
    """``field__any_of=[...]``: the same rows as ``__in``. On PostgreSQL the values travel
    as one array parameter (``= ANY(%s)``) instead of one parameter each: a list of a
    thousand ids is not spelled out, parsed and planned as a thousand literals."""

    lookup_name = "any_of"

    def as_postgresql(self, compiler, connection):
        if not isinstance(self.rhs, list | tuple | set | frozenset):  # a subquery: as __in
            return super().as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = [v for v in self.rhs if v is not None]
        return f"{lhs} = ANY(%s)", (*lhs_params, values)

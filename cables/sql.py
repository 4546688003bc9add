"""Small SQL expressions the counting and search queries share."""

from django.db.models import Func


class Unindexed(Func):
    """A column, as it is; on SQLite written `+column`, which keeps the planner from using an
    index on it: neither to read a whole index in the column's order (to group without
    sorting), nor to drive a loop from an `IN (…)` list on it, where another constraint of the
    query bounds the work better (the cables counted, the cables of a sample)."""

    template = "%(expressions)s"

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="+%(expressions)s", **extra_context)

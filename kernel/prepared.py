"""ORM queries compiled to SQL once, then run with new values.

On a page that reads a few small rows, Django spends more time compiling each queryset to SQL than
the database spends answering it (a join with a subquery costs several milliseconds to compile and
a tenth of that to run). ``Prepared`` builds its queryset once per thread and database with a
placeholder for each value, keeps the SQL and the converters Django would apply to its columns,
and then runs that SQL with the real values: the same rows as the queryset's ``values_list``,
converted the same way (dates, JSON, booleans on SQLite).

Only for ``values_list`` querysets whose values are plain ``int`` or ``str`` lookups (no ``__in``
lists, no slicing by a value): anything else is refused when the query is first compiled.
"""

import threading
from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

# Placeholders no real value takes: unique ints below any primary key, and marked strings.
_INT_BASE = -7_310_000_000


class Prepared:
    """``Prepared(build, submission=int, code=str)``: ``build(submission=…, code=…)`` returns the
    ``values_list`` queryset; ``rows(submission=4, code="x")`` runs its SQL with those values."""

    def __init__(self, build: Callable[..., QuerySet], **kinds: type):
        for name, kind in kinds.items():
            if kind not in (int, str):
                raise TypeError(f"{name}: only int and str values can be prepared")
        self.build = build
        self.kinds = kinds
        self._local = threading.local()

    def _placeholders(self) -> dict[str, object]:
        return {
            name: (_INT_BASE - n if kind is int else f"\x1fprepared:{name}\x1f")
            for n, (name, kind) in enumerate(self.kinds.items())
        }

    def _compiled(self, using: str):
        compiled = getattr(self._local, "compiled", None)
        if compiled is None:
            compiled = self._local.compiled = {}
        connection = connections[using]
        key = (using, connection.vendor, id(connection))
        if key not in compiled:
            placeholders = self._placeholders()
            queryset = self.build(**placeholders)
            compiler = queryset.query.get_compiler(using=using)
            sql, params = compiler.as_sql()
            names = {value: name for name, value in placeholders.items()}
            slots = [(names[p], None) if p in names else (None, p) for p in params]
            missing = set(placeholders) - {name for name, _ in slots if name}
            altered = [c for _, c in slots if isinstance(c, str) and "\x1fprepared:" in c]
            if missing or altered:
                raise ValueError(f"values not passed as SQL parameters: {sorted(missing)}")
            fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
            compiled[key] = (sql, slots, compiler, compiler.get_converters(fields))
        return compiled[key]

    def rows(self, using: str = DEFAULT_DB_ALIAS, **values) -> list[tuple]:
        sql, slots, compiler, converters = self._compiled(using)
        params = [values[name] if name else constant for name, constant in slots]
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if converters:
            return [tuple(row) for row in compiler.apply_converters(rows, converters)]
        return [tuple(row) for row in rows]

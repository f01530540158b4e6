"""French alphabetical order in the database, whatever its collation: the key of
:func:`partez.core.french.sort_key` as an SQL expression, compared byte by byte.

- PostgreSQL: ``translate(lower(name), 'àâä…', 'aaa…')`` with the ligatures replaced, then
  ``COLLATE "C"`` (an en_US or fr_FR collation would skip the spaces and dashes);
- SQLite: ``partez_sort_key(name)``, the Python function itself, registered on every new
  connection (:func:`register_sqlite_function`); SQLite compares the bytes of its result.

``order_by(french_order("name"))`` puts Éleu among the E's on both."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Func, TextField

from .french import FOLDS, SEPARATORS, sort_key

SQLITE_FUNCTION = "partez_sort_key"
_SINGLE = {k: v for k, v in FOLDS.items() if len(v) == 1}
_LIGATURES = {k: v for k, v in FOLDS.items() if len(v) > 1}


class FrenchOrder(Func):
    function = SQLITE_FUNCTION  # SQLite (the function registered on each connection)
    output_field = TextField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        source = "".join(_SINGLE) + SEPARATORS
        target = "".join(_SINGLE.values()) + " " * len(SEPARATORS)
        expression = f"translate(lower({sql}), %s, %s)"
        params = [*params, source, target]
        for ligature, plain in _LIGATURES.items():
            expression = f"replace({expression}, %s, %s)"
            params += [ligature, plain]
        return f'({expression}) COLLATE "C"', params


def french_order(field: str) -> FrenchOrder:
    """An ordering expression on ``field`` (a text column or a path such as ``commune__name``)."""
    return FrenchOrder(F(field))


def register_sqlite_function(sender: Any, connection: Any, **kwargs: Any) -> None:
    """``connection_created``: give a new SQLite connection the sort key as a function."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FUNCTION, 1, sort_key, deterministic=True)

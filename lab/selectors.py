"""Reading variants."""

from kernel.prepared import Prepared

from .models import Variant

_FIELDS = tuple(f.attname for f in Variant._meta.concrete_fields)
# Compiled once: the cached comparison page reads only this, the round and the session.
_VARIANT = Prepared(
    lambda pk: Variant.objects.filter(pk=pk).order_by().values_list(*_FIELDS), pk=int
)


def variant_or_none(pk: int) -> Variant | None:
    rows = _VARIANT.rows(pk=pk)
    return Variant.from_db("default", _FIELDS, rows[0]) if rows else None

"""Plain bulk INSERTs for large imports. Django's bulk_create compiles every value of every object through the
field machinery (about half of a 10,000-row ledger import's time); here each distinct value is prepared once and the
rows go to one COPY on PostgreSQL and to the driver's executemany elsewhere. Like bulk_create it calls no save() and
sends no signals; unlike it, it returns nothing, so callers read new primary keys back by a natural key."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import connection, models
from django.utils import timezone


def insert_rows(model: type[models.Model], rows: Iterable[Mapping[str, object]], *, batch_size: int = 2000) -> int:
    """INSERT `rows` (attname → value; missing fields take their defaults, auto_now fields the current time).
    `batch_size` bounds the rows held for one executemany; PostgreSQL's COPY streams them all."""
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and isinstance(f, models.AutoField))]
    now = timezone.now()
    defaults = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = now
        elif f.has_default() or f.null or f.blank:
            defaults[f.attname] = f.get_default()
    absent = object()
    # Per field: its cache of prepared values and, when it has one, its default prepared once for every row lacking it.
    specs = [(f, f.attname, {}, f.get_db_prep_save(defaults[f.attname], connection) if f.attname in defaults else absent)
             for f in fields]

    def prepared_row(row: Mapping[str, object]) -> list[object]:
        values = []
        for field, name, cache, default in specs:
            value = row.get(name, absent)
            if value is absent:
                if default is absent:
                    raise KeyError(name)
                values.append(default)
                continue
            try:
                key = (type(value), value)  # 1, 1.0 and True are equal but not prepared alike
                cached = cache.get(key, absent)
            except TypeError:  # an unhashable value (a JSON list or dict)
                values.append(field.get_db_prep_save(value, connection))
                continue
            if cached is absent:
                cached = cache[key] = field.get_db_prep_save(value, connection)
            values.append(cached)
        return values

    quote = connection.ops.quote_name
    # Table and column names come from the model's own metadata, quoted; values are always parameters or COPY data.
    table, columns = quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            return _copy(cursor, f"COPY {table} ({columns}) FROM STDIN", map(prepared_row, rows))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608
        count, batch = 0, []
        for row in rows:
            batch.append(prepared_row(row))
            if len(batch) >= batch_size:
                cursor.executemany(sql, batch)
                count, batch = count + len(batch), []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
        return count


def update_rows(model: type[models.Model], fields: list[str], rows: list[tuple]) -> None:
    """UPDATE `fields` of each (pk, *values) row in one executemany: `bulk_update` builds a CASE per row and field in
    Python, which cost more than the writes themselves (a daily run rewords hundreds of rows)."""
    if not rows:
        return
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    # Table and column names come from the model's own metadata, quoted; values are always parameters.
    sql = (f"UPDATE {quote(meta.db_table)} SET {', '.join(f'{quote(f.column)} = %s' for f in columns)} "  # noqa: S608
           f"WHERE {quote(meta.pk.column)} = %s")
    prepared = [[f.get_db_prep_save(value, connection) for f, value in zip(columns, values, strict=True)] + [pk]
                for pk, *values in rows]
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.executemany(sql, prepared)
            return
        # PostgreSQL: one statement per thousand rows, joining a VALUES list (a daily run at province scale rewords
        # tens of thousands of red and yellow cards, and a statement per row was a fifth of the run).
        names = [quote(f.column) for f in columns]
        casts = [f"%s::{f.db_type(connection)}" for f in columns] + [f"%s::{meta.pk.db_type(connection)}"]
        for start in range(0, len(prepared), 1000):
            batch = prepared[start:start + 1000]
            values = ", ".join(["(" + ", ".join(casts) + ")"] * len(batch))
            cursor.execute(
                f"UPDATE {quote(meta.db_table)} AS t SET {', '.join(f'{n} = v.{n}' for n in names)} "  # noqa: S608
                f"FROM (VALUES {values}) AS v({', '.join(names)}, pk) WHERE t.{quote(meta.pk.column)} = v.pk",
                [value for row in batch for value in row])


def _copy(cursor, sql: str, rows: Iterable[list[object]]) -> int:
    """Stream every row through one COPY. executemany sends one INSERT per row, which the server plans and runs
    one by one: it made the 10,000-row ledger import three times slower on PostgreSQL than on SQLite."""
    count = 0
    with cursor.copy(sql) as copy:
        for values in rows:
            copy.write_row(values)
            count += 1
    return count

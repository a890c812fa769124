"""Plain bulk INSERTs for large imports. Django's bulk_create compiles every value of every object through the
field machinery (about half of a 10,000-row ledger import's time); here each distinct value is prepared once and the
rows go to one COPY on PostgreSQL and to the driver's executemany elsewhere. Like bulk_create it calls no save() and
sends no signals; unlike it, it returns nothing, so callers read new primary keys back by a natural key."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Mapping

from django.db import connection, models, transaction
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone


def insert_rows(model: type[models.Model], rows: Iterable[Mapping[str, object]], *, batch_size: int = 2000) -> int:
    """INSERT `rows` (attname → value; missing fields take their defaults, auto_now fields the current time).
    `batch_size` bounds the rows held for one executemany; PostgreSQL's COPY streams them all."""
    fields = _insertable_fields(model)
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


def insert_objects(model: type[models.Model], objects: Iterable[models.Model]) -> int:
    """insert_rows for unsaved instances built in memory: every concrete field's value as the instance holds it."""
    names = [f.attname for f in _insertable_fields(model)]
    return insert_rows(model, ({name: getattr(obj, name) for name in names} for obj in objects))


def _insertable_fields(model: type[models.Model]) -> list[models.Field]:
    """Every concrete field but an automatic primary key, which the database numbers."""
    return [f for f in model._meta.concrete_fields if not (f.primary_key and isinstance(f, models.AutoField))]


def update_rows(model: type[models.Model], fields: list[str], rows: list[tuple]) -> None:
    """UPDATE `fields` of each (pk, *values) row: `bulk_update` builds a CASE per row and field in Python, which cost
    more than the writes themselves (a daily run rewords hundreds of rows, tens of thousands at province scale)."""
    if not rows:
        return
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    prepared = [[pk] + [f.get_db_prep_save(value, connection) for f, value in zip(columns, values, strict=True)]
                for pk, *values in rows]
    table, pk, names = quote(meta.db_table), quote(meta.pk.column), [quote(f.column) for f in columns]
    # Table and column names come from the model's own metadata, quoted; values are always parameters or COPY data.
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.executemany(f"UPDATE {table} SET {', '.join(f'{n} = %s' for n in names)} "  # noqa: S608
                               f"WHERE {pk} = %s", [row[1:] + row[:1] for row in prepared])
            return
        # PostgreSQL: the rows go to a temporary table by COPY and are joined in one UPDATE. Parameters would be
        # quoted one by one on the client (JSON findings above all); a statement per row was a fifth of the run.
        temp = quote(f"gj_update_{meta.db_table}")
        cursor.execute(f"CREATE TEMPORARY TABLE {temp} AS SELECT {pk} AS pk, {', '.join(names)} "  # noqa: S608
                       f"FROM {table} WITH NO DATA")
        _copy(cursor, f"COPY {temp} (pk, {', '.join(names)}) FROM STDIN", prepared)
        cursor.execute(f"UPDATE {table} AS t SET {', '.join(f'{n} = v.{n}' for n in names)} "  # noqa: S608
                       f"FROM {temp} AS v WHERE t.{pk} = v.pk")
        cursor.execute(f"DROP TABLE {temp}")  # on an error the savepoint's rollback takes the table with it


def existing_values(model: type[models.Model], field: str, values: list) -> set:
    """Which of `values` some row of `model` holds in `field` (a unique, indexed column). On PostgreSQL one array
    parameter: a thousand-item IN list is quoted and parsed item by item on the client, and the daily run asks about
    some fifty thousand notice keys at province scale. Elsewhere IN lists of a thousand."""
    found: set = set()
    if connection.vendor == "postgresql":
        table, column = connection.ops.quote_name(model._meta.db_table), connection.ops.quote_name(
            model._meta.get_field(field).column)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {column} FROM {table} WHERE {column} = ANY(%s)", [values])  # noqa: S608
            found.update(value for (value,) in cursor.fetchall())
        return found
    for start in range(0, len(values), 1000):
        found.update(model.objects.filter(**{f"{field}__in": values[start:start + 1000]})
                     .values_list(field, flat=True))
    return found


def _copy(cursor, sql: str, rows: Iterable[list[object]]) -> int:
    """Stream every row through one COPY. executemany sends one INSERT per row, which the server plans and runs
    one by one: it made the 10,000-row ledger import three times slower on PostgreSQL than on SQLite."""
    count = 0
    # The driver's own COPY bypasses Django's cursor wrapper: its errors are translated here (DataError, IntegrityError).
    with connection.wrap_database_errors, cursor.copy(sql) as copy:
        for values in rows:
            copy.write_row(values)
            count += 1
    return count


def json_text(field: str) -> Cast:
    """A JSON column read as its text, for `shared_json` to decode (Django's JSONField decodes every row itself)."""
    return Cast(field, output_field=TextField())


def shared_json() -> Callable[[str | None], object]:
    """json.loads that decodes each distinct text once and hands every row with that text the same object, so the
    caller must not change what it returns. The daily run reads ~100,000 cards and ladder states at province scale,
    and fewer than half of their texts differ: decoding each row took longer than reading it."""
    return functools.lru_cache(maxsize=None)(lambda text: None if text is None else json.loads(text))

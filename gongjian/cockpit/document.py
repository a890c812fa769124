"""The cockpit's JSON document as cached bytes: encoded once per supervision run and viewer, then served as stored.

A cached request costs one query beyond the session, user and role lookups every page pays: it confirms the campaign
and reads the latest run's version. The document's ETag lets a browser revalidate with a 304 and no body."""

import functools
import hashlib
import json
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection

from gongjian.campaigns.models import Campaign
from gongjian.cockpit.selectors import cockpit_data
from gongjian.supervision.models import SupervisionRun
from gongjian.types import User


@dataclass(frozen=True)
class Document:
    body: bytes
    etag: str


def encode(data: dict) -> Document:
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")).encode()
    return Document(body=body, etag=f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"')


@functools.cache
def _version_sql(vendor: str) -> str:
    """Built once per database vendor (its quoting)."""
    quote = connection.ops.quote_name
    run, campaign = SupervisionRun._meta, Campaign._meta
    run_date = quote(run.get_field("date").column)
    latest = f"FROM {quote(run.db_table)} WHERE {run_date} <= %s ORDER BY {run_date} DESC LIMIT 1"
    # Names from our own models' metadata, quoted; values are parameters.
    return (f"SELECT (SELECT {quote(run.get_field('id').column)} {latest}), "  # noqa: S608
            f"(SELECT {quote(run.get_field('finished_at').column)} {latest}) "
            f"FROM {quote(campaign.db_table)} WHERE {quote(campaign.get_field('id').column)} = %s")


def _version(campaign_pk: int, on: date) -> str | None:
    """The version of the latest run up to `on`, or None if there is no campaign with this key. A re-run of the same
    day keeps the run's row but moves finished_at, so both make up the version."""
    # Raw SQL: on this, the cached path, compiling the ORM query cost twenty times what running it did.
    day = connection.ops.adapt_datefield_value(on)
    with connection.cursor() as cursor:
        cursor.execute(_version_sql(connection.vendor), [day, day, campaign_pk])
        row = cursor.fetchone()
    if row is None:
        return None
    latest_id, finished_at = row
    if latest_id is None:
        return "none"
    # finished_at only has to change with the run: its text (a string on SQLite), hashed to keep cache keys plain.
    return f"{latest_id}.{hashlib.blake2b(str(finished_at).encode(), digest_size=8).hexdigest()}"


def cockpit_document(user: User | AnonymousUser, campaign_pk: int, on: date) -> Document | None:
    """The cockpit for this campaign, day and viewer, or None if the campaign does not exist. Cached per supervision
    run (a re-run of the same day replaces it) and per city leader for the leader's own part; because task totals,
    overdue items and blockers move during the day too, an entry also expires after COCKPIT_CACHE_SECONDS."""
    version = _version(campaign_pk, on)
    if version is None:
        return None
    person = getattr(user, "person", None)
    viewer = person.pk if person is not None and person.is_city_leader else "-"
    # Not the "cockpit:" prefix of the dicts cached before: a shared cache may still hold them after a deploy.
    key = f"cockpit-document:{campaign_pk}:{on.isoformat()}:{version}:{viewer}"
    document = cache.get(key)
    if document is None:
        document = encode(cockpit_data(user, Campaign.objects.get(pk=campaign_pk), on))
        cache.set(key, document, settings.COCKPIT_CACHE_SECONDS)
    return document

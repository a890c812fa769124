"""The progress view's data (作战进度图): projects and tasks with their milestones as compact JSON documents in the
format static/js/gantt.js reads ("gantt/v1"), built in a fixed number of queries however many rows there are.

Paged: every document is one window (`offset`, `limit`) of the rows in display order — grouped as the page groups
them, each group in the order the chart draws its groups — with the total and the time span of all rows, so the page
draws the first window at once and appends the rest without its timeline or its groups moving."""

import gzip
import hashlib
import json
from datetime import date

from django import forms
from django.core.cache import cache
from django.db.models import CharField, FloatField, IntegerField, Max, Min, Q, QuerySet
from django.db.models.functions import Cast, Coalesce

from gongjian.audit.models import AuditHead
from gongjian.campaigns.access import tasks_visible_to
from gongjian.campaigns.models import Campaign, FocusArea, Milestone, Task
from gongjian.forms_util import style_filter_fields
from gongjian.org.models import Person, Unit
from gongjian.projects.access import projects_visible_to
from gongjian.projects.models import Project
from gongjian.projects.selectors import latest_card_date
from gongjian.supervision.models import Card

FIELDS = ["id", "title", "kind", "unit", "leader", "town", "chain", "start", "end", "progress", "card", "milestones"]
KINDS = ["项目", "任务"]
CARD_CODES = {"green": 1, "yellow": 2, "red": 3}
PROGRESS_CACHE_SECONDS = 3600  # entries are keyed by data version; this only bounds their memory
MS_PLANNED, MS_DONE, MS_OVERDUE = 0, 1, 2
SHOWN_STATUSES = (Task.Status.ASSIGNED, Task.Status.IN_PROGRESS, Task.Status.COMPLETED, Task.Status.SUSPENDED)
PAGE_FIRST = 200  # the first window: a full screen of rows and group headers at any height a screen has
PAGE_MAX = 5000  # the later windows, and the most one request may ask for
OFFSET_MAX = 10_000_000
GROUPS = [("town", "按镇街"), ("leader", "按包联领导"), ("chain", "按产业链"), ("unit", "按牵头单位"), ("kind", "按类型"),
          ("", "不分组")]


class ProgressFilter(forms.Form):
    """The filters of the progress view, shared by the page and its JSON (the page passes its query string on)."""

    kind = forms.ChoiceField(label="范围", required=False, initial="project",
                             choices=[("project", "重点项目"), ("task", "重点任务"), ("all", "项目和任务")])
    campaign = forms.ModelChoiceField(Campaign.objects.all(), label="攻坚行动", required=False)
    focus_area = forms.ModelChoiceField(FocusArea.objects.all(), label="重点方向", required=False)
    town = forms.ModelChoiceField(Unit.objects.filter(kind__in=Unit.AREA_KINDS), label="镇街", required=False)
    unit = forms.ModelChoiceField(Unit.objects.all(), label="牵头单位", required=False)
    leader = forms.ModelChoiceField(Person.objects.filter(is_city_leader=True), label="包联领导", required=False)
    chain = forms.CharField(label="产业链", required=False, max_length=40)
    level = forms.ChoiceField(label="项目级别", required=False, choices=[("", "全部"), *Project.Level.choices])
    card = forms.ChoiceField(label="亮牌", required=False,
                             choices=[("", "全部"), ("red", "红牌"), ("yellow", "黄牌"), ("green", "绿牌")])
    q = forms.CharField(label="关键词", required=False, max_length=100)
    group = forms.ChoiceField(label="分组", required=False, choices=GROUPS, initial="town")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_filter_fields(self)

    def first_error(self) -> tuple[str, str]:
        name, errors = next(iter(self.errors.items()))
        label = self.fields[name].label if name in self.fields else name
        return name, f"「{label}」{errors[0]}"


def _filtered(queryset: QuerySet, data: dict, *, is_project: bool) -> QuerySet:
    queryset = queryset.filter(status__in=SHOWN_STATUSES)
    if data.get("campaign"):
        queryset = queryset.filter(campaign=data["campaign"])
    if data.get("focus_area"):
        queryset = queryset.filter(focus_area=data["focus_area"])
    if data.get("unit"):
        queryset = queryset.filter(lead_unit=data["unit"])
    if data.get("leader"):
        queryset = queryset.filter(lead_leader=data["leader"])
    if data.get("q"):
        queryset = queryset.filter(title__icontains=data["q"].strip())
    if data.get("town"):
        queryset = queryset.filter(town=data["town"]) if is_project else queryset.filter(lead_unit=data["town"])
    if is_project:
        if data.get("chain"):
            queryset = queryset.filter(industry_chain=data["chain"].strip())
        if data.get("level"):
            queryset = queryset.filter(level=data["level"])
    return queryset


class _Index:
    """Keys → small integers in first-seen order (or a given order), with the values the JSON's dict lists."""

    def __init__(self, ordered=()):
        self.values: list = []
        self.pos: dict = {}
        for key, value in ordered:
            self.pos[key] = len(self.values)
            self.values.append(value)

    def index(self, key, value):
        if key is None or value in (None, ""):
            return None
        i = self.pos.get(key)
        if i is None:
            i = self.pos[key] = len(self.values)
            self.values.append(value)
        return i


def _text(field: str) -> Cast:
    # Dates as ISO text: turning 300,000 of them into date objects and back costs more than the whole query.
    return Cast(field, output_field=CharField())


def _plain(field: str, output) -> Cast:
    # Plain numbers skip Django's per-value converters (Decimal, bool), which dominate at 50,000 rows.
    return Cast(field, output_field=output)


def _scope(user, data: dict) -> tuple[QuerySet, QuerySet]:
    kind = data.get("kind") or "project"
    project_only = bool(data.get("chain") or data.get("level"))
    projects = _filtered(projects_visible_to(user), data, is_project=True) if kind in ("project", "all") \
        else Project.objects.none()
    tasks = (_filtered(tasks_visible_to(user).filter(project__isnull=True), data, is_project=False)
             if kind in ("task", "all") and not project_only else Task.objects.none())
    return projects, tasks


def progress_data(user, data: dict, on: date, *, offset: int = 0, limit: int | None = None,
                  rows_key: str | None = None, latest=None) -> dict:
    """gantt/v1 for the projects (and tasks) the user may see under the filters in `data` (ProgressFilter, with
    `group` as the page groups): rows offset … offset + limit in display order (all from offset when limit is None),
    with `total`, `offset` and `span` (first and last day of all rows and their milestones).

    All rows in display order, without their milestones, are built once per data version and kept under `rows_key`
    (when given), so a later window reads only its own milestones. Eight queries whatever the number of rows; a
    window once the rows are kept, one. `latest`: the latest card date when the caller has it (progress_version)."""
    ordered = cache.get(rows_key) if rows_key else None
    if ordered is None:
        ordered = _ordered(user, data, on, latest_card_date(on) if latest is None else latest)
        if rows_key:
            cache.set(rows_key, ordered, PROGRESS_CACHE_SECONDS)
    rows, total = ordered["rows"], len(ordered["rows"])
    window = rows[offset:] if limit is None else rows[offset:offset + limit]
    origin = _origin(on)
    if offset == 0 and len(window) == total:
        projects, tasks = _scope(user, data)
        in_window = Milestone.objects.filter(Q(task__in=projects.values("pk")) | Q(task__in=tasks.values("pk")))
    else:
        in_window = Milestone.objects.filter(task_id__in=[r[0] for r in window])
    milestones = _milestones(in_window, {}, origin, on.isoformat())
    return {
        "v": 1, "origin": origin.isoformat(), "today": (on - origin).days, "fields": FIELDS,
        "dict": {**ordered["dict"], "milestone": milestones.titles},
        "total": total, "offset": offset, "span": ordered["span"],
        "rows": [[*r, milestones.get(r[0], [])] for r in window],
    }


def _ordered(user, data: dict, on: date, latest: date | None) -> dict:
    """All rows in display order, each as its gantt/v1 row but the milestones, with the dicts and the span."""
    projects, tasks = _scope(user, data)
    rows = [(*row, 0) for row in projects.values_list(
        "id", "title", "lead_unit_id", "lead_leader_id", "town_id", "industry_chain", _text("start"),
        _text("deadline"), _plain("progress", FloatField()), "status")]
    rows += [(pk, title, unit, leader, unit, None, start, end, progress, status, 1)
             for pk, title, unit, leader, start, end, progress, status in tasks.values_list(
                 "id", "title", "lead_unit_id", "lead_leader_id", _text("start"), _text("deadline"),
                 _plain("progress", FloatField()), "status")]
    both = Q(task__in=projects.values("pk")) | Q(task__in=tasks.values("pk"))
    cards = {pk: CARD_CODES.get(color, 0) for pk, color in
             Card.objects.on(latest).filter(both).values_list("task_id", "color")} if latest else {}
    wanted_card = CARD_CODES.get(data.get("card") or "", 0)
    if wanted_card:
        rows = [row for row in rows if cards.get(row[0], 0) == wanted_card]
    units = list(Unit.objects.order_by("order", "id").values_list("id", "name", "kind"))
    unit_name = {pk: name for pk, name, _ in units}
    areas = {pk for pk, _, k in units if k in Unit.AREA_KINDS}
    leader_name = dict(Person.objects.filter(is_city_leader=True).order_by("id").values_list("id", "display_name"))
    # Every dict is built from all rows, not a window's, so it is the same in every window of one data version.
    used_units = {r[2] for r in rows}
    unit_ix = _Index((pk, name) for pk, name, _ in units if pk in used_units)
    leader_ix = _Index(leader_name.items())
    town_ix = _Index((pk, name) for pk, name, k in units if pk in areas)
    chain_ix = _Index((c, c) for c in sorted({r[5] for r in rows if r[5]}))
    rows.sort(key=_display_order(data.get("group", "town"), unit_ix, leader_ix, town_ix, chain_ix, areas))
    origin = _origin(on)
    offsets: dict[str, int] = {}

    def day(iso: str) -> int:
        n = offsets.get(iso)
        if n is None:
            n = offsets[iso] = (date.fromisoformat(iso[:10]) - origin).days
        return n

    out = [[
        pk, title, kind_code, unit_ix.index(unit_id, unit_name.get(unit_id)),
        leader_ix.index(leader_id, leader_name.get(leader_id)),
        town_ix.index(town_id, unit_name.get(town_id)) if town_id in areas else None,
        chain_ix.index(chain, chain), day(start), day(end),
        100.0 if status == Task.Status.COMPLETED else round(progress, 2), cards.get(pk, 0),
    ] for pk, title, unit_id, leader_id, town_id, chain, start, end, progress, status, kind_code in rows]
    days = list(offsets.values())
    when = Milestone.objects.filter(both).aggregate(lo=Min(Coalesce("planned_date", "done_on")),
                                                    hi=Max(Coalesce("planned_date", "done_on")))
    days += [(when[k] - origin).days for k in ("lo", "hi") if when[k]]
    return {"rows": out, "span": [min(days), max(days)] if days else None,
            "dict": {"kind": KINDS, "unit": unit_ix.values, "leader": leader_ix.values, "town": town_ix.values,
                     "chain": chain_ix.values}}


def _display_order(group: str, unit_ix: _Index, leader_ix: _Index, town_ix: _Index, chain_ix: _Index, areas: set):
    """The sort key of a row: its group's place (the dict's order, as gantt.js orders groups; "not set" last), then
    projects before tasks, then by start and id."""
    last = float("inf")
    rank = {
        "town": lambda r: town_ix.pos[r[4]] if r[4] in areas else last,
        "unit": lambda r: unit_ix.pos.get(r[2], last),
        "leader": lambda r: leader_ix.pos.get(r[3], last),
        "chain": lambda r: chain_ix.pos.get(r[5], last),
        "kind": lambda r: r[10],
    }.get(group, lambda r: 0)
    return lambda r: (rank(r), r[10], r[6] or "", r[0])


class _Milestones(dict):
    titles: list


def _milestones(queryset, offsets: dict[str, int], origin: date, today: str) -> _Milestones:
    """task id → [[day, status, critical, title index], …]; a done milestone is a red flag, one past its planned
    date and not done a black flag. The loop is written flat: it runs once per milestone (250,000 at 50,000 rows)."""
    out, titles, title_ix = _Milestones(), [], {}
    for task_id, planned, done, critical, title in queryset.order_by("task_id", "planned_date", "id").values_list(
            "task_id", _text("planned_date"), _text("done_on"), _plain("is_critical", IntegerField()), "title"):
        when = planned or done
        if when is None:
            continue
        # campaigns.overdue.overdue_on on ISO text, written out: a call per row costs more than the rest of the loop.
        status = MS_DONE if done is not None else (MS_OVERDUE if planned < today else MS_PLANNED)
        ti = title_ix.get(title)
        if ti is None:
            ti = title_ix[title] = len(titles)
            titles.append(title)
        offset = offsets.get(when)
        if offset is None:
            offset = offsets[when] = (date.fromisoformat(when[:10]) - origin).days
        entry = [offset, status, critical, ti]
        bucket = out.get(task_id)
        if bucket is None:
            out[task_id] = [entry]
        else:
            bucket.append(entry)
    out.titles = titles
    return out


def progress_version(on: date) -> tuple[int, date | None]:
    """What the data version of the chart is made of: the audit chain's head and the latest card date."""
    return AuditHead.objects.filter(pk=1).values_list("seq", flat=True).first() or 0, latest_card_date(on)


def progress_etag(user, query: list, on: date, *, version: tuple | None = None, window: tuple | None = None) -> str:
    """The ETag of the chart's rows for this viewer, day and filters (`query` without offset/limit); with `window`
    ((offset, limit)), of that window."""
    head, latest_run = version or progress_version(on)
    material = json.dumps([head, str(latest_run), user.pk, on.isoformat(), query, window], ensure_ascii=False)
    return f'"g{hashlib.sha256(material.encode()).hexdigest()[:32]}"'


def progress_body(user, data: dict, on: date, etag: str, *, offset: int = 0, limit: int | None = None,
                  rows_etag: str | None = None, latest=None) -> tuple[bytes, bytes]:
    """(JSON, gzipped JSON) of one window for `etag` (which names the window), from the cache or built and
    compressed once; `rows_etag` names all the rows, kept for the other windows."""
    key = f"battle-progress:{etag}"
    cached = cache.get(key)
    if cached is None:
        document = progress_data(user, data, on, offset=offset, limit=limit, latest=latest,
                                 rows_key=f"battle-rows:{rows_etag}" if rows_etag else None)
        body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
        cached = (body, gzip.compress(body, compresslevel=6))
        cache.set(key, cached, PROGRESS_CACHE_SECONDS)
    return cached


def _origin(on: date) -> date:
    return date(on.year, 1, 1)

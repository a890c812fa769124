"""Reads of the assessment: league tables with change, gap to the best and trend; a unit's breakdown with a link
to each line's source; the red/yellow lists; the JSON the command and the API print."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.urls import NoReverseMatch, reverse

from gongjian.assessment import periods
from gongjian.assessment.models import Category, Ranking, Scheme, Score, ScoreItem
from gongjian.campaigns.models import Campaign
from gongjian.supervision.models import Blocker
from gongjian.types import User

TREND_PERIODS = 6


@dataclass
class Row:
    score: Score
    change: int | None  # places gained since the previous period; None when the unit was not ranked then
    gap: Decimal
    trend: list[float] = field(default_factory=list)

    @property
    def change_text(self) -> str:
        if self.change is None:
            return "新"
        if self.change > 0:
            return f"↑{self.change}"
        if self.change < 0:
            return f"↓{-self.change}"
        return "—"


@dataclass(frozen=True)
class Line:
    points: Decimal
    reason: str
    kind: str
    indicator: str
    url: str | None


def default_campaign() -> Campaign | None:
    return (Campaign.objects.filter(schemes__isnull=False).order_by("-year", "-id").first()
            or Campaign.objects.order_by("routine", "-year", "-id").first())


def previous_ranking(ranking: Ranking, *, published_only: bool) -> Ranking | None:
    previous = Ranking.objects.filter(scheme_id=ranking.scheme_id, label=periods.previous(ranking.label)).first()
    if previous is not None and published_only and not previous.is_published:
        return None
    return previous


def trend_rankings(ranking: Ranking, *, published_only: bool) -> list[Ranking]:
    rankings = Ranking.objects.filter(scheme_id=ranking.scheme_id, start__lte=ranking.start)
    if published_only:
        rankings = rankings.filter(state=Ranking.State.PUBLISHED) | Ranking.objects.filter(pk=ranking.pk)
    return list(reversed(rankings.order_by("-start")[:TREND_PERIODS]))


def unit_trend(ranking: Ranking, unit_id: int, *, published_only: bool) -> list[tuple[str, float]]:
    rankings = trend_rankings(ranking, published_only=published_only)
    totals = dict(Score.objects.filter(ranking__in=rankings, unit_id=unit_id).values_list("ranking_id", "total"))
    return [(r.title, float(totals[r.pk])) for r in rankings if r.pk in totals]


def league(ranking: Ranking, *, published_only: bool) -> dict[str, list[Row]]:
    """Both tables, best first: {"area": rows, "department": rows}."""
    scores = list(ranking.scores.select_related("unit").order_by("category", "rank", "unit__order", "unit_id"))
    previous = previous_ranking(ranking, published_only=published_only)
    before = dict(previous.scores.values_list("unit_id", "rank")) if previous else {}
    trend_ids = [r.pk for r in trend_rankings(ranking, published_only=published_only)]
    order = {pk: i for i, pk in enumerate(trend_ids)}
    history: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for unit_id, ranking_id, total in Score.objects.filter(ranking_id__in=trend_ids).values_list(
            "unit_id", "ranking_id", "total"):
        history[unit_id].append((order[ranking_id], float(total)))
    best = {category: max((s.total for s in scores if s.category == category), default=Decimal("0"))
            for category in Category.values}
    tables: dict[str, list[Row]] = {category: [] for category in Category.values}
    for score in scores:
        change = before[score.unit_id] - score.rank if score.unit_id in before else None
        trend = [total for _, total in sorted(history.get(score.unit_id, []))]
        tables[score.category].append(Row(score, change, best[score.category] - score.total, trend))
    return tables


def _reverse(name: str, pk: int | None) -> str | None:
    try:
        return reverse(name, args=[] if pk is None else [pk])
    except NoReverseMatch:
        return None


def source_urls(items: list[ScoreItem], viewer: User | AnonymousUser | None = None) -> dict[tuple[str, int | None], str | None]:
    """Where each line's source lives: the task, the report, the blocker (its task's page until blockers have their
    own), or any model's get_absolute_url. Given a viewer, a source the viewer cannot open gets no link."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for item in items:
        if item.source_id is not None and item.source_type:
            wanted[item.source_type].add(item.source_id)
    urls: dict[tuple[str, int | None], str | None] = {}
    if viewer is not None:
        wanted = _reachable(wanted, viewer)
    for kind, ids in wanted.items():
        if kind in ("task", "campaigns.task"):
            urls |= {(kind, pk): _reverse("task_detail", pk) for pk in ids}
        elif kind in ("report", "dispatch.progressreport"):
            urls |= {(kind, pk): _reverse("report_detail", pk) for pk in ids}
        elif kind == "unit_tickets":
            base = _reverse("ticket_list", None)
            urls |= {(kind, pk): f"{base}?unit={pk}" for pk in ids}
        elif kind == "projects.project":
            urls |= {(kind, pk): _reverse("project_detail", pk) for pk in ids}
        elif kind in ("blocker", "supervision.blocker"):
            tasks = dict(Blocker.objects.filter(pk__in=ids).values_list("pk", "task_id"))
            urls |= {(kind, pk): _reverse("blocker_detail", pk) or _reverse("task_detail", tasks.get(pk))
                     for pk in ids if pk in tasks}
        elif "." in kind:
            try:
                model = apps.get_model(kind)
            except (LookupError, ValueError):
                continue
            for pk, obj in model.objects.in_bulk(list(ids)).items():
                urls[(kind, pk)] = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else None
    return urls


def _reachable(wanted: dict[str, set[int]], viewer: User | AnonymousUser) -> dict[str, set[int]]:
    from gongjian.campaigns.access import tasks_visible_to
    from gongjian.dispatch.access import reports_visible_to
    from gongjian.org.access import sees_everything, unit_id_of
    from gongjian.projects.access import projects_visible_to
    from gongjian.supervision.access import blockers_visible_to

    visible = {"task": tasks_visible_to, "campaigns.task": tasks_visible_to, "report": reports_visible_to,
               "dispatch.progressreport": reports_visible_to, "blocker": blockers_visible_to,
               "supervision.blocker": blockers_visible_to, "projects.project": projects_visible_to}
    reachable: dict[str, set[int]] = {}
    for kind, ids in wanted.items():
        if kind == "unit_tickets":
            # The tickets list shows each viewer only the tickets they may see; a unit is offered its own.
            ids = ids if sees_everything(viewer) else ids & {unit_id_of(viewer)}
        elif kind in visible:
            ids = set(visible[kind](viewer).filter(pk__in=ids).values_list("pk", flat=True))
        elif "." in kind:
            continue  # no access rule known here: better no link than a dead end
        reachable[kind] = ids
    return reachable


def breakdown(score: Score, viewer: User | AnonymousUser | None = None) -> list[Line]:
    items = list(score.items.order_by("id"))
    urls = source_urls(items, viewer)
    return [Line(item.points, item.reason, item.kind, item.indicator, urls.get((item.source_type, item.source_id)))
            for item in items]


def indicator_names(scheme: Scheme) -> dict[str, str]:
    return {"adjustment": "更正", **dict(scheme.indicators.values_list("code", "name"))}


def red_yellow(ranking: Ranking, viewer: User | AnonymousUser | None = None) -> dict[str, list[tuple[Score, list[Line]]]]:
    """红黄牌榜: per category, the units with red or yellow cards counted in the period, most red first, with the
    cards' lines."""
    scores = list(ranking.scores.filter(red_count__gt=0).select_related("unit")
                  | ranking.scores.filter(yellow_count__gt=0).select_related("unit"))
    scores.sort(key=lambda s: (-s.red_count, -s.yellow_count, s.rank, s.unit.order, s.unit_id))
    items = list(ScoreItem.objects.filter(score__in=[s.pk for s in scores], indicator="cards").order_by("id"))
    urls = source_urls(items, viewer)
    by_score: dict[int, list[Line]] = defaultdict(list)
    for item in items:
        by_score[item.score_id].append(Line(item.points, item.reason, item.kind, item.indicator,
                                            urls.get((item.source_type, item.source_id))))
    result: dict[str, list[tuple[Score, list[Line]]]] = {category: [] for category in Category.values}
    for score in scores:
        result[score.category].append((score, by_score.get(score.pk, [])))
    return result


def league_json(ranking: Ranking) -> dict:
    """{"period", "rankings": {category: [{"unit", "rank", "score", "base", "breakdown": [{"points", "reason"}]}]}}"""
    lines: dict[int, list[dict]] = defaultdict(list)
    for score_id, points, reason in ScoreItem.objects.filter(score__ranking=ranking).order_by("id").values_list(
            "score_id", "points", "reason"):
        lines[score_id].append({"points": float(points), "reason": reason})
    tables: dict[str, list[dict]] = {category: [] for category in Category.values}
    for score in ranking.scores.select_related("unit").order_by("category", "rank", "unit__order", "unit_id"):
        tables[score.category].append({"unit": score.unit.name, "rank": score.rank, "score": float(score.total),
                                       "base": float(score.base), "breakdown": lines.get(score.pk, [])})
    return {"period": ranking.label, "rankings": tables}

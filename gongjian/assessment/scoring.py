"""From events to score lines: run each enabled indicator of a scheme over the period, weigh its items, add the
manual evaluations and adjustments, and rank. No writes here; services.ranking_compute stores the result."""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Model, Q, Subquery

from gongjian.assessment import periods, registry
from gongjian.assessment.models import Adjustment, Category, Indicator, ManualEvaluation, Scheme, ScoreItem
from gongjian.assessment.periods import Period
from gongjian.campaigns.models import Task
from gongjian.org.models import Unit
from gongjian.supervision.models import Blocker

CENT = Decimal("0.01")
REASON_LIMIT = 300


@dataclass(frozen=True)
class Line:
    indicator: str
    kind: str
    points: Decimal
    reason: str
    source_type: str = ""
    source_id: int | None = None


def points_of(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def scored_units(campaign_id: int) -> dict[int, tuple[str, str]]:
    """The campaign's participants among the active towns, streets, zones and departments — every unit that leads
    or co-leads one of its tasks (drafts aside) or is responsible for one of its blockers: unit id → (name,
    category). A unit with no part in the campaign is not ranked by it."""
    tasks = Task.objects.filter(campaign_id=campaign_id).exclude(status=Task.Status.DRAFT).order_by()
    task_ids = Subquery(tasks.values("id"))
    involved = (Q(id__in=Subquery(tasks.values("lead_unit_id")))
                | Q(id__in=Subquery(Task.co_units.through.objects.filter(task_id__in=task_ids).values("unit_id")))
                | Q(id__in=Subquery(Blocker.objects.filter(task_id__in=task_ids).order_by()
                                    .values("responsible_unit_id"))))
    kinds = [*Unit.AREA_KINDS, Unit.Kind.DEPARTMENT]
    rows = (Unit.objects.filter(involved, is_active=True, kind__in=kinds).order_by("order", "id")
            .values_list("id", "name", "kind"))
    return {uid: (name, Category.AREA if kind in Unit.AREA_KINDS else Category.DEPARTMENT) for uid, name, kind in rows}


def period_of(scheme: Scheme, label: str, today) -> Period:
    kind, start, end = periods.parse(label)
    return Period(kind=kind, label=periods.label_for(kind, start), start=start, end=end, as_of=min(end, today),
                  campaign_id=scheme.campaign_id)


def _source(source) -> tuple[str, int | None]:
    if source is None:
        return "", None
    if isinstance(source, Model):
        return source._meta.label_lower, source.pk
    kind, pk = source
    return str(kind), int(pk)


def params_of(indicator: Indicator) -> dict:
    spec = registry.specs().get(indicator.code)
    defaults = dict(spec.defaults) if spec else {}
    return defaults | (indicator.params or {})


def indicator_lines(period: Period, indicators: Iterable[Indicator], units: Mapping[int, str]
                    ) -> dict[int, list[Line]]:
    found = registry.specs()
    lines: dict[int, list[Line]] = defaultdict(list)
    for indicator in indicators:
        spec = found.get(indicator.code)
        if not indicator.enabled or spec is None or spec.is_manual:
            continue
        for unit_id, points, reason, source in spec.compute(period, units, params_of(indicator)):
            weighted = points_of(Decimal(str(points)) * indicator.weight)
            if unit_id not in units or not weighted:
                continue
            kind, pk = _source(source)
            lines[unit_id].append(Line(indicator.code, ScoreItem.Kind.AUTO, weighted, reason[:REASON_LIMIT], kind, pk))
    return lines


def evaluation_line(evaluation: ManualEvaluation) -> Line:
    indicator = evaluation.indicator
    return Line(indicator.code, ScoreItem.Kind.MANUAL, points_of(evaluation.points * indicator.weight),
                f"{indicator.name}：{evaluation.reason}"[:REASON_LIMIT], "evaluation", evaluation.pk)


def adjustment_line(adjustment: Adjustment) -> Line:
    return Line("adjustment", ScoreItem.Kind.ADJUSTMENT, points_of(adjustment.points),
                f"更正：{adjustment.reason}"[:REASON_LIMIT], "adjustment", adjustment.pk)


def competition_ranks(totals: Mapping[int, Decimal]) -> dict[int, int]:
    """Standard competition ranking (1, 1, 3): a unit's rank is one more than the number of units above it."""
    ordered = sorted(totals.values(), reverse=True)
    first_at: dict[Decimal, int] = {}
    for position, total in enumerate(ordered, start=1):
        first_at.setdefault(total, position)
    return {unit_id: first_at[total] for unit_id, total in totals.items()}

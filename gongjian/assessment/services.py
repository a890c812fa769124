"""Writes of the assessment: schemes and their indicators, computing and publishing a period, manual evaluations
and adjustments. Published results are immutable; only adjustments change them, and they show in the breakdown."""

import time
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone

from gongjian import clock
from gongjian.assessment import indicators as default_indicators
from gongjian.assessment import periods, registry, scoring
from gongjian.assessment.models import Adjustment, Indicator, ManualEvaluation, Ranking, Scheme, Score, ScoreItem
from gongjian.assessment.periods import Period
from gongjian.audit.services import record
from gongjian.bulk import insert_rows
from gongjian.campaigns.models import Campaign
from gongjian.errors import Conflict, UserError
from gongjian.org.models import Unit
from gongjian.types import User
from gongjian.validate import clean_text as _text

MAX_POINTS = Decimal("100")
MAX_WEIGHT = Decimal("10")


def _system(actor: User | None) -> str:
    return "system" if actor is None else ""


def _number(value: object, field: str, label: str, *, low: Decimal, high: Decimal) -> Decimal:
    if isinstance(value, bool):
        raise UserError(f"「{label}」必须是数字", "invalid", field=field)
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, TypeError):
        raise UserError(f"「{label}」必须是数字", "invalid", field=field) from None
    if not number.is_finite() or number != number.quantize(Decimal("0.01")):
        raise UserError(f"「{label}」必须是最多两位小数的数字", "invalid", field=field)
    if not low <= number <= high:
        raise UserError(f"「{label}」必须在{low}到{high}之间", "out_of_range", field=field)
    return number


# ---------------------------------------------------------------- schemes


def _indicator_rows(scheme: Scheme, existing: set[str]) -> list[Indicator]:
    return [Indicator(scheme=scheme, code=spec.code, name=spec.name, is_manual=spec.is_manual, order=spec.order)
            for spec in registry.specs().values() if spec.code not in existing]


def scheme_create(*, actor: User | None, campaign: Campaign, period_type: str, name: str = "",
                  base: Decimal | int = Decimal("100")) -> Scheme:
    """A scheme with every registered indicator at its default points (docs/rules.md §5) and weight 1."""
    if period_type not in Scheme.PeriodType.values:
        raise UserError("考核周期只能是月度、季度或年度", "invalid", field="period_type")
    base = _number(base, "base", "基础分", low=Decimal("0"), high=Decimal("1000"))
    name = (name or "").strip() or f"{campaign.name}{periods.KIND_NAMES[period_type]}考核"
    try:
        with transaction.atomic():
            scheme = Scheme.objects.create(campaign=campaign, period_type=period_type, name=name[:100], base=base)
            rows = Indicator.objects.bulk_create(_indicator_rows(scheme, set()))
            record(actor=actor, actor_name=_system(actor), event="scheme.create", obj=scheme,
                   changes={"campaign": campaign.pk, "period_type": period_type, "base": base,
                            "indicators": [r.code for r in rows]})
    except IntegrityError:
        raise Conflict("该攻坚行动已有此周期的考核方案", "duplicate") from None
    return scheme


def scheme_for(*, actor: User | None, campaign: Campaign, period_type: str) -> Scheme:
    scheme = Scheme.objects.filter(campaign=campaign, period_type=period_type).first()
    if scheme is not None:
        return scheme
    try:
        return scheme_create(actor=actor, campaign=campaign, period_type=period_type)
    except Conflict:
        return Scheme.objects.get(campaign=campaign, period_type=period_type)


def _clean_params(indicator: Indicator, params: object) -> dict:
    spec = registry.specs().get(indicator.code)
    known = spec.defaults if spec else {}
    if not isinstance(params, dict):
        raise UserError("「分值参数」格式不正确", "invalid", field="params")
    cleaned = {}
    for key, value in params.items():
        if key not in known:
            raise UserError(f"指标“{indicator.name}”没有参数“{key}”", "invalid", field="params")
        number = _number(value, "params", key, low=-MAX_POINTS * 10, high=MAX_POINTS * 10)
        cleaned[key] = int(number) if number == number.to_integral_value() else float(number)
    return cleaned


def indicator_update(*, actor: User, indicator: Indicator, weight: object = None, enabled: bool | None = None,
                     params: dict | None = None) -> Indicator:
    """Change an indicator's weight, switch it on or off, or change its points. Published rankings keep the lines
    they were computed with."""
    with transaction.atomic():
        indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
        before = {"weight": indicator.weight, "enabled": indicator.enabled, "params": dict(indicator.params)}
        if weight is not None:
            indicator.weight = _number(weight, "weight", "权重", low=Decimal("0"), high=MAX_WEIGHT)
        if enabled is not None:
            indicator.enabled = bool(enabled)
        if params is not None:
            indicator.params = indicator.params | _clean_params(indicator, params)
        indicator.save(update_fields=["weight", "enabled", "params"])
        after = {"weight": indicator.weight, "enabled": indicator.enabled, "params": indicator.params}
        record(actor=actor, event="indicator.update", obj=indicator,
               changes={k: [before[k], after[k]] for k in before if before[k] != after[k]})
    return indicator


# ---------------------------------------------------------------- computing and publishing


def _period(scheme: Scheme, label: str) -> Period:
    try:
        kind, start, _ = periods.parse(label)
    except ValueError as exc:
        raise UserError(str(exc), "invalid", field="period") from None
    if kind != scheme.period_type:
        raise UserError(f"考核期“{label}”不是{scheme.get_period_type_display()}考核期", "invalid", field="period")
    today = clock.today()
    if start > today:
        raise UserError(f"{periods.title(label)}尚未开始，不能计算", "not_started", field="period")
    return scoring.period_of(scheme, label, today)


def _refuse_if_published(ranking: Ranking | None) -> None:
    if ranking is not None and ranking.is_published:
        raise Conflict(f"{ranking.title}考核结果已发布，不能重新计算或修改；如需更正请录入更正分", "published")


def ranking_compute(*, actor: User | None, scheme: Scheme, label: str) -> Ranking:
    """Score every town, street, zone and department for the period from the events, in a handful of bulk queries,
    and rank each category. Recomputing replaces an unpublished result; a published one is refused (409)."""
    period = _period(scheme, label)
    _refuse_if_published(Ranking.objects.filter(scheme=scheme, label=period.label).first())
    started = time.perf_counter()
    indicators = list(scheme.indicators.all())
    # Indicators registered since the scheme was made join it at their defaults, saved with the result.
    added = _indicator_rows(scheme, {i.code for i in indicators})
    indicators += added
    units = scoring.scored_units(scheme.campaign_id)
    categories = {uid: category for uid, (_, category) in units.items()}
    lines = scoring.indicator_lines(period, indicators, categories)
    cards = default_indicators.card_counts(period)
    uncompleted = default_indicators.uncompleted_this_year(period)
    try:
        with transaction.atomic():
            return _store(actor, scheme, period, added, units, lines, cards, uncompleted, started)
    except IntegrityError:
        # Two offices computing the same new period at once: one wins, the other is told to look again.
        raise Conflict("该考核期正在由他人计算，请稍后刷新查看", "conflict") from None


def _store(actor: User | None, scheme: Scheme, period: Period, added: list[Indicator],
           units: dict[int, tuple[str, str]], lines: dict[int, list[scoring.Line]],
           cards: dict[int, tuple[int, int]], uncompleted: dict[int, int], started: float) -> Ranking:
    ranking = Ranking.objects.select_for_update().filter(scheme=scheme, label=period.label).first()
    _refuse_if_published(ranking)
    values = {"start": period.start, "end": period.end, "as_of": period.as_of, "computed_at": clock.now(),
              "computed_by": actor if actor is not None and actor.is_authenticated else None}
    if ranking is None:
        ranking = Ranking.objects.create(scheme=scheme, label=period.label, **values)
    else:
        ScoreItem.objects.filter(score__ranking=ranking).delete()
        Score.objects.filter(ranking=ranking).delete()
        Ranking.objects.filter(pk=ranking.pk).update(**values)
    Indicator.objects.bulk_create(added)
    for evaluation in ranking.evaluations.select_related("indicator"):
        if evaluation.indicator.enabled:
            lines[evaluation.unit_id].append(scoring.evaluation_line(evaluation))
    for adjustment in ranking.adjustments.all():
        lines[adjustment.unit_id].append(scoring.adjustment_line(adjustment))
    scores = _scores(ranking, scheme, units, lines, cards, uncompleted)
    Score.objects.bulk_create(scores, batch_size=1000)
    # A province month holds over a hundred thousand lines: plain rows (COPY on PostgreSQL), not model instances.
    insert_rows(ScoreItem, ({"score_id": score.pk, "kind": line.kind, "indicator": line.indicator,
                             "points": line.points, "reason": line.reason, "source_type": line.source_type,
                             "source_id": line.source_id}
                            for score in scores for line in lines.get(score.unit_id, ())))
    ranking.seconds = round(time.perf_counter() - started, 3)
    Ranking.objects.filter(pk=ranking.pk).update(seconds=ranking.seconds)
    ranking.refresh_from_db()
    record(actor=actor, actor_name=_system(actor), event="ranking.compute", obj=ranking,
           changes={"scheme": scheme.pk, "period": period.label, "as_of": period.as_of, "units": len(scores),
                    "items": sum(len(v) for v in lines.values()), "seconds": ranking.seconds,
                    "indicators_added": [i.code for i in added]})
    return ranking


def _scores(ranking: Ranking, scheme: Scheme, units: dict[int, tuple[str, str]], lines: dict[int, list[scoring.Line]],
            cards: dict[int, tuple[int, int]], uncompleted: dict[int, int]) -> list[Score]:
    totals = {uid: scheme.base + sum((line.points for line in lines.get(uid, ())), Decimal("0")) for uid in units}
    ranks: dict[int, int] = {}
    for category in {c for _, c in units.values()}:
        ranks |= scoring.competition_ranks({uid: t for uid, t in totals.items() if units[uid][1] == category})
    return [
        Score(ranking=ranking, unit_id=uid, category=category, base=scheme.base, total=totals[uid], rank=ranks[uid],
              red_count=cards.get(uid, (0, 0))[0], yellow_count=cards.get(uid, (0, 0))[1],
              uncompleted_tasks=uncompleted.get(uid, 0), award_eligible=uncompleted.get(uid, 0) < scheme.award_threshold)
        for uid, (_, category) in units.items()
    ]


def _rerank(ranking: Ranking) -> None:
    scores = list(Score.objects.filter(ranking=ranking).only("id", "category", "total", "rank"))
    by_category: dict[str, dict[int, Decimal]] = defaultdict(dict)
    for score in scores:
        by_category[score.category][score.pk] = score.total
    ranks = {pk: rank for totals in by_category.values() for pk, rank in scoring.competition_ranks(totals).items()}
    changed = [s for s in scores if s.rank != ranks[s.pk]]
    for score in changed:
        score.rank = ranks[score.pk]
    Score.objects.bulk_update(changed, ["rank"], batch_size=1000)


def ranking_publish(*, actor: User | None, ranking: Ranking) -> Ranking:
    """Irreversible: afterwards the results change only by adjustments."""
    with transaction.atomic():
        ranking = Ranking.objects.select_for_update().get(pk=ranking.pk)
        if ranking.is_published:
            raise Conflict(f"{ranking.title}考核结果已于{timezone.localtime(ranking.published_at):%Y-%m-%d}发布",
                           "published")
        if ranking.end >= clock.today():
            raise Conflict(f"{ranking.title}尚未结束，不能发布", "period_not_over")
        if ranking.as_of < ranking.end:
            raise Conflict(f"本结果按{ranking.as_of.isoformat()}的情况计算，请在期末后重新计算再发布", "stale")
        ranking.state = Ranking.State.PUBLISHED
        ranking.published_at = clock.now()
        ranking.published_by = actor if actor is not None and actor.is_authenticated else None
        ranking.save(update_fields=["state", "published_at", "published_by"])
        record(actor=actor, actor_name=_system(actor), event="ranking.publish", obj=ranking,
               changes={"state": [Ranking.State.COMPUTED, Ranking.State.PUBLISHED], "period": ranking.label})
    return ranking


# ---------------------------------------------------------------- manual evaluations and adjustments


def _score_for(ranking: Ranking, unit: Unit) -> Score:
    score = Score.objects.select_for_update().filter(ranking=ranking, unit=unit).first()
    if score is None:
        raise UserError(f"“{unit.name}”不在本期考核范围内", "invalid", field="unit")
    return score


def _add_line(score: Score, line: scoring.Line) -> None:
    ScoreItem.objects.create(score=score, kind=line.kind, indicator=line.indicator, points=line.points,
                             reason=line.reason, source_type=line.source_type, source_id=line.source_id)
    score.total += line.points
    score.save(update_fields=["total"])


def evaluation_add(*, actor: User, ranking: Ranking, unit: Unit, indicator: Indicator, reason: str,
                   points: object = None) -> ManualEvaluation:
    """A manual indicator's points for a unit (a leader's evaluation, an untrue report) before publication."""
    if indicator.scheme_id != ranking.scheme_id or not indicator.is_manual:
        raise UserError("请选择本方案的人工评价指标", "invalid", field="indicator")
    if not indicator.enabled:
        raise UserError(f"指标“{indicator.name}”已停用", "invalid", field="indicator")
    params = scoring.params_of(indicator)
    if points in (None, "") and "points" in params:
        points = params["points"]
    if points in (None, ""):
        raise UserError("「分值」不能为空", "required", field="points")
    low, high = Decimal(str(params.get("min", -MAX_POINTS))), Decimal(str(params.get("max", MAX_POINTS)))
    points = _number(points, "points", "分值", low=low, high=high)
    reason = _text(reason, "reason", "理由", 200)
    with transaction.atomic():
        ranking = Ranking.objects.select_for_update().get(pk=ranking.pk)
        if ranking.is_published:
            raise Conflict(f"{ranking.title}考核结果已发布，人工评价不能再录入；如需更正请录入更正分", "published")
        score = _score_for(ranking, unit)
        evaluation = ManualEvaluation.objects.create(ranking=ranking, unit=unit, indicator=indicator, points=points,
                                                     reason=reason, created_by=actor)
        line = scoring.evaluation_line(evaluation)
        _add_line(score, line)
        _rerank(ranking)
        record(actor=actor, event="evaluation.add", obj=evaluation,
               changes={"ranking": ranking.pk, "unit": unit.name, "indicator": indicator.code, "points": line.points,
                        "reason": reason})
    return evaluation


def adjustment_add(*, actor: User, ranking: Ranking, unit: Unit, points: object, reason: str) -> Adjustment:
    """更正: the one change a published result accepts. The score and ranks move; the line shows in the breakdown."""
    points = _number(points, "points", "分值", low=-MAX_POINTS, high=MAX_POINTS)
    if not points:
        raise UserError("「分值」不能为0", "invalid", field="points")
    reason = _text(reason, "reason", "理由", 200)
    with transaction.atomic():
        ranking = Ranking.objects.select_for_update().get(pk=ranking.pk)
        score = _score_for(ranking, unit)
        adjustment = Adjustment.objects.create(ranking=ranking, unit=unit, points=points, reason=reason,
                                               created_by=actor)
        old = score.total
        _add_line(score, scoring.adjustment_line(adjustment))
        _rerank(ranking)
        record(actor=actor, event="adjustment.add", obj=adjustment,
               changes={"ranking": ranking.pk, "unit": unit.name, "points": points, "reason": reason,
                        "total": [old, score.total]})
    return adjustment


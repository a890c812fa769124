"""The demo's assessment: February computed, evaluated by the leaders and published (with one correction
afterwards); March computed as of 2023-03-31 with its own evaluations, not yet published (the month is not over).
Call after the supervision history, so the month-end cards count."""

from gongjian.assessment import services
from gongjian.assessment.models import Ranking, Scheme
from gongjian.org.models import Unit

# (unit, indicator, points, reason): what the leaders said at the monthly dispatch meetings (月度调度会).
FEBRUARY = [
    ("姜山镇", "leader_evaluation", 2, "春节后上班第一天即召开新材料产业园项目推进会，开局起势好"),
    ("莱西经济开发区", "leader_evaluation", 1.5, "新能源汽车零部件产业园签约项目多，招商势头强劲"),
    ("投资促进中心", "leader_evaluation", 1, "2月份新签约项目数量居全市前列"),
    ("行政审批服务局", "leader_evaluation", 1, "推行并联审批，重点项目审批明显提速"),
    ("河头店镇", "leader_evaluation", -1, "渔乐节筹备进度滞后，市级领导调研时指出"),
    ("住建局", "leader_evaluation", -0.5, "城市更新项目前期手续推进较慢"),
]
FEBRUARY_CORRECTION = ("河头店镇", 0.5, "复核：渔乐节筹备滞后部分系上级活动安排调整所致，领导评价扣分减半")
MARCH = [
    ("水集街道", "leader_evaluation", 1, "老旧街区改造提前完成，沿线群众满意度高"),
    ("发改局", "leader_evaluation", 1, "重点项目储备扎实，顶格协调机制运转顺畅"),
    ("夏格庄镇", "leader_evaluation", 1, "预制菜原料基地建设进度快、带动农户多"),
    ("工信局", "leader_evaluation", 1, "新能源汽车零部件配套项目推进有力"),
    ("商务局", "leader_evaluation", 0.5, "一季度外贸进出口保持增长"),
    ("文旅局", "leader_evaluation", -1, "渔乐节配合工作不到位，节庆活动规划未按期拿出"),
]


def _evaluate(ranking: Ranking, office, entries) -> int:
    units = {u.name: u for u in Unit.objects.filter(name__in=[name for name, *_ in entries])}
    indicators = {i.code: i for i in ranking.scheme.indicators.all()}
    ranked = set(ranking.scores.values_list("unit__name", flat=True))
    count = 0
    for name, code, points, reason in entries:
        if name in ranked:
            services.evaluation_add(actor=office, ranking=ranking, unit=units[name], indicator=indicators[code],
                                    points=points, reason=reason)
            count += 1
    return count


def load(campaign, office) -> dict:
    scheme = services.scheme_for(actor=office, campaign=campaign, period_type=Scheme.PeriodType.MONTH)
    if scheme.rankings.exists():
        return {"rankings": scheme.rankings.count(), "evaluations": 0}
    february = services.ranking_compute(actor=office, scheme=scheme, label="2023-02")
    evaluations = _evaluate(february, office, FEBRUARY)
    february = services.ranking_publish(actor=office, ranking=february)
    name, points, reason = FEBRUARY_CORRECTION
    if february.scores.filter(unit__name=name).exists():
        services.adjustment_add(actor=office, ranking=february, unit=Unit.objects.get(name=name), points=points,
                                reason=reason)
    march = services.ranking_compute(actor=office, scheme=scheme, label="2023-03")
    evaluations += _evaluate(march, office, MARCH)
    return {"rankings": 2, "evaluations": evaluations}

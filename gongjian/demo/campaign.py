"""The 2023 攻坚克难年 campaign, built from the seed speech the way the supervision office would: parse it, give each
task a lead unit, co-units, a leader, a deadline and milestones, and schedule them backwards on 2023's calendar."""

from datetime import date
from pathlib import Path

from gongjian.campaigns import services
from gongjian.campaigns.models import Campaign, Task
from gongjian.campaigns.speech import parse_speech, suggest_leader_post, suggest_unit
from gongjian.org.models import Person, Unit
from gongjian.workdays import days

SEED = Path(__file__).resolve().parent / "data" / "laixi-2023-mobilization.txt"
NAME = "2023年“攻坚克难年”"
DEADLINES = [date(2023, 6, 30), date(2023, 9, 30), date(2023, 11, 30), date(2023, 12, 31), date(2023, 12, 15)]
CO_UNITS = {
    "姜山镇": ["工信局", "自然资源局"], "投资促进中心": ["商务局", "莱西经济开发区"], "组织部": ["人社局", "财政局"],
    "行政审批服务局": ["市场监管局", "大数据局"], "农业农村局": ["商务局", "市场监管局"], "水利局": ["财政局", "农业农村局"],
    "文旅局": ["农业农村局", "河头店镇"], "自然资源局": ["住建局", "发改局"], "住建局": ["城管局", "财政局"],
    "发改局": ["自然资源局", "投资促进中心"], "卫健局": ["人社局", "财政局"], "教体局": ["人社局", "财政局"],
    "政法委": ["民政局", "信访局"], "宣传部": ["城管局", "综合行政执法局"],
}
MILESTONES = [("制定工作方案，明确责任分工", 10, 1), ("推进主体工作，完成阶段目标", 60, 3),
              ("攻坚重点难点，完成年度目标", 40, 3), ("总结验收，形成长效机制", 10, 1)]
# What each town and zone told the mobilization meeting it would do this year (镇街汇报), one task each. A goal that
# is a major project (望城物流园, 夏格庄原料基地, 院上污水管网, 沽河湾片区, 马连庄高标准农田, 新能源汽车零部件产业园) is
# supervised as that project — a project *is* its task — so it is not listed again here with other figures.
TOWN_GOALS = {
    "水集街道": ("推进烟台路沿线老旧街区改造", "住建局"), "沽河街道": ("完成沽河湿地生态修复工程", "生态环境分局"),
    "河头店镇": ("办好第三届渔乐节", "文旅局"), "姜山镇": ("新材料产业园新签约项目10个", "投资促进中心"),
    "南墅镇": ("推进南墅石墨产业链招商", "投资促进中心"), "店埠镇": ("建成店埠航空文化小镇游客中心", "文旅局"),
}


def _title(text: str) -> str:
    body = text.removeprefix("要")
    for mark in ("，促进", ",促进", "，", ","):
        head, found, _ = body.partition(mark)
        if found and 6 <= len(head) <= 60:
            return head
    return body[:60]


def _leader(post: str | None) -> Person | None:
    return Person.objects.filter(is_city_leader=True, display_name=post or "市长").first() or \
        Person.objects.filter(is_city_leader=True, display_name="市长").first()


def _milestones(actor, task: Task) -> None:
    # Fit the standard four steps into the working days the task has, leaving a little float.
    available = days.between(task.start, task.deadline)
    total = sum(d for _, d, _ in MILESTONES)
    for title, duration, weight in MILESTONES:
        services.milestone_create(actor=actor, task=task, title=title, weight=weight,
                                  duration=max(1, duration * available * 9 // (total * 10)))
    milestones = list(task.milestones.order_by("order"))
    for first, second in zip(milestones, milestones[1:], strict=False):
        services.dependency_create(actor=actor, predecessor=first, successor=second)
    services.task_schedule_backward(actor=actor, task=task)


def load(office) -> Campaign:
    existing = Campaign.objects.filter(name=NAME).first()
    if existing is not None:
        return existing
    text = SEED.read_text(encoding="utf-8")
    campaign = services.campaign_create(
        actor=office, name=NAME, year=2023, start=date(2023, 1, 28), end=date(2023, 12, 31), speech=text,
        description="以起步就是冲刺、开局就是决战的姿态，紧盯目标、一刻不松、一抓到底。",
    )
    units = {u.name: u for u in Unit.objects.all()}
    draft = parse_speech(text)
    n = 0
    for order, area in enumerate(draft.focus_areas, start=1):
        focus = services.focus_area_create(actor=office, campaign=campaign, title=area.title, sentence=area.sentence,
                                           order=order)
        for item in area.tasks:
            # The speech names no units or leaders; the office fills them in from the subject matter.
            lead = units.get(item.lead_unit or suggest_unit(item.text) or "") or units["发改局"]
            task = services.task_create(
                actor=office, campaign=campaign, focus_area=focus, title=_title(item.text), description=item.text,
                source_sentence=item.sentence, lead_unit=lead,
                lead_leader=_leader(item.leader_post or suggest_leader_post(item.text)),
                co_units=[units[name] for name in CO_UNITS.get(lead.name, ["发改局"]) if name != lead.name],
                start=date(2023, 2, 1), deadline=DEADLINES[n % len(DEADLINES)],
            )
            _milestones(office, task)
            services.task_assign(actor=office, task=task)
            n += 1
    focus = services.focus_area_create(actor=office, campaign=campaign, title="镇街年度攻坚目标",
                                       sentence="各镇（街道、经济开发区）依次登台汇报2023年工作思路、工作目标和具体措施。",
                                       order=len(draft.focus_areas) + 1)
    for i, (town, (goal, partner)) in enumerate(TOWN_GOALS.items()):
        task = services.task_create(
            actor=office, campaign=campaign, focus_area=focus, title=f"{goal}", source=Task.Source.TOWN_REPORT,
            lead_unit=units[town], co_units=[units[partner]], lead_leader=_leader("常务副市长" if i % 2 else "市长"),
            start=date(2023, 2, 1), deadline=[date(2023, 3, 20), date(2023, 4, 6), date(2023, 10, 31),
                                              date(2023, 12, 31)][i % 4],
        )
        if task.deadline.month > 4:
            _milestones(office, task)
        services.task_assign(actor=office, task=task)
    return campaign

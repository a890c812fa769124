"""About forty Laixi major projects in the spirit of the seed speech ("抓住项目引进建设这个牛鼻子"), with 2023 plans,
January–March dispatches, milestones scheduled backwards from completion, and the battle map's targets: on
2023-03-31 most are on track, some have not started, some are not in statistics, some lag on investment or
government funds, and some wait on land, funding or approvals."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.test import override_settings

from gongjian.campaigns import services as task_services
from gongjian.campaigns.models import Campaign, FocusArea
from gongjian.dispatch import periods
from gongjian.dispatch import services as dispatch_services
from gongjian.dispatch.models import ReportingPeriod
from gongjian.org.models import Person, Role, RoleGrant, Unit
from gongjian.projects import services
from gongjian.projects.models import Project, ProjectFunding
from gongjian.workdays import days

WAN = Decimal("10000")
TODAY = date(2023, 3, 31)
# The usual shape of a year's spending: slow over the Spring Festival, steady from spring to autumn.
SEASON = [7, 7, 9, 9, 9, 9, 9, 9, 8, 8, 8, 8]
FRONT_LOADED = [20, 20, 15, 10, 8, 6, 5, 4, 4, 3, 3, 2]
APPROVAL_KINDS = ["project", "land", "planning", "environment", "feasibility", "design", "construction"]


@dataclass(frozen=True)
class Spec:
    title: str
    town: str
    lead: str
    chain: str
    level: str
    nature: str
    total: int  # 万元
    start: date
    completion: date
    production: date | None
    actual_start: date | None
    stage: str  # attraction stage, "" for projects not attracted
    leader: str
    area: str  # focus area title prefix
    scenario: str = "ok"
    public: bool = False
    foreign_usd: int = 0


URBAN, RURAL, INDUSTRY, SECRETARY, MAYOR, SOCIAL = (
    "分管城建的副市长", "分管农业农村的副市长", "分管工业和招商的副市长", "市委书记", "市长", "分管社会事业的副市长")
D = date
PROJECTS = [
    Spec("北汽制造莱西基地新能源整车扩能项目", "莱西经济开发区", "莱西经济开发区", "新能源汽车", "province", "continuing", 520000,
         D(2021, 9, 1), D(2024, 12, 31), D(2022, 12, 31), D(2021, 9, 18), "producing", SECRETARY, "深化双招双引"),
    Spec("高铁新城片区开发（一期）", "沽河街道", "高铁新城建设专班", "城市更新", "city", "continuing", 320000,
         D(2022, 5, 1), D(2025, 12, 31), None, D(2022, 6, 10), "", MAYOR, "基础设施建设", "funds", True),
    Spec("莱西北站综合交通枢纽", "沽河街道", "高铁新城建设专班", "综合交通", "city", "new", 86000,
         D(2023, 2, 1), D(2024, 10, 31), None, D(2023, 2, 20), "", URBAN, "基础设施建设", "notstats_y", True),
    Spec("月湖公园更新改造", "水集街道", "城市更新建设专班", "城市更新", "county", "continuing", 28000,
         D(2022, 9, 1), D(2023, 9, 30), None, D(2022, 9, 20), "", URBAN, "基础设施建设", "ok", True),
    Spec("青岛现代职教园（一期）", "望城街道", "教体局", "职业教育", "city", "continuing", 150000,
         D(2022, 3, 1), D(2024, 8, 31), None, D(2022, 3, 18), "", SOCIAL, "基础设施建设", "lag_red", True),
    Spec("青岛现代职教园实训中心", "望城街道", "教体局", "职业教育", "county", "new", 36000,
         D(2023, 1, 10), D(2024, 7, 31), None, D(2023, 1, 6), "", SOCIAL, "基础设施建设", "notstats_r", True),
    Spec("莱西预制菜产业园（一期）", "店埠镇", "店埠镇", "预制菜", "province", "new", 120000,
         D(2023, 1, 15), D(2024, 6, 30), D(2024, 9, 30), D(2023, 1, 12), "started", RURAL, "培育做强产业", "blocker"),
    Spec("莱西莱阳共建产业园（一期）", "院上镇", "双莱一体化发展专班", "高端装备", "city", "continuing", 180000,
         D(2022, 7, 1), D(2025, 6, 30), None, D(2022, 8, 8), "", SECRETARY, "区域协同发展", "blocker", True),
    Spec("双莱快速通道（莱西段）", "院上镇", "交通运输局", "综合交通", "city", "new", 64000,
         D(2023, 3, 1), D(2024, 11, 30), None, D(2023, 3, 8), "", URBAN, "区域协同发展", "ok", True),
    Spec("姜山新材料产业园标准厂房（二期）", "姜山镇", "突破姜山工作专班", "新材料", "county", "continuing", 46000,
         D(2022, 6, 1), D(2023, 10, 31), None, D(2022, 6, 15), "", INDUSTRY, "深化双招双引", "ok", True),
    Spec("新能源汽车零部件产业园", "莱西经济开发区", "莱西经济开发区", "新能源汽车", "city", "new", 95000,
         D(2023, 2, 15), D(2024, 9, 30), D(2024, 12, 31), None, "contract_signed", INDUSTRY, "深化双招双引", "notstarted_y"),
    Spec("动力电池PACK生产线项目", "莱西经济开发区", "双招双引工作专班", "新能源汽车", "province", "new", 210000,
         D(2023, 1, 5), D(2024, 12, 31), D(2025, 3, 31), D(2023, 1, 5), "started", INDUSTRY, "深化双招双引", "ok",
         foreign_usd=60000000),
    Spec("汽车轻量化铝合金部件项目", "姜山镇", "姜山镇", "新能源汽车", "county", "new", 32000,
         D(2022, 12, 1), D(2023, 12, 31), D(2024, 3, 31), None, "contract_signed", INDUSTRY, "深化双招双引", "notstarted_r"),
    Spec("南墅石墨新材料产业园", "南墅镇", "南墅镇", "新材料", "city", "continuing", 68000,
         D(2022, 4, 1), D(2024, 4, 30), D(2023, 3, 15), D(2022, 4, 20), "started", INDUSTRY, "深化双招双引", "lag"),
    Spec("石墨烯导热膜项目", "南墅镇", "双招双引工作专班", "新材料", "county", "new", 26000,
         D(2023, 7, 1), D(2024, 6, 30), D(2024, 9, 30), None, "framework_signed", INDUSTRY, "深化双招双引", "draft"),
    Spec("智能装备产业园", "莱西经济开发区", "莱西经济开发区", "高端装备", "county", "new", 58000,
         D(2023, 2, 1), D(2024, 5, 31), D(2024, 8, 31), D(2023, 2, 6), "started", INDUSTRY, "深化双招双引", "ok"),
    Spec("数字经济产业园", "莱西经济开发区", "双招双引工作专班", "数字经济", "county", "new", 40000,
         D(2023, 9, 1), D(2025, 6, 30), None, None, "lead", INDUSTRY, "深化双招双引", "draft"),
    Spec("夏格庄预制菜原料基地", "夏格庄镇", "夏格庄镇", "预制菜", "county", "new", 18000,
         D(2023, 2, 1), D(2023, 11, 30), D(2023, 12, 31), D(2023, 2, 10), "", RURAL, "培育做强产业", "ok"),
    Spec("莱西有礼农产品冷链物流中心", "姜山镇", "农业农村局", "预制菜", "county", "new", 24000,
         D(2023, 3, 1), D(2024, 3, 31), D(2024, 5, 31), D(2023, 3, 15), "registered", RURAL, "培育做强产业", "blocker_new"),
    Spec("中央厨房预制菜加工项目", "店埠镇", "店埠镇", "预制菜", "county", "new", 15000,
         D(2023, 8, 1), D(2024, 6, 30), D(2024, 8, 31), None, "negotiating", RURAL, "培育做强产业", "draft"),
    Spec("即食海参精深加工项目", "店埠镇", "投资促进中心", "预制菜", "county", "new", 12000,
         D(2023, 10, 1), D(2024, 9, 30), None, None, "lead", RURAL, "培育做强产业", "draft"),
    Spec("马连庄高标准农田建设", "马连庄镇", "马连庄镇", "现代农业", "county", "new", 2400,
         D(2023, 2, 1), D(2023, 10, 31), None, D(2023, 2, 15), "", RURAL, "培育做强产业", "ok", True),
    Spec("马连庄甜瓜产业园", "马连庄镇", "马连庄镇", "现代农业", "county", "continuing", 9000,
         D(2022, 3, 1), D(2023, 12, 31), D(2023, 5, 31), D(2022, 3, 10), "", RURAL, "培育做强产业", "missing"),
    Spec("产芝湖片区农文旅融合项目", "河头店镇", "河头店镇", "文旅康养", "county", "continuing", 22000,
         D(2022, 5, 1), D(2024, 5, 31), None, D(2022, 5, 18), "", SOCIAL, "培育做强产业", "ok"),
    Spec("渔乐节配套服务设施", "河头店镇", "河头店镇", "文旅康养", "county", "new", 420,
         D(2023, 2, 1), D(2023, 6, 30), None, D(2023, 2, 8), "", SOCIAL, "培育做强产业", "ok", True),
    Spec("沽河湾乡村旅游示范片区", "日庄镇", "日庄镇", "文旅康养", "county", "new", 16000,
         D(2023, 2, 1), D(2024, 4, 30), None, D(2023, 2, 16), "", SOCIAL, "培育做强产业", "lag"),
    Spec("店埠航空文化小镇游客中心", "店埠镇", "文旅局", "文旅康养", "county", "continuing", 8600,
         D(2022, 8, 1), D(2023, 8, 31), None, D(2022, 8, 12), "", SOCIAL, "培育做强产业", "ok", True),
    Spec("产芝水库水源地保护工程", "河头店镇", "水利局", "水利设施", "city", "continuing", 34000,
         D(2022, 4, 1), D(2023, 12, 31), None, D(2022, 4, 12), "", RURAL, "培育做强产业", "funds", True),
    Spec("大沽河防洪治理（莱西段）", "沽河街道", "水利局", "水利设施", "province", "continuing", 58000,
         D(2021, 10, 1), D(2023, 10, 31), None, D(2021, 10, 20), "", RURAL, "培育做强产业", "ok", True),
    Spec("烟台路沿线老旧街区改造", "水集街道", "城市更新建设专班", "城市更新", "county", "new", 42000,
         D(2023, 2, 15), D(2024, 8, 31), None, D(2023, 2, 27), "", URBAN, "基础设施建设", "ok", True),
    Spec("城区燃气管网更新改造", "水集街道", "住建局", "城市更新", "county", "new", 13500,
         D(2023, 3, 1), D(2023, 11, 30), None, D(2023, 3, 10), "", URBAN, "基础设施建设", "ok", True),
    Spec("望城商贸物流园（一期）", "望城街道", "望城街道", "商贸物流", "county", "new", 38000,
         D(2023, 1, 10), D(2024, 6, 30), D(2024, 8, 31), D(2023, 1, 16), "started", INDUSTRY, "深化双招双引", "blocker"),
    Spec("望城街道旧村改造安置区", "望城街道", "望城街道", "城市更新", "county", "continuing", 76000,
         D(2022, 3, 1), D(2024, 9, 30), None, D(2022, 3, 20), "", URBAN, "基础设施建设", "lag_red"),
    Spec("莱西市人民医院新院区", "望城街道", "卫健局", "医疗健康", "city", "continuing", 168000,
         D(2021, 6, 1), D(2024, 6, 30), None, D(2021, 6, 26), "", SOCIAL, "解决急难愁盼", "ok", True),
    Spec("莱西市中医医院改扩建", "水集街道", "卫健局", "医疗健康", "county", "new", 45000,
         D(2023, 4, 1), D(2025, 3, 31), None, None, "", SOCIAL, "解决急难愁盼", "ok", True),
    Spec("院上镇驻地污水管网工程", "院上镇", "院上镇", "生态环保", "county", "new", 6800,
         D(2023, 2, 1), D(2023, 9, 30), None, None, "", URBAN, "城乡环境整治", "notstarted_y", True),
    Spec("沽河湿地生态修复工程", "沽河街道", "沽河街道", "生态环保", "county", "continuing", 12000,
         D(2022, 9, 1), D(2023, 10, 31), None, D(2022, 9, 12), "", URBAN, "城乡环境整治", "ok", True),
    Spec("小沽河滨水绿道（公园水城）", "水集街道", "城管局", "城市更新", "county", "new", 21000,
         D(2023, 2, 1), D(2024, 5, 31), None, D(2023, 2, 22), "", URBAN, "城乡环境整治", "blocker_new", True),
    Spec("院上镇农光互补储能项目", "院上镇", "院上镇", "新能源", "county", "new", 62000,
         D(2023, 1, 15), D(2024, 3, 31), D(2024, 4, 30), D(2023, 1, 18), "started", INDUSTRY, "深化双招双引", "lag",
         foreign_usd=15000000),
    Spec("夏格庄镇驻地规划提升工程", "夏格庄镇", "夏格庄镇", "城市更新", "county", "new", 5200,
         D(2023, 6, 1), D(2023, 12, 31), None, None, "", URBAN, "区域协同发展", "ok", True),
]
FACTOR = {"ok": Decimal("1.04"), "lag": Decimal("0.25"), "lag_red": Decimal("0.20"), "funds": Decimal("1.00"),
          "notstats_y": Decimal("0.95"), "notstats_r": Decimal("1.02"), "blocker": Decimal("0.88"),
          "blocker_new": Decimal("0.97"), "missing": Decimal("0.90")}
PROBLEMS = {
    "blocker": [{"category": "land", "description": "二期用地指标尚未落实，影响厂房按期开工"},
                {"category": "funding", "description": "配套基础设施资金缺口约2000万元"},
                {"category": "approval", "description": "环评批复进度较慢，需提前介入"}],
    "blocker_new": [{"category": "construction_permit", "description": "施工许可证尚在办理，需住建部门加快审核"},
                    {"category": "planning", "description": "规划方案需调整，等待规委会审议"}],
}
CONTACT_SURNAMES = "王李张刘陈杨赵黄周吴"
PUBLIC_OWNERS = ["莱西市城市建设投资集团有限公司", "莱西市国有资产运营有限公司", "莱西市水务集团有限公司"]


def _at(day: date):
    return override_settings(GONGJIAN_TODAY=day)


def _editor(unit: Unit):
    return RoleGrant.objects.filter(role=Role.UNIT_EDITOR, user__person__unit=unit).first().user


def _split(total: Decimal, weights: list[int]) -> list[Decimal]:
    """Shares of `total` by weight, to the yuan, adding up exactly."""
    whole = sum(weights)
    parts = [(total * w / whole).quantize(Decimal("1")) for w in weights]
    if whole:
        last = max(i for i, w in enumerate(weights) if w)
        parts[last] += total - sum(parts)
    return parts


def _share_by(spec: Spec, day: date) -> Decimal:
    """The share of the project's span (in working days) passed by a day: a steady project's share of spending."""
    span = days.between(spec.start, spec.completion)
    return Decimal(min(span, max(0, days.between(spec.start, day)))) / span


def _prior(spec: Spec) -> Decimal:
    """What a continuing project had spent by the end of 2022, a little ahead of a straight line."""
    if spec.nature != "continuing":
        return Decimal(0)
    share = min(Decimal("0.95"), _share_by(spec, date(2022, 12, 31)) * Decimal("1.03"))
    return (Decimal(spec.total) * share).quantize(Decimal("100")) * WAN


def _year_plan(spec: Spec) -> list[Decimal]:
    total = Decimal(spec.total) * WAN
    remaining = total - _prior(spec)
    year = remaining if spec.completion.year == 2023 else min(
        remaining, (total * (_share_by(spec, date(2023, 12, 31)) - _share_by(spec, date(2022, 12, 31))))
        .quantize(Decimal("10000")))
    weights = FRONT_LOADED if spec.scenario == "lag_red" else SEASON
    first = spec.start.month if spec.start.year == 2023 else 1
    last = spec.completion.month if spec.completion.year == 2023 else 12
    return _split(year, [w if first <= m + 1 <= last else 0 for m, w in enumerate(weights)])


def _funding(spec: Spec) -> dict[str, Decimal]:
    total = Decimal(spec.total) * WAN
    if spec.public:
        fiscal, bond = (total * Decimal("0.3")).quantize(Decimal("1")), (total * Decimal("0.5")).quantize(Decimal("1"))
        return {"fiscal": fiscal, "special_bond": bond, "bank": total - fiscal - bond}
    if spec.foreign_usd:
        foreign = (total * Decimal("0.4")).quantize(Decimal("1"))
        return {"foreign": foreign, "enterprise": total - foreign}
    own = (total * Decimal("0.7")).quantize(Decimal("1"))
    return {"enterprise": own, "bank": total - own}


def _stats(spec: Spec) -> dict:
    if spec.total < 500:
        return {}
    if spec.actual_start is None:
        return {"stats_status": "pending"}
    if spec.scenario == "notstats_y":
        return {"stats_status": "submitted"}
    if spec.scenario == "notstats_r":
        return {"stats_status": "pending", "stats_reason": "施工合同等入库资料待补充"}
    return {"stats_status": "in_stats", "stats_basis": "equipment" if spec.chain == "新能源" else "main_works",
            "stats_on": min(TODAY, spec.actual_start + timedelta(days=18))}


def _approvals(spec: Spec) -> dict:
    started = spec.actual_start is not None
    items = {}
    for i, kind in enumerate(APPROVAL_KINDS):
        if started or i < 2:
            done_on = (spec.actual_start or spec.start) - timedelta(days=12 * (len(APPROVAL_KINDS) - i))
            items[kind] = {"status": "done", "done_on": min(done_on, TODAY)}
        else:
            items[kind] = {"status": "doing" if i < 5 else "todo", "planned_on": spec.start - timedelta(days=5)}
    return items


def _milestones(office, project: Project) -> None:
    """Permit, start, topping out, equipment (in parallel, with float) and acceptance, scheduled back from the
    planned completion on the working-day calendar."""
    span = days.between(project.start, project.deadline)
    main = max(5, span - 16)
    steps = [("取得施工许可", 1), ("开工建设", 1), ("主体封顶", main), ("设备安装调试", main // 2), ("竣工验收", 10)]
    # Weight 0: a project's progress is its completed investment's share of the total, not a count of milestones.
    made = [task_services.milestone_create(actor=office, task=project, title=title, duration=duration, weight=0)
            for title, duration in steps]
    permit, start, topping, equipment, acceptance = made
    for pred, succ in ((permit, start), (start, topping), (start, equipment), (topping, acceptance),
                       (equipment, acceptance)):
        task_services.dependency_create(actor=office, predecessor=pred, successor=succ)
    task_services.task_schedule_backward(actor=office, task=project)


def _complete_started(office, project: Project, spec: Spec) -> None:
    if spec.actual_start is None:
        return
    for milestone in project.milestones.filter(title__in=("取得施工许可", "开工建设")).order_by("order"):
        done = spec.actual_start - timedelta(days=3) if milestone.title == "取得施工许可" else spec.actual_start
        task_services.milestone_complete(actor=office, milestone=milestone, done_on=done)


def _create(office, campaign: Campaign, spec: Spec, n: int, units: dict, areas: list[FocusArea]) -> Project:
    area = next((a for a in areas if a.title.startswith(spec.area)), None)
    leader = Person.objects.filter(is_city_leader=True, display_name=spec.leader).first()
    lead = units[spec.lead]
    surname = CONTACT_SURNAMES[n % len(CONTACT_SURNAMES)]
    fields = {
        "code": f"{spec.start.year - (spec.nature == 'continuing')}-370285-{14 + n % 60:02d}-01-{500123 + n * 37:06d}",
        "level": spec.level, "nature": spec.nature, "industry_chain": spec.chain, "town": units[spec.town],
        "owner_company": PUBLIC_OWNERS[n % len(PUBLIC_OWNERS)] if spec.public else
        f"青岛{spec.chain}{['科技', '实业', '发展'][n % 3]}有限公司",
        "contact_name": f"{surname}经理", "contact_phone": f"1380532{n:04d}",
        "total_investment": Decimal(spec.total) * WAN, "prior_investment": _prior(spec),
        "planned_production": spec.production, "actual_start": spec.actual_start,
        "attraction_stage": spec.stage, "is_foreign": bool(spec.foreign_usd),
        "foreign_amount_usd": Decimal(spec.foreign_usd) if spec.foreign_usd else None,
        "workers_on_site": 0, **_stats(spec),
    }
    if spec.stage in ("contract_signed", "registered", "started", "producing"):
        fields["signed_on"] = min(TODAY - timedelta(days=20), spec.start - timedelta(days=40))
    if spec.stage == "producing":
        fields["actual_production"] = spec.production - timedelta(days=20)
    co = [units[name] for name in ("发改局", "自然资源局") if name != spec.lead]
    project = services.project_create(
        actor=office, campaign=campaign, title=spec.title, lead_unit=lead, lead_leader=leader, focus_area=area,
        co_units=co, planned_start=spec.start, planned_completion=spec.completion,
        description=f"{spec.chain}领域重点项目，计划总投资{spec.total}万元。", **fields)
    services.project_funding_set(actor=office, project=project, amounts=_funding(spec))
    services.project_approvals_set(actor=office, project=project, items=_approvals(spec))
    if spec.scenario == "draft":
        return project
    plan = _year_plan(spec)
    gov = _split(sum(plan, Decimal(0)) * Decimal("0.3"), [int(p > 0) * 1 for p in plan]) if spec.public else None
    services.project_plan_set(actor=office, project=project, year=2023, investment=plan, gov_funds=gov)
    _milestones(office, project)
    _complete_started(office, project, spec)
    task_services.task_assign(actor=office, task=project)
    project.refresh_from_db()
    return project


def _report(office, project: Project, spec: Spec, month: int, n: int, plan: dict, gov_plan: dict,
            started: bool) -> None:
    """One month's dispatch: saved and submitted early the next month (March's at month end), then approved."""
    period = periods.period_for(ReportingPeriod.Kind.MONTH, date(2023, month, 15))
    editor = _editor(project.lead_unit)
    factor = FACTOR.get(spec.scenario, Decimal(1)) + Decimal(n % 5 - 2) / 100
    invested = (plan.get(month, Decimal(0)) * factor).quantize(Decimal("100"))
    if started and invested == 0:
        invested = Decimal(200) * WAN
    paid_share = Decimal("0.4") if spec.scenario == "funds" else Decimal(1)
    figures = {"invested": invested, "funds_in_place": (invested * Decimal("1.1")).quantize(Decimal("100")),
               "gov_funds_paid": (gov_plan.get(month, Decimal(0)) * paid_share).quantize(Decimal("100")),
               "workers": 40 + (n * 37 + month * 11) % 400,
               "image_progress": ["场地平整完成，正在进行桩基施工", "主体结构施工至三层", "钢结构厂房吊装过半", "设备基础施工，部分设备进场",
                                  "主体封顶，正在进行内部装修"][(n + month) % 5]}
    saved_on = date(2023, 3, 30) if month == 3 else date(2023, month + 1, 2)
    problems = PROBLEMS.get(spec.scenario, [])
    if not started:
        figures["image_progress"], figures["workers"] = "尚未开工，正在办理前期手续", 0
    fields = {"work_done": f"{month}月完成投资{(invested / WAN):.0f}万元，{figures['image_progress']}。",
              "next_steps": "下月继续倒排工期、挂图作战，确保按节点推进。"}
    if problems and ((spec.scenario == "blocker" and month == 2) or (spec.scenario == "blocker_new" and month == 3)):
        fields["problems"] = [problems[n % len(problems)]]
    with _at(saved_on):
        report = services.project_dispatch_save(actor=editor, project=project, period=period, report_fields=fields,
                                                figures=figures, submit=not (month == 3 and n % 4 == 1))
    if month == 3 and n % 4 in (0, 1):
        return  # March: some wait for review, some are still drafts
    with _at(TODAY if month == 3 else saved_on + timedelta(days=4)):
        dispatch_services.report_approve(actor=office, report=report)


def _dispatches(office, project: Project, spec: Spec, n: int) -> None:
    """Every month from the one the project was due to start in; before it starts, a nil return."""
    plan = dict(project.plans.filter(year=2023).values_list("month", "investment"))
    gov_plan = dict(project.plans.filter(year=2023).values_list("month", "gov_funds"))
    for month in (1, 2, 3):
        _, month_end = periods.month_bounds(date(2023, month, 1))
        if project.start > month_end or (spec.scenario == "missing" and month >= 2):
            continue
        started = spec.actual_start is not None and spec.actual_start <= month_end
        _report(office, project, spec, month, n, plan if started else {}, gov_plan if started else {}, started)


def _targets(office, campaign: Campaign, projects: list[tuple[Spec, Project]], units: dict) -> None:
    """Round targets a little above what the projects plan, as an office would set them."""
    by_area: dict[int, list[tuple[Spec, Project]]] = {}
    by_town: dict[int, list[tuple[Spec, Project]]] = {}
    for spec, project in projects:
        if project.focus_area_id:
            by_area.setdefault(project.focus_area_id, []).append((spec, project))
        by_town.setdefault(project.town_id, []).append((spec, project))
    for key, groups in (("area", by_area), ("town", by_town)):
        for member_id, items in groups.items():
            year_plan = sum((sum(p.plans.filter(year=2023).values_list("investment", flat=True), Decimal(0))
                             for _, p in items), Decimal(0))
            first = items[0][0]
            services.battle_target_set(
                actor=office, campaign=campaign,
                focus_area=FocusArea.objects.get(pk=member_id) if key == "area" else None,
                town=Unit.objects.get(pk=member_id) if key == "town" else None,
                attract=sum(1 for s, _ in items if s.stage) + 1,
                start=sum(1 for s, _ in items if s.start.year == 2023) + (key == "area"),
                produce=sum(1 for s, _ in items if s.production and s.production.year == 2023),
                investment=(year_plan * Decimal("1.05") / (100 * WAN)).quantize(Decimal("1")) * 100 * WAN,
                leader=Person.objects.filter(is_city_leader=True, display_name=first.leader).first(),
                unit=units[first.lead] if key == "area" else Unit.objects.get(pk=member_id),
            )


def load(campaign: Campaign, office) -> dict:
    existing = Project.objects.filter(campaign=campaign)
    if existing.exists():
        return {"projects": existing.count()}
    units = {u.name: u for u in Unit.objects.all()}
    areas = list(campaign.focus_areas.all())
    made: list[tuple[Spec, Project]] = []
    with _at(TODAY):
        for n, spec in enumerate(PROJECTS):
            made.append((spec, _create(office, campaign, spec, n, units, areas)))
    for n, (spec, project) in enumerate(made):
        if spec.scenario != "draft":
            _dispatches(office, project, spec, n)
    with _at(TODAY):
        _targets(office, campaign, made, units)
    return {"projects": len(made), "funding_sources": ProjectFunding.objects.filter(project__campaign=campaign).count()}

"""The 2023 攻坚克难年 campaign, built from the seed speech the way the supervision office would: parse it, then
write each task as a 督查室 would — a measurable target (a number and its unit, or a named deliverable), a lead
unit and 专班, a leader, a start and a deadline of its own — and give it the milestones its kind of work has,
scheduled backwards (倒排工期) on 2023's calendar."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from gongjian.campaigns import services
from gongjian.campaigns.models import Campaign, Task
from gongjian.campaigns.speech import parse_speech, suggest_leader_post, suggest_unit
from gongjian.org.models import Person, Unit
from gongjian.workdays import days

SEED = Path(__file__).resolve().parent / "data" / "laixi-2023-mobilization.txt"
NAME = "2023年“攻坚克难年”"
D = date
YEAR_START = D(2023, 1, 28)  # the mobilisation meeting: year-long work starts the day it is announced
FIRST_STEP_DAYS, FLOAT_DAYS = 20, 5  # working days

# Milestone chains by kind of work: (title, share of the working days, weight). A title may name the task's
# deliverable ({what}); the "target" chain is built from the task's own figure, a quarter (or a half) at a time.
CHAINS: dict[str, list[tuple[str, int, int]]] = {
    "construction": [("完成立项批复", 2, 1), ("完成施工图设计", 3, 1), ("完成招标", 2, 1), ("开工建设", 1, 1),
                     ("主体工程完工", 8, 4), ("竣工验收", 2, 2)],
    "investment": [("建立在谈项目储备库", 2, 1), ("重点项目洽谈对接", 3, 2), ("集中签约", 3, 3), ("签约项目落地开工", 4, 3)],
    "policy": [("起草{what}", 3, 1), ("征求意见并修改完善", 2, 1), ("印发{what}", 1, 2), ("落实情况评估", 4, 2)],
    "plan": [("完成现状调研", 2, 1), ("编制{what}初稿", 4, 2), ("组织专家评审", 1, 1), ("{what}审批公布", 1, 2)],
    "event": [("制定活动方案并启动筹备", 3, 1), ("场地布置与招商宣传", 3, 1), ("举办{what}", 1, 3), ("活动总结评估", 1, 1)],
    "campaign": [("摸底排查，建立问题清单", 1, 1), ("集中整治", 4, 3), ("巩固提升", 3, 2), ("考核验收", 1, 1)],
}
KEYWORDS = [("investment", ("招商", "签约", "外资", "引进")), ("event", ("节", "会展", "赛事")),
            ("plan", ("规划",)), ("construction", ("建设", "改造", "工程", "新建")),
            ("campaign", ("整治", "整改", "排查", "专项行动")), ("policy", ("方案", "制度", "机制", "改革"))]


@dataclass(frozen=True)
class Plan:
    """How the office wrote one task of the speech: a figure, or a named deliverable (`what`, in 《》)."""
    title: str
    lead: str
    leader: str
    start: date
    deadline: date
    kind: str = ""  # a key of CHAINS, or "target"; empty: chosen from the title's words
    indicator: str = ""
    target: float = 0
    unit: str = ""
    what: str = ""
    task_force: str = ""
    co: tuple[str, ...] = ()


SECRETARY, MAYOR, DEPUTY, EXEC = "市委书记", "市长", "市委副书记", "常务副市长"
INDUSTRY, RURAL, URBAN, SOCIAL = "分管工业和招商的副市长", "分管农业农村的副市长", "分管城建的副市长", "分管社会事业的副市长"
ORG, POL, PUB = "市委常委、组织部部长", "市委常委、政法委书记", "市委常委、宣传部部长"
JIANGSHAN, INVEST, RAIL, URBAN_TF, SHUANGLAI, CIVIC = (
    "突破姜山工作专班", "双招双引工作专班", "高铁新城建设专班", "城市更新建设专班", "双莱一体化发展专班", "文明城市创建专班")

# Keyed by the short title the speech's sentence yields (`_title`). Figures are plausible for a county-level city of
# about 700,000 people; the speech itself states none. A major project is supervised as that project (a project
# *is* its task), so no task here restates one: these are the programmes around them.
PLANS: dict[str, Plan] = {
    # 书记：深化双招双引
    "建强园区、消化存量、理顺机制": Plan(
        "突破姜山：盘活姜山新材料产业园闲置低效用地", "姜山镇", INDUSTRY, D(2023, 2, 15), D(2023, 12, 15), "target",
        "盘活闲置低效用地", 1200, "亩", task_force=JIANGSHAN, co=("自然资源局", "工信局")),
    "不断充实招商力量、加快推动产业集群发展、坚持全市招商“一盘棋”": Plan(
        "充实招商力量：组建产业链招商小分队驻点招商", "投资促进中心", INDUSTRY, D(2023, 2, 6), D(2023, 6, 30), "target",
        "组建驻点招商小分队", 12, "支", task_force=INVEST, co=("组织部", "商务局")),
    "聚焦重点环节、注重破难解困、围绕补齐人才短板做好保障": Plan(
        "补齐人才短板：新引进各类人才", "人社局", ORG, D(2023, 2, 15), D(2023, 12, 31), "target",
        "新引进高校毕业生等各类人才", 5000, "人", co=("组织部", "教体局")),
    "提高营商环境法治化水平、深化“放管服”改革、营造重商亲商的浓厚氛围": Plan(
        "营商环境：出台优化营商环境行动方案", "行政审批服务局", EXEC, D(2023, 2, 20), D(2023, 9, 30), "policy",
        what="《莱西市优化营商环境三年行动方案（2023—2025年）》", co=("市场监管局", "大数据局")),
    # 书记：培育做强产业
    "抢抓预制菜产业风口、争取优质农品定价权、用好河湖资源优势、做大做强“莱西有礼”品牌": Plan(
        "预制菜产业：新增规模以上预制菜企业", "农业农村局", RURAL, YEAR_START, D(2023, 12, 31), "target",
        "新增规模以上预制菜企业", 12, "家", co=("工信局", "商务局")),
    "构建现代水网体系、做好资金保障、加强过程管理": Plan(
        "现代水网：新增高效节水灌溉面积", "水利局", RURAL, D(2023, 3, 1), D(2023, 11, 30), "construction",
        "新增高效节水灌溉面积", 2, "万亩", co=("财政局", "农业农村局")),
    "用好文化资源优势、开发精品节庆活动、规划全域旅游路线": Plan(
        "全域旅游：编制全域旅游规划，推出精品旅游线路", "文旅局", SOCIAL, D(2023, 3, 1), D(2023, 10, 31), "plan",
        "推出精品旅游线路", 5, "条", what="《莱西市全域旅游发展规划》", co=("农业农村局", "河头店镇")),
    # 书记：基础设施建设
    "在高铁新城建设上持续用力": Plan(
        "高铁新城：完成片区土地收储", "自然资源局", MAYOR, D(2023, 2, 1), D(2023, 12, 15), "target",
        "完成土地收储", 3000, "亩", task_force=RAIL, co=("沽河街道", "财政局")),
    "在中心城区更新上持续用力": Plan(
        "中心城区更新：完成旧城旧村改造征收", "住建局", URBAN, YEAR_START, D(2023, 12, 31), "target",
        "完成旧城旧村改造征收", 1500, "户", task_force=URBAN_TF, co=("水集街道", "望城街道")),
    "在南部新区打造上持续用力": Plan(
        "南部新区：建成职教园周边配套道路", "住建局", URBAN, D(2023, 3, 1), D(2023, 12, 31), "construction",
        "建成配套道路", 6, "公里", co=("交通运输局", "望城街道")),
    # 书记：区域协同发展
    "用好顶格协调机制": Plan(
        "双莱一体化：落实莱西莱阳年度合作事项", "发改局", SECRETARY, D(2023, 2, 15), D(2023, 12, 31), "target",
        "落实年度合作事项", 30, "项", task_force=SHUANGLAI, co=("院上镇", "交通运输局")),
    "提前谋划、培育经验、统筹推进": Plan(
        "城乡融合发展试验区：形成可复制推广的改革经验", "发改局", DEPUTY, D(2023, 3, 1), D(2023, 12, 15), "policy",
        "形成可复制推广的改革经验", 5, "项", what="《城乡融合发展试验区改革经验清单》", co=("农业农村局", "自然资源局")),
    "规划要彰显特色,功能要完备齐全,路网要纵横通畅": Plan(
        "镇驻地规划提升：完成镇驻地详细规划编制", "自然资源局", URBAN, D(2023, 3, 1), D(2023, 10, 31), "plan",
        "完成镇驻地详细规划", 8, "个", what="镇驻地详细规划", co=("住建局", "交通运输局")),
    # 书记：解决急难愁盼
    "科学统筹医疗资源": Plan(
        "医疗卫生改革：组建紧密型县域医共体", "卫健局", SOCIAL, D(2023, 2, 20), D(2023, 11, 30), "policy",
        "组建紧密型县域医共体", 3, "个", what="《莱西市紧密型县域医疗卫生共同体建设实施方案》", co=("人社局", "财政局")),
    "促进教育资源更加均衡": Plan(
        "教育均衡：秋季开学前新增中小学幼儿园学位", "教体局", SOCIAL, D(2023, 2, 1), D(2023, 8, 31), "construction",
        "新增中小学幼儿园学位", 3000, "个", co=("住建局", "财政局")),
    "提升城市社区党建质效": Plan(
        "城市治理：优化网格设置，配齐专职网格员", "政法委", POL, D(2023, 2, 15), D(2023, 6, 30), "target",
        "配齐专职网格员", 600, "名", co=("民政局", "组织部")),
    # 书记：城乡环境整治
    "健全长效机制": Plan(
        "创建全国文明城市：完成测评点位问题整改", CIVIC, PUB, D(2023, 2, 1), D(2023, 11, 30), "campaign",
        "完成测评点位问题整改", 500, "处", co=("宣传部", "城管局")),
    "打好“春节春季战役”": Plan(
        "农村人居环境“春节春季战役”：完成村庄集中清整", "农业农村局", RURAL, YEAR_START, D(2023, 4, 30), "campaign",
        "完成村庄集中清整", 861, "个", co=("城管局", "生态环境分局")),
    "坚持高位规划": Plan(
        "公园水城：编制公园水城建设总体规划", "城管局", URBAN, D(2023, 3, 1), D(2023, 9, 30), "plan",
        what="《莱西市公园水城建设总体规划》", co=("自然资源局", "水利局")),
    # 书记：事要真正解决
    "建强基层战斗堡垒、树牢实干实绩导向、坚守纪律规矩底线": Plan(
        "干部作风：开展作风能力提升专项行动，分层培训干部", "组织部", ORG, D(2023, 2, 15), D(2023, 12, 15), "campaign",
        "分层培训干部", 3000, "人次", co=("纪委监委", "宣传部")),
    # 市长：全年经济工作部署（招商引资）
    "突出产业链招商主战场": Plan(
        "产业链招商：新签约过亿元产业链项目", "投资促进中心", INDUSTRY, YEAR_START, D(2023, 12, 31), "investment",
        "新签约过亿元产业链项目", 40, "个", task_force=INVEST, co=("工信局", "莱西经济开发区")),
    "突出城市更新建设领域招商": Plan(
        "城市更新领域招商：引进城市更新合作项目", "住建局", URBAN, D(2023, 2, 15), D(2023, 11, 30), "investment",
        "引进城市更新合作项目", 8, "个", task_force=URBAN_TF, co=("投资促进中心", "财政局")),
    "突出引进外资项目": Plan(
        "利用外资：实际使用外资", "商务局", INDUSTRY, YEAR_START, D(2023, 12, 31), "investment",
        "实际使用外资", 15000, "万美元", co=("投资促进中心", "莱西经济开发区")),
    # 项目建设
    "狠抓项目建设": Plan(
        "项目建设：新开工项目按月调度，新纳统入库", "发改局", MAYOR, YEAR_START, D(2023, 12, 31), "target",
        "新纳统入库项目", 120, "个", co=("统计局", "行政审批服务局")),
    # 要素保障
    "狠抓要素保障": Plan(
        "要素保障：保障重点项目新增建设用地", "自然资源局", EXEC, D(2023, 2, 1), D(2023, 12, 15), "target",
        "保障重点项目新增建设用地", 5000, "亩", co=("发改局", "财政局")),
    # 实体经济
    "做强制造业": Plan(
        "做强制造业：新增规模以上工业企业", "工信局", INDUSTRY, YEAR_START, D(2023, 12, 31), "target",
        "新增规模以上工业企业", 50, "家", co=("统计局", "莱西经济开发区")),
    "做大服务业": Plan(
        "做大服务业：新增规模以上服务业企业", "发改局", EXEC, D(2023, 2, 15), D(2023, 12, 31), "target",
        "新增规模以上服务业企业", 40, "家", co=("商务局", "统计局")),
    "做优营商环境": Plan(
        "做优营商环境：依申请政务服务事项全程网办", "行政审批服务局", EXEC, D(2023, 3, 1), D(2023, 10, 31), "target",
        "实现全程网办的依申请政务服务事项", 1200, "项", co=("大数据局", "市场监管局")),
    # 城市更新
    "抓好基础设施建设": Plan(
        "市政基础设施：新建改造城市道路", "住建局", URBAN, D(2023, 3, 1), D(2023, 11, 30), "construction",
        "新建改造城市道路", 15, "公里", co=("交通运输局", "自然资源局")),
    "老旧街区改造": Plan(
        "老旧小区改造：完成老旧小区改造", "住建局", URBAN, D(2023, 3, 1), D(2023, 11, 30), "construction",
        "完成老旧小区改造", 26, "个", task_force=URBAN_TF, co=("水集街道", "财政局")),
    "公园城市建设": Plan(
        "公园城市：建成口袋公园", "城管局", URBAN, D(2023, 3, 15), D(2023, 10, 31), "construction",
        "建成口袋公园", 15, "处", co=("自然资源局", "住建局")),
    "水利设施建设": Plan(
        "水利设施：完成小型水库除险加固", "水利局", RURAL, D(2023, 2, 15), D(2023, 6, 15), "construction",
        "完成小型水库除险加固", 12, "座", co=("财政局", "应急局")),
    "违法建设整治": Plan(
        "违法建设整治：拆除存量违法建设", "综合行政执法局", URBAN, D(2023, 2, 15), D(2023, 11, 30), "campaign",
        "拆除存量违法建设", 30, "万平方米", co=("自然资源局", "城管局")),
    "文明城市创建": Plan(
        "文明城市创建：新时代文明实践站提档升级", "宣传部", PUB, D(2023, 3, 1), D(2023, 10, 31), "target",
        "新时代文明实践站提档升级", 200, "个", task_force=CIVIC, co=("民政局", "城管局")),
    # 乡村振兴
    "全面推进乡村振兴": Plan(
        "乡村振兴样板区：建设乡村振兴示范片区", "农业农村局", RURAL, D(2023, 2, 15), D(2023, 12, 15), "construction",
        "建设乡村振兴示范片区", 6, "个", co=("财政局", "自然资源局")),
    "在特色品牌引领和优势产业集聚上发力": Plan(
        "特色品牌：“莱西有礼”区域公用品牌授权产品", "农业农村局", RURAL, D(2023, 2, 15), D(2023, 11, 30), "target",
        "“莱西有礼”品牌授权产品", 100, "个", co=("商务局", "市场监管局")),
    # 人居环境
    "聚焦农村污水": Plan(
        "农村污水治理：完成村庄生活污水治理", "生态环境分局", RURAL, D(2023, 3, 1), D(2023, 11, 30), "construction",
        "完成村庄生活污水治理", 120, "个", co=("农业农村局", "水利局")),
    "生活垃圾": Plan(
        "生活垃圾分类：建设农村生活垃圾分类示范村", "城管局", RURAL, D(2023, 2, 15), D(2023, 10, 31), "target",
        "建设农村生活垃圾分类示范村", 100, "个", co=("农业农村局", "财政局")),
    "清洁取暖": Plan(
        "清洁取暖：供暖季前完成农村清洁取暖改造", "住建局", URBAN, D(2023, 3, 1), D(2023, 10, 31), "construction",
        "完成农村清洁取暖改造", 12000, "户", co=("发改局", "财政局")),
    "村容村貌": Plan(
        "村容村貌：创建美丽乡村示范村", "农业农村局", RURAL, D(2023, 2, 15), D(2023, 11, 30), "target",
        "创建美丽乡村示范村", 30, "个", co=("住建局", "财政局")),
    # 守牢底线
    "守牢一排底线": Plan(
        "守牢安全底线：重点行业领域安全隐患排查整治", "应急局", EXEC, D(2023, 2, 1), D(2023, 12, 15), "campaign",
        "排查企业安全隐患", 3000, "家", co=("市场监管局", "生态环境分局")),
}

# What each town and zone told the mobilization meeting it would do this year (镇街汇报), one task each, with its own
# deadline. A goal that is a major project (望城物流园, 夏格庄原料基地, 院上污水管网, 沽河湾片区, 马连庄高标准农田,
# 新能源汽车零部件产业园, 烟台路街区, 沽河湿地, 航空文化小镇游客中心) is supervised as that project — a project *is*
# its task — so it is not listed again here with other figures.
TOWN_GOALS = {
    "水集街道": Plan("一季度完成城区背街小巷环境整治", "水集街道", MAYOR, D(2023, 2, 6), D(2023, 3, 24), "",
                 "完成背街小巷环境整治", 40, "条", co=("城管局",)),
    "沽河街道": Plan("高铁新城片区完成房屋征收签约", "沽河街道", EXEC, D(2023, 2, 6), D(2023, 4, 6), "",
                 "完成房屋征收签约", 600, "户", task_force=RAIL, co=("住建局",)),
    "河头店镇": Plan("办好第三届莱西渔乐节", "河头店镇", MAYOR, D(2023, 3, 1), D(2023, 10, 31), "event",
                 "接待游客", 10, "万人次", what="第三届莱西渔乐节", co=("文旅局",)),
    "姜山镇": Plan("新材料产业园新签约项目", "姜山镇", EXEC, YEAR_START, D(2023, 12, 31), "investment",
                "新材料产业园新签约项目", 10, "个", task_force=JIANGSHAN, co=("投资促进中心",)),
    "南墅镇": Plan("石墨产业链一季度签约深加工项目", "南墅镇", MAYOR, D(2023, 2, 6), D(2023, 3, 24), "",
                "签约石墨深加工项目", 3, "个", co=("投资促进中心",)),
    "店埠镇": Plan("完成镇驻地雨污分流改造", "店埠镇", EXEC, D(2023, 2, 6), D(2023, 4, 6), "",
                "完成镇驻地雨污分流改造", 3.5, "公里", co=("住建局",)),
}


def _title(text: str) -> str:
    body = text.removeprefix("要")
    for mark in ("，促进", ",促进", "，", ","):
        head, found, _ = body.partition(mark)
        if found and 6 <= len(head) <= 60:
            return head
    return body[:60]


def kind_of(text: str) -> str:
    """The chain for a task nobody wrote a plan for, from the words of its text."""
    return next((kind for kind, words in KEYWORDS if any(w in text for w in words)), "policy")


def _number(value) -> str:
    return format(Decimal(str(value)).normalize(), "f")


def _target_chain(plan: Plan) -> list[tuple[str, int, int]]:
    """The figure split among the units first, then reached a quarter at a time (a half when it is small)."""
    steps = 4 if plan.target >= 8 else 2
    chain = [("制定推进方案，分解年度目标到责任单位", 1, 1)]
    for i in range(1, steps + 1):
        share = Decimal(str(plan.target)) * i / steps
        value = share.quantize(Decimal("1")) if plan.target >= 8 else share.quantize(Decimal("0.1"))
        title = (f"完成全年目标：{plan.indicator}{_number(plan.target)}{plan.unit}" if i == steps
                 else f"{plan.indicator}累计达到{_number(value)}{plan.unit}")
        chain.append((title, 4, 2))
    return chain


def chain_for(plan: Plan) -> list[tuple[str, int, int]]:
    if plan.kind == "target":
        return _target_chain(plan)
    what = plan.what or "工作方案"
    return [(title.format(what=what), share, weight)
            for title, share, weight in CHAINS[plan.kind or kind_of(plan.title)]]


def _description(text: str, plan: Plan) -> str:
    goals = []
    if plan.target:
        label = "年度目标" if plan.deadline.month >= 10 else f"{plan.deadline.month}月底前目标"
        goals.append(f"{label}：{plan.indicator}{_number(plan.target)}{plan.unit}")
    if plan.what:
        goals.append(f"{'办好' if plan.kind == 'event' else '出台'}{plan.what}")
    return "。".join([text.rstrip("。"), *goals]) + "。"


def _leader(post: str | None) -> Person | None:
    return Person.objects.filter(is_city_leader=True, display_name=post or "市长").first() or \
        Person.objects.filter(is_city_leader=True, display_name="市长").first()


def _milestones(actor, task: Task, chain: list[tuple[str, int, int]]) -> None:
    """The chain fitted into the working days the task has: the first step (方案, 摸底, 储备, 立项 …) takes about a
    month, the rest share what is left by their weight of time, a week stays as float; then the office schedules
    it back from the deadline (倒排工期)."""
    available = days.between(task.start, task.deadline) - FLOAT_DAYS
    first = min(FIRST_STEP_DAYS, available // len(chain))
    rest = sum(share for _, share, _ in chain[1:])
    durations = [first] + [max(1, share * (available - first) // rest) for _, share, _ in chain[1:]]
    made = [services.milestone_create(actor=actor, task=task, title=title, weight=weight, duration=duration)
            for (title, _, weight), duration in zip(chain, durations, strict=True)]
    for before, after in zip(made, made[1:], strict=False):
        services.dependency_create(actor=actor, predecessor=before, successor=after)
    services.task_schedule_backward(actor=actor, task=task)


def _fallback(item, lead: Unit) -> Plan:
    """A speech task no plan was written for: the office's first guess, a deliverable named after it."""
    title = _title(item.text)
    return Plan(title, lead.name, item.leader_post or suggest_leader_post(item.text) or MAYOR, D(2023, 2, 15),
                D(2023, 12, 15), kind_of(title), what=f"《{title}工作方案》")


def _create(office, campaign: Campaign, units: dict[str, Unit], plan: Plan, **fields) -> Task:
    lead = units[plan.lead]
    task = services.task_create(
        actor=office, campaign=campaign, title=plan.title, lead_unit=lead, lead_leader=_leader(plan.leader),
        co_units=[units[name] for name in plan.co if name in units and name != plan.lead],
        task_force=units.get(plan.task_force), start=plan.start, deadline=plan.deadline,
        indicator=plan.indicator, indicator_unit=plan.unit, target_value=str(plan.target) if plan.target else None, **fields,
    )
    if plan.kind:
        _milestones(office, task, chain_for(plan))
    return services.task_assign(actor=office, task=task)


def load(office) -> Campaign:
    existing = Campaign.objects.filter(name=NAME).first()
    if existing is not None:
        return existing
    text = SEED.read_text(encoding="utf-8")
    campaign = services.campaign_create(
        actor=office, name=NAME, year=2023, start=YEAR_START, end=date(2023, 12, 31), speech=text,
        description="以起步就是冲刺、开局就是决战的姿态，紧盯目标、一刻不松、一抓到底。",
    )
    units = {u.name: u for u in Unit.objects.all()}
    draft = parse_speech(text)
    for order, area in enumerate(draft.focus_areas, start=1):
        focus = services.focus_area_create(actor=office, campaign=campaign, title=area.title, sentence=area.sentence,
                                           order=order)
        for item in area.tasks:
            plan = PLANS.get(_title(item.text)) or _fallback(
                item, units.get(item.lead_unit or suggest_unit(item.text) or "") or units["发改局"])
            _create(office, campaign, units, plan, focus_area=focus, source_sentence=item.sentence,
                    description=_description(item.text, plan))
    focus = services.focus_area_create(actor=office, campaign=campaign, title="镇街年度攻坚目标",
                                       sentence="各镇（街道、经济开发区）依次登台汇报2023年工作思路、工作目标和具体措施。",
                                       order=len(draft.focus_areas) + 1)
    for town, plan in TOWN_GOALS.items():
        # A goal due within weeks has no milestones: its unit reports a percentage.
        _create(office, campaign, units, plan, focus_area=focus, source=Task.Source.TOWN_REPORT,
                description=_description(f"{town}在全市动员大会上汇报的2023年攻坚目标", plan))
    return campaign

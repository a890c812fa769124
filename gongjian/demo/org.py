"""Laixi's units and one account per role, named by post (docs/architecture.md "The demo")."""

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from gongjian.org.models import Grid, Person, Role, RoleGrant, Unit, pinyin_initials
from gongjian.org.services import user_create

DEMO_PASSWORD = "Laixi#2023demo"

AREAS = [
    ("水集街道", "street", "水集"), ("望城街道", "street", "望城"), ("沽河街道", "street", "沽河"),
    ("姜山镇", "town", "姜山"), ("夏格庄镇", "town", "夏格庄"), ("院上镇", "town", "院上"), ("日庄镇", "town", "日庄"),
    ("南墅镇", "town", "南墅"), ("河头店镇", "town", "河头店"), ("店埠镇", "town", "店埠"), ("马连庄镇", "town", "马连庄"),
    ("莱西经济开发区", "zone", "开发区"),
]

DEPARTMENTS = [
    ("发改局", "项目谋划 重点项目 投资计划 发展规划 区域协同 双莱一体 城乡融合 价格"),
    ("工信局", "工业 制造业 实体经济 企业培育 产业集群 技术改造 数字经济"),
    ("商务局", "外资 外贸 消费 商贸流通 服务业 会展"),
    ("投资促进中心", "招商引资 双招双引 产业链招商 签约 落地 外资项目"),
    ("自然资源局", "土地 用地 规划 土地收储 不动产 耕地保护 国土空间"),
    ("住建局", "城市更新 旧城旧村改造 老旧小区 建筑施工 施工许可 物业 燃气 供热"),
    ("农业农村局", "乡村振兴 农业 预制菜 农产品 农村人居环境 莱西经验 和美乡村"),
    ("水利局", "水利 水网 农田水利 河湖 水库 防汛"),
    ("文旅局", "文化 旅游 节庆 全域旅游 文物"),
    ("卫健局", "医疗 医院 卫生 疫情防控 医改 健康"),
    ("教体局", "教育 学校 职业教育 职教园 体育"),
    ("财政局", "资金 财政 专项债 预算 资金保障"),
    ("行政审批服务局", "审批 营商环境 放管服 政务服务 立项 施工许可证"),
    ("生态环境分局", "环保 环评 生态环境 污染 污水 大气"),
    ("城管局", "市容 环卫 生活垃圾 公园 园林 违建 停车"),
    ("综合行政执法局", "违法建设 违建清理 执法 占道"),
    ("统计局", "统计 纳统 入库 数据"),
    ("信访局", "信访 矛盾 诉求"),
    ("人社局", "就业 人才 社保 劳动 工资"),
    ("交通运输局", "交通 道路 公路 路网 公交"),
    ("市场监管局", "市场监管 食品药品 质量 企业登记"),
    ("民政局", "养老 社会救助 社区 殡葬"),
    ("应急局", "安全生产 应急 消防 危化品"),
    ("金融服务中心", "金融 信贷 融资 上市"),
    ("政法委", "网格 平安建设 矛盾排查化解 社会治理"),
    ("组织部", "基层党建 干部 人才引育 作风"),
    ("宣传部", "文明城市 宣传 舆情 精神文明"),
]

TASK_FORCES = ["突破姜山工作专班", "双招双引工作专班", "高铁新城建设专班", "城市更新建设专班", "双莱一体化发展专班", "文明城市创建专班"]

LEADERS = [
    ("secretary", "市委书记", "市委书记"),
    ("mayor", "市长", "市委副书记、市长"),
    ("deputysecretary", "市委副书记", "市委副书记"),
    ("execvicemayor", "常务副市长", "市委常委、常务副市长"),
    ("vicemayor_industry", "分管工业和招商的副市长", "副市长"),
    ("vicemayor_rural", "分管农业农村的副市长", "副市长"),
    ("vicemayor_urban", "分管城建的副市长", "副市长"),
    ("vicemayor_social", "分管社会事业的副市长", "副市长"),
    ("org_head", "市委常委、组织部部长", "市委常委、组织部部长"),
    ("pol_head", "市委常委、政法委书记", "市委常委、政法委书记"),
    ("pub_head", "市委常委、宣传部部长", "市委常委、宣传部部长"),
    ("dis_head", "市委常委、纪委书记", "市委常委、纪委书记"),
]

# One account per role; the password exists only once the demo is loaded.
ACCOUNTS = [
    ("office", "督查室主任", "市委市政府督查室", [Role.SUPERVISION_OFFICE]),
    ("jiangshan_editor", "姜山镇督查专员", "姜山镇", [Role.UNIT_EDITOR]),
    ("jiangshan_viewer", "姜山镇镇长", "姜山镇", [Role.UNIT_VIEWER]),
    ("fgj_editor", "发改局综合科科长", "发改局", [Role.UNIT_EDITOR]),
    ("grid_jiangshan", "姜山镇网格员", "姜山镇", [Role.GRID_WORKER]),
    ("sysadmin", "系统管理员", "大数据局", [Role.SYSTEM_ADMIN]),
    ("secadmin", "安全管理员", "大数据局", [Role.SECURITY_ADMIN]),
    ("auditadmin", "审计管理员", "纪委监委", [Role.AUDIT_ADMIN]),
]

User = get_user_model()


def _unit(name: str, kind: str, order: int, *, parent=None, short: str = "", duty: str = "") -> Unit:
    unit, _ = Unit.objects.update_or_create(
        name=name, defaults={"kind": kind, "order": order, "parent": parent, "short_name": short, "duty_list": duty}
    )
    return unit


@cache
def _demo_hash() -> str:
    return make_password(DEMO_PASSWORD)


def _account(username: str, display: str, unit: Unit | None, roles, *, leader: bool = False, post: str = "") -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        return user_create(
            actor=None, username=username, password=DEMO_PASSWORD, display_name=display, unit=unit,
            post=post or display, roles=list(roles), is_city_leader=leader, password_hash=_demo_hash(),
        )
    for role in roles:
        RoleGrant.objects.get_or_create(user=user, role=role)
    return user


def load() -> dict:
    leadership = _unit("市委市政府", Unit.Kind.LEADERSHIP, 0, short="市委市政府")
    _unit("市委市政府督查室", Unit.Kind.LEADERSHIP, 1, parent=leadership, short="督查室")
    for i, (name, kind, short) in enumerate(AREAS):
        _unit(name, kind, 10 + i, short=short, duty=f"{short} 辖区 属地管理 {name}")
    for i, (name, duty) in enumerate(DEPARTMENTS):
        _unit(name, Unit.Kind.DEPARTMENT, 100 + i, short=name, duty=duty)
    _unit("大数据局", Unit.Kind.DEPARTMENT, 190, duty="信息化 数据 政务网络 系统运维")
    _unit("纪委监委", Unit.Kind.DEPARTMENT, 191, duty="纪检监察 作风 问责")
    for i, name in enumerate(TASK_FORCES):
        _unit(name, Unit.Kind.TASK_FORCE, 200 + i, short=name.replace("工作专班", "专班"))
    for username, display, post in LEADERS:
        _account(username, display, leadership, [Role.CITY_LEADER], leader=True, post=post)
    for username, display, unit_name, roles in ACCOUNTS:
        _account(username, display, Unit.objects.get(name=unit_name), roles)
    _unit_editors()
    jiangshan = Unit.objects.get(name="姜山镇")
    worker = User.objects.get(username="grid_jiangshan")
    for village in ("姜山村", "前垛埠村", "杨家庄村"):
        v, _ = Grid.objects.get_or_create(town=jiangshan, parent=None, name=village, defaults={"level": Grid.Level.VILLAGE})
        for n in (1, 2):
            Grid.objects.get_or_create(
                town=jiangshan, parent=v, name=f"{village}第{n}网格", defaults={"level": Grid.Level.GRID, "worker": worker}
            )
    return {"units": Unit.objects.count(), "people": Person.objects.count()}


def _unit_editors() -> None:
    """Every town and department has a liaison (督查联络员) who fills its reports."""
    staffed = set(RoleGrant.objects.filter(role=Role.UNIT_EDITOR).values_list("user__person__unit_id", flat=True))
    for unit in Unit.objects.exclude(kind=Unit.Kind.LEADERSHIP).exclude(pk__in=staffed):
        username = f"{pinyin_initials(unit.name)}_editor"
        if User.objects.filter(username=username).exists():
            username = f"{username}{unit.pk}"
        _account(username, f"{unit.name}督查联络员", unit, [Role.UNIT_EDITOR])

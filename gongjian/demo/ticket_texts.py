"""Reproducible synthetic 万事有解 tickets and 金点子 ideas for Laixi (莱西), used by the demo, the bench and tests.

A ticket is a topic template filled with places, shops, amounts and times. Like real assignment (派单), some topics go to
different units depending on circumstances (供电 to 发改局 or the town, 夜间施工 to 住建局 or 生态环境分局, 宅基地纠纷
to 自然资源局 or the town…), and a few tickets raise a second matter, so routing on them is realistic, not perfect.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

TOWNS: tuple[str, ...] = (
    "水集街道", "望城街道", "沽河街道", "姜山镇", "夏格庄镇", "院上镇", "日庄镇", "南墅镇", "河头店镇", "店埠镇",
    "马连庄镇", "莱西经济开发区",
)
DEPARTMENTS: tuple[str, ...] = (
    "发改局", "工信局", "商务局", "自然资源局", "住建局", "农业农村局", "水利局", "文旅局", "卫健局", "教体局",
    "生态环境分局", "城管局", "综合行政执法局", "人社局", "交通运输局", "市场监管局", "民政局", "应急局", "信访局",
)

# The documented mix: complaints and requests for help dominate, as in 12345 hotline statistics.
CATEGORY_SHARES: dict[str, float] = {
    "complaint": 0.34,
    "help": 0.27,
    "consultation": 0.16,
    "report": 0.09,
    "suggestion": 0.08,
    "dispute": 0.06,
}
CATEGORY_LABELS: dict[str, str] = {
    "consultation": "咨询",
    "help": "求助",
    "suggestion": "建议",
    "complaint": "投诉",
    "report": "举报",
    "dispute": "矛盾纠纷",
}

DUTY_LISTS: dict[str, str] = {
    "发改局": "国民经济和社会发展规划 重大项目建设 固定资产投资 电力供应协调 供电保障 停电 电网建设 能源管理 节能审查 "
           "新能源汽车充电设施 价格政策 粮食和物资储备",
    "工信局": "工业经济运行 企业技术改造 专精特新企业培育 中小企业服务 信息化建设 通信基础设施协调 手机信号 宽带网络 "
           "企业用工用能协调",
    "商务局": "商贸流通 消费促进 消费券 夜间经济 农贸市场建设 外贸进出口 利用外资 电子商务 成品油流通 单用途预付卡备案",
    "自然资源局": "国土空间规划 不动产登记 房产证办理 宅基地审批 农村宅基地管理 土地征收 耕地保护 违法占地查处 "
             "矿产资源管理 非法采矿 测绘地理信息",
    "住建局": "物业服务企业监督管理 城镇供热 供暖 城镇燃气 燃气安全 城市供水 建筑工地施工管理 夜间施工 房屋建筑工程质量 "
           "商品房交付 老旧小区改造 电梯加装 住房保障 房地产市场 供暖退费 工地扬尘 渣土车",
    "农业农村局": "农村土地承包管理 土地流转 农业补贴 耕地地力保护补贴 农资监管 种子化肥农药 畜禽养殖 动物防疫 "
             "农产品质量安全 农产品销售 预制菜产业 乡村振兴 农村集体经济 春耕备播 农机购置补贴 农技指导 育苗",
    "水利局": "河道管理 河长制 河道采砂管理 水库管理 防汛抗旱 农田水利 灌溉 农村饮水安全 农村自来水 水土保持",
    "文旅局": "文化市场管理 网吧 娱乐场所 旅游景区 旅行社 文化活动 图书馆 文物保护 广播电视 渔乐节",
    "卫健局": "医疗机构监管 医院 诊所 医疗服务 医疗纠纷 无证行医 疫苗接种 公共卫生 家庭医生 老年人体检 妇幼保健",
    "教体局": "学校管理 中小学 幼儿园 入学招生 学区划分 有偿补课 校外培训机构 校园安全 学校食堂 中考 体育场地 课后服务 转学 开学",
    "生态环境分局": "环境污染防治 噪声污染 工业噪音 废气 异味 大气污染 偷排污水 水污染 固体废物 危险废物 "
              "环境影响评价 畜禽养殖污染",
    "城管局": "市容环境卫生 占道经营 流动摊贩 城区垃圾清运 生活垃圾分类 园林绿化 户外广告 餐饮油烟 城市照明 市政设施 义务植树 行道树",
    "综合行政执法局": "违法建设查处 违章建筑 私搭乱建 楼顶加盖 占用绿地 综合行政执法 执法监督",
    "人社局": "劳动保障监察 拖欠工资 农民工工资 劳动合同 劳动争议仲裁 社会保险 养老保险 失业保险 就业服务 "
           "职业技能培训 创业担保贷款 春风行动 招聘会 返岗复工",
    "交通运输局": "公路建设养护 道路破损 公交线路 公共交通 出租车 网约车 道路运输 货车超限 客运站",
    "市场监管局": "食品安全 餐饮服务 过期食品 价格监督 明码标价 消费维权 消费纠纷 假冒伪劣 特种设备 电梯安全 "
             "药品 计量 加油站",
    "民政局": "养老服务 养老院 高龄津贴 居家养老 最低生活保障 低保 临时救助 特困供养 残疾人补贴 流浪乞讨人员救助 "
           "殡葬管理 婚姻登记 公墓 清明祭扫",
    "应急局": "安全生产监督 危险化学品 烟花爆竹 安全隐患 防灾减灾 自然灾害 应急救援 地质灾害 森林防火 烧荒 山火",
    "信访局": "信访事项受理 信访复查 复核 重复信访 越级上访 约见领导 领导接访",
}
TOWN_DUTY_LIST = (
    "村内道路 村庄道路硬化 路灯 邻里纠纷 家庭纠纷 矛盾纠纷调解 村务公开 村干部作风 集体收益 环境卫生 村庄垃圾 "
    "秸秆焚烧 排水沟 广场舞 流浪犬 社区服务 网格管理 农村危房 民生实事"
)

_TOWN = "@town"  # a topic's unit: the town/street where the matter happens
_SHORT_TOWNS = {"莱西经济开发区": "开发区"}


@dataclass(frozen=True)
class _Places:
    villages: tuple[str, ...]
    roads: tuple[str, ...]
    communities: tuple[str, ...]


_PLACES: dict[str, _Places] = {
    "水集街道": _Places(("东庄头村", "西张家庄村", "北马家疃村", "河南村"),
                    ("烟台路", "威海路", "石岛路", "长岛路", "文化路", "黄海路"),
                    ("月湖花园", "书香苑", "阳光家园", "和园小区")),
    "望城街道": _Places(("东望城村", "辇止头村", "大沙埠村", "孙受村"),
                    ("青岛路", "上海路", "扬州路", "望城路", "重庆路"),
                    ("龙泉御园", "盛世华庭", "锦绣城", "鑫江花园")),
    "沽河街道": _Places(("前庄扶村", "后庄扶村", "沽河头村", "西宋家庄村"),
                    ("北京路", "济南路", "沽河路", "泰山路"),
                    ("沽河人家", "水岸名居", "康城小区")),
    "姜山镇": _Places(("前垛埠村", "后垛埠村", "湖西村", "大淘漳村", "杨家泊子村"),
                   ("驻地府前街", "新兴路"), ("姜山花园", "新兴社区")),
    "夏格庄镇": _Places(("院里村", "岚子村", "东窑头村", "北寨村"),
                    ("驻地商业街", "驻地中心路"), ("夏格庄新村社区",)),
    "院上镇": _Places(("七岔河村", "大庙后村", "朱家庄村", "西院上村"),
                   ("驻地院上路", "驻地中心街"), ("院上花园",)),
    "日庄镇": _Places(("沟东新村", "崔家疃村", "北岭村", "西庄村"),
                   ("驻地日庄路", "驻地府前路"), ("日庄新苑",)),
    "南墅镇": _Places(("东石家泊村", "青山村", "大泊子村", "刘家庄村"),
                   ("驻地石墨路", "驻地中心街"), ("南墅家园",)),
    "河头店镇": _Places(("大埠后村", "西马家庄村", "小寨村", "河头店村"),
                    ("驻地河头店路", "驻地商业街"), ("河头店社区",)),
    "店埠镇": _Places(("东大寨村", "西庄头村", "后保驾山村", "店埠村"),
                   ("驻地航空路", "驻地中心路"), ("店埠花园",)),
    "马连庄镇": _Places(("东赵家庄村", "北石桥村", "南庄扶村", "马连庄村"),
                    ("驻地甜瓜路", "驻地府前街"), ("马连庄社区",)),
    "莱西经济开发区": _Places(("后水口村", "大埠头村", "韶存庄村"),
                       ("昌阳路", "振华路", "龙口路", "深圳路"), ("海尚城", "人才公寓", "滨河花园")),
}
_GENERIC_PLACES = _Places(("东庄村", "西庄村", "南埠村", "北泊村"), ("中心路", "府前街"), ("幸福小区",))

_FILLERS: dict[str, tuple[str, ...]] = {
    "shop": ("烧烤店", "小饭馆", "理发店", "水果店", "超市", "早餐店", "奶茶店", "五金店", "洗车店", "服装店"),
    "restaurant": ("饭店", "烧烤店", "快餐店", "早餐铺", "火锅店", "面馆", "外卖店"),
    "company": ("一家食品加工厂", "一家建筑公司", "一家物流公司", "一家家具厂", "一家预制菜企业", "一家服装厂",
                "一家机械厂", "一家石墨制品厂"),
    "factory": ("石墨加工厂", "塑料颗粒厂", "食品加工厂", "木材加工厂", "砖厂", "混凝土搅拌站", "化工厂", "橡胶厂"),
    "school": ("莱西市实验学校", "莱西市第一中学", "水集中学", "望城小学", "沽河中学", "姜山镇中心小学",
               "店埠镇中心中学", "开发区实验小学"),
    "hospital": ("莱西市人民医院", "莱西市中医医院", "莱西市妇幼保健院", "镇卫生院", "市立医院莱西分院"),
    "river": ("大沽河", "小沽河", "五沽河", "洙河"),
    "crop": ("大白菜", "土豆", "甜瓜", "花生", "葡萄", "蓝莓", "大蒜", "西红柿", "草莓"),
    "scenic": ("莱西湖旅游度假区", "月湖公园", "产芝水库风景区", "姜山湿地公园", "马连庄甜瓜小镇"),
    "time": ("晚上十点以后", "凌晨两三点", "每天早上五点", "中午午休时间", "半夜十二点", "周末一大早"),
    "since": ("从上周开始", "已经半个多月了", "入冬以来", "最近一个月", "这几天", "从前天开始"),
    "who": ("爱人", "儿子", "父亲", "母亲", "女儿"),
    "reason": ("排水沟", "房屋漏水", "宠物狗扰民", "楼上噪音", "院墙", "树木遮挡采光", "通行道路", "乱堆柴草"),
    "issue": ("拆迁补偿", "土地征收补偿", "工伤认定", "房屋质量", "安置房分配"),
    "bus": tuple(f"{n}路" for n in (1, 2, 3, 5, 6, 8, 9, 11, 12, 15, 17, 21, 26)),
}
_NUMBERS: dict[str, tuple[int, int]] = {
    "days": (3, 20), "months": (2, 11), "years": (2, 6), "age": (76, 93), "temp": (11, 16), "n": (3, 12),
    "amount": (3, 60), "fee": (80, 200), "fee2": (210, 400), "diff": (5, 90),
}


@dataclass(frozen=True)
class _Topic:
    unit: str
    setting: str  # village | road | community | none
    phrases: Mapping[str, tuple[str, ...]]
    also: tuple[tuple[str, float], ...] = ()
    urgent: float = 0.02
    weight: float = 1.0
    months: tuple[int, ...] = ()  # the months the matter comes up in; empty: all year


_TOPICS: tuple[_Topic, ...] = (
    _Topic("城管局", "road", {
        "complaint": ("{loc}路边有商贩长期占道经营卖水果蔬菜，行人只能走机动车道", "{loc}一家{shop}把桌椅摆到人行道上占道经营",
                      "{loc}早市摊贩占道经营，早上堵得车都过不去"),
        "report": ("{loc}有流动摊贩占用人行道摆摊，城管来了就跑，走了又回来",),
    }, also=((_TOWN, 0.1),), weight=1.4),
    _Topic("城管局", "community", {
        "complaint": ("{loc}门口的垃圾桶{days}天没人清运，垃圾满地，臭味很大", "{loc}附近垃圾清运不及时，夏天招苍蝇蚊子"),
        "suggestion": ("建议在{loc}增设垃圾分类投放点，并固定时间清运",),
    }, also=((_TOWN, 0.15),), weight=1.2),
    _Topic("城管局", "road", {
        "complaint": ("{loc}一家{restaurant}油烟直排，熏得楼上住户不敢开窗", "{loc}路边烧烤摊{time}还在营业，油烟大还吵闹"),
    }, also=(("生态环境分局", 0.25),)),
    _Topic("城管局", "road", {
        "complaint": ("{loc}绿化带里的树木枯死{months}个月了，一直没人补种", "{loc}行道树树枝太长，挡住了路灯和交通标志"),
        "help": ("{loc}一棵大树被风刮倒，横在人行道上，很危险，请尽快清理",),
        "suggestion": ("建议在{loc}绿化带里多种些花草，并增设休闲座椅",),
    }, urgent=0.05, weight=0.8),
    _Topic("综合行政执法局", "community", {
        "report": ("{loc}有业主在楼顶私搭乱建，加盖了彩钢房", "{loc}一楼住户私自扩建小院，占用公共绿地",
                   "{loc}有人违规搭建车棚，堵住了消防通道"),
        "complaint": ("邻居在{loc}违章搭建，挡住了我家采光，多次反映没人管",),
    }, also=(("城管局", 0.12),), weight=1.1),
    _Topic("住建局", "road", {
        "complaint": ("{loc}附近的建筑工地{time}还在施工，噪音很大，影响休息", "{loc}工地渣土车带泥上路，扬尘很严重"),
        "report": ("{loc}工地夜间违规施工，没看到公示夜间施工许可",),
    }, also=(("生态环境分局", 0.3),)),
    _Topic("住建局", "community", {
        "complaint": ("{loc}物业不作为，楼道灯坏了{months}个月没人修", "{loc}物业乱收费，停车费从每月{fee}元涨到了{fee2}元",
                      "{loc}物业服务差，垃圾没人清、绿化没人管，还要涨物业费"),
        "dispute": ("和{loc}物业因为房屋漏水维修发生纠纷，物业和开发商互相推诿",
                    "{loc}业主和物业因为物业费闹得很僵，物业威胁要停水停电"),
        "consultation": ("小区成立业主委员会需要走什么程序", "物业合同到期了，业主能不能自己选聘新物业"),
    }, weight=1.6),
    _Topic("住建局", "community", {
        "complaint": ("{loc}供暖不达标，暖气片不热，室温只有{temp}度", "{loc}{since}暖气时冷时热，热力公司一直说在排查"),
        "help": ("家里有{age}岁老人，{loc}暖气不热，屋里太冷了，请帮忙联系热力公司",),
        "consultation": ("今年供暖费什么时候开始交，收费标准是多少", "申请停暖需要办什么手续"),
    }, urgent=0.1, weight=1.5, months=(11, 12, 1, 2)),
    _Topic("住建局", "community", {
        "consultation": ("供暖季快结束了，{loc}报停的暖气费怎么办理退费", "下个供暖季想申请报停，什么时候去热力公司办理"),
        "complaint": ("{loc}这个供暖季室温长期不达标，要求热力公司按规定退还部分供暖费",),
    }, weight=1.2, months=(3, 4)),
    _Topic("住建局", "road", {
        "complaint": ("开春后{loc}附近的工地复工了，渣土车不苫盖，道路扬尘很大", "{loc}道路施工开挖后没有洒水降尘，刮风天尘土飞扬"),
        "report": ("{loc}工地复工后裸土没有覆盖，也没有设置围挡",),
    }, also=(("生态环境分局", 0.3),), weight=1.2, months=(3, 4, 5)),
    _Topic("住建局", "community", {
        "help": ("{loc}楼道里燃气味很大，怀疑燃气管道泄漏，请尽快派人检修", "家里燃气表不走字，燃气公司一直不上门处理"),
        "complaint": ("{loc}交房{months}个月了燃气还没开通，燃气公司迟迟不给通气",),
        "consultation": ("燃气卡充值在哪里办理，能不能网上交燃气费",),
    }, urgent=0.35),
    _Topic("住建局", "community", {
        "help": ("{loc}{since}停水，事先没有接到任何通知，生活很不方便", "{loc}自来水水压太低，高楼层根本用不上水"),
        "complaint": ("{loc}自来水发黄有异味，不敢喝",),
    }, also=((_TOWN, 0.1),), urgent=0.25),
    _Topic("住建局", "community", {
        "complaint": ("在{loc}买的房子交房{years}年了，开发商一直不给办房产证", "{loc}开发商延期交房，已经超过合同约定{months}个月"),
        "consultation": ("买的二手房怎么办理过户手续",),
    }, also=(("自然资源局", 0.3),), weight=0.8),
    _Topic("住建局", "community", {
        "complaint": ("{loc}电梯经常出故障，上个月还困过人，物业一直推诿",),
        "help": ("{loc}电梯停运{days}天了，家里老人上下楼很困难",),
        "suggestion": ("建议为{loc}老旧楼房加装电梯，方便老年人出行",),
    }, also=(("市场监管局", 0.3),), urgent=0.1, weight=0.8),
    _Topic("住建局", "community", {
        "suggestion": ("建议将{loc}纳入今年老旧小区改造计划，楼体外墙脱落严重", "建议对{loc}雨污管网进行改造，一下大雨就倒灌"),
        "consultation": ("老旧小区改造名单什么时候公布，{loc}能不能列入",),
    }, weight=0.7),
    _Topic("生态环境分局", "road", {
        "complaint": ("{loc}一家{factory}{time}还在生产，机器噪音很大，周边居民没法休息", "{loc}一家KTV{time}还在营业，噪音扰民",
                      "{loc}商户用大音箱招揽顾客，整天吵个不停"),
    }, also=(("城管局", 0.12),), weight=1.3),
    _Topic("生态环境分局", "village", {
        "report": ("{loc}附近的{factory}偷排污水，沟里的水发黑发臭", "{loc}一家{factory}夜里偷偷往{river}里排污水"),
        "complaint": ("{loc}污水横流，附近{factory}的废水直接排到了地里",),
    }, also=(("水利局", 0.12),)),
    _Topic("生态环境分局", "village", {
        "complaint": ("{loc}附近的{factory}排放刺鼻气味，晚上更严重，熏得人头疼", "{loc}{factory}的烟囱一直冒黑烟"),
        "report": ("{loc}有人露天焚烧废旧轮胎和塑料，烟很大",),
    }, also=((_TOWN, 0.1),)),
    _Topic("生态环境分局", "village", {
        "complaint": ("{loc}养猪场粪污乱排，夏天臭味特别大", "{loc}养鸡场离村民住宅太近，苍蝇成群"),
    }, also=(("农业农村局", 0.3), (_TOWN, 0.15)), weight=0.7),
    _Topic("人社局", "road", {
        "complaint": ("在{loc}{company}打工，老板拖欠{months}个月工资共{amount}000元，一直找借口不给",),
        "help": ("我们{n}个农民工在{loc}的工地干活，包工头拖欠工资{amount}000元，多次讨要未果，请帮忙讨薪",),
        "dispute": ("和{company}因为加班费和经济补偿发生劳动纠纷，公司也不签劳动合同",),
    }, urgent=0.05, weight=1.5),
    _Topic("人社局", "none", {
        "consultation": ("灵活就业人员怎么缴纳养老保险，每年交多少钱", "养老保险从外地转回莱西需要什么手续",
                         "失业保险金怎么申领", "退休年龄和养老金怎么计算"),
        "complaint": ("{company}不给员工缴纳社保，入职{months}个月了一直拖着",),
    }, weight=1.3),
    _Topic("人社局", "none", {
        "consultation": ("有没有免费的技能培训，想学电工", "高校毕业生回莱西就业有什么补贴政策", "想自主创业，创业担保贷款怎么申请"),
        "help": ("家里{who}失业在家，想找份工作，请帮忙推荐就业岗位",),
    }, weight=0.8),
    _Topic("人社局", "none", {
        "consultation": ("节后返岗，今年春风行动招聘会什么时候在莱西举办", "返岗复工的农民工有没有交通补贴"),
        "help": ("过完节{who}想进厂上班，请帮忙推荐开发区企业的招工岗位",),
    }, weight=1.0, months=(2, 3)),
    _Topic("农业农村局", "village", {
        "help": ("春耕备播时节，{loc}附近农资店化肥断货，耽误下种", "{loc}的{crop}育苗出现病害，请农技人员来村里指导"),
        "consultation": ("今年春耕有哪些农机购置补贴，怎么申请", "春季{crop}种植有没有良种补贴"),
        "complaint": ("春耕时节{loc}有人高价倒卖化肥，一袋比去年贵了{diff}元",),
    }, also=(("市场监管局", 0.1), (_TOWN, 0.1)), weight=1.3, months=(3, 4)),
    _Topic("城管局", "road", {
        "suggestion": ("植树节快到了，建议在{loc}组织义务植树，把缺株的行道树补上",),
        "consultation": ("今年全民义务植树活动在哪里报名参加",),
    }, weight=0.6, months=(3,)),
    _Topic("教体局", "community", {
        "complaint": ("春季开学后{school}门口接送车辆乱停，早晚高峰堵得走不动",),
        "consultation": ("春季学期{school}的课后服务怎么收费", "开学了，孩子转学到{school}需要办什么手续"),
    }, weight=0.9, months=(2, 3)),
    _Topic("应急局", "village", {
        "report": ("{loc}附近山上有人烧荒，春季风大容易引发山火", "{loc}有人在林地边上焚烧枯草"),
        "suggestion": ("春季森林防火期，建议在{loc}附近山林入口设置防火检查点",),
    }, also=((_TOWN, 0.3),), urgent=0.2, weight=0.9, months=(3, 4)),
    _Topic("民政局", "none", {
        "consultation": ("清明节快到了，去公墓祭扫需要提前预约吗", "清明期间公墓开放时间是几点到几点"),
        "suggestion": ("清明祭扫期间建议加开到公墓的公交班次", "建议清明期间在公墓设置集中焚烧点，减少火灾隐患"),
    }, weight=0.7, months=(3, 4)),
    _Topic("市场监管局", "road", {
        "complaint": ("在{loc}一家{restaurant}吃完饭全家腹泻，怀疑食品不卫生", "在{loc}一家超市买到过期牛奶，商家拒绝退换"),
        "report": ("{loc}一家{restaurant}后厨脏乱，还在使用过期食材", "{loc}有个小作坊无证生产加工食品"),
    }, weight=1.3),
    _Topic("市场监管局", "road", {
        "complaint": ("{loc}一家{shop}明码标价和结账价格不一致，多收了{diff}元", "{loc}的加油站油价比别家高，还缺斤短两"),
        "report": ("{loc}一家药店哄抬药品价格",),
    }),
    _Topic("市场监管局", "road", {
        "dispute": ("在{loc}一家{shop}办了{amount}00元的会员卡，现在店铺关门找不到人", "在{loc}买的家电出了质量问题，商家拒绝三包"),
        "complaint": ("网上买到假货，商家就在{loc}，拒绝退货",),
    }, also=(("商务局", 0.15),)),
    _Topic("交通运输局", "road", {
        "complaint": ("{bus}公交车经常不按时发车，等了一个多小时", "{bus}公交司机态度恶劣，还没到站就催乘客下车",
                      "{bus}公交车经过{loc}时经常不停站"),
        "suggestion": ("建议开通从{loc}到城区的公交线路，方便群众出行", "建议{bus}公交车延长末班车时间"),
        "consultation": ("{bus}公交车首末班车是几点", "老年人乘车卡在哪里办理"),
    }, weight=1.2),
    _Topic("交通运输局", "road", {
        "complaint": ("{loc}路面坑洼破损严重，电动车经常摔倒", "{loc}往外走的公路上有个大坑，晚上很危险"),
        "help": ("{loc}路面塌陷，车辆通行有安全隐患，请尽快修复",),
    }, also=(("住建局", 0.15), (_TOWN, 0.1)), urgent=0.1, weight=1.2),
    _Topic("交通运输局", "road", {
        "complaint": ("在{loc}打出租车，司机拒载还不打表", "网约车司机故意绕路多收费"),
    }, weight=0.5),
    _Topic("水利局", "village", {
        "report": ("{loc}附近的{river}河道里有人非法采砂，晚上大车来回拉沙", "有人在{loc}附近的{river}河道里私搭乱建"),
        "complaint": ("{loc}附近{river}河道里垃圾堆积，没人清理", "{loc}附近河道淤积堵塞，汛期担心内涝"),
        "suggestion": ("建议对{loc}附近{river}河堤进行加固，并修建沿河步道",),
    }, also=((_TOWN, 0.1),), urgent=0.05),
    _Topic("水利局", "village", {
        "help": ("{loc}灌溉渠年久失修，地浇不上水，{crop}快旱死了", "{loc}自来水{since}停水，村民吃水困难"),
        "complaint": ("{loc}自来水时有时无，水质浑浊",),
    }, also=((_TOWN, 0.35),), urgent=0.1),
    _Topic("卫健局", "none", {
        "complaint": ("在{hospital}看病，医生态度很差，多问几句就不耐烦", "在{hospital}排队挂号等了三个小时，窗口太少",
                      "{hospital}乱收费，住院费用清单有很多不明项目"),
        "dispute": ("家人在{hospital}做手术后出现并发症，和医院协商赔偿没有结果",),
        "consultation": ("在{hospital}看病能不能异地医保直接结算", "{hospital}的专家门诊怎么预约"),
    }, weight=1.2),
    _Topic("卫健局", "village", {
        "consultation": ("孩子打疫苗在哪里预约，需要带什么材料", "老年人免费体检在哪里做"),
        "report": ("{loc}有个诊所无证行医，还给人输液",),
    }, weight=0.7),
    _Topic("教体局", "community", {
        "complaint": ("{school}老师私下组织有偿补课，每月收费{amount}00元", "{school}作业太多，孩子每天写到十一点",
                      "{school}食堂饭菜质量差，价格还贵"),
        "report": ("{loc}有家校外培训机构无证办学，周末给学生上学科课",),
        "suggestion": ("建议{school}放学时间错峰，校门口太堵了", "建议学校体育场地节假日向市民开放"),
        "consultation": ("孩子上小学的学区是怎么划分的，{loc}对应哪个学校", "外地户口孩子在莱西上学需要准备什么材料",
                         "今年中考体育考试有哪些项目"),
    }, weight=1.3),
    _Topic("农业农村局", "village", {
        "complaint": ("在{loc}农资店买的{crop}种子出苗率不到一半，怀疑是假种子", "买的化肥施了以后{crop}烧苗了，商家不认账"),
        "report": ("{loc}有人销售假冒伪劣农药",),
    }, also=(("市场监管局", 0.2),)),
    _Topic("农业农村局", "village", {
        "dispute": ("{loc}土地承包到期后重新调整，分配不公平，和村里协商不成", "把地流转给{company}，对方拖欠流转费{amount}000元"),
        "consultation": ("土地承包经营权证丢了怎么补办", "耕地地力保护补贴什么时候发放，标准是多少"),
    }, also=((_TOWN, 0.3),)),
    _Topic("农业农村局", "village", {
        "help": ("今年种的{crop}丰收了却卖不出去，希望帮忙联系销路", "{loc}种植户的{crop}滞销，价格跌得厉害"),
        "suggestion": ("建议依托预制菜企业建立{crop}订单收购，帮助农民稳定增收",),
    }, also=(("商务局", 0.15),), weight=0.8),
    _Topic("自然资源局", "village", {
        "consultation": ("农村宅基地审批需要什么手续", "想在自家宅基地上翻建房屋，需要办什么证"),
        "dispute": ("和邻居因为宅基地边界发生纠纷，对方建房占了我家的地方",),
    }, also=((_TOWN, 0.4),)),
    _Topic("自然资源局", "village", {
        "report": ("{loc}有人占用耕地建厂房", "{loc}有人在基本农田里挖塘取土"),
    }, also=(("综合行政执法局", 0.2),)),
    _Topic("自然资源局", "none", {
        "consultation": ("办理不动产登记需要带什么材料，多长时间能办下来", "房子继承过户怎么办理不动产登记"),
        "complaint": ("在不动产登记中心办证跑了{n}趟还没办下来",),
    }, weight=0.8),
    _Topic("民政局", "village", {
        "help": ("家里{age}岁的老人独居，子女在外地，想申请入住养老院", "{loc}有位{age}岁的孤寡老人生活困难，没人照顾"),
        "consultation": ("80岁以上老人的高龄津贴怎么申请", "居家养老服务怎么申请"),
        "complaint": ("{loc}附近养老院护理人员态度差，老人吃不饱",),
    }, urgent=0.05, weight=1.2),
    _Topic("民政局", "none", {
        "consultation": ("低保申请需要什么条件", "家里有残疾人，能不能申请残疾人两项补贴"),
        "help": ("家里{who}得了重病，花光了积蓄，想申请低保和临时救助",),
    }),
    _Topic("民政局", "village", {
        "complaint": ("{loc}低保评定不公平，有车有房的人都吃上了低保",),
    }, also=((_TOWN, 0.4),), weight=0.5),
    _Topic("民政局", "road", {
        "help": ("{loc}有一名流浪人员在桥洞下过夜，天冷了需要救助",),
    }, urgent=0.3, weight=0.4),
    _Topic("发改局", "village", {
        "help": ("{loc}{since}经常停电，冰箱里的东西都坏了", "{loc}电压不稳，晚上电灯忽明忽暗，电器用不了"),
        "complaint": ("{loc}一天停电好几次，也没有提前通知",),
    }, also=((_TOWN, 0.45),), urgent=0.15),
    _Topic("发改局", "community", {
        "suggestion": ("建议在{loc}建设新能源汽车充电桩", "建议在各镇驻地增设公共充电设施"),
        "consultation": ("想在自家车位安装充电桩，需要办理什么手续",),
    }, weight=0.6),
    _Topic("工信局", "none", {
        "consultation": ("企业技术改造补贴怎么申请", "专精特新企业认定需要什么条件"),
        "help": ("我们是{company}，用电指标不够影响生产，希望帮忙协调",),
    }, also=(("发改局", 0.25),), weight=0.6),
    _Topic("工信局", "village", {
        "complaint": ("{loc}手机信号很差，打电话经常断线", "{loc}宽带网速很慢，报修好几次没人来"),
        "suggestion": ("建议在{loc}增设通信基站",),
    }, weight=0.7),
    _Topic("商务局", "road", {
        "suggestion": ("建议在{loc}打造夜市街区，促进夜间消费", "建议举办莱西有礼农产品展销会"),
        "consultation": ("外贸企业出口需要办理什么手续", "消费券怎么领取，哪些商家可以使用"),
        "complaint": ("{loc}农贸市场摊位费太高，环境也脏乱差",),
    }, also=(("市场监管局", 0.15),), weight=0.7),
    _Topic("文旅局", "road", {
        "complaint": ("{scenic}停车乱收费", "{loc}一家网吧接纳未成年人上网"),
        "suggestion": ("建议在月湖公园举办周末文化演出", "建议延长市图书馆晚上开放时间"),
        "consultation": ("{scenic}有哪些免费开放的区域", "今年的渔乐节什么时候举办"),
    }, weight=0.7),
    _Topic("应急局", "road", {
        "report": ("{loc}{company}违规储存危险化学品，离居民区很近", "{loc}{factory}安全生产隐患很多，工人没有任何防护"),
        "help": ("暴雨后{loc}附近的山坡出现裂缝，担心滑坡，请派人查看",),
    }, also=((_TOWN, 0.1),), urgent=0.35, weight=0.8),
    _Topic("市场监管局", "road", {
        "complaint": ("春节前在{loc}一家超市买的年货礼盒已经过期，商家拒绝退换", "{loc}年货市场有商贩缺斤短两"),
    }, weight=0.6, months=(1, 2)),
    _Topic("应急局", "road", {
        "report": ("{loc}有人在出租屋里非法储存烟花爆竹", "{loc}有小卖部无证销售烟花爆竹"),
    }, urgent=0.35, weight=0.5, months=(12, 1, 2)),
    _Topic("信访局", "none", {
        "complaint": ("之前反映的{issue}问题已经{months}个月了仍未解决，要求约见领导", "对信访事项处理意见不服，申请复查"),
        "consultation": ("信访复查申请怎么提交，多长时间答复",),
    }, weight=0.3),
    _Topic(_TOWN, "village", {
        "complaint": ("{loc}村内道路坑洼不平，一下雨就积水，出行非常不便", "{loc}村里的路修了一半就停工了，{months}个月没人管"),
        "help": ("{loc}进村的路被大车压坏了，村民出行困难，请帮忙修一修",),
        "suggestion": ("建议对{loc}村内主干道进行硬化",),
    }, also=(("交通运输局", 0.12),), weight=1.5),
    _Topic(_TOWN, "any", {
        "complaint": ("{loc}路灯不亮已经{days}天了，晚上出门黑漆漆的", "{loc}的路灯白天亮、晚上反而不亮"),
        "help": ("{loc}路灯坏了好几盏，晚上老人孩子出门不安全，请尽快维修",),
        "suggestion": ("建议在{loc}增设路灯",),
    }, also=(("城管局", 0.1),), weight=1.5),
    _Topic(_TOWN, "village", {
        "dispute": ("和邻居因为{reason}发生矛盾，多次协商不成，希望帮忙调解", "邻居在{loc}房前屋后乱堆杂物，说了也不听，双方吵了好几次"),
    }, weight=1.5),
    _Topic(_TOWN, "village", {
        "dispute": ("家里兄弟几个因为赡养老人的问题闹矛盾，老人没人管", "和家人因为拆迁款分配发生纠纷"),
    }, weight=0.8),
    _Topic(_TOWN, "village", {
        "complaint": ("{loc}村务不公开，村集体收入去向不明，村民要求公开账目", "{loc}村干部办事不公，优亲厚友"),
        "report": ("举报{loc}村干部私自出租集体土地，收益不入账",),
        "consultation": ("村里集体收益分红什么时候发，怎么分配",),
    }),
    _Topic(_TOWN, "village", {
        "complaint": ("{loc}村头垃圾乱堆乱放，{days}天没人清运", "{loc}村里的排水沟堵塞，污水横流"),
        "report": ("{loc}有人焚烧秸秆，浓烟很大",),
    }, also=(("城管局", 0.1),), weight=1.3),
    _Topic(_TOWN, "community", {
        "complaint": ("{loc}广场舞音响声音太大，{time}还在跳", "{loc}流浪狗越来越多，还追咬小孩"),
    }, also=(("生态环境分局", 0.15), ("城管局", 0.15))),
    _Topic(_TOWN, "village", {
        "help": ("{loc}家里房屋漏雨，{age}岁的老人独居，请帮忙修缮",),
        "suggestion": ("建议在{loc}建一个文化广场，方便村民活动",),
    }, also=(("民政局", 0.2),), urgent=0.05),
)

_OPENERS: dict[str, tuple[str, ...]] = {
    "complaint": ("我要投诉，", "投诉：", "", "您好，"),
    "help": ("求助：", "您好，请帮帮忙，", "", "你好，"),
    "consultation": ("您好，想问一下，", "咨询：", "", "请问"),
    "suggestion": ("", "我有个建议：", "您好，"),
    "report": ("举报：", "我要举报，", "实名举报：", "匿名举报，"),
    "dispute": ("", "请求调解：", "您好，"),
}
_THIRD_PERSON_OPENERS: dict[str, str] = {
    "complaint": "市民来电反映：", "help": "市民来电求助：", "consultation": "市民来电咨询：",
    "suggestion": "市民来电建议：", "report": "市民来电举报：", "dispute": "市民来电反映：",
}
_CLOSERS: dict[str, tuple[str, ...]] = {
    "complaint": ("希望相关部门尽快处理。", "请尽快解决，给个答复。", "多次反映无果，请督促整改。", "严重影响生活，请有关部门管一管。"),
    "help": ("请帮忙协调解决。", "希望政府帮帮忙。", "盼尽快解决，谢谢！"),
    "consultation": ("请给予答复。", "谢谢。", "请工作人员回电告知。", ""),
    "suggestion": ("希望采纳。", "请有关部门研究。", ""),
    "report": ("请尽快核实查处。", "希望严肃处理。", "举报人要求保密。"),
    "dispute": ("希望有关部门帮忙调解。", "双方协商不成，请求帮助。"),
}
_VAGUE_PLACES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {  # (first person, third person)
    "village": (("我们村", "村里"), ("其所在村", "该村")),
    "road": (("我家附近", "我家楼下"), ("其住所附近", "其家楼下")),
    "community": (("我们小区", "我家小区"), ("其所住小区", "该小区")),
}


def generate_tickets(n: int, seed: int = 2023, *, towns: Sequence[str], departments: Sequence[str],
                     months: Sequence[int] | None = None) -> list[dict]:
    """`n` tickets, the same for the same arguments. Topics handled by a department not in `departments` are
    left out; local matters go to the town/street the ticket happens in. With `months` (one per ticket), each
    ticket speaks of what comes up in its month: no heating complaint in spring, no 春耕 in winter."""
    if not towns:
        raise ValueError("generate_tickets needs at least one town")
    if months is not None and len(months) != n:
        raise ValueError("generate_tickets needs one month per ticket")
    rng = random.Random(seed)
    available = set(departments)
    topics = [t for t in _TOPICS if t.unit == _TOWN or t.unit in available]
    seasons: dict[int | None, tuple[dict[str, list[_Topic]], list[_Topic]]] = {}
    for month in set(months or [None]):
        in_season = [t for t in topics if month is None or not t.months or month in t.months]
        seasons[month] = ({c: [t for t in in_season if c in t.phrases] for c in CATEGORY_SHARES}, in_season)
    categories = list(CATEGORY_SHARES)
    shares = list(CATEGORY_SHARES.values())
    return [_ticket(rng, rng.choices(categories, shares)[0], *seasons[months[i] if months else None], towns, available)
            for i in range(n)]


def _ticket(rng: random.Random, category: str, by_category: Mapping[str, list[_Topic]], topics: Sequence[_Topic],
            towns: Sequence[str], available: set[str]) -> dict:
    candidates = by_category[category]
    topic = rng.choices(candidates, [t.weight for t in candidates])[0]
    town = rng.choice(towns)
    first_person = rng.random() < 0.5
    address, spoken = _place(rng, town, topic.setting, first_person)
    core = _fill(rng, rng.choice(topic.phrases[category]), spoken, town)
    if topic.setting == "none" and rng.random() < 0.3:
        core = f"{'本人' if first_person else '来电人'}是{town}居民，{core}"
    if rng.random() < 0.05:
        other = rng.choice(topics)
        other_category = rng.choice(list(other.phrases))
        core += "；另外，" + _fill(rng, rng.choice(other.phrases[other_category]), "这边", town)
    opener = rng.choice(_OPENERS[category]) if first_person else _THIRD_PERSON_OPENERS[category]
    closer = rng.choice(_CLOSERS[category])
    if not first_person and closer:
        closer = "诉求：" + closer
    end = "？" if category == "consultation" else "。"
    return {
        "text": f"{opener}{core}{end}{closer}",
        "category": category,
        "town": town,
        "unit": _handling_unit(rng, topic, town, available),
        "address": address,
        "urgent": rng.random() < topic.urgent,
    }


def _handling_unit(rng: random.Random, topic: _Topic, town: str, available: set[str]) -> str:
    roll = rng.random()
    unit = topic.unit
    for other, share in topic.also:
        if roll < share and (other == _TOWN or other in available):
            unit = other
            break
        roll -= share
    return town if unit == _TOWN else unit


def _place(rng: random.Random, town: str, setting: str, first_person: bool) -> tuple[str, str]:
    """(address, how the citizen names the place): the full place, the bare village/road, or a vague 我们村."""
    places = _PLACES.get(town, _GENERIC_PLACES)
    kind = rng.choice(("village", "community")) if setting == "any" else setting
    if kind == "none":
        return f"莱西市{town}", ""
    if kind == "village":
        name = rng.choice(places.villages)
        address = f"莱西市{town}{name}"
    elif kind == "road":
        name = rng.choice(places.roads)
        address = f"莱西市{town}{name}{rng.randint(1, 300)}号"
    else:
        name = rng.choice(places.communities)
        if not name.endswith(("小区", "社区", "公寓")):
            name += "小区"
        address = f"莱西市{town}{name}{rng.randint(1, 30)}号楼"
    roll = rng.random()
    if roll < 0.5:
        spoken = _SHORT_TOWNS.get(town, town) + name
    elif roll < 0.7:
        spoken = name
    else:
        spoken = rng.choice(_VAGUE_PLACES[kind][0 if first_person else 1])
    return address, spoken


def _fill(rng: random.Random, phrase: str, spoken_place: str, town: str) -> str:
    values: dict[str, object] = {name: rng.choice(options) for name, options in _FILLERS.items()}
    values.update({name: rng.randint(low, high) for name, (low, high) in _NUMBERS.items()})
    if values["hospital"] == "镇卫生院":
        values["hospital"] = _SHORT_TOWNS.get(town, town) + "卫生院"
    values["loc"] = spoken_place
    return phrase.format_map(values)


@dataclass(frozen=True)
class _IdeaTemplate:
    category: str
    titles: tuple[str, ...]
    texts: tuple[str, ...]


IDEA_CATEGORIES: dict[str, str] = {
    "urban": "城市建设", "industry": "产业发展", "rural": "乡村振兴", "livelihood": "民生服务",
    "business": "营商环境", "culture_tourism": "文化旅游", "ecology": "生态环保", "governance": "社会治理",
}

_IDEAS: tuple[_IdeaTemplate, ...] = (
    _IdeaTemplate("urban", ("在月湖公园增设夜间照明步道", "月湖公园夜间步道照明改造的建议"), (
        "月湖公园晚上散步的市民很多，但环湖步道有几段没有照明，老人孩子容易摔倒。建议沿步道增设低位草坪灯和太阳能路灯，"
        "既安全又节能。",
        "每天晚饭后到月湖公园锻炼的人很多，部分步道漆黑一片存在安全隐患，建议加装太阳能照明灯，分段设置，节约电费。")),
    _IdeaTemplate("industry", ("建立预制菜企业共享冷链仓", "建设预制菜产业公共冷链仓储中心"), (
        "全市预制菜企业多为中小企业，各自建冷库成本高、利用率低。建议在{town}规划建设共享冷链仓，按需租用，"
        "降低企业物流成本，助力莱西预制菜产业集群发展。",
        "中小预制菜企业普遍缺少冷库，旺季租不到、淡季闲置。建议政府牵头在{town}建设公共冷链仓储，企业共享使用。")),
    _IdeaTemplate("rural", ("在{town}建设农产品产地冷藏保鲜设施", "{town}农产品产地仓储保鲜建设建议"), (
        "{town}的{crop}上市集中，价格容易被压低。建议建设村级冷藏保鲜库，错峰销售，增加农民收入。",
        "每到{crop}收获季节集中上市卖不上价，建议在{town}建设产地冷藏保鲜设施，延长销售期。")),
    _IdeaTemplate("industry", ("组建“莱西有礼”电商直播基地", "打造莱西有礼农产品直播带货基地"), (
        "建议整合“莱西有礼”品牌资源，建设电商直播基地，培训返乡青年做主播，带动{crop}等特色农产品线上销售。",
        "依托莱西有礼区域品牌，建立直播电商基地，免费为农户和合作社提供直播场地和培训，拓宽{crop}销路。")),
    _IdeaTemplate("business", ("搭建中小企业共享用工平台", "建立企业间余缺调剂的共享用工平台"), (
        "不少企业用工季节性强，旺季招工难、淡季人员闲置。建议人社部门牵头搭建共享用工平台，企业之间调剂用工。",)),
    _IdeaTemplate("business", ("企业开办“一站式”帮办代办服务",), (
        "建议在政务服务大厅设立企业开办帮办专区，由专人全程代办营业执照、刻章、税务登记等事项，一天办结。",)),
    _IdeaTemplate("rural", ("利用闲置农房发展乡村民宿", "盘活{town}闲置农房发展民宿"), (
        "{town}不少村有闲置农房，建议由村集体统一流转改造成民宿，结合采摘和垂钓，增加村集体和农民收入。",)),
    _IdeaTemplate("rural", ("在{town}建设村级快递驿站", "推进快递进村，建设村级快递服务站"), (
        "村民取快递要跑到镇驻地，很不方便。建议在{town}各村依托超市设立快递驿站，统一配送，方便群众收发快递。",)),
    _IdeaTemplate("livelihood", ("开办社区长者食堂", "在{town}社区设立老年助餐点"), (
        "社区独居老人做饭难，建议在{town}社区开办长者食堂，对高龄和困难老人给予用餐补贴。",
        "建议依托社区服务中心在{town}设置老年助餐点，为独居、高龄老人提供平价午餐和送餐服务。")),
    _IdeaTemplate("livelihood", ("在公交站台增设实时到站显示屏", "城区公交站牌增加车辆到站时间显示"), (
        "很多老年人不会用手机查公交，建议在城区主要公交站台安装电子站牌，实时显示车辆到站时间。",)),
    _IdeaTemplate("livelihood", ("开通城区到各镇的定制公交", "开通城区与{town}之间的通勤定制公交"), (
        "{town}不少居民在城区上班，现有公交班次少。建议开通早晚高峰通勤定制公交，按需设站。",)),
    _IdeaTemplate("livelihood", ("学校错峰放学缓解校门口拥堵", "中小学分年级错峰放学的建议"), (
        "城区学校放学时校门口车辆拥堵严重，建议按年级错峰放学，并在周边设置临时停车接送区。",)),
    _IdeaTemplate("culture_tourism", ("沿大沽河打造骑行绿道", "建设大沽河沿岸骑行慢行系统"), (
        "大沽河沿岸风景好，建议建设连续的骑行绿道，串联{town}等沿河镇街，设置驿站，发展骑行旅游。",)),
    _IdeaTemplate("culture_tourism", ("举办莱西湖马拉松", "以莱西湖为赛道举办半程马拉松"), (
        "建议借鉴周边城市经验，环莱西湖举办马拉松赛事，带动住宿、餐饮消费，提升城市知名度。",)),
    _IdeaTemplate("culture_tourism", ("开发“莱西有礼”文创产品",), (
        "建议征集设计方案，把莱西的民俗、木偶戏等元素做成文创产品，在景区和车站销售。",)),
    _IdeaTemplate("ecology", ("在河道设置漂浮垃圾拦截网", "{town}河道增设垃圾拦截设施"), (
        "汛期河道漂浮垃圾多，建议在{town}河道关键断面设置拦截网，定期打捞，保护水质。",)),
    _IdeaTemplate("ecology", ("推广秸秆还田和综合利用", "秸秆综合利用代替焚烧的建议"), (
        "每年收获季节仍有焚烧秸秆现象，建议对秸秆还田和收储给予补贴，建设秸秆饲料化、燃料化利用点。",)),
    _IdeaTemplate("governance", ("网格员“随手拍”上报问题", "推广网格员随手拍快速上报机制"), (
        "建议给网格员配发随手拍小程序，发现路灯损坏、垃圾堆放等问题随手拍照上报，系统自动派单，限时办结。",)),
    _IdeaTemplate("governance", ("在村级设立“万事有解”服务点", "{town}各村设立万事有解代办点"), (
        "建议在{town}各村便民服务站设立万事有解服务点，由村干部代办群众诉求，问题在一线解决。",)),
    _IdeaTemplate("urban", ("老旧小区加装电梯给予财政补贴", "鼓励老旧小区加装电梯的补贴政策建议"), (
        "老旧小区老年人多，上下楼困难。建议出台加装电梯补贴政策，简化审批流程，由住建部门统一指导。",)),
    _IdeaTemplate("urban", ("在城区增设口袋公园", "利用边角地建设口袋公园"), (
        "城区居民身边缺少休闲空间，建议利用拆违后的边角地建设口袋公园，配置健身器材和座椅。",)),
)
_NEAR_DUPLICATE_SHARE = 0.1



def generate_ideas(n: int, seed: int, towns: Sequence[str]) -> list[dict]:
    """`n` golden ideas, the same for the same arguments; about one in ten restates an earlier idea in other words
    so that a duplicate check has something to find."""
    if not towns:
        raise ValueError("generate_ideas needs at least one town")
    rng = random.Random(seed)
    drawn: list[tuple[_IdeaTemplate, str, str]] = []
    ideas = []
    for _ in range(n):
        if drawn and rng.random() < _NEAR_DUPLICATE_SHARE:
            template, town, crop = rng.choice(drawn)
        else:
            template, town, crop = rng.choice(_IDEAS), rng.choice(towns), rng.choice(_FILLERS["crop"])
            drawn.append((template, town, crop))
        slots = {"town": town, "crop": crop}
        ideas.append({
            "title": _idea_title(rng, rng.choice(template.titles).format_map(slots)),
            "text": rng.choice(template.texts).format_map(slots),
            "town": town,
            "category": template.category,
        })
    return ideas


def _idea_title(rng: random.Random, title: str) -> str:
    if title.endswith("建议"):
        return title
    return rng.choice((title, f"建议{title}", f"关于{title}的建议"))

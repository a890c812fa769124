"""Turn a government text (speech, work report, meeting minutes, work plan) into a draft task list (清单化),
deterministically. What counts as a task, and how many, follows docs/labelling.md.

Structures recognised, strongest first:
- focus-area headings "以…为重点，在…上攻坚克难": every "要…" sentence after a heading, up to the next heading
  or the end of its paragraph (or its enumerated sub-items on following lines), is a task of that focus area;
- a speaker's part "某某在部署全年经济工作时强调，要…": its directives are tasks of the focus area "全年经济工作部署";
- meeting minutes' "会议议定：一、…二、…": each agreed item is a task of the focus area "会议议定事项";
- enumerations 一、/第一，/（一）/1./（1）/①/一是/一要/1️⃣/bullets: leaf items are tasks, grouped under their parent
  item (or the title line above them); sections that frame (指导思想, 回顾, 保障措施…) hold no tasks;
- title lines ("关于森林防火工作", "2024年工作展望") with the paragraphs under them;
- when the text names no structure of the first two kinds, every other directive sentence ("会议要求，…", "要…").

A sentence chaining several "要" clauses with "；" or "，要" yields one task per clause, and a clause listing
several pieces of work (抓好A、B、C / 突出A、突出B / A、B、C三个方面) one task per piece. Rationale, review,
logistics and pure attitude ("统一思想，提高认识") are not tasks. Lead and co-units, and a leader post, come only from
what the text names (〔责任单位：…〕, "由…牵头", "住建局要…"). Every task keeps the offsets of its source sentence.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from hanziconv import charmap

OTHER_TASKS_TITLE = "其他任务"
AGREED_ITEMS_TITLE = "会议议定事项"
REQUIRED_ITEMS_TITLE = "会议要求事项"
NOTHING_FOUND_MESSAGE = (
    "未识别到重点方向或任务：请确认文本包含“以…为重点，在…上攻坚克难”、“要…”、一是/二是、（一）（二）、"
    "1. 2. 编号列表或“会议议定：”等结构。"
)
EMPTY_TEXT_MESSAGE = "讲话稿内容为空，未识别到重点方向或任务。"
# Kept for callers of the old interface: the parser no longer names a leader the text does not name.
FALLBACK_LEADER_POST = None
TITLE_MAX_CHARS = 40

# The kinds of focus area a draft can hold.
AREA_FOCUS, AREA_DEPLOYMENT, AREA_AGREED, AREA_REQUIRED, AREA_OTHER = "focus", "deployment", "agreed", "required", "other"

# Laixi's units and the words that point to them: the demo uses them to fill in lead units the way the office would.
# The parser itself only uses unit names, to match the units a text names.
DEFAULT_UNIT_KEYWORDS: dict[str, list[str]] = {
    "发改局": ["发展改革", "发改", "重大项目", "现代服务业", "服务业", "城乡融合", "双莱一体", "双莱", "莱阳",
            "莱西莱阳一体化", "要素保障", "新旧动能", "能耗"],
    "工信局": ["工业", "制造业", "工业和信息化", "实体经济", "产业集群", "专精特新", "技术改造", "技改"],
    "商务局": ["商务", "外贸", "进出口", "消费", "消费业态", "商贸", "电商", "利用外资"],
    "投资促进中心": ["招商", "招商引资", "招商力量", "双招双引", "项目招引", "产业链招商", "引进外资", "外资项目"],
    "自然资源局": ["自然资源", "土地", "土地收储", "用地", "规划", "总体规划", "国土空间", "镇驻地规划"],
    "住建局": ["住建", "城市更新", "旧城", "旧村", "旧城旧村", "旧城改造", "旧村改造", "城区更新", "老旧街区",
            "老旧小区", "城建", "住房", "建筑业", "物业", "高铁新城", "南部新区", "基础设施配套", "公园水城",
            "公园城市"],
    "农业农村局": ["农业", "农村", "乡村振兴", "预制菜", "农品", "农产品", "莱西有礼", "人居环境", "农村人居环境",
              "村容村貌", "和美乡村", "现代农业", "莱西经验", "村民"],
    "水利局": ["水利", "水网", "现代水网", "农田水利", "河湖", "河长", "水库", "防汛", "水利设施"],
    "文旅局": ["文化", "旅游", "全域旅游", "节庆", "文旅", "文化旅游", "景区", "渔乐节"],
    "卫健局": ["医疗", "医院", "卫生", "医疗卫生", "医疗资源", "健康", "疫情防控"],
    "教体局": ["教育", "教学", "学校", "职业教育", "职教", "职教园", "体育"],
    "财政局": ["财政", "资金", "资金保障", "预算", "专项债", "债券"],
    "行政审批服务局": ["营商环境", "放管服", "审批", "一窗受理", "一网通办", "政务服务"],
    "生态环境分局": ["生态环境", "环保", "污染", "大气", "污水", "农村污水", "环境保护"],
    "城管局": ["城市管理", "市容", "环卫", "生活垃圾", "园林", "绿化"],
    "综合行政执法局": ["违建", "违建清理", "违法建设", "违章建筑", "综合执法", "行政执法"],
    "统计局": ["统计", "纳统", "入库"],
    "信访局": ["信访", "来访", "上访"],
    "人社局": ["人社", "就业", "社保", "社会保险", "人力资源", "技能", "劳动"],
    "民政局": ["民政", "养老", "社会救助", "低保", "殡葬"],
    "交通运输局": ["交通", "公路", "路网", "道路", "公交", "物流"],
    "市场监管局": ["市场监管", "食品药品", "食品安全", "药品", "特种设备", "知识产权"],
    "科技局": ["科技", "科技创新", "研发", "高新技术", "孵化"],
    "组织部": ["组织", "党建", "基层党建", "社区党建", "干部", "干部队伍", "人才", "人才短板", "基层战斗堡垒",
            "实干实绩"],
    "宣传部": ["宣传", "文明城市", "全国文明城市", "文明创建", "文明实践", "舆论"],
    "政法委": ["政法", "网格", "网格管理", "矛盾", "矛盾排查", "矛盾纠纷", "平安", "社会治理", "城市治理",
            "安全稳定"],
    "应急局": ["应急", "安全生产", "防灾", "消防", "危化品"],
    "大数据局": ["大数据", "数字化", "信息化", "智慧城市", "数字政府", "爱莱西"],
    "姜山镇": ["姜山", "突破姜山"],
    "莱西经济开发区": ["开发区", "经济开发区", "莱西经济开发区"],
    "水集街道": ["水集街道"],
    "望城街道": ["望城街道"],
    "沽河街道": ["沽河街道"],
    "李权庄镇": ["李权庄"],
    "店埠镇": ["店埠"],
    "南墅镇": ["南墅"],
    "马连庄镇": ["马连庄"],
    "夏格庄镇": ["夏格庄"],
    "院上镇": ["院上镇"],
    "日庄镇": ["日庄"],
    "河头店镇": ["河头店"],
}

DEFAULT_LEADER_POSTS: dict[str, list[str]] = {
    "市委书记": ["顶格推进", "顶格协调", "双莱一体", "莱西莱阳一体化", "全市一盘棋"],
    "市长": ["经济工作", "政府工作", "高质量发展"],
    "常务副市长": ["财政", "资金", "营商环境", "放管服", "审批", "统计", "纳统", "金融", "要素保障", "发展改革"],
    "分管工业和招商的副市长": ["工业", "制造业", "实体经济", "招商", "双招双引", "产业集群", "园区", "外资",
                     "项目招引", "突破姜山", "开发区"],
    "分管农业农村的副市长": ["农业", "农村", "乡村振兴", "预制菜", "农品", "水利", "水网", "河湖", "村民",
                    "人居环境", "莱西有礼", "莱西经验"],
    "分管城建的副市长": ["城市更新", "城建", "旧城", "旧村", "高铁新城", "南部新区", "基础设施", "违建", "公园",
                 "土地收储", "规划", "路网", "镇驻地", "交通", "老旧小区"],
    "分管社会事业的副市长": ["医疗", "医院", "卫生", "教育", "教学", "学校", "职教", "职业教育", "文化", "旅游",
                    "节庆", "养老", "就业", "民政"],
    "市委副书记": ["城乡融合", "城市治理", "社区", "文明实践"],
    "市委常委、组织部部长": ["组织", "党建", "干部", "人才", "基层战斗堡垒", "实干实绩"],
    "市委常委、政法委书记": ["政法", "网格", "矛盾", "信访", "平安", "安全稳定", "社会治理"],
    "市委常委、宣传部部长": ["宣传", "文明城市", "文明创建", "舆论"],
    "市委常委、纪委书记": ["纪律", "纪律规矩", "作风建设", "廉政"],
}


@dataclass(frozen=True)
class DraftTask:
    text: str
    sentence: str
    start: int
    end: int
    lead_unit: str | None
    leader_post: str | None
    co_units: tuple[str, ...] = ()


@dataclass(frozen=True)
class DraftFocusArea:
    title: str
    sentence: str
    start: int
    end: int
    tasks: tuple[DraftTask, ...]
    kind: str = AREA_FOCUS


@dataclass(frozen=True)
class SpeechDraft:
    focus_areas: tuple[DraftFocusArea, ...]
    message: str | None

    def as_dict(self) -> dict:
        return {
            "focus_areas": [
                {
                    "title": area.title,
                    "kind": area.kind,
                    "sentence": area.sentence,
                    "start": area.start,
                    "end": area.end,
                    "tasks": [
                        {
                            "text": task.text,
                            "sentence": task.sentence,
                            "lead_unit": task.lead_unit,
                            "co_units": list(task.co_units),
                            "leader_post": task.leader_post,
                            "start": task.start,
                            "end": task.end,
                        }
                        for task in area.tasks
                    ],
                }
                for area in self.focus_areas
            ],
            "message": self.message,
        }


def parse_speech(
    text: str,
    *,
    unit_keywords: Mapping[str, Sequence[str]] | None = None,
    leader_posts: Mapping[str, Sequence[str]] | None = None,
) -> SpeechDraft:
    """`unit_keywords`: the units the office knows (name → other names it goes by), to match the units a text
    names; without it names are kept as written. `leader_posts`: the posts to recognise when a text names one as
    responsible; without it any post the text names is kept."""
    if not text or not text.strip():
        return SpeechDraft((), EMPTY_TEXT_MESSAGE)
    doc = _Document(text)
    groups = _Grouper(doc).groups()
    if not groups:
        return SpeechDraft((), NOTHING_FOUND_MESSAGE)
    namer = _Namer(unit_keywords, leader_posts)
    areas = tuple(_focus_area(doc, group, namer) for group in groups)
    return SpeechDraft(areas, None)


# --- text layout -------------------------------------------------------------------------------------------------

# Every replacement is one character for one, so offsets found in the normalised text are offsets in the input.
_TRANSLATION = str.maketrans({
    ",": "，", ";": "；", ":": "：", "!": "！", "?": "？", "(": "（", ")": "）",
    "\t": " ", "\u3000": " ", "\xa0": " ",
    "\u2028": "\n", "\u2029": "\n", "\x0b": "\n", "\x0c": "\n", "\x85": "\n",
})
# Cue words are matched on a simplified-character copy of the text, character for character.
_SIMPLIFIED = str.maketrans(charmap.traditional_charmap, charmap.simplified_charmap)
_LONE_CR = re.compile(r"\r(?!\n)")
_FULL_STOP = re.compile(r"(?<!\d)[.．](?!\d)")
_SENTENCE_END = re.compile(r"[。！？]+[”’」』）》】\"']*")
_WORDY = re.compile(r"\w")
_WHITESPACE = re.compile(r"\s+")
_WRAPPED_LINE = re.compile(r"\s*[\r\n\u2028\u2029\x0b\x0c\x85]\s*")
_CLAUSE_PUNCT = re.compile(r"[，。！？；：、]")
_EDGE_JUNK = frozenset("，。！？；：、…—- ")
_CLOSERS = "”’」』）》】\"'"
_LINE_END_TERMINALS = frozenset("。！？；：")
_SHORT_TITLE_LINE = 40
_TRAILING_SYMBOLS = re.compile(r"[^\w，。！？；：、”’」』）》】\"'\s]+$")
_CHROME = re.compile(
    r"当前位置|您现在的位置|您当前的位置|首页\s*[>»＞]|[>»＞]\s*正文|字体[：:]?\s*[大【\[]|发布(?:时间|日期)[：:]|来源[：:]|稿源|"
    r"浏览次数|信息来源|责任编辑|责编|审签|扫一扫|打印本页|【打印】|网友评论|全部评论|相关推荐|相关阅读|最近更新|热榜|请点击|"
    r"预览(?:阅读)?(?:已)?结束|免费获取|联系老师|索引号|分享到|纠错|版权(?:说明|反馈)|下载本文档|欢迎访问|返回首页|返回顶部|"
    r"本期共\d+版|下一版|上一版|无障碍|长辈版|加入收藏|阅读时长"
)


def _normalise(text: str) -> str:
    norm = _LONE_CR.sub("\n", text.translate(_TRANSLATION)).replace("\r", " ")
    return _FULL_STOP.sub("。", norm)


@dataclass(frozen=True)
class _Sentence:
    start: int
    end: int
    para: int


def _is_chrome(line: str) -> bool:
    return (len(line) <= 80 or "。" not in line) and bool(_CHROME.search(line))


def _paragraph_spans(norm: str, key: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = end = -1
    previous = ""
    position = 0
    for line in key.split("\n"):
        line_start, position = position, position + len(line) + 1
        body = line.strip()
        chrome = bool(body) and _is_chrome(body)
        if start >= 0 and (not body or chrome or _breaks_before(previous, body)):
            spans.append((start, end))
            start = -1
        if not body or chrome:
            continue
        if start < 0:
            start = line_start + len(line) - len(line.lstrip())
        end = line_start + len(line.rstrip())
        previous = body
    if start >= 0:
        spans.append((start, end))
    return spans


def _breaks_before(previous: str, line: str) -> bool:
    """A single line break ends a paragraph unless it looks like a line wrapped mid-sentence."""
    if not (previous[-1].isalnum() or previous[-1] in _LINE_END_TERMINALS):
        previous = _TRAILING_SYMBOLS.sub("", previous) or previous
    last = previous.rstrip(_CLOSERS)[-1:]
    if last and last in _LINE_END_TERMINALS:
        return True
    if _MARKER.match(line) or _HEADING.match(line):
        return True
    marker = _MARKER.match(previous)
    return len(previous) <= _SHORT_TITLE_LINE and not _CLAUSE_PUNCT.search(previous, marker.end() if marker else 0)


def _sentences(norm: str, paragraphs: list[tuple[int, int]]) -> list[_Sentence]:
    sentences: list[_Sentence] = []
    for para, (para_start, para_end) in enumerate(paragraphs):
        cursor = para_start
        for match in _SENTENCE_END.finditer(norm, para_start, para_end):
            _add_sentence(sentences, norm, cursor, match.end(), para)
            cursor = match.end()
        _add_sentence(sentences, norm, cursor, para_end, para)
    return sentences


def _add_sentence(sentences: list[_Sentence], norm: str, start: int, end: int, para: int) -> None:
    chunk = norm[start:end]
    stripped = chunk.strip()
    if _WORDY.search(stripped):
        start += len(chunk) - len(chunk.lstrip())
        sentences.append(_Sentence(start, start + len(stripped), para))


def _trim(norm: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (norm[start].isspace() or norm[start] in _EDGE_JUNK):
        start += 1
    while end > start and (norm[end - 1].isspace() or norm[end - 1] in _EDGE_JUNK):
        end -= 1
    return start, end


# --- enumerations ------------------------------------------------------------------------------------------------

_CN_NUMERAL = "[一二三四五六七八九十]{1,3}"
_MARKER = re.compile(
    r"(?<![^，；：\s])(?:"
    rf"(?P<cn_dun>{_CN_NUMERAL})、(?![一二三四五六七八九十])"
    rf"|第(?P<di>{_CN_NUMERAL})(?=[，、：\s])[，、：]?"
    rf"|（(?P<cn_paren>{_CN_NUMERAL})）"
    r"|（(?P<num_paren>\d{1,2})）"
    r"|(?P<num_dot>\d{1,2})[.．、）](?!\d)"
    r"|(?P<keycap>\d)\ufe0f?\u20e3"
    r"|(?P<circled>[①-⑳])"
    rf"|(?P<shi>{_CN_NUMERAL})是"
    rf"|(?P<yao>{_CN_NUMERAL})要(?![求素点闻])"
    r"|(?P<bullet>[•·●○■□◆◇▪▸►※]|——|[-*](?=\s))"
    r")\s*"
)
# Official documents nest 一、 > （一） > 1. > （1）; speeches put 第一 near the top and 一是 inside a paragraph.
_RANK = {"cn_dun": 0, "di": 1, "cn_paren": 2, "num_dot": 3, "keycap": 3, "num_paren": 4, "shi": 5, "yao": 5,
         "circled": 6, "bullet": 7}
_CN_DIGITS = {c: i for i, c in enumerate("一二三四五六七八九", start=1)}


@dataclass
class _Item:
    kind: str
    ordinal: int
    pos: int
    body: int
    sent: int
    para: int
    run: int = -1
    end: int = 0
    extent: int = 0
    parent: int = -1
    is_parent: bool = False

    @property
    def rank(self) -> int:
        return _RANK[self.kind]


def _ordinal(kind: str, token: str) -> int:
    if kind == "bullet":
        return 1
    if kind == "circled":
        return ord(token) - ord("①") + 1
    return int(token) if token.isdecimal() else _cn_number(token)


def _cn_number(numeral: str) -> int:
    tens, ten, ones = numeral.partition("十")
    if not ten:
        return _CN_DIGITS.get(numeral, 0) if len(numeral) == 1 else 0
    if len(tens) > 1 or len(ones) > 1 or (tens and tens not in _CN_DIGITS) or (ones and ones not in _CN_DIGITS):
        return 0
    return _CN_DIGITS.get(tens, 1) * 10 + _CN_DIGITS.get(ones, 0)


def _find_markers(norm: str, sentences: list[_Sentence]) -> list[_Item]:
    found = []
    for index, sentence in enumerate(sentences):
        chunk = norm[sentence.start:sentence.end]
        for match in _MARKER.finditer(chunk):
            kind = match.lastgroup
            if kind == "bullet" and match.start() != 0:
                continue
            ordinal = _ordinal(kind, match.group(kind))
            if ordinal:
                found.append(_Item(kind, ordinal, sentence.start + match.start(), sentence.start + match.end(), index,
                                   sentence.para))
    return found


def _validated(items: list[_Item]) -> list[_Item]:
    """Keep markers that form a list counting up from one, so stray "3、" or a lone "一是" are plain text."""
    current: dict[str, list[_Item]] = {}
    runs: list[list[_Item]] = []
    for item in items:
        run = current.get(item.kind)
        if run and _continues(run[-1], item):
            run.append(item)
        elif item.ordinal == 1:
            current[item.kind] = [item]
            runs.append(current[item.kind])
    kept = []
    for run_id, run in enumerate(runs):
        if len(run) >= 2:
            for item in run:
                item.run = run_id
                kept.append(item)
    return sorted(kept, key=lambda item: item.pos)


def _continues(last: _Item, item: _Item) -> bool:
    if item.kind == "bullet":
        return item.para - last.para <= 1
    return item.ordinal == last.ordinal + 1


def _link(items: list[_Item], sentences: list[_Sentence], paragraphs: list[tuple[int, int]],
          titleish: list[bool], notes: list[bool]) -> list[_Item]:
    stack: list[int] = []
    for index, item in enumerate(items):
        if index and _apart(paragraphs, items[index - 1].para, item.para):
            stack = []
        while stack and items[stack[-1]].rank >= item.rank:
            stack.pop()
        if stack:
            item.parent = stack[-1]
            items[stack[-1]].is_parent = True
        stack.append(index)
        following = items[index + 1] if index + 1 < len(items) else None
        item.end = following.pos if following and following.sent == item.sent else sentences[item.sent].end
        # An item runs on to the next item or title line, or to the end of its paragraph when it is the last one.
        item.extent = following.pos if following else paragraphs[item.para][1]
        for para in range(item.para + 1, following.para if following else item.para):
            if titleish[para]:
                item.extent = paragraphs[para - 1][1]
                break
        for para in range(item.para + 1, len(paragraphs) if following is None else 0):
            if not notes[para]:
                break
            item.extent = paragraphs[para][1]
    return items


def _looks_like_title(line: str) -> bool:
    line = line.strip()
    if len(line) < 3 or len(line) > 48:
        return False
    marker = _MARKER.match(line)
    line = line[marker.end():] if marker else line
    if "\n" in line or not line or len(line) > 32 or re.search(r"[。！？；：、]", line):
        return False
    if not marker and _ACTION.match(line):
        return False
    return sum(1 for c in line if c.isalpha()) >= 3


def _introduces(line: str) -> bool:
    if "：" not in line or len(line) > 120:
        return False
    line = _TRAILING_SYMBOLS.sub("", line.strip())
    return line.endswith("：") and len(line) <= 100


def _apart(paragraphs: list[tuple[int, int]], previous: int, para: int) -> bool:
    """Two or more paragraphs of other text, or a long one, between two items: the later list is not nested."""
    gap = range(previous + 1, para)
    return len(gap) >= 2 or any(paragraphs[p][1] - paragraphs[p][0] > 150 for p in gap)


# --- cues, headings and clauses ----------------------------------------------------------------------------------

_SPEAKER = re.compile(r"[^，。；：！？]{1,14}?(?:强调|指出|要求|提出|表示|认为|希望)[，：—]+")
_DIRECTIVE_CUE = re.compile(r"[^，。；：！？]{0,14}?(?:强调|要求|提出)[，：—]+")
_MEETING_CUE = re.compile(r"会议(?:强调|要求|提出)")
_DEPLOYMENT = re.compile(r"[^，。；：！？]{1,12}?在部署(?P<what>[^，。；：！？]{2,16}?)时(?:强调|指出|要求|提出)[，：]")
_HEADING = re.compile(
    r"\s*(?:[^，。；：！？]{1,12}?(?:强调|指出|要求|提出|表示)[，：])?"
    r"(?:[^，。；：！？]{0,8}?要)?"
    r"以(?P<topic>[^，。；：！？]{2,24}?)为重点"
    r"(?:\s*，?\s*在(?P<focus>[^。；：！？]{2,60}?)上(?P<verb>[^，。；：！？上]{1,8}))?"
    r"(?=[。！？；：]|$)"
)
_AGREED_COLON = re.compile(r"(?:会议|经)(?:研究)?(?:议定|商定|决定|明确)(?:事项)?(?:如下)?：|议定(?:事项)?(?:如下)?：")
_AGREED_LINE = re.compile(r"(?:会议)?(?:议定|商定|决定)事项(?:如下)?[。]?$")
_MODAL_YAO = "(?<![重主需必只想将首提摘纲纪概简还])要(?![求素点闻事件害职案塞紧领务员道隘地])"
_MODAL = re.compile(_MODAL_YAO)
_LEADS_WITH_YAO = re.compile(rf"[^，。；：！？]{{0,8}}?{_MODAL_YAO}")
_DIRECTIVE_HEAD = re.compile(
    rf"[^，。；：！？]{{0,20}}?{_MODAL_YAO}|[^，。；！？]{{0,12}}?(?:我们|政府|我县|我市|我区|全县|全市|全区)(?:将|要)|"
    rf"由[^，。；]{{2,20}}?(?:牵头|负责)|会议(?:原则)?(?:同意|决定|明确|要求|议定)"
)
_RESPONSIBLE = "(?:局|委|办|部|门|单位|中心|镇|乡|街道|政府|组|班|所|站|处)"
_CUED_BREAK = re.compile(rf"；|，(?=[^，。；：的]{{0,6}}?{_MODAL_YAO})")
_CLAUSE_BREAK = re.compile(rf"；|，(?=\s*(?:(?:各|有关|相关)?[^，。；：\s]{{0,8}}?{_RESPONSIBLE})?{_MODAL_YAO})")
_ACTION_WORDS = (
    "推进|推动|加快|抓好|抓实|抓紧|落实|实施|完善|健全|建立|建设|开展|强化|加强|提升|提高|促进|深化|优化|打造|做好|做强|做大|"
    "做优|做细|确保|坚持|着力|聚焦|严格|守牢|守好|完成|开工|培育|引进|整治|治理|保障|制定|出台|启动|负责|牵头|突出|构建|发展|"
    "成立|组织|督促|督导|部署|统筹|谋划|争取|解决|排查|清理|取缔|清除|更换|规范|扩大|实现|创建|改造|提交|研究|梳理|公布|对接|"
    "协调|落地|办理|摸清|补足|扛起|巩固|深入|树立|树牢|营造|化解|防范|调度|拨付|配合|指导|宣传|检查|培训|整改|修改|报请|印发|"
    "同意|安置|支付|召开|编制|增长|达到|不低于|同步|搞好|打好|建强|用好|筑牢|迅速|认领|分解"
)
_ACTION = re.compile(rf"{_MODAL_YAO}|{_ACTION_WORDS}")
_WORK = re.compile(_ACTION_WORDS)
_ATTITUDE = re.compile(
    r"统一思想|统一认识|提高(?:思想)?认识|充分认识|深刻认识|提高站位|认清形势|把握|研判|解放思想|改进作风|转变作风|工作作风|"
    r"合力|比学赶超|紧迫感|责任感|使命感|加强(?:组织)?领导|信心|决心|重视再重视|思想上|精气神|收心|聚气|提神|拉高标杆|"
    r"脚踏实地|争先|抓好落实|抓落实|贯彻落实|抓好贯彻|领会|学习贯彻"
)
_CONCRETE = re.compile(
    r"出台|制定|建立|成立|建设|开展|实施|整治|治理|推进|分解|认领|编制|办理|清理|排查|落实好|"
    r"确保[^，。；]{0,10}(?:稳产|到位)"
)
_LOGISTICS = re.compile(r"宣读|讲话|递交|表态发言|主持|出席|列席|听取|审议了|议程|传达学习|集体学习|汇报|召开[^，。；]{0,12}会议，")
_RETROSPECT = re.compile(
    r"比上年|同比|较上年|上年同期|完成了|实现了|取得了|达到了|已经|已建成|圆满完成|成效显著|新突破|新进展|新台阶|"
    r"明显改善|明显提升|显著提升|稳中向好|不断增进|长足进步|取得显著|一年来|过去一年|去年"
)
_RATIONALE = re.compile(r"是[^，。；]{0,30}的(?:重要|具体|现实|必然|关键)|很重要|意义重大|的需要$|为指导|为统领|总基调")
_FRAMING_TITLE = re.compile(
    r"指导思想|总体要求|总体目标|基本原则|工作原则|工作目标|实施步骤|时间安排|进度安排|步骤安排|保障措施|工作要求|组织领导|"
    r"组织保障|预期效果|政策取向|背景|现状|意义|重要性|必要性|紧迫性|艰巨性|形势|回顾|成绩|成就|成效|总结"
)
_TASK_TITLE = re.compile(r"任务|内容|重点|(?<!保障)措施|举措|工程|行动|展望|(?<!时间)(?<!进度)(?<!步骤)安排|打算|计划|议定|事项|工作$")
_DOCUMENT_TITLE = re.compile(r"召开|会议|主持|举行|讲话|报告|方案|通知|纪要|意见|办法")
_GENERIC_TITLE = re.compile(r"^(?:主要|重点|具体|工作)(?:工作|任务|措施|内容)$")
_FUTURE_TITLE = re.compile(r"展望|今年|明年|\d{4}年(?:工作|重点|主要)|重点任务|主要任务|工作任务|重点工作|目标|安排|打算")
_LIST_VERBS = re.compile(r"^(?:要|全面|大力|着力|切实|认真|扎实|持续|加快|进一步|重点)*(?:抓好|做好|抓实|推进|实施|开展|完成|推动|加快|抓紧)")
_VERB_START = re.compile(
    rf"^(?:要|继续|持续|不断|进一步|全面|主动|超前|稳步|大力|积极|切实|深入|认真|扎实|着力|加快|坚决|努力|逐步|全力)*"
    rf"(?:{_ACTION_WORDS}|谋划|争取|提高|用好|做大|开发|规划|丰富|增加|加大|激发|善用|关注)"
)
_LIST_CLOSE = re.compile(r"(?:等(?:各项)?(?:方面|工作)|[二两三四五六七八九十]个方面)")
_LEADING_PREPOSITION = re.compile(r"^[在对把将]")


@dataclass(frozen=True)
class _Heading:
    sent: int
    end: int
    title: str
    rank: int | None


def _heading_match(norm: str, sentence: _Sentence, body: int) -> tuple[int, str] | None:
    """Where the heading ends in the sentence, and the focus area's title."""
    match = _HEADING.match(norm[sentence.start:sentence.end], body - sentence.start)
    if not match:
        return None
    title = _WHITESPACE.sub("", match["topic"])
    if match["focus"]:
        full = _WHITESPACE.sub("", f"{title}：在{match['focus']}上{match['verb']}")
        title = full if len(full) <= TITLE_MAX_CHARS else title
    return sentence.start + match.end(), title[:TITLE_MAX_CHARS]


def _speaker_end(key: str, start: int, end: int) -> int:
    match = _SPEAKER.match(key[start:end])
    return start + match.end() if match else start


def _leads_with_yao(norm: str, sentence: _Sentence) -> bool:
    start = _speaker_end(norm, sentence.start, sentence.end)
    return bool(_LEADS_WITH_YAO.match(norm[start:sentence.end]))


def _is_attitude(chunk: str) -> bool:
    """Thought, attitude or style at the head of a clause, with no concrete work after it."""
    head = _ATTITUDE.search(chunk, 0, 16)
    return bool(head) and not _CONCRETE.search(chunk, head.end())


def _framing(title: str) -> bool:
    return bool(_FRAMING_TITLE.search(title)) and not _TASK_TITLE.search(title) or _is_attitude(title)


# --- grouping ----------------------------------------------------------------------------------------------------

_Span = tuple[int, int, int, int, int]  # text start, text end, sentence index, context start, context end


@dataclass
class _Group:
    title: str
    start: int
    end: int
    tasks: list[_Span] = field(default_factory=list)
    kind: str = AREA_FOCUS

    @property
    def is_other(self) -> bool:
        return self.kind == AREA_OTHER


class _Document:
    def __init__(self, text: str):
        self.text = text
        self.norm = _normalise(text)
        key = self.norm.translate(_SIMPLIFIED)
        self.key = key if len(key) == len(self.norm) else self.norm
        self.paragraphs = _paragraph_spans(self.norm, self.key)
        self.sentences = _sentences(self.norm, self.paragraphs)
        titles = [_looks_like_title(self.key[start:end]) for start, end in self.paragraphs]
        titleish = [title or _introduces(self.key[start:end]) for title, (start, end) in zip(titles, self.paragraphs,
                                                                                            strict=True)]
        notes = [bool(_UNIT_LINE.match(self.key, start, end)) for start, end in self.paragraphs]
        self.items = _link(_validated(_find_markers(self.norm, self.sentences)), self.sentences, self.paragraphs,
                           titleish, notes)
        self.item_positions = [item.pos for item in self.items]
        self.item_at = {item.pos: index for index, item in enumerate(self.items)}
        self.para_sentences: list[list[int]] = [[] for _ in self.paragraphs]
        for index, sentence in enumerate(self.sentences):
            self.para_sentences[sentence.para].append(index)
        self.item_paras = set()
        for item in self.items:
            first = item.para
            last = bisect.bisect_right([start for start, _ in self.paragraphs], max(item.extent - 1, item.pos)) - 1
            self.item_paras.update(range(first, last + 1))
        self.title_lines = [title and para not in self.item_paras for para, title in enumerate(titles)]

    def items_between(self, start: int, end: int) -> range:
        return range(bisect.bisect_left(self.item_positions, start), bisect.bisect_left(self.item_positions, end))

    def leading_item(self, sentence: _Sentence) -> _Item | None:
        index = self.item_at.get(sentence.start)
        return None if index is None else self.items[index]

    def para_text(self, para: int) -> str:
        start, end = self.paragraphs[para]
        return self.key[start:end]


class _Grouper:
    def __init__(self, doc: _Document):
        self.doc = doc
        self.used_items: set[int] = set()
        self.used_sentences: set[int] = set()
        self.by_heading_sentence: dict[int, _Group] = {}

    def groups(self) -> list[_Group]:
        headings = self._heading_groups()
        deployments = self._deployment_groups()
        groups = headings + deployments + self._agreed_groups() + self._enumeration_groups()
        if not headings and not deployments:
            groups += self._directive_groups()
        named = sorted((group for group in groups if group.tasks and not group.is_other), key=lambda g: g.start)
        others = [span for group in groups if group.is_other for span in group.tasks]
        return named + _other_group(sorted(others))

    # Focus-area headings "以…为重点".

    def _heading_groups(self) -> list[_Group]:
        headings = self._headings()
        groups = []
        for number, heading in enumerate(headings):
            stop = headings[number + 1].sent if number + 1 < len(headings) else len(self.doc.sentences)
            sentence = self.doc.sentences[heading.sent]
            group = _Group(heading.title, sentence.start, sentence.end)
            self.used_sentences.add(heading.sent)
            self._consume_items(self.doc.items_between(sentence.start, heading.end))
            for index, start in self._heading_scope(heading, stop):
                self.used_sentences.add(index)
                group.tasks.extend(self._tasks_from(index, start))
            self.by_heading_sentence[heading.sent] = group
            groups.append(group)
        return groups

    def _headings(self) -> list[_Heading]:
        headings = []
        for index, sentence in enumerate(self.doc.sentences):
            item = self.doc.leading_item(sentence)
            found = _heading_match(self.doc.key, sentence, item.body if item else sentence.start)
            if found:
                headings.append(_Heading(index, *found, item.rank if item else None))
        return headings

    def _heading_scope(self, heading: _Heading, stop: int) -> list[tuple[int, int]]:
        sentences = self.doc.sentences
        scope = [(heading.sent, heading.end)]
        para = sentences[heading.sent].para
        floor = heading.rank
        for index in range(heading.sent + 1, stop):
            sentence = sentences[index]
            if sentence.para != para:
                item = self.doc.leading_item(sentence)
                if item is not None and (floor is None or item.rank > floor):
                    # Under an unnumbered heading, the first sub-list fixes the level later paragraphs may not rise above.
                    floor = item.rank - 1 if floor is None else floor
                elif sentence.para != para + 1 or not _LEADS_WITH_YAO.match(self.doc.key, sentence.start):
                    break
                para = sentence.para
            scope.append((index, sentence.start))
        return scope

    def _tasks_from(self, index: int, start: int) -> list[_Span]:
        sentence = self.doc.sentences[index]
        items = self.doc.items_between(start, sentence.end)
        if not items:
            return self._clause_tasks(index, start)
        self._consume_items(items)
        return [self._item_span(i) for i in items if not self.doc.items[i].is_parent]

    def _clause_tasks(self, index: int, start: int, *, lists: bool = False, cued: bool = False) -> list[_Span]:
        doc = self.doc
        sentence = doc.sentences[index]
        end = sentence.end
        start = _speaker_end(doc.key, start, end)
        breaks = (_CUED_BREAK if cued else _CLAUSE_BREAK).finditer(doc.key[start:end])
        bounds = [start] + [m.start() + start for m in breaks] + [end]
        spans = []
        for left, right in pairwise(bounds):
            left, right = _trim(doc.norm, left, right)
            chunk = doc.key[left:right]
            if left >= right or not _ACTION.search(chunk) or _RATIONALE.search(chunk):
                continue
            if cued and (_is_attitude(_subject_stripped(chunk)) or _LOGISTICS.search(chunk) or (
                    len(chunk) < 12 and not _WORK.search(chunk)) or not (
                    _MODAL.search(chunk) or _DIRECTIVE_HEAD.match(chunk)
                    or any(_VERB_START.match(part) for part in chunk.split("，")))):
                continue
            pieces = _work_list(doc.key, left, right) if lists else []
            if pieces:
                spans.extend((a, b, index, sentence.start, sentence.end) for a, b in pieces)
            else:
                spans.append((left, right, index, sentence.start, sentence.end))
        return spans

    def _item_span(self, index: int) -> _Span:
        item = self.doc.items[index]
        start, end = _trim(self.doc.norm, item.body, item.end)
        return start, end, item.sent, item.pos, max(item.extent, item.end)

    def _consume_items(self, indexes) -> None:
        self.used_items.update(indexes)

    # A speaker's part "在部署…时强调".

    def _deployment_groups(self) -> list[_Group]:
        groups = []
        doc = self.doc
        for index, sentence in enumerate(doc.sentences):
            if index in self.used_sentences:
                continue
            match = _DEPLOYMENT.match(doc.key, sentence.start, sentence.end)
            if not match:
                continue
            what = _WHITESPACE.sub("", match["what"])
            group = _Group(f"{what}部署"[:TITLE_MAX_CHARS], sentence.start, sentence.end, kind=AREA_DEPLOYMENT)
            for following in doc.para_sentences[sentence.para]:
                if following < index or following in self.used_sentences:
                    continue
                self.used_sentences.add(following)
                self._consume_items(doc.items_between(doc.sentences[following].start, doc.sentences[following].end))
                start = match.end() if following == index else doc.sentences[following].start
                if following == index or _DIRECTIVE_HEAD.match(doc.key, start, doc.sentences[following].end):
                    group.tasks.extend(self._clause_tasks(following, start, lists=True, cued=True))
            groups.append(group)
        return groups

    # Meeting minutes "会议议定：…".

    def _agreed_groups(self) -> list[_Group]:
        cues = self._agreed_cues()
        if not cues:
            return []
        first = self.doc.sentences[cues[0][0]]
        group = _Group(AGREED_ITEMS_TITLE, first.start, first.end, kind=AREA_AGREED)
        for number, (index, cue_end, has_colon) in enumerate(cues):
            following = cues[number + 1][0] if number + 1 < len(cues) else None
            stop = len(self.doc.norm) if following is None else self.doc.sentences[following].start
            group.tasks.extend(self._agreed_tasks(index, cue_end, has_colon, stop))
        return [group] if group.tasks else []

    def _agreed_cues(self) -> list[tuple[int, int, bool]]:
        cues = []
        for index, sentence in enumerate(self.doc.sentences):
            if index in self.used_sentences:
                continue
            chunk = self.doc.key[sentence.start:sentence.end]
            match = _AGREED_COLON.search(chunk)
            if match:
                cues.append((index, sentence.start + match.end(), True))
                continue
            item = self.doc.leading_item(sentence)
            if _AGREED_LINE.match(chunk, (item.body if item else sentence.start) - sentence.start):
                cues.append((index, sentence.end, False))
        return cues

    def _agreed_tasks(self, index: int, cue_end: int, has_colon: bool, stop: int) -> list[_Span]:
        sentence = self.doc.sentences[index]
        self.used_sentences.add(index)
        first = bisect.bisect_left(self.doc.item_positions, cue_end)
        items = self.doc.items
        if first < len(items) and items[first].para <= sentence.para + 1 and first not in self.used_items:
            picked = self._agreed_items(first, stop)
            self._consume_items(picked)
            return [self._item_span(i) for i in picked if not items[i].is_parent]
        if not has_colon:
            return []
        start, end = _trim(self.doc.norm, cue_end, sentence.end)
        if start < end:
            return [(start, end, index, sentence.start, sentence.end)]
        return self._next_paragraph_tasks(index)

    def _agreed_items(self, first: int, stop: int) -> list[int]:
        items = self.doc.items
        head = items[first]
        picked, last_para = [], head.para
        for index in range(first, len(items)):
            item = items[index]
            if item.pos >= stop or item.para > last_para + 1 or index in self.used_items:
                break
            if item.run != head.run and item.rank <= head.rank:
                break
            picked.append(index)
            last_para = item.para
        return picked

    def _next_paragraph_tasks(self, index: int) -> list[_Span]:
        sentences = self.doc.sentences
        para = sentences[index].para + 1
        spans = []
        for following in range(index + 1, len(sentences)):
            if sentences[following].para != para or following in self.used_sentences:
                break
            self.used_sentences.add(following)
            start, end = _trim(self.doc.norm, sentences[following].start, sentences[following].end)
            spans.append((start, end, following, sentences[following].start, sentences[following].end))
        return spans

    # Enumerations and the title lines above them.

    def _enumeration_groups(self) -> list[_Group]:
        doc = self.doc
        by_parent: dict[int, _Group] = {}
        by_line: dict[int, _Group] = {}
        orphans: list[_Span] = []
        sectioned_runs = {item.run for item in doc.items if item.is_parent}
        for index, item in enumerate(doc.items):
            if index in self.used_items:
                continue
            self.used_items.add(index)
            self._consume_extent(item)
            if self._skipped(index):
                continue
            if item.is_parent:
                continue
            span = self._item_span(index)
            title = doc.key[span[0]:span[1]]
            if self._title_with_body(index):
                if not _framing(title):
                    self._group_for(index, by_parent).tasks.extend(self._body_tasks(index))
                continue
            if span[0] >= span[1] or not self._item_is_task(index, title, sectioned_runs):
                continue
            parent = self._task_parent(item.parent)
            if parent >= 0:
                self._group_for(parent, by_parent).tasks.append(span)
                continue
            line = self._title_line_before(item.para)
            if line is None:
                orphans.append(span)
            else:
                self._line_group(line, by_line).tasks.append(span)
        return list(by_parent.values()) + list(by_line.values()) + _other_group(orphans)

    def _consume_extent(self, item: _Item) -> None:
        for index in range(item.sent, len(self.doc.sentences)):
            if self.doc.sentences[index].start >= item.extent:
                break
            self.used_sentences.add(index)

    def _skipped(self, index: int) -> bool:
        """Inside a section that frames or looks back (指导思想, 工作回顾…), or under such a title line."""
        doc = self.doc
        item = doc.items[index]
        while True:
            if item.is_parent and (_framing(self._item_title(item)) or _LOGISTICS.search(self._item_title(item))):
                return True
            if item.parent < 0:
                break
            item = doc.items[item.parent]
        line = self._title_line_before(item.para)
        if line is not None and _framing(doc.para_text(line)):
            return True
        # A list right after an unnumbered section title in the same paragraph ("四、时间安排 （一）…").
        first = next(i for i in doc.items if i.run == item.run)
        para_start = doc.paragraphs[first.para][0]
        before = doc.key[max(para_start, first.pos - 16):first.pos]
        return bool(before.strip()) and _framing(before.split("。")[-1])

    def _item_title(self, item: _Item) -> str:
        start, end = _trim(self.doc.norm, item.body, item.end)
        cut = _CLAUSE_PUNCT.search(self.doc.key, start, end)
        return self.doc.key[start:cut.start() if cut else end]

    def _item_is_task(self, index: int, title: str, sectioned_runs: set[int]) -> bool:
        doc = self.doc
        item = doc.items[index]
        head = title.split("，", 1)[0]
        if _LOGISTICS.search(title) or _is_attitude(head) or _framing(head):
            return False
        # A numbered line holding nothing but a title like 主要任务及措施 heads what follows; it is no task itself.
        para_start, para_end = doc.paragraphs[item.para]
        title_end = _trim(doc.norm, item.body, item.end)[1]
        alone = item.pos == para_start and not doc.key[title_end:para_end].strip(" 。") and item.extent <= para_end
        if alone and _TASK_TITLE.search(head) and len(head) <= 16 and not re.search(r"[。！？；]", title):
            return False
        if _RETROSPECT.search(doc.key, item.pos, max(item.extent, item.end)):
            return False
        # In a list whose other items have sub-items, an item without any is a section title like 总体要求.
        return item.run not in sectioned_runs or bool(_ACTION.search(title))

    def _title_with_body(self, index: int) -> bool:
        """A numbered title on a line of its own, its content in the paragraphs below it."""
        doc = self.doc
        item = doc.items[index]
        start, end = doc.paragraphs[item.para]
        line = doc.key[item.body:end]
        has_body = item.para + 1 < len(doc.paragraphs) and doc.paragraphs[item.para + 1][0] < item.extent
        return (has_body and len(line) <= _SHORT_TITLE_LINE and not re.search(r"[。！？；]", line)
                and item.pos == start)

    def _body_tasks(self, index: int) -> list[_Span]:
        doc = self.doc
        item = doc.items[index]
        spans = []
        for sent in range(item.sent + 1, len(doc.sentences)):
            sentence = doc.sentences[sent]
            if sentence.start >= item.extent:
                break
            chunk = doc.key[sentence.start:sentence.end]
            head = _speaker_end(doc.key, sentence.start, sentence.end)
            directive = _DIRECTIVE_HEAD.match(doc.key, head, sentence.end) or _VERB_START.match(chunk)
            if directive and not _RETROSPECT.search(chunk) and not _is_attitude(_subject_stripped(chunk)):
                start, end = _trim(doc.norm, sentence.start, sentence.end)
                spans.append((start, end, sent, sentence.start, sentence.end))
        return spans

    def _task_parent(self, parent: int) -> int:
        """A parent titled only 主要工作/重点任务 hands its items to the heading above it."""
        while parent >= 0:
            item = self.doc.items[parent]
            if not _GENERIC_TITLE.match(self._item_title(item)) or item.parent < 0:
                return parent
            parent = item.parent
        return parent

    def _group_for(self, parent: int, by_parent: dict[int, _Group]) -> _Group:
        item = self.doc.items[parent]
        if item.sent in self.by_heading_sentence:
            return self.by_heading_sentence[item.sent]
        if parent not in by_parent:
            start, end = _trim(self.doc.norm, item.body, item.end)
            cut = _CLAUSE_PUNCT.search(self.doc.norm, start, end)
            title = _WHITESPACE.sub("", self.doc.text[start:cut.start() if cut else end]) or OTHER_TASKS_TITLE
            sentence = self.doc.sentences[item.sent]
            by_parent[parent] = _Group(title[:TITLE_MAX_CHARS], sentence.start, sentence.end)
        return by_parent[parent]

    def _title_line_before(self, para: int) -> int | None:
        """The title line or introducing paragraph ("…如下：") a top-level list sits under, if any."""
        doc = self.doc
        intro_seen = False
        generic = None
        for line in range(para - 1, -1, -1):
            if doc.title_lines[line]:
                text = doc.para_text(line).strip()
                marker = _MARKER.match(text)
                if _GENERIC_TITLE.match(text[marker.end():] if marker else text):
                    generic = line if generic is None else generic
                    continue
                return line
            text = doc.para_text(line).rstrip()
            if _introduces(text) and not intro_seen:
                return line
            if line in doc.item_paras:
                continue
            if intro_seen or len(text) > 120:
                return generic
            intro_seen = True
        return generic

    def _line_group(self, line: int, by_line: dict[int, _Group]) -> _Group:
        if line not in by_line:
            start, end = self.doc.paragraphs[line]
            start, end = _trim(self.doc.norm, start, min(end, self.doc.sentences[self.doc.para_sentences[line][-1]].end))
            title = _WHITESPACE.sub("", self.doc.text[start:end]).strip("#*") or OTHER_TASKS_TITLE
            by_line[line] = _Group(title[:TITLE_MAX_CHARS], start, end)
        return by_line[line]

    # Directives anywhere else, when the text names no structure of its own.

    def _directive_groups(self) -> list[_Group]:
        doc = self.doc
        groups: list[_Group] = []
        line: int | None = None  # the title line the paragraphs sit under; -1 under one that frames
        line_future = False
        current: _Group | None = None
        for para, (para_start, _) in enumerate(doc.paragraphs):
            if doc.title_lines[para]:
                text = doc.para_text(para)
                if _DOCUMENT_TITLE.search(text):
                    continue
                line, current = (-1 if _framing(text) else para), None
                line_future = bool(_FUTURE_TITLE.search(text))
                continue
            if line == -1:
                continue
            spans: list[_Span] = []
            directive = meeting = False
            for index in doc.para_sentences[para]:
                if index in self.used_sentences:
                    continue
                sentence = doc.sentences[index]
                chunk = doc.key[sentence.start:sentence.end]
                if chunk.rstrip(_CLOSERS).endswith("："):
                    continue
                if _DIRECTIVE_CUE.match(chunk) or _MODAL.search(chunk) or _DIRECTIVE_HEAD.match(chunk):
                    directive = True
                    meeting = meeting or bool(_MEETING_CUE.search(chunk, 0, 16))
                elif not directive or not _VERB_START.match(_WHITESPACE.sub("", chunk.split("，")[-1])) or \
                        _RETROSPECT.search(chunk):
                    continue
                spans.extend(self._clause_tasks(index, sentence.start, lists=True, cued=True))
            if not spans and line is not None and line_future and not directive:
                spans = self._plain_paragraph_task(para)
            if not spans:
                continue
            if current is None:
                if line is not None:
                    start, end = _trim(doc.norm, *doc.paragraphs[line])
                    title = _WHITESPACE.sub("", doc.text[start:end]).strip("#*") or OTHER_TASKS_TITLE
                    current = _Group(title[:TITLE_MAX_CHARS], start, end)
                elif meeting:
                    sentence = doc.sentences[spans[0][2]]
                    current = _Group(REQUIRED_ITEMS_TITLE, sentence.start, sentence.end, kind=AREA_REQUIRED)
                else:
                    current = _Group(OTHER_TASKS_TITLE, para_start, para_start, kind=AREA_OTHER)
                groups.append(current)
            current.tasks.extend(spans)
        return groups

    def _plain_paragraph_task(self, para: int) -> list[_Span]:
        """Under a title line like "2024年工作展望", a paragraph of plans is one task."""
        doc = self.doc
        text = doc.para_text(para)
        if para in doc.item_paras or all(index in self.used_sentences for index in doc.para_sentences[para]):
            return []
        if _looks_like_title(text) or re.search(r"了(?!解)", text) or len(text.strip()) < 16:
            return []
        if text.rstrip().endswith("：") or not _ACTION.search(text) or _RETROSPECT.search(text) or "为指导" in text \
                or _LOGISTICS.search(text):
            return []
        first = doc.para_sentences[para][0]
        start, end = _trim(doc.norm, *doc.paragraphs[para])
        sentence = doc.sentences[first]
        cut = min(end, sentence.end)
        start, cut = _trim(doc.norm, start, cut)
        return [(start, cut, first, sentence.start, sentence.end)] if start < cut else []


def _subject_stripped(chunk: str) -> str:
    match = re.match(rf"[^，。；：]{{0,20}}?{_MODAL_YAO}", chunk)
    return chunk[match.end():] if match else chunk


def _work_list(key: str, start: int, end: int) -> list[tuple[int, int]]:
    """The pieces of work a clause lists ("抓好A、B、C", "突出A、突出B", "A、B、C三个方面"), or nothing."""
    found: list[tuple[int, int]] = []
    part_start = start
    for match in re.finditer(r"[，]|$", key[start:end]):
        part_end = start + match.start()
        found.extend(_pieces(key, part_start, part_end))
        part_start = start + match.end()
        if part_end >= end:
            break
    return found


def _pieces(key: str, start: int, end: int) -> list[tuple[int, int]]:
    part = key[start:end]
    if part.count("、") < 2:
        return []
    seps = [start + match.start() for match in re.finditer("、", part)]
    items = [(left + 1, right) for left, right in pairwise([start - 1, *seps, end])]
    close = _LIST_CLOSE.search(key, *items[-1])
    if close:
        items[-1] = (items[-1][0], close.start())
    first_text = key[items[0][0]:items[0][1]]
    rest = [key[left:right] for left, right in items[1:]]
    if any(not 4 <= len(text) <= 16 for text in rest):
        return []
    verbs = [bool(_VERB_START.match(text)) for text in rest]
    same_verb = all(verbs) and len({text[:2] for text in rest}) == 1 and rest[0][:2] in first_text
    governed = _LIST_VERBS.match(first_text)
    if same_verb:
        first = (items[0][0] + first_text.rfind(rest[0][:2]), items[0][1])
    elif governed and not any(verbs):
        first = items[0]
    elif close:
        lead = _LEADING_PREPOSITION.match(first_text)
        first = (items[0][0] + (1 if lead else 0), items[0][1])
    else:
        return []
    if first[1] - first[0] < 4:
        return []
    return [first, *items[1:]]


def _other_group(spans: list[_Span]) -> list[_Group]:
    """Tasks outside any focus area; the group has no source sentence of its own."""
    if not spans:
        return []
    return [_Group(OTHER_TASKS_TITLE, spans[0][0], spans[0][0], spans, kind=AREA_OTHER)]


# --- units and leaders -------------------------------------------------------------------------------------------

_UNIT_NOTE = re.compile(r"[〔（【\[]\s*(?:责任单位|牵头单位|责任部门|牵头部门)[：]\s*(?P<units>[^〕）】\]]{2,120})[〕）】\]]")
_LEAD_NOTE = re.compile(
    r"（(?P<lead>[^（）]{2,80}?)牵头(?:[，、；]\s*(?P<co>[^（）]{2,80}?)(?:按职责分工|按职责)?(?:负责|配合))?[）]")
_UNIT_LINE = re.compile(r"\s*(?:牵头|责任|配合|协同)(?:单位|部门)[：]")
_LEAD_LINE = re.compile(r"牵头(?:单位|部门)[：]\s*(?P<units>[^\n。]{2,80})")
_CO_LINE = re.compile(r"(?:责任|配合|协同)(?:单位|部门)[：]\s*(?P<units>[^\n。]{2,80})")
_BY_UNIT = re.compile(r"由(?P<unit>[^，。；、由]{2,20}?)(?:牵头|负责)")
_UNIT_SUFFIX = "(?:局|委|办|办公室|部|中心|镇|乡|街道|政府|公司|院|所|队|站|处|组|区|管委会|集团|专班|指挥部)"
_SUBJECT_UNIT = re.compile(rf"(?:会议(?:要求|强调|指出))?(?P<unit>[^，。；：、\s]{{2,18}}?{_UNIT_SUFFIX})(?:要|牵头|负责)")
_GENERIC_SUBJECT = re.compile(r"^(?:各|有关|相关|全县|全市|全区|各级|本|我|会议)")
_POST = re.compile(
    r"由?(?P<post>(?:[市县区镇]委)?(?:常务)?副?(?:书记|市长|县长|区长|镇长|主任)|分管[^，。；]{1,10}?的?副?[市县区]长)"
    r"(?:同志)?(?:牵头|负责|领衔|挂帅|包抓)"
)


class _Namer:
    def __init__(self, unit_keywords: Mapping[str, Sequence[str]] | None,
                 leader_posts: Mapping[str, Sequence[str]] | None):
        self.aliases: list[tuple[str, str]] = []
        for name, keywords in (unit_keywords or {}).items():
            words = [keywords] if isinstance(keywords, str) else list(keywords)
            for alias in dict.fromkeys([name, *words]):
                if alias and len(alias) >= 2:
                    self.aliases.append((alias, name))
        self.aliases.sort(key=lambda pair: -len(pair[0]))
        self.known = unit_keywords is not None
        self.posts = set(leader_posts) if leader_posts is not None else None

    def unit(self, written: str) -> str | None:
        written = written.strip(" ：，。；、")
        if not written:
            return None
        if not self.known:
            return written
        for alias, name in self.aliases:
            if alias == written or (len(alias) >= 3 and alias in written):
                return name
        return None

    def units(self, doc: _Document, span: _Span) -> tuple[str | None, tuple[str, ...]]:
        """Lead and co-units from the notes in the task's context, else from "由…牵头" or the task's subject."""
        start, end, _, context_start, context_end = span

        def names(match: re.Match, group: str) -> list[str]:
            return _split_units(doc.norm[match.start(group):match.end(group)]) if match[group] else []

        leads: list[str] = []
        co: list[str] = []
        for match in _UNIT_NOTE.finditer(doc.key, context_start, context_end):
            found = names(match, "units")
            leads, co = leads or found[:1], co + found[1:]
        for match in _LEAD_NOTE.finditer(doc.key, context_start, context_end):
            found = names(match, "lead")
            leads, co = leads or found[:1], co + found[1:] + names(match, "co")
        if not leads and not co:
            for match in _LEAD_LINE.finditer(doc.key, context_start, context_end):
                leads = leads or names(match, "units")[:1]
            for match in _CO_LINE.finditer(doc.key, context_start, context_end):
                co += names(match, "units")
        if not leads:
            match = _BY_UNIT.search(doc.key, start, end) or _SUBJECT_UNIT.match(doc.key, start, end)
            if match and not _GENERIC_SUBJECT.match(match["unit"]):
                leads = [doc.norm[match.start("unit"):match.end("unit")]]
        named = [self.unit(name) for name in leads + co]
        lead = named[0] if named else None
        return lead, tuple(dict.fromkeys(name for name in named[1:] if name and name != lead))

    def post(self, task_text: str) -> str | None:
        match = _POST.search(task_text)
        if not match:
            return None
        post = match["post"]
        if self.posts is None:
            return post
        return next((known for known in self.posts if known == post or known.endswith(post)), None)


def _split_units(text: str) -> list[str]:
    text = re.sub(r"(?:按職責分工|按职责分工|按职责|按職責)?(?:负责|負責|配合)$", "", text.strip())
    return [name.strip() for name in re.split(r"[、，；]|(?<=\w{3})及(?=\w{3})", text) if name.strip()]


def suggest_unit(text: str, unit_keywords: Mapping[str, Sequence[str]] = DEFAULT_UNIT_KEYWORDS) -> str | None:
    """The office's guess from the subject matter, kept apart from what the text names (the demo fills in with it)."""
    return _best(text, unit_keywords)


def suggest_leader_post(text: str, leader_posts: Mapping[str, Sequence[str]] = DEFAULT_LEADER_POSTS) -> str | None:
    return _best(text, leader_posts)


def _best(text: str, mapping: Mapping[str, Sequence[str]]) -> str | None:
    """The name whose longest matching keyword is longest; more matched text, then an earlier match, break ties."""
    best_key, best_name = None, None
    for name, keywords in mapping.items():
        words = [kw for kw in dict.fromkeys([name, *([keywords] if isinstance(keywords, str) else keywords)]) if kw]
        hits = [kw for kw in words if kw in text]
        if not hits:
            continue
        key = (max(map(len, hits)), sum(map(len, hits)), -min(text.find(kw) for kw in hits))
        if best_key is None or key > best_key:
            best_key, best_name = key, name
    return best_name


# --- output ------------------------------------------------------------------------------------------------------


def _focus_area(doc: _Document, group: _Group, namer: _Namer) -> DraftFocusArea:
    sentence = "" if group.is_other else doc.text[group.start:group.end]
    tasks = tuple(_task(doc, span, namer) for span in group.tasks)
    return DraftFocusArea(group.title, sentence, group.start, group.end, tasks, group.kind)


def _task(doc: _Document, span: _Span, namer: _Namer) -> DraftTask:
    start, end, index, _, _ = span
    sentence = doc.sentences[index]
    # A paragraph never ends inside a task, so a line break here comes from wrapping and goes.
    text = _WRAPPED_LINE.sub("", doc.text[start:end])
    lead, co = namer.units(doc, span)
    return DraftTask(text, doc.text[sentence.start:sentence.end], sentence.start, sentence.end, lead,
                     namer.post(doc.key[start:end]), co)

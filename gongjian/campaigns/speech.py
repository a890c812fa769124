"""Turn a leader's speech or meeting minutes into a draft task list (清单化), deterministically.

Structures recognised, strongest first:
- focus-area headings "以…为重点，在…上攻坚克难": every "要…" sentence after a heading, up to the next heading
  or the end of its paragraph (or its enumerated sub-items on following lines), is a task of that focus area;
- meeting minutes' "会议议定：一、…二、…": each agreed item is a task of the focus area "会议议定事项";
- enumerations 一、/第一，/（一）/1./（1）/①/一是/bullets: leaf items are tasks, grouped under their parent item,
  or under "其他任务" when they have none;
- only when none of those occur, paragraphs chaining two or more "要…" sentences give "其他任务".

A sentence chaining several "要" clauses with "；" or "，要" yields one task per clause; otherwise a sentence is
one task however many actions it lists. Every task keeps the offsets of its source sentence.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

OTHER_TASKS_TITLE = "其他任务"
AGREED_ITEMS_TITLE = "会议议定事项"
NOTHING_FOUND_MESSAGE = (
    "未识别到重点方向或任务：请确认文本包含“以…为重点，在…上攻坚克难”、“要…”、一是/二是、（一）（二）、"
    "1. 2. 编号列表或“会议议定：”等结构。"
)
EMPTY_TEXT_MESSAGE = "讲话稿内容为空，未识别到重点方向或任务。"
FALLBACK_LEADER_POST = "市长"
TITLE_MAX_CHARS = 40

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


@dataclass(frozen=True)
class DraftFocusArea:
    title: str
    sentence: str
    start: int
    end: int
    tasks: tuple[DraftTask, ...]


@dataclass(frozen=True)
class SpeechDraft:
    focus_areas: tuple[DraftFocusArea, ...]
    message: str | None

    def as_dict(self) -> dict:
        return {
            "focus_areas": [
                {
                    "title": area.title,
                    "sentence": area.sentence,
                    "start": area.start,
                    "end": area.end,
                    "tasks": [
                        {
                            "text": task.text,
                            "sentence": task.sentence,
                            "lead_unit": task.lead_unit,
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
    if not text or not text.strip():
        return SpeechDraft((), EMPTY_TEXT_MESSAGE)
    doc = _Document(text)
    groups = _Grouper(doc).groups()
    if not groups:
        return SpeechDraft((), NOTHING_FOUND_MESSAGE)
    units = _Suggester(DEFAULT_UNIT_KEYWORDS if unit_keywords is None else unit_keywords)
    posts = _Suggester(DEFAULT_LEADER_POSTS if leader_posts is None else leader_posts)
    return SpeechDraft(tuple(_focus_area(doc, group, units, posts) for group in groups), None)


# --- text layout -------------------------------------------------------------------------------------------------

# Every replacement is one character for one, so offsets found in the normalised text are offsets in the input.
_TRANSLATION = str.maketrans({
    ",": "，", ";": "；", ":": "：", "!": "！", "?": "？", "(": "（", ")": "）",
    "\t": " ", "\u3000": " ", "\xa0": " ",
    "\u2028": "\n", "\u2029": "\n", "\x0b": "\n", "\x0c": "\n", "\x85": "\n",
})
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


def _normalise(text: str) -> str:
    norm = _LONE_CR.sub("\n", text.translate(_TRANSLATION)).replace("\r", " ")
    return _FULL_STOP.sub("。", norm)


@dataclass(frozen=True)
class _Sentence:
    start: int
    end: int
    para: int


def _paragraph_spans(norm: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = end = -1
    previous = ""
    position = 0
    for line in norm.split("\n"):
        line_start, position = position, position + len(line) + 1
        body = line.strip()
        if start >= 0 and (not body or _breaks_before(previous, body)):
            spans.append((start, end))
            start = -1
        if not body:
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
    r"|(?P<circled>[①-⑳])"
    rf"|(?P<shi>{_CN_NUMERAL})是"
    r"|(?P<bullet>[•·●○■□◆◇▪▸►※]|——|[-*](?=\s))"
    r")\s*"
)
# Official documents nest 一、 > （一） > 1. > （1）; speeches put 第一 near the top and 一是 inside a paragraph.
_RANK = {"cn_dun": 0, "di": 1, "cn_paren": 2, "num_dot": 3, "num_paren": 4, "shi": 5, "circled": 6, "bullet": 7}
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


def _link(items: list[_Item], sentences: list[_Sentence]) -> list[_Item]:
    stack: list[int] = []
    for index, item in enumerate(items):
        while stack and items[stack[-1]].rank >= item.rank:
            stack.pop()
        if stack:
            item.parent = stack[-1]
            items[stack[-1]].is_parent = True
        stack.append(index)
        following = items[index + 1] if index + 1 < len(items) else None
        item.end = following.pos if following and following.sent == item.sent else sentences[item.sent].end
    return items


# --- headings, cues and clauses ----------------------------------------------------------------------------------

_SPEAKER = re.compile(r"[^，。；：！？]{1,12}?(?:强调|指出|要求|提出|表示|认为|希望)[，：]")
_HEADING = re.compile(
    r"\s*(?:[^，。；：！？]{1,12}?(?:强调|指出|要求|提出|表示)[，：])?"
    r"(?:[^，。；：！？]{0,8}?要)?"
    r"以(?P<topic>[^，。；：！？]{2,24}?)为重点"
    r"(?:\s*，?\s*在(?P<focus>[^。；：！？]{2,60}?)上(?P<verb>[^，。；：！？上]{1,8}))?"
    r"(?=[。！？；：]|$)"
)
_AGREED_COLON = re.compile(r"(?:会议|经)(?:研究)?(?:议定|商定|决定|明确)(?:事项)?(?:如下)?：|议定(?:事项)?(?:如下)?：")
_AGREED_LINE = re.compile(r"(?:会议)?(?:议定|商定|决定)事项(?:如下)?[。]?$")
_MODAL_YAO = "(?<![重主需必只想将首提摘纲])要(?![求素点闻事件害职案塞紧领务员道隘地])"
_LEADS_WITH_YAO = re.compile(rf"[^，。；：！？]{{0,8}}?{_MODAL_YAO}")
_CLAUSE_BREAK = re.compile(rf"；|，(?=\s*{_MODAL_YAO})")
_ACTION = re.compile(
    rf"{_MODAL_YAO}|推进|推动|加快|抓好|抓实|落实|实施|完善|健全|建立|建设|开展|强化|加强|提升|提高|促进|深化|优化|"
    r"打造|做好|做强|做大|确保|坚持|着力|聚焦|严格|守牢|完成|开工|培育|引进|整治|保障|制定|出台|启动|负责|牵头"
)


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


def _speaker_end(norm: str, start: int, end: int) -> int:
    match = _SPEAKER.match(norm[start:end])
    return start + match.end() if match else start


def _leads_with_yao(norm: str, sentence: _Sentence) -> bool:
    start = _speaker_end(norm, sentence.start, sentence.end)
    return bool(_LEADS_WITH_YAO.match(norm[start:sentence.end]))


# --- grouping ----------------------------------------------------------------------------------------------------

_Span = tuple[int, int, int]  # text start, text end, sentence index


@dataclass
class _Group:
    title: str
    start: int
    end: int
    tasks: list[_Span] = field(default_factory=list)
    is_other: bool = False


class _Document:
    def __init__(self, text: str):
        self.text = text
        self.norm = _normalise(text)
        self.sentences = _sentences(self.norm, _paragraph_spans(self.norm))
        self.items = _link(_validated(_find_markers(self.norm, self.sentences)), self.sentences)
        self.item_positions = [item.pos for item in self.items]
        self.item_at = {item.pos: index for index, item in enumerate(self.items)}

    def items_between(self, start: int, end: int) -> range:
        return range(bisect.bisect_left(self.item_positions, start), bisect.bisect_left(self.item_positions, end))

    def leading_item(self, sentence: _Sentence) -> _Item | None:
        index = self.item_at.get(sentence.start)
        return None if index is None else self.items[index]


class _Grouper:
    def __init__(self, doc: _Document):
        self.doc = doc
        self.used_items: set[int] = set()
        self.used_sentences: set[int] = set()
        self.by_heading_sentence: dict[int, _Group] = {}

    def groups(self) -> list[_Group]:
        groups = self._heading_groups() + self._agreed_groups() + self._enumeration_groups()
        if not groups:
            groups = self._yao_chain_groups()
        named = sorted((group for group in groups if not group.is_other), key=lambda group: group.start)
        return named + [group for group in groups if group.is_other]

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
            found = _heading_match(self.doc.norm, sentence, item.body if item else sentence.start)
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
                elif sentence.para != para + 1 or not _LEADS_WITH_YAO.match(self.doc.norm, sentence.start):
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

    def _clause_tasks(self, index: int, start: int) -> list[_Span]:
        norm, end = self.doc.norm, self.doc.sentences[index].end
        start = _speaker_end(norm, start, end)
        bounds = [start] + [m.start() + start for m in _CLAUSE_BREAK.finditer(norm[start:end])] + [end]
        spans = []
        for left, right in pairwise(bounds):
            left, right = _trim(norm, left, right)
            if left < right and _ACTION.search(norm[left:right]):
                spans.append((left, right, index))
        return spans

    def _item_span(self, index: int) -> _Span:
        item = self.doc.items[index]
        start, end = _trim(self.doc.norm, item.body, item.end)
        return start, end, item.sent

    def _consume_items(self, indexes) -> None:
        self.used_items.update(indexes)

    def _agreed_groups(self) -> list[_Group]:
        cues = self._agreed_cues()
        if not cues:
            return []
        first = self.doc.sentences[cues[0][0]]
        group = _Group(AGREED_ITEMS_TITLE, first.start, first.end)
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
            chunk = self.doc.norm[sentence.start:sentence.end]
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
            return [(start, end, index)]
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
            spans.append((start, end, following))
        return spans

    def _enumeration_groups(self) -> list[_Group]:
        by_parent: dict[int, _Group] = {}
        orphans: list[_Span] = []
        sectioned_runs = {item.run for item in self.doc.items if item.is_parent}
        for index, item in enumerate(self.doc.items):
            if index in self.used_items or item.is_parent:
                continue
            span = self._item_span(index)
            # In a list whose other items have sub-items, an item without any is a section title like 总体要求.
            if item.run in sectioned_runs and not _ACTION.search(self.doc.norm, span[0], span[1]):
                continue
            if span[0] < span[1]:
                (orphans if item.parent < 0 else self._group_for(item.parent, by_parent).tasks).append(span)
        return list(by_parent.values()) + _other_group(orphans)

    def _group_for(self, parent: int, by_parent: dict[int, _Group]) -> _Group:
        item = self.doc.items[parent]
        if item.sent in self.by_heading_sentence:
            return self.by_heading_sentence[item.sent]
        if parent not in by_parent:
            start, end = _trim(self.doc.norm, item.body, item.end)
            cut = _CLAUSE_PUNCT.search(self.doc.norm, start, end)
            title = self.doc.text[start:cut.start() if cut else end] or OTHER_TASKS_TITLE
            sentence = self.doc.sentences[item.sent]
            by_parent[parent] = _Group(title[:TITLE_MAX_CHARS], sentence.start, sentence.end)
        return by_parent[parent]

    def _yao_chain_groups(self) -> list[_Group]:
        spans: list[_Span] = []
        chain: list[int] = []
        for index, sentence in enumerate(self.doc.sentences):
            if chain and self.doc.sentences[chain[-1]].para != sentence.para:
                spans.extend(self._chain_tasks(chain))
                chain = []
            if _leads_with_yao(self.doc.norm, sentence):
                chain.append(index)
        spans.extend(self._chain_tasks(chain))
        return _other_group(spans)

    def _chain_tasks(self, chain: list[int]) -> list[_Span]:
        if len(chain) < 2:
            return []
        return [span for index in chain for span in self._clause_tasks(index, self.doc.sentences[index].start)]


def _other_group(spans: list[_Span]) -> list[_Group]:
    """Tasks outside any focus area; the group has no source sentence of its own."""
    if not spans:
        return []
    return [_Group(OTHER_TASKS_TITLE, spans[0][0], spans[0][0], spans, is_other=True)]


# --- suggestions and output --------------------------------------------------------------------------------------


class _Suggester:
    def __init__(self, mapping: Mapping[str, Sequence[str]]):
        """A name is its own keyword, so "由财政局负责" suggests 财政局 whatever the keyword lists say."""
        self._entries = [
            (name, tuple(kw for kw in dict.fromkeys([name, *([keywords] if isinstance(keywords, str) else keywords)])
                         if kw))
            for name, keywords in mapping.items()
        ]

    def best(self, text: str) -> str | None:
        """The name whose longest matching keyword is longest; more matched text, then an earlier match, break ties."""
        best_key, best_name = None, None
        for name, keywords in self._entries:
            hits = [kw for kw in keywords if kw in text]
            if not hits:
                continue
            key = (max(map(len, hits)), sum(map(len, hits)), -min(text.find(kw) for kw in hits))
            if best_key is None or key > best_key:
                best_key, best_name = key, name
        return best_name


def _focus_area(doc: _Document, group: _Group, units: _Suggester, posts: _Suggester) -> DraftFocusArea:
    sentence = "" if group.is_other else doc.text[group.start:group.end]
    tasks = tuple(_task(doc, span, units, posts) for span in group.tasks)
    return DraftFocusArea(group.title, sentence, group.start, group.end, tasks)


def _task(doc: _Document, span: _Span, units: _Suggester, posts: _Suggester) -> DraftTask:
    start, end, index = span
    sentence = doc.sentences[index]
    # A paragraph never ends inside a task, so a line break here comes from wrapping and goes.
    text = _WRAPPED_LINE.sub("", doc.text[start:end])
    return DraftTask(text, doc.text[sentence.start:sentence.end], sentence.start, sentence.end, units.best(text),
                     posts.best(text) or FALLBACK_LEADER_POST)

import json
import re
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongjian.campaigns.speech import (
    AGREED_ITEMS_TITLE,
    AREA_AGREED,
    AREA_DEPLOYMENT,
    AREA_REQUIRED,
    DEFAULT_LEADER_POSTS,
    DEFAULT_UNIT_KEYWORDS,
    EMPTY_TEXT_MESSAGE,
    NOTHING_FOUND_MESSAGE,
    OTHER_TASKS_TITLE,
    REQUIRED_ITEMS_TITLE,
    TITLE_MAX_CHARS,
    SpeechDraft,
    parse_speech,
    suggest_leader_post,
    suggest_unit,
)

DATA = Path(__file__).resolve().parent / "data"
SEED_TEXT = (Path(__file__).resolve().parents[2] / "gongjian" / "demo" / "data" / "laixi-2023-mobilization.txt").read_text(
    encoding="utf-8")
LABELS = json.loads((DATA / "seed_labels.json").read_text(encoding="utf-8"))
# CI clones the repository next to shared/, so the original seed is a sibling of the repository root.
SHARED_SEED = Path(__file__).resolve().parents[2].parent / "shared" / "seed" / "laixi-2023-mobilization.txt"


def tasks_of(draft: SpeechDraft) -> list:
    return [task for area in draft.focus_areas for task in area.tasks]


def texts_of(draft: SpeechDraft) -> list[str]:
    return [task.text for task in tasks_of(draft)]


def only_area(draft: SpeechDraft):
    assert len(draft.focus_areas) == 1, [area.title for area in draft.focus_areas]
    return draft.focus_areas[0]


def area_for(draft: SpeechDraft, sentence_part: str):
    matches = [area for area in draft.focus_areas if sentence_part in area.sentence]
    assert len(matches) == 1, (sentence_part, [area.title for area in draft.focus_areas])
    return matches[0]


def precision_recall(draft: SpeechDraft, labels: dict) -> tuple[float, float]:
    """A predicted task is right when it contains a labelled clause and sits in the labelled focus area."""
    predicted = len(tasks_of(draft))
    expected = sum(len(area["tasks"]) for area in labels["focus_areas"])
    matched = 0
    for labelled in labels["focus_areas"]:
        candidates = [area for area in draft.focus_areas if labelled["sentence_contains"] in unwrapped(area.sentence)]
        unused = [unwrapped(task.text) for area in candidates for task in area.tasks]
        for clause in labelled["tasks"]:
            hit = next((text for text in unused if clause in text), None)
            if hit is not None:
                unused.remove(hit)
                matched += 1
    return (matched / predicted if predicted else 0.0), matched / expected


def assert_offsets_and_shape(text: str, draft: SpeechDraft) -> None:
    assert (draft.message is None) == bool(draft.focus_areas)
    for area in draft.focus_areas:
        assert text[area.start:area.end] == area.sentence
        assert 0 < len(area.title) <= TITLE_MAX_CHARS
        for task in area.tasks:
            assert text[task.start:task.end] == task.sentence
            assert task.text and task.text == task.text.strip()
            assert unwrapped(task.text) in unwrapped(task.sentence)


def unwrapped(text: str) -> str:
    return re.sub(r"\s", "", text)


# --- the seed speech ---------------------------------------------------------------------------------------------


def test_seed_copy_matches_shared_seed():
    if not SHARED_SEED.exists():
        pytest.skip("shared/ is not checked out next to the repository")
    assert SHARED_SEED.read_text(encoding="utf-8") == SEED_TEXT


def test_labels_are_taken_from_the_seed_text():
    for area in LABELS["focus_areas"]:
        assert SEED_TEXT.count(area["sentence_contains"]) == 1
        for clause in area["tasks"]:
            assert clause in SEED_TEXT, clause


def test_seed_finds_every_focus_area():
    draft = parse_speech(SEED_TEXT)
    assert draft.message is None
    # The seven 以…为重点 areas, then the mayor's deployment.
    assert len(draft.focus_areas) == len(LABELS["focus_areas"]) == 8
    for labelled in LABELS["focus_areas"]:
        area = area_for(draft, labelled["sentence_contains"])
        assert labelled["title_contains"] in area.title


def test_seed_focus_areas_keep_speech_order_and_short_titles():
    draft = parse_speech(SEED_TEXT)
    starts = [area.start for area in draft.focus_areas]
    assert starts == sorted(starts)
    assert draft.focus_areas[0].title == "深化双招双引：在强力推动项目建设、促进实体经济健康发展上攻坚克难"
    assert all(len(area.title) <= TITLE_MAX_CHARS for area in draft.focus_areas)


def test_seed_tasks_precision_and_recall_at_least_0_9():
    precision, recall = precision_recall(parse_speech(SEED_TEXT), LABELS)
    print(f"seed tasks: precision={precision:.3f} recall={recall:.3f}")
    assert precision >= 0.9
    assert recall >= 0.9


def test_seed_has_forty_tasks_or_more():
    assert len(tasks_of(parse_speech(SEED_TEXT))) >= 40
    assert sum(len(area["tasks"]) for area in LABELS["focus_areas"]) >= 40


def test_seed_mayors_deployment_is_a_focus_area_named_after_her_part():
    area = area_for(parse_speech(SEED_TEXT), "刘瑛在部署全年经济工作时强调")
    assert (area.title, area.kind) == ("全年经济工作部署", AREA_DEPLOYMENT)
    texts = [task.text for task in area.tasks]
    # "抓好A、B、C…" lists six pieces of work; "做强…、做大…、做优…三个方面" three.
    assert texts[texts.index("抓好基础设施建设"):texts.index("抓好基础设施建设") + 6] == [
        "抓好基础设施建设", "老旧街区改造", "公园城市建设", "水利设施建设", "违法建设整治", "文明城市创建"]
    assert {"做强制造业", "做大服务业", "做优营商环境"} <= set(texts)
    assert any(text.startswith("要狠抓项目建设") for text in texts)


def test_seed_ignores_exhortations_and_working_methods():
    texts = texts_of(parse_speech(SEED_TEXT))
    for phrase in ("要收心", "凝聚合力", "研判形势", "拉高标杆", "市级带头", "红黄绿牌"):
        assert not any(phrase in text for text in texts), phrase
    assert OTHER_TASKS_TITLE not in [area.title for area in parse_speech(SEED_TEXT).focus_areas]


def test_seed_names_no_unit_or_leader_it_does_not_say():
    for task in tasks_of(parse_speech(SEED_TEXT)):
        assert (task.lead_unit, task.co_units, task.leader_post) == (None, (), None)


def test_source_offsets_point_at_the_exact_sentence():
    draft = parse_speech(SEED_TEXT)
    assert_offsets_and_shape(SEED_TEXT, draft)
    first = draft.focus_areas[0].tasks[0]
    assert SEED_TEXT[first.start:first.end] == "要建强园区、消化存量、理顺机制,促进“突破姜山”起声势见成效。"


def test_sentence_listing_several_actions_stays_one_task():
    draft = parse_speech(SEED_TEXT)
    task = draft.focus_areas[0].tasks[0]
    assert task.text == "要建强园区、消化存量、理顺机制,促进“突破姜山”起声势见成效"
    high_speed = next(task for task in tasks_of(draft) if "高铁新城" in task.text)
    assert "主动做好后续建设" in high_speed.text


def test_heading_introduced_by_the_speaker_is_found():
    area = area_for(parse_speech(SEED_TEXT), "以基础设施建设为重点")
    assert area.sentence.startswith("周科强调,要以基础设施建设为重点")
    assert area.title.startswith("基础设施建设")


def test_topic_containing_yao_is_a_heading_not_a_task():
    area = area_for(parse_speech(SEED_TEXT), "以事要真正解决为重点")
    assert area.title.startswith("事要真正解决")
    assert [task.text[:9] for task in area.tasks] == ["要建强基层战斗堡垒"]


def test_fullwidth_punctuation_and_crlf_give_the_same_draft():
    fullwidth = SEED_TEXT.replace(",", "，").replace(":", "：").replace("\n", "\r\n")
    ascii_stops = SEED_TEXT.replace("。", ".").replace("\n", "\r\n")
    for variant in (fullwidth, ascii_stops):
        draft = parse_speech(variant)
        assert_offsets_and_shape(variant, draft)
        assert len(draft.focus_areas) == 8
        assert min(precision_recall(draft, LABELS)) >= 0.9


def test_line_breaks_mid_sentence_do_not_split_tasks():
    wrapped = "\n".join(
        "\n".join(paragraph[i:i + 30] for i in range(0, len(paragraph), 30)) for paragraph in SEED_TEXT.split("\n")
    )
    draft = parse_speech(wrapped)
    assert_offsets_and_shape(wrapped, draft)
    assert len(draft.focus_areas) == 8
    assert min(precision_recall(draft, LABELS)) >= 0.9


def test_long_text_is_parsed_in_linear_time():
    copies = 200_000 // len(SEED_TEXT) + 1
    started = time.perf_counter()
    draft = parse_speech(SEED_TEXT * copies)
    elapsed = time.perf_counter() - started
    print(f"{copies} copies, {copies * len(SEED_TEXT)} chars: {elapsed:.2f}s")
    assert len(draft.focus_areas) == 8 * copies
    assert elapsed < 10


@pytest.mark.parametrize("text", ["要" * 200_000, "一是，" * 70_000, "（一）" * 70_000, "a\n" * 100_000])
def test_long_degenerate_text_does_not_hang(text):
    started = time.perf_counter()
    assert_offsets_and_shape(text, parse_speech(text))
    # Linear work takes a few seconds even on a busy shared machine; a quadratic pass would take minutes.
    assert time.perf_counter() - started < 20


# --- other structures --------------------------------------------------------------------------------------------


def test_yishi_ershi_structure():
    text = "今年要重点抓好三项工作：一是加快项目建设，确保新开工项目50个；二是优化营商环境，深化“放管服”改革；三是加强民生保障。"
    draft = parse_speech(text)
    area = only_area(draft)
    assert area.title == OTHER_TASKS_TITLE
    assert [task.text for task in area.tasks] == [
        "加快项目建设，确保新开工项目50个",
        "优化营商环境，深化“放管服”改革",
        "加强民生保障",
    ]
    assert {task.sentence for task in area.tasks} == {text}
    assert_offsets_and_shape(text, draft)


def test_lone_yishi_is_not_a_list():
    assert parse_speech("我们的体会，一是必须坚持团结。").message == NOTHING_FOUND_MESSAGE


def test_parenthesised_numbers():
    text = "（一）加快项目建设。全年实施重点项目100个。\n（二）优化营商环境。推进“一网通办”。\n（三）保障改善民生。"
    assert texts_of(parse_speech(text)) == ["加快项目建设", "优化营商环境", "保障改善民生"]
    ascii_text = "(1) 加快项目建设; (2) 优化营商环境; (3) 保障改善民生."
    draft = parse_speech(ascii_text)
    assert texts_of(draft) == ["加快项目建设", "优化营商环境", "保障改善民生"]
    assert_offsets_and_shape(ascii_text, draft)


def test_nested_enumeration_groups_leaves_under_their_parent():
    text = (
        "一、总体要求\n坚持稳中求进。\n二、重点任务\n（一）实施招商引资攻坚。\n1. 引进亿元以上项目30个。\n"
        "2. 建立招商专班。\n（二）推进城市更新。\n1. 完成旧城改造10万平方米。\n2. 启动高铁新城建设。"
    )
    draft = parse_speech(text)
    assert [(area.title, [task.text for task in area.tasks]) for area in draft.focus_areas] == [
        ("实施招商引资攻坚", ["引进亿元以上项目30个", "建立招商专班"]),
        ("推进城市更新", ["完成旧城改造10万平方米", "启动高铁新城建设"]),
    ]
    assert_offsets_and_shape(text, draft)


def test_enumerated_focus_area_headings_take_their_sub_items():
    text = "一、以项目建设为重点\n（一）加快土地收储。\n（二）优化审批流程。\n二、以民生改善为重点\n（一）新建学校3所。\n（二）改造老旧小区。"
    draft = parse_speech(text)
    assert [(area.title, [task.text for task in area.tasks]) for area in draft.focus_areas] == [
        ("项目建设", ["加快土地收储", "优化审批流程"]),
        ("民生改善", ["新建学校3所", "改造老旧小区"]),
    ]


def test_focus_area_ends_where_the_next_speaker_paragraph_begins():
    text = "以项目建设为重点，在扩大有效投资上攻坚克难。\n1. 加快土地收储。\n2. 优化审批流程。\n\n周科要求，要最大限度凝聚合力。"
    assert texts_of(parse_speech(text)) == ["加快土地收储", "优化审批流程"]


def test_enumeration_outside_focus_areas_goes_to_other_tasks():
    text = (
        "以项目建设为重点，在扩大有效投资上攻坚克难。要加快土地收储。\n\n"
        "刘瑛强调，一是狠抓招商引资；二是狠抓要素保障。"
    )
    draft = parse_speech(text)
    assert [(area.title, [task.text for task in area.tasks]) for area in draft.focus_areas] == [
        ("项目建设：在扩大有效投资上攻坚克难", ["要加快土地收储"]),
        (OTHER_TASKS_TITLE, ["狠抓招商引资", "狠抓要素保障"]),
    ]
    assert_offsets_and_shape(text, draft)


def test_chained_yao_clauses_in_one_sentence_are_split():
    text = "以项目建设为重点，在扩大有效投资上攻坚突破。要加快土地收储；要优化审批流程，要落实资金保障。"
    area = only_area(parse_speech(text))
    assert area.title == "项目建设：在扩大有效投资上攻坚突破"
    assert [task.text for task in area.tasks] == ["要加快土地收储", "要优化审批流程", "要落实资金保障"]
    assert len({task.sentence for task in area.tasks}) == 1


def test_meeting_minutes_agreed_items():
    text = (
        "莱西市政府常务会议纪要\n2023年3月1日，市政府召开常务会议。会议议定：一、由住建局牵头，4月底前完成旧城改造方案；"
        "二、由财政局负责落实专项债资金；三、由投资促进中心牵头组建招商专班。"
    )
    draft = parse_speech(text)
    area = only_area(draft)
    assert area.title == AGREED_ITEMS_TITLE
    assert area.sentence.startswith("会议议定：")
    assert [(task.text, task.lead_unit) for task in area.tasks] == [
        ("由住建局牵头，4月底前完成旧城改造方案", "住建局"),
        ("由财政局负责落实专项债资金", "财政局"),
        ("由投资促进中心牵头组建招商专班", "投资促进中心"),
    ]
    assert_offsets_and_shape(text, draft)


def test_meeting_minutes_items_on_their_own_lines():
    text = "会议纪要\n会议议定事项如下：\n1. 由住建局牵头完成旧城改造方案。\n2. 由财政局落实资金。\n会议要求，各单位要按时完成。"
    agreed, required = parse_speech(text).focus_areas
    assert (agreed.title, agreed.kind) == (AGREED_ITEMS_TITLE, AREA_AGREED)
    assert [task.text for task in agreed.tasks] == ["由住建局牵头完成旧城改造方案", "由财政局落实资金"]
    assert (required.title, required.kind) == (REQUIRED_ITEMS_TITLE, AREA_REQUIRED)
    assert [task.text for task in required.tasks] == ["各单位要按时完成"]


def test_meeting_minutes_single_unnumbered_item():
    area = only_area(parse_speech("会议听取了汇报。会议议定：由住建局牵头，4月底前完成旧城改造方案。"))
    assert [task.text for task in area.tasks] == ["由住建局牵头，4月底前完成旧城改造方案"]


@pytest.mark.parametrize(
    "text",
    [
        "2023年重点工作：\n1. 新开工亿元以上项目30个\n2. 完成旧城改造10万平方米\n3. 创建全国文明城市\n",
        "2023年重点工作：\n1、新开工亿元以上项目30个；\n2、完成旧城改造10万平方米；\n3、创建全国文明城市。",
        "2023年重点工作：\r\n1．新开工亿元以上项目30个\r\n2．完成旧城改造10万平方米\r\n3．创建全国文明城市",
    ],
)
def test_numbered_list(text):
    draft = parse_speech(text)
    assert only_area(draft).title == "2023年重点工作"
    assert texts_of(draft) == ["新开工亿元以上项目30个", "完成旧城改造10万平方米", "创建全国文明城市"]
    assert_offsets_and_shape(text, draft)


def test_decimals_and_stray_numbers_are_not_a_list():
    text = "全年增长3.5%，1、2月份回落，一、二季度持平。"
    assert parse_speech(text).message == NOTHING_FOUND_MESSAGE


@pytest.mark.parametrize("bullet", ["•", "-", "——"])
def test_bulleted_list(bullet):
    text = f"主要措施：\n{bullet} 建立招商专班\n{bullet} 实行红黄绿牌管理\n"
    assert texts_of(parse_speech(text)) == ["建立招商专班", "实行红黄绿牌管理"]


def test_di_yi_di_er_structure():
    text = "第一，要狠抓项目建设。第二，要优化营商环境。第三，要守牢安全底线。"
    assert texts_of(parse_speech(text)) == ["要狠抓项目建设", "要优化营商环境", "要守牢安全底线"]


def test_yao_chain_without_other_structure_goes_to_other_tasks():
    text = "刘瑛强调，要抓住项目引进建设这个“牛鼻子”。要狠抓项目建设，坚持每月调度。要狠抓要素保障。"
    area = only_area(parse_speech(text))
    assert area.title == OTHER_TASKS_TITLE
    assert area.sentence == ""
    assert [task.text for task in area.tasks] == ["要抓住项目引进建设这个“牛鼻子”", "要狠抓项目建设，坚持每月调度", "要狠抓要素保障"]


def test_yi_wei_zhongdian_inside_a_task_is_not_a_focus_area():
    draft = parse_speech("要以规上企业为重点，开展安全生产大检查。要以学校为重点，排查消防隐患。")
    assert only_area(draft).title == OTHER_TASKS_TITLE
    assert len(tasks_of(draft)) == 2


def test_plain_text_gives_empty_draft_with_message():
    draft = parse_speech("今天天气很好，大家心情愉快。我们要好好学习。")
    assert draft.focus_areas == ()
    assert draft.message == NOTHING_FOUND_MESSAGE
    assert draft.as_dict() == {"focus_areas": [], "message": NOTHING_FOUND_MESSAGE}


@pytest.mark.parametrize("text", ["", "   ", "\r\n\r\n", "\u3000\t"])
def test_empty_text_gives_empty_draft_with_message(text):
    draft = parse_speech(text)
    assert draft.focus_areas == ()
    assert draft.message == EMPTY_TEXT_MESSAGE


# --- units and leaders: only what the text names -----------------------------------------------------------------


def test_unit_notes_give_lead_and_co_units():
    text = ("二、重点任务\n（一）加快项目建设。新开工项目50个。〔责任单位：县发改局、县自然资源局、县住建局〕\n"
            "（二）优化营商环境。推进“一网通办”。（县行政审批服务局牵头，县市场监管局、县大数据中心配合）\n"
            "（三）保障改善民生。\n牵头单位：县民政局\n责任单位：各乡镇、县财政局")
    tasks = tasks_of(parse_speech(text))
    assert [(task.text, task.lead_unit, task.co_units) for task in tasks] == [
        ("加快项目建设", "县发改局", ("县自然资源局", "县住建局")),
        ("优化营商环境", "县行政审批服务局", ("县市场监管局", "县大数据中心")),
        ("保障改善民生", "县民政局", ("各乡镇", "县财政局")),
    ]
    assert all(task.leader_post is None for task in tasks)


def test_plan_sections_that_frame_hold_no_tasks():
    text = ("一、指导思想\n坚持稳中求进，加快推进高质量发展。\n二、主要任务及措施\n"
            "（一）实施产业提升行动。培育规上企业10家。（责任单位：县工信局、县财政局）\n"
            "（二）实施城乡融合行动。推进镇驻地改造。（责任单位：县住建局）\n"
            "三、保障措施\n（一）加强组织领导。成立领导小组。\n（二）强化督导考核。")
    area = only_area(parse_speech(text))
    assert area.title == "主要任务及措施"
    assert [(task.text, task.lead_unit, task.co_units) for task in area.tasks] == [
        ("实施产业提升行动", "县工信局", ("县财政局",)), ("实施城乡融合行动", "县住建局", ())]


def test_named_units_are_matched_against_the_known_units():
    text = "一是县住建局要加快旧城改造；二是由县财政局负责落实资金；三是加强统筹。"
    known = {"住建局": ["住房和城乡建设局"], "财政局": []}
    assert [task.lead_unit for task in tasks_of(parse_speech(text, unit_keywords=known))] == ["住建局", "财政局", None]
    assert [task.lead_unit for task in tasks_of(parse_speech(text))] == ["县住建局", "县财政局", None]
    assert tasks_of(parse_speech(text, unit_keywords={"教体局": []}))[0].lead_unit is None


def test_no_unit_or_leader_is_guessed_from_the_subject_matter():
    task = tasks_of(parse_speech("一是充实招商力量；二是构建现代水网体系。"))[0]
    assert (task.lead_unit, task.co_units, task.leader_post) == (None, (), None)
    for subject in ("各部门", "有关单位", "相关部门"):
        assert tasks_of(parse_speech(f"会议要求，{subject}要加快推进项目建设。"))[0].lead_unit is None


def test_a_leader_post_is_kept_only_when_the_text_names_it():
    draft = parse_speech("会议议定：一、由常务副市长牵头，4月底前完成土地收储；二、财政局落实资金。")
    assert [task.leader_post for task in tasks_of(draft)] == ["常务副市长", None]
    known = parse_speech("会议议定：一、由常务副市长牵头完成土地收储；二、由市长负责招商。", leader_posts={"市长": []})
    assert [task.leader_post for task in tasks_of(known)] == [None, "市长"]


def test_a_unit_named_in_the_task_is_suggested():
    task = tasks_of(parse_speech("会议议定：由统计局负责核实数据。"))[0]
    assert task.lead_unit == "统计局"


@pytest.mark.parametrize(
    ("clause", "unit"),
    [
        ("抢抓预制菜产业风口", "农业农村局"),
        ("构建现代水网体系", "水利局"),
        ("深化“放管服”改革", "行政审批服务局"),
        ("进一步推进旧城旧村改造", "住建局"),
        ("促进“突破姜山”起声势见成效", "姜山镇"),
    ],
)
def test_the_offices_guess_is_kept_apart_from_the_draft(clause, unit):
    assert suggest_unit(clause) == unit
    assert tasks_of(parse_speech(f"一是{clause}；二是加强统筹。"))[0].lead_unit is None


def test_longest_keyword_wins_whatever_the_order():
    for keywords in ({"甲": ["城市"], "乙": ["城市更新"]}, {"乙": ["城市更新"], "甲": ["城市"]}):
        assert suggest_unit("推进城市更新", keywords) == "乙"
    assert suggest_leader_post("充实招商力量") == "分管工业和招商的副市长"
    assert suggest_unit("做好准备") is None


def test_default_maps_cover_the_laixi_departments():
    required = {"发改局", "工信局", "商务局", "投资促进中心", "自然资源局", "住建局", "农业农村局", "水利局", "文旅局",
                "卫健局", "教体局", "财政局", "行政审批服务局", "生态环境分局", "城管局", "综合行政执法局", "统计局",
                "信访局", "人社局", "民政局", "交通运输局", "市场监管局", "科技局", "组织部", "宣传部", "政法委",
                "应急局", "大数据局", "姜山镇", "莱西经济开发区"}
    assert required <= DEFAULT_UNIT_KEYWORDS.keys()
    assert {"市委书记", "市长", "常务副市长"} <= DEFAULT_LEADER_POSTS.keys()


# --- output ------------------------------------------------------------------------------------------------------


def test_as_dict_is_json_ready_and_mirrors_the_draft():
    draft = parse_speech(SEED_TEXT)
    data = json.loads(json.dumps(draft.as_dict(), ensure_ascii=False))
    assert data["message"] is None
    assert [area["title"] for area in data["focus_areas"]] == [area.title for area in draft.focus_areas]
    first = data["focus_areas"][0]["tasks"][0]
    assert set(first) == {"text", "sentence", "lead_unit", "co_units", "leader_post", "start", "end"}
    assert [area["kind"] for area in data["focus_areas"]] == [area.kind for area in draft.focus_areas]
    assert SEED_TEXT[first["start"]:first["end"]] == first["sentence"]


STRUCTURAL = st.text(
    alphabet=st.sampled_from(list("要以为重点在上攻坚克难一二三是、，。；：（）()1２.．,;:\n\r \t会议议定第•-—①甲乙")),
    max_size=300,
)


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=400), STRUCTURAL))
def test_parse_never_raises_and_offsets_always_slice_to_the_sentence(text):
    assert_offsets_and_shape(text, parse_speech(text))


def test_title_is_cut_to_the_limit_for_long_topics():
    topic = "加快推进" + "新旧动能转换" * 3
    draft = parse_speech(f"以{topic}为重点，在{'强力推动高质量发展' * 5}上攻坚克难。要抓好落实。")
    assert len(only_area(draft).title) <= TITLE_MAX_CHARS
    assert re.fullmatch(r"加快推进(新旧动能转换)+", only_area(draft).title)

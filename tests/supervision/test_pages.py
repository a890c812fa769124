"""The supervision pages as each member of the cast uses them: the card board and its lists, why a task is red,
overrides and hand-issued notices, the notices inbox, blockers, a unit's desk and the rules page."""

import io
import re
from datetime import date
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from gongjian.audit.models import AuditEvent
from gongjian.campaigns import services as campaign_services
from gongjian.supervision import services
from gongjian.supervision.jobs import supervise
from gongjian.supervision.models import Blocker, Card, CardOverride, Notice, Rule, SupervisionRun

pytestmark = pytest.mark.django_db

COUNT_LINK = re.compile(r'href="(/cards/list/\?[^"]*)" data-count="(\d+)"')
BLOCKER_LINK = re.compile(r'href="(/blockers/\?[^"]*)" data-count="(\d+)"')
ROW_COUNT = re.compile(r'id="row-count">(\d+)<')


def _html(response) -> str:
    return response.content.decode()


def _row_count(response) -> int:
    return int(ROW_COUNT.search(_html(response)).group(1))


def _events(object_type: str) -> list[str]:
    return list(AuditEvent.objects.filter(object_type=object_type).values_list("event", flat=True))


def _assert_counts_match_lists(client, html: str, pattern=COUNT_LINK, row_class="card-row") -> int:
    links = pattern.findall(html)
    assert links, "the page shows no counted links"
    for href, shown in links:
        listing = client.get(unescape(href))
        assert listing.status_code == 200, href
        assert _row_count(listing) == int(shown), href
        assert _html(listing).count(f'class="{row_class}') == int(shown), href
    return len(links)


# ---------------------------------------------------------------- card board and card list


def test_board_counts_by_colour_for_the_office(cast, client_for, sv_run):
    html = _html(client_for(cast.office).get("/cards/"))
    totals = dict(re.findall(r'card-(red|yellow|green)[^"]*" href="[^"]*" data-count="(\d+)"', html))
    assert totals == {"red": "1", "yellow": "1", "green": "1"}
    assert "按重点方向" in html and "按牵头单位" in html and "按牵头领导" in html and "分管工业的副市长" in html


@pytest.mark.parametrize("who", ["office", "leader", "editor_a", "viewer_a", "outsider_b"])
def test_every_board_count_equals_the_rows_of_the_list_it_links_to(cast, client_for, sv_run, who):
    client = client_for(getattr(cast, who))
    response = client.get("/cards/")
    assert response.status_code == 200
    assert _assert_counts_match_lists(client, _html(response)) >= 4


def test_counts_equal_rows_with_board_filters(cast, client_for, sv_run, campaign):
    client = client_for(cast.office)
    area = campaign.focus_areas.first()
    for query in (f"unit={cast.unit_a.pk}", f"focus_area={area.pk}", "focus_area=null", "leader=null",
                  f"campaign={campaign.pk}&unit={cast.unit_b.pk}"):
        response = client.get(f"/cards/?{query}")
        assert response.status_code == 200, query
        _assert_counts_match_lists(client, _html(response))


def test_board_shows_only_tasks_the_user_may_see(cast, client_for, sv_run):
    html = _html(client_for(cast.editor_a).get("/cards/"))
    assert 'data-count="2">合计' in html.replace("\n", "")
    assert "发改局项目储备" not in _html(client_for(cast.editor_a).get("/cards/list/"))


def test_board_shows_the_latest_run_summary(cast, client_for, sv_run):
    html = _html(client_for(cast.viewer_a).get("/cards/"))
    assert "督查日期：2023年3月31日" in html and "用时" in html
    assert "立即运行今日督查" not in html


def test_board_without_any_run_says_so_and_offers_the_office_a_run(cast, client_for, red_card_task):
    office = _html(client_for(cast.office).get("/cards/"))
    assert 'id="no-run"' in office and 'action="/cards/run/"' in office
    unit = _html(client_for(cast.editor_a).get("/cards/"))
    assert 'id="no-run"' in unit and 'action="/cards/run/"' not in unit


def test_office_runs_the_supervision_now(cast, client_for, red_card_task):
    response = client_for(cast.office).post("/cards/run/")
    assert response.status_code == 302 and response["Location"] == "/cards/"
    assert SupervisionRun.objects.filter(date=date(2023, 3, 31)).exists()
    assert Card.objects.get(task=red_card_task).color == "red"
    event = AuditEvent.objects.get(event="supervision.run")
    assert event.actor == cast.office


@pytest.mark.parametrize("who", ["leader", "editor_a", "viewer_a", "outsider_b"])
def test_only_the_office_runs_the_supervision(cast, client_for, red_card_task, who):
    assert client_for(getattr(cast, who)).post("/cards/run/").status_code == 403
    assert not SupervisionRun.objects.exists()


def test_bad_board_filter_is_refused_naming_the_field(cast, client_for, sv_run):
    response = client_for(cast.office).get("/cards/?unit=abc")
    assert response.status_code == 400 and "筛选条件有误" in _html(response)
    listing = client_for(cast.office).get("/cards/list/?color=purple")
    assert listing.status_code == 400 and "「亮牌」" in _html(listing) and _row_count(listing) == 0


def test_card_list_shows_colour_word_and_findings_in_chinese(cast, client_for, sv_run):
    html = _html(client_for(cast.office).get("/cards/list/?color=red"))
    assert "badge-card card-red" in html and "红牌" in html
    assert "超期未办结" in html and "已超过办结时限（3月20日）9个工作日" in html
    assert f'href="/tasks/{sv_run["red"].pk}/"' in html


def test_card_list_sorts_red_first_and_reverses(cast, client_for, sv_run):
    client = client_for(cast.office)
    titles = re.findall(r'<a href="/tasks/\d+/">([^<]+)</a>', _html(client.get("/cards/list/")))
    assert titles == ["建成姜山污水管网", "姜山园区招商推介", "发改局项目储备"]
    reversed_titles = re.findall(r'<a href="/tasks/\d+/">([^<]+)</a>', _html(client.get("/cards/list/?sort=-color")))
    assert reversed_titles == titles[::-1]


def test_card_list_paginates_and_counts_all_rows(cast, client_for, sv_run, monkeypatch):
    monkeypatch.setattr("gongjian.listing.PAGE_SIZE", 2)
    client = client_for(cast.office)
    first, second = client.get("/cards/list/"), client.get("/cards/list/?page=2")
    assert _row_count(first) == 3 and _html(first).count('class="card-row') == 2
    assert _html(second).count('class="card-row') == 1


def test_card_list_of_another_date_is_empty(cast, client_for, sv_run):
    assert _row_count(client_for(cast.office).get("/cards/list/?date=2023-03-30")) == 0


def test_card_export_holds_exactly_the_listed_rows(cast, client_for, sv_run):
    response = client_for(cast.office).get("/cards/list/?color=red&export=xlsx")
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][1] == "建成姜山污水管网" and rows[1][6] == "红"
    assert "超期未办结" in rows[1][7]


def test_card_pages_work_at_phone_width(cast, client_for, sv_run):
    html = _html(client_for(cast.editor_a).get("/cards/list/"))
    assert 'name="viewport"' in html and "table-responsive-cards" in html and 'data-label="亮牌"' in html


def test_anonymous_is_sent_to_login(citizen, sv_run):
    for url in ("/cards/", "/cards/list/", "/notices/", "/blockers/", "/rules/"):
        response = citizen.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


# ---------------------------------------------------------------- why is it red


def test_task_cards_fragment_has_no_layout_for_htmx(cast, client_for, sv_run):
    client = client_for(cast.editor_a)
    url = f"/cards/tasks/{sv_run['red'].pk}/"
    fragment = client.get(url, HTTP_HX_REQUEST="true")
    html = _html(fragment)
    assert fragment.status_code == 200 and "<html" not in html and 'id="task-cards"' in html
    assert "超期未办结" in html and "已超过办结时限" in html and "红牌" in html
    assert "HX-Request" in fragment["Vary"]
    page = _html(client.get(url))
    assert "<html" in page and 'id="task-cards"' in page


def test_task_cards_show_notices_and_blockers(cast, client_for, sv_run, sv_land_blocker):
    red = _html(client_for(cast.office).get(f"/cards/tasks/{sv_run['red'].pk}/"))
    assert "催办" in red and "亮红牌，下发催办单" in red
    yellow = _html(client_for(cast.office).get(f"/cards/tasks/{sv_run['yellow'].pk}/"))
    assert "园区用地指标未落实" in yellow and "临近办结时限" in yellow


@pytest.mark.parametrize(("who", "status"), [("office", 200), ("leader", 200), ("editor_a", 200),
                                             ("viewer_a", 200), ("outsider_b", 404)])
def test_task_cards_follow_task_access(cast, client_for, sv_run, who, status):
    assert client_for(getattr(cast, who)).get(f"/cards/tasks/{sv_run['red'].pk}/").status_code == status


def test_only_the_office_sees_the_override_and_notice_forms(cast, client_for, sv_run):
    url = f"/cards/tasks/{sv_run['red'].pk}/"
    assert 'id="override-form"' in _html(client_for(cast.office).get(url))
    assert 'id="override-form"' not in _html(client_for(cast.leader).get(url))
    assert 'id="notice-form"' not in _html(client_for(cast.editor_a).get(url))


def test_override_needs_a_reason(cast, client_for, sv_run):
    response = client_for(cast.office).post(f"/cards/tasks/{sv_run['red'].pk}/override/",
                                            {"color": "green", "reason": "  "})
    html = _html(response)
    assert response.status_code == 400 and "field-error" in html and "理由" in html
    assert not CardOverride.objects.exists()


def test_override_is_audited_and_shows_on_the_next_run(cast, client_for, sv_run):
    task = sv_run["red"]
    client = client_for(cast.office)
    response = client.post(f"/cards/tasks/{task.pk}/override/", {"color": "green", "reason": "已协调顺延，暂不亮红牌"})
    assert response.status_code == 302
    assert _events("campaigns.task")[-1] == "card.override"
    assert "督查室人工亮牌" in _html(client.get(f"/cards/tasks/{task.pk}/"))
    supervise(on=date(2023, 3, 31))
    card = Card.objects.on(date(2023, 3, 31)).get(task=task)
    assert (card.color, card.overridden) == ("green", True)
    assert card.findings[0]["rule"] == "override"
    html = _html(client.get(f"/cards/tasks/{task.pk}/"))
    assert "人工亮牌" in html and "已协调顺延，暂不亮红牌" in html and "badge-card card-green" in html


def test_override_returns_to_the_embedding_page_only_on_this_site(cast, client_for, sv_run):
    task = sv_run["red"]
    client = client_for(cast.office)
    home = client.post(f"/cards/tasks/{task.pk}/override/", {"color": "red", "reason": "r", "next": f"/tasks/{task.pk}/"})
    assert home["Location"] == f"/tasks/{task.pk}/"
    away = client.post(f"/cards/tasks/{task.pk}/override/", {"color": "red", "reason": "r", "next": "https://evil.example/"})
    assert away["Location"] == f"/cards/tasks/{task.pk}/"


def test_fragment_forms_return_to_the_page_htmx_names(cast, client_for, sv_run):
    task = sv_run["red"]
    html = _html(client_for(cast.office).get(f"/cards/tasks/{task.pk}/", HTTP_HX_REQUEST="true",
                                             HTTP_HX_CURRENT_URL=f"http://testserver/tasks/{task.pk}/"))
    assert f'name="next" value="/tasks/{task.pk}/"' in html


@pytest.mark.parametrize(("who", "status"), [("leader", 403), ("editor_a", 403), ("viewer_a", 403),
                                             ("outsider_b", 404)])
def test_only_the_office_overrides_or_issues_notices(cast, client_for, sv_run, who, status):
    client = client_for(getattr(cast, who))
    task = sv_run["red"]
    assert client.post(f"/cards/tasks/{task.pk}/override/", {"color": "green", "reason": "x"}).status_code == status
    assert client.post(f"/cards/tasks/{task.pk}/notices/", {"kind": "urge", "reason": "x"}).status_code == status
    assert not CardOverride.objects.exists() and Notice.objects.filter(rule="manual").count() == 0


def test_office_issues_a_notice_by_hand(cast, client_for, sv_run):
    task = sv_run["yellow"]
    client = client_for(cast.office)
    empty = client.post(f"/cards/tasks/{task.pk}/notices/", {"kind": "supervise", "reason": ""})
    assert empty.status_code == 400 and "事由" in _html(empty)
    bad_kind = client.post(f"/cards/tasks/{task.pk}/notices/", {"kind": "scold", "reason": "x"})
    assert bad_kind.status_code == 400
    response = client.post(f"/cards/tasks/{task.pk}/notices/", {"kind": "supervise", "reason": "市长批示：加快推进"})
    assert response.status_code == 302
    notice = Notice.objects.get(rule="manual")
    assert (notice.kind, notice.unit, notice.created_by) == ("supervise", cast.unit_a, cast.office)
    assert _events("supervision.notice") == ["notice.issue"]


# ---------------------------------------------------------------- notices


@pytest.fixture
def sv_notice_to_b(cast, green_card_task):
    return services.notice_issue(actor=cast.office, task=green_card_task, kind="reminder", reason="请按时报送")


# The run's notices for unit A: the red task's urge and the yellow task's reminder; unit B has the office's one.
@pytest.mark.parametrize(("who", "expected"), [("office", 3), ("leader", 3), ("editor_a", 2), ("viewer_a", 2),
                                               ("outsider_b", 1)])
def test_notice_inbox_is_scoped(cast, client_for, sv_urge_notice, sv_notice_to_b, who, expected):
    response = client_for(getattr(cast, who)).get("/notices/")
    assert _row_count(response) == expected
    if who == "outsider_b":
        assert "请按时报送" in _html(response) and "建成姜山污水管网" not in _html(response)


def test_a_leader_named_on_a_notice_sees_it(cast, client_for, sv_run, sv_vice_mayor):
    notice = services.notice_issue(actor=cast.office, task=sv_run["red"], kind="supervise", reason="告知分管领导")
    assert notice.leader == sv_vice_mayor.person
    assert client_for(sv_vice_mayor).get(f"/notices/{notice.pk}/").status_code == 200


def test_notice_filters_are_in_the_url(cast, client_for, sv_urge_notice, sv_notice_to_b):
    client = client_for(cast.office)
    assert _row_count(client.get("/notices/?kind=urge")) == 1
    assert _row_count(client.get(f"/notices/?unit={cast.unit_b.pk}")) == 1
    assert _row_count(client.get("/notices/?state=replied")) == 0
    bad = client.get("/notices/?kind=nonsense")
    assert bad.status_code == 400 and "「类型」" in _html(bad)
    export = client.get("/notices/?kind=urge&export=xlsx")
    assert len(list(load_workbook(io.BytesIO(export.content)).active.iter_rows())) == 2


def test_unit_editor_acknowledges_then_replies(cast, client_for, sv_urge_notice):
    client = client_for(cast.editor_a)
    url = f"/notices/{sv_urge_notice.pk}/"
    assert "签收" in _html(client.get(url))
    assert client.post(url + "acknowledge/").status_code == 302
    sv_urge_notice.refresh_from_db()
    assert sv_urge_notice.state == "acknowledged"
    again = client.post(url + "acknowledge/", follow=True)
    assert "该通知已签收" in _html(again)
    assert client.post(url + "reply/", {"reply": "已制定整改方案，4月15日前完成"}).status_code == 302
    sv_urge_notice.refresh_from_db()
    assert sv_urge_notice.state == "replied" and "整改方案" in _html(client.get(url))
    assert _events("supervision.notice") == ["notice.acknowledge", "notice.reply"]


def test_reply_needs_text_and_keeps_nothing_half_done(cast, client_for, sv_urge_notice):
    response = client_for(cast.editor_a).post(f"/notices/{sv_urge_notice.pk}/reply/", {"reply": ""})
    assert response.status_code == 400 and "field-error" in _html(response)
    sv_urge_notice.refresh_from_db()
    assert sv_urge_notice.state == "open"


def test_reply_twice_is_a_conflict(cast, client_for, sv_urge_notice):
    client = client_for(cast.editor_a)
    client.post(f"/notices/{sv_urge_notice.pk}/reply/", {"reply": "第一次"})
    response = client.post(f"/notices/{sv_urge_notice.pk}/reply/", {"reply": "第二次"})
    assert response.status_code == 409 and "该通知已回复" in _html(response)


@pytest.mark.parametrize(("who", "status"), [("viewer_a", 403), ("leader", 403), ("outsider_b", 404)])
def test_others_cannot_answer_a_notice(cast, client_for, sv_urge_notice, who, status):
    client = client_for(getattr(cast, who))
    url = f"/notices/{sv_urge_notice.pk}/"
    assert client.post(url + "acknowledge/").status_code == status
    assert client.post(url + "reply/", {"reply": "x"}).status_code == status
    sv_urge_notice.refresh_from_db()
    assert sv_urge_notice.state == "open"
    if status == 404:
        assert client.get(url).status_code == 404


def test_office_records_an_interview(cast, client_for, sv_interview_notice):
    client = client_for(cast.office)
    url = f"/notices/{sv_interview_notice.pk}/"
    assert 'id="interview-form"' in _html(client.get(url))
    future = client.post(url + "interview/", {"held_on": "2023-04-03", "held_with": "姜山镇党委书记", "notes": "x"})
    assert future.status_code == 400 and "约谈日期不能晚于今天" in _html(future)
    response = client.post(url + "interview/", {"held_on": "2023-03-30", "held_with": "姜山镇党委书记",
                                                "notes": "指出问题，限期整改"})
    assert response.status_code == 302
    sv_interview_notice.refresh_from_db()
    assert sv_interview_notice.state == "closed" and sv_interview_notice.interview_with == "姜山镇党委书记"
    assert "指出问题，限期整改" in _html(client.get(url))
    assert _events("supervision.notice") == ["notice.issue", "notice.interview"]


def test_interview_only_for_interview_notices_and_only_by_the_office(cast, client_for, sv_urge_notice,
                                                                     sv_interview_notice):
    data = {"held_on": "2023-03-30", "held_with": "镇长", "notes": "x"}
    urge = client_for(cast.office).post(f"/notices/{sv_urge_notice.pk}/interview/", data)
    assert urge.status_code == 409 and "只有约谈通知" in _html(urge)
    assert client_for(cast.editor_a).post(f"/notices/{sv_interview_notice.pk}/interview/", data).status_code == 403
    assert client_for(cast.leader).post(f"/notices/{sv_interview_notice.pk}/interview/", data).status_code == 403


# ---------------------------------------------------------------- blockers


def test_blocker_lifecycle_raise_resolve_sign_off(cast, client_for, yellow_card_task):
    raiser = client_for(cast.editor_a)
    form = raiser.get(f"/blockers/new/?task={yellow_card_task.pk}")
    assert form.status_code == 200 and "问题类别" in _html(form)
    response = raiser.post(f"/blockers/new/?task={yellow_card_task.pk}", {
        "category": "land", "description": "园区用地指标未落实", "responsible_unit": cast.unit_b.pk})
    blocker = Blocker.objects.get()
    assert response["Location"] == f"/blockers/{blocker.pk}/"
    assert (blocker.responsible_unit, blocker.raised_by, blocker.due_on) == (cast.unit_b, cast.editor_a,
                                                                           date(2023, 4, 17))
    responsible = client_for(cast.outsider_b)
    assert 'id="resolve-form"' in _html(responsible.get(f"/blockers/{blocker.pk}/"))
    assert responsible.post(f"/blockers/{blocker.pk}/resolve/", {"resolution": "已调剂用地指标"}).status_code == 302
    assert 'id="sign-off-form"' in _html(raiser.get(f"/blockers/{blocker.pk}/"))
    assert raiser.post(f"/blockers/{blocker.pk}/sign-off/", {"decision": "accept"}).status_code == 302
    blocker.refresh_from_db()
    assert (blocker.state, blocker.closed_on) == ("closed", date(2023, 3, 31))
    assert _events("supervision.blocker") == ["blocker.raise", "blocker.resolve", "blocker.sign_off"]


def test_blocker_returned_goes_back_to_the_responsible_unit(cast, client_for, sv_land_blocker):
    services.blocker_resolve(actor=cast.outsider_b, blocker=sv_land_blocker, resolution="已协调")
    client = client_for(cast.editor_a)
    no_reason = client.post(f"/blockers/{sv_land_blocker.pk}/sign-off/", {"decision": "return", "note": ""})
    assert no_reason.status_code == 400 and "退回须说明理由" in _html(no_reason)
    client.post(f"/blockers/{sv_land_blocker.pk}/sign-off/", {"decision": "return", "note": "指标仍未下达"})
    sv_land_blocker.refresh_from_db()
    assert sv_land_blocker.state == "open" and "指标仍未下达" in sv_land_blocker.resolution
    assert _events("supervision.blocker")[-1] == "blocker.reopen"


def test_refused_blocker_transitions_are_conflicts(cast, client_for, sv_land_blocker):
    office = client_for(cast.office)
    early = office.post(f"/blockers/{sv_land_blocker.pk}/sign-off/", {"decision": "accept"})
    assert early.status_code == 409 and "只有已办结的事项才能销号" in _html(early)
    office.post(f"/blockers/{sv_land_blocker.pk}/resolve/", {"resolution": "已办"})
    twice = office.post(f"/blockers/{sv_land_blocker.pk}/resolve/", {"resolution": "再办"})
    assert twice.status_code == 409
    sv_land_blocker.refresh_from_db()
    assert sv_land_blocker.state == "resolved" and sv_land_blocker.resolution == "已办"


@pytest.mark.parametrize(("who", "resolve", "sign_off"), [("viewer_a", 403, 403), ("leader", 403, 403),
                                                          ("editor_a", 403, 302), ("outsider_b", 302, 403)])
def test_who_resolves_and_who_signs_off(cast, client_for, sv_land_blocker, who, resolve, sign_off):
    client = client_for(getattr(cast, who))
    assert client.post(f"/blockers/{sv_land_blocker.pk}/resolve/", {"resolution": "x"}).status_code == resolve
    if resolve != 302:
        services.blocker_resolve(actor=cast.office, blocker=sv_land_blocker, resolution="x")
    assert client.post(f"/blockers/{sv_land_blocker.pk}/sign-off/", {"decision": "accept"}).status_code == sign_off


def test_a_blocker_is_seen_by_the_responsible_unit_but_not_by_strangers(cast, client_for, red_card_task):
    to_b = services.blocker_raise(actor=cast.office, task=red_card_task, category="funding", description="资金缺口",
                                  responsible_unit=cast.unit_b)
    to_a = services.blocker_raise(actor=cast.office, task=red_card_task, category="labour", description="用工短缺",
                                  responsible_unit=cast.unit_a)
    outsider = client_for(cast.outsider_b)
    assert outsider.get(f"/blockers/{to_b.pk}/").status_code == 200
    assert outsider.get(f"/blockers/{to_a.pk}/").status_code == 404
    assert outsider.post(f"/blockers/{to_a.pk}/resolve/", {"resolution": "x"}).status_code == 404
    assert _row_count(outsider.get("/blockers/")) == 1


@pytest.mark.parametrize(("who", "task", "status"), [("viewer_a", "yellow", 403), ("leader", "yellow", 403),
                                                     ("outsider_b", "red", 404), ("outsider_b", "yellow", 302),
                                                     ("office", "red", 302)])
def test_who_may_raise_a_blocker(cast, client_for, sv_run, who, task, status):
    response = client_for(getattr(cast, who)).post(f"/blockers/new/?task={sv_run[task].pk}",
                                                   {"category": "approval", "description": "环评批复未下达"})
    assert response.status_code == status
    assert Blocker.objects.count() == (1 if status == 302 else 0)


def test_raising_a_blocker_without_a_task_is_404(cast, client_for, sv_run):
    client = client_for(cast.office)
    assert client.get("/blockers/new/").status_code == 404
    assert client.get("/blockers/new/?task=abc").status_code == 404


def test_raising_a_blocker_with_bad_input_names_the_field_and_keeps_it(cast, client_for, yellow_card_task):
    url = f"/blockers/new/?task={yellow_card_task.pk}"
    client = client_for(cast.editor_a)
    empty = client.post(url, {"category": "land", "description": ""})
    assert empty.status_code == 400 and "field-error" in _html(empty)
    past = client.post(url, {"category": "land", "description": "保留这段描述", "due_on": "2023-03-01"})
    assert past.status_code == 400 and "办理时限不能早于今天" in _html(past) and "保留这段描述" in _html(past)
    assert not Blocker.objects.exists()


def test_blocker_age_in_working_days_and_overdue_marked_in_words(cast, client_for, yellow_card_task, settings):
    settings.GONGJIAN_TODAY = date(2023, 3, 1)
    services.blocker_raise(actor=cast.editor_a, task=yellow_card_task, category="land", description="用地",
                           responsible_unit=cast.unit_b, due_on=date(2023, 3, 10))
    settings.GONGJIAN_TODAY = date(2023, 3, 31)
    html = _html(client_for(cast.office).get("/blockers/"))
    assert "22个工作日" in html and "已超期" in html and "fw-bold" in html
    assert "card-red" not in html


def test_blocker_summary_counts_equal_the_rows_they_link_to(cast, client_for, red_card_task, yellow_card_task,
                                                             settings):
    settings.GONGJIAN_TODAY = date(2023, 3, 1)
    services.blocker_raise(actor=cast.office, task=red_card_task, category="land", description="a",
                           responsible_unit=cast.unit_b, due_on=date(2023, 3, 10))
    settings.GONGJIAN_TODAY = date(2023, 3, 31)
    services.blocker_raise(actor=cast.office, task=yellow_card_task, category="land", description="b",
                           responsible_unit=cast.unit_a)
    closed = services.blocker_raise(actor=cast.office, task=yellow_card_task, category="funding", description="c",
                                    responsible_unit=cast.unit_a)
    services.blocker_sign_off(actor=cast.office, accept=True,
                              blocker=services.blocker_resolve(actor=cast.office, blocker=closed, resolution="ok"))
    client = client_for(cast.office)
    default = client.get("/blockers/")
    assert _row_count(default) == 2
    assert _assert_counts_match_lists(client, _html(default), BLOCKER_LINK, "blocker-row") == 4
    assert _row_count(client.get("/blockers/?state=")) == 3
    assert _row_count(client.get("/blockers/?state=closed&category=funding")) == 1
    export = client.get("/blockers/?state=&export=xlsx")
    assert len(list(load_workbook(io.BytesIO(export.content)).active.iter_rows())) == 4


def test_blocker_list_bad_filter_is_400(cast, client_for, sv_land_blocker):
    response = client_for(cast.office).get("/blockers/?level=9")
    assert response.status_code == 400 and "「协调层级」" in _html(response)


# ---------------------------------------------------------------- unit page


@pytest.mark.parametrize(("who", "unit", "status"), [("office", "unit_b", 200), ("leader", "unit_a", 200),
                                                     ("editor_a", "unit_a", 200), ("viewer_a", "unit_a", 200),
                                                     ("editor_a", "unit_b", 404), ("outsider_b", "unit_a", 404)])
def test_unit_page_access(cast, client_for, sv_run, who, unit, status):
    response = client_for(getattr(cast, who)).get(f"/units/{getattr(cast, unit).pk}/supervision/")
    assert response.status_code == status


def test_unit_page_shows_cards_notices_and_blockers(cast, client_for, sv_run, sv_urge_notice, sv_land_blocker):
    client = client_for(cast.editor_a)
    html = _html(client.get(f"/units/{cast.unit_a.pk}/supervision/"))
    assert "建成姜山污水管网" in html and "亮红牌，下发催办单" in html and "园区用地指标未落实" in html
    _assert_counts_match_lists(client, html)
    b_page = _html(client_for(cast.outsider_b).get(f"/units/{cast.unit_b.pk}/supervision/"))
    assert "园区用地指标未落实" in b_page.split('id="unit-responsible"')[1].split('id="unit-on-tasks"')[0]


# ---------------------------------------------------------------- rules


def test_rules_page_lists_defaults_in_chinese(cast, client_for):
    html = _html(client_for(cast.leader).get("/rules/"))
    assert "临近办结时限" in html and "到期前提醒（工作日）：3" in html and "升级督办" in html
    assert "rule-form" not in html
    assert "rule-form" in _html(client_for(cast.office).get("/rules/"))


@pytest.mark.parametrize("who", ["editor_a", "viewer_a", "outsider_b", "system_admin"])
def test_units_and_admins_do_not_see_rules(cast, client_for, who):
    assert client_for(getattr(cast, who)).get("/rules/").status_code == 403


def test_office_sets_a_campaign_rule_and_the_run_obeys_it(cast, client_for, campaign, sv_run):
    client = client_for(cast.office)
    response = client.post("/rules/", {"code": "deadline_near", "campaign": campaign.pk,
                                       "deadline_near-enabled": "on", "deadline_near-p_days": "1"})
    assert response.status_code == 302 and response["Location"] == f"/rules/?campaign={campaign.pk}"
    rule = Rule.objects.get()
    assert (rule.code, rule.campaign, rule.params, rule.enabled) == ("deadline_near", campaign, {"days": 1}, True)
    assert _events("supervision.rule") == ["rule.set"]
    assert "（本范围已单独设置）" in _html(client.get(f"/rules/?campaign={campaign.pk}"))
    supervise(on=date(2023, 3, 31))
    assert Card.objects.get(task=sv_run["yellow"]).color == "green"


def test_office_disables_a_rule(cast, client_for, campaign):
    client_for(cast.office).post("/rules/", {"code": "forecast_late", "campaign": "", "forecast_late-p_min_points": "1",
                                             "forecast_late-p_horizon_workdays": "250",
                                             "forecast_late-p_lights_yellow": "0"})
    assert Rule.objects.get().enabled is False
    assert "已停用" in _html(client_for(cast.office).get("/rules/"))


@pytest.mark.parametrize("value", ["-1", "abc", "1001", ""])
def test_bad_rule_parameters_get_the_message_beside_the_field(cast, client_for, value):
    response = client_for(cast.office).post("/rules/", {"code": "progress_lag", "progress_lag-enabled": "on",
                                                        "progress_lag-p_yellow_points": value,
                                                        "progress_lag-p_red_points": "30"})
    html = _html(response)
    assert response.status_code == 400 and not Rule.objects.exists()
    field = html.split('name="progress_lag-p_yellow_points"')[1].split("</div>")[0:2]
    assert "field-error" in "".join(field)


def test_unknown_rule_and_campaign_are_refused(cast, client_for):
    client = client_for(cast.office)
    assert client.post("/rules/", {"code": "be_nice"}).status_code == 400
    assert client.get("/rules/?campaign=999").status_code == 404
    assert not Rule.objects.exists()


def test_leader_cannot_change_rules(cast, client_for):
    response = client_for(cast.leader).post("/rules/", {"code": "deadline_near", "deadline_near-p_days": "1"})
    assert response.status_code == 403 and not Rule.objects.exists()


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_list_queries_do_not_grow_with_rows(cast, client_for, campaign, sv_run, sv_land_blocker):
    client = client_for(cast.editor_a)
    urls = ("/cards/", "/cards/list/", "/notices/", "/blockers/", f"/units/{cast.unit_a.pk}/supervision/")
    before = {url: _queries(client, url) for url in urls}
    for i in range(4):
        task = campaign_services.task_create(actor=cast.office, campaign=campaign, title=f"逾期任务{i}",
                                             lead_unit=cast.unit_a, start=date(2023, 2, 1), deadline=date(2023, 3, 1))
        campaign_services.task_assign(actor=cast.office, task=task)
        services.blocker_raise(actor=cast.office, task=task, category="funding", description=f"资金{i}",
                               responsible_unit=cast.unit_a)
    supervise(on=date(2023, 3, 31))
    assert _row_count(client.get("/cards/list/")) == 6
    assert {url: _queries(client, url) for url in urls} == before

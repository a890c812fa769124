"""The demo is what every newcomer sees first: Laixi on 2023-03-31."""

import re
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Q
from django.test import Client, override_settings

from gongjian.assessment.models import Ranking, ScoreItem
from gongjian.campaigns.models import Campaign
from gongjian.campaigns.speech import parse_speech
from gongjian.demo import assessment
from gongjian.demo.campaign import SEED
from gongjian.demo.org import ACCOUNTS, DEMO_PASSWORD
from gongjian.org.models import Unit
from gongjian.org.services import user_create
from tests.demo_world import demo_db  # noqa: F401  (the module-scoped fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_db, db):  # noqa: F811
    """The demo, loaded once for this module (a minute of work); each test's writes are rolled back."""


def _counts() -> dict:
    return {m._meta.label: m.objects.count() for m in apps.get_models()
            if m._meta.app_label in ("org", "campaigns", "dispatch", "supervision", "messaging")}


def test_loading_twice_changes_nothing_but_a_later_account_blocks_it(demo):
    before = _counts()
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _counts() == before
    _messages_of_march()
    # Its own data was no obstacle to the reload; an account made after it is.
    user_create(actor=None, username="lisi", password="Li#Si20270101", display_name="李四",
                unit=Unit.objects.get(name="姜山镇"))
    with pytest.raises(CommandError, match="lisi"):
        call_command("demo", stdout=StringIO())


def _messages_of_march():
    """Notices signed (with one tap), answered and escalated, and March's delivery log."""
    from gongjian.messaging.models import Delivery, Thread
    from gongjian.supervision.models import Notice

    states = {s: Notice.objects.filter(state=s).count() for s in ("open", "acknowledged", "replied")}
    assert all(states.values()), states
    assert Thread.objects.filter(signed_via="link").count() > 10
    assert Thread.objects.filter(step__gt=0, signed_at=None).exists()
    march = Delivery.objects.filter(created_at__month=3)
    assert march.filter(state="sent", channel="wecom").count() > 20
    assert march.filter(state="failed").exists() and march.filter(channel="sms", state="sent").exists()
    office = Client()
    office.post("/login/", {"username": "office", "password": DEMO_PASSWORD})
    page = office.get("/messages/").content.decode()
    assert "政务微信" in page and "升级" in page and "发送失败" in page


LANDING = {
    "office": "/dispatch/", "jiangshan_editor": "/dispatch/", "jiangshan_viewer": "/dispatch/", "mayor": "/desk/",
    "sysadmin": "/org/units/", "secadmin": "/org/users/", "auditadmin": "/audit/", "grid_jiangshan": "/tickets/",
}


def test_each_demo_account_logs_in_and_lands_on_its_page(demo):
    # One test for all accounts: loading the demo takes seconds, so it is loaded once here.
    for username, lands_on in LANDING.items():
        client = Client()
        response = client.post("/login/", {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, (username, response.content.decode()[:300])
        landing = client.get("/")
        if lands_on is None:
            assert landing.status_code == 200, username
        else:
            assert landing["Location"] == lands_on, username
            assert client.get(lands_on).status_code == 200, username
    _campaign_shows_every_focus_area()


def test_every_role_has_a_demo_account():
    from gongjian.org.models import Role

    granted = {role for _, _, _, roles in ACCOUNTS for role in roles} | {Role.CITY_LEADER}
    assert granted == set(Role.values)


def _campaign_shows_every_focus_area():
    campaign = Campaign.objects.get(routine=False)
    client = Client()
    client.post("/login/", {"username": "office", "password": DEMO_PASSWORD})
    html = client.get(f"/campaigns/{campaign.pk}/").content.decode()
    draft = parse_speech(SEED.read_text(encoding="utf-8"))
    assert len(draft.focus_areas) == 8
    for area in draft.focus_areas:
        assert area.title in html
        # Major projects and rectification items of on-site checks sit under the same focus areas; the speech's
        # own tasks are the rest.
        speech_tasks = campaign.tasks.filter(focus_area__title=area.title, project__isnull=True).exclude(
            source="rectification")
        assert speech_tasks.count() == len(area.tasks) > 0


def test_demo_people_are_named_by_post():
    from gongjian.demo.org import LEADERS

    assert all(display.endswith(("书记", "市长", "部长")) for _, display, _ in LEADERS)


def test_the_demo_month_is_one_a_supervision_office_would_publish(demo, settings):
    """On 2023-03-31 green is the largest colour and red the exception; no card is yellow on a forecast alone;
    every red card's findings read as Chinese sentences. The same run as `gongjian supervise --date 2023-03-31`."""
    from datetime import date

    from gongjian.supervision.jobs import supervise
    from gongjian.supervision.models import Card

    settings.GONGJIAN_TODAY = date(2023, 3, 31)
    colors = supervise(on=date(2023, 3, 31))["colors"]
    assert colors["green"] > colors["yellow"] and colors["green"] > colors["red"], colors
    assert colors["red"] <= 0.15 * sum(colors.values()), colors
    cards = list(Card.objects.on(date(2023, 3, 31)).exclude(color="green"))
    for card in cards:
        lit = [f for f in card.findings if f["color"] == card.color]
        assert lit and {f["rule"] for f in lit} != {"forecast_late"}, card.findings
        if card.color == "red":
            assert all(_reads_as_a_sentence(f["message"]) for f in lit), card.findings
    _tasks_as_a_supervision_office_writes_them()
    _one_subject_one_figure()
    _march_tickets_fit_march()


def _reads_as_a_sentence(message: str) -> bool:
    """Chinese words around the figures; no rule code, model name or bare number."""
    return bool(re.search(r"[\u4e00-\u9fff]{4,}", message)) and not re.search(r"[A-Za-z_]{3,}", message) \
        and not re.fullmatch(r"[\d.,%\s]+", message)


# The mayor's deployment (全年经济工作部署), each with a word its tasks' titles carry.
MAYOR_DEPLOYMENT = {
    "招商引资": ("招商", "外资"), "项目建设": ("项目建设",), "要素保障": ("要素保障",), "实体经济": ("制造业", "服务业"),
    "城市更新": ("老旧小区", "市政基础设施", "公园"), "乡村振兴": ("乡村振兴",), "人居环境": ("污水", "垃圾", "村容村貌"),
    "守牢底线": ("底线",),
}


def _tasks_as_a_supervision_office_writes_them():
    from gongjian.projects.models import Project

    campaign = Campaign.objects.get(routine=False)
    tasks = list(campaign.tasks.filter(source__in=("campaign", "town_report"), project__isnull=True)
                 .select_related("focus_area").prefetch_related("milestones"))
    assert len(tasks) > 40
    for task in tasks:
        measurable = task.indicator and task.target_value and task.indicator_unit
        assert measurable or "《" in task.description, (task.title, task.description)
        assert task.lead_leader_id and task.lead_unit_id, task.title
    # Milestones of the task's own kind, not one template chain; starts spread over the first quarter.
    chains = {tuple(m.title for m in t.milestones.all()) for t in tasks if t.milestones.all()}
    assert len({chain[0] for chain in chains}) >= 5, chains
    assert len({t.start for t in tasks}) >= 5 and min(t.start for t in tasks) >= campaign.start
    # Every 专班 leads or takes part in the work it was set up for.
    from gongjian.org.models import Unit

    for force in Unit.objects.filter(kind="task_force"):
        assert campaign.tasks.filter(Q(lead_unit=force) | Q(task_force=force), project__isnull=True).exists(), force.name
    economy = [t for t in tasks if t.focus_area and t.focus_area.title == "全年经济工作部署"]
    for deployment, words in MAYOR_DEPLOYMENT.items():
        assert any(any(w in t.title for w in words) and t.target_value for t in economy), deployment
    # A major project is its task: no campaign task restates one.
    projects = set(Project.objects.values_list("title", flat=True))
    assert not [t.title for t in tasks if any(p.split("（")[0] in t.title for p in projects)]


# Subjects that are one piece of work each: every task naming one (task, project, matter) shows one progress.
SUBJECTS = [("院上", "污水"), ("夏格庄", "预制菜"), ("望城", "物流园"), ("沽河湾",), ("马连庄", "农田"), ("新能源汽车零部件",),
            ("烟台路",), ("沽河湿地",), ("航空文化小镇",)]


def _one_subject_one_figure():
    from gongjian.campaigns.models import Task

    titles = list(Task.objects.exclude(source="rectification").values_list("title", "progress"))
    for words in SUBJECTS:
        figures = {progress for title, progress in titles if all(w in title for w in words)}
        assert len(figures) <= 1, (words, [(t, p) for t, p in titles if all(w in t for w in words)])


SPRING_FESTIVAL = ("春节", "过年", "年货", "烟花", "春运", "暖气不热", "暖气片不热", "时冷时热", "供暖不达标")


def _march_tickets_fit_march():
    from gongjian.frontline.models import Ticket

    march = list(Ticket.objects.filter(received_at__date__gte="2023-03-01").values_list("text", flat=True))
    assert len(march) > 300
    assert not [text for text in march if any(word in text for word in SPRING_FESTIVAL)]
    spring = ("春耕", "植树", "返岗", "开学", "退费", "扬尘", "防火", "清明")
    assert sum(any(word in text for word in spring) for text in march) >= 20


def test_every_task_of_the_speech_has_the_offices_plan():
    """The parser's tasks are matched by their short title; a task the office wrote no plan for would fall back to a
    guess, so a change in the parser shows here first."""
    from gongjian.demo.campaign import CHAINS, PLANS, TOWN_GOALS, _title, chain_for

    draft = parse_speech(SEED.read_text(encoding="utf-8"))
    titles = [_title(item.text) for area in draft.focus_areas for item in area.tasks]
    assert sorted(titles) == sorted(PLANS)
    for plan in [*PLANS.values(), *TOWN_GOALS.values()]:
        assert plan.kind in (*CHAINS, "target", "")
        assert (plan.target and plan.indicator and plan.unit) or plan.what.startswith("《"), plan.title
        assert plan.start < plan.deadline and plan.start.year == plan.deadline.year == 2023, plan.title
        if plan.kind:
            chain = chain_for(plan)
            assert len(chain) >= 3 and all("{" not in title for title, _, _ in chain), chain


def _assessment_load():
    with override_settings(GONGJIAN_TODAY=date(2023, 3, 31)):
        campaign = Campaign.objects.get(routine=False)
        return assessment.load(campaign, get_user_model().objects.get(username="office"))


def test_demo_assessment(demo, settings):
    _assessment_load()
    settings.GONGJIAN_TODAY = date(2023, 3, 31)
    feb, march = Ranking.objects.order_by("start")
    assert (feb.label, feb.state, march.label, march.state) == ("2023-02", "published", "2023-03", "computed")
    assert feb.adjustments.count() == 1 and march.as_of == date(2023, 3, 31)
    for ranking in (feb, march):
        for score in ranking.scores.prefetch_related("items"):
            assert score.total == score.base + sum((i.points for i in score.items.all()), Decimal("0"))
    for category in ("area", "department"):
        scores = list(march.scores.filter(category=category).order_by("rank"))
        assert len(scores) >= 10
        assert len({s.total for s in scores}) >= 6  # a spread, not a block of ties
        assert scores[0].total > 100 > scores[-1].total
    indicators = set(ScoreItem.objects.filter(score__ranking=march).values_list("indicator", flat=True))
    # A second month a supervision office would publish: nothing has passed its deadline unfinished yet.
    assert {"task_on_time", "cards", "report_timeliness", "report_returned", "blocker_overdue",
            "leader_evaluation", "report_untrue"} <= indicators
    before = (Ranking.objects.count(), ScoreItem.objects.count())
    assert _assessment_load()["evaluations"] == 0
    assert (Ranking.objects.count(), ScoreItem.objects.count()) == before

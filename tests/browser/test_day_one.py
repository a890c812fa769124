"""Day one for a county, in a real browser, from an empty database and without the demo: `gongjian init` → the system
administrator changes the one-time password and imports units and people → the security administrator opens the
office's and two liaisons' accounts → the office starts a campaign, pastes a speech, accepts and assigns the tasks →
a liaison reports at phone width → the office approves → the daily run lights a card → the mayor sees it.

With GONGJIAN_MANUAL_SHOTS set, the same journey saves the user manual's screenshots (tools/manual-screenshots.sh)."""

import io
import json
import os
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from gongjian.campaigns.models import Task
from gongjian.dispatch.models import ProgressReport, ReportingPeriod
from gongjian.setup.orgsheet import template
from gongjian.supervision.models import Card
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "manual" / "img"
SPEECH = ("今年，我们要以项目建设和城市更新为重点，全力以赴抓落实。一是加快老旧小区改造，年底前完成城关镇12个小区改造。"
          "二是推进重点项目谋划储备，全年谋划储备项目50个以上。三是强化项目要素保障，确保项目按期开工。")


def shot(page, name: str) -> None:
    if os.environ.get("GONGJIAN_MANUAL_SHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"))


def first_login(page, base: str, username: str, one_time: str, new_password: str, shot_name: str = "") -> None:
    """Log in with a handed-over password, replace it as the platform insists, and log in again."""
    login(page, base, username, one_time)
    page.wait_for_url("**/password/**")
    assert "一次性密码" in page.content()
    if shot_name:
        shot(page, shot_name)
    page.fill("#old_password", one_time)
    page.fill("#new_password", new_password)
    with page.expect_navigation():
        page.click("main button.btn-primary")
    login(page, base, username, new_password)
    page.wait_for_url(lambda url: "/login/" not in url and "/password/" not in url)


def handed_over(page) -> str:
    return page.inner_text("#one-time-password").strip()


def create_account(page, base: str, username: str, display: str, unit: str, role: str) -> str:
    page.goto(f"{base}/org/users/new/")
    page.fill("#id_username", username)
    page.fill("#id_display_name", display)
    page.select_option("select[name=unit]", label=unit)
    page.check(f"input[name=roles][value={role}]")
    page.click("main button.btn-primary")
    page.wait_for_selector("#one-time-password")
    return handed_over(page)


def county_sheet(tmp_path: Path) -> Path:
    """The template as a county fills it: the examples kept, one more department."""
    workbook = load_workbook(io.BytesIO(template()))
    workbook["单位"].append(["县住房和城乡建设局", "住建局", "部门", "某某县人民政府", "城市更新 老旧小区 建筑施工"])
    path = tmp_path / "单位人员.xlsx"
    workbook.save(path)
    return path


def test_day_one_from_an_empty_database(live_server, open_page, settings, tmp_path):
    settings.GONGJIAN_TODAY = date(2026, 3, 2)
    base = live_server.url
    out = io.StringIO()
    call_command("init", "--unit", "某某县人民政府", "--json", stdout=out)
    accounts = {a["username"]: a["one_time_password"] for a in json.loads(out.getvalue())["accounts"]}

    # The system administrator: first login, then units and people from the template.
    admin = open_page(1280, 800)
    first_login(admin, base, "sysadmin", accounts["sysadmin"], "Sys#Admin-2026a", "first-login")
    assert admin.url.endswith("/org/units/")
    shot(admin, "sysadmin-units-empty")
    with admin.expect_navigation():
        admin.click("text=导入单位与人员")
    admin.set_input_files("#file", str(county_sheet(tmp_path)))
    admin.click("button[name=commit][value='0']")
    admin.wait_for_selector("text=校验通过")
    admin.set_input_files("#file", str(county_sheet(tmp_path)))
    admin.click("button[name=commit][value='1']")
    admin.wait_for_selector("text=已导入")
    shot(admin, "sysadmin-import")
    admin.goto(f"{base}/org/units/")
    assert "城关镇" in admin.content() and "县住房和城乡建设局" in admin.content()
    admin.goto(f"{base}/workdays/?year=2027")
    shot(admin, "sysadmin-workdays")

    # The security administrator opens the office's and two liaisons' accounts and the mayor's imported one.
    sec = open_page(1280, 800)
    first_login(sec, base, "secadmin", accounts["secadmin"], "Sec#Admin-2026a")
    office_pw = create_account(sec, base, "dcs", "督查室主任", "县委县政府督查室", "supervision_office")
    shot(sec, "secadmin-handover")
    town_pw = create_account(sec, base, "cgz_editor", "城关镇督查专员", "城关镇", "unit_editor")
    dept_pw = create_account(sec, base, "fgj_editor", "发改局综合科科长", "县发展和改革局", "unit_editor")
    sec.goto(f"{base}/org/users/")
    sec.click("a:text-is('xianzhang')")
    shot(sec, "secadmin-user")
    sec.click("text=发放一次性密码")
    sec.wait_for_selector("#one-time-password")
    mayor_pw = handed_over(sec)
    sec.goto(f"{base}/org/users/")
    shot(sec, "secadmin-users")

    # The office: a campaign, the speech, the draft accepted with lead units, every task assigned.
    office = open_page(1280, 800)
    first_login(office, base, "dcs", office_pw, "Office#2026abc")
    office.goto(f"{base}/campaigns/")
    office.click("text=新建攻坚行动")
    office.fill("#id_name", "2026年攻坚突破年")
    office.fill("#id_start", "2026-01-05")
    office.fill("#id_end", "2026-12-31")
    office.click("main button.btn-primary")
    office.wait_for_selector("#text")
    office.fill("#text", SPEECH)
    office.click("button[name=step][value=parse]")
    office.wait_for_selector("textarea[name$='-text']")
    # Keep the two tasks this journey follows, whatever else the parser proposes; give each its lead unit.
    drafts = office.eval_on_selector_all("textarea[name$='-text']", "els => els.map(e => [e.name, e.value])")
    for name, text in drafts:
        prefix = name.removesuffix("-text")
        if "老旧小区" in text:
            office.select_option(f"select[name='{prefix}-unit']", label="城关镇")
        elif "谋划储备" in text:
            office.select_option(f"select[name='{prefix}-unit']", label="县发展和改革局")
            office.select_option(f"select[name='{prefix}-leader']", label="常务副县长")
        else:
            office.uncheck(f"input[name='{prefix}-keep']")
    office.fill("#deadline", "2026-12-31")
    shot(office, "office-speech")
    with office.expect_navigation():
        office.click("button:text-is('导入为草稿任务')")
    assert "已生成2项草稿任务" in office.content()
    tasks = list(Task.objects.order_by("id"))
    assert [t.lead_unit.name for t in tasks] == ["城关镇", "县发展和改革局"]
    for task in tasks:
        office.goto(f"{base}/tasks/{task.pk}/")
        with office.expect_navigation():
            office.click("form[action$='/transition/'] button:text-is('交办')")
    assert set(Task.objects.values_list("status", flat=True)) == {"assigned"}
    settings.GONGJIAN_TODAY = date(2026, 3, 30)
    call_command("open-periods", stdout=io.StringIO())  # the job worker's morning run
    march = ReportingPeriod.objects.get(kind="month", start=date(2026, 3, 1))

    # The town's liaison reports March on a phone.
    phone = open_page(390, 844)
    first_login(phone, base, "cgz_editor", town_pw, "Town#2026abcd")
    town_task = tasks[0]
    phone.goto(f"{base}/dispatch/?period={march.pk}")
    shot(phone, "editor-queue-phone")
    phone.click(f"a[href='/dispatch/tasks/{town_task.pk}/periods/{march.pk}/']")
    phone.fill("textarea[name=work_done]", "完成4个小区改造方案评审，2个小区已进场施工。")
    phone.fill("input[name=percent]", "30")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "editor-report-phone")
    with phone.expect_navigation():
        phone.click("button[value=submit]")
    assert "已提交" in phone.content()

    # The office approves it.
    report = ProgressReport.objects.get(task=town_task, period=march)
    office.goto(f"{base}/dispatch/reports/{report.pk}/")
    shot(office, "office-review")
    with office.expect_navigation():
        office.click("form[action$='/approve/'] button")
    report.refresh_from_db()
    assert report.state == "approved"
    office.goto(f"{base}/dispatch/?period={march.pk}")
    shot(office, "office-queue")

    # The department's liaison sees its task waiting, and never reports; after the due day the daily run lights
    # its card.
    dept = open_page(390, 844)
    first_login(dept, base, "fgj_editor", dept_pw, "Dept#2026abcd")
    dept.goto(f"{base}/dispatch/?period={march.pk}")
    assert tasks[1].title[:10] in dept.content() and town_task.title[:10] not in dept.content()
    settings.GONGJIAN_TODAY = date(2026, 4, 9)
    assert march.due_on < date(2026, 4, 9)
    call_command("supervise", "--date", "2026-04-09", stdout=io.StringIO())
    card = Card.objects.filter(task=tasks[1]).exclude(color="green").latest("id")
    assert card.color in ("yellow", "red")

    # The mayor sees it.
    mayor = open_page(1280, 800)
    first_login(mayor, base, "xianzhang", mayor_pw, "Mayor#2026abc")
    mayor.goto(f"{base}/cards/")
    with mayor.expect_navigation():
        mayor.click(f"a[href*='color={card.color}']")
    assert tasks[1].title[:10] in mayor.content()
    shot(mayor, "leader-cards")
    mayor.goto(f"{base}/tasks/{tasks[1].pk}/")
    mayor.wait_for_selector("text=未按时报送本期进展")  # the card history arrives by htmx after the page
    shot(mayor, "leader-task")


@pytest.mark.parametrize("width", [390, 1440])
def test_day_one_pages_fit_phone_and_desktop(cast, live_server, open_page, width):
    pages = {
        "sysadmin1": ["/org/units/", "/org/import/", "/workdays/?year=2027"],
        "secadmin1": ["/org/users/", "/org/users/new/", f"/org/users/{cast.editor_a.pk}/"],
        "office": ["/campaigns/new/"],
    }
    for username, paths in pages.items():
        page = open_page(width, 844)
        login(page, live_server.url, username, cast.password)
        for path in paths:
            page.goto(f"{live_server.url}{path}")
            scroll = page.evaluate("document.documentElement.scrollWidth")
            assert scroll <= width, f"{path} scrolls sideways at {width}px ({scroll}px)"

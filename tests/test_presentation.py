"""How the platform words what it shows: money, history lines, audit events; and who is offered which link."""

from datetime import date

import pytest

from gongjian.templatetags.gongjian_tags import audit_changes, event_label, money, wan_yuan


def test_money_is_written_as_official_documents_do():
    assert money("1204875.72") == "120.49亿元"
    assert money(9999.5) == "9,999.50万元"
    assert wan_yuan("1204875.72") == "1,204,875.72万元"
    assert money(None) == "—"


def test_history_reads_in_words(db):
    assert audit_changes({"status": ["draft", "assigned"], "reason": ""}, "task.assigned") == "状态：草稿 → 已交办"
    # At creation two co-units are two co-units, not a change from one to the other.
    assert audit_changes({"co_units": ["住建局", "生态环境分局"]}, "task.create") == "配合单位：住建局、生态环境分局"
    assert audit_changes({"task": 33, "critical": [1, 2, 3]}, "task.schedule_backward") == "关键路径节点3个"
    assert "{" not in audit_changes({"path": "/tasks/", "query": "export=xlsx", "content_type":
                                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}, "export")


def test_every_event_reads_as_chinese():
    assert event_label("login") == "登录"
    assert event_label("report.submit") == "提交进展填报"
    assert event_label("something.unheard_of") == "其他操作"


@pytest.fixture
def assigned_task(cast, campaign, settings):
    from gongjian.campaigns import services

    settings.GONGJIAN_TODAY = date(2023, 4, 3)
    task = services.task_create(actor=cast.office, campaign=campaign, title="建强姜山园区", lead_unit=cast.unit_a,
                                start=date(2023, 2, 1), deadline=date(2023, 12, 29))
    return services.task_assign(actor=cast.office, task=task)


def test_only_who_may_report_is_offered_填报(cast, client_for, assigned_task):
    from gongjian.dispatch import periods
    from gongjian.dispatch.models import ReportingPeriod

    march = periods.period_for(ReportingPeriod.Kind.MONTH, date(2023, 3, 1))
    link = f"/dispatch/tasks/{assigned_task.pk}/periods/{march.pk}/"
    for user, offered in ((cast.editor_a, True), (cast.office, True), (cast.viewer_a, False), (cast.leader, False)):
        page = client_for(user).get(f"/dispatch/?period={march.pk}").content.decode()
        assert (link in page) is offered, user
        if offered:
            assert client_for(user).get(link).status_code == 200, user
        else:
            assert client_for(user).get(link).status_code in (403, 404), user


def test_a_leader_lands_on_their_own_tasks_red_first(cast, client_for, assigned_task):
    from gongjian.campaigns.models import Task

    Task.objects.filter(pk=assigned_task.pk).update(lead_leader=cast.leader.person)
    client = client_for(cast.leader)
    assert client.get("/")["Location"] == "/desk/"
    page = client.get("/desk/").content.decode()
    assert "建强姜山园区" in page and "牵头任务" in page
    assert client_for(cast.editor_a).get("/desk/").status_code == 403

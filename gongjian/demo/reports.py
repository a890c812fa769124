"""February and March 2023 reports for the demo campaign: mostly on time, some late, some returned, some missing —
what a supervision office sees on 2023-03-31."""

from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from django.test import override_settings

from gongjian.campaigns import services as task_services
from gongjian.campaigns.models import Milestone, Task
from gongjian.dispatch import periods, services
from gongjian.dispatch.models import ProgressReport, ReportingPeriod
from gongjian.org.models import Role, RoleGrant

MEASURED = ("公里", "万亩", "万平方米", "万人次")
PROBLEMS = [
    {"category": "land", "description": "二期用地约{n}亩尚未完成征收，需自然资源局协调指标"},
    {"category": "funding", "description": "配套资金缺口约{n}0万元，需财政局统筹专项债"},
    {"category": "approval", "description": "环评批复预计推迟{n}天，需行政审批服务局提前介入并联审批"},
    {"category": "energy", "description": "新增用能约{n}00吨标煤，需发改局协调能耗指标"},
    {"category": "labour", "description": "一线技术工人缺口约{n}人，需人社局组织专场招聘"},
]


def _editor(task: Task):
    grant = RoleGrant.objects.filter(role=Role.UNIT_EDITOR, user__person__unit=task.lead_unit).first()
    return grant.user


def _at(day: date):
    return override_settings(GONGJIAN_TODAY=day)


def _milestone_due(task: Task, when: date) -> Milestone | None:
    """The next open milestone if it falls due within ten days of the report: what a unit reports as done."""
    first = task.milestones.filter(done_on__isnull=True).order_by("order").first()
    if first is None or first.planned_date is None or first.planned_date > when + timedelta(days=10):
        return None
    return first


def _actual(task: Task, on: date, pace: int) -> Decimal | None:
    """The figure reached so far: the target's time share, a little ahead or behind (pace in percent)."""
    if task.target_value is None:
        return None
    share = Decimal(max(0, (on - task.start).days)) / max(1, (task.deadline - task.start).days)
    # Things are counted whole; lengths and areas to a tenth.
    step = Decimal("0.1") if task.indicator_unit in MEASURED else Decimal("1")
    return (task.target_value * min(Decimal(1), share * pace / 100)).quantize(step, rounding=ROUND_DOWN)


def _report(task: Task, period: ReportingPeriod, *, on: date, percent: int, milestones: bool, problem: int | None,
            pace: int = 100):
    with _at(on):
        due = _milestone_due(task, on) if milestones else None
        work = f"完成节点“{due.title}”；" if due else ""
        actual = _actual(task, on, pace)
        if actual is not None:
            work += (f"年度目标{task.indicator}{format(task.target_value.normalize(), 'f')}{task.indicator_unit}，"
                     f"截至本月累计完成{format(actual.normalize(), 'f')}{task.indicator_unit}；")
        fields = {"work_done": work + "按计划推进，本月完成阶段工作量。", "next_steps": "下月继续加快推进，确保按节点完成。"}
        if actual is not None:
            fields["indicator_actual"] = actual
        if due is not None:
            fields["milestones_done"] = {str(due.pk): min(on, due.planned_date + timedelta(days=2)).isoformat()}
        if not task.milestones.exists():
            # A goal due within weeks is nearly done by now; its unit reports it so.
            fields["percent"] = 85 if task.deadline <= date(2023, 4, 30) else percent
        if problem is not None:
            template = PROBLEMS[problem % len(PROBLEMS)]
            fields["problems"] = [{"category": template["category"],
                                   "description": template["description"].format(n=12 + problem * 7 % 40)}]
        return services.report_save(actor=_editor(task), task=task, period=period, **fields)


def load(campaign, office) -> int:
    if ProgressReport.objects.filter(task__campaign=campaign).exists():
        return 0
    with _at(date(2023, 3, 31)):
        february = periods.period_for(ReportingPeriod.Kind.MONTH, date(2023, 2, 15))
        march = periods.period_for(ReportingPeriod.Kind.MONTH, date(2023, 3, 15))
        periods.period_for(ReportingPeriod.Kind.MONTH, date(2023, 1, 15))
    tasks = list(campaign.tasks.order_by("id"))
    count = 0
    for i, task in enumerate(tasks):
        editor = _editor(task)
        # February (for tasks started by then): 1 in 7 missing; 1 in 5 late; 1 in 6 returned once first; milestone one
        # done where it fell due.
        if i % 7 != 3 and task.start <= date(2023, 2, 28):
            on = date(2023, 3, 9 + i % 4) if i % 5 == 1 else date(2023, 3, 2 + i % 3)
            report = _report(task, february, on=on, percent=35 + i % 4 * 5, milestones=i % 4 != 2,
                             problem=i if i % 6 == 0 else None, pace=80 if i % 4 == 2 else 95 + i % 3 * 5)
            with _at(on):
                report = services.report_submit(actor=editor, report=report)
            if i % 6 == 5:
                with _at(on + timedelta(days=1)):
                    report = services.report_return(actor=office, report=report, reason="进展描述过于笼统，请补充具体数据。")
                with _at(on + timedelta(days=2)):
                    report = services.report_update(actor=editor, report=report,
                                                    work_done=report.work_done + "（补充）召开专题推进会2次，协调解决问题3个。")
                    report = services.report_submit(actor=editor, report=report)
            with _at(on + timedelta(days=3)):
                services.report_approve(actor=office, report=report)
            count += 1
        # March (due 2023-04-10): a unit whose milestone fell due in March reports it at once and the office
        # approves it; of the rest a third submitted already, a third in draft, the rest not started. One task in
        # four is behind and has nothing to claim.
        behind = i % 4 == 2
        claim = None if behind else _milestone_due(task, date(2023, 3, 31) - timedelta(days=10))
        if claim is not None or i % 3 == 0:
            on = min(date(2023, 3, 30), max(date(2023, 3, 6), claim.planned_date + timedelta(days=1))) if claim \
                else date(2023, 3, 30)
            report = _report(task, march, on=on, percent=60 + i % 3 * 10, milestones=not behind, problem=None)
            with _at(on):
                report = services.report_submit(actor=editor, report=report)
            if report.milestones_done:
                with _at(min(date(2023, 3, 31), on + timedelta(days=2))):
                    services.report_approve(actor=office, report=report)
            count += 1
        elif i % 3 == 1:
            _report(task, march, on=date(2023, 3, 31), percent=55, milestones=False, problem=None)
            count += 1
    _finish_early_town_goals(campaign, office)
    return count


def _finish_early_town_goals(campaign, office) -> None:
    """Two of the town goals due in March were done in time; one was not (it shows red)."""
    due_in_march = campaign.tasks.filter(source=Task.Source.TOWN_REPORT, deadline__lte=date(2023, 3, 31)).order_by("id")
    for task in due_in_march[:2]:
        with _at(task.deadline - timedelta(days=2)):
            task_services.task_transition(actor=office, task=task, to=Task.Status.COMPLETED)

"""Writes for bulletins and annual work reports; each is atomic and records its audit event."""

from datetime import date
from decimal import Decimal, InvalidOperation
from functools import partial

from django.db import transaction

from gongjian import clock
from gongjian.audit.services import record
from gongjian.bulletins import selectors
from gongjian.bulletins.models import AnnualGoal, AnnualReport, Bulletin
from gongjian.campaigns import services as task_services
from gongjian.campaigns.models import Campaign, FocusArea, Task
from gongjian.errors import Conflict, UserError
from gongjian.messaging.services import robots_post
from gongjian.org.models import Person, Unit
from gongjian.types import User
from gongjian.validate import clean_text

TEXT_LIMIT = 20_000


# A bulletin's texts are optional unless a caller says otherwise.
_text = partial(clean_text, required=False)


def _check_version(obj: Bulletin | AnnualReport, expected_version: int | None) -> None:
    if expected_version is not None and obj.version != expected_version:
        raise Conflict("内容已被他人修改，请刷新后重试", "conflict")


# ---------------------------------------------------------------- bulletins


def bulletin_save(*, actor: User, campaign: Campaign, month: str, office_text: str, title: str = "",
                  expected_version: int | None = None) -> Bulletin:
    """Create the month's bulletin or change its words; a published bulletin cannot change (409)."""
    start, _ = selectors.parse_month(month)
    office_text = _text(office_text, "office_text", "督查室意见", max_length=TEXT_LIMIT)
    title = _text(title, "title", "标题", max_length=120) or selectors.default_title(campaign, month)
    with transaction.atomic():
        bulletin = Bulletin.objects.select_for_update().filter(campaign=campaign, month=month).first()
        if bulletin is None:
            bulletin = Bulletin.objects.create(campaign=campaign, month=month, number=start.month, title=title,
                                               office_text=office_text)
            record(actor=actor, event="bulletin.create", obj=bulletin, changes={"month": month, "title": title})
            return bulletin
        if bulletin.is_published:
            raise Conflict("通报已发布，不能再修改", "published")
        _check_version(bulletin, expected_version)
        changes = {k: [getattr(bulletin, k), v] for k, v in (("title", title), ("office_text", office_text))
                   if getattr(bulletin, k) != v}
        if changes:
            bulletin.title, bulletin.office_text = title, office_text
            bulletin.version += 1
            bulletin.save()
            record(actor=actor, event="bulletin.update", obj=bulletin, changes=changes)
    return bulletin


def bulletin_publish(*, actor: User, bulletin: Bulletin) -> Bulletin:
    """Freeze the month's figures into the bulletin; from now on it prints what it printed today."""
    with transaction.atomic():
        bulletin = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
        if bulletin.is_published:
            raise Conflict("通报已发布", "published")
        bulletin.content = selectors.month_figures(bulletin.campaign, bulletin.month)
        bulletin.state = Bulletin.State.PUBLISHED
        bulletin.published_at = clock.now()
        bulletin.published_by = actor if getattr(actor, "is_authenticated", False) else None
        bulletin.version += 1
        bulletin.save()
        record(actor=actor, event="bulletin.publish", obj=bulletin,
               changes={"month": bulletin.month, "colors": bulletin.content["colors"]})
        colors = bulletin.content["colors"]
        robots_post(key=f"bulletins.publish:{bulletin.pk}", unit=None, title=f"{bulletin.title}已发布",
                    body=f"红牌{colors.get('red', 0)}项、黄牌{colors.get('yellow', 0)}项、绿牌{colors.get('green', 0)}项",
                    link=f"/bulletins/{bulletin.campaign_id}/{bulletin.month}/")
    return bulletin


# ---------------------------------------------------------------- annual work reports


def annual_report_save(*, actor: User, unit: Unit, year: int, last_year_summary: str = "", approach: str = "",
                       measures: str = "", expected_version: int | None = None) -> AnnualReport:
    if not 2000 <= year <= 2100:
        raise UserError("年度超出合理范围", "invalid", field="year")
    if unit.kind in (Unit.Kind.LEADERSHIP, Unit.Kind.TASK_FORCE):
        raise UserError("只有镇街、功能区和部门提交年度工作汇报", "invalid", field="unit")
    fields = {
        "last_year_summary": _text(last_year_summary, "last_year_summary", "上年工作总结", max_length=TEXT_LIMIT),
        "approach": _text(approach, "approach", "本年工作思路", max_length=TEXT_LIMIT),
        "measures": _text(measures, "measures", "具体措施", max_length=TEXT_LIMIT),
    }
    with transaction.atomic():
        report = AnnualReport.objects.select_for_update().filter(unit=unit, year=year).first()
        if report is None:
            report = AnnualReport.objects.create(unit=unit, year=year, **fields)
            record(actor=actor, event="annual_report.create", obj=report,
                   changes={"unit": unit.name, "year": year})
            return report
        _check_version(report, expected_version)
        changes = {k: [getattr(report, k), v] for k, v in fields.items() if getattr(report, k) != v}
        if changes:
            for k, v in fields.items():
                setattr(report, k, v)
            report.version += 1
            report.save()
            record(actor=actor, event="annual_report.update", obj=report, changes=changes)
    return report


def _quantity(value: object) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise UserError("「目标值」必须是数字", "invalid", field="quantity") from None
    if not number.is_finite() or abs(number) >= Decimal("1e16"):
        raise UserError("「目标值」数值超出范围", "invalid", field="quantity")
    return number.quantize(Decimal("0.01"))


def annual_goal_add(*, actor: User, report: AnnualReport, text: str, deadline: date, quantity: object = None,
                    unit_of_measure: str = "") -> AnnualGoal:
    text = _text(text, "text", "目标", max_length=200, required=True)
    if deadline is None:
        raise UserError("「完成时限」不能为空", "required", field="deadline")
    if deadline.year != report.year:
        raise UserError(f"完成时限应在{report.year}年内", "invalid", field="deadline")
    with transaction.atomic():
        goal = AnnualGoal.objects.create(
            report=report, text=text, deadline=deadline, quantity=_quantity(quantity),
            unit_of_measure=_text(unit_of_measure, "unit_of_measure", "计量单位", max_length=20),
            order=report.goals.count() + 1,
        )
        record(actor=actor, event="annual_goal.create", obj=goal,
               changes={"unit": report.unit.name, "text": text, "deadline": deadline})
    return goal


def annual_goal_delete(*, actor: User, goal: AnnualGoal) -> None:
    with transaction.atomic():
        goal = AnnualGoal.objects.select_for_update().get(pk=goal.pk)
        if goal.task_id is not None:
            raise Conflict("该目标已转为任务，不能删除", "converted")
        record(actor=actor, event="annual_goal.delete", obj=goal, changes={"text": goal.text})
        goal.delete()


def default_campaign(year: int) -> Campaign | None:
    return Campaign.objects.filter(year=year).order_by("-id").first()


def annual_goal_to_task(*, actor: User, goal: AnnualGoal, campaign: Campaign | None = None,
                        focus_area: FocusArea | None = None, lead_leader: Person | None = None) -> Task:
    """转为任务: one step from a unit's goal to a draft task led by that unit, due on the goal's deadline."""
    with transaction.atomic():
        goal = AnnualGoal.objects.select_for_update(of=("self",)).select_related("report__unit").get(pk=goal.pk)
        if goal.task_id is not None:
            raise Conflict("该目标已转为任务", "converted")
        report = goal.report
        campaign = campaign or default_campaign(report.year)
        if campaign is None:
            raise UserError(f"没有{report.year}年度的攻坚行动，无法转为任务", "no_campaign", field="campaign")
        quantified = goal.quantity is not None
        task = task_services.task_create(
            actor=actor, campaign=campaign, title=goal.text, lead_unit=report.unit, deadline=goal.deadline,
            focus_area=focus_area, lead_leader=lead_leader, source=Task.Source.TOWN_REPORT, source_sentence=goal.text,
            description=f"来自{report.unit.name}{report.year}年工作汇报。",
            indicator=goal.text[:100] if quantified else "", indicator_unit=goal.unit_of_measure if quantified else "",
            target_value=goal.quantity,
        )
        goal.task = task
        goal.save(update_fields=["task"])
        record(actor=actor, event="annual_goal.to_task", obj=goal, changes={"task": task.pk, "text": goal.text})
    return task

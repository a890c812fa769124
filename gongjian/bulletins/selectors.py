"""The month's figures as one plain, JSON-ready dict: the bulletin's .docx and .xlsx, its page and its tests all read
`month_figures`, so the document says what the database says. Built in a fixed number of queries.

A month is measured as of its last supervision run (the day its cards were lit), or its last day when it had none;
completions count by their completion date, so building the same month again gives the same figures."""

import re
from collections import defaultdict
from collections.abc import Container
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, QuerySet, Sum

from gongjian.assessment import selectors as assessment_selectors
from gongjian.assessment.models import Category, Ranking, Scheme
from gongjian.bulletins.models import AnnualReport, Bulletin
from gongjian.campaigns.models import Campaign, Task, task_overdue_q
from gongjian.dispatch.models import ProgressReport
from gongjian.errors import UserError
from gongjian.org.models import Unit
from gongjian.projects.calc import HUNDRED, ZERO, Position, position, time_progress_phrase, wan
from gongjian.projects.models import STATS_THRESHOLD, Project, ProjectFigures, ProjectPlan
from gongjian.projects.rules import PROJECT_RULES, due_month
from gongjian.supervision.models import Blocker, Card, Color, SupervisionRun
from gongjian.supervision.selectors import RULE_LABELS
from gongjian.workdays import days

COLORS = tuple(Color.values)
COLOR_LABELS = dict(Color.choices)
NOT_COUNTED = (Task.Status.DRAFT, Task.Status.CANCELLED)
CHINESE_NUMBERS = "一二三四五六七八九十"
_MONTH = re.compile(r"(\d{4})-(\d{2})")


def parse_month(label: str) -> tuple[date, date]:
    """"2023-03" → (2023-03-01, 2023-03-31); a UserError naming the field otherwise."""
    match = _MONTH.fullmatch((label or "").strip())
    if match is None or not 2000 <= int(match.group(1)) <= 2100 or not 1 <= int(match.group(2)) <= 12:
        raise UserError("月份格式应为 2023-03", "invalid", field="month")
    start = date(int(match.group(1)), int(match.group(2)), 1)
    return start, (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def short_title(title: str) -> str:
    """A focus area's title runs on after its colon ("深化双招双引：在强力推动…"); tables show the head."""
    return title.split("：")[0]


def ymd(d: date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def percent(part: int | Decimal, whole: int | Decimal | None) -> str | None:
    """One decimal, as text (JSON keeps it exact); None when there is nothing to divide by."""
    if not whole:
        return None
    return str((Decimal(part) * HUNDRED / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def money(yuan: Decimal | None) -> str:
    """Yuan → 万元 with two decimals, as text."""
    return str(wan(yuan or ZERO))


def counted_tasks(campaign: Campaign) -> QuerySet[Task]:
    """The campaign's tasks the bulletin counts (projects included; drafts and cancelled ones not)."""
    return Task.objects.filter(campaign=campaign).exclude(status__in=NOT_COUNTED)


def campaign_cards(campaign: Campaign, day: date, **filters: object) -> QuerySet[Card]:
    """Cards of the campaign's tasks on `day`. Filtering by a task-id subquery rather than a join lets the database walk the
    campaign's tasks and probe each one's card of the day, instead of every task's card of the day (a province holds
    a hundred campaigns)."""
    return Card.objects.on(day).filter(task_id__in=Task.objects.filter(campaign=campaign).values("id"), **filters)


def cards_date(start: date, end: date) -> date | None:
    """The month's last supervision run: the day whose cards the bulletin reports."""
    return (SupervisionRun.objects.filter(date__gte=start, date__lte=end).order_by("-date")
            .values_list("date", flat=True).first())


def _findings_text(findings: list[dict], rules: Container[str] | None = None) -> str:
    return "；".join(f"{RULE_LABELS.get(f['rule'], f['rule'])}：{f['message']}" for f in findings
                    if rules is None or f["rule"] in rules)


def _task_figures(campaign: Campaign, as_of: date) -> dict:
    completed = Q(status=Task.Status.COMPLETED, completed_on__lte=as_of)
    due = Q(deadline__lte=as_of)
    numbers = counted_tasks(campaign).aggregate(
        total=Count("id"), completed=Count("id", filter=completed), due=Count("id", filter=due),
        on_time=Count("id", filter=due & completed & Q(completed_on__lte=F("deadline"))),
        overdue=Count("id", filter=task_overdue_q(as_of)),
    )
    return {**numbers, "completion_rate": percent(numbers["completed"], numbers["total"]),
            "on_time_rate": percent(numbers["on_time"], numbers["due"])}


def _areas(campaign: Campaign, as_of: date, day: date | None) -> list[dict]:
    rows: dict[int | None, dict] = {}
    for pk, title in campaign.focus_areas.order_by("order", "id").values_list("id", "title"):
        rows[pk] = {"id": pk, "title": short_title(title), "tasks": 0, "completed": 0, **dict.fromkeys(COLORS, 0)}
    completed = Q(status=Task.Status.COMPLETED, completed_on__lte=as_of)
    for item in counted_tasks(campaign).values("focus_area").annotate(
            n=Count("id"), done=Count("id", filter=completed)).order_by():
        row = rows.setdefault(item["focus_area"], {"id": None, "title": "未分重点方向", "tasks": 0, "completed": 0,
                                                   **dict.fromkeys(COLORS, 0)})
        row["tasks"], row["completed"] = item["n"], item["done"]
    if day is not None:
        for item in campaign_cards(campaign, day).values("task__focus_area", "color") \
                .annotate(n=Count("id")).order_by():
            row = rows.setdefault(item["task__focus_area"], {"id": None, "title": "未分重点方向", "tasks": 0,
                                                             "completed": 0, **dict.fromkeys(COLORS, 0)})
            row[item["color"]] += item["n"]
    for row in rows.values():
        row["completion_rate"] = percent(row["completed"], row["tasks"])
    return list(rows.values())


def _colors(campaign: Campaign, day: date | None) -> dict:
    totals = dict.fromkeys(COLORS, 0)
    if day is not None:
        for color, n in campaign_cards(campaign, day).values_list("color") \
                .annotate(n=Count("id")).order_by():
            totals[color] += n
    return {**totals, "total": sum(totals.values())}


def _red_yellow(campaign: Campaign, day: date | None) -> list[dict]:
    if day is None:
        return []
    cards = (campaign_cards(campaign, day, color__in=(Color.RED, Color.YELLOW))
             .select_related("task__lead_unit", "task__lead_leader")
             .order_by("task__lead_unit__order", "task__lead_unit_id", "task__deadline", "task_id"))
    rows = [{"task_id": c.task_id, "title": c.task.title, "color": c.color, "color_label": COLOR_LABELS[c.color],
             "reasons": _findings_text(c.findings), "unit": c.task.lead_unit.name,
             "leader": c.task.lead_leader.display_name if c.task.lead_leader else "",
             "deadline": c.task.deadline.isoformat()} for c in cards]
    rows.sort(key=lambda r: r["color"] != Color.RED)  # stable: red first, each colour still by unit and deadline
    return rows


def _overdue_blockers(campaign: Campaign, as_of: date) -> list[dict]:
    """Blockers that had passed their due date by the day and were not cleared then (overdue from the day after)."""
    cleared = Q(resolved_on__lte=as_of) | Q(closed_on__lte=as_of)
    blockers = (Blocker.objects.filter(due_on__lt=as_of, task__campaign=campaign, raised_on__lte=as_of)
                .exclude(cleared).select_related("task", "responsible_unit").order_by("raised_on", "id"))
    calendar = days.calendar()
    rows = []
    for b in blockers:
        since = b.due_on + timedelta(days=1)
        rows.append({"id": b.pk, "description": b.description, "category": b.get_category_display(),
                     "task": b.task.title, "task_id": b.task_id, "unit": b.responsible_unit.name,
                     "raised_on": b.raised_on.isoformat(), "overdue_since": since.isoformat(),
                     "late_workdays": calendar.between(since, as_of), "level": b.get_level_display()})
    return rows


@dataclass(frozen=True)
class Investment(Position):
    """The campaign's projects against the year's plan, measured at `month` (reported, or due and so expected). The
    arithmetic (序时进度, completion, points) is `projects.calc.Position`'s; the months are kept for the cockpit's
    curves."""

    plan: tuple[Decimal, ...] = ()  # January first, all twelve months
    actual: tuple[Decimal, ...] = ()  # approved figures, January … `month`


def investment(projects: QuerySet[Project], year: int, last_month: int, as_of: date) -> Investment:
    """Two queries for any number of projects. Months after `last_month` have no actual figures counted."""
    plan = dict(ProjectPlan.objects.filter(project__in=projects, year=year).values_list("month")
                .annotate(s=Sum("investment")).order_by())
    actual = dict(ProjectFigures.objects.filter(project__in=projects, year=year, month__lte=last_month,
                                                report__state=ProgressReport.State.APPROVED)
                  .values_list("month").annotate(s=Sum("invested")).order_by())
    expected = due_month(as_of) if as_of.year == year else (12 if as_of.year > year else 0)
    month = min(last_month, max([expected, *actual.keys()]))
    plan12 = tuple(plan.get(m, ZERO) for m in range(1, 13))
    actual12 = tuple(actual.get(m, ZERO) if m <= month else ZERO for m in range(1, 13))
    return Investment(**asdict(position(plan12, actual12, month)), plan=plan12, actual=actual12)


def counted_projects(campaign: Campaign) -> QuerySet[Project]:
    return Project.objects.filter(campaign=campaign).exclude(status__in=NOT_COUNTED)


def _projects(campaign: Campaign, start: date, as_of: date, day: date | None) -> dict | None:
    projects = counted_projects(campaign)
    started = Q(actual_start__isnull=False, actual_start__lte=as_of)
    numbers = projects.aggregate(
        count=Count("pk"), total=Sum("total_investment"),
        start_due=Count("pk", filter=Q(start__lte=as_of)),
        started=Count("pk", filter=Q(start__lte=as_of) & started),
        new_starts_year=Count("pk", filter=started & Q(actual_start__gte=date(start.year, 1, 1))),
        new_starts_month=Count("pk", filter=started & Q(actual_start__gte=start)),
        stats_due=Count("pk", filter=started & Q(total_investment__gte=STATS_THRESHOLD)),
        in_stats=Count("pk", filter=Q(stats_status=Project.StatsStatus.IN_STATS)),
    )
    if not numbers["count"]:
        return None
    by_status = dict(projects.values_list("stats_status").annotate(n=Count("pk")).order_by())
    inv = investment(projects, start.year, start.month, as_of)
    return {
        "count": numbers["count"], "total_investment": money(numbers["total"]),
        "year": start.year, "measured_month": inv.month,
        "months_text": "" if inv.month == 0 else ("1月" if inv.month == 1 else f"1—{inv.month}月"),
        "year_plan": money(inv.year_plan), "year_to_date": money(inv.year_to_date),
        "completion": percent(inv.year_to_date, inv.year_plan), "time_progress": percent(inv.planned_to_date,
                                                                                        inv.year_plan),
        "phrase": time_progress_phrase(inv.points),
        "start_due": numbers["start_due"], "started": numbers["started"],
        "start_rate": percent(numbers["started"], numbers["start_due"]),
        "new_starts_year": numbers["new_starts_year"], "new_starts_month": numbers["new_starts_month"],
        "stats_due": numbers["stats_due"], "in_stats": numbers["in_stats"],
        "stats": [{"status": value, "label": label, "count": by_status.get(value, 0)}
                  for value, label in Project.StatsStatus.choices],
        "lagging": _lagging(campaign, day),
    }


def _lagging(campaign: Campaign, day: date | None) -> list[dict]:
    """Projects whose card on the day was lit by a project rule, with those rules' messages as the reasons."""
    if day is None:
        return []
    cards = (campaign_cards(campaign, day, task__project__isnull=False,
                                 color__in=(Color.RED, Color.YELLOW))
             .select_related("task__project__town", "task__lead_unit", "task__lead_leader")
             .order_by("task__lead_unit__order", "task_id"))
    rows = []
    for card in cards:
        reasons = _findings_text(card.findings, PROJECT_RULES)
        if not reasons:
            continue
        project = card.task.project
        rows.append({"project_id": card.task_id, "title": card.task.title, "color": card.color,
                     "color_label": COLOR_LABELS[card.color], "reasons": reasons,
                     "town": project.town.name if project.town else "", "unit": card.task.lead_unit.name,
                     "leader": card.task.lead_leader.display_name if card.task.lead_leader else "",
                     "total_investment": money(project.total_investment)})
    rows.sort(key=lambda r: r["color"] != Color.RED)
    return rows


def _rankings(campaign: Campaign, label: str) -> dict | None:
    ranking = (Ranking.objects.filter(scheme__campaign=campaign, scheme__period_type=Scheme.PeriodType.MONTH,
                                      label=label).select_related("scheme").first())
    if ranking is None:
        return None
    tables = assessment_selectors.league(ranking, published_only=False)
    return {
        "label": ranking.label, "title": ranking.title, "published": ranking.is_published,
        "tables": [{"category": category, "label": Category(category).label, "rows": [
            {"rank": row.score.rank, "unit": row.score.unit.name, "score": str(row.score.total),
             "change": row.change_text, "gap": str(row.gap), "red": row.score.red_count,
             "yellow": row.score.yellow_count} for row in rows]} for category, rows in tables.items()],
    }


def month_figures(campaign: Campaign, month: str) -> dict:
    """Everything the month's bulletin reports, as plain JSON values (money in 万元 and percentages as text)."""
    start, end = parse_month(month)
    day = cards_date(start, end)
    as_of = day or end
    return {
        "campaign": {"id": campaign.pk, "name": campaign.name},
        "month": month, "year": start.year, "month_number": start.month,
        "as_of": as_of.isoformat(), "as_of_text": ymd(as_of),
        "cards_date": day.isoformat() if day else None,
        "tasks": _task_figures(campaign, as_of),
        "colors": _colors(campaign, day),
        "areas": _areas(campaign, as_of, day),
        "projects": _projects(campaign, start, as_of, day),
        "red_yellow": _red_yellow(campaign, day),
        "overdue_blockers": _overdue_blockers(campaign, as_of),
        "rankings": _rankings(campaign, month),
    }


def campaign_short(name: str) -> str:
    """"2023年“攻坚克难年”" → "“攻坚克难年”": the bulletin states the year itself."""
    return re.sub(r"^\d{4}年?", "", name).strip() or name


def default_title(campaign: Campaign, month: str) -> str:
    start, _ = parse_month(month)
    return f"{campaign_short(campaign.name)}工作通报（{start.year}年第{start.month}期）"


def document(bulletin: Bulletin) -> dict:
    """What the .docx and .xlsx print: the stored content once published, otherwise the live figures, with the
    bulletin's own words."""
    figures = bulletin.content if bulletin.is_published and bulletin.content else month_figures(
        bulletin.campaign, bulletin.month)
    return {**figures, "title": bulletin.title, "issuer": bulletin.issuer, "number": bulletin.number,
            "office_text": bulletin.office_text, **_signed_document(bulletin)}


def _signed_document(bulletin: Bulletin) -> dict:
    """Number, signer, date and 抄送 of the bulletin's signed official document (公文), if it has one."""
    from gongjian.documents.models import Document

    signed = Document.objects.filter(bulletin_id=bulletin.pk, status=Document.Status.SIGNED).first() \
        if bulletin.pk else None
    if signed is None or signed.issued_on is None:
        return {}
    return {"document_number": signed.number, "signer": signed.signer_name, "cc": signed.cc,
            "issued_on": signed.issued_on.isoformat()}


def sections(figures: dict) -> dict[str, str]:
    """The numbered section headings, in order, by key: the document, the page and the tests agree on them."""
    keys = ["overall", *(["projects"] if figures.get("projects") else []), "lists", "rankings", "office"]
    names = {"overall": "总体情况", "projects": "重点项目推进情况", "lists": "红黄牌任务及滞后事项",
             "rankings": "考核排名", "office": "督查室意见"}
    return {key: f"{CHINESE_NUMBERS[i]}、{names[key]}" for i, key in enumerate(keys)}


def reports_by_year(year: int) -> dict:
    """The annual reports of a year side by side: towns, streets and zones first, then departments."""
    reports = list(AnnualReport.objects.filter(year=year).select_related("unit").prefetch_related("goals__task")
                   .order_by("unit__order", "unit_id"))
    groups: dict[str, list] = defaultdict(list)
    for report in reports:
        groups["area" if report.unit.kind in Unit.AREA_KINDS else "department"].append(report)
    return groups

"""Reads for project pages: list rows, the detail's month table, the dispatch figures, the attraction pipeline and
its rates, the deployment and guarantee views. Each loads in a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from gongjian.campaigns.access import tasks_visible_to
from gongjian.campaigns.models import Campaign, Milestone
from gongjian.campaigns.overdue import overdue_on
from gongjian.dispatch.models import ProgressReport, ReportingPeriod
from gongjian.org.access import sees_everything, unit_id_of
from gongjian.org.models import Unit
from gongjian.projects.calc import HUNDRED, ZERO, Position, position, twelve
from gongjian.projects.models import (
    BattleTarget,
    Project,
    ProjectApproval,
    ProjectFigures,
    ProjectFunding,
    ProjectPlan,
)
from gongjian.projects.rules import due_month, year_numbers
from gongjian.supervision.models import Blocker, Card
from gongjian.types import User
from gongjian.workdays import days

APPROVED = ProgressReport.State.APPROVED


def latest_card_date(on: date) -> date | None:
    """The latest day up to `on` that has cards: `on` itself while any card stands, else the day the last one ended."""
    return Card.objects.last_day(date.min, on)


def card_colors(tasks: QuerySet, on: date) -> dict[int, str]:
    """Each task's card on the latest supervision run up to `on`: two queries for any number of tasks."""
    latest = latest_card_date(on)
    if latest is None:
        return {}
    return dict(Card.objects.on(latest).filter(task__in=tasks.values("pk")).values_list("task_id", "color"))


def with_card(projects: QuerySet[Project], on: date) -> QuerySet[Project]:
    latest = Card.objects.latest_until(on).filter(task=OuterRef("pk")).values("color")[:1]
    return projects.annotate(card=Subquery(latest))


def _card_until(task_id: int, on: date) -> Card | None:
    """The project's card on `on`, or its last one; dated by the last day it stood up to `on`."""
    card = Card.objects.latest_until(on).filter(task_id=task_id).first()
    if card is not None:
        card.date = min(card.valid_until or on, on)
    return card


def project_rows(projects: QuerySet[Project], on: date) -> QuerySet[Project]:
    return with_card(projects, on).select_related("lead_unit", "town", "lead_leader", "focus_area", "campaign")


def positions(projects: QuerySet[Project], on: date) -> dict[int, Position]:
    """Each project's place against its year's plan on a day, measured at its reported or due month."""
    numbers = year_numbers(projects, on)
    expected = due_month(on)
    return {pid: numbers.position(pid, expected) for pid in projects.values_list("pk", flat=True)}


@dataclass(frozen=True)
class MonthRow:
    month: int
    plan: Decimal
    actual: Decimal | None  # None: no approved figures for the month
    cumulative_plan: Decimal
    cumulative_actual: Decimal
    position: Position


def month_table(project: Project, year: int) -> list[MonthRow]:
    plan = dict(ProjectPlan.objects.filter(project=project, year=year).values_list("month", "investment"))
    actual = dict(ProjectFigures.objects.filter(project=project, year=year, report__state=APPROVED)
                  .values_list("month", "invested"))
    plan12, actual12 = twelve(plan), twelve(actual)
    rows = []
    for m in range(1, 13):
        pos = position(plan12, actual12, m)
        rows.append(MonthRow(m, plan12[m - 1], actual.get(m), pos.planned_to_date, pos.year_to_date, pos))
    return rows


@dataclass(frozen=True)
class DispatchNumbers:
    """The derived figures of one monthly dispatch (本期、本年累计、开工累计、占年度计划、与时间进度比)."""

    this_period: Decimal
    year_to_date: Decimal
    since_start: Decimal
    position: Position
    total_investment: Decimal

    @property
    def overall(self) -> Decimal | None:
        if self.total_investment <= 0:
            return None
        return self.since_start * HUNDRED / self.total_investment


def dispatch_numbers(project: Project, period: ReportingPeriod, invested: Decimal | None,
                     report_id: int | None = None) -> DispatchNumbers:
    """The figures as they stand with this period's report counted (approved or not) and every other month's
    approved report; nothing here is typed but `invested`."""
    return _numbers_for(Project.objects.filter(pk=project.pk), [(project, period, invested, report_id)])[0]


def dispatch_numbers_bulk(figures: list[ProjectFigures]) -> dict[int, DispatchNumbers]:
    """dispatch_numbers for many figures at once (an API page), in two queries."""
    ids = {f.project_id for f in figures}
    numbers = _numbers_for(Project.objects.filter(pk__in=ids),
                           [(f.project, f.period, f.invested, f.report_id) for f in figures])
    return {f.pk: n for f, n in zip(figures, numbers, strict=True)}


def _numbers_for(projects: QuerySet[Project], items: list) -> list[DispatchNumbers]:
    plans: dict[tuple[int, int], dict[int, Decimal]] = defaultdict(dict)
    for pid, year, month, investment in ProjectPlan.objects.filter(project__in=projects).values_list(
            "project_id", "year", "month", "investment"):
        plans[(pid, year)][month] = investment
    approved: dict[int, list[tuple]] = defaultdict(list)
    for row in ProjectFigures.objects.filter(project__in=projects, report__state=APPROVED).values_list(
            "project_id", "report_id", "period_id", "period__start", "year", "month", "invested"):
        approved[row[0]].append(row[1:])
    out = []
    for project, period, invested, report_id in items:
        year, month, this = period.start.year, period.start.month, invested or ZERO
        before = [r for r in approved[project.pk] if r[0] != report_id and r[1] != period.pk and r[2] < period.start]
        this_year = {m: amount for _, _, _, y, m, amount in before if y == year}
        this_year[month] = this
        since = project.prior_investment + sum((r[5] for r in before), ZERO) + this
        pos = position(twelve(plans[(project.pk, year)]), twelve(this_year), month)
        out.append(DispatchNumbers(this, pos.year_to_date, since, pos, project.total_investment))
    return out


def funding_rows(project: Project) -> list[dict]:
    labels = dict(ProjectFunding.Source.choices)
    return [{"source": f.source, "label": labels[f.source], "amount": f.amount,
             "government": f.source in ProjectFunding.GOVERNMENT} for f in project.funding.all()]


def approval_rows(project: Project) -> list[ProjectApproval]:
    """All seven approvals in order; the ones never entered show as not started."""
    existing = {a.kind: a for a in project.approvals.all()}
    return [existing.get(kind) or ProjectApproval(project=project, kind=kind) for kind in ProjectApproval.KIND_ORDER]


def project_detail(project: Project, on: date) -> dict:
    reports = list(ProgressReport.objects.filter(task_id=project.pk).exclude(state=ProgressReport.State.SUPERSEDED)
                   .select_related("period").order_by("-period__start", "-id"))
    figures = {f.report_id: f for f in ProjectFigures.objects.filter(project=project)}
    numbers = year_numbers(Project.objects.filter(pk=project.pk), on)
    return {
        "project": project,
        "months": month_table(project, on.year),
        "position": numbers.position(project.pk, due_month(on)),
        "since_start": project.prior_investment + (ProjectFigures.objects.filter(
            project=project, report__state=APPROVED).aggregate(s=Sum("invested"))["s"] or ZERO),
        "reports": [(r, figures.get(r.pk)) for r in reports],
        "funding": funding_rows(project),
        "approvals": approval_rows(project),
        "milestones": list(Milestone.objects.filter(task_id=project.pk).order_by("order", "id")),
        "blockers": list(Blocker.objects.filter(task_id=project.pk).select_related("responsible_unit")
                         .order_by("state", "due_on")),
        "card": _card_until(project.pk, on),
        "co_units": list(project.co_units.all()),
        "year": on.year,
    }


# --- attraction pipeline (招商引资) -------------------------------------------------------------------------------

SIGNED_STAGES = Project.STAGE_ORDER[Project.STAGE_ORDER.index(Project.Stage.CONTRACT_SIGNED):]
REGISTERED_STAGES = Project.STAGE_ORDER[Project.STAGE_ORDER.index(Project.Stage.REGISTERED):]

RATE_DEFINITIONS = {
    "fulfilment": ("履约率", "已签订正式合同的项目中，已注册落地（含之后阶段）的项目所占比例"),
    "funds": ("资金到位率", "已签订正式合同的项目累计到位资金（经审核的月度调度之和）占其合同总投资的比例"),
    "start": ("开工率", "已签订正式合同且计划开工日期已到的项目中，已实际开工的项目所占比例"),
    "production": ("投产达产率", "已签订正式合同且计划投产日期已到的项目中，已实际投产的项目所占比例"),
}


@dataclass(frozen=True)
class Rate:
    key: str
    name: str
    definition: str
    numerator: Decimal
    denominator: Decimal
    numerator_query: str
    denominator_query: str
    money: bool = False

    @property
    def percent(self) -> Decimal | None:
        return self.numerator * HUNDRED / self.denominator if self.denominator else None


def attraction_summary(projects: QuerySet[Project], on: date) -> dict:
    """Projects per stage and the four rates leaders ask for (definitions in RATE_DEFINITIONS)."""
    attracted = projects.exclude(attraction_stage="")
    by_stage = dict(attracted.values_list("attraction_stage").annotate(n=Count("pk")).order_by())
    signed = attracted.filter(attraction_stage__in=SIGNED_STAGES)
    counts = signed.aggregate(
        signed=Count("pk"),
        registered=Count("pk", filter=Q(attraction_stage__in=REGISTERED_STAGES)),
        start_due=Count("pk", filter=Q(start__lte=on)),
        started=Count("pk", filter=Q(start__lte=on, actual_start__lte=on)),
        production_due=Count("pk", filter=Q(planned_production__lte=on)),
        producing=Count("pk", filter=Q(planned_production__lte=on, actual_production__lte=on)),
        contracted=Coalesce(Sum("total_investment"), ZERO),
    )
    in_place = ProjectFigures.objects.filter(project__in=signed, report__state=APPROVED).aggregate(
        s=Sum("funds_in_place"))["s"] or ZERO
    signed_q = "signed=true"
    rates = [
        Rate("fulfilment", *RATE_DEFINITIONS["fulfilment"], Decimal(counts["registered"]), Decimal(counts["signed"]),
             "signed=true&registered=true", signed_q),
        Rate("funds", *RATE_DEFINITIONS["funds"], in_place, counts["contracted"], signed_q, signed_q, money=True),
        Rate("start", *RATE_DEFINITIONS["start"], Decimal(counts["started"]), Decimal(counts["start_due"]),
             "signed=true&start_due=true&started=true", "signed=true&start_due=true"),
        Rate("production", *RATE_DEFINITIONS["production"], Decimal(counts["producing"]),
             Decimal(counts["production_due"]), "signed=true&production_due=true&producing=true",
             "signed=true&production_due=true"),
    ]
    stages = [{"value": value, "label": label, "count": by_stage.get(value, 0)} for value, label in
              Project.Stage.choices]
    foreign = attracted.filter(is_foreign=True).aggregate(n=Count("pk"), usd=Coalesce(Sum("foreign_amount_usd"), ZERO))
    return {"stages": stages, "rates": rates, "attracted": sum(by_stage.values()), "signed": counts["signed"],
            "foreign": foreign}


# --- battle map: deployment (作战部署图) ---------------------------------------------------------------------------

@dataclass
class DeploymentRow:
    key: str  # "area" or "town"
    id: int
    name: str
    target: BattleTarget | None
    leader: str
    unit: str
    planned: dict
    done: dict
    query: str  # the project list's filter for this row's projects

    @property
    def investment_goal(self) -> Decimal:
        """The office's target when set, else what the projects' own plans add up to."""
        return self.target.investment if self.target is not None else self.planned["investment"]

    @property
    def investment_share(self) -> Decimal | None:
        goal = self.investment_goal
        return self.done["investment"] * HUNDRED / goal if goal else None

    @property
    def bar_width(self) -> int:
        share = self.investment_share
        return 0 if share is None else int(min(share, HUNDRED))


def _year_counts(projects: QuerySet[Project], group: str, year: int) -> dict[int | None, dict]:
    in_year = {"start": Q(start__year=year), "produce": Q(planned_production__year=year)}
    done = {"attract": Q(attraction_stage__in=SIGNED_STAGES, signed_on__year=year),
            "start": Q(actual_start__year=year), "produce": Q(actual_production__year=year)}
    rows = projects.values(group).annotate(
        projects=Count("pk"),
        **{f"planned_{k}": Count("pk", filter=q) for k, q in in_year.items()},
        **{f"done_{k}": Count("pk", filter=q) for k, q in done.items()},
    ).order_by()
    return {row[group]: row for row in rows}


def _year_money(model: type[ProjectPlan] | type[ProjectFigures], projects: QuerySet[Project], group: str, field: str,
                year: int, **extra: object) -> dict:
    rows = (model.objects.filter(project__in=projects, year=year, **extra).values(f"project__{group}")
            .annotate(total=Sum(field)).order_by())
    return {row[f"project__{group}"]: row["total"] for row in rows}


def deployment(campaign: Campaign, projects: QuerySet[Project], year: int) -> dict[str, list[DeploymentRow]]:
    """Per focus area and per town: the year's targets (projects to attract, start and put into production, and
    investment) against what is done, with the responsible leader and unit."""
    projects = projects.filter(campaign=campaign)
    targets = {(t.focus_area_id, t.town_id): t for t in
               BattleTarget.objects.filter(campaign=campaign).select_related("leader", "unit")}
    out: dict[str, list[DeploymentRow]] = {}
    # A focus area's title runs on after its colon ("深化双招双引：在强力推动…"); the board shows the head.
    areas = [(pk, title.split("：")[0]) for pk, title in campaign.focus_areas.values_list("id", "title")]
    groups = (("area", "focus_area", areas),
              ("town", "town", list(Unit.objects.filter(kind__in=Unit.AREA_KINDS, is_active=True)
                                    .values_list("id", "name"))))
    for key, group, members in groups:
        counts = _year_counts(projects, group, year)
        plan = _year_money(ProjectPlan, projects, group, "investment", year)
        done = _year_money(ProjectFigures, projects, group, "invested", year, report__state=APPROVED)
        rows = []
        for member_id, name in members:
            c = counts.get(member_id, {})
            target = targets.get((member_id, None) if key == "area" else (None, member_id))
            if not c and target is None:
                continue
            rows.append(DeploymentRow(
                key, member_id, name, target,
                leader=target.leader.display_name if target and target.leader else "",
                unit=target.unit.name if target and target.unit else (name if key == "town" else ""),
                planned={"attract": None, "start": c.get("planned_start", 0),
                         "produce": c.get("planned_produce", 0), "investment": plan.get(member_id) or ZERO,
                         "projects": c.get("projects", 0)},
                done={"attract": c.get("done_attract", 0), "start": c.get("done_start", 0),
                      "produce": c.get("done_produce", 0), "investment": done.get(member_id) or ZERO},
                query=f"campaign={campaign.pk}&{group}={member_id}",
            ))
        out[key] = rows
    return out


# --- battle map: guarantee (作战保障图) ----------------------------------------------------------------------------

AGE_BANDS = ((10, "10个工作日内"), (20, "11—20个工作日"), (None, "超过20个工作日"))


def blockers_visible_to(user: User | AnonymousUser) -> QuerySet[Blocker]:
    """Blockers on the tasks the user sees, and those the user's unit must clear wherever they are."""
    blockers = Blocker.objects.all()
    if sees_everything(user):
        return blockers
    return blockers.filter(Q(task__in=tasks_visible_to(user).values("pk")) | Q(responsible_unit_id=unit_id_of(user)))


def age_band(age: int) -> int:
    for i, (limit, _) in enumerate(AGE_BANDS):
        if limit is None or age <= limit:
            return i
    return len(AGE_BANDS) - 1


def guarantee(blockers: QuerySet[Blocker], on: date) -> dict:
    """Open blockers by category × responsible unit, by level and by age (working days since raised)."""
    rows = list(blockers.values_list("category", "responsible_unit_id", "responsible_unit__name", "level",
                                     "raised_on", "due_on"))
    cal = days.calendar()
    matrix: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    units: dict[int, str] = {}
    levels: dict[int, int] = defaultdict(int)
    ages = [0] * len(AGE_BANDS)
    overdue = 0
    for category, unit_id, unit, level, raised, due in rows:
        matrix[category][unit_id] += 1
        units[unit_id] = unit
        levels[level] += 1
        ages[age_band(cal.between(raised, on))] += 1
        overdue += overdue_on(due, None, on)  # the rows are open blockers
    categories = [(value, label) for value, label in Blocker.Category.choices if value in matrix]
    unit_totals = {u: sum(cells.get(u, 0) for cells in matrix.values()) for u in units}
    unit_list = sorted(units.items(), key=lambda item: (-unit_totals[item[0]], item[1]))
    return {
        "total": len(rows), "overdue": overdue, "categories": categories, "units": unit_list,
        "matrix": {c: dict(cells) for c, cells in matrix.items()},
        "category_totals": {c: sum(cells.values()) for c, cells in matrix.items()},
        "unit_totals": unit_totals,
        "levels": [(value, label, levels.get(value, 0)) for value, label in Blocker.Level.choices],
        "ages": [(i, label, ages[i]) for i, (_, label) in enumerate(AGE_BANDS)],
    }


def blocker_rows(blockers: QuerySet[Blocker], on: date) -> list[dict]:
    cal = days.calendar()
    return [{"blocker": b, "age": cal.between(b.raised_on, on), "overdue": b.is_overdue_on(on),
             "is_project": hasattr(b.task, "project")}
            for b in blockers.select_related("task", "task__project", "responsible_unit").order_by("raised_on", "id")]

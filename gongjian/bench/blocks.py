"""One county-sized block of synthetic data: its org, campaign, tasks, milestones, reports, blockers and overrides.

Everything about a task is planned in memory first (its pace, when each milestone is done, which reports it files
in which state), so that every row is written once, consistent with the others: a task's progress is its latest
approved report's, a completed task's milestones are all done, a report's `milestones_done` names the milestones
finished in its period. See data.py for what the data looks like and how it is used.
"""

from __future__ import annotations

import itertools
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import connection, models
from django.utils import timezone

from gongjian.bench import names
from gongjian.bench.scale import MILESTONES_PER_TASK
from gongjian.campaigns.models import Campaign, FocusArea, Milestone, Task
from gongjian.dispatch.models import ProgressReport, ReportingPeriod
from gongjian.org.models import Person, Role, RoleGrant, Unit, pinyin_initials
from gongjian.supervision.models import Blocker, CardOverride, Rule

BATCH = 5000
YEAR = 2023
CAMPAIGN_START = date(YEAR, 1, 28)
State = ProgressReport.State

# Pace profiles: (name, share of tasks, delay of each milestone against its plan, in days).
PACES = [("ahead", 0.10, (-15, -2)), ("on_track", 0.55, (-8, 2)), ("slipping", 0.22, (0, 20)),
         ("late", 0.10, (20, 90)), ("stalled", 0.03, (30, 60))]
PACE_NAMES = [p[0] for p in PACES]
PACE_SHARES = [p[1] for p in PACES]
PACE_DELAYS = {p[0]: p[2] for p in PACES}
LAGGING = ("slipping", "late", "stalled")
STALLED_FROM = 2  # a stalled task's milestones from this index on are not finished this year
NEVER = date(YEAR + 1, 6, 30)
DEADLINES = [(date(YEAR, 3, 31), 2), (date(YEAR, 4, 30), 3), (date(YEAR, 5, 31), 4), (date(YEAR, 6, 30), 10),
             (date(YEAR, 7, 31), 4), (date(YEAR, 8, 31), 5), (date(YEAR, 9, 19), 1), (date(YEAR, 9, 20), 1),
             (date(YEAR, 9, 30), 9), (date(YEAR, 10, 31), 6), (date(YEAR, 11, 30), 8), (date(YEAR, 12, 15), 6),
             (date(YEAR, 12, 31), 20)]
SOURCES = [(Task.Source.CAMPAIGN, 80), (Task.Source.MEETING, 7), (Task.Source.INSTRUCTION, 6),
           (Task.Source.SUPERIOR, 4), (Task.Source.PROPOSAL, 3)]
INDICATORS = [("签约项目数", "个", 5, 30), ("建成面积", "万平方米", 1, 20), ("完成投资", "亿元", 1, 50),
              ("改造户数", "户", 200, 3000)]
WEIGHT_PATTERNS = [tuple(Decimal(w) for w in pattern) for pattern in
                   (("1", "1", "1", "1", "1"), ("2", "2", "2", "2", "1"), ("1", "2", "2", "2", "1"),
                    ("3", "2", "2", "2", "1"), ("1", "1", "2", "2", "1"))]
HOT_SHARE = 0.25  # 一周一反馈: these tasks also report weekly
CAMPAIGN_RULES = [{"code": "deadline_near", "params": {"days": 5}}, {"code": "forecast_late", "enabled": False},
                  {"code": "progress_lag", "params": {"yellow_points": 15, "red_points": 35}}, None]


def aware(d: date, hour: int) -> datetime:
    return datetime.combine(d, clock_time(hour, 0), tzinfo=timezone.get_default_timezone())


_PREPARED = (models.DateField, models.DecimalField, models.JSONField)  # DateTimeField is a DateField


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple]) -> int:
    """INSERT tuples (Python values in `columns` order, attnames) with executemany, in batches.

    bulk_create spends most of its time preparing every value of every row; at a million rows that is minutes.
    Here only dates, times, decimals and JSON go through their field's `get_db_prep_save` (so the stored form is
    Django's, on any backend); other values pass as they are, and the fields not named get their default once."""
    meta = model._meta
    by_name = {f.attname: f for f in meta.concrete_fields}
    given = [by_name[c] for c in columns]
    rest = [f for f in meta.concrete_fields if not f.primary_key and f.attname not in columns]
    now = timezone.now()
    constants = tuple(f.get_db_prep_save(now if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False)
                                         else f.get_default(), connection) for f in rest)
    prepare = [f if isinstance(f, _PREPARED) else None for f in given]
    names_sql = ", ".join(connection.ops.quote_name(f.column) for f in given + rest)
    placeholders = ", ".join(["%s"] * (len(given) + len(rest)))
    # Only the model's own table and column names, quoted by the backend, go into the text; values are parameters.
    sql = f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({names_sql}) VALUES ({placeholders})"  # noqa: S608
    count = 0
    with connection.cursor() as cursor:
        for chunk in batched(rows, BATCH):
            cursor.executemany(sql, [
                tuple(v if f is None else f.get_db_prep_save(v, connection) for v, f in zip(row, prepare, strict=True))
                + constants for row in chunk])
            count += len(chunk)
    return count


def batched(items: Iterable, size: int) -> Iterable[list]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


@dataclass
class World:
    """What every block shares: today, the calendar, the reporting periods, and the running counts."""

    today: date
    calendar: object
    months: list[ReportingPeriod]
    weeks: list[ReportingPeriod]
    counts: Counter

    @classmethod
    def build(cls, today: date, calendar, counts: Counter) -> World:
        months, weeks = [], []
        for month in range(1, today.month):
            start = date(today.year, month, 1)
            end = date(today.year, month + 1, 1) - timedelta(days=1)
            months.append(_period(ReportingPeriod.Kind.MONTH, start, end, f"{start:%Y-%m}", calendar.add(end, 5)))
        week = CAMPAIGN_START - timedelta(days=CAMPAIGN_START.weekday())
        while week + timedelta(days=6) < today:
            end = week + timedelta(days=6)
            iso = week.isocalendar()
            weeks.append(_period(ReportingPeriod.Kind.WEEK, week, end, f"{iso.year}-W{iso.week:02d}",
                                 calendar.add(end, 1)))
            week += timedelta(days=7)
        counts["periods"] += len(months) + len(weeks)
        return cls(today, calendar, months, weeks, counts)


def _period(kind: str, start: date, end: date, label: str, due: date) -> ReportingPeriod:
    period, _ = ReportingPeriod.objects.get_or_create(kind=kind, start=start,
                                                      defaults={"label": label, "end": end, "due_on": due})
    return period


@dataclass
class ReportPlan:
    period: ReportingPeriod
    state: str
    percent: Decimal
    returns: int = 0
    corrected_to: Decimal | None = None  # a superseded report: the approved correction's percent


@dataclass
class TaskPlan:
    task: Task
    pace: str
    weights: tuple[Decimal, ...]
    planned: list[date]
    finish: list[date]  # when each milestone is (or would be) done
    stop: date | None = None  # suspended or cancelled on this day: no reports after it
    co_units: list[int] = field(default_factory=list)
    reports: list[ReportPlan] = field(default_factory=list)
    milestone_ids: list[int] = field(default_factory=list)

    def progress_at(self, on: date) -> Decimal:
        """Progress on a day: the weight of the milestones done, plus a share of the next one's weight."""
        done, previous = Decimal(0), self.task.start
        for weight, finish in zip(self.weights, self.finish, strict=True):
            if finish <= on:
                done, previous = done + weight, finish
                continue
            span = (finish - previous).days
            if span > 0:
                done += weight * min(Decimal("0.95"), Decimal(max(0, (on - previous).days)) / span)
            break
        return (100 * done / sum(self.weights)).quantize(Decimal("1"))


class BlockGenerator:
    def __init__(self, world: World, block: int, city: str, tasks: int, rng: random.Random):
        self.world, self.block, self.city, self.n_tasks, self.rng = world, block, city, tasks, rng
        self.today = world.today
        self.counts = world.counts

    def run(self) -> None:
        self._org()
        self._campaign()
        titles: Counter[str] = Counter()
        plans = [self._plan_task(titles) for _ in range(self.n_tasks)]
        self._write_tasks(plans)
        self._write_milestones(plans)
        self._write_reports(plans)
        self._blockers(plans)
        self._overrides(plans)

    # org -------------------------------------------------------------------------------------------------------

    def _units(self, rows: list[tuple[str, str, str, str, Unit | None]], first: int) -> list[Unit]:
        units = [Unit(name=name, short_name=short, kind=kind, duty_list=duty, parent=parent,
                      pinyin=pinyin_initials(name), order=self.block * 1000 + first + i)
                 for i, (name, short, kind, duty, parent) in enumerate(rows)]
        Unit.objects.bulk_create(units, batch_size=BATCH)
        self.counts["units"] += len(units)
        return units

    def _org(self) -> None:
        city = self.city
        (self.leadership,) = self._units([(f"{city}委市政府", "市委市政府", Unit.Kind.LEADERSHIP, "", None)], 0)
        places = self.rng.sample(list(itertools.product(names.PLACE_FIRST, names.PLACE_SECOND)), 11)
        kinds = [("镇", Unit.Kind.TOWN)] * 8 + [("街道", Unit.Kind.STREET)] * 3
        rows = [(f"{city}委市政府督查室", "督查室", Unit.Kind.LEADERSHIP, "", self.leadership)]
        rows += [(f"{city}{a}{b}{suffix}", f"{a}{b}{suffix}", kind, f"{a}{b} 辖区 属地管理", None)
                 for (a, b), (suffix, kind) in zip(places, kinds, strict=True)]
        rows.append((f"{city}经济开发区", "开发区", Unit.Kind.ZONE, "园区 招商 企业服务", None))
        rows += [(f"{city}{name}", name, Unit.Kind.DEPARTMENT, duty, None) for name, duty in names.DEPARTMENTS]
        rows += [(f"{city}{name}", name.replace("工作专班", "专班"), Unit.Kind.TASK_FORCE, "", None)
                 for name in names.TASK_FORCES]
        units = self._units(rows, 1)
        self.office_unit = units[0]
        self.areas = [u for u in units if u.kind in Unit.AREA_KINDS]
        self.departments = [u for u in units if u.kind == Unit.Kind.DEPARTMENT]
        self.task_forces = [u for u in units if u.kind == Unit.Kind.TASK_FORCE]
        self.lead_units = self.areas + self.departments
        self._people()

    def _people(self) -> None:
        prefix = f"bench{self.block:03d}"
        accounts: list[tuple[str, str, Unit, str]] = [
            (f"{prefix}office", f"{self.city}督查室主任", self.office_unit, Role.SUPERVISION_OFFICE)]
        accounts += [(f"{prefix}{key}", f"{self.city}{post}", self.leadership, Role.CITY_LEADER)
                     for key, post in names.LEADERS]
        accounts += [(f"{prefix}u{i:02d}", f"{unit.name}督查联络员", unit, Role.UNIT_EDITOR)
                     for i, unit in enumerate(self.lead_units)]
        User = get_user_model()
        users = User.objects.bulk_create([User(username=a[0], password=UNUSABLE_PASSWORD_PREFIX + "bench") for a in accounts],
                                         batch_size=BATCH)
        now = timezone.now()
        people = Person.objects.bulk_create([
            Person(user=user, display_name=display, unit=unit, post=display.removeprefix(self.city),
                   is_city_leader=role == Role.CITY_LEADER, pinyin=pinyin_initials(display), password_changed_at=now)
            for user, (_, display, unit, role) in zip(users, accounts, strict=True)
        ], batch_size=BATCH)
        RoleGrant.objects.bulk_create([RoleGrant(user=user, role=a[3]) for user, a in zip(users, accounts, strict=True)],
                                      batch_size=BATCH)
        self.office_user = users[0]
        self.leaders = [p for p in people if p.is_city_leader]
        self.editor = {a[2].pk: user.pk for user, a in zip(users, accounts, strict=True) if a[3] == Role.UNIT_EDITOR}
        self.counts["users"] += len(users)

    def _campaign(self) -> None:
        self.campaign = Campaign.objects.create(name=f"{self.city}{YEAR}年“攻坚克难年”", year=YEAR,
                                                start=CAMPAIGN_START, end=date(YEAR, 12, 31))
        self.focus_areas = FocusArea.objects.bulk_create([
            FocusArea(campaign=self.campaign, title=title, order=i) for i, title in enumerate(names.FOCUS_AREAS)])
        override = CAMPAIGN_RULES[self.block % len(CAMPAIGN_RULES)]
        if override is not None:
            Rule.objects.create(campaign=self.campaign, task_kind="task", **override)
            self.counts["rules"] += 1
        self.counts["campaigns"] += 1

    # task plans --------------------------------------------------------------------------------------------------

    def _start(self) -> date:
        roll = self.rng.random()
        if roll < 0.55:
            return CAMPAIGN_START
        if roll < 0.90:
            return date(YEAR, 2, 1) + timedelta(days=self.rng.randrange(150))
        if roll < 0.98:
            return date(YEAR, 7, 1) + timedelta(days=self.rng.randrange((self.today - date(YEAR, 7, 1)).days))
        return self.today + timedelta(days=self.rng.randrange(5, 45))

    def _deadline(self, start: date) -> date:
        choices = [(d, w) for d, w in DEADLINES if d >= start + timedelta(days=45)] or [(date(YEAR, 12, 31), 1)]
        return self.rng.choices([d for d, _ in choices], weights=[w for _, w in choices])[0]

    def _schedule(self, start: date, deadline: date, pace: str) -> tuple[list[date], list[date]]:
        """Planned dates spread evenly up to the deadline, and when each milestone is (or would be) done."""
        delays = PACE_DELAYS[pace]
        span = (deadline - start).days
        planned = [start + timedelta(days=span * (j + 1) // MILESTONES_PER_TASK) for j in range(MILESTONES_PER_TASK)]
        finish, previous = [], start + timedelta(days=1)
        for j, when in enumerate(planned):
            done = NEVER if pace == "stalled" and j >= STALLED_FROM else when + timedelta(days=self.rng.randint(*delays))
            previous = max(previous, done)
            finish.append(previous)
        return planned, finish

    def _title(self, area: str, unit: Unit, seen: Counter) -> str:
        title = f"{unit.short_name}{self.rng.choice(names.TASK_VERBS)}{self.rng.choice(names.TASK_OBJECTS[area])}"
        seen[title] += 1
        return title if seen[title] == 1 else f"{title}（{seen[title]}期）"

    def _plan_task(self, seen: Counter) -> TaskPlan:
        rng = self.rng
        area_index = rng.randrange(len(self.focus_areas))
        unit = rng.choice(self.areas) if rng.random() < 0.35 else rng.choice(self.departments)
        start = self._start()
        deadline = self._deadline(start)
        pace = rng.choices(PACE_NAMES, weights=PACE_SHARES)[0]
        planned, finish = self._schedule(start, deadline, pace)
        indicator = rng.choice(INDICATORS) if rng.random() < 0.4 else None
        task = Task(
            campaign=self.campaign, focus_area=self.focus_areas[area_index],
            title=self._title(names.FOCUS_AREAS[area_index], unit, seen),
            source=rng.choices([s for s, _ in SOURCES], weights=[w for _, w in SOURCES])[0],
            description=f"按照{self.city}{YEAR}年攻坚克难年部署，{rng.choice(names.WORK_DONE)}。",
            lead_unit=unit, lead_leader=rng.choice(self.leaders) if rng.random() < 0.9 else None,
            task_force=rng.choice(self.task_forces) if rng.random() < 0.1 else None,
            start=start, deadline=deadline, is_hot=rng.random() < HOT_SHARE,
            indicator=indicator[0] if indicator else "", indicator_unit=indicator[1] if indicator else "",
            target_value=Decimal(rng.randint(indicator[2], indicator[3])) if indicator else None,
        )
        plan = TaskPlan(task=task, pace=pace, weights=rng.choice(WEIGHT_PATTERNS), planned=planned, finish=finish)
        others = [u for u in rng.sample(self.lead_units, 4) if u.pk != unit.pk]
        plan.co_units = [u.pk for u in others[:rng.choices([0, 1, 2, 3], weights=[30, 35, 25, 10])[0]]]
        self._plan_status(plan)
        if task.status != Task.Status.DRAFT and task.start <= self.today:
            self._plan_reports(plan)
        self._plan_progress(plan)
        return plan

    def _plan_status(self, plan: TaskPlan) -> None:
        task, roll = plan.task, self.rng.random()
        if task.start > self.today or roll < 0.02:
            task.status = Task.Status.DRAFT if task.start <= self.today else Task.Status.ASSIGNED
            plan.finish = [NEVER] * MILESTONES_PER_TASK
        elif roll < 0.05:
            task.status = Task.Status.SUSPENDED if roll < 0.035 else Task.Status.CANCELLED
            plan.stop = min(self.today, task.start + timedelta(days=self.rng.randrange(20, 120)))
            plan.finish = [d if d <= plan.stop else NEVER for d in plan.finish]
        elif plan.finish[-1] <= self.today:
            task.status, task.completed_on = Task.Status.COMPLETED, plan.finish[-1]
        else:
            task.status = Task.Status.IN_PROGRESS

    def _reports_in(self, plan: TaskPlan, period: ReportingPeriod) -> bool:
        last = min(d for d in (self.today, plan.stop, plan.task.completed_on) if d is not None)
        return period.end >= plan.task.start and period.start <= last

    def _plan_reports(self, plan: TaskPlan) -> None:
        rng, months = self.rng, self.world.months
        rate = 0.12 if plan.pace in ("late", "stalled") else 0.03
        missing = {p.label for p in months if rng.random() < rate}
        if plan.task.status == Task.Status.IN_PROGRESS and rng.random() < 0.03:
            missing.update(p.label for p in months[-2:])  # two months in a row: a red card
        for period in months:
            if self._reports_in(plan, period) and period.label not in missing:
                plan.reports.append(self._monthly(plan, period, current=period is months[-1]))
        if plan.task.is_hot:
            for period in self.world.weeks:
                if self._reports_in(plan, period) and rng.random() < 0.95:
                    recent = period.due_on >= self.today - timedelta(days=7)
                    state = State.SUBMITTED if recent and rng.random() < 0.5 else State.APPROVED
                    plan.reports.append(ReportPlan(period, state, plan.progress_at(period.end)))

    def _monthly(self, plan: TaskPlan, period: ReportingPeriod, *, current: bool) -> ReportPlan:
        roll = self.rng.random()
        percent = plan.progress_at(period.end)
        if current:  # the latest month: some still waiting for review, returned or unfinished
            state, returns = ((State.APPROVED, 0) if roll < 0.70 else (State.SUBMITTED, 0) if roll < 0.91 else
                              (State.RETURNED, 2 if roll < 0.93 else 1) if roll < 0.97 else (State.DRAFT, 0))
        else:
            state, returns = ((State.APPROVED, 1 if roll < 0.05 else 0) if roll < 0.95 else
                              (State.RETURNED, 1) if roll < 0.96 else (State.SUBMITTED, 0) if roll < 0.97 else
                              (State.DRAFT, 0) if roll < 0.975 else (State.SUPERSEDED, 0))
        if state == State.SUPERSEDED:  # the unit overstated its progress; the office corrected it
            return ReportPlan(period, state, min(Decimal(100), percent + 5), corrected_to=percent)
        return ReportPlan(period, state, percent, returns)

    def _plan_progress(self, plan: TaskPlan) -> None:
        """Progress is the latest approved report's, as report_approve leaves it; nothing approved yet: assigned."""
        task = plan.task
        approved = [(r.period.end, r.corrected_to if r.corrected_to is not None else r.percent)
                    for r in plan.reports if r.state == State.APPROVED or r.corrected_to is not None]
        if task.status == Task.Status.COMPLETED:
            task.progress = Decimal(100)
        elif approved:
            task.progress = max(approved, key=lambda pair: pair[0])[1]
        elif task.status == Task.Status.IN_PROGRESS:
            task.status = Task.Status.ASSIGNED

    # writing ------------------------------------------------------------------------------------------------------

    def _write_tasks(self, plans: list[TaskPlan]) -> None:
        Task.objects.bulk_create([p.task for p in plans], batch_size=BATCH)
        links = [(p.task.pk, unit_id) for p in plans for unit_id in p.co_units]
        insert_rows(Task.co_units.through, ["task_id", "unit_id"], links)
        self.counts["tasks"] += len(plans)
        self.counts["co_unit_links"] += len(links)

    def _write_milestones(self, plans: list[TaskPlan]) -> None:
        calendar, rows = self.world.calendar, []
        for plan in plans:
            previous = plan.task.start
            for j, (planned, finish, weight) in enumerate(zip(plan.planned, plan.finish, plan.weights, strict=True)):
                rows.append((plan.task.pk, names.MILESTONES[j], planned, calendar.between(previous, planned), weight,
                             finish if finish <= self.today else None, j + 1))
                previous = planned
        insert_rows(Milestone, ["task_id", "title", "planned_date", "duration", "weight", "done_on", "order"], rows)
        ids = Milestone.objects.filter(task__campaign=self.campaign).order_by("id").values_list("id", flat=True)
        for plan, chunk in zip(plans, batched(ids, MILESTONES_PER_TASK), strict=True):
            plan.milestone_ids = chunk
        self.counts["milestones"] += len(rows)

    REPORT_COLUMNS = ["task_id", "period_id", "unit_id", "state", "percent", "work_done", "next_steps", "problems",
                      "support_needed", "milestones_done", "return_count", "return_reason", "created_by_id",
                      "submitted_at", "reviewed_by_id", "reviewed_at"]

    def _write_reports(self, plans: list[TaskPlan]) -> None:
        rows = [self._report_row(plan, r) for plan in plans for r in plan.reports]
        insert_rows(ProgressReport, self.REPORT_COLUMNS, rows)
        superseded = dict(((task_id, period_id), pk) for pk, task_id, period_id in ProgressReport.objects.filter(
            task__campaign=self.campaign, state=State.SUPERSEDED).values_list("id", "task_id", "period_id"))
        fixes = [self._correction_row(plan, r, superseded[(plan.task.pk, r.period.pk)])
                 for plan in plans for r in plan.reports if r.corrected_to is not None]
        insert_rows(ProgressReport, [*self.REPORT_COLUMNS, "supersedes_id", "correction_reason"], fixes)
        self.counts["reports"] += len(rows) + len(fixes)

    def _report_row(self, plan: TaskPlan, r: ReportPlan) -> tuple:
        rng, task, period = self.rng, plan.task, r.period
        sent = r.state != State.DRAFT
        reviewed = r.state in (State.APPROVED, State.RETURNED, State.SUPERSEDED)
        submitted = period.due_on - timedelta(days=rng.randrange(0, 4))
        problem = rng.choice(names.PROBLEMS) if plan.pace in LAGGING and rng.random() < 0.3 else None
        done = {}
        if reviewed and r.state != State.RETURNED and period.kind == ReportingPeriod.Kind.MONTH:
            done = {str(pk): finish.isoformat() for pk, finish in zip(plan.milestone_ids, plan.finish, strict=True)
                    if period.start <= finish <= min(period.end, self.today)}
        return (
            task.pk, period.pk, task.lead_unit_id, r.state, r.percent,
            f"{period.title}：{rng.choice(names.WORK_DONE)}，累计完成{r.percent}%。", rng.choice(names.NEXT_STEPS),
            [{"category": problem[0], "description": problem[1]}] if problem else [],
            f"请协调解决{problem[1]}问题" if problem else "", done, r.returns,
            "数据与佐证材料不一致，请核实后重报" if r.returns else "", self.editor[task.lead_unit_id],
            aware(submitted, 16) if sent else None, self.office_user.pk if reviewed else None,
            aware(submitted + timedelta(days=2), 10) if reviewed else None,
        )

    def _correction_row(self, plan: TaskPlan, r: ReportPlan, original: int) -> tuple:
        row = list(self._report_row(plan, ReportPlan(r.period, State.APPROVED, r.corrected_to)))
        row[-1] += timedelta(days=3)  # reviewed after the original
        return (*row, original, "核查发现进度填报偏高，予以更正")

    # blockers and overrides ---------------------------------------------------------------------------------------

    def _blockers(self, plans: list[TaskPlan]) -> None:
        rng, rows = self.rng, []
        yesterday = self.today - timedelta(days=1)
        for plan in plans:
            task = plan.task
            chance = 0.25 if plan.pace in ("late", "stalled") else 0.02
            if task.status == Task.Status.DRAFT or task.start >= yesterday or rng.random() >= chance:
                continue
            category, text = rng.choice(names.PROBLEMS)
            raised = task.start + timedelta(days=rng.randrange((yesterday - task.start).days))
            due = self.world.calendar.add(raised, 10)
            blocker = Blocker(task=task, category=category, description=f"{task.title}：{text}",
                              responsible_unit=rng.choice(self.departments), raised_by_id=self.editor[task.lead_unit_id],
                              raised_unit_id=task.lead_unit_id, raised_on=raised, due_on=due)
            roll = rng.random()
            if due >= self.today:
                pass
            elif not task.is_open or roll < 0.5:
                blocker.state, blocker.resolution = Blocker.State.CLOSED, "已协调解决"
                blocker.resolved_on = min(yesterday, due + timedelta(days=rng.randrange(-5, 5)))
                blocker.closed_on = blocker.resolved_on
            elif roll < 0.6:
                blocker.state, blocker.resolution, blocker.resolved_on = Blocker.State.RESOLVED, "已办结，待销号", due
            else:
                blocker.level = rng.choice(list(Blocker.Level))
                if roll < 0.7:
                    blocker.due_on = yesterday  # passes its due date today: today's run escalates it
            rows.append(blocker)
        Blocker.objects.bulk_create(rows, batch_size=BATCH)
        self.counts["blockers"] += len(rows)

    def _overrides(self, plans: list[TaskPlan]) -> None:
        rng, rows = self.rng, []
        month_start = self.today.replace(day=1)
        month_end = (month_start + timedelta(days=40)).replace(day=1) - timedelta(days=1)
        for plan in plans:
            if not plan.task.is_open or plan.task.start > self.today or rng.random() >= 0.01:
                continue
            active = rng.random() < 0.5
            rows.append(CardOverride(
                task=plan.task, color=rng.choice(["red", "yellow", "green"]),
                valid_from=month_start + timedelta(days=rng.randrange(self.today.day)) if active
                else month_start - timedelta(days=20),
                valid_until=month_end if active else month_start - timedelta(days=1),
                reason="经督查室实地核查研判，调整亮牌", created_by=self.office_user,
            ))
        CardOverride.objects.bulk_create(rows, batch_size=BATCH)
        self.counts["card_overrides"] += len(rows)

"""Bench data for major projects (data.py's populate hook): `scale.projects` projects spread over the blocks, each a
task with five milestones, a 2023 monthly plan, funding sources, pre-work approvals, monthly dispatches up to the
bench day (reports with investment figures) and, for some, blockers — enough for the battle map, the project rules
and the attraction board to work at province scale. Deterministic for the seed; bulk writes, no audit rows."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from gongjian import clock
from gongjian.bench.blocks import BATCH, batched, insert_rows
from gongjian.campaigns.models import Campaign, Milestone, Task
from gongjian.dispatch.models import ProgressReport, ReportingPeriod
from gongjian.org.models import Person, Role, RoleGrant, Unit
from gongjian.projects.models import (
    STATS_THRESHOLD,
    Project,
    ProjectApproval,
    ProjectFigures,
    ProjectFunding,
    ProjectPlan,
)
from gongjian.supervision.models import Blocker

VERSION = 1
WAN = Decimal("10000")
CHAINS = ["新能源汽车", "新材料", "高端装备", "预制菜", "电子信息", "文旅康养", "城市更新", "现代农业", "商贸物流", "医疗健康"]
KINDS = ["产业园", "生产线", "技改", "研发中心", "标准化厂房", "冷链物流中心", "配套基础设施", "片区开发"]
MILESTONES = ["取得施工许可", "开工建设", "主体封顶", "设备安装调试", "竣工验收"]
SEASON = [7, 7, 9, 9, 9, 9, 9, 9, 8, 8, 8, 8]
STAGES = [s.value for s in Project.Stage]
PACES = [Decimal("1.05"), Decimal("1.0"), Decimal("0.95"), Decimal("0.8"), Decimal("0.5"), Decimal("0.2")]


def populate(scale, seed: int, log) -> dict:
    rng = random.Random(f"{seed}:projects")
    today = clock.today()
    campaigns = list(Campaign.objects.order_by("id"))
    months = list(ReportingPeriod.objects.filter(kind=ReportingPeriod.Kind.MONTH, end__lt=today,
                                                 start__year=today.year).order_by("start"))
    counts = {"projects": 0, "project_milestones": 0, "project_plans": 0, "project_reports": 0, "project_blockers": 0}
    per_block, extra = divmod(scale.projects, max(1, len(campaigns)))
    for block, campaign in enumerate(campaigns):
        n = per_block + (block < extra)
        if n:
            _Block(campaign, n, rng, today, months, counts).run()
        if len(campaigns) < 20 or (block + 1) % 10 == 0:
            log(f"projects: block {block + 1}/{len(campaigns)}, {counts['projects']:,} projects")
    return counts


class _Block:
    def __init__(self, campaign: Campaign, n: int, rng: random.Random, today: date, months, counts: dict):
        self.campaign, self.n, self.rng, self.today, self.months, self.counts = campaign, n, rng, today, months, counts
        city = campaign.name[:campaign.name.index(str(campaign.year))]
        units = list(Unit.objects.filter(name__startswith=city))
        self.areas = [u for u in units if u.is_area]
        self.departments = [u for u in units if u.kind == Unit.Kind.DEPARTMENT]
        self.leaders = list(Person.objects.filter(is_city_leader=True, display_name__startswith=city))
        self.focus_areas = list(campaign.focus_areas.all())
        self.editor = dict(RoleGrant.objects.filter(role=Role.UNIT_EDITOR, user__person__unit__in=units)
                           .values_list("user__person__unit_id", "user_id"))
        self.office = RoleGrant.objects.filter(role=Role.SUPERVISION_OFFICE, user__person__unit__in=units) \
            .values_list("user_id", flat=True).first()

    def run(self) -> None:
        plans = [self._plan(i) for i in range(self.n)]
        tasks = Task.objects.bulk_create([p["task"] for p in plans], batch_size=BATCH)
        for plan, task in zip(plans, tasks, strict=True):
            plan["project"].task_ptr_id = task.pk
            plan["project"].pk = task.pk
        _insert_children(Project, [p["project"] for p in plans])
        self._milestones(plans)
        self._plans(plans)
        self._reports(plans)
        self._blockers(plans)
        self.counts["projects"] += len(plans)

    def _plan(self, i: int) -> dict:
        rng, year = self.rng, self.today.year
        town = rng.choice(self.areas)
        lead = town if rng.random() < 0.7 else rng.choice(self.departments)
        chain = rng.choice(CHAINS)
        continuing = rng.random() < 0.4
        start = date(year - rng.randint(1, 2), rng.randint(1, 12), 1) if continuing else \
            date(year, 1, 1) + timedelta(days=rng.randrange(0, 240))
        end = start + timedelta(days=rng.randrange(240, 900))
        total = Decimal(int(rng.lognormvariate(8.5, 1.1))).quantize(Decimal("1")) * WAN + 300 * WAN
        span = (end - start).days
        elapsed = max(0, min(span, (date(year - 1, 12, 31) - start).days))
        prior = (total * elapsed / span * Decimal("0.95")).quantize(Decimal("1")) if continuing else Decimal(0)
        started = continuing or (start <= self.today and rng.random() < 0.85)
        actual = start + timedelta(days=rng.randrange(-10, 25)) if started else None
        actual = min(actual, self.today) if actual else None
        stage = rng.choice(STAGES) if rng.random() < 0.35 else ""
        if stage and actual and STAGES.index(stage) < STAGES.index("started"):
            stage = "started"
        stats = "not_applicable" if total < STATS_THRESHOLD else (
            "in_stats" if actual and rng.random() < 0.85 else rng.choice(["pending", "submitted", "reviewed"]))
        title = f"{town.short_name or town.name}{chain}{rng.choice(KINDS)}项目 #{i + 1}"
        task = Task(campaign=self.campaign, focus_area=rng.choice(self.focus_areas), title=title, lead_unit=lead,
                    lead_leader=rng.choice(self.leaders) if self.leaders else None, start=start, deadline=end,
                    status=Task.Status.IN_PROGRESS if started else Task.Status.ASSIGNED)
        project = Project(
            code=f"{start.year}-{self.campaign.pk:06d}-{i:06d}", level=rng.choice(["province", "city", "county",
                                                                                   "county"]),
            nature="continuing" if continuing else "new", industry_chain=chain, town=town,
            owner_company=f"{chain}项目公司{i + 1}", total_investment=total, prior_investment=prior,
            actual_start=actual, planned_production=end + timedelta(days=60) if rng.random() < 0.5 else None,
            stats_status=stats, stats_basis="main_works" if stats == "in_stats" else "",
            stats_on=actual + timedelta(days=20) if stats == "in_stats" else None, attraction_stage=stage,
            signed_on=start - timedelta(days=60) if STAGES.index(stage or "lead") >= STAGES.index("contract_signed")
            else None, workers_on_site=rng.randrange(0, 600) if actual else 0)
        return {"task": task, "project": project, "pace": rng.choice(PACES), "span": span}

    def _milestones(self, plans: list[dict]) -> None:
        rows = []
        for plan in plans:
            task, project = plan["task"], plan["project"]
            span = plan["span"]
            days_at = [-20, 0, span * 55 // 100, span * 70 // 100, span]
            for order, (title, offset) in enumerate(zip(MILESTONES, days_at, strict=True), start=1):
                planned = min(task.deadline, task.start + timedelta(days=offset))
                late = planned < self.today and (project.actual_start is None or plan["pace"] < Decimal("0.8"))
                done = None if late or planned >= self.today else planned + timedelta(days=self.rng.randrange(-5, 6))
                if done is not None and done > self.today:
                    done = self.today
                rows.append((task.pk, title, task.start, planned, done, Decimal(0), title != "设备安装调试", order, 0))
        self.counts["project_milestones"] += insert_rows(Milestone, ["task_id", "title", "planned_start",
                                                                     "planned_date", "done_on", "weight",
                                                                     "is_critical", "order", "duration"], rows)

    def _plans(self, plans: list[dict]) -> None:
        rows, funding, approvals, year = [], [], [], self.today.year
        for plan in plans:
            project, start = plan["project"], plan["task"].start
            remaining = project.total_investment - project.prior_investment
            share = min(Decimal(1), Decimal(365) / max(plan["span"], 1))
            year_plan = (remaining * share).quantize(Decimal("1"))
            first = start.month if start.year == year else 1
            weights = [w if m + 1 >= first else 0 for m, w in enumerate(SEASON)]
            total_w = sum(weights)
            monthly = [(year_plan * w / total_w).quantize(Decimal("1")) for w in weights]
            plan["monthly"] = monthly
            public = project.industry_chain in ("城市更新", "医疗健康")
            for m in range(12):
                rows.append((project.pk, year, m + 1, monthly[m], monthly[m] * Decimal("0.3") if public else Decimal(0)))
            own = (project.total_investment * Decimal("0.7")).quantize(Decimal("1"))
            sources = (("fiscal", own), ("special_bond", project.total_investment - own)) if public else \
                (("enterprise", own), ("bank", project.total_investment - own))
            funding += [ProjectFunding(project_id=project.pk, source=s, amount=a) for s, a in sources]
            for kind in ProjectApproval.KIND_ORDER:
                done = project.actual_start is not None or kind in ("project", "land")
                approvals.append((project.pk, kind, "done" if done else "doing",
                                  None if done else start, start - timedelta(days=30) if done else None))
        self.counts["project_plans"] += insert_rows(ProjectPlan, ["project_id", "year", "month", "investment",
                                                                  "gov_funds"], rows)
        ProjectFunding.objects.bulk_create(funding, batch_size=BATCH)
        insert_rows(ProjectApproval, ["project_id", "kind", "status", "planned_on", "done_on"], approvals)

    def _reports(self, plans: list[dict]) -> None:
        """Monthly dispatches from the start month: approved, the last month partly submitted, draft or missing."""
        reports, figures, progress = [], [], []
        last = len(self.months) - 1
        for plan in plans:
            project, task = plan["project"], plan["task"]
            if project.actual_start is None:
                continue
            done = project.prior_investment
            for i, period in enumerate(self.months):
                if period.end < project.actual_start:
                    continue
                roll = self.rng.random()
                if i == last and roll < 0.1:
                    continue
                state = "approved" if i < last or roll < 0.6 else ("submitted" if roll < 0.85 else "draft")
                invested = (plan["monthly"][period.start.month - 1] * plan["pace"]).quantize(Decimal("1"))
                if state == "approved":
                    done += invested
                percent = min(Decimal(100), done * 100 / project.total_investment).quantize(Decimal("0.01"))
                at = timezone.make_aware(datetime.combine(period.end + timedelta(days=3), clock_time(10)))
                reports.append((task.pk, period.pk, task.lead_unit_id, state, f"{period.title}完成投资{invested}元",
                                percent, self.editor.get(task.lead_unit_id, self.office),
                                at if state != "draft" else None, at if state == "approved" else None))
                figures.append((task.pk, period.pk, period.start.year, period.start.month, invested,
                                invested, Decimal(0), self.rng.randrange(20, 500), "主体施工中"))
            progress.append((task.pk, (done * 100 / project.total_investment).quantize(Decimal("0.01"))))
        self.counts["project_reports"] += insert_rows(ProgressReport, [
            "task_id", "period_id", "unit_id", "state", "work_done", "percent", "created_by_id", "submitted_at",
            "reviewed_at"], reports)
        ids = {(t, p): r for r, t, p in ProgressReport.objects.filter(
            task__in=[row[0] for row in progress]).values_list("id", "task_id", "period_id")} if progress else {}
        insert_rows(ProjectFigures, ["report_id", "project_id", "period_id", "year", "month", "invested",
                                     "funds_in_place", "gov_funds_paid", "workers", "image_progress"],
                    [(ids[(f[0], f[1])], *f) for f in figures])
        for chunk in batched(progress, BATCH):
            Task.objects.bulk_update([Task(pk=pk, progress=p) for pk, p in chunk], ["progress"], batch_size=BATCH)

    def _blockers(self, plans: list[dict]) -> None:
        categories = [c.value for c in Blocker.Category]
        blockers = []
        for plan in plans:
            if self.rng.random() >= 0.12:
                continue
            task = plan["task"]
            raised = self.today - timedelta(days=self.rng.randrange(1, 60))
            blockers.append(Blocker(
                task_id=task.pk, category=self.rng.choice(categories), description=f"{task.title}要素制约",
                responsible_unit=self.rng.choice(self.departments), raised_by_id=self.office, raised_on=raised,
                due_on=raised + timedelta(days=14), level=self.rng.choice([1, 1, 1, 2, 3])))
        Blocker.objects.bulk_create(blockers, batch_size=BATCH)
        self.counts["project_blockers"] += len(blockers)


def _insert_children(model, objects: list) -> int:
    """INSERT the child table's own columns of multi-table-inherited objects whose parent rows exist already
    (bulk_create refuses multi-table inheritance)."""
    fields = model._meta.local_concrete_fields
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    # Only the model's own table and column names, quoted by the backend, go into the text; values are parameters.
    sql = f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({names}) VALUES ({placeholders})"  # noqa: S608
    with connection.cursor() as cursor:
        for chunk in batched(objects, BATCH):
            cursor.executemany(sql, [tuple(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields)
                                     for obj in chunk])
    return len(objects)

"""The leaders' cockpit as one JSON document, in a fixed number of queries whatever the data size.

Every count is paired with the URL of the list it counts ({"n": 5, "url": "/cards/list/?…"}); the lists filter the
same rows (cards on the latest run date, tasks by the task filter, projects by the project filter), so following a
link shows exactly n rows. Sums (investment) link to the projects they add up."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q
from django.urls import reverse

from gongjian.bulletins.selectors import campaign_cards, counted_projects, investment, percent, short_title
from gongjian.campaigns.models import Campaign, Task, task_overdue_q
from gongjian.campaigns.selectors import COUNTED_STATUSES, counted_tasks
from gongjian.org.models import Person, Unit
from gongjian.projects.calc import ZERO, time_progress_phrase, wan
from gongjian.supervision.models import Blocker, Card, Color, SupervisionRun, blocker_overdue_q
from gongjian.types import User
from gongjian.workdays import days
from gongjian.workdays.calendar import WorkdayCalendar

COLORS = tuple(Color.values)
COLOR_LABELS: dict[str | None, str] = dict(Color.choices)
TOP = 10


def _url(name: str, params: list[tuple[str, object]]) -> str:
    return f"{reverse(name)}?{urlencode([(k, v) for k, v in params if v is not None])}"


def link(n: int | Decimal | None, name: str, params: list[tuple[str, object]]) -> dict:
    return {"n": n, "url": _url(name, params)}


def latest_run_date(on: date) -> date | None:
    return SupervisionRun.objects.filter(date__lte=on).order_by("-date").values_list("date", flat=True).first()


def _counted_params(campaign: Campaign) -> list[tuple[str, object]]:
    return [("campaign", campaign.pk), *[("status", s) for s in COUNTED_STATUSES]]


def _colors(campaign: Campaign, day: date | None, total: int) -> dict:
    """Totals, by focus area and by town (towns, streets and zones), from one grouped query; cards of counted tasks
    only, so that the colours and `no_card` add up to the task total."""
    card_params: list[tuple[str, object]] = [("date", day.isoformat() if day else None), ("campaign", campaign.pk)]
    grouped = (campaign_cards(campaign, day, task__status__in=COUNTED_STATUSES)
               .values("task__focus_area", "task__lead_unit", "color")
               .annotate(n=Count("id")).order_by()) if day else []
    totals = dict.fromkeys(COLORS, 0)
    areas: dict[int | None, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COLORS, 0))
    units: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COLORS, 0))
    for row in grouped:
        totals[row["color"]] += row["n"]
        areas[row["task__focus_area"]][row["color"]] += row["n"]
        units[row["task__lead_unit"]][row["color"]] += row["n"]
    area_rows: list[tuple[int | None, str, dict[str, int]]] = []
    for pk, title in campaign.focus_areas.order_by("order", "id").values_list("id", "title"):
        area_rows.append((pk, short_title(title), areas.get(pk, dict.fromkeys(COLORS, 0))))
    if None in areas:
        area_rows.append((None, "未分重点方向", areas[None]))
    towns = Unit.objects.filter(kind__in=Unit.AREA_KINDS).filter(pk__in=list(units)).order_by("order", "id") \
        .values_list("id", "name")

    def counts(params: list, numbers: dict[str, int]) -> dict:
        return {**{c: link(numbers[c], "card_list", card_params + params + [("color", c)]) for c in COLORS},
                "total": link(sum(numbers.values()), "card_list", card_params + params)}

    return {
        "date": day.isoformat() if day else None,
        "totals": {**counts([], totals),
                   "no_card": link(total - sum(totals.values()), "task_list",
                                   _counted_params(campaign) + [("color", "none")])},
        "by_area": [{"id": pk, "name": name, **counts([("focus_area", pk if pk is not None else "null")], numbers)}
                    for pk, name, numbers in area_rows],
        "by_town": [{"id": pk, "name": name, **counts([("unit", pk)], units[pk])} for pk, name in towns],
    }


def _trend(campaign: Campaign, on: date) -> list[dict]:
    """Red and yellow counts at each month's last supervision run of the campaign's year, up to `on`."""
    last: dict[int, date] = {}
    for day in SupervisionRun.objects.filter(date__year=campaign.year, date__lte=on).values_list("date", flat=True):
        if day > last.get(day.month, date.min):
            last[day.month] = day
    counts = defaultdict(int)
    for day in last.values():
        for color, n in campaign_cards(campaign, day, color__in=(Color.RED, Color.YELLOW)).values_list("color") \
                .annotate(n=Count("id")).order_by():
            counts[(day, color)] = n
    return [{"month": f"{campaign.year}-{month:02d}", "date": day.isoformat(),
             **{c: link(counts[(day, c)], "card_list", [("date", day.isoformat()), ("campaign", campaign.pk),
                                                        ("color", c)]) for c in (Color.RED, Color.YELLOW)}}
            for month, day in sorted(last.items())]


def _investment(campaign: Campaign, on: date) -> dict | None:
    projects = counted_projects(campaign)
    n = projects.count()
    if not n:
        return None
    year = campaign.year
    last_month = 12 if on.year > year else (on.month if on.year == year else 0)
    inv = investment(projects, year, last_month, on)
    params = _counted_params(campaign)
    cumulative_plan = [str(wan(sum(inv.plan[:m], ZERO))) for m in range(1, 13)]
    cumulative_actual = [str(wan(sum(inv.actual[:m], ZERO))) for m in range(1, inv.month + 1)]
    return {
        "projects": link(n, "project_list", params),
        "projects_url": _url("project_list", params),
        "year": year, "measured_month": inv.month,
        "year_plan": str(wan(inv.year_plan)), "year_to_date": str(wan(inv.year_to_date)),
        "completion": percent(inv.year_to_date, inv.year_plan),
        "time_progress": percent(inv.planned_to_date, inv.year_plan),
        "phrase": time_progress_phrase(inv.points),
        "months": [f"{m}月" for m in range(1, 13)],
        "cumulative_plan": cumulative_plan, "cumulative_actual": cumulative_actual,
    }


def _task_rows(tasks: Iterable[Task], colors: dict[int, str], on: date, calendar: WorkdayCalendar) -> list[dict]:
    return [{"id": t.pk, "title": t.title, "url": reverse("task_detail", args=[t.pk]),
             "deadline": t.deadline.isoformat(), "unit": t.lead_unit.name,
             "leader": t.lead_leader.display_name if t.lead_leader_id and t.lead_leader else "",
             "late_workdays": calendar.between(t.deadline, on) if t.is_overdue(on) else 0,
             "color": colors.get(t.pk), "color_label": COLOR_LABELS.get(colors.get(t.pk), "")} for t in tasks]


def _card_colors(task_ids: list[int], day: date | None) -> dict[int, str]:
    if day is None or not task_ids:
        return {}
    return dict(Card.objects.on(day).filter(task_id__in=task_ids).values_list("task_id", "color"))


def _overdue(campaign: Campaign, on: date, day: date | None, calendar: WorkdayCalendar) -> dict:
    overdue = Task.objects.filter(task_overdue_q(on), campaign=campaign)
    top = list(overdue.select_related("lead_unit", "lead_leader").order_by("deadline", "id")[:TOP])
    colors = _card_colors([t.pk for t in top], day)
    return {"count": link(overdue.count(), "task_list", [("campaign", campaign.pk), ("overdue", "true")]),
            "items": _task_rows(top, colors, on, calendar)}


def _mine(person: Person | None, campaign: Campaign, on: date, day: date | None, calendar: WorkdayCalendar
          ) -> dict | None:
    if person is None or not person.is_city_leader:
        return None
    tasks = counted_tasks(Task.objects.filter(campaign=campaign, lead_leader=person))
    numbers = dict.fromkeys(COLORS, 0)
    if day is not None:
        for color, n in Card.objects.on(day).filter(task__in=tasks).values_list("color") \
                .annotate(n=Count("id")).order_by():
            numbers[color] = n
    open_tasks = list(tasks.filter(status__in=Task.OPEN_STATUSES).select_related("lead_unit", "lead_leader")
                      .order_by("deadline", "id"))
    colors = _card_colors([t.pk for t in open_tasks], day)
    severity: dict[str | None, int] = {Color.RED: 0, Color.YELLOW: 1, Color.GREEN: 2}
    open_tasks.sort(key=lambda t: (severity.get(colors.get(t.pk), 3), t.deadline, t.pk))
    card_params: list[tuple[str, object]] = [("date", day.isoformat() if day else None), ("campaign", campaign.pk),
                                             ("leader", person.pk)]
    return {
        "leader": person.display_name,
        "tasks": link(tasks.count(), "task_list", _counted_params(campaign) + [("lead_leader", person.pk)]),
        "open": link(len(open_tasks), "task_list", [("campaign", campaign.pk), ("lead_leader", person.pk),
                                                    ("status", Task.Status.ASSIGNED),
                                                    ("status", Task.Status.IN_PROGRESS)]),
        "colors": {c: link(numbers[c], "card_list", card_params + [("color", c)]) for c in COLORS},
        "items": _task_rows(open_tasks[:TOP], colors, on, calendar),
    }


def _blockers(on: date) -> dict:
    """Open blockers past their due date, and those the daily run has escalated to a leader (it moves an escalated
    blocker's due date, so escalation is what stays visible)."""
    numbers = Blocker.objects.aggregate(
        overdue=Count("id", filter=blocker_overdue_q(on)),
        leader=Count("id", filter=Q(state=Blocker.State.OPEN, level=Blocker.Level.LEADER)),
        principal=Count("id", filter=Q(state=Blocker.State.OPEN, level=Blocker.Level.PRINCIPAL)))
    return {"overdue": link(numbers["overdue"], "blocker_list", [("overdue", "true")]),
            "leader_level": link(numbers["leader"], "blocker_list", [("level", Blocker.Level.LEADER)]),
            "principal_level": link(numbers["principal"], "blocker_list", [("level", Blocker.Level.PRINCIPAL)])}


def cockpit_data(user: User | AnonymousUser, campaign: Campaign, on: date) -> dict:
    day = latest_run_date(on)
    calendar = days.calendar()
    tasks = counted_tasks(Task.objects.filter(campaign=campaign)).aggregate(
        total=Count("id"), completed=Count("id", filter=Q(status=Task.Status.COMPLETED)))
    task_params = [("campaign", campaign.pk)]
    person = getattr(user, "person", None)
    return {
        "campaign": {"id": campaign.pk, "name": campaign.name, "year": campaign.year},
        "today": on.isoformat(),
        "tasks": {
            "total": link(tasks["total"], "task_list", _counted_params(campaign)),
            "completed": link(tasks["completed"], "task_list", task_params + [("status", Task.Status.COMPLETED)]),
            "completion_rate": percent(tasks["completed"], tasks["total"]),
        },
        "colors": _colors(campaign, day, tasks["total"]),
        "trend": _trend(campaign, on),
        "investment": _investment(campaign, on),
        "overdue": _overdue(campaign, on, day, calendar),
        "blockers": _blockers(on),
        "mine": _mine(person, campaign, on, day, calendar),
    }

"""Critical-path scheduling (CPM) of a task's milestones, in working days.

Time is an integer index of working days from an anchor working day. An activity of duration d starting at s
works days s..s+d-1 and finishes at boundary s+d; links bind boundaries (FS: succ start >= pred finish + lag; SS,
FF, SF alike). Dates shown: day s to day s+d-1; a milestone (d == 0) is reached at the end of day s-1, shown as its
start and finish, but never before the schedule's first day.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol, TypeAlias

from gongjian.errors import UserError

Key: TypeAlias = str | int


class DepType(StrEnum):
    FS = "FS"
    SS = "SS"
    FF = "FF"
    SF = "SF"


@dataclass(frozen=True)
class Activity:
    key: Key
    title: str
    duration: int  # working days; 0 is a milestone event


@dataclass(frozen=True)
class Link:
    pred: Key
    succ: Key
    type: DepType = DepType.FS
    lag: int = 0  # working days, may be negative


@dataclass(frozen=True)
class Slot:
    key: Key
    early_start: date
    early_finish: date
    late_start: date
    late_finish: date
    total_float: int
    critical: bool


@dataclass(frozen=True)
class Schedule:
    slots: dict[Key, Slot]
    critical_path: list[Key]
    finish: date
    start: date


class Calendar(Protocol):
    def add(self, d: date, n: int) -> date: ...

    def is_workday(self, d: date) -> bool: ...

    def between(self, a: date, b: date) -> int: ...


class ScheduleError(UserError, ValueError):
    """A milestone network that cannot be scheduled; `code` is cycle, infeasible, unknown_activity,
    bad_duration or duplicate_activity."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message, code)


@dataclass(frozen=True)
class _Network:
    activities: list[Activity]
    order: list[int]  # topological
    succs: list[list[tuple[int, int]]]  # (successor, weight): succ.start >= pred.start + weight
    preds: list[list[tuple[int, int]]]


@dataclass(frozen=True)
class _Passes:
    early: list[int]
    late: list[int]
    end: int


def schedule_forward(
    activities: Iterable[Activity], links: Iterable[Link], *, start: date, calendar: Calendar
) -> Schedule:
    """As soon as possible from the task start; late dates are anchored on the computed finish."""
    network = _network(activities, links)
    anchor = calendar.add(start, 0)
    early = _forward_pass(network, 0)
    end = max((s + a.duration for s, a in zip(early, network.activities, strict=True)), default=0)
    passes = _Passes(early, _backward_pass(network, end), end)
    return Schedule(
        slots=_slots(network, passes, first=0, anchor=anchor, calendar=calendar),
        critical_path=[network.activities[i].key for i in _critical_path(network, passes)],
        finish=calendar.add(anchor, max(end - 1, 0)),
        start=anchor,
    )


def schedule_backward(
    activities: Iterable[Activity],
    links: Iterable[Link],
    *,
    deadline: date,
    calendar: Calendar,
    start: date | None = None,
) -> Schedule:
    """倒排工期: as late as possible so that everything is done by the deadline (its last working day).

    Early dates come from a forward pass begun on the backward plan's first day, so float is measured
    against the deadline. Raises ScheduleError("infeasible") when the plan would begin before `start`.
    """
    network = _network(activities, links)
    anchor = deadline if calendar.is_workday(deadline) else calendar.add(deadline, -1)
    end = 1  # the boundary after the deadline's working day, which is index 0
    late = _backward_pass(network, end)
    origin = min(late, default=end)
    passes = _Passes(_forward_pass(network, origin), late, end)
    first = min(origin, 0)
    path = _critical_path(network, passes)
    plan_start = calendar.add(anchor, first)
    if start is not None and first < calendar.between(anchor, calendar.add(start, 0)):
        chain = " → ".join(network.activities[i].title for i in path)
        raise ScheduleError(
            f"倒排后开始日期{plan_start.isoformat()}早于任务开始日期{start.isoformat()}，计划不可行"
            + (f"（关键节点：{chain}）" if chain else ""),
            "infeasible",
        )
    return Schedule(
        slots=_slots(network, passes, first=first, anchor=anchor, calendar=calendar),
        critical_path=[network.activities[i].key for i in path],
        finish=anchor,
        start=plan_start,
    )


def _network(activities: Iterable[Activity], links: Iterable[Link]) -> _Network:
    nodes = list(activities)
    index: dict[Key, int] = {}
    for i, activity in enumerate(nodes):
        if activity.key in index:
            raise ScheduleError(f"节点重复：{activity.title}", "duplicate_activity")
        duration = activity.duration
        if isinstance(duration, bool) or not isinstance(duration, int) or duration < 0:
            raise ScheduleError(f"节点“{activity.title}”的工期必须是不小于0的整数（当前为{duration}）", "bad_duration")
        index[activity.key] = i
    succs: list[list[tuple[int, int]]] = [[] for _ in nodes]
    preds: list[list[tuple[int, int]]] = [[] for _ in nodes]
    for link in links:
        for key in (link.pred, link.succ):
            if key not in index:
                raise ScheduleError(f"依赖关系引用了不存在的节点：{key}", "unknown_activity")
        p, s = index[link.pred], index[link.succ]
        kind = DepType(link.type)
        weight = (
            (nodes[p].duration if kind in (DepType.FS, DepType.FF) else 0)
            + link.lag
            - (nodes[s].duration if kind in (DepType.FF, DepType.SF) else 0)
        )
        succs[p].append((s, weight))
        preds[s].append((p, weight))
    return _Network(nodes, _topological_order(nodes, succs, preds), succs, preds)


def _topological_order(
    nodes: Sequence[Activity], succs: list[list[tuple[int, int]]], preds: list[list[tuple[int, int]]]
) -> list[int]:
    """Kahn's algorithm; on a cycle, names one cycle's milestones in link order."""
    waiting = [len(p) for p in preds]
    ready = deque(i for i, count in enumerate(waiting) if count == 0)
    order: list[int] = []
    while ready:
        i = ready.popleft()
        order.append(i)
        for s, _ in succs[i]:
            waiting[s] -= 1
            if waiting[s] == 0:
                ready.append(s)
    if len(order) == len(nodes):
        return order
    # Every node left over still waits on another left-over node, so walking predecessors must revisit one.
    node = next(i for i, count in enumerate(waiting) if count > 0)
    seen: dict[int, int] = {}
    walk: list[int] = []
    while node not in seen:
        seen[node] = len(walk)
        walk.append(node)
        node = next(p for p, _ in preds[node] if waiting[p] > 0)
    cycle = walk[seen[node] :][::-1]
    begin = cycle.index(min(cycle))
    cycle = cycle[begin:] + cycle[:begin]
    names = " → ".join(nodes[i].title for i in [*cycle, cycle[0]])
    raise ScheduleError(f"节点存在循环依赖：{names}", "cycle")


def _forward_pass(network: _Network, origin: int) -> list[int]:
    early = [origin] * len(network.activities)
    for i in network.order:
        for s, weight in network.succs[i]:
            if early[i] + weight > early[s]:
                early[s] = early[i] + weight
    return early


def _backward_pass(network: _Network, end: int) -> list[int]:
    late = [end - a.duration for a in network.activities]
    for i in reversed(network.order):
        for s, weight in network.succs[i]:
            if late[s] - weight < late[i]:
                late[i] = late[s] - weight
    return late


def _critical_path(network: _Network, passes: _Passes) -> list[int]:
    """From the topologically last activity finishing at the project end, follow driving links back.

    Activities finishing at the end have zero float (late <= end - duration = early), and a link that sets a
    zero-float successor's early start comes from a zero-float predecessor (late[p] <= late[s] - weight = early[p]),
    so the whole walk is critical; it stops at an activity that no link drives, i.e. one starting at the origin.
    """
    early, nodes = passes.early, network.activities
    ending = [i for i in network.order if early[i] + nodes[i].duration == passes.end]
    if not ending:
        return []
    path = [ending[-1]]
    while True:
        node = path[-1]
        driver = next((p for p, weight in network.preds[node] if early[p] + weight == early[node]), None)
        if driver is None:
            return path[::-1]
        path.append(driver)


def _slots(network: _Network, passes: _Passes, *, first: int, anchor: date, calendar: Calendar) -> dict[Key, Slot]:
    def span(begin: int, duration: int) -> tuple[date, date]:
        if duration:
            return calendar.add(anchor, begin), calendar.add(anchor, begin + duration - 1)
        day = calendar.add(anchor, max(begin - 1, first))
        return day, day

    slots: dict[Key, Slot] = {}
    for activity, early, late in zip(network.activities, passes.early, passes.late, strict=True):
        early_start, early_finish = span(early, activity.duration)
        late_start, late_finish = span(late, activity.duration)
        slots[activity.key] = Slot(
            key=activity.key,
            early_start=early_start,
            early_finish=early_finish,
            late_start=late_start,
            late_finish=late_finish,
            total_float=late - early,
            critical=late == early,
        )
    return slots

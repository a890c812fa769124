from datetime import date
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongjian.campaigns.scheduling import (
    Activity,
    DepType,
    Link,
    Schedule,
    ScheduleError,
    Slot,
    schedule_backward,
    schedule_forward,
)
from gongjian.errors import UserError
from gongjian.workdays.calendar import WorkdayCalendar

CAL = WorkdayCalendar()
D = date


def dates_of(schedule: Schedule, key) -> tuple[date, date, date, date]:
    slot = schedule.slots[key]
    return slot.early_start, slot.early_finish, slot.late_start, slot.late_finish


# Hand-checked examples. Spring Festival 2023: 01-21..01-27 off, 01-28 (Sat) and 01-29 (Sun) worked.

CHAIN = [Activity("a", "编制方案", 3), Activity("b", "审批", 2), Activity("c", "启动会", 0)]
CHAIN_LINKS = [Link("a", "b"), Link("b", "c")]


def test_forward_chain_jumps_the_spring_festival_onto_make_up_days():
    schedule = schedule_forward(CHAIN, CHAIN_LINKS, start=D(2023, 1, 18), calendar=CAL)
    assert dates_of(schedule, "a") == (D(2023, 1, 18), D(2023, 1, 20), D(2023, 1, 18), D(2023, 1, 20))
    assert dates_of(schedule, "b") == (D(2023, 1, 28), D(2023, 1, 29), D(2023, 1, 28), D(2023, 1, 29))
    assert dates_of(schedule, "c") == (D(2023, 1, 29),) * 4  # a milestone is reached on its predecessor's last day
    assert schedule.critical_path == ["a", "b", "c"]
    assert (schedule.start, schedule.finish) == (D(2023, 1, 18), D(2023, 1, 29))
    assert all(slot.critical and slot.total_float == 0 for slot in schedule.slots.values())


def test_backward_chain_is_planned_from_the_deadline_over_the_spring_festival():
    schedule = schedule_backward(CHAIN, CHAIN_LINKS, deadline=D(2023, 1, 30), calendar=CAL)
    assert dates_of(schedule, "c") == (D(2023, 1, 30),) * 4
    assert dates_of(schedule, "b")[2:] == (D(2023, 1, 29), D(2023, 1, 30))
    assert dates_of(schedule, "a")[2:] == (D(2023, 1, 19), D(2023, 1, 28))
    assert (schedule.start, schedule.finish) == (D(2023, 1, 19), D(2023, 1, 30))
    assert schedule.critical_path == ["a", "b", "c"]


def test_start_to_start_lag_lets_the_successor_overlap_and_float():
    schedule = schedule_forward(
        [Activity(1, "征地", 5), Activity(2, "设计", 2)], [Link(1, 2, DepType.SS, 2)], start=D(2023, 3, 1), calendar=CAL
    )
    assert dates_of(schedule, 1) == (D(2023, 3, 1), D(2023, 3, 7), D(2023, 3, 1), D(2023, 3, 7))
    assert dates_of(schedule, 2) == (D(2023, 3, 3), D(2023, 3, 6), D(2023, 3, 6), D(2023, 3, 7))
    assert schedule.slots[2].total_float == 1 and not schedule.slots[2].critical
    assert schedule.critical_path == [1]


def test_finish_to_finish_lag_delays_the_successor_finish():
    schedule = schedule_forward(
        [Activity("x", "主体施工", 4), Activity("y", "验收", 2)],
        [Link("x", "y", DepType.FF, 1)],
        start=D(2023, 3, 1),
        calendar=CAL,
    )
    assert dates_of(schedule, "x")[:2] == (D(2023, 3, 1), D(2023, 3, 6))
    assert dates_of(schedule, "y")[:2] == (D(2023, 3, 6), D(2023, 3, 7))
    assert schedule.critical_path == ["x", "y"]


def test_start_to_finish_lag_bounds_the_successor_finish():
    schedule = schedule_forward(
        [Activity("x", "旧线路运行", 2), Activity("y", "新线路建设", 4)],
        [Link("x", "y", DepType.SF, 6)],
        start=D(2023, 3, 1),
        calendar=CAL,
    )
    assert dates_of(schedule, "y")[:2] == (D(2023, 3, 3), D(2023, 3, 8))
    assert schedule.critical_path == ["x", "y"]


def test_negative_lag_overlaps_finish_to_start():
    schedule = schedule_forward(
        [Activity("x", "土方", 3), Activity("y", "基础", 2)],
        [Link("x", "y", lag=-1)],
        start=D(2023, 3, 1),
        calendar=CAL,
    )
    assert dates_of(schedule, "y")[:2] == (D(2023, 3, 3), D(2023, 3, 6))


def test_diamond_short_branch_has_float():
    activities = [
        Activity("a", "立项", 2),
        Activity("b", "环评", 5),
        Activity("c", "用地预审", 2),
        Activity("d", "开工", 1),
    ]
    links = [Link("a", "b"), Link("a", "c"), Link("b", "d"), Link("c", "d")]
    schedule = schedule_forward(activities, links, start=D(2023, 3, 1), calendar=CAL)
    assert dates_of(schedule, "c") == (D(2023, 3, 3), D(2023, 3, 6), D(2023, 3, 8), D(2023, 3, 9))
    assert schedule.slots["c"].total_float == 3
    assert dates_of(schedule, "d")[:2] == (D(2023, 3, 10), D(2023, 3, 10))
    assert schedule.critical_path == ["a", "b", "d"]
    assert schedule.finish == D(2023, 3, 10)


def test_milestones_at_both_ends_stay_inside_the_plan():
    activities = [Activity("go", "启动", 0), Activity("work", "建设", 3), Activity("done", "完工", 0)]
    links = [Link("go", "work"), Link("work", "done")]
    forward = schedule_forward(activities, links, start=D(2023, 3, 1), calendar=CAL)
    assert dates_of(forward, "go")[:2] == (D(2023, 3, 1), D(2023, 3, 1))
    assert dates_of(forward, "done")[:2] == (D(2023, 3, 3), D(2023, 3, 3))
    backward = schedule_backward(activities, links, deadline=D(2023, 3, 5), calendar=CAL)  # a Sunday
    assert backward.finish == D(2023, 3, 3)
    assert backward.slots == forward.slots
    assert backward.critical_path == forward.critical_path == ["go", "work", "done"]


def test_isolated_activities_and_several_sinks_finish_by_the_deadline():
    activities = [Activity("p", "报批", 4), Activity("q", "招标", 1), Activity("r", "宣传", 2)]
    schedule = schedule_backward(activities, [Link("p", "q")], deadline=D(2023, 3, 10), calendar=CAL)
    assert dates_of(schedule, "r")[2:] == (D(2023, 3, 9), D(2023, 3, 10))
    assert dates_of(schedule, "q")[2:] == (D(2023, 3, 10), D(2023, 3, 10))
    assert dates_of(schedule, "p")[2:] == (D(2023, 3, 6), D(2023, 3, 9))
    assert schedule.slots["r"].total_float == 3
    assert schedule.critical_path == ["p", "q"]


def test_no_activities_gives_an_empty_schedule_at_the_deadline():
    schedule = schedule_backward([], [], deadline=D(2023, 3, 31), calendar=CAL)
    assert schedule == Schedule(slots={}, critical_path=[], finish=D(2023, 3, 31), start=D(2023, 3, 31))
    forward = schedule_forward([], [], start=D(2023, 3, 4), calendar=CAL)
    assert (forward.start, forward.finish, forward.slots) == (D(2023, 3, 6), D(2023, 3, 6), {})


def test_cycle_error_names_the_milestones_in_the_cycle():
    activities = [Activity(i, title, 1) for i, title in enumerate(["准备", "设计", "审查", "施工"])]
    links = [Link(0, 1), Link(1, 2), Link(2, 3), Link(3, 1)]
    with pytest.raises(ScheduleError) as error:
        schedule_forward(activities, links, start=D(2023, 3, 1), calendar=CAL)
    assert error.value.code == "cycle"
    assert error.value.message == "节点存在循环依赖：设计 → 审查 → 施工 → 设计"
    assert isinstance(error.value, ValueError) and isinstance(error.value, UserError)


def test_self_dependency_is_a_cycle():
    with pytest.raises(ScheduleError, match="节点存在循环依赖：设计 → 设计"):
        schedule_backward([Activity(1, "设计", 1)], [Link(1, 1, DepType.SS)], deadline=D(2023, 3, 1), calendar=CAL)


def test_plan_that_must_begin_before_the_task_start_is_infeasible():
    activities = [Activity("a", "编制方案", 10), Activity("b", "组织实施", 5)]
    with pytest.raises(ScheduleError) as error:
        schedule_backward(activities, [Link("a", "b")], deadline=D(2023, 2, 10), start=D(2023, 2, 1), calendar=CAL)
    assert error.value.code == "infeasible"
    assert error.value.message == (
        "倒排后开始日期2023-01-18早于任务开始日期2023-02-01，计划不可行（关键节点：编制方案 → 组织实施）"
    )
    feasible = schedule_backward(
        activities, [Link("a", "b")], deadline=D(2023, 2, 10), start=D(2023, 1, 18), calendar=CAL
    )
    assert feasible.start == D(2023, 1, 18)


def test_task_starting_after_its_deadline_is_infeasible():
    with pytest.raises(ScheduleError, match="早于任务开始日期2023-04-03") as error:
        schedule_backward([], [], deadline=D(2023, 3, 31), start=D(2023, 4, 3), calendar=CAL)
    assert error.value.code == "infeasible"


@pytest.mark.parametrize(
    ("activities", "links", "code", "message"),
    [
        ([Activity(1, "设计", 1)], [Link(1, 9)], "unknown_activity", "依赖关系引用了不存在的节点：9"),
        ([Activity(1, "设计", -2)], [], "bad_duration", "节点“设计”的工期必须是不小于0的整数（当前为-2）"),
        ([Activity(1, "设计", 1), Activity(1, "施工", 1)], [], "duplicate_activity", "节点重复：施工"),
    ],
)
def test_bad_input_is_rejected_in_chinese(activities, links, code, message):
    with pytest.raises(ScheduleError) as error:
        schedule_forward(activities, links, start=D(2023, 3, 1), calendar=CAL)
    assert (error.value.code, error.value.message) == (code, message)


# Properties over random acyclic networks, checked against a naive fixed-point CPM written independently.


@st.composite
def networks(draw):
    size = draw(st.integers(min_value=0, max_value=12))
    durations = draw(st.lists(st.integers(min_value=0, max_value=20), min_size=size, max_size=size))
    activities = draw(st.permutations([Activity(f"m{i}", f"节点{i}", d) for i, d in enumerate(durations)]))
    links = []
    if size >= 2:
        for a, b in draw(st.lists(st.tuples(st.integers(0, size - 1), st.integers(0, size - 1)), max_size=3 * size)):
            if a != b:
                kind = draw(st.sampled_from(DepType))
                links.append(Link(f"m{min(a, b)}", f"m{max(a, b)}", kind, draw(st.integers(min_value=-3, max_value=5))))
    return activities, links


deadlines = st.dates(min_value=D(2023, 1, 1), max_value=D(2023, 12, 31))


def weight(link: Link, durations: dict) -> int:
    """succ.start >= pred.start + weight, from the module docstring's link definitions."""
    pred_point = durations[link.pred] if link.type in ("FS", "FF") else 0
    succ_point = durations[link.succ] if link.type in ("FF", "SF") else 0
    return pred_point + link.lag - succ_point


def reference_cpm(activities, links, *, origin=None, end=None):
    """Boundaries (early starts, late starts, origin, end) by relaxing every link until nothing changes.

    Forward schedules give `origin` (end = latest early finish); backward ones give `end` (origin = earliest late start).
    """
    durations = {a.key: a.duration for a in activities}

    def early_starts(origin):
        early = dict.fromkeys(durations, origin)
        changed = True
        while changed:
            changed = False
            for link in links:
                bound = early[link.pred] + weight(link, durations)
                if bound > early[link.succ]:
                    early[link.succ], changed = bound, True
        return early

    def late_starts(end):
        late = {key: end - duration for key, duration in durations.items()}
        changed = True
        while changed:
            changed = False
            for link in links:
                bound = late[link.succ] - weight(link, durations)
                if bound < late[link.pred]:
                    late[link.pred], changed = bound, True
        return late

    if origin is None:
        late = late_starts(end)
        origin = min(late.values(), default=end)
        return early_starts(origin), late, origin, end
    early = early_starts(origin)
    end = max((early[key] + duration for key, duration in durations.items()), default=origin)
    return early, late_starts(end), origin, end


def expected_slot(key, duration, early, late, *, anchor, first) -> Slot:
    def span(begin):
        if duration:
            return CAL.add(anchor, begin), CAL.add(anchor, begin + duration - 1)
        day = CAL.add(anchor, max(begin - 1, first))
        return day, day

    return Slot(key, *span(early), *span(late), total_float=late - early, critical=late == early)


def assert_critical_path_is_continuous(schedule, activities, links, early, late, origin, end):
    """First item starts at the project start, the last finishes at the project end, every item has zero float,
    and each consecutive pair is joined by a link that is driving (tight) in the early dates."""
    durations = {a.key: a.duration for a in activities}
    path = schedule.critical_path
    if not activities:
        assert path == []
        return
    assert path, "a non-empty network has a critical path"
    assert early[path[0]] == origin
    assert early[path[-1]] + durations[path[-1]] == end
    for key in path:
        assert schedule.slots[key].total_float == 0 and schedule.slots[key].critical
    for pred, succ in pairwise(path):
        assert any(
            link.pred == pred and link.succ == succ and early[pred] + weight(link, durations) == early[succ]
            for link in links
        ), (pred, succ)


@settings(max_examples=150, deadline=None)
@given(networks(), deadlines)
def test_backward_plan_matches_reference_cpm(network, deadline):
    activities, links = network
    schedule = schedule_backward(activities, links, deadline=deadline, calendar=CAL)
    anchor = CAL.add(deadline, 0) if CAL.is_workday(deadline) else CAL.add(deadline, -1)
    early, late, origin, end = reference_cpm(activities, links, end=1)
    first = min(origin, 0)
    assert schedule.slots == {
        a.key: expected_slot(a.key, a.duration, early[a.key], late[a.key], anchor=anchor, first=first)
        for a in activities
    }
    assert (schedule.start, schedule.finish) == (CAL.add(anchor, first), anchor)
    assert_critical_path_is_continuous(schedule, activities, links, early, late, origin, end)


@settings(max_examples=150, deadline=None)
@given(networks(), deadlines)
def test_backward_plan_never_after_deadline_nor_on_a_rest_day(network, deadline):
    activities, links = network
    schedule = schedule_backward(activities, links, deadline=deadline, calendar=CAL)
    for slot in schedule.slots.values():
        for day in (slot.early_start, slot.early_finish, slot.late_start, slot.late_finish):
            assert schedule.start <= day <= schedule.finish <= deadline
            assert CAL.is_workday(day)
        assert slot.total_float >= 0
        assert slot.early_start <= slot.early_finish and slot.late_start <= slot.late_finish


@settings(max_examples=150, deadline=None)
@given(networks(), deadlines)
def test_backward_plan_honours_every_link_between_working_activities(network, deadline):
    activities, links = network
    schedule = schedule_backward(activities, links, deadline=deadline, calendar=CAL)
    durations = {a.key: a.duration for a in activities}

    def start(key):  # boundary index of the planned start, relative to the deadline
        return CAL.between(schedule.finish, schedule.slots[key].late_start)

    def finish(key):
        return CAL.between(schedule.finish, schedule.slots[key].late_finish) + 1

    for link in links:
        if durations[link.pred] and durations[link.succ]:
            source = finish(link.pred) if link.type in ("FS", "FF") else start(link.pred)
            target = finish(link.succ) if link.type in ("FF", "SF") else start(link.succ)
            assert target >= source + link.lag, link


@settings(max_examples=150, deadline=None)
@given(networks(), deadlines)
def test_forward_plan_matches_reference_cpm_and_starts_on_the_task_start(network, start):
    activities, links = network
    schedule = schedule_forward(activities, links, start=start, calendar=CAL)
    anchor = CAL.add(start, 0)
    early, late, origin, end = reference_cpm(activities, links, origin=0)
    assert schedule.slots == {
        a.key: expected_slot(a.key, a.duration, early[a.key], late[a.key], anchor=anchor, first=0) for a in activities
    }
    assert schedule.start == anchor and schedule.finish == CAL.add(anchor, max(end - 1, 0))
    assert_critical_path_is_continuous(schedule, activities, links, early, late, origin, end)


@settings(max_examples=100, deadline=None)
@given(networks(), deadlines)
def test_backward_from_the_forward_finish_reproduces_the_forward_plan(network, start):
    activities, links = network
    forward = schedule_forward(activities, links, start=start, calendar=CAL)
    backward = schedule_backward(activities, links, deadline=forward.finish, start=start, calendar=CAL)
    assert backward == forward


@settings(max_examples=100, deadline=None)
@given(networks(), deadlines, st.integers(min_value=1, max_value=30))
def test_backward_plan_is_infeasible_exactly_when_it_begins_before_the_start(network, deadline, shift):
    activities, links = network
    plan = schedule_backward(activities, links, deadline=deadline, calendar=CAL)
    assert schedule_backward(activities, links, deadline=deadline, start=plan.start, calendar=CAL) == plan
    with pytest.raises(ScheduleError) as error:
        schedule_backward(activities, links, deadline=deadline, start=CAL.add(plan.start, shift), calendar=CAL)
    assert error.value.code == "infeasible"

"""按期办结率, 办复率 and 满意率 of 督办事项, per lead unit (assessment registry contract: assessment/registry.py).
An item counts once: in the period in which it was closed (answered) within its deadline, or else in the period in
which its deadline passed, as not done. Points are the rate times the indicator's full score."""

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from django.db.models import Q

from gongjian.campaigns.models import Task
from gongjian.matters.models import Assignment, Instruction, MeetingItem, Proposal

MODELS = (Instruction, MeetingItem, Assignment, Proposal)
JUDGED = (Task.Status.ASSIGNED, Task.Status.IN_PROGRESS, Task.Status.COMPLETED)


def _in_period(period, done_field: str) -> Q:
    first, last = period.passed_within()
    return Q(deadline__gte=first, deadline__lte=last) | Q(**{f"{done_field}__gte": period.start,
                                                           f"{done_field}__lte": period.as_of})


def _judged(period, deadline, done_on) -> tuple[bool, bool]:
    """(counts in this period, done in time)."""
    in_time = done_on is not None and done_on <= deadline and done_on <= period.as_of
    decisive = done_on if in_time else deadline + timedelta(days=1)
    return period.start <= decisive <= period.as_of, in_time


def _rate_items(counts: dict[int, list[int]], params, label: str):
    for unit_id, (hit, total) in counts.items():
        rate = Decimal(hit) / Decimal(total)
        points = (rate * Decimal(str(params["score"]))).quantize(Decimal("0.01"))
        yield unit_id, points, f"{label}{rate * 100:.1f}%（{hit}/{total}）", None


def on_time_rate(period, units, params):
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for model in MODELS:
        rows = model.objects.filter(_in_period(period, "completed_on"), status__in=JUDGED) \
            .values_list("lead_unit_id", "deadline", "completed_on", "status")
        for unit_id, deadline, completed_on, status in rows:
            counts_here, done = _judged(period, deadline, completed_on if status == Task.Status.COMPLETED else None)
            if counts_here:
                counts[unit_id][0] += done
                counts[unit_id][1] += 1
    yield from _rate_items(counts, params, "督办事项按期办结率")


def answer_rate(period, units, params):
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    rows = Proposal.objects.filter(_in_period(period, "answered_on"), status__in=JUDGED) \
        .values_list("lead_unit_id", "deadline", "answered_on")
    for unit_id, deadline, answered_on in rows:
        counts_here, done = _judged(period, deadline, answered_on)
        if counts_here:
            counts[unit_id][0] += done
            counts[unit_id][1] += 1
    yield from _rate_items(counts, params, "建议提案办复率")


def satisfaction_rate(period, units, params):
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    rows = Proposal.objects.filter(satisfaction_on__gte=period.start, satisfaction_on__lte=period.as_of) \
        .values_list("lead_unit_id", "satisfaction")
    for unit_id, satisfaction in rows:
        counts[unit_id][0] += satisfaction in (Proposal.Satisfaction.SATISFIED, Proposal.Satisfaction.BASIC)
        counts[unit_id][1] += 1
    yield from _rate_items(counts, params, "代表委员满意率")


INDICATORS = [
    {"code": "matter_on_time_rate", "name": "按期办结率", "compute": on_time_rate, "group": "督办事项", "order": 75,
     "defaults": {"score": 3},
     "rule": "批示件、会议议定、上级交办和建议提案：在时限内办结的，计入办结当期；逾期未办结的，计入时限届满当期；"
             "按期办结的比例乘以3分，计牵头单位。"},
    {"code": "proposal_answer_rate", "name": "办复率", "compute": answer_rate, "group": "督办事项", "order": 76,
     "defaults": {"score": 2},
     "rule": "建议提案在时限内答复的计入答复当期，未按时答复的计入时限届满当期；按时答复的比例乘以2分，计主办单位。"},
    {"code": "proposal_satisfaction_rate", "name": "满意率", "compute": satisfaction_rate, "group": "督办事项",
     "order": 77, "defaults": {"score": 2},
     "rule": "本期登记的代表委员意见中，满意和基本满意的比例乘以2分，计主办单位。"},
]

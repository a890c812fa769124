"""Supervision rules of 督办事项, on top of the task rules (overdue, near deadline …) every item already gets as a
task (docs/rules.md §督办事项). Registered with supervision's rule registry from MattersConfig.ready()."""

from dataclasses import dataclass
from datetime import date

from gongjian.campaigns.models import Task
from gongjian.matters.models import Assignment, HandlingReport, Instruction, MeetingItem, Proposal
from gongjian.supervision import registry
from gongjian.supervision.evaluate import RED, YELLOW, Finding

KIND = "matter"


@dataclass(frozen=True)
class MatterFacts:
    start: date
    reported: bool  # a handling report, or for a proposal the 面商 with the proposer
    is_proposal: bool
    upstream_deadline: date | None
    replied: bool


def load_matter_facts(on: date) -> dict[int, MatterFacts]:
    """Every open item of the four kinds, in a handful of queries."""
    open_items = {"status__in": Task.OPEN_STATUSES, "start__lte": on}
    reported = set(HandlingReport.objects.filter(created_at__date__lte=on).values_list("task_id", flat=True))
    facts: dict[int, MatterFacts] = {}
    for model in (Instruction, MeetingItem):
        for pk, start in model.objects.filter(**open_items).values_list("pk", "start"):
            facts[pk] = MatterFacts(start, pk in reported, False, None, False)
    for pk, start, upstream, replied in Assignment.objects.filter(**open_items).values_list(
            "pk", "start", "upstream_deadline", "replied_on"):
        facts[pk] = MatterFacts(start, pk in reported, False, upstream, replied is not None)
    for pk, start, met_on in Proposal.objects.filter(**open_items).values_list("pk", "start", "met_on"):
        facts[pk] = MatterFacts(start, met_on is not None and met_on <= on, True, None, False)
    return facts


def _no_report(item: MatterFacts, rules, on: date, calendar):
    limit = rules["matter_no_report"]["proposal_workdays" if item.is_proposal else "workdays"]
    waited = calendar.between(item.start, on)
    if not item.reported and waited > limit:
        what = "与代表委员面商" if item.is_proposal else "报送办理情况"
        yield Finding("matter_no_report", YELLOW, f"交办已{waited}个工作日，承办单位尚未{what}",
                      {"start": item.start.isoformat(), "workdays": waited})


def _upstream_due(item: MatterFacts, rules, on: date, calendar):
    if item.upstream_deadline is None or item.replied:
        return
    left = calendar.between(on, item.upstream_deadline)
    if on > item.upstream_deadline or left <= rules["upstream_due"]["workdays"]:
        when = "已过" if on > item.upstream_deadline else "将至"
        yield Finding("upstream_due", RED, f"上级时限{item.upstream_deadline.isoformat()}{when}，尚未向上级报送",
                      {"upstream_deadline": item.upstream_deadline.isoformat()})


def register() -> None:
    registry.register_facts(KIND, load_matter_facts)
    registry.register_rule(code="matter_no_report", name="交办后未报送办理情况", kinds=(KIND,), evaluate=_no_report,
                           params={"workdays": 5, "proposal_workdays": 22}, source="docs/rules.md §督办事项")
    registry.register_rule(code="upstream_due", name="上级交办时限将至未报送", kinds=(KIND,), evaluate=_upstream_due,
                           params={"workdays": 2}, source="docs/rules.md §督办事项")

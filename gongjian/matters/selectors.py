"""Reads on 督办事项: the kinds, their lists, the chain of sub-items, ledgers."""

from dataclasses import dataclass

from gongjian.campaigns.models import Task
from gongjian.matters.models import Assignment, Instruction, MeetingItem, Proposal


@dataclass(frozen=True)
class Kind:
    slug: str
    model: type[Task]
    label: str


KINDS = {
    "instructions": Kind("instructions", Instruction, "领导批示件"),
    "meeting-items": Kind("meeting-items", MeetingItem, "会议议定事项"),
    "assignments": Kind("assignments", Assignment, "上级交办事项"),
    "proposals": Kind("proposals", Proposal, "建议提案"),
}


def kind_of(task: Task) -> Kind | None:
    for kind in KINDS.values():
        if kind.model.objects.filter(pk=task.pk).exists():
            return kind
    return None


def chain(task: Task) -> list[tuple[int, Task]]:
    """The item's sub-items, depth first, with their depth (1 = split by the item's unit)."""
    rows: list[tuple[int, Task]] = []
    level = {task.pk: 0}
    frontier = [task.pk]
    children: dict[int, list[Task]] = {}
    while frontier:
        found = list(Task.objects.filter(parent_id__in=frontier).select_related("lead_unit").order_by("deadline", "id"))
        for child in found:
            if child.parent_id is not None:
                children.setdefault(child.parent_id, []).append(child)
        frontier = [c.pk for c in found if c.pk not in level]
        level.update({c.pk: 0 for c in found})

    def walk(pk: int, depth: int) -> None:
        for child in children.get(pk, []):
            rows.append((depth, child))
            walk(child.pk, depth + 1)

    walk(task.pk, 1)
    return rows


def stage_of(item: Task) -> str:
    """The step the item has reached, in words."""
    if isinstance(item, Instruction):
        if item.status == Task.Status.DRAFT:
            return "拟办待批"
        if item.status == Task.Status.COMPLETED:
            return "已销号" if item.signed_off_at else ("待领导销号" if item.needs_signoff else "已办结")
    if isinstance(item, Proposal) and item.answered_on:
        return f"已答复（{item.answer_class}类）" + (f"，{item.get_satisfaction_display()}" if item.satisfaction
                                                  else "，待征询意见")
    if isinstance(item, Assignment) and item.replied_on:
        return "已向上级报送"
    return item.get_status_display()

"""Notices reach people's phones through messaging, and a one-tap sign-for there signs the notice here."""

import itertools
from collections import defaultdict

from django.db import transaction

from gongjian.messaging import services as messaging
from gongjian.messaging.models import RobotHook
from gongjian.org.models import Person
from gongjian.org.selectors import chain_extended, notice_chains, principal_people
from gongjian.supervision import registry
from gongjian.supervision.models import Card, Notice

KEY_PREFIX = "supervision.notice:"
# Not signed for within this many working hours: the notice goes to the next person up (messaging climbs).
registry.register_rule(code="notice_sign", name="通知签收时限", params={"working_hours": 4}, source="docs/rules.md")
TITLES = {Notice.Kind.REMINDER: "提醒", Notice.Kind.URGE: "催办单", Notice.Kind.SUPERVISE: "督办单",
          Notice.Kind.INTERVIEW: "约谈通知"}


def notice_key(notice: Notice) -> str:
    return f"{KEY_PREFIX}{notice.pk}"


def sign_hours() -> int:
    from gongjian.supervision.models import Rule

    row = Rule.objects.filter(code="notice_sign", campaign=None, enabled=True).first()
    params = {**registry.rule("notice_sign").params, **(row.params if row else {})}
    return params["working_hours"]


def send_notices(notices: list[Notice], *, now=None) -> None:
    """Queue each new notice's messages (in the caller's transaction; they leave after commit)."""
    if not notices:
        return
    hours = sign_hours()
    leaders = Person.objects.in_bulk([n.leader_id for n in notices if n.leader_id])
    # The day's card says why (e.g. 连续2期未报送进展): the person reading on a phone sees the cause, not only the step.
    task_ids = {n.task_id for n in notices if n.task_id}
    findings = {(task_id, day): [f["message"] for f in found] for day in {n.issued_on for n in notices}
                for task_id, found in Card.objects.on(day).filter(task_id__in=task_ids).values_list(
                    "task_id", "findings")}
    chains = notice_chains(unit_ids={n.unit_id for n in notices})
    principals = principal_people() if any(n.kind == Notice.Kind.INTERVIEW for n in notices) else []
    items = []
    for notice in notices:
        chain = chain_extended(chains[notice.unit_id], also=[leaders.get(notice.leader_id)],
                               principals=principals if notice.kind == Notice.Kind.INTERVIEW else [])
        items.append(messaging.Queued(
            notice_key=notice_key(notice), link=f"/notices/{notice.pk}/", chain=chain,
            title=f"【{TITLES.get(notice.kind, '通知')}】{notice.unit.name}",
            body="\n".join([notice.reason, *findings.get((notice.task_id, notice.issued_on), [])])))
    messaging.messages_queue(items=items, sign_hours=hours, now=now)


def post_to_robots(notices: list[Notice], *, on, now=None) -> None:
    """The day's 督办 and 约谈, posted to the office's group robots, and each unit's own to its group."""
    grave = [n for n in notices if n.kind in (Notice.Kind.SUPERVISE, Notice.Kind.INTERVIEW)]
    if not grave:
        return
    by_unit: dict = defaultdict(list)
    for notice in grave:
        by_unit[notice.unit].append(f"【{TITLES[notice.kind]}】{notice.unit.name}：{notice.reason}")
    day = f"{on.month}月{on.day}日"
    counts = "、".join(f"{label}{n}件" for label, n in (
        ("督办", sum(n.kind == Notice.Kind.SUPERVISE for n in grave)),
        ("约谈", sum(n.kind == Notice.Kind.INTERVIEW for n in grave))) if n)
    messaging.robots_post(key=f"supervision.daily:{on.isoformat()}", unit=None, now=now, link="/notices/",
                          title=f"{day}督查：{counts}", body="\n".join(itertools.chain.from_iterable(by_unit.values())))
    # One query for the units that have a group robot at all, not one per unit (thousands at province scale).
    with_robots = set(RobotHook.objects.filter(unit__in=[u.pk for u in by_unit], is_active=True)
                      .values_list("unit_id", flat=True))
    for unit, lines in by_unit.items():
        if unit.pk not in with_robots:
            continue
        messaging.robots_post(key=f"supervision.daily:{on.isoformat()}:{unit.pk}", unit=unit, now=now,
                              title=f"{day}督查：{unit.name}{len(lines)}件", body="\n".join(lines), link="/notices/")


def signed_by_link(key: str, person: Person) -> None:
    """A person signed for the notice in their message: the notice is signed for, in their name."""
    with transaction.atomic():
        notice = Notice.objects.select_for_update().filter(pk=int(key.removeprefix(KEY_PREFIX))).first()
        if notice is None or notice.state != Notice.State.OPEN:
            return
        from gongjian.supervision.services import notice_acknowledge

        notice_acknowledge(actor=person.user, notice=notice, from_message=True)

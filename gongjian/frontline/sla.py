"""Ticket SLA clocks (docs/rules.md §6), pure: no database, the working-day calendar is passed in.

Deadlines count working days from the assignment day (never counting that day): sign within 1, reply within the
category's days (consultation 2, help/suggestion 10, complaint/report 15; urgent 5). An approved extension adds
its working days to the reply deadline, once. A unit may ask to return a ticket within 2 working days.
Cards: yellow from 1 working day before the reply deadline, red from the first day after it; a ticket not signed
by its sign deadline is yellow too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

URGENT_SIGN_DAYS = 1
URGENT_REPLY_DAYS = 5
RETURN_WITHIN_DAYS = 2
MAX_EXTENSION_DAYS = 10
YELLOW_DAYS = 1
# The office changes these on the rules page (rule `ticket_sla`, docs/rules.md §6).
DEFAULTS = {"urgent_sign_days": URGENT_SIGN_DAYS, "urgent_reply_days": URGENT_REPLY_DAYS,
            "return_days": RETURN_WITHIN_DAYS, "max_extension_days": MAX_EXTENSION_DAYS, "yellow_days": YELLOW_DAYS}
LABELS = {"urgent_sign_days": "紧急工单签收时限（工作日）", "urgent_reply_days": "紧急工单答复时限（工作日）",
          "return_days": "派单后几个工作日内可退单", "max_extension_days": "最多延期几个工作日",
          "yellow_days": "答复时限前几个工作日亮黄牌"}
DEFAULT_DAYS: dict[str, tuple[int, int]] = {  # category kind -> (sign, reply) working days
    "consultation": (1, 2),
    "help": (1, 10),
    "suggestion": (1, 10),
    "complaint": (1, 15),
    "report": (1, 15),
    "dispute": (1, 15),
}

RULE_OVERDUE = "ticket_overdue"
RULE_DUE_SOON = "ticket_due_soon"
RULE_SIGN_LATE = "ticket_sign_late"
RULE_ON_TIME = "ticket_on_time"
RULE_LABELS = {
    RULE_OVERDUE: "超过答复时限",
    RULE_DUE_SOON: "距答复时限不足1个工作日",
    RULE_SIGN_LATE: "超过签收时限未签收",
    RULE_ON_TIME: "按时办理中",
}


class Calendar(Protocol):
    def add(self, d: date, n: int) -> date: ...

    def between(self, a: date, b: date) -> int: ...


@dataclass(frozen=True)
class Deadlines:
    sign_due: date
    reply_due: date


def deadlines(*, assigned_on: date, sign_days: int, reply_days: int, urgent: bool, cal: Calendar,
              params: dict | None = None) -> Deadlines:
    params = params or DEFAULTS
    if urgent:
        sign_days = min(sign_days, params["urgent_sign_days"])
        reply_days = min(reply_days, params["urgent_reply_days"])
    return Deadlines(sign_due=cal.add(assigned_on, max(sign_days, 1)),
                     reply_due=cal.add(assigned_on, max(reply_days, 1)))


def extended(reply_due: date, days: int, cal: Calendar) -> date:
    return cal.add(reply_due, days)


def return_deadline(assigned_on: date, cal: Calendar, params: dict | None = None) -> date:
    return cal.add(assigned_on, (params or DEFAULTS)["return_days"])


@dataclass(frozen=True)
class Facts:
    sign_due: date | None
    reply_due: date | None
    signed: bool
    clock_running: bool  # assigned, signed or in progress: the unit holds it and has not replied


@dataclass(frozen=True)
class Card:
    color: str  # red | yellow | green
    rule: str
    facts: dict

    @property
    def label(self) -> str:
        return RULE_LABELS[self.rule]


def green_from(on: date, cal: Calendar, params: dict | None = None) -> date:
    """The earliest reply date that leaves a signed ticket green on `on`; every later one does too (`evaluate`'s
    yellow test, `on >= add(due, -yellow_days)`, only moves later with the due date). Found by asking `evaluate`, so
    the rule stays in one place; a holiday puts it at most a few weeks after `on`."""
    due = on
    while evaluate(Facts(sign_due=None, reply_due=due, signed=True, clock_running=True), on, cal, params).color != "green":
        due += timedelta(days=1)
    return due


def evaluate(facts: Facts, on: date, cal: Calendar, params: dict | None = None) -> Card | None:
    """The ticket's colour on `on`; None when no clock runs (not assigned yet, or already replied)."""
    if not facts.clock_running or facts.reply_due is None:
        return None
    due = facts.reply_due
    if on > due:
        return Card("red", RULE_OVERDUE, {"reply_due": due.isoformat(), "overdue_workdays": cal.between(due, on)})
    if on >= cal.add(due, -(params or DEFAULTS)["yellow_days"]):
        return Card("yellow", RULE_DUE_SOON, {"reply_due": due.isoformat(), "workdays_left": cal.between(on, due)})
    if not facts.signed and facts.sign_due is not None and on > facts.sign_due:
        return Card("yellow", RULE_SIGN_LATE, {"sign_due": facts.sign_due.isoformat()})
    return Card("green", RULE_ON_TIME, {"reply_due": due.isoformat(), "workdays_left": cal.between(on, due)})

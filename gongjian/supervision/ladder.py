"""The escalation ladder (docs/rules.md §1 升级), pure: from yesterday's state and today's card, today's state and the
notices due. Periods are months; a period's colour is its last card."""

from dataclasses import dataclass
from datetime import date

from gongjian.supervision.evaluate import RED, YELLOW

EMPTY = {"period": None, "period_color": None, "yellow_run": 0, "yellow_start": None, "red_run": 0,
         "red_start": None, "red_since": None, "yellow_since": None}


@dataclass(frozen=True)
class Escalation:
    kind: str  # reminder, urge, supervise, interview
    key: str  # unique per task and occasion, so each is issued once
    reason: str
    inform_leader: bool = False  # the task's lead leader is informed
    to_principals: bool = False  # reported to the city's principal leaders (约谈)


def _close_period(state: dict) -> None:
    color, period = state["period_color"], state["period"]
    if color == YELLOW:
        state["yellow_run"] += 1
        state["yellow_start"] = state["yellow_start"] or period
    else:
        state["yellow_run"], state["yellow_start"] = 0, None
    if color == RED:
        state["red_run"] += 1
        state["red_start"] = state["red_start"] or period
    else:
        state["red_run"], state["red_start"] = 0, None


def step(previous: dict, color: str, on: date, params: dict, calendar) -> tuple[dict, list[Escalation]]:
    state = {**EMPTY, **(previous or {})}
    month = f"{on:%Y-%m}"
    if state["period"] is not None and state["period"] != month:
        _close_period(state)
    state["period"], state["period_color"] = month, color
    state["red_since"] = (state["red_since"] or on.isoformat()) if color == RED else None
    state["yellow_since"] = (state["yellow_since"] or on.isoformat()) if color == YELLOW else None

    due: list[Escalation] = []
    if color == YELLOW:
        # The first rung (Sanming 三色督查单: 提醒 → 催办 → 督办): once per yellow spell.
        due.append(Escalation("reminder", f"yellow:{state['yellow_since']}", "亮黄牌，发出提醒"))
    if color == YELLOW and state["yellow_run"] + 1 >= params["yellow_periods"]:
        start = state["yellow_start"] or month
        due.append(Escalation("supervise", f"yellow-run:{start}",
                              f"连续{state['yellow_run'] + 1}期亮黄牌，下发督办单，告知分管领导", inform_leader=True))
    if color == RED:
        since = date.fromisoformat(state["red_since"])
        due.append(Escalation("urge", f"red:{state['red_since']}", "亮红牌，下发催办单"))
        red_days = calendar.between(since, on)
        if red_days >= params["red_supervise_after_days"]:
            due.append(Escalation("supervise", f"red-days:{state['red_since']}",
                                  f"红牌已持续{red_days}个工作日，下发督办单"))
        if state["red_run"] + 1 >= params["red_periods_interview"]:
            start = state["red_start"] or month
            due.append(Escalation("interview", f"red-run:{start}",
                                  f"连续{state['red_run'] + 1}期亮红牌，约谈单位主要负责人并报市主要领导",
                                  to_principals=True))
    return state, due

"""The ticket 三率 (响应率、解决率、满意率) per handling unit (assessment registry contract: assessment/registry.py).

The rates are frontline's own (`selectors.ticket_rates`, the rates page and API), counted over the assessment period
so far. A unit with nothing counted gets no item: a rate over nothing is undefined, and neither full points (which
would reward a unit citizens never reach) nor zero (which would punish it) says anything about its handling."""

from decimal import Decimal

from gongjian.frontline.selectors import ticket_rates

HUNDRED = Decimal("100")
# A breakdown line links to the tickets list filtered to the unit (assessment resolves this kind to that list).
UNIT_TICKETS = "unit_tickets"


def _rates(period, units) -> dict[int, dict]:
    key = "frontline.ticket_rates"
    if key not in period.memo:
        period.memo[key] = ticket_rates(list(units), period.start, period.as_of)
    return period.memo[key]


def rate_points(rate: Decimal, params) -> Decimal:
    """The score curve: the rate times the full score, nothing under the floor (a percentage). The full score is
    part of the base of 100, so a unit loses what the curve leaves it short of: a perfect rate costs nothing."""
    score = Decimal(str(params["score"]))
    earned = rate * score if rate * HUNDRED >= Decimal(str(params["floor"])) else Decimal("0")
    return (earned - score).quantize(Decimal("0.01"))


def _items(period, units, params, *, part: str, whole: str, label: str, counted: str):
    for unit_id, row in sorted(_rates(period, units).items()):
        if not row[whole]:
            continue
        rate = Decimal(row[part]) / Decimal(row[whole])
        # A perfect rate costs nothing, and the ranking leaves zero lines out.
        yield (unit_id, rate_points(rate, params), f"{label}{rate * HUNDRED:.1f}%（{counted}{row[part]}/{row[whole]}）",
               (UNIT_TICKETS, unit_id))


def response_rate(period, units, params):
    yield from _items(period, units, params, part="signed_on_time", whole="assigned", label="工单响应率",
                      counted="按时签收/派单")


def resolution_rate(period, units, params):
    yield from _items(period, units, params, part="resolved", whole="visited", label="工单解决率",
                      counted="已解决/回访")


def satisfaction_rate(period, units, params):
    yield from _items(period, units, params, part="satisfied", whole="rated", label="工单满意率",
                      counted="满意和基本满意/参评")


INDICATORS = [
    {"code": "ticket_response_rate", "name": "工单响应率", "compute": response_rate, "group": "万事有解", "order": 85,
     "defaults": {"score": 2, "floor": 60},
     "rule": "本期派给本单位的工单中按时签收的比例（经批准退单的不计）乘以2分，低于60%不得分；满分含在基础分内，"
             "按差额扣分。"},
    {"code": "ticket_resolution_rate", "name": "工单解决率", "compute": resolution_rate, "group": "万事有解",
     "order": 86, "defaults": {"score": 2, "floor": 60},
     "rule": "本期办结回访中群众认为已解决的比例（回访未解决而重办的，那次回访计为未解决）乘以2分，低于60%不得分；"
             "满分含在基础分内，按差额扣分。"},
    {"code": "ticket_satisfaction_rate", "name": "工单满意率", "compute": satisfaction_rate, "group": "万事有解",
     "order": 87, "defaults": {"score": 2, "floor": 80},
     "rule": "本期办结回访中作出评价的，满意和基本满意的比例乘以2分，低于80%不得分；满分含在基础分内，按差额扣分。"
             "本期未派单或未回访的单位不计此项。"},
]

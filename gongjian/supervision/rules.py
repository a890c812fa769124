"""The shipped rule defaults (RULES.md §1–§3) and how an office's settings override them."""

from collections.abc import Iterable, Mapping

from gongjian.projects.rules import PROJECT_RULES

DEFAULT_RULES: dict[str, dict] = {
    "deadline_near": {"name": "临近办结时限", "params": {"days": 3}},
    "overdue": {"name": "超期未办结", "params": {}},
    "milestone_overdue": {"name": "节点逾期", "params": {"red_after_days": 10}},
    "caught_up": {"name": "逾期节点补齐", "params": {}},
    "progress_lag": {"name": "进度滞后于序时进度", "params": {"yellow_points": 10, "red_points": 30}},
    "report_missing": {"name": "未按时报送进展", "params": {"red_periods": 2}},
    "returned_twice": {"name": "填报两次被退回", "params": {"times": 2}},
    "forecast_late": {"name": "预计逾期", "params": {"min_points": 1}},
    "escalation": {"name": "升级督办",
                   "params": {"yellow_periods": 2, "red_supervise_after_days": 5, "red_periods_interview": 3}},
    # Not signed for within this many working hours: the notice goes to the next person up.
    "notice_sign": {"name": "通知签收时限", "params": {"working_hours": 4}},
    **PROJECT_RULES,
}
RULE_NAMES = {code: rule["name"] for code, rule in DEFAULT_RULES.items()}


def effective_rules(overrides: Iterable[Mapping]) -> dict[str, dict]:
    """Merge the defaults with override rows (most general first: all campaigns, then one campaign); a disabled
    rule disappears. Each override row: {"code", "enabled", "params"}."""
    rules = {code: dict(rule["params"]) for code, rule in DEFAULT_RULES.items()}
    for row in overrides:
        if row["code"] not in rules:
            continue
        if not row["enabled"]:
            rules.pop(row["code"])
        else:
            rules[row["code"]].update(row["params"] or {})
    return rules


def validate_params(code: str, params: Mapping) -> dict:
    """Only known, non-negative integer parameters are accepted; returns the cleaned dict or raises ValueError."""
    if code not in DEFAULT_RULES:
        raise ValueError(f"未知规则：{code}")
    known = DEFAULT_RULES[code]["params"]
    cleaned = {}
    for key, value in params.items():
        if key not in known:
            raise ValueError(f"规则“{RULE_NAMES[code]}”没有参数“{key}”")
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1000:
            raise ValueError(f"参数“{key}”必须是0到1000之间的整数")
        cleaned[key] = value
    return cleaned

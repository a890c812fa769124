"""The registered rules' defaults (docs/rules.md) and how an office's settings override them."""

from collections.abc import Iterable, Mapping

from gongjian.supervision import evaluate as _task_rules  # noqa: F401 - registers supervision's own task rules
from gongjian.supervision import registry


def default_rules() -> dict[str, dict]:
    """{code: {"name", "params"}} of every registered rule, in registration order."""
    return {code: {"name": spec.name, "params": dict(spec.params)} for code, spec in registry.rules().items()}


def rule_names() -> dict[str, str]:
    return registry.names()


def effective_rules(overrides: Iterable[Mapping]) -> dict[str, dict]:
    """Merge the defaults with override rows (most general first: all campaigns, then one campaign); a disabled
    rule disappears. Each override row: {"code", "enabled", "params"}."""
    rules = {code: dict(spec.params) for code, spec in registry.rules().items()}
    for row in overrides:
        if row["code"] not in rules:
            continue
        if not row["enabled"]:
            rules.pop(row["code"])
        else:
            rules[row["code"]].update(row["params"] or {})
    return rules


def office_params(code: str) -> dict:
    """A rule's parameters as the office set them for all campaigns (defaults for any it left alone)."""
    from gongjian.supervision.models import Rule

    rows = Rule.objects.filter(code=code, campaign__isnull=True, task_kind="").values("code", "enabled", "params")
    return effective_rules(rows).get(code) or dict(registry.rule(code).params)


def validate_params(code: str, params: Mapping) -> dict:
    """Only known, non-negative integer parameters are accepted; returns the cleaned dict or raises ValueError."""
    spec = registry.rule(code)
    if spec is None:
        raise ValueError(f"未知规则：{code}")
    cleaned = {}
    for key, value in params.items():
        if key not in spec.params:
            raise ValueError(f"规则“{spec.name}”没有参数“{key}”")
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1000:
            raise ValueError(f"参数“{key}”必须是0到1000之间的整数")
        cleaned[key] = value
    return cleaned

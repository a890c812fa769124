"""The rule registry: every rule the daily supervision run evaluates, and the steps it runs.

Supervision registers its own task rules (`gongjian/supervision/task_rules.py`). Apps to its right in the data flow
(projects, frontline, later kinds of supervised items) register theirs from their `AppConfig.ready()`, so supervision
never imports them:

    registry.register_facts("project", load_project_facts)          # on -> {task_id: facts}
    registry.register_rule(code="not_started", name="计划开工月份已过未开工", params={"red_months": 3},
                           kinds=("project",), evaluate=_not_started, source="docs/rules.md §2")
    registry.register_step("ticket_sla", ticket_sla_step)             # (on=date, rules=RuleSet) -> summary dict

A rule's `evaluate(facts, rules, on, calendar)` yields Findings for one item; `rules` maps every enabled rule code
of the item's campaign to its parameters (defaults merged with the office's settings), so a rule may read a
sibling's parameters. A step runs once per daily run after the cards are written, in its own transaction, and
gets the registry's effective parameters through `rules(campaign_id=None)`.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

TASK = "task"


@dataclass(frozen=True)
class RuleSpec:
    code: str
    name: str
    params: Mapping[str, int] = field(default_factory=dict)
    kinds: tuple[str, ...] = (TASK,)
    evaluate: Callable[..., Iterable] | None = None  # None: evaluated by a step or by a sibling rule
    source: str = ""
    labels: Mapping[str, str] = field(default_factory=dict)  # parameter → its Chinese label on the settings page


_RULES: dict[str, RuleSpec] = {}
_FACTS: dict[str, Callable[..., Mapping[int, Any]]] = {}
_STEPS: dict[str, Callable[..., dict]] = {}


def register_rule(*, code: str, name: str, params: Mapping[str, int] | None = None, kinds: tuple[str, ...] = (TASK,),
                  evaluate: Callable[..., Iterable] | None = None, source: str = "",
                  labels: Mapping[str, str] | None = None) -> RuleSpec:
    """Register (or re-register, idempotently for the same code) one rule."""
    if len(code) > 40:
        raise ValueError(f"rule code too long: {code}")
    spec = RuleSpec(code=code, name=name, params=dict(params or {}), kinds=tuple(kinds), evaluate=evaluate,
                    source=source, labels=dict(labels or {}))
    _RULES[code] = spec
    return spec


def unregister_rule(code: str) -> None:
    _RULES.pop(code, None)


def register_facts(kind: str, loader: Callable[..., Mapping[int, Any]]) -> None:
    """`loader(on)` returns {task_id: facts} for every open item of this kind; its rules see those facts."""
    _FACTS[kind] = loader


def register_step(name: str, step: Callable[..., dict]) -> None:
    _STEPS[name] = step


def unregister_step(name: str) -> None:
    _STEPS.pop(name, None)


def rules() -> dict[str, RuleSpec]:
    return dict(_RULES)


def rule(code: str) -> RuleSpec | None:
    return _RULES.get(code)


def names() -> dict[str, str]:
    return {code: spec.name for code, spec in _RULES.items()}


def fact_loaders() -> dict[str, Callable[..., Mapping[int, Any]]]:
    return dict(_FACTS)


def steps() -> dict[str, Callable[..., dict]]:
    return dict(_STEPS)


def evaluators(kind: str) -> list[RuleSpec]:
    return [spec for spec in _RULES.values() if kind in spec.kinds and spec.evaluate is not None]

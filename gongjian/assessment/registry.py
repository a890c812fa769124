"""The indicator registry: every indicator a scheme can use, discovered from the installed apps.

Contract for other apps (projects, frontline, …), which must not import assessment (data flows left to right):
put a module `assessment_indicators.py` in the app package (e.g. `gongjian/frontline/assessment_indicators.py`)
defining

    INDICATORS = [
        {
            "code": "ticket_sign_rate",            # unique across the registry, ≤ 40 characters
            "name": "工单按时签收率",                # shown in schemes and breakdowns
            "compute": sign_rate,                  # (period, units, params) -> iterable of items
            "defaults": {"floor": 75},             # numeric parameters; the office may change them per scheme
            "rule": "签收率 − 75 计分，低于75%不计分", # 计分口径, shown on the scheme page
            "group": "万事有解",                     # optional heading
            "order": 500,                          # optional position in the scheme
        },
    ]

`compute(period, units, params)` receives
- `period` with `.kind` ("month"/"quarter"/"year"), `.label`, `.start`, `.end`, `.as_of` (judge events as of this
  day: the period's end, or today while it runs), `.campaign_id`, `.year_start`, `.passed_within()` and a `.memo`
  dict for sharing bulk loads between indicators;
- `units`: {unit_id: "area" | "department"} — the units being scored: the campaign's participants (every active
  town, street, zone and department that leads or co-leads one of its tasks or answers for one of its blockers);
- `params`: the scheme's values for `defaults` (numbers).
It returns items `(unit_id, points, reason, source)`: `points` before the indicator's weight (int, float or
Decimal), `reason` the Chinese text after the points ("未按期完成：任务X，牵头"), `source` a model instance, an
`("app_label.model", pk)` pair (linked through the model's get_absolute_url) or None. Items for units outside
`units` are dropped. It must load its events in a handful of bulk queries (never one per unit or per task).
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module
from importlib.util import find_spec
from typing import Any, NamedTuple

from django.apps import apps

MODULE = "assessment_indicators"


class Item(NamedTuple):
    unit_id: int
    points: Any
    reason: str
    source: Any = None


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    name: str
    compute: Callable[..., Iterable] | None  # None: a manual indicator, fed by ManualEvaluation rows
    defaults: Mapping[str, float] = field(default_factory=dict)
    rule: str = ""
    group: str = ""
    order: int = 0

    @property
    def is_manual(self) -> bool:
        return self.compute is None


def _spec(entry: Mapping, where: str) -> IndicatorSpec:
    unknown = set(entry) - {"code", "name", "compute", "defaults", "rule", "group", "order"}
    if unknown or not entry.get("code") or not entry.get("name"):
        raise ValueError(f"{where}: an indicator needs code and name, and only the documented keys ({entry!r})")
    return IndicatorSpec(code=entry["code"], name=entry["name"], compute=entry.get("compute"),
                         defaults=dict(entry.get("defaults") or {}), rule=entry.get("rule", ""),
                         group=entry.get("group", ""), order=entry.get("order", 0))


def discover(module_names: Iterable[str]) -> dict[str, IndicatorSpec]:
    """Read INDICATORS from each module, in order; a code registered twice is an error, not a silent override."""
    found: dict[str, IndicatorSpec] = {}
    for name in module_names:
        for entry in import_module(name).INDICATORS:
            spec = _spec(entry, name)
            if spec.code in found:
                raise ValueError(f"indicator code {spec.code!r} registered twice ({name})")
            found[spec.code] = spec
    return dict(sorted(found.items(), key=lambda pair: pair[1].order))


def installed_modules() -> list[str]:
    """Our own indicators first, then every installed app's `assessment_indicators` module."""
    names = ["gongjian.assessment.indicators"]
    for config in apps.get_app_configs():
        candidate = f"{config.name}.{MODULE}"
        if config.name != "gongjian.assessment" and find_spec(candidate) is not None:
            names.append(candidate)
    return names


@cache
def specs() -> dict[str, IndicatorSpec]:
    return discover(installed_modules())

"""Routing (派单建议) against the database: train from past assignments and duty lists, keep the model, suggest.

The learning itself is `routing.py` (pure). A past assignment teaches the model only once the unit signed it: a
returned assignment was a mistake, not an example. The latest MAX_EXAMPLES signed assignments bound training time."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction

from gongjian.audit.services import record
from gongjian.frontline.models import Assignment, RoutingModelRecord, Ticket
from gongjian.frontline.services import ASSIGNABLE_KINDS
from gongjian.org.models import Unit
from gongjian.types import User

if TYPE_CHECKING:
    from gongjian.frontline.routing import Example, RoutingModel

MAX_EXAMPLES = 50_000
KEEP_MODELS = 3

_lock = threading.Lock()
_loaded: tuple[int, RoutingModel] | None = None


@dataclass(frozen=True)
class UnitSuggestion:
    unit: Unit
    confidence: float

    @property
    def percent(self) -> float:
        return round(self.confidence * 100, 1)


def duty_lists() -> dict[int, str]:
    units = Unit.objects.filter(is_active=True, kind__in=ASSIGNABLE_KINDS).exclude(duty_list="")
    return dict(units.values_list("id", "duty_list"))


def town_units() -> dict[int, int]:
    return {pk: pk for pk in Unit.objects.filter(is_active=True, kind__in=Unit.AREA_KINDS).values_list("id", flat=True)}


def training_examples(limit: int = MAX_EXAMPLES) -> list[Example]:
    # routing.py imports scikit-learn (~100 MB, ~1 s): only processes that train or suggest pay for it
    from gongjian.frontline.routing import Example

    rows = (Assignment.objects.filter(signed_at__isnull=False, unit__is_active=True)
            .order_by("-assigned_at", "-id").values_list("ticket__text", "unit_id", "ticket__town_id")[:limit])
    return [Example(text=text, unit=unit, town=town) for text, unit, town in rows]


def routing_train(*, actor: User | None = None) -> RoutingModelRecord:
    from gongjian.frontline.routing import RoutingModel

    examples = training_examples()
    model = RoutingModel.train(examples, duty_lists(), town_units=town_units())
    with transaction.atomic():
        stored = RoutingModelRecord.objects.create(created_by=actor if getattr(actor, "is_authenticated", False)
                                                   else None, n_examples=model.n_examples,
                                                   n_units=len(model.classes), data=model.to_bytes())
        stale = RoutingModelRecord.objects.order_by("-id").values_list("id", flat=True)[KEEP_MODELS:]
        RoutingModelRecord.objects.filter(pk__in=list(stale)).delete()
        record(actor=actor, event="routing.train", obj=stored,
               changes={"examples": model.n_examples, "units": len(model.classes)})
    return stored


def current_model() -> RoutingModel | None:
    """The latest stored model, loaded once per process and again only when a newer one is trained."""
    global _loaded
    latest = RoutingModelRecord.objects.order_by("-id").values_list("id", flat=True).first()
    if latest is None:
        return None
    with _lock:
        if _loaded is not None and _loaded[0] == latest:
            return _loaded[1]
    data = RoutingModelRecord.objects.filter(pk=latest).values_list("data", flat=True).first()
    from gongjian.frontline.routing import RoutingModel

    try:
        model = RoutingModel.from_bytes(bytes(data))
    except (TypeError, ValueError):
        return None
    with _lock:
        _loaded = (latest, model)
    return model


def suggest(ticket: Ticket, *, k: int = 3) -> list[UnitSuggestion]:
    model = current_model()
    if model is None:
        return []
    ranked = model.suggest(ticket.text, town=ticket.town_id, k=k)
    units = Unit.objects.in_bulk([s.unit for s in ranked])
    return [UnitSuggestion(units[s.unit], s.confidence) for s in ranked if s.unit in units]


def routing_evaluate(*, test_fraction: float = 0.2, seed: int = 7) -> dict:
    """Top-1 and top-3 accuracy on a held-out split of signed assignments (a fresh model trained on the rest)."""
    from gongjian.frontline.routing import evaluate

    examples = training_examples()
    result = evaluate(examples, duty_lists(), test_fraction=test_fraction, seed=seed, town_units=town_units())
    result["units"] = len({e.unit for e in examples})
    return result

"""When something with a due date is overdue (逾期, 超期未办结) — the one definition every count, list filter and rule
uses (docs/rules.md §1). Pure: the daily run's evaluator calls it on facts, the models on their fields.

Overdue on a day means: its due date is before that day and it was not done by that day. Something due today is
not yet overdue; something done after its due date was overdue until the day it was done, and not after."""

from datetime import date


def overdue_on(due: date | None, done: date | None, on: date) -> bool:
    return due is not None and due < on and (done is None or done > on)

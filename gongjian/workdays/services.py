from datetime import date

from django.db import transaction

from gongjian.audit.services import record
from gongjian.errors import UserError
from gongjian.workdays import days
from gongjian.workdays.models import WorkdayOverride


def workday_override_set(*, actor, day: date, is_workday: bool, note: str) -> WorkdayOverride:
    note = (note or "").strip()
    if not note:
        raise UserError("请填写说明，例如“国务院办公厅2027年节假日安排”", "required", field="note")
    if len(note) > 100:
        raise UserError("说明不能超过100个字", "too_long", field="note")
    with transaction.atomic():
        previous = WorkdayOverride.objects.filter(date=day).first()
        override, _ = WorkdayOverride.objects.update_or_create(
            date=day, defaults={"is_workday": is_workday, "note": note}
        )
        record(
            actor=actor,
            event="workday.set",
            obj=override,
            changes={"is_workday": [previous.is_workday if previous else None, is_workday], "note": note},
        )
        # Drop this process's cached calendar now (later reads in this transaction see the change) and again after
        # commit (a rollback must not leave the uncommitted override cached).
        days.reset()
        transaction.on_commit(days.reset)
    return override

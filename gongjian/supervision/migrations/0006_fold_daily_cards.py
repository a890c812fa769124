from datetime import timedelta

from django.db import migrations


def _signature(color, findings, overridden):
    """A frozen copy of supervision.jobs.card_signature as it was when the spans began."""
    return (color, overridden, tuple(sorted(
        (f.get("rule", ""), f.get("color", ""), str((f.get("facts") or {}).get("milestone") or ""),
         str((f.get("facts") or {}).get("responsible_unit") or "")) for f in findings or ())))


def fold(apps, schema_editor):
    """Consecutive run days of a task with the same signature become one row: the first day's row is kept with the
    last day's findings, the others go. A span ends the day before the next run that saw a different card (or none)."""
    Card = apps.get_model("supervision", "Card")
    SupervisionRun = apps.get_model("supervision", "SupervisionRun")
    run_days = sorted(set(SupervisionRun.objects.values_list("date", flat=True))
                      | set(Card.objects.values_list("date", flat=True).distinct()))
    following: dict = dict(zip(run_days, [*run_days[1:], None]))  # noqa: B905 - one longer when empty
    kept, dropped = [], []
    span = None  # [first row, last day, signature, findings]

    def close():
        first, last, _, findings = span
        after = following[last]
        first.valid_from, first.findings = first.date, findings
        first.valid_until = after - timedelta(days=1) if after else None
        kept.append(first)

    for card in Card.objects.order_by("task_id", "date").iterator(chunk_size=2000):
        signature = _signature(card.color, card.findings, card.overridden)
        if span and span[0].task_id == card.task_id and following[span[1]] == card.date and span[2] == signature:
            span[1], span[3] = card.date, card.findings
            dropped.append(card.pk)
            continue
        if span:
            close()
        span = [card, card.date, signature, card.findings]
    if span:
        close()
    for i in range(0, len(dropped), 2000):
        Card.objects.filter(pk__in=dropped[i:i + 2000]).delete()
    Card.objects.bulk_update(kept, ["valid_from", "valid_until", "findings"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("supervision", "0005_card_span_fields")]

    # Backwards only on an empty card table (0007 cannot give spans their daily rows back), as the tests do.
    operations = [migrations.RunPython(fold, migrations.RunPython.noop)]

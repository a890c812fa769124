"""Reads for the inspection pages and the 督查专报."""

from collections import Counter

from django.db.models import Count, Prefetch, QuerySet

from gongjian.inspections.models import Finding, Inspection, Photo


def percent_text(value) -> str:
    """60.00 → "60", 45.37 → "45.37": progress as people write it."""
    return format(value.normalize(), "f")


def inspection_rows(inspections: QuerySet[Inspection]) -> QuerySet[Inspection]:
    return inspections.select_related("campaign").annotate(
        finding_count=Count("findings", distinct=True), task_count=Count("tasks", distinct=True))


def findings_of(inspection: Inspection, visible: QuerySet[Finding]) -> list[Finding]:
    return list(visible.filter(inspection=inspection).select_related("task", "unit", "rectification__task")
                .prefetch_related(Prefetch("photos", queryset=Photo.objects.order_by("id"))).order_by("id"))


def unit_ranking(findings: list[Finding]) -> list[tuple[str, int, int]]:
    """Units by number of findings (most first), with how many were false reporting: the 专报's ranking."""
    found, false = Counter(f.unit.name for f in findings), Counter(f.unit.name for f in findings if f.is_false_report)
    return sorted(((name, n, false[name]) for name, n in found.items()), key=lambda row: (-row[1], row[0]))


def flag_counts(findings: list[Finding]) -> dict[str, int]:
    return dict(Counter(p.verdict for f in findings for p in f.photos.all()))

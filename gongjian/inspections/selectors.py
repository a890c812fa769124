"""Reads for the inspection pages and the 督查专报."""

from collections import Counter
from decimal import Decimal

from django.db.models import Count, Prefetch, QuerySet

from gongjian.inspections.models import Finding, Inspection, Photo


def percent_text(value: Decimal) -> str:
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


def special_report_body(inspection: Inspection, findings: list[Finding]) -> str:
    """The 督查专报's text, one paragraph a line, headings as official documents number them (一、二、三、)."""
    kind = inspection.get_kind_display()
    lines = [f"{inspection.start:%Y年%-m月%-d日}至{inspection.end:%-m月%-d日}，督查组以{kind}方式对"
             f"{inspection.tasks.count()}项事项进行了检查，发现问题{len(findings)}个。{inspection.scope}".strip(),
             "一、发现的问题"]
    for n, finding in enumerate(findings, 1):
        text = f"（{n}）{finding.unit.name}：{finding.description}"
        if finding.progress_seen is not None and finding.progress_claimed is not None:
            text += f"单位填报进度{percent_text(finding.progress_claimed)}%，现场所见{percent_text(finding.progress_seen)}%。"
        if finding.is_false_report:
            text += "经认定报送不实。"
        photos = list(finding.photos.all())
        flagged = [p for p in photos if p.verdict != Photo.Verdict.MATCH]
        if photos:
            text += f"现场照片{len(photos)}张" + (f"，其中{len(flagged)}张位置存疑。" if flagged else "，位置核验相符。")
        lines.append(text)
    lines.append("二、问题分布")
    lines += [f"{name}{count}个" + (f"（其中报送不实{false}个）" if false else "") + "。"
              for name, count, false in unit_ranking(findings)] or ["本次督查未发现问题。"]
    lines.append("三、意见建议")
    lines += [line.strip() for line in (inspection.proposals or "").splitlines() if line.strip()] or [
        "请各责任单位按时限完成整改，督查室将适时组织“回头看”。"]
    return "\n".join(lines)

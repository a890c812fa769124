"""Building one month's bulletin: the figures (one selector, a fixed number of queries), the .docx and the .xlsx
annex, for the first campaign and the bench day's month. The figure to meet: ≤ 60 s. Nothing is written."""

from __future__ import annotations

import time

from gongjian.bench.registry import Context
from gongjian.bulletins import documents, selectors
from gongjian.bulletins.models import Bulletin
from gongjian.campaigns.models import Campaign

NAME = "bulletin"
ORDER = 75
TARGET_SECONDS = 60.0


def run(ctx: Context) -> dict:
    campaign = Campaign.objects.order_by("id").first()
    if campaign is None:
        return {"skipped": "the bench data has no campaign"}
    month = f"{ctx.today:%Y-%m}"
    bulletin = Bulletin(campaign=campaign, month=month, number=ctx.today.month, office_text="基准测试",
                        title=selectors.default_title(campaign, month))
    started = time.perf_counter()
    content = selectors.document(bulletin)
    figures_seconds = time.perf_counter() - started
    docx = documents.build_docx(content)
    docx_seconds = time.perf_counter() - started - figures_seconds
    xlsx = documents.build_xlsx(content)
    seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 3), "figures_seconds": round(figures_seconds, 3),
        "docx_seconds": round(docx_seconds, 3), "xlsx_seconds": round(seconds - figures_seconds - docx_seconds, 3),
        "docx_bytes": len(docx), "xlsx_bytes": len(xlsx), "red_yellow_rows": len(content["red_yellow"]),
        "overdue_blockers": len(content["overdue_blockers"]), "target": "≤ 60 s", "met": seconds <= TARGET_SECONDS,
        "note": f"month {month} of campaign {campaign.pk}: figures, .docx and .xlsx, in this process",
    }

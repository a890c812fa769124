"""报送不实 rests on a check: a finding whose on-site progress contradicts the unit's approved report, recorded as
false reporting by the office. Counted in the period of the day the office recorded it, one item per finding."""

from gongjian.assessment.registry import Item
from gongjian.inspections.models import Finding
from gongjian.inspections.selectors import percent_text


def false_reports(period, units, params):
    rows = (Finding.objects.filter(false_report_on__gte=period.start, false_report_on__lte=period.as_of,
                                   inspection__campaign_id=period.campaign_id)
            .select_related("inspection", "task", "report__period").order_by("false_report_on", "id"))
    for finding in rows:
        claimed_month = f"{finding.report.period.start:%Y年%-m月}" if finding.report_id else ""
        yield Item(finding.unit_id, params["points"],
                   f"报送不实：“{finding.task.title if finding.task else finding.description[:30]}”{claimed_month}填报进度"
                   f"{percent_text(finding.progress_claimed)}%，{finding.inspection.get_kind_display()}"
                   f"{finding.recorded_on:%-m月%-d日}现场所见{percent_text(finding.progress_seen)}%",
                   finding)


INDICATORS = [
    {"code": "report_untrue", "name": "报送不实", "compute": false_reports, "group": "督查核查", "order": 80,
     "defaults": {"points": -1},
     "rule": "专项督查、实地核查或暗访中现场所见进度低于单位已审核填报的进度，经督查室认定报送不实的，每次−1分，"
             "计责任单位；扣分依据链接到该次核查发现（含照片和位置核验）。"},
]

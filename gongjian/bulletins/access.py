"""Who sees and changes bulletins and annual work reports.

Bulletins are the supervision office's documents: only the office opens their pages (others get 403). An annual
report is seen by the office and city leaders and by its own unit's people; its unit's editor and the office change
it; only the office turns its goals into tasks. Outside that scope a report does not exist (404)."""

from django.db.models import QuerySet

from gongjian.bulletins.models import AnnualGoal, AnnualReport
from gongjian.org.access import can_edit_for_unit, get_or_404, is_office, require, sees_everything, unit_id_of
from gongjian.org.models import Unit


def require_office(user) -> None:
    require(is_office(user), "只有督查室可以使用通报")


def reports_visible_to(user) -> QuerySet[AnnualReport]:
    reports = AnnualReport.objects.all()
    if sees_everything(user):
        return reports
    unit_id = unit_id_of(user)
    return reports.filter(unit_id=unit_id) if unit_id is not None else reports.none()


def reporting_units_visible_to(user) -> QuerySet[Unit]:
    """Units that report a year's work (towns, streets, zones, departments) and that the user may look at."""
    units = Unit.objects.filter(kind__in=(*Unit.AREA_KINDS, Unit.Kind.DEPARTMENT), is_active=True)
    if sees_everything(user):
        return units
    return units.filter(pk=unit_id_of(user))


def unit_for_report(user, unit_id, *, write: bool = False) -> Unit:
    """The unit whose report the user opens: 404 outside scope, 403 for a read-only user writing."""
    unit = get_or_404(reporting_units_visible_to(user), unit_id)
    if write:
        require(can_edit_for_unit(user, unit.pk), "您没有权限修改该单位的年度工作汇报")
    return unit


def goal_for(user, goal_id, *, write: str) -> AnnualGoal:
    """`write`: "edit" (the unit's editor or the office) or "convert" (the office)."""
    goal = get_or_404(AnnualGoal.objects.filter(report__in=reports_visible_to(user))
                      .select_related("report__unit", "task"), goal_id)
    if write == "edit":
        require(can_edit_for_unit(user, goal.report.unit_id))
    elif write == "convert":
        require(is_office(user), "只有督查室可以把目标转为任务")
    else:
        raise ValueError(write)
    return goal

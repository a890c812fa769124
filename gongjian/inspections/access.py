"""The one place that decides who sees and changes an inspection, its findings and photos.

The office and city leaders see every inspection; a member of the team sees and records on the ones they are on; a
unit sees its own findings once they are not secret (暗访 stays hidden until published). Where a photo was taken,
and how far from the site, is for the office and the team only."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from gongjian.inspections.models import Finding, Inspection, Rectification
from gongjian.org.access import can_edit_for_unit, get_or_404, is_admin, is_office, require, sees_everything, unit_id_of

_OPEN_TO_UNITS = ~Q(kind=Inspection.Kind.COVERT) | Q(published_on__isnull=False)


def inspections_visible_to(user) -> QuerySet[Inspection]:
    inspections = Inspection.objects.all()
    if is_admin(user) and not sees_everything(user):
        return inspections.none()
    if sees_everything(user):
        return inspections
    unit_id = unit_id_of(user)
    own_findings = Finding.objects.filter(inspection=OuterRef("pk"), unit_id=unit_id)
    return inspections.filter(Q(team=user) | (_OPEN_TO_UNITS & Exists(own_findings))).distinct()


def inspection_for(user, pk, *, write: str | None = None) -> Inspection:
    """`write`: "manage" (plan, publish, report — the office) or "record" (findings on site — office or team)."""
    inspection = get_or_404(inspections_visible_to(user), pk)
    if write is not None:
        require(can_write_inspection(user, inspection, write))
    return inspection


def is_team_member(user, inspection: Inspection) -> bool:
    return user.is_authenticated and inspection.team.filter(pk=user.pk).exists()


def can_write_inspection(user, inspection: Inspection, kind: str) -> bool:
    if kind == "manage":
        return is_office(user)
    if kind == "record":
        return is_office(user) or is_team_member(user, inspection)
    raise ValueError(kind)


def sees_location(user, inspection: Inspection) -> bool:
    return is_office(user) or is_team_member(user, inspection)


def findings_visible_to(user) -> QuerySet[Finding]:
    findings = Finding.objects.all()
    if is_admin(user) and not sees_everything(user):
        return findings.none()
    if sees_everything(user):
        return findings
    unit_id = unit_id_of(user)
    return findings.filter(
        Q(inspection__team=user)
        | (Q(unit_id=unit_id) & (~Q(inspection__kind=Inspection.Kind.COVERT)
                                 | Q(inspection__published_on__isnull=False)))
    ).distinct()


def finding_for(user, pk, *, write: str | None = None) -> Finding:
    """`write`: "manage" (turn into rectification, record false reporting — the office)."""
    finding = get_or_404(findings_visible_to(user).select_related("inspection", "unit", "task"), pk)
    if write is not None:
        require(write == "manage" and is_office(user))
    return finding


def rectification_for(user, pk, *, write: str | None = None) -> Rectification:
    """`write`: "close" (the responsible unit's editor, or the office) or "recheck" (the office)."""
    rectification = get_or_404(
        Rectification.objects.filter(finding__in=findings_visible_to(user)).select_related(
            "finding__inspection", "finding__unit", "task"), pk)
    if write == "close":
        require(can_edit_for_unit(user, rectification.finding.unit_id))
    elif write == "recheck":
        require(is_office(user))
    elif write is not None:
        raise ValueError(write)
    return rectification

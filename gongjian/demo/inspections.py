"""The demo's on-site checks in the last week of March 2023: a 实地核查 of major projects (one photo taken far from
its site, one false report by a town or zone backed by the check, rectification items — one already closed with evidence)
and an unpublished 暗访 of the approval hall. Photos are drawn here, with the EXIF a phone camera writes."""

from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw
from PIL.TiffImagePlugin import IFDRational

from gongjian.campaigns.models import Campaign, Task
from gongjian.demo.frontline import TOWN_CENTRES
from gongjian.dispatch.models import ProgressReport
from gongjian.inspections import services
from gongjian.inspections.models import Inspection
from gongjian.inspections.selectors import percent_text
from gongjian.projects import services as project_services
from gongjian.projects.models import Project

DAY = date(2023, 3, 31)
CHECKLIST = "是否按计划开工建设\n形象进度与填报是否一致\n安全文明施工和扬尘防治"


def _dms(value: float) -> tuple:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 6000)
    return IFDRational(degrees), IFDRational(minutes), IFDRational(seconds, 100)


def _photo(at: tuple[float, float], hour: int, shade: tuple[int, int, int]) -> SimpleUploadedFile:
    image = Image.new("RGB", (480, 320), shade)
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 180, 440, 300), fill=(150, 140, 120))
    draw.rectangle((120, 90, 300, 180), fill=(190, 190, 185))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: _dms(at[0]), 3: "E", 4: _dms(at[1])}
    exif[0x8769] = {0x9003: datetime(2023, 3, 31, hour, 15).strftime("%Y:%m:%d %H:%M:%S")}
    out = BytesIO()
    image.save(out, "JPEG", quality=70, exif=exif)
    return SimpleUploadedFile("site.jpg", out.getvalue(), content_type="image/jpeg")


def _sited(office, project: Project, offset: float) -> tuple[float, float]:
    """Projects of the ledger carry no coordinates; place each near its town's seat for the check."""
    lat, lng = TOWN_CENTRES.get(project.town.name if project.town_id else "", (36.889, 120.517))
    lat, lng = round(lat + offset, 6), round(lng + offset, 6)
    if project.latitude is None:
        project_services.project_update(actor=office, project=project, latitude=Decimal(str(lat)),
                                        longitude=Decimal(str(lng)))
    return float(project.latitude or lat), float(project.longitude or lng)


def _claimed(project: Project) -> Decimal | None:
    report = (ProgressReport.objects.filter(task=project, state=ProgressReport.State.APPROVED)
              .order_by("-period__start").first())
    return report.percent if report else None


def load(campaign: Campaign, office) -> dict:
    if Inspection.objects.filter(campaign=campaign).exists():
        return {"inspections": Inspection.objects.filter(campaign=campaign).count()}
    projects = list(Project.objects.filter(campaign=campaign, status__in=Task.OPEN_STATUSES, town__isnull=False)
                    .select_related("town", "lead_unit").order_by("id"))
    # The false report falls on a town or zone whose claim the check contradicts (院上镇 first, where it has one).
    claims = sorted((p for p in projects if (_claimed(p) or 0) >= 20 and p.lead_unit.is_area),
                    key=lambda p: (p.lead_unit.name != "院上镇", p.pk))
    untrue = claims[0] if claims else None
    others = [p for p in projects if p is not untrue][:3]
    checked = [p for p in (untrue, *others) if p is not None]
    if not checked:
        return {"inspections": 0}
    site = services.inspection_create(
        actor=office, campaign=campaign, kind=Inspection.Kind.SITE, subject="一季度重点项目建设实地核查",
        scope="抽查各镇街重点项目开工和形象进度", start=date(2023, 3, 27), end=DAY, checklist=CHECKLIST,
        tasks=checked, team=[office])
    counts = {"findings": 0, "rectifications": 0}
    if untrue is not None:
        at = _sited(office, untrue, 0.001)
        claimed = _claimed(untrue)
        finding = services.finding_record(
            actor=office, inspection=site, task=untrue, checklist_item="形象进度与填报是否一致",
            description="现场主体工程仅局部施工，大部分作业面尚未展开，与所报进度明显不符",
            progress_seen=max(claimed - 25, Decimal("5")), photos=[_photo((at[0] + 0.0004, at[1] + 0.0003), 10,
                                                                          (110, 130, 150))])
        services.false_report_record(actor=office, finding=finding,
                                     reason=f"所报进度{percent_text(claimed)}%，现场核查仅约"
                                            f"{percent_text(finding.progress_seen)}%")
        services.rectification_create(actor=office, finding=finding, deadline=date(2023, 4, 28),
                                      requirement="据实更正填报，倒排剩余工程施工计划")
        counts["findings"] += 1
        counts["rectifications"] += 1
    for n, project in enumerate(others):
        at = _sited(office, project, 0.002 * (n + 1))
        far = n == 0
        where = (at[0] + 0.06, at[1] + 0.05) if far else (at[0] + 0.0005, at[1] - 0.0004)
        finding = services.finding_record(
            actor=office, inspection=site, task=project, checklist_item="安全文明施工和扬尘防治",
            description="施工现场部分围挡缺失，裸土未覆盖" if n != 1 else "现场作业人员少于填报的在岗人数",
            photos=[_photo(where, 14 + n, (120, 140, 100))])
        rectification = services.rectification_create(actor=office, finding=finding, deadline=date(2023, 4, 14))
        if n == 2:
            services.rectification_close(actor=office, rectification=rectification, note="围挡已补齐，裸土全部苫盖",
                                         upload=_photo(at, 16, (100, 150, 110)))
        counts["findings"] += 1
        counts["rectifications"] += 1
    services.special_report_draft(actor=office, inspection=site, findings=list(site.findings.order_by("id")))
    hall = Task.objects.filter(campaign=campaign, lead_unit__name="行政审批服务局",
                               status__in=Task.OPEN_STATUSES).order_by("id").first()
    if hall is not None:
        covert = services.inspection_create(
            actor=office, campaign=campaign, kind=Inspection.Kind.COVERT, subject="政务服务大厅窗口作风暗访",
            start=date(2023, 3, 29), end=DAY, checklist="窗口人员在岗\n一次性告知落实", tasks=[hall], team=[office])
        services.finding_record(actor=office, inspection=covert, task=hall, checklist_item="一次性告知落实",
                                description="企业开办窗口未一次性告知所需材料，群众往返两次")
        counts["findings"] += 1
    counts["inspections"] = Inspection.objects.filter(campaign=campaign).count()
    return counts

"""An inspection of unit A's project (site at 36.880 N, 120.520 E) with a March report that claims 60 %, and
photos made here with real EXIF (capture time, GPS) so the checks read what a phone camera writes."""

from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from PIL.TiffImagePlugin import IFDRational

from gongjian.campaigns import services as task_services
from gongjian.dispatch import periods
from gongjian.dispatch import services as dispatch_services
from gongjian.dispatch.models import ReportingPeriod
from gongjian.inspections import services
from gongjian.projects import services as project_services
from tests.browser.conftest import browser  # noqa: F401 -- the Chromium fixture, for the journey at phone width

SITE = (Decimal("36.880000"), Decimal("120.520000"))
NEAR = (36.8805, 120.5203)  # about 60 m from the site
FAR = (36.95, 120.60)  # about 10 km away


def _dms(value: float) -> tuple:
    degrees = int(value)
    minutes_float = (value - degrees) * 60
    minutes = int(minutes_float)
    seconds = round((minutes_float - minutes) * 60 * 100)
    return IFDRational(degrees), IFDRational(minutes), IFDRational(seconds, 100)


def jpeg(*, at: tuple[float, float] | None = None, taken: datetime | None = datetime(2023, 3, 31, 10, 20),
         name: str = "site.jpg", size=(64, 48)) -> SimpleUploadedFile:
    image = Image.new("RGB", size, (120, 140, 90))
    exif = Image.Exif()
    if at is not None:
        exif[0x8825] = {1: "N", 2: _dms(at[0]), 3: "E", 4: _dms(at[1])}
    if taken is not None:
        exif[0x8769] = {0x9003: taken.strftime("%Y:%m:%d %H:%M:%S")}
    out = BytesIO()
    image.save(out, "JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def today(settings):
    settings.GONGJIAN_TODAY = date(2023, 3, 31)
    return settings.GONGJIAN_TODAY


@pytest.fixture
def project(cast, campaign, today):
    project = project_services.project_create(
        actor=cast.office, campaign=campaign, title="姜山新材料产业园标准厂房", lead_unit=cast.unit_a,
        focus_area=campaign.focus_areas.first(), planned_start=date(2023, 2, 1), planned_completion=date(2023, 12, 31),
        town=cast.unit_a, total_investment=Decimal("60000000"), latitude=SITE[0], longitude=SITE[1])
    task_services.task_assign(actor=cast.office, task=project)
    project.refresh_from_db()
    return project


@pytest.fixture
def plain_task(cast, campaign, today):
    """An item with no registered site: its photos cannot be checked against a place."""
    task = task_services.task_create(actor=cast.office, campaign=campaign, title="优化营商环境", lead_unit=cast.unit_a,
                                     start=date(2023, 2, 1), deadline=date(2023, 12, 31))
    return task_services.task_assign(actor=cast.office, task=task)


@pytest.fixture
def claimed(cast, project):
    """unit A's February report on the project, approved: 60 %."""
    period = periods.period_for(ReportingPeriod.Kind.MONTH, date(2023, 2, 15))
    report = dispatch_services.report_save(actor=cast.editor_a, task=project, period=period, work_done="主体施工",
                                           percent=Decimal("60"))
    dispatch_services.report_submit(actor=cast.editor_a, report=report)
    return dispatch_services.report_approve(actor=cast.office, report=report)


@pytest.fixture
def inspection(cast, campaign, project, plain_task, today):
    return services.inspection_create(
        actor=cast.office, campaign=campaign, subject="重点项目建设专项督查", start=date(2023, 3, 27),
        end=date(2023, 3, 31), checklist="是否开工\n进度是否与填报一致", tasks=[project, plain_task],
        team=[cast.office])

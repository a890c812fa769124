"""The monthly project dispatch: report and figures saved together, derived numbers that match a hand calculation,
problems that become blockers, corrections, and the page's access rules."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gongjian.audit.models import AuditEvent
from gongjian.dispatch import services as dispatch_services
from gongjian.dispatch.models import Evidence, ProgressReport
from gongjian.errors import UserError
from gongjian.org.models import Unit
from gongjian.projects import selectors, services
from gongjian.projects.models import Project, ProjectFigures
from gongjian.supervision.models import Blocker

pytestmark = pytest.mark.django_db
WAN = Decimal("10000")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _dispatch(project, period, user, invested_wan, *, submit=False, **figures):
    return services.project_dispatch_save(
        actor=user, project=project, period=period, submit=submit,
        report_fields={"work_done": f"本月完成投资{invested_wan}万元"},
        figures={"invested": Decimal(invested_wan) * WAN, **figures})


def _approved(project, period, cast, invested_wan, **figures):
    report = _dispatch(project, period, cast.editor_a, invested_wan, submit=True, **figures)
    return dispatch_services.report_approve(actor=cast.office, report=report)


@pytest.fixture
def project(make_project):
    return make_project(prior_investment=500 * WAN, actual_start=date(2023, 2, 10))


def test_derived_figures_match_a_hand_calculation(project, month, cast):
    _approved(project, month(1), cast, 80)
    _approved(project, month(2), cast, 120)
    report = _dispatch(project, month(3), cast.editor_a, 150)
    numbers = selectors.dispatch_numbers(project, month(3), 150 * WAN, report.pk)
    # By hand: 1—3月 80 + 120 + 150 = 350万 of a 1200万 plan = 29.17 %; plan to March 300万 = 25 %;
    # ahead by 4.17 points; since start 500万 before this year + 350万 = 850万 of 6000万 = 14.17 %.
    assert numbers.this_period == 150 * WAN
    assert numbers.year_to_date == 350 * WAN
    assert numbers.since_start == 850 * WAN
    assert round(numbers.position.completion, 2) == Decimal("29.17")
    assert numbers.position.time_progress == Decimal("25")
    assert numbers.position.phrase == "超过时间进度4.2个百分点"
    assert round(numbers.overall, 2) == Decimal("14.17")


def test_unapproved_months_do_not_count(project, month, cast):
    _dispatch(project, month(1), cast.editor_a, 80, submit=True)
    numbers = selectors.dispatch_numbers(project, month(2), 10 * WAN)
    assert numbers.year_to_date == 10 * WAN and numbers.since_start == 510 * WAN


def test_report_and_figures_are_saved_together(project, month, cast):
    report = _dispatch(project, month(3), cast.editor_a, 150, workers=80, image_progress="主体封顶")
    figures = ProjectFigures.objects.get(report=report)
    assert (figures.year, figures.month, figures.invested, figures.workers) == (2023, 3, 150 * WAN, 80)
    assert report.state == "draft"
    # Without milestones the report's percent is the share of the total investment done since the start.
    assert report.percent == Decimal("10.83")
    events = list(AuditEvent.objects.filter(event__in=("report.create", "project_figures.create"))
                  .values_list("event", flat=True).order_by("seq"))
    assert events == ["report.create", "project_figures.create"]


def test_a_bad_figure_writes_nothing(project, month, cast):
    with pytest.raises(UserError) as exc:
        services.project_dispatch_save(actor=cast.editor_a, project=project, period=month(3),
                                       report_fields={"work_done": "进展"}, figures={"invested": Decimal("-1")})
    assert exc.value.field == "invested"
    with pytest.raises(UserError) as exc:
        services.project_dispatch_save(actor=cast.editor_a, project=project, period=month(3),
                                       report_fields={"work_done": ""}, figures={"invested": WAN}, submit=True)
    assert exc.value.field == "work_done"
    assert not ProgressReport.objects.exists() and not ProjectFigures.objects.exists()


def test_an_approved_month_is_locked(project, month, cast):
    _approved(project, month(2), cast, 120)
    with pytest.raises(UserError) as exc:
        _dispatch(project, month(2), cast.editor_a, 130)
    assert exc.value.status == 409
    assert ProjectFigures.objects.get().invested == 120 * WAN


def test_problems_become_blockers_with_a_responsible_unit(project, month, cast):
    land = Unit.objects.create(name="自然资源局", kind=Unit.Kind.DEPARTMENT)
    report = services.project_dispatch_save(
        actor=cast.editor_a, project=project, period=month(3), submit=True, figures={"invested": WAN},
        report_fields={"work_done": "推进中", "problems": [{"category": "land", "description": "用地指标未落实"}]})
    assert not Blocker.objects.exists()
    dispatch_services.report_approve(actor=cast.office, report=report)
    blocker = Blocker.objects.get()
    assert (blocker.task_id, blocker.category, blocker.responsible_unit) == (project.pk, "land", land)


def test_approval_brings_the_head_count_to_the_project(project, month, cast):
    _approved(project, month(3), cast, 100, workers=260)
    assert Project.objects.get(pk=project.pk).workers_on_site == 260


def test_a_correction_keeps_the_month_figures(project, month, cast):
    original = _approved(project, month(2), cast, 120)
    correction = dispatch_services.report_correct(actor=cast.editor_a, report=original, reason="补充说明")
    correction = dispatch_services.report_submit(actor=cast.editor_a, report=correction)
    dispatch_services.report_approve(actor=cast.office, report=correction)
    assert ProjectFigures.objects.get(report=correction).invested == 120 * WAN
    assert selectors.dispatch_numbers(project, month(3), WAN).year_to_date == 121 * WAN


def test_a_correction_can_change_the_figures(project, month, cast):
    original = _approved(project, month(2), cast, 120)
    dispatch_services.report_correct(actor=cast.editor_a, report=original, reason="投资额填错")
    report = _dispatch(project, month(2), cast.editor_a, 100, submit=True)
    assert report.supersedes_id == original.pk
    dispatch_services.report_approve(actor=cast.office, report=report)
    assert selectors.dispatch_numbers(project, month(3), Decimal(0)).year_to_date == 100 * WAN


# --- the page --------------------------------------------------------------------------------------------------

def _url(project, period) -> str:
    return f"/projects/{project.pk}/dispatch/{period.pk}/"


def _form(**overrides) -> dict:
    return {"invested": "150", "funds_in_place": "100", "gov_funds_paid": "", "workers": "85",
            "image_progress": "主体结构施工至三层", "work_done": "完成主体结构三层", "action": "save"} | overrides


def test_editor_fills_the_dispatch_on_the_page(project, month, cast, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(cast.editor_a)
    assert "本期完成投资" in client.get(_url(project, month(3))).content.decode()
    photo = SimpleUploadedFile("site.png", PNG, content_type="image/png")
    response = client.post(_url(project, month(3)), _form(photos=photo, action="submit"))
    assert response.status_code == 302
    report = ProgressReport.objects.get(task_id=project.pk)
    assert report.state == "submitted" and report.project_figures.invested == 150 * WAN
    assert Evidence.objects.filter(report=report).count() == 1
    page = client.get(_url(project, month(3))).content.decode()
    assert "低于时间进度12.5个百分点" in page and "已提交" in page


@pytest.mark.parametrize(("field", "value"), [("invested", "abc"), ("invested", ""), ("invested", "-5"),
                                              ("work_done", ""), ("workers", "-1")])
def test_bad_input_is_named_and_nothing_is_saved(project, month, cast, client_for, field, value):
    response = client_for(cast.editor_a).post(_url(project, month(3)), _form(**{field: value}))
    assert response.status_code == 400
    assert response.context["form"].errors.get(field)
    assert not ProgressReport.objects.exists()


def test_a_bad_photo_keeps_nothing(project, month, cast, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    bad = SimpleUploadedFile("site.exe", b"MZ" + b"\x00" * 40)
    response = client_for(cast.editor_a).post(_url(project, month(3)), _form(photos=bad))
    assert response.status_code == 400 and "只能上传图片" in response.content.decode()
    assert not ProgressReport.objects.exists() and not ProjectFigures.objects.exists()


def test_outsider_gets_404_and_viewer_403(project, month, cast, client_for):
    assert client_for(cast.outsider_b).get(_url(project, month(3))).status_code == 404
    assert client_for(cast.viewer_a).get(_url(project, month(3))).status_code == 200
    assert client_for(cast.viewer_a).post(_url(project, month(3)), _form()).status_code == 403
    assert client_for(cast.leader).post(_url(project, month(3)), _form()).status_code == 403
    assert not ProgressReport.objects.exists()


def test_anonymous_is_sent_to_login(project, month, citizen):
    response = citizen.get(_url(project, month(3)))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_weekly_period_or_a_task_is_not_a_project_dispatch(project, cast, client_for, task_a, month):
    from gongjian.dispatch import periods
    from gongjian.dispatch.models import ReportingPeriod

    week = periods.period_for(ReportingPeriod.Kind.WEEK, date(2023, 3, 15))
    client = client_for(cast.office)
    assert client.get(f"/projects/{project.pk}/dispatch/{week.pk}/").status_code == 404
    assert client.get(f"/projects/{task_a.pk}/dispatch/{month(3).pk}/").status_code == 404


def test_locked_month_refuses_a_post(project, month, cast, client_for):
    _approved(project, month(2), cast, 120)
    response = client_for(cast.editor_a).post(_url(project, month(2)), _form(invested="999"))
    assert response.status_code == 302
    assert ProjectFigures.objects.get().invested == 120 * WAN


def test_future_month_cannot_be_filled(project, cast, month):
    with pytest.raises(UserError) as exc:
        _dispatch(project, month(5), cast.editor_a, 10)
    assert exc.value.status == 409

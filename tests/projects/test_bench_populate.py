"""The bench hook: projects generated at the tiny scale, usable by the battle map."""

from datetime import date

import pytest

from gongjian.bench import data
from gongjian.bench.scale import SCALES
from gongjian.projects.battle import progress_data
from gongjian.projects.models import Project, ProjectFigures, ProjectPlan

pytestmark = pytest.mark.django_db


def _generate(settings, seed=7):
    settings.GONGJIAN_TODAY = date(2023, 9, 15)
    return data.generate(SCALES["tiny"], seed, lambda text: None)


def test_tiny_bench_has_projects_with_plans_and_figures(settings, cast):
    info = _generate(settings)
    assert info["counts"]["projects"] == 10 == Project.objects.count()
    assert ProjectPlan.objects.count() == 120
    assert ProjectFigures.objects.exists()
    assert all(p.town.is_area for p in Project.objects.select_related("town"))
    rows = progress_data(cast.office, {"kind": "all"}, date(2023, 9, 15))["rows"]
    assert len(rows) >= 10

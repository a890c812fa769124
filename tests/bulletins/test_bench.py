"""The cockpit and bulletin benchmarks run against any database holding a campaign and the first block's office, and
leave it as they found it."""

from datetime import date

import pytest

from gongjian.bench import bench_bulletin, bench_cockpit
from gongjian.bench.registry import Context
from gongjian.bench.scale import SCALES
from gongjian.bulletins.models import Bulletin
from gongjian.org.models import Role, UserSession
from gongjian.org.services import user_create

pytestmark = pytest.mark.django_db


def test_benchmarks_report_their_figures_and_write_nothing(march):
    user_create(actor=None, username="bench000office", password=march.cast.password, display_name="督查室",
                unit=march.cast.office.person.unit, roles=[Role.SUPERVISION_OFFICE])
    ctx = Context(scale=SCALES["tiny"], seed=7, today=date(2023, 3, 31), log=lambda text: None)
    sessions = UserSession.objects.count()
    cockpit = bench_cockpit.run(ctx)
    assert cockpit["requests"] == 50 and cockpit["p95"] >= cockpit["p50"] > 0 and cockpit["cards_counted"] == 4
    assert UserSession.objects.count() == sessions
    bulletin = bench_bulletin.run(ctx)
    assert bulletin["seconds"] > 0 and bulletin["docx_bytes"] > 0 and bulletin["met"] is True
    assert not Bulletin.objects.exists()


def test_cockpit_benchmark_skips_without_the_office(cast, db):
    ctx = Context(scale=SCALES["tiny"], seed=7, today=date(2023, 3, 31), log=lambda text: None)
    assert "skipped" in bench_cockpit.run(ctx)

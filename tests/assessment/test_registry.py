"""Other apps add indicators in their own `assessment_indicators.py` without assessment importing them."""

import sys
import textwrap
from datetime import date
from decimal import Decimal

import pytest

from gongjian.assessment import registry
from gongjian.assessment.selectors import breakdown

pytestmark = pytest.mark.django_db

MODULE = """
    def tickets(period, units, params):
        from gongjian.org.models import Unit
        for unit_id in sorted(units):
            yield (unit_id, params["points"], f"工单按时签收率{params['rate']}%（{period.label}）", None)
        yield (999999, 5, "不在考核范围的单位", None)
        yield (min(units), 1, "来源是任务", Unit.objects.get(pk=min(units)))

    INDICATORS = [{"code": "ticket_sign_rate", "name": "工单按时签收率", "compute": tickets,
                   "defaults": {"points": 1.5, "rate": 96}, "rule": "测试口径", "group": "万事有解", "order": 500}]
"""


@pytest.fixture
def extra_module(tmp_path, monkeypatch):
    (tmp_path / "fake_frontline_indicators.py").write_text(textwrap.dedent(MODULE), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "fake_frontline_indicators"
    sys.modules.pop("fake_frontline_indicators", None)


def test_installed_modules_start_with_ours():
    names = registry.installed_modules()
    assert names[0] == "gongjian.assessment.indicators"
    assert all(name.endswith(".assessment_indicators") for name in names[1:])


def test_discover_reads_every_module_in_order(extra_module):
    specs = registry.discover(["gongjian.assessment.indicators", extra_module])
    assert list(specs)[-1] == "ticket_sign_rate"
    assert specs["ticket_sign_rate"].defaults == {"points": 1.5, "rate": 96}
    assert specs["leader_evaluation"].is_manual and not specs["cards"].is_manual


def test_a_code_registered_twice_is_an_error(extra_module):
    with pytest.raises(ValueError, match="registered twice"):
        registry.discover([extra_module, extra_module])


def test_a_registered_indicator_joins_existing_schemes_and_scores(world, extra_module, monkeypatch):
    world.task(world.town_a, deadline=date(2023, 12, 31), co=[world.dept_b])
    first = world.compute()
    assert not first.scheme.indicators.filter(code="ticket_sign_rate").exists()
    extended = registry.discover(["gongjian.assessment.indicators", extra_module])
    monkeypatch.setattr(registry, "specs", lambda: extended)
    ranking = world.compute()
    indicator = ranking.scheme.indicators.get(code="ticket_sign_rate")
    assert indicator.enabled and indicator.weight == 1
    assert world.lines(ranking, world.dept_b) == [(Decimal("1.50"), "工单按时签收率96%（2023-03）")]
    assert world.lines(ranking, world.town_a) == [(Decimal("1.50"), "工单按时签收率96%（2023-03）"),
                                                 (Decimal("1.00"), "来源是任务")]
    assert [line.url for line in breakdown(world.score(ranking, world.town_a))] == [None, None]
    assert world.score(ranking, world.town_a).items.get(reason="来源是任务").source_type == "org.unit"

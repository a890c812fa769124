"""按期办结率, 办复率 and 满意率 reach the unit's assessment through the indicator registry."""

from datetime import date

import pytest

from gongjian.assessment import services as assessment
from gongjian.assessment.models import ScoreItem
from gongjian.matters import services

pytestmark = pytest.mark.django_db


def _proposal(cast, code, *, answer: str | None, satisfaction: str | None = None):
    item = services.proposal_create(actor=cast.office, kind="cppcc", code=code, title=f"提案{code}",
                                    proposers="委员", lead_unit=cast.unit_a, assigned_on=date(2023, 1, 3))
    if answer:
        services.proposal_meet(actor=cast.editor_a, proposal=item, met_on=date(2023, 3, 1), note="面商")
        services.proposal_answer(actor=cast.editor_a, proposal=item, answer_text="答复", answer_class=answer)
    if satisfaction:
        services.proposal_feedback(actor=cast.office, proposal=item, satisfaction=satisfaction)
    return item


def test_rates_in_the_units_monthly_assessment(cast, settings):
    settings.GONGJIAN_TODAY = date(2023, 3, 20)
    _proposal(cast, "第1号", answer="A", satisfaction="satisfied")
    _proposal(cast, "第2号", answer="C", satisfaction="unsatisfied")
    _proposal(cast, "第3号", answer=None)  # due 3 April and never answered: counts in April, not done
    _proposal(cast, "第4号", answer="B")
    settings.GONGJIAN_TODAY = date(2023, 4, 3)
    _proposal(cast, "第5号", answer="A")  # answered on its last day
    settings.GONGJIAN_TODAY = date(2023, 4, 10)
    campaign = services.container(2023)
    scheme = assessment.scheme_for(actor=cast.office, campaign=campaign, period_type="month")

    march = assessment.ranking_compute(actor=cast.office, scheme=scheme, label="2023-03")
    items = {i.indicator: i for i in ScoreItem.objects.filter(score__ranking=march, score__unit=cast.unit_a)}
    assert items["proposal_answer_rate"].reason == "建议提案办复率100.0%（3/3）"
    assert items["proposal_answer_rate"].points == 2
    assert items["proposal_satisfaction_rate"].reason == "代表委员满意率50.0%（1/2）"
    assert items["proposal_satisfaction_rate"].points == 1
    assert items["matter_on_time_rate"].reason == "督办事项按期办结率100.0%（3/3）"

    april = assessment.ranking_compute(actor=cast.office, scheme=scheme, label="2023-04")
    items = {i.indicator: i for i in ScoreItem.objects.filter(score__ranking=april, score__unit=cast.unit_a)}
    # The March answers are not counted again; April has the one answered in time and the one never answered.
    assert items["proposal_answer_rate"].reason == "建议提案办复率50.0%（1/2）"
    assert items["matter_on_time_rate"].reason == "督办事项按期办结率50.0%（1/2）"

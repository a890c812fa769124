"""Every long unit list a person picks from offers the pinyin-initial search (ui.js filters options by data-pinyin)
with the same hint, not only the task form's."""

import pytest
from django import forms

from gongjian.campaigns.forms import AdjustmentForm, TaskForm
from gongjian.forms_util import MULTI_HINT, PinyinSelect, PinyinSelectMultiple
from gongjian.frontline.forms import AssignForm, IdeaAcceptForm, PromoteForm
from gongjian.matters.forms import AssignmentForm, InstructionForm, ProposalForm
from gongjian.org.models import Unit
from gongjian.projects.forms import BattleTargetForm, ProjectForm
from gongjian.supervision.forms import BlockerForm

PICKERS = [
    (TaskForm, "lead_unit"), (TaskForm, "co_units"), (AdjustmentForm, "lead_unit"),
    (ProjectForm, "lead_unit"), (ProjectForm, "co_units"), (BattleTargetForm, "unit"),
    (BlockerForm, "responsible_unit"),
    (AssignForm, "unit"), (PromoteForm, "lead_unit"), (IdeaAcceptForm, "lead_unit"),
    (InstructionForm, "lead_unit"), (AssignmentForm, "lead_unit"),
    (ProposalForm, "co_units"),
]


@pytest.mark.parametrize(("form", "name"), PICKERS, ids=[f"{f.__name__}.{n}" for f, n in PICKERS])
def test_unit_pickers_search_by_pinyin(form, name):
    field = form.base_fields[name]
    multiple = isinstance(field, forms.ModelMultipleChoiceField)
    assert isinstance(field.widget, PinyinSelectMultiple if multiple else PinyinSelect)
    if multiple:
        assert field.help_text == MULTI_HINT


@pytest.mark.django_db
def test_options_carry_their_initials(cast):
    html = TaskForm()["lead_unit"].as_widget()
    unit = Unit.objects.filter(is_active=True).exclude(pinyin="").first()
    assert f'data-pinyin="{unit.pinyin}"' in html and "data-pinyin-search" in html

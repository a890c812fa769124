"""A select left empty reads 请选择 (required) or 不选 (optional) on every form, never Django's "---------"."""

from django import forms

from gongjian.campaigns.models import Task
from gongjian.org.models import Unit


class _Form(forms.Form):
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label="牵头单位")
    other = forms.ModelChoiceField(queryset=Unit.objects.none(), label="配合单位", required=False)
    status = forms.TypedChoiceField(choices=[("", "---------"), *Task.Status.choices], required=False)


def test_empty_choices_read_in_chinese(db):
    html = str(_Form())
    assert "---------" not in html
    assert '<option value="" selected>请选择</option>' in html
    assert html.count('<option value="" selected>不选</option>') == 2


def test_a_chosen_label_is_left_as_it_is(db):
    html = str(_Form(initial={"status": Task.Status.choices[0][0]}))
    assert f">{Task.Status.choices[0][1]}</option>" in html

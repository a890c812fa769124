from django import forms

from gongjian.campaigns.models import Campaign, Dependency, FocusArea, Task
from gongjian.forms_util import MULTI_HINT, PINYIN_HINT, PinyinSelect, PinyinSelectMultiple
from gongjian.org.models import Person, Unit

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TaskForm(forms.Form):
    campaign = forms.ModelChoiceField(Campaign.objects.all(), label="攻坚行动")
    focus_area = forms.ModelChoiceField(FocusArea.objects.all(), label="重点方向", required=False)
    title = forms.CharField(label="任务名称", max_length=200)
    description = forms.CharField(label="任务描述", widget=forms.Textarea(attrs={"rows": 3}), required=False,
                                  max_length=5000)
    source = forms.ChoiceField(label="来源", choices=Task.Source.choices, initial=Task.Source.CAMPAIGN)
    lead_leader = forms.ModelChoiceField(Person.objects.filter(is_city_leader=True), label="牵头市级领导",
                                         required=False, widget=PinyinSelect)
    lead_unit = forms.ModelChoiceField(Unit.objects.filter(is_active=True), label="牵头单位", widget=PinyinSelect,
                                       help_text=PINYIN_HINT)
    co_units = forms.ModelMultipleChoiceField(Unit.objects.filter(is_active=True), label="配合单位", required=False,
                                              widget=PinyinSelectMultiple(attrs={"size": 6}),
                                              help_text=MULTI_HINT)
    task_force = forms.ModelChoiceField(Unit.objects.filter(kind=Unit.Kind.TASK_FORCE), label="专班", required=False)
    start = forms.DateField(label="开始日期", widget=DATE_WIDGET)
    deadline = forms.DateField(label="办结时限", widget=DATE_WIDGET)
    indicator = forms.CharField(label="量化指标", max_length=100, required=False)
    indicator_unit = forms.CharField(label="指标单位", max_length=20, required=False)
    target_value = forms.DecimalField(label="目标值", max_digits=18, decimal_places=2, required=False)
    is_hot = forms.BooleanField(label="一周一反馈", required=False)


    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # With a single campaign there is nothing to choose.
        campaigns = list(self.fields["campaign"].queryset[:2])
        if len(campaigns) == 1 and not self.initial.get("campaign"):
            self.initial["campaign"] = campaigns[0].pk


class MilestoneForm(forms.Form):
    title = forms.CharField(label="节点名称", max_length=200)
    duration = forms.IntegerField(label="工期（工作日）", min_value=0, max_value=2000, initial=5)
    planned_date = forms.DateField(label="计划完成", widget=DATE_WIDGET, required=False)
    weight = forms.DecimalField(label="权重", min_value=0, max_digits=6, decimal_places=2, initial=1)


class DependencyForm(forms.Form):
    predecessor = forms.IntegerField(label="前置节点")
    successor = forms.IntegerField(label="后续节点")
    type = forms.ChoiceField(label="类型", choices=Dependency.Type.choices, initial="FS")
    lag = forms.IntegerField(label="间隔（工作日）", initial=0, min_value=-1000, max_value=1000)


class CompleteMilestoneForm(forms.Form):
    done_on = forms.DateField(label="完成日期", widget=DATE_WIDGET)
    evidence = forms.CharField(label="佐证说明", required=False, max_length=2000)


class AdjustmentForm(forms.Form):
    deadline = forms.DateField(label="新的办结时限", widget=DATE_WIDGET, required=False)
    lead_unit = forms.ModelChoiceField(Unit.objects.filter(is_active=True), label="新的牵头单位", required=False,
                                       widget=PinyinSelect, help_text=PINYIN_HINT)
    target_value = forms.DecimalField(label="新的目标值", max_digits=18, decimal_places=2, required=False)
    reason = forms.CharField(label="调整理由", widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)

    def changes(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "reason" and v not in (None, "")}

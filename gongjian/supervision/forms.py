"""Forms and filter sets of the supervision pages; the filter sets also serve the API, so a shared link and an API
call select the same rows."""

import django_filters
from django import forms

from gongjian import clock
from gongjian.campaigns.models import Campaign, FocusArea
from gongjian.forms_util import FilterSet, PinyinSelect, YesNoFilter
from gongjian.org.models import Person, Unit
from gongjian.supervision import registry
from gongjian.supervision.models import Blocker, Card, Color, Notice, blocker_overdue_q

ALL = "全部"
PARAM_LABELS = {
    "days": "到期前提醒（工作日）",
    "red_after_days": "逾期超过几个工作日亮红牌",
    "yellow_points": "落后几个百分点亮黄牌",
    "red_points": "落后超过几个百分点亮红牌",
    "red_periods": "连续几期未报亮红牌",
    "times": "被退回几次亮黄牌",
    "min_points": "至少几期进展后预测",
    "yellow_periods": "连续几期黄牌下发督办单",
    "red_supervise_after_days": "红牌持续几个工作日下发督办单",
    "red_periods_interview": "连续几期红牌约谈",
    "horizon_workdays": "预测最远几个工作日",
    "lights_yellow": "预警亮黄牌（1是，0否）",
    "due_days": "办理时限（工作日）",
    "escalation_days": "每级升级间隔（工作日）",
    "red_months": "连续几个月亮红牌",
    "yellow_months": "开工后几个月未纳统亮黄牌",
    "threshold_wan": "纳统门槛（万元）",
    "tolerance_points": "允许滞后几个百分点",
    "workdays": "工作日数",
    "proposal_workdays": "建议提案交办后几个工作日内面商",
}


def _style(fields) -> None:
    for f in fields.values():
        widget = f.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
            css = "form-select form-select-sm"
        else:
            css = "form-control form-control-sm"
        widget.attrs.setdefault("class", css)


StyledFilterSet = FilterSet


class CardFilter(StyledFilterSet):
    date = django_filters.DateFilter(label="督查日期", widget=forms.DateInput(attrs={"type": "date"}),
                                     method="filter_date")
    campaign = django_filters.ModelChoiceFilter(field_name="task__campaign", queryset=Campaign.objects.all(),
                                                label="攻坚行动", empty_label=ALL)
    focus_area = django_filters.ModelChoiceFilter(field_name="task__focus_area", queryset=FocusArea.objects.all(),
                                                  label="重点方向", empty_label=ALL, null_label="未分重点方向")
    unit = django_filters.ModelChoiceFilter(field_name="task__lead_unit", queryset=Unit.objects.all(),
                                            label="牵头单位", empty_label=ALL)
    leader = django_filters.ModelChoiceFilter(field_name="task__lead_leader",
                                              queryset=Person.objects.filter(is_city_leader=True),
                                              label="牵头领导", empty_label=ALL, null_label="未设牵头领导")
    color = django_filters.ChoiceFilter(choices=Color.choices, label="亮牌", empty_label=ALL)
    task = django_filters.NumberFilter(field_name="task", label="任务")

    class Meta:
        model = Card
        fields = ["date", "campaign", "focus_area", "unit", "leader", "color", "task"]

    def filter_date(self, queryset, name, value):
        return queryset.on(value)


class NoticeFilter(StyledFilterSet):
    kind = django_filters.ChoiceFilter(choices=Notice.Kind.choices, label="类型", empty_label=ALL)
    state = django_filters.ChoiceFilter(choices=Notice.State.choices, label="状态", empty_label=ALL)
    unit = django_filters.ModelChoiceFilter(queryset=Unit.objects.all(), label="责任单位", empty_label=ALL)
    task = django_filters.NumberFilter(field_name="task", label="任务")

    class Meta:
        model = Notice
        fields = ["kind", "state", "unit", "task"]


class BlockerFilter(StyledFilterSet):
    category = django_filters.ChoiceFilter(choices=Blocker.Category.choices, label="类别", empty_label=ALL)
    unit = django_filters.ModelChoiceFilter(field_name="responsible_unit", queryset=Unit.objects.all(),
                                            label="责任单位", empty_label=ALL)
    state = django_filters.ChoiceFilter(choices=Blocker.State.choices, label="状态", empty_label=ALL)
    level = django_filters.ChoiceFilter(choices=Blocker.Level.choices, label="协调层级", empty_label=ALL)
    overdue = YesNoFilter(method="filter_overdue", label="已超期")
    task = django_filters.NumberFilter(field_name="task", label="任务")

    class Meta:
        model = Blocker
        fields = ["category", "unit", "state", "level", "overdue", "task"]

    def filter_overdue(self, queryset, name, value):
        overdue = blocker_overdue_q(clock.today())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self.fields)


class OverrideForm(StyledForm):
    color = forms.ChoiceField(label="亮牌", choices=Color.choices)
    reason = forms.CharField(label="理由", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class NoticeIssueForm(StyledForm):
    kind = forms.ChoiceField(label="通知类型", choices=Notice.Kind.choices)
    reason = forms.CharField(label="事由", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class ReplyForm(StyledForm):
    reply = forms.CharField(label="回复（办理情况）", max_length=3000, widget=forms.Textarea(attrs={"rows": 3}))


class InterviewForm(StyledForm):
    held_on = forms.DateField(label="约谈日期", widget=forms.DateInput(attrs={"type": "date"}))
    held_with = forms.CharField(label="约谈对象", max_length=200)
    notes = forms.CharField(label="约谈情况", max_length=3000, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > clock.today():
            raise forms.ValidationError("约谈日期不能晚于今天")
        return held_on


class BlockerForm(StyledForm):
    category = forms.ChoiceField(label="问题类别", choices=Blocker.Category.choices)
    description = forms.CharField(label="问题描述", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    responsible_unit = forms.ModelChoiceField(label="责任单位", queryset=Unit.objects.filter(is_active=True),
                                              required=False, empty_label="按类别默认", widget=PinyinSelect,
                                              help_text="不选则按类别交给默认单位（如土地交自然资源局）")
    due_on = forms.DateField(label="办理时限", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                             help_text="不填则为10个工作日")


class ResolveForm(StyledForm):
    resolution = forms.CharField(label="办理情况", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class SignOffForm(StyledForm):
    decision = forms.ChoiceField(label="销号", choices=[("accept", "同意销号"), ("return", "退回重办")])
    note = forms.CharField(label="意见", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text="退回时必填")


class RuleForm(StyledForm):
    """One rule's settings for one scope: enabled, and each of its integer parameters."""

    enabled = forms.BooleanField(label="启用", required=False)

    def __init__(self, code: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.code = code
        for name in registry.rule(code).params:
            self.fields[f"p_{name}"] = forms.IntegerField(
                label=registry.rule(code).labels.get(name) or PARAM_LABELS.get(name, name), min_value=0, max_value=1000,
                widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "style": "max-width: 7em"}))

    def params(self) -> dict:
        return {key[2:]: value for key, value in self.cleaned_data.items() if key.startswith("p_")}

    def param_fields(self):
        return [self[key] for key in self.fields if key.startswith("p_")]

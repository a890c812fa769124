import django_filters
from django import forms
from django.db.models import Q

from gongjian import clock
from gongjian.campaigns.models import Campaign, FocusArea, Task, task_overdue_q
from gongjian.org.models import Person, Unit


class TaskFilter(django_filters.FilterSet):
    """One filter set for the task pages and the API, so a shared link and an API call select the same rows."""

    campaign = django_filters.ModelChoiceFilter(queryset=Campaign.objects.all(), label="攻坚行动")
    focus_area = django_filters.ModelChoiceFilter(queryset=FocusArea.objects.all(), label="重点方向")
    unit = django_filters.ModelChoiceFilter(queryset=Unit.objects.all(), method="filter_unit", label="责任单位",
                                            field_name="lead_unit")
    lead_unit = django_filters.ModelChoiceFilter(queryset=Unit.objects.all(), label="牵头单位")
    lead_leader = django_filters.ModelChoiceFilter(queryset=Person.objects.filter(is_city_leader=True),
                                                   label="牵头市级领导")
    status = django_filters.MultipleChoiceFilter(choices=Task.Status.choices, label="状态")
    source = django_filters.ChoiceFilter(choices=Task.Source.choices, label="来源")
    q = django_filters.CharFilter(method="filter_q", label="关键词")
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="已逾期", widget=forms.Select(
        choices=[("", "全部"), ("true", "是"), ("false", "否")]))

    class Meta:
        model = Task
        fields = ["campaign", "focus_area", "unit", "lead_unit", "lead_leader", "status", "source", "q", "overdue"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            if getattr(field, "empty_label", None) is not None:
                field.empty_label = "全部"
            css = "form-select form-select-sm" if hasattr(field, "queryset") or hasattr(field, "choices") else \
                "form-control form-control-sm"
            field.widget.attrs.setdefault("class", css)

    def filter_unit(self, queryset, name, value):
        co = Task.co_units.through.objects.filter(unit=value).values("task_id")
        return queryset.filter(Q(lead_unit=value) | Q(id__in=co))

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value)) if value else queryset

    def filter_overdue(self, queryset, name, value):
        overdue = task_overdue_q(clock.today())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

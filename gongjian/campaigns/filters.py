import django_filters
from django.db.models import Q

from gongjian import clock
from gongjian.campaigns import colors as task_colors
from gongjian.campaigns.models import Campaign, FocusArea, Task, task_overdue_q
from gongjian.forms_util import FilterSet, YesNoFilter
from gongjian.org.models import Person, Unit


class TaskFilter(FilterSet):
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
    overdue = YesNoFilter(method="filter_overdue", label="已逾期")
    color = django_filters.ChoiceFilter(choices=[("red", "红牌"), ("yellow", "黄牌"), ("green", "绿牌"),
                                                 ("none", "未亮牌")], method="filter_color", label="亮牌")

    class Meta:
        model = Task
        fields = ["campaign", "focus_area", "unit", "lead_unit", "lead_leader", "status", "source", "q", "overdue", "color"]

    def filter_unit(self, queryset, name, value):
        co = Task.co_units.through.objects.filter(unit=value).values("task_id")
        return queryset.filter(Q(lead_unit=value) | Q(id__in=co))

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value)) if value else queryset

    def filter_overdue(self, queryset, name, value):
        overdue = task_overdue_q(clock.today())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def filter_color(self, queryset, name, value):
        """The card of the latest supervision run, as the list's colour column shows it; "未亮牌" is a task without
        one (completed, or assigned after the run)."""
        return task_colors.with_current_color(queryset).filter(color_rank=task_colors.red_first(value))

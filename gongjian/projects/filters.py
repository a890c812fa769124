import django_filters
from django import forms
from django.db.models import Q

from gongjian import clock
from gongjian.campaigns.models import Campaign, FocusArea, Task
from gongjian.forms_util import FilterSet, YesNoFilter
from gongjian.org.models import Person, Unit
from gongjian.projects.models import Project
from gongjian.projects.selectors import REGISTERED_STAGES, SIGNED_STAGES


class YearFilter(django_filters.NumberFilter):
    """A year between 2000 and 2100; anything else is a 400 naming the field, never a database error."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=2000, max_value=2100, **kwargs)


class ProjectFilter(FilterSet):
    """One filter set for the project list, its export and the API: a dashboard number links to the rows it counts."""

    campaign = django_filters.ModelChoiceFilter(queryset=Campaign.objects.all(), label="攻坚行动")
    focus_area = django_filters.ModelChoiceFilter(queryset=FocusArea.objects.all(), label="重点方向")
    town = django_filters.ModelChoiceFilter(queryset=Unit.objects.filter(kind__in=Unit.AREA_KINDS), label="所在镇街")
    unit = django_filters.ModelChoiceFilter(queryset=Unit.objects.all(), method="filter_unit", label="责任单位",
                                            field_name="lead_unit")
    lead_leader = django_filters.ModelChoiceFilter(queryset=Person.objects.filter(is_city_leader=True),
                                                   label="包联领导")
    level = django_filters.ChoiceFilter(choices=Project.Level.choices, label="级别")
    nature = django_filters.ChoiceFilter(choices=Project.Nature.choices, label="性质")
    chain = django_filters.CharFilter(field_name="industry_chain", label="产业链")
    stage = django_filters.MultipleChoiceFilter(field_name="attraction_stage", choices=Project.Stage.choices,
                                                label="招商阶段")
    stats_status = django_filters.MultipleChoiceFilter(choices=Project.StatsStatus.choices, label="纳统状态")
    status = django_filters.MultipleChoiceFilter(choices=Task.Status.choices, label="状态")
    card = django_filters.ChoiceFilter(choices=[("red", "红牌"), ("yellow", "黄牌"), ("green", "绿牌")],
                                       method="filter_card", label="亮牌")
    q = django_filters.CharFilter(method="filter_q", label="关键词")
    attracted = YesNoFilter(method="filter_attracted", label="招商引资项目")
    signed = YesNoFilter(method="filter_signed", label="已签约")
    registered = YesNoFilter(method="filter_registered", label="已注册落地")
    start_due = YesNoFilter(method="filter_start_due", label="应开工")
    started = YesNoFilter(method="filter_started", label="已开工")
    production_due = YesNoFilter(method="filter_production_due", label="应投产")
    producing = YesNoFilter(method="filter_producing", label="已投产")
    foreign = YesNoFilter(field_name="is_foreign", label="外资项目")
    signed_year = YearFilter(field_name="signed_on", lookup_expr="year", label="签约年度")
    start_year = YearFilter(field_name="start", lookup_expr="year", label="计划开工年度")
    started_year = YearFilter(field_name="actual_start", lookup_expr="year", label="实际开工年度")
    production_year = YearFilter(field_name="planned_production", lookup_expr="year",
                                                  label="计划投产年度")
    produced_year = YearFilter(field_name="actual_production", lookup_expr="year",
                                                label="实际投产年度")

    class Meta:
        model = Project
        fields = ["campaign", "focus_area", "town", "unit", "lead_leader", "level", "nature", "chain", "stage",
                  "stats_status", "status", "card", "q", "attracted", "signed", "registered", "start_due", "started",
                  "production_due", "producing", "foreign", "signed_year", "start_year", "started_year",
                  "production_year", "produced_year"]

    FORM_FIELDS = ("q", "campaign", "focus_area", "town", "unit", "lead_leader", "level", "nature", "chain", "card")

    def filter_unit(self, queryset, name, value):
        co = Task.co_units.through.objects.filter(unit=value).values("task_id")
        return queryset.filter(Q(lead_unit=value) | Q(task_ptr_id__in=co))

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(code__icontains=value) | Q(owner_company__icontains=value))

    def filter_card(self, queryset, name, value):
        return queryset.filter(card=value) if "card" in queryset.query.annotations else queryset

    def _flag(self, queryset, condition: Q, value):
        if value is None:
            return queryset
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_attracted(self, queryset, name, value):
        return self._flag(queryset, ~Q(attraction_stage=""), value)

    def filter_signed(self, queryset, name, value):
        return self._flag(queryset, Q(attraction_stage__in=SIGNED_STAGES), value)

    def filter_registered(self, queryset, name, value):
        return self._flag(queryset, Q(attraction_stage__in=REGISTERED_STAGES), value)

    def filter_start_due(self, queryset, name, value):
        return self._flag(queryset, Q(start__lte=clock.today()), value)

    def filter_started(self, queryset, name, value):
        return self._flag(queryset, Q(actual_start__lte=clock.today()), value)

    def filter_production_due(self, queryset, name, value):
        return self._flag(queryset, Q(planned_production__lte=clock.today()), value)

    def filter_producing(self, queryset, name, value):
        return self._flag(queryset, Q(actual_production__lte=clock.today()), value)

import django_filters
from django.db.models import Q

from gongjian.forms_util import FilterSet
from gongjian.frontline.models import Category, Idea, Ticket
from gongjian.org.models import Unit


class TicketFilter(FilterSet):
    """One filter set for the ticket list, its export and the API, so a shared link selects the same rows."""

    state = django_filters.ChoiceFilter(choices=Ticket.State.choices, label="状态")
    category = django_filters.ModelChoiceFilter(queryset=Category.objects.all(), label="类别")
    town = django_filters.ModelChoiceFilter(queryset=Unit.objects.filter(kind__in=Unit.AREA_KINDS), label="镇街")
    unit = django_filters.ModelChoiceFilter(queryset=Unit.objects.all(), label="承办单位")
    source = django_filters.ChoiceFilter(choices=Ticket.Source.choices, label="来源")
    color = django_filters.ChoiceFilter(choices=[("red", "红牌"), ("yellow", "黄牌"), ("green", "绿牌")],
                                        method="filter_color", label="时限亮牌")
    risk_level = django_filters.ChoiceFilter(choices=Ticket.Risk.choices, label="风险等级")
    received_from = django_filters.DateFilter(field_name="received_at", lookup_expr="date__gte", label="受理起")
    received_to = django_filters.DateFilter(field_name="received_at", lookup_expr="date__lte", label="受理止")
    q = django_filters.CharFilter(method="filter_q", label="关键词")

    class Meta:
        model = Ticket
        fields = ["state", "category", "town", "unit", "source", "color", "risk_level", "received_from",
                  "received_to", "q"]

    def filter_color(self, queryset, name, value):
        return queryset.filter(sla_color=value, state__in=Ticket.CLOCK_STATES)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(code=value.upper()) | Q(text__icontains=value) | Q(address__icontains=value)) \
            if value else queryset


class IdeaFilter(FilterSet):
    state = django_filters.ChoiceFilter(choices=Idea.State.choices, label="状态")
    category = django_filters.ChoiceFilter(choices=Idea.Category.choices, label="领域")
    town = django_filters.ModelChoiceFilter(queryset=Unit.objects.filter(kind__in=Unit.AREA_KINDS), label="镇街")
    q = django_filters.CharFilter(method="filter_q", label="关键词")

    class Meta:
        model = Idea
        fields = ["state", "category", "town", "q"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(code=value.upper()) | Q(title__icontains=value) | Q(text__icontains=value)) \
            if value else queryset

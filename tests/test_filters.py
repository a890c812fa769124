"""Every list's filter form offers "全部" where nothing is chosen and 是/否 for yes-or-no questions: never
django-filter's "---------" or "未知"."""

import importlib
import pkgutil

import django_filters
import pytest
from django.http import QueryDict

import gongjian
from gongjian.campaigns import services as task_services
from gongjian.campaigns.filters import TaskFilter
from gongjian.campaigns.models import Campaign, Task
from gongjian.forms_util import FilterSet

pytestmark = pytest.mark.django_db


def _filter_sets() -> list[type[django_filters.FilterSet]]:
    for app in pkgutil.iter_modules(gongjian.__path__):
        for name in ("filters", "forms", "battle"):
            try:
                importlib.import_module(f"gongjian.{app.name}.{name}")
            except ModuleNotFoundError:
                continue
    found, todo = [], [django_filters.FilterSet]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("gongjian.") and sub is not FilterSet:
                found.append(sub)
    return found


def test_no_filter_form_offers_dashes_or_unknown(cast, campaign):
    sets = _filter_sets()
    assert {s.__name__ for s in sets} >= {"TaskFilter", "ProjectFilter", "TicketFilter", "CardFilter", "BlockerFilter"}
    for filter_set in sets:
        html = str(filter_set(None, queryset=filter_set._meta.model.objects.all()).form)
        assert "---------" not in html and "未知" not in html, filter_set.__name__
        assert "全部" in html, filter_set.__name__


def test_yes_no_keeps_shared_links_working(cast, campaign, task_a, settings):
    task_services.task_assign(actor=cast.office, task=task_a)
    settings.GONGJIAN_TODAY = task_a.deadline.replace(year=task_a.deadline.year + 1)
    tasks = Task.objects.all()
    for value, expected in (("true", [task_a]), ("1", [task_a]), ("false", []), ("0", []), ("", [task_a])):
        filterset = TaskFilter(QueryDict(f"overdue={value}"), queryset=tasks)
        assert filterset.is_valid(), value
        assert list(filterset.qs) == expected, value
    bad = TaskFilter(QueryDict("overdue=maybe"), queryset=tasks)
    assert not bad.is_valid() and "overdue" in bad.errors


def test_the_only_campaign_is_preselected(cast, campaign):
    assert f'<option value="{campaign.pk}" selected>' in str(TaskFilter(None, queryset=Task.objects.all()).form)
    Campaign.objects.create(name="第二个攻坚行动", year=campaign.year, start=campaign.start, end=campaign.end)
    assert f'<option value="{campaign.pk}" selected>' not in str(TaskFilter(None, queryset=Task.objects.all()).form)


def test_a_phone_folds_the_filters_and_counts_those_set(cast, campaign, client_for):
    office = client_for(cast.office)
    html = office.get("/tasks/?q=道路&overdue=&status=assigned&status=completed&sort=deadline").content.decode()
    assert '<details class="filter-fold no-print" data-fold-on-phone><summary>筛选（已选 2 项）</summary>' in html
    assert "<summary>筛选</summary>" in office.get("/tasks/").content.decode()

import functools
import hashlib

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from gongjian.api import Pagination
from gongjian.audit.models import AuditHead
from gongjian.campaigns import services
from gongjian.campaigns.access import task_for, tasks_visible_to
from gongjian.campaigns.filters import TaskFilter
from gongjian.campaigns.models import Campaign, Dependency, FocusArea, Milestone, Task
from gongjian.org.access import is_office, require
from gongjian.org.models import Person, Unit


class CampaignSerializer(serializers.ModelSerializer):
    class Meta:
        model = Campaign
        # The settings are read here; the office changes them on the page 攻坚行动设置.
        fields = ["id", "name", "year", "description", "start", "end", "report_due_workday", "remind_days_before"]
        read_only_fields = fields


class FocusAreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = FocusArea
        fields = ["id", "campaign", "title", "sentence", "order"]


class TaskSerializer(serializers.ModelSerializer):
    campaign = serializers.PrimaryKeyRelatedField(queryset=Campaign.objects.all())
    focus_area = serializers.PrimaryKeyRelatedField(queryset=FocusArea.objects.all(), allow_null=True, required=False)
    lead_leader = serializers.PrimaryKeyRelatedField(queryset=Person.objects.filter(is_city_leader=True),
                                                     allow_null=True, required=False)
    lead_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(is_active=True))
    co_units = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(is_active=True), many=True,
                                                  required=False)
    task_force = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(kind=Unit.Kind.TASK_FORCE),
                                                    allow_null=True, required=False)
    start = serializers.DateField(required=False)

    class Meta:
        model = Task
        fields = ["id", "title", "description", "campaign", "focus_area", "source", "source_sentence", "lead_leader",
                  "lead_unit", "co_units", "task_force", "start", "deadline", "status", "progress", "indicator",
                  "indicator_unit", "target_value", "is_hot", "completed_on", "version"]
        read_only_fields = ["status", "progress", "completed_on", "version"]


class TaskUpdateSerializer(TaskSerializer):
    campaign = serializers.PrimaryKeyRelatedField(read_only=True)
    expected_version = serializers.IntegerField(required=False, write_only=True)

    class Meta(TaskSerializer.Meta):
        fields = [*TaskSerializer.Meta.fields, "expected_version"]


class TransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=Task.Status.choices)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class CampaignViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CampaignSerializer

    def get_queryset(self):
        if is_office(self.request.user):
            return Campaign.objects.all()
        return Campaign.objects.filter(id__in=tasks_visible_to(self.request.user).values("campaign_id"))


class FocusAreaViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = FocusAreaSerializer
    filterset_fields = ["campaign"]

    def get_queryset(self):
        visible = CampaignViewSet(request=self.request).get_queryset()
        return FocusArea.objects.filter(campaign__in=visible).order_by("campaign", "order", "id")


PAGE_PARAMS = {"limit", "offset", "format"}


# Fields whose database value already is its JSON value (a primary key, a string, a number, a flag).
_AS_STORED = (serializers.RelatedField, serializers.CharField, serializers.IntegerField, serializers.BooleanField)


@functools.cache
def _task_renderers() -> tuple[tuple[str, object], ...]:
    """(name, render) for each listed column of TaskSerializer; render is None where the stored value is the JSON."""
    fields = TaskSerializer().fields
    return tuple((name, None if isinstance(fields[name], _AS_STORED) else fields[name].to_representation)
                 for name in TaskSerializer.Meta.fields if name != "co_units")


# An upper bound, for a write that bypassed the services (a migration, a shell): the count catches up by then.
COUNT_SECONDS = 300


class TaskPagination(Pagination):
    """The total of a task list is remembered until the next audited write. Every write service records an audit
    event in its own transaction, which moves the chain's head, so a remembered count is never older than the tasks
    (the daily run, which changes the colour filters' answers, records one too). At province scale a COUNT(*) over
    130,000 tasks was most of a page's time."""

    def get_count(self, queryset):
        if not isinstance(queryset, QuerySet):
            return super().get_count(queryset)
        # The head's hash too: after a restore the same sequence number may stand for other data.
        head = AuditHead.objects.filter(pk=1).values_list("seq", "hash").first()
        try:
            sql, params = queryset.order_by().query.sql_with_params()
        except EmptyResultSet:  # queryset.none(): nothing to count
            return 0
        key = "task-count:" + hashlib.sha256(repr((head, sql, params)).encode()).hexdigest()
        count = cache.get(key)
        if count is None:
            count = super().get_count(queryset)
            cache.set(key, count, COUNT_SECONDS)
        return count


class TaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                  mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Tasks the user may see. The supervision office creates and edits; after assignment, deadline, lead unit and
    target change only through an adjustment (409 otherwise)."""

    filterset_class = TaskFilter
    pagination_class = TaskPagination

    def get_queryset(self):
        return tasks_visible_to(self.request.user).prefetch_related("co_units").order_by("id")

    def filter_queryset(self, queryset):
        # Building and validating the filter form is a good part of an unfiltered page's time; with no filter
        # parameter it filters nothing.
        if set(self.request.query_params) <= PAGE_PARAMS:
            return queryset
        return super().filter_queryset(queryset)

    def list(self, request, *args, **kwargs):
        """A page as plain rows: the serialized columns, the co-units' ids from one query on the link table, and
        each value rendered by the serializer's own field (the same JSON as TaskSerializer, without building a model
        instance and a related manager per row)."""
        columns = [f for f in TaskSerializer.Meta.fields if f != "co_units"]
        rows = self.paginate_queryset(self.filter_queryset(self.get_queryset()).values(*columns))
        co_units: dict[int, list[int]] = {row["id"]: [] for row in rows}
        links = Task.co_units.through.objects.filter(task_id__in=list(co_units)).order_by("task_id", "unit_id")
        for task_id, unit_id in links.values_list("task_id", "unit_id"):
            co_units[task_id].append(unit_id)
        renderers = _task_renderers()
        rendered = []
        for row in rows:
            item = {name: row[name] if render is None or row[name] is None else render(row[name])
                    for name, render in renderers}
            item["co_units"] = co_units[row["id"]]
            rendered.append({name: item[name] for name in TaskSerializer.Meta.fields})
        return self.get_paginated_response(rendered)

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return TaskUpdateSerializer
        if self.action == "transition":
            return TransitionSerializer
        return TaskSerializer

    def get_object(self):
        write = "manage" if self.action in ("update", "partial_update", "transition", "schedule") else None
        return task_for(self.request.user, self.kwargs["pk"], write=write)

    def create(self, request, *args, **kwargs):
        require(is_office(request.user))
        serializer = TaskSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        task = services.task_create(actor=request.user, campaign=data.pop("campaign"), **data)
        return Response(TaskSerializer(task).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        task = self.get_object()
        serializer = TaskUpdateSerializer(task, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        expected = data.pop("expected_version", None)
        co_units = data.pop("co_units", None)
        task = services.task_update(actor=request.user, task=task, expected_version=expected, co_units=co_units,
                                    **data)
        return Response(TaskSerializer(task).data)

    @extend_schema(request=TransitionSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        task = self.get_object()
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        task = services.task_transition(actor=request.user, task=task, **serializer.validated_data)
        return Response(TaskSerializer(task).data)

    @extend_schema(request=None, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def schedule(self, request, pk=None):
        task = self.get_object()
        services.task_schedule_backward(actor=request.user, task=task)
        return Response(TaskSerializer(task).data)


class MilestoneSerializer(serializers.ModelSerializer):
    task = serializers.IntegerField(source="task_id")

    class Meta:
        model = Milestone
        fields = ["id", "task", "title", "planned_start", "planned_date", "duration", "weight", "done_on", "evidence",
                  "total_float", "is_critical", "order"]
        read_only_fields = ["planned_start", "done_on", "evidence", "total_float", "is_critical"]


class CompleteSerializer(serializers.Serializer):
    done_on = serializers.DateField()
    evidence = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class MilestoneViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                       viewsets.GenericViewSet):
    filterset_fields = ["task"]

    def get_serializer_class(self):
        return CompleteSerializer if self.action == "complete" else MilestoneSerializer

    def get_queryset(self):
        return Milestone.objects.filter(task__in=tasks_visible_to(self.request.user)).order_by("task", "order", "id")

    def create(self, request, *args, **kwargs):
        serializer = MilestoneSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        task = task_for(request.user, data.pop("task_id"), write="manage")
        data.pop("order", None)
        milestone = services.milestone_create(actor=request.user, task=task, **data)
        return Response(MilestoneSerializer(milestone).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CompleteSerializer, responses=MilestoneSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        milestone = self.get_object()
        task_for(request.user, milestone.task_id, write="report")
        serializer = CompleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        milestone = services.milestone_complete(actor=request.user, milestone=milestone, **serializer.validated_data)
        return Response(MilestoneSerializer(milestone).data)


class DependencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Dependency
        fields = ["id", "predecessor", "successor", "type", "lag"]


class DependencyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                        viewsets.GenericViewSet):
    serializer_class = DependencySerializer

    def get_queryset(self):
        return Dependency.objects.filter(successor__task__in=tasks_visible_to(self.request.user)).order_by("id")

    def create(self, request, *args, **kwargs):
        serializer = DependencySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            task_for(request.user, data["successor"].task_id, write="manage")
        except Http404:
            raise serializers.ValidationError({"successor": "节点不存在"}) from None
        dependency = services.dependency_create(actor=request.user, **data)
        return Response(DependencySerializer(dependency).data, status=status.HTTP_201_CREATED)

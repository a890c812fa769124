"""API views; `register` adds them to the /api/v1/ router: projects, project dispatch figures, attraction pipeline."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from gongjian import clock
from gongjian.campaigns.models import Campaign, FocusArea
from gongjian.dispatch.api import ProblemSerializer
from gongjian.dispatch.models import ReportingPeriod
from gongjian.org.access import get_or_404, is_office, require
from gongjian.org.models import Person, Unit
from gongjian.projects import selectors, services
from gongjian.projects.access import project_for, projects_visible_to
from gongjian.projects.filters import ProjectFilter
from gongjian.projects.ledger import mask_phone
from gongjian.projects.models import Project, ProjectFigures

MONEY = {"max_digits": 18, "decimal_places": 2, "min_value": 0}


class ProjectSerializer(serializers.ModelSerializer):
    campaign = serializers.PrimaryKeyRelatedField(queryset=Campaign.objects.all())
    focus_area = serializers.PrimaryKeyRelatedField(queryset=FocusArea.objects.all(), allow_null=True, required=False)
    lead_leader = serializers.PrimaryKeyRelatedField(queryset=Person.objects.filter(is_city_leader=True),
                                                     allow_null=True, required=False)
    lead_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(is_active=True))
    co_units = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(is_active=True), many=True,
                                                  required=False)
    task_force = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(kind=Unit.Kind.TASK_FORCE),
                                                    allow_null=True, required=False)
    town = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(kind__in=Unit.AREA_KINDS), allow_null=True,
                                              required=False)
    planned_start = serializers.DateField(source="start")
    planned_completion = serializers.DateField(source="deadline")
    total_investment = serializers.DecimalField(**MONEY)
    prior_investment = serializers.DecimalField(**MONEY, required=False)

    class Meta:
        model = Project
        fields = [
            "id", "title", "description", "campaign", "focus_area", "lead_leader", "lead_unit", "co_units",
            "task_force", "status", "progress", "version", "code", "level", "nature", "industry_chain", "town",
            "latitude", "longitude", "owner_company", "contact_name", "contact_phone", "total_investment",
            "prior_investment", "planned_start", "planned_completion", "planned_production", "actual_start",
            "actual_completion", "actual_production", "workers_on_site", "stats_status", "stats_basis", "stats_on",
            "stats_reason", "attraction_stage", "signed_on", "is_foreign", "foreign_amount_usd",
        ]
        read_only_fields = ["status", "progress", "version"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if self.context.get("mask_contacts"):
            data["contact_phone"] = mask_phone(instance.contact_phone)
        return data

    def service_fields(self) -> dict:
        data = dict(self.validated_data)
        for field, name in (("start", "planned_start"), ("deadline", "planned_completion")):
            if field in data:
                data[name] = data.pop(field)
        return data


class ProjectUpdateSerializer(ProjectSerializer):
    campaign = serializers.PrimaryKeyRelatedField(read_only=True)
    expected_version = serializers.IntegerField(required=False, write_only=True)

    class Meta(ProjectSerializer.Meta):
        fields = [*ProjectSerializer.Meta.fields, "expected_version"]


class ProjectViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                     mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Major projects the user may see (scoped like tasks: a project is a task). The office creates and edits;
    after assignment the planned completion changes only through an adjustment (409 otherwise)."""

    filterset_class = ProjectFilter

    def get_queryset(self):
        return selectors.with_card(projects_visible_to(self.request.user), clock.today()) \
            .prefetch_related("co_units").order_by("id")

    def get_serializer_class(self):
        return ProjectUpdateSerializer if self.action in ("update", "partial_update") else ProjectSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "mask_contacts": not is_office(self.request.user)}

    def get_object(self):
        write = "manage" if self.action in ("update", "partial_update") else None
        return project_for(self.request.user, self.kwargs["pk"], write=write)

    def create(self, request, *args, **kwargs):
        require(is_office(request.user))
        serializer = ProjectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.service_fields()
        project = services.project_create(actor=request.user, campaign=data.pop("campaign"), **data)
        return Response(ProjectSerializer(project).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        project = self.get_object()
        serializer = ProjectUpdateSerializer(project, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        data = serializer.service_fields()
        expected = data.pop("expected_version", None)
        co_units = data.pop("co_units", None)
        project = services.project_update(actor=request.user, project=project, expected_version=expected,
                                          co_units=co_units, **data)
        return Response(ProjectSerializer(project).data)


class FiguresSerializer(serializers.ModelSerializer):
    """A monthly project dispatch. Year-to-date, since-start and the time-progress comparison are derived."""

    project = serializers.IntegerField(source="project_id")
    period = serializers.PrimaryKeyRelatedField(queryset=ReportingPeriod.objects.filter(kind="month"))
    state = serializers.CharField(source="report.state", read_only=True)
    invested = serializers.DecimalField(**MONEY)
    funds_in_place = serializers.DecimalField(**MONEY, required=False)
    gov_funds_paid = serializers.DecimalField(**MONEY, required=False)
    workers = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False, allow_null=True)
    image_progress = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    work_done = serializers.CharField(max_length=5000, write_only=True)
    next_steps = serializers.CharField(max_length=5000, write_only=True, required=False, allow_blank=True)
    problems = ProblemSerializer(many=True, required=False, write_only=True)
    submit = serializers.BooleanField(default=False, write_only=True)
    derived = serializers.SerializerMethodField()

    class Meta:
        model = ProjectFigures
        fields = ["id", "project", "period", "report", "state", "year", "month", "invested", "funds_in_place",
                  "gov_funds_paid", "workers", "image_progress", "work_done", "next_steps", "problems", "submit",
                  "derived"]
        read_only_fields = ["report", "year", "month"]

    def get_derived(self, figures) -> dict:
        bulk = self.context.get("numbers") or {}
        numbers = bulk.get(figures.pk) or selectors.dispatch_numbers(figures.project, figures.period,
                                                                     figures.invested, figures.report_id)
        pos = numbers.position
        return {"year_to_date": str(numbers.year_to_date), "since_start": str(numbers.since_start),
                "year_plan": str(pos.year_plan),
                "completion": None if pos.completion is None else str(round(pos.completion, 1)),
                "time_progress": None if pos.time_progress is None else str(round(pos.time_progress, 1)),
                "points": None if pos.points is None else str(round(pos.points, 1)), "phrase": pos.phrase}


class ProjectFiguresViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                            viewsets.GenericViewSet):
    """Monthly project dispatch figures. POST saves the period's report and figures together (as a draft, or
    submitted with "submit": true) as the lead unit's editor; approved periods are locked (409)."""

    serializer_class = FiguresSerializer
    filterset_fields = ["project", "period", "year", "month"]

    def get_queryset(self):
        return ProjectFigures.objects.filter(project__in=projects_visible_to(self.request.user)) \
            .select_related("project", "period", "report").order_by("project_id", "year", "month", "id")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        serializer = FiguresSerializer(page, many=True, context={
            **self.get_serializer_context(), "numbers": selectors.dispatch_numbers_bulk(list(page))})
        return self.get_paginated_response(serializer.data)

    def create(self, request, *args, **kwargs):
        serializer = FiguresSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        project = project_for(request.user, data.pop("project_id"), write="report")
        period = get_or_404(ReportingPeriod.objects.filter(kind="month"), data.pop("period").pk)
        report_fields = {"work_done": data.pop("work_done"), "next_steps": data.pop("next_steps", ""),
                         "problems": [dict(p) for p in data.pop("problems", [])]}
        submit = data.pop("submit", False)
        report = services.project_dispatch_save(actor=request.user, project=project, period=period,
                                                report_fields=report_fields, figures=data, submit=submit)
        return Response(FiguresSerializer(report.project_figures).data, status=status.HTTP_201_CREATED)


class StageSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class RateSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    definition = serializers.CharField()
    numerator = serializers.DecimalField(max_digits=20, decimal_places=2)
    denominator = serializers.DecimalField(max_digits=20, decimal_places=2)
    percent = serializers.DecimalField(max_digits=7, decimal_places=1, allow_null=True)


class AttractionSerializer(serializers.Serializer):
    attracted = serializers.IntegerField()
    signed = serializers.IntegerField()
    stages = StageSerializer(many=True)
    rates = RateSerializer(many=True)


class SummarySchema(AutoSchema):
    """A router "list" route that answers one summary object, not a list."""

    def _is_list_view(self, serializer=None) -> bool:
        return False


class AttractionViewSet(viewsets.ViewSet):
    """The investment-attraction pipeline: projects per stage and the four rates (definitions in each rate)."""

    schema = SummarySchema()

    @extend_schema(responses=AttractionSerializer, parameters=[
        OpenApiParameter("campaign", int, required=False), OpenApiParameter("town", int, required=False)])
    def list(self, request):
        projects = projects_visible_to(request.user)
        for name in ("campaign", "town"):
            value = request.query_params.get(name)
            if value:
                if not value.isdigit():
                    raise serializers.ValidationError({name: "必须是整数ID"})
                projects = projects.filter(**{f"{name}_id": int(value)})
        summary = selectors.attraction_summary(projects, clock.today())
        rates = [{"key": r.key, "name": r.name, "definition": r.definition, "numerator": r.numerator,
                  "denominator": r.denominator,
                  "percent": None if r.percent is None else round(r.percent, 1)} for r in summary["rates"]]
        return Response(AttractionSerializer({"attracted": summary["attracted"], "signed": summary["signed"],
                                              "stages": summary["stages"], "rates": rates}).data)


def register(router) -> None:
    router.register("projects", ProjectViewSet, basename="project")
    router.register("project-figures", ProjectFiguresViewSet, basename="project-figures")
    router.register("attraction", AttractionViewSet, basename="attraction")
